"""The demo brand's activity, made through the services so rules and scores are the real ones:
months of reviewed audits with photos, a few audits mid-review, this week's open assignments."""

from __future__ import annotations

import uuid
import zlib
from datetime import datetime, time, timedelta
from random import Random
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import exists, select, update

from audit_api.assignments.models import Assignment, AssignmentStatus
from audit_api.assignments.schemas import AssignmentIn
from audit_api.assignments.service import create_assignment
from audit_api.audits.models import Audit, AuditEvent
from audit_api.audits.review import review
from audit_api.audits.schemas import AuditIn
from audit_api.audits.service import put_draft
from audit_api.audits.submission import submit
from audit_api.auth.policy import visible_locations
from audit_api.db import db
from audit_api.demo_answers import call, level, visit
from audit_api.demo_data import OPEN_ASSIGNMENTS
from audit_api.demo_photos import photo
from audit_api.demo_story import HISTORY_DAYS, NAMESPACE, Planned
from audit_api.disputes.service import open_dispute
from audit_api.evidence.models import Photo
from audit_api.locations.models import Location
from audit_api.photos.service import upload
from audit_api.tasks import drain
from audit_api.users.models import User

CHECKLIST = {"visit": "first-five-seconds", "call": "self-call"}
DECISION = {
    "approved": "approve",
    "disputed": "approve",
    "returned": "return",
    "rejected": "reject",
}


class Cast:
    """The demo brand's people (by e-mail local part) and places (by code)."""

    def __init__(self, org_id: int) -> None:
        users = db.session.scalars(select(User).where(User.org_id == org_id))
        self.users = {user.email.split("@")[0]: user for user in users}
        places = db.session.scalars(select(Location).where(Location.org_id == org_id))
        self.places = {place.code: place for place in places}
        self.hq = self.users["hq"]
        self.managers = [u for u in self.users.values() if u.role == "manager"]

    def manager_of(self, place: Location) -> User:
        """The manager whose scope holds the location (the policy says), else HQ."""
        for manager in self.managers:
            query = select(Location.id).where(Location.id == place.id, visible_locations(manager))
            if db.session.scalar(query) is not None:
                return manager
        return self.hq


def _assignment(
    by: User, auditor: User, place: Location, key: str, kind: str, due: tuple[datetime, datetime]
) -> Assignment:
    """The open, unstarted assignment of this window if a run left one, else a new one."""
    found = db.session.scalar(
        select(Assignment).where(
            Assignment.auditor_id == auditor.id,
            Assignment.location_id == place.id,
            Assignment.kind == kind,
            Assignment.status == AssignmentStatus.OPEN,
            Assignment.due_from == due[0],
            ~exists().where(Audit.assignment_id == Assignment.id),
        )
    )
    if found is not None:
        return found
    body = {
        "location_id": place.id,
        "checklist_key": key,
        "checklist_version": 1,
        "kind": kind,
        "auditor_id": auditor.id,
        "due_from": due[0].isoformat(),
        "due_to": due[1].isoformat(),
    }
    return create_assignment(by, AssignmentIn().load(body))  # type: ignore[arg-type]


def run_audit(cast: Cast, p: Planned, now: datetime) -> bool:
    """Schedule, fill, photograph, submit and review one audit as its people would; False when
    a run already made it."""
    if db.session.get(Audit, p.audit_id) is not None:
        return False
    place, auditor = cast.places[p.code], cast.users[p.auditor]
    manager = cast.manager_of(place)
    day = p.started.date()
    due = (
        datetime.combine(day - timedelta(days=3), time(8), p.started.tzinfo),
        datetime.combine(day + timedelta(days=2), time(20), p.started.tzinfo),
    )
    assignment = _assignment(manager, auditor, place, CHECKLIST[p.kind], p.kind, due)
    rng = Random(p.key)
    q = level(p.code, (HISTORY_DAYS - (now - p.started).days) / 30)
    position = (place.latitude, place.longitude)
    filled = (
        visit(rng, q, p.started, position, p.forced)
        if p.kind == "visit"
        else call(rng, q, p.started, place.phone)
    )
    body = {
        "location_id": place.id,
        "checklist_key": CHECKLIST[p.kind],
        "checklist_version": 1,
        "kind": p.kind,
        "assignment_id": assignment.id,
        "started_at": p.started.isoformat(),
        "submitted_at": filled.submitted_at.isoformat() if filled.submitted_at else None,
        **filled.paradata,
        "answers": filled.answers,
    }
    put_draft(auditor, p.audit_id, AuditIn().load(body))  # type: ignore[arg-type]
    for n, item in enumerate(filled.photo_items):
        seed = zlib.crc32(f"{p.key}/{item}".encode())
        # The audit waiting for review has an entrance photo with no capture time: a signal
        # for the reviewer to weigh (a screenshot, or a photo from another day?).
        taken = None if p.status == "submitted" else p.started + timedelta(minutes=2 + 3 * n)
        data = photo(seed, "floor" if item == "floor_clean" else "storefront", taken, position)
        photo_id = str(uuid.uuid5(NAMESPACE, f"{p.key}/{item}"))
        upload(auditor, p.audit_id, photo_id, item, data, "image/jpeg")
        # Processed before the story goes on (it needs the signals): by this process's task
        # threads (with a broker, by the workers); the rows they changed are read afresh.
        drain(current_app._get_current_object())  # type: ignore[attr-defined]
        db.session.expire_all()
    submit(auditor, p.audit_id, None, None)
    received = (filled.submitted_at or p.started) + timedelta(seconds=rng.randint(5, 900))
    reviewed = None
    if p.status in DECISION:
        reviewer = cast.hq if p.status == "disputed" else manager
        note = p.note if p.status in ("returned", "rejected") else None
        review(reviewer, p.audit_id, DECISION[p.status], note)
        reviewed = min(received + timedelta(hours=rng.randint(3, 40)), now - timedelta(hours=1))
    backdate(p.audit_id, p.started, received, reviewed)
    if p.status == "disputed":
        open_dispute(manager, p.audit_id, list(p.forced), p.note or "")
    return True


def backdate(audit_id: str, started: datetime, received: datetime, reviewed: datetime | None):
    """Move the server's own times of a past audit back to when the story has them happen.

    The services stamp the present moment; the demo's history happened days or months ago,
    so its receipt, review and event times move back with it. Answers, scores, photos and
    statuses stay exactly as the services made them.
    """
    audit = db.session.get_one(Audit, audit_id)
    audit.submitted_at = audit.received_at = received
    if audit.device_submitted_at is not None:
        audit.clock_skew_s = round((received - audit.device_submitted_at).total_seconds(), 1)
    if audit.approved_at is not None:
        audit.approved_at = reviewed
    audit.updated_at = reviewed or received
    if audit.score is not None:
        audit.score.computed_at = received
    shot = started + timedelta(minutes=5)
    when = {"created": started, "updated": started, "photo_added": shot, "submitted": received}
    when |= dict.fromkeys(("approved", "returned", "rejected"), reviewed)
    for action, at in when.items():
        if at is not None:
            db.session.execute(
                update(AuditEvent)
                .where(AuditEvent.audit_id == audit_id, AuditEvent.action == action)
                .values(at=at)
            )
    db.session.execute(
        update(Photo).where(Photo.audit_id == audit_id).values(created_at=shot, updated_at=shot)
    )
    if audit.assignment_id is not None:
        assignment = db.session.get(Assignment, audit.assignment_id)
        if assignment is not None:
            assignment.created_at = assignment.due_from - timedelta(days=2)
            assignment.updated_at = reviewed or received
    db.session.commit()


def open_assignments(cast: Cast, now: datetime) -> int:
    """This week's work for each auditor; one already open for the same place is kept."""
    made = 0
    for local, code, key, kind, days in OPEN_ASSIGNMENTS:
        auditor, place = cast.users[local], cast.places[code]
        waiting = select(Assignment.id).where(
            Assignment.auditor_id == auditor.id,
            Assignment.location_id == place.id,
            Assignment.kind == kind,
            Assignment.status == AssignmentStatus.OPEN,
            ~exists().where(Audit.assignment_id == Assignment.id),
        )
        if db.session.scalar(waiting.limit(1)) is not None:
            continue
        tz = ZoneInfo(place.timezone)
        today = now.astimezone(tz).date()
        due = (
            datetime.combine(today, time(8), tz),
            datetime.combine(today + timedelta(days=days), time(20), tz),
        )
        _assignment(cast.manager_of(place), auditor, place, key, kind, due)
        made += 1
    return made
