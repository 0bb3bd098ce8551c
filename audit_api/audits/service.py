"""Audit drafts: who may create and fill them, and how their content and paradata are stored."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload

from audit_api.assignments.models import Assignment, AssignmentStatus
from audit_api.assignments.service import get_assignment, published_version
from audit_api.audits.models import Audit, AuditEvent, AuditStatus
from audit_api.audits.paradata import derive_answers, geofence, local_date
from audit_api.audits.query import AuditFilter, audit_conditions
from audit_api.auth.policy import (
    AUDITOR,
    may_fill,
    may_fill_assignment,
    visible_audits,
    visible_locations,
)
from audit_api.db import db, fetch_page
from audit_api.errors import NotFound, Reason, field_error
from audit_api.locations.models import Location
from audit_api.scoring.answers import AnswersInvalid, check_answers
from audit_api.users.models import User

IMMUTABLE = ("location_id", "checklist_key", "checklist_version", "kind", "assignment_id")


def get_audit(actor: User, audit_id: str, *, lock: bool = False, lean: bool = False) -> Audit:
    """An audit the actor may see (locked for update when asked); any other answers 404.
    `lean` leaves its photos and score to be loaded only if read (photo operations, which
    would otherwise load every photo of the audit on each call)."""
    stmt = select(Audit).where(Audit.id == audit_id, visible_audits(actor))
    if lean:
        stmt = stmt.options(lazyload(Audit.photos), lazyload(Audit.score))
    audit = db.session.scalar(stmt.with_for_update(of=Audit) if lock else stmt)
    if audit is None:
        raise Reason.not_found.error("Audit not found.")
    return audit


def list_audits(
    actor: User, *, page: int, page_size: int, **filters: Any
) -> tuple[list[Audit], int]:
    """The audits the actor may see, newest visit first, filtered."""
    where = audit_conditions(visible_audits(actor), AuditFilter.of(filters))
    stmt = select(Audit).where(*where).order_by(Audit.visit_date.desc(), Audit.id)
    return fetch_page(stmt, page, page_size)


def record(audit: Audit, actor: User, action: str, note: str | None = None, **data: Any) -> None:
    """Append an event to the audit's log (committed with the change it records)."""
    db.session.add(
        AuditEvent(
            audit_id=audit.id, actor_id=actor.id, action=action, note=note, data=data or None
        )
    )


def plain_answers(answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Validated answers as stored JSON: photo UUIDs as text, and -0.0 as 0.0 (PostgreSQL's
    jsonb has no negative zero: the same answer read -0.0 on SQLite and 0.0 there)."""
    return [
        {
            **a,
            **({"value": 0.0} if isinstance(a.get("value"), float) and a["value"] == 0 else {}),
            "photo_ids": [str(p) for p in a.get("photo_ids", [])],
        }
        for a in answers
    ]


def set_assignment_status(audit: Audit, status: str) -> None:
    """Keep the audit's assignment in step: done once submitted, open again when returned."""
    if audit.assignment_id is not None:
        assignment = db.session.get(Assignment, audit.assignment_id)
        if assignment is not None:
            assignment.status = status


def _jsonable(value: Any) -> Any:
    """Validated input as plain JSON (times in RFC 3339, UUIDs as text)."""
    return json.loads(json.dumps(value, default=_encode))


def _encode(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime | date) else str(value)


def content_digest(data: dict[str, Any]) -> str:
    """sha256 of a draft's content as validated: the same content always gives the same digest."""
    canonical = json.dumps(data, sort_keys=True, default=_encode, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _pinned(row: Assignment | Audit) -> dict[str, Any]:
    """What an assignment fixes for its audit, and an audit keeps once created."""
    version = row.checklist_version
    return {
        "location_id": row.location_id,
        "kind": row.kind,
        "checklist_key": version.checklist.key,
        "checklist_version": version.version,
    }


def with_pins(actor: User, data: dict[str, Any]) -> dict[str, Any]:
    """The content with what its assignment pins (location, checklist, kind) filled in where
    the phone left it out; what it did send is checked against the assignment later."""
    if data["assignment_id"] is None:
        return data  # the schema required every pin
    data = {**dict.fromkeys(IMMUTABLE), **data}
    if all(data[name] is not None for name in IMMUTABLE):
        return data
    try:
        assignment = get_assignment(actor, data["assignment_id"])
    except NotFound:
        return data  # _assignment_for answers the 404 naming assignment_id
    pins = _pinned(assignment)
    filled = {**data, **{name: pins[name] for name in pins if data[name] is None}}
    # The schema checks the paradata against a kind that was sent; this, one that was not.
    other = {"visit": "call", "call": "visit"}[filled["kind"]]
    if filled[other]:
        raise field_error(other, f"only for {other} audits")
    return filled


def _assignment_for(actor: User, data: dict[str, Any]) -> Assignment | None:
    if data["assignment_id"] is None:
        if actor.role == AUDITOR:
            raise Reason.assignment_required.error(
                "Auditors audit their assignments: give assignment_id."
            )
        return None
    try:
        assignment = get_assignment(actor, data["assignment_id"])
    except NotFound:
        raise Reason.not_found.error(
            "Assignment not found.", {"assignment_id": ["Not found."]}
        ) from None
    if not may_fill_assignment(actor, assignment):
        if actor.role == AUDITOR:  # another auditor's assignment is not theirs to see
            raise Reason.not_found.error("Assignment not found.", {"assignment_id": ["Not found."]})
        raise Reason.not_your_assignment.error(
            "Only the assignment's auditor fills it; a self-audit leaves assignment_id out.",
            {"assignment_id": ["assigned to another auditor"]},
        )
    if assignment.status != AssignmentStatus.OPEN:
        raise Reason.assignment_done.error(f"The assignment is {assignment.status}.")
    taken = db.session.scalar(select(Audit.id).where(Audit.assignment_id == assignment.id))
    if taken is not None:
        raise Reason.assignment_taken.error(
            "The assignment already has its audit; one assignment is one audit.",
            {"assignment_id": [f"already audited by {taken}"]},
        )
    for name, value in _pinned(assignment).items():
        if data[name] != value:
            raise field_error(
                name, f"must be {value}, as in the assignment", Reason.assignment_mismatch
            )
    return assignment


def _new_audit(actor: User, audit_id: str, data: dict[str, Any]) -> Audit:
    assignment = _assignment_for(actor, data)
    if assignment is not None:
        location: Location | None = assignment.location
    else:  # a self-audit of a location in the actor's scope
        location = db.session.scalar(
            select(Location).where(Location.id == data["location_id"], visible_locations(actor))
        )
        if location is None:
            raise Reason.not_found.error(
                "Location not found.", {"location_id": ["Location not found."]}
            )
    row = published_version(actor, data["checklist_key"], data["checklist_version"], data["kind"])
    audit = Audit(
        id=audit_id,
        org_id=actor.org_id,
        location=location,
        checklist_version=row,
        kind=data["kind"],
        assignment_id=data["assignment_id"],
        auditor_id=actor.id,
        status=AuditStatus.DRAFT,
        started_at=data["started_at"],
        visit_date=local_date(data["started_at"], location.timezone),
    )
    # Content first, then one INSERT: a new draft's ETag is its first revision (r1), as a
    # new assignment's or region's is, and the first edit makes r2.
    apply_content(audit, data, complete=False)
    db.session.add(audit)
    db.session.flush()
    record(audit, actor, "created")
    return audit


def _check_editable(actor: User, audit: Audit, data: dict[str, Any]) -> None:
    if not may_fill(actor, audit):
        raise Reason.not_the_author.error("Only the auditor who started this audit can change it.")
    if audit.status != AuditStatus.DRAFT:
        raise Reason.audit_not_editable.error(
            f"The audit is {audit.status}; only drafts can change."
        )
    current = {**_pinned(audit), "assignment_id": audit.assignment_id}
    for name in IMMUTABLE:
        if data[name] != current[name]:
            raise Reason.audit_fixed.error(
                f"{name} cannot change once the audit exists.",
                {name: [f"is {current[name]} for this audit"]},
            )


def check_window(audit: Audit, started_at: datetime) -> None:
    """An assigned audit's assignment is still open (not cancelled since the draft began),
    and the audit starts within its due window (give or take ASSIGNMENT_SLACK_MIN, for
    phone clocks)."""
    if audit.assignment_id is None:
        return
    assignment = db.session.get(Assignment, audit.assignment_id)
    if assignment is None:
        return
    if assignment.status == AssignmentStatus.CANCELLED:
        raise Reason.assignment_done.error(
            "The assignment was cancelled; its audit can no longer change or be submitted.",
            {"assignment_id": ["cancelled"]},
        )
    minutes = current_app.config["ASSIGNMENT_SLACK_MIN"]
    slack = timedelta(minutes=minutes)
    if not assignment.due_from - slack <= started_at <= assignment.due_to + slack:
        raise field_error(
            "started_at",
            f"must lie within the assignment's due window ({assignment.due_from.isoformat()} "
            f"to {assignment.due_to.isoformat()}, give or take {minutes} min)",
            Reason.outside_due_window,
        )


def apply_content(audit: Audit, data: dict[str, Any], *, complete: bool) -> None:
    """Validate and store answers and paradata; fill the items the paradata answers."""
    check_window(audit, data["started_at"])
    definition = audit.checklist_version.definition
    raw = plain_answers(data["answers"])
    paradata = {part: _jsonable(data[part]) for part in ("checkin", "visit", "call") if data[part]}
    answers, derived = derive_answers(definition, paradata, raw)
    try:
        check_answers(definition, answers, complete=complete)
    except AnswersInvalid as exc:
        raise Reason.answers_invalid.error("Invalid answers.", exc.errors) from None
    location = audit.location
    audit.answers, audit.paradata = answers, {**paradata, "derived_items": derived}
    audit.started_at, audit.device_submitted_at = data["started_at"], data["submitted_at"]
    audit.visit_date = local_date(data["started_at"], location.timezone)
    audit.distance_m, audit.within_geofence = geofence(
        data["checkin"], location.latitude, location.longitude, location.geofence_m
    )
    audit.content_digest = content_digest(data)


def save_draft(actor: User, audit_id: str, data: dict[str, Any]) -> tuple[Audit, bool]:
    """Create the draft or replace its content (no commit); the same content again is a no-op."""
    if data["assignment_id"] is not None:
        # First PUTs of one assignment (a phone's retries) queue here, so the later ones find
        # the draft the first one made instead of racing it.
        lock = select(Assignment.id).where(Assignment.id == data["assignment_id"])
        db.session.execute(lock.with_for_update())
        data = with_pins(actor, data)
    existing = db.session.scalar(
        select(Audit).where(Audit.id == audit_id).with_for_update(of=Audit)
    )
    if existing is not None:
        audit = get_audit(actor, audit_id)
        _check_editable(actor, audit, data)
        if audit.content_digest != content_digest(data):
            apply_content(audit, data, complete=False)
            record(audit, actor, "updated")
        return audit, False
    return _new_audit(actor, audit_id, data), True


def put_draft(actor: User, audit_id: str, data: dict[str, Any]) -> tuple[Audit, bool]:
    """Save the draft and commit; a first PUT racing its own retry becomes that retry."""
    try:
        result = save_draft(actor, audit_id, data)
        db.session.commit()
    except IntegrityError:
        # The same audit was created by a request still in flight when this one began (a
        # phone that timed out and sent it again): now it exists, so this is an update.
        db.session.rollback()
        result = save_draft(actor, audit_id, data)
        db.session.commit()
    return result
