"""Periodic: assignments whose window closed with nothing submitted become missed."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from audit_api.assignments.models import Assignment, AssignmentStatus
from audit_api.db import db, utcnow
from audit_api.tasks import periodic
from audit_api.webhooks.events import emit, link

BATCH = 500


@periodic("assignments.missed", every_s=900)
def mark_missed() -> dict[str, int]:
    """Open assignments past their window (and the slack a phone's clock gets) are missed,
    each announced once as `assignment.missed`; a late submit of a draft still makes it done."""
    slack = timedelta(minutes=current_app.config["ASSIGNMENT_SLACK_MIN"])
    missed = 0
    while True:
        cutoff = utcnow() - slack
        stmt = (
            select(Assignment)
            .where(Assignment.status == AssignmentStatus.OPEN, Assignment.due_to < cutoff)
            .order_by(Assignment.id)
            .limit(BATCH)
            .with_for_update(of=Assignment, skip_locked=True)
        )
        batch = db.session.scalars(stmt).all()
        for assignment in batch:
            assignment.status = AssignmentStatus.MISSED
            emit(db.session, assignment.org_id, "assignment.missed", missed_payload(assignment))
        db.session.commit()
        missed += len(batch)
        if len(batch) < BATCH:
            return {"assignment(s) missed": missed}


def missed_payload(assignment: Assignment) -> dict:
    """The missed assignment as plain JSON, frozen into the webhook event."""
    return {
        "id": assignment.id,
        "location_id": assignment.location_id,
        "auditor_id": assignment.auditor_id,
        "kind": assignment.kind,
        "checklist_key": assignment.checklist_version.checklist.key,
        "checklist_version": assignment.checklist_version.version,
        "due_from": assignment.due_from,
        "due_to": assignment.due_to,
        "schedule_id": assignment.schedule_id,
        "occurrence": assignment.occurrence,
        "links": {"self": link(f"/api/v1/assignments/{assignment.id}")},
    }
