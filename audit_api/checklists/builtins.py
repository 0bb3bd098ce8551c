"""Syncing the built-in checklists of checklists/*.yaml into the database."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from audit_api.checklists.files import BUILTIN_DIR, builtin_definitions, digest
from audit_api.checklists.models import Checklist, ChecklistVersion, VersionStatus
from audit_api.db import db, utcnow

log = logging.getLogger(__name__)


class BuiltinChanged(RuntimeError):
    """A published built-in version whose file changed: give it a new version instead."""


def sync_builtins(folder: Path = BUILTIN_DIR) -> int:
    """Publish every built-in version not yet in the database; returns how many were added."""
    added = 0
    for definition in builtin_definitions(folder):
        key, version = definition["key"], definition["version"]
        checklist = db.session.scalar(
            select(Checklist).where(Checklist.org_id.is_(None), Checklist.key == key)
        )
        if checklist is None:
            checklist = Checklist(org_id=None, key=key, kind=definition["kind"])
            db.session.add(checklist)
            db.session.flush()
        existing = next((v for v in checklist.versions if v.version == version), None)
        if existing is not None:
            if existing.digest != digest(definition):
                db.session.rollback()
                raise BuiltinChanged(
                    f"{folder / (key + '.yaml')}: version {version} was published with other "
                    "content; published versions never change, so give the edit a new version"
                )
            continue
        db.session.add(
            ChecklistVersion(
                checklist=checklist,
                version=version,
                status=VersionStatus.PUBLISHED,
                definition=definition,
                digest=digest(definition),
                published_at=utcnow(),
            )
        )
        added += 1
    db.session.commit()
    return added


def sync_at_start() -> None:
    """Sync at start when the schema is there (a database not yet migrated is left alone)."""
    if not inspect(db.engine).has_table("checklist_versions"):
        log.warning("checklist tables missing: run `flask --app wsgi db upgrade`")
        return
    try:
        added = sync_builtins()
    except IntegrityError:
        # Another worker starting at the same moment synced first; what is left is a no-op.
        db.session.rollback()
        added = sync_builtins()
    if added:
        log.info("published %d built-in checklist version(s)", added)
