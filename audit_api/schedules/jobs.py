"""Periodic: create the assignments active schedules call for over the coming horizon."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from audit_api.db import db, utcnow
from audit_api.orgs.models import Organization
from audit_api.schedules.materialise import materialise
from audit_api.schedules.models import Schedule
from audit_api.tasks import periodic


@periodic("schedules.materialise", every_s=3600)
def materialise_all() -> dict[str, int]:
    """Each organization in turn, one transaction each: a run on another worker waits for the
    organization's row lock, then finds the rows made and adds nothing (nor could it: the
    unique constraint on schedule, occurrence and location holds)."""
    now, horizon = utcnow(), current_app.config["SCHEDULE_HORIZON_DAYS"]
    org_ids = db.session.scalars(select(Schedule.org_id).where(Schedule.active).distinct()).all()
    db.session.rollback()
    created = 0
    for org_id in sorted(org_ids):
        # The rotation of one organization's auditors is decided by one run at a time.
        lock = select(Organization.id).where(Organization.id == org_id).with_for_update()
        db.session.execute(lock)
        schedules = db.session.scalars(
            select(Schedule).where(Schedule.org_id == org_id, Schedule.active).order_by(Schedule.id)
        ).all()
        created += materialise(schedules, now, horizon)
        db.session.commit()
    return {"assignment(s) created": created}
