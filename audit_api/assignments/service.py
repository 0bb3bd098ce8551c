"""Assignment operations: managers (in scope) and HQ schedule; auditors see their own."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from audit_api.assignments.models import Assignment, AssignmentStatus
from audit_api.auth.policy import AUDITOR, visible_assignments, visible_locations
from audit_api.checklists.models import ChecklistVersion
from audit_api.checklists.service import get_version
from audit_api.db import db, fetch_page, get_visible
from audit_api.errors import NotFound, Reason, field_error
from audit_api.locations.models import Location
from audit_api.users.models import User

NOT_AUDITOR = Reason.not_an_auditor


def list_assignments(
    actor: User,
    *,
    page: int,
    page_size: int,
    status: str | None = None,
    location_id: int | None = None,
    auditor_id: int | None = None,
    unassigned: bool | None = None,
    schedule_id: int | None = None,
    due_after: datetime | None = None,
    due_before: datetime | None = None,
) -> tuple[list[Assignment], int]:
    """The assignments the actor may see, soonest due first."""
    stmt = select(Assignment).where(visible_assignments(actor))
    filters = {
        Assignment.status: status,
        Assignment.location_id: location_id,
        Assignment.auditor_id: auditor_id,
        Assignment.schedule_id: schedule_id,
    }
    for column, value in filters.items():
        if value is not None:
            stmt = stmt.where(column == value)
    if unassigned is not None:
        nobody = Assignment.auditor_id.is_(None)
        stmt = stmt.where(nobody if unassigned else ~nobody)
    if due_after is not None:
        stmt = stmt.where(Assignment.due_to >= due_after)
    if due_before is not None:
        stmt = stmt.where(Assignment.due_from <= due_before)
    return fetch_page(stmt.order_by(Assignment.due_from, Assignment.id), page, page_size)


def get_assignment(actor: User, assignment_id: int) -> Assignment:
    """An assignment the actor may see; any other answers 404."""
    return get_visible(Assignment, assignment_id, visible_assignments(actor), "Assignment")


def _location(actor: User, location_id: int) -> Location:
    location = db.session.scalar(
        select(Location).where(Location.id == location_id, visible_locations(actor))
    )
    if location is None:
        raise Reason.not_found.error(
            "Location not found.", {"location_id": ["Location not found."]}
        )
    return location


def _auditor(actor: User, auditor_id: int) -> User:
    auditor = db.session.get(User, auditor_id)
    if auditor is None or auditor.org_id != actor.org_id or auditor.role != AUDITOR:
        raise field_error("auditor_id", "Not an auditor of your organization.", NOT_AUDITOR)
    if not auditor.active:
        raise field_error("auditor_id", "This auditor is deactivated.", NOT_AUDITOR)
    return auditor


def published_version(actor: User, key: str, version: int, kind: str) -> ChecklistVersion:
    """A published checklist version of the given kind that the actor may use (422 otherwise)."""
    try:
        row = get_version(actor, key, version)
    except NotFound:
        raise field_error(
            "checklist_key", f"No checklist {key} version {version}.", Reason.unknown_checklist
        ) from None
    if not row.published:
        raise field_error(
            "checklist_version",
            "Only published versions can be used.",
            Reason.version_not_published,
        )
    if row.checklist.kind != kind:
        raise field_error(
            "kind", f"The checklist is for a {row.checklist.kind}.", Reason.kind_mismatch
        )
    return row


def create_assignment(actor: User, data: dict[str, Any]) -> Assignment:
    """Schedule an audit of a location in the actor's scope."""
    location = _location(actor, data["location_id"])
    row = published_version(actor, data["checklist_key"], data["checklist_version"], data["kind"])
    _auditor(actor, data["auditor_id"])
    assignment = Assignment(
        org_id=actor.org_id,
        location_id=location.id,
        checklist_version_id=row.id,
        kind=data["kind"],
        auditor_id=data["auditor_id"],
        created_by_id=actor.id,
        due_from=data["due_from"],
        due_to=data["due_to"],
    )
    db.session.add(assignment)
    db.session.commit()
    return assignment


def update_assignment(actor: User, assignment: Assignment, data: dict[str, Any]) -> Assignment:
    """Reschedule, reassign or cancel an assignment that is still open."""
    # The row lock a phone's first PUT of this assignment takes: a reassignment and that
    # PUT take turns, so the audit never belongs to an auditor the assignment no longer names.
    lock = select(Assignment.id).where(Assignment.id == assignment.id).with_for_update()
    db.session.execute(lock)
    db.session.refresh(assignment)
    if assignment.status != AssignmentStatus.OPEN:
        raise Reason.assignment_done.error(
            f"The assignment is {assignment.status}; it can no longer change."
        )
    if "auditor_id" in data and data["auditor_id"] != assignment.auditor_id:
        _auditor(actor, data["auditor_id"])
        if assignment.audit_id is not None:
            raise Reason.assignment_started.error(
                "The auditor has already started this audit; it cannot be reassigned."
            )
    for key, value in data.items():
        setattr(assignment, key, value)
    if assignment.due_to <= assignment.due_from:
        raise field_error("due_to", "must be after due_from")
    db.session.commit()
    return assignment


def cancel_assignment(actor: User, assignment: Assignment) -> None:
    """Cancel an open assignment."""
    update_assignment(actor, assignment, {"status": AssignmentStatus.CANCELLED})
