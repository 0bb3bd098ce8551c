"""Checklist operations: read what the org may use; HQ drafts, versions and publishes its own."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager

from audit_api.auth.policy import visible_checklists
from audit_api.checklists.definition import DefinitionInvalid, load_definition
from audit_api.checklists.files import digest
from audit_api.checklists.models import Checklist, ChecklistVersion, VersionStatus
from audit_api.db import commit_unique, db, fetch_page, utcnow
from audit_api.errors import Reason, field_error
from audit_api.scoring.answers import AnswersInvalid, check_answers
from audit_api.scoring.engine import ScoreResult, score
from audit_api.users.models import User

MISMATCH = Reason.checklist_mismatch
KEY_TAKEN = "A checklist with this key already exists (built-in or your organization's)."


def list_checklists(
    actor: User, *, page: int, page_size: int, kind: str | None = None
) -> tuple[list[Checklist], int]:
    """The checklists the actor may use, built-ins first, a page at a time."""
    stmt = select(Checklist).where(visible_checklists(actor))
    if kind:
        stmt = stmt.where(Checklist.kind == kind)
    stmt = stmt.order_by(Checklist.org_id.is_not(None), Checklist.key)
    return fetch_page(stmt, page, page_size)


def get_checklist(actor: User, key: str) -> Checklist:
    """A checklist by key among those the actor may use; others answer 404."""
    checklist = db.session.scalar(
        select(Checklist).where(Checklist.key == key, visible_checklists(actor))
    )
    if checklist is None:
        raise Reason.not_found.error("Checklist not found.")
    return checklist


def get_version(actor: User, key: str, version: int) -> ChecklistVersion:
    """One version of a checklist the actor may use."""
    # That version alone: the checklist's list of versions would read every definition (a
    # brand that revised its checklist twenty times made each audit's first PUT parse twenty).
    found = db.session.scalar(
        select(ChecklistVersion)
        .join(ChecklistVersion.checklist)
        .where(Checklist.key == key, visible_checklists(actor), ChecklistVersion.version == version)
        .options(contains_eager(ChecklistVersion.checklist).lazyload(Checklist.versions))
    )
    if found is None:
        get_checklist(actor, key)  # 404 for the checklist itself when there is none
        raise Reason.not_found.error("Checklist version not found.")
    return found


def _validated(data: dict[str, Any], key: str | None, version: int, kind: str | None) -> dict:
    """The definition, validated, with the version the server assigns."""
    data = {**data, "version": data.get("version", version)}
    try:
        definition = load_definition(data)
    except DefinitionInvalid as exc:
        raise Reason.checklist_invalid.error("Invalid checklist definition.", exc.errors) from None
    if definition["version"] != version:
        raise field_error("version", f"the next version of this checklist is {version}", MISMATCH)
    if key is not None and definition["key"] != key:
        raise field_error("key", f"must be '{key}', the checklist in the URL", MISMATCH)
    if kind is not None and definition["kind"] != kind:
        raise field_error(
            "kind", f"must stay '{kind}'; make a new checklist for another kind", MISMATCH
        )
    return definition


def _new_version(checklist: Checklist, definition: dict, actor: User) -> ChecklistVersion:
    row = ChecklistVersion(
        checklist=checklist,
        version=definition["version"],
        definition=definition,
        digest=digest(definition),
        created_by_id=actor.id,
    )
    db.session.add(row)
    commit_unique(
        "version", "This version was just created by another request.", Reason.version_taken
    )
    return row


def create_checklist(actor: User, data: dict[str, Any]) -> ChecklistVersion:
    """A new checklist of the actor's organization, as draft version 1."""
    definition = _validated(data, None, 1, None)
    taken = db.session.scalar(
        select(Checklist.id).where(
            Checklist.key == definition["key"],
            or_(Checklist.org_id.is_(None), Checklist.org_id == actor.org_id),
        )
    )
    if taken is not None:
        raise Reason.checklist_key_taken.error(KEY_TAKEN, {"key": [KEY_TAKEN]})
    checklist = Checklist(org_id=actor.org_id, key=definition["key"], kind=definition["kind"])
    db.session.add(checklist)
    return _new_version(checklist, definition, actor)


def _own(actor: User, key: str) -> Checklist:
    return _writable(get_checklist(actor, key))


def _writable(checklist: Checklist) -> Checklist:
    if checklist.builtin:
        raise Reason.checklist_builtin.error(
            "Built-in checklists are read-only; create your own under a new key."
        )
    return checklist


def create_version(actor: User, key: str, data: dict[str, Any]) -> ChecklistVersion:
    """The next version of one of the organization's checklists, as a draft."""
    checklist = _own(actor, key)
    draft = next((v for v in checklist.versions if not v.published), None)
    if draft is not None:
        raise Reason.draft_pending.error(
            f"Version {draft.version} is still a draft: change or publish it first."
        )
    latest = max(v.version for v in checklist.versions)
    definition = _validated(data, key, latest + 1, checklist.kind)
    return _new_version(checklist, definition, actor)


def replace_draft(row: ChecklistVersion, data: dict[str, Any]) -> ChecklistVersion:
    """Replace a draft's definition (a version read with get_version); published ones are 409."""
    _writable(row.checklist)
    if row.published:
        raise Reason.version_published.error(
            "A published version never changes; create a new version."
        )
    row.definition = _validated(data, row.checklist.key, row.version, row.checklist.kind)
    row.digest = digest(row.definition)
    db.session.commit()
    return row


def publish(actor: User, key: str, version: int) -> ChecklistVersion:
    """Publish a draft; publishing it again is harmless."""
    _own(actor, key)
    row = get_version(actor, key, version)
    if not row.published:
        row.status, row.published_at = VersionStatus.PUBLISHED, utcnow()
        db.session.commit()
    return row


def preview_score(row: ChecklistVersion, answers: list[dict]) -> ScoreResult:
    """Score answers against a version (draft or published) without storing anything."""
    try:
        checked = check_answers(row.definition, answers, complete=True)
    except AnswersInvalid as exc:
        raise Reason.answers_invalid.error("Invalid answers.", exc.errors) from None
    return score(row.definition, checked)
