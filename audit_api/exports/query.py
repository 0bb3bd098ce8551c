"""What an export reads: its filters, its stable cursor, and audits in batches from the database."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, and_, func, or_, select

from audit_api.audits.models import Audit, AuditScore, AuditStatus
from audit_api.audits.query import AuditFilter, audit_conditions
from audit_api.checklists.models import Checklist, ChecklistVersion
from audit_api.db import db
from audit_api.errors import field_error
from audit_api.fields import PLAUSIBLE
from audit_api.locations.models import Location
from audit_api.users.models import User

BATCH = 1000
NOT_A_CURSOR = "Not a cursor from an earlier export."


def encode_cursor(updated_at: datetime, audit_id: str) -> str:
    """An opaque, stable position in the (updated_at, id) order."""
    return base64.urlsafe_b64encode(f"{updated_at.isoformat()}|{audit_id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The (updated_at, id) position of a cursor; ValueError when it is not one of ours."""
    try:
        stamp, audit_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        moment, canonical = datetime.fromisoformat(stamp), str(UUID(audit_id))
    except ValueError:  # bad base64, UTF-8, separator, time or UUID alike
        raise ValueError(NOT_A_CURSOR) from None
    # Ours hold an offset, a UUID as audits store it and a time of this era: a naive time
    # cannot be compared with the column's, and a far one may not even convert to UTC.
    era = PLAUSIBLE.min <= moment.date() <= PLAUSIBLE.max
    if moment.utcoffset() is None or canonical != audit_id or not era:
        raise ValueError(NOT_A_CURSOR)
    # In UTC, as ours are written: Python takes offsets up to ±23:59, PostgreSQL only ±15:59.
    return moment.astimezone(UTC), audit_id


def _after(cursor: str) -> ColumnElement[bool]:
    try:
        moment, audit_id = decode_cursor(cursor)
    except ValueError as exc:
        raise field_error("updated_after", str(exc)) from None
    return or_(Audit.updated_at > moment, and_(Audit.updated_at == moment, Audit.id > audit_id))


def export_where(scope: ColumnElement[bool], f: dict[str, Any]) -> list[ColumnElement[bool]]:
    """What an export reads: audits in `scope`, filtered as every audit listing is, approved
    by default (`status=all`: any), after the `updated_after` cursor."""
    status = f.get("status", AuditStatus.APPROVED)
    where = audit_conditions(scope, AuditFilter.of(f, status=None if status == "all" else status))
    if f.get("updated_after"):
        where.append(_after(f["updated_after"]))
    return where


def count_audits(where: list[ColumnElement[bool]]) -> int:
    """How many audits an export reads."""
    return db.session.scalar(select(func.count()).select_from(Audit).where(*where)) or 0


def audit_batches(where: list[ColumnElement[bool]]) -> Iterator[list[tuple]]:
    """Batches of (audit, score, location code, location name, region, auditor, key, version)."""
    stmt = (
        select(
            Audit.id,
            Audit.updated_at,
            Audit.kind,
            Audit.visit_date,
            Audit.started_at,
            Audit.device_submitted_at,
            Audit.received_at,
            Audit.approved_at,
            Audit.status,
            Audit.within_geofence,
            Audit.distance_m,
            Audit.answers,
            Location.code,
            Location.name,
            Location.region_id,
            User.email,
            Checklist.key,
            ChecklistVersion.version,
            ChecklistVersion.id.label("version_id"),
            AuditScore.overall,
            AuditScore.grade,
            AuditScore.critical_failures,
        )
        .join(Location, Location.id == Audit.location_id)
        .join(User, User.id == Audit.auditor_id)
        .join(ChecklistVersion, ChecklistVersion.id == Audit.checklist_version_id)
        .join(Checklist, Checklist.id == ChecklistVersion.checklist_id)
        .outerjoin(AuditScore, AuditScore.audit_id == Audit.id)
        .where(*where)
        .order_by(Audit.updated_at, Audit.id)
        .execution_options(yield_per=BATCH)
    )
    # yield_per streams from a server-side cursor on PostgreSQL: one batch in memory at a time.
    yield from db.session.execute(stmt).partitions()
