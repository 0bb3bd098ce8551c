"""Schedule operations: HQ and managers (every location in scope) create, change, deactivate
and preview; a change reaches only the schedule's future, unstarted assignments."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, exists, select

from audit_api.assignments.models import Assignment, AssignmentStatus
from audit_api.assignments.service import published_version
from audit_api.audits.models import Audit
from audit_api.auth.policy import AUDITOR, visible_locations, visible_regions, visible_schedules
from audit_api.checklists.service import get_checklist
from audit_api.db import db, fetch_page, get_visible, note_core_writes, utcnow
from audit_api.errors import DomainError, NotFound, Reason, field_error
from audit_api.locations.models import Location
from audit_api.regions.models import Region
from audit_api.schedules.expand import RuleInvalid, parse_rule
from audit_api.schedules.materialise import Slot, materialise, plan
from audit_api.schedules.models import Schedule
from audit_api.users.models import User

DEFAULTS = {"time_of_day": "09:00", "window_days": 7, "lockout_days": 30, "auditor_ids": []}
MAX_PREVIEW_DAYS = 92


def list_schedules(actor: User, *, page: int, page_size: int, active: bool | None = None):
    """The schedules the actor may see, by name."""
    stmt = select(Schedule).where(visible_schedules(actor))
    if active is not None:
        stmt = stmt.where(Schedule.active.is_(active))
    return fetch_page(stmt.order_by(Schedule.name, Schedule.id), page, page_size)


def get_schedule(actor: User, schedule_id: int) -> Schedule:
    """A schedule the actor may see; any other answers 404."""
    return get_visible(Schedule, schedule_id, visible_schedules(actor), "Schedule")


def _checklist(actor: User, schedule: Schedule, data: dict[str, Any]) -> None:
    key = data.get("checklist_key", schedule.checklist.key if schedule.checklist_id else None)
    kind = data.get("kind", schedule.kind)
    version = data.get("checklist_version", schedule.checklist_version)
    if version is not None:
        row = published_version(actor, key, version, kind)
        schedule.checklist_id, schedule.checklist_version = row.checklist_id, version
    else:
        try:
            checklist = get_checklist(actor, key)
        except NotFound:
            raise field_error(
                "checklist_key", f"No checklist {key}.", Reason.unknown_checklist
            ) from None
        if not any(v.published for v in checklist.versions):
            raise field_error(
                "checklist_key",
                "The checklist has no published version yet.",
                Reason.version_not_published,
            )
        if checklist.kind != kind:
            raise field_error(
                "kind", f"The checklist is for a {checklist.kind}.", Reason.kind_mismatch
            )
        schedule.checklist_id, schedule.checklist_version = checklist.id, None
    schedule.kind = kind


def _targets(actor: User, schedule: Schedule, data: dict[str, Any]) -> None:
    if "region_id" in data:
        region = db.session.scalar(
            select(Region).where(Region.id == data["region_id"], visible_regions(actor))
        )
        if region is None:
            raise Reason.not_found.error("Region not found.", {"region_id": ["Region not found."]})
        schedule.region_id, schedule.locations = region.id, []
    if "location_ids" in data:
        ids = list(dict.fromkeys(data["location_ids"]))
        stmt = select(Location).where(Location.id.in_(ids), visible_locations(actor))
        found = {loc.id: loc for loc in db.session.scalars(stmt)}
        for index, location_id in enumerate(data["location_ids"]):
            if location_id not in found:
                path = f"location_ids[{index}]"
                raise Reason.not_found.error("Location not found.", {path: ["Location not found."]})
        schedule.region_id, schedule.locations = None, [found[i] for i in ids]


def _auditors(actor: User, schedule: Schedule, ids: list[int]) -> None:
    found = {
        u.id: u
        for u in db.session.scalars(
            select(User).where(User.id.in_(ids), User.org_id == actor.org_id)
        )
    }
    for index, user_id in enumerate(ids):
        user = found.get(user_id)
        if user is None or user.role != AUDITOR:
            raise field_error(
                f"auditor_ids[{index}]",
                "Not an auditor of your organization.",
                Reason.not_an_auditor,
            )
        if not user.active:
            raise field_error(
                f"auditor_ids[{index}]", "This auditor is deactivated.", Reason.not_an_auditor
            )
    schedule.auditors = [found[i] for i in dict.fromkeys(ids)]


def _apply(actor: User, schedule: Schedule, data: dict[str, Any]) -> None:
    """Validate and set the given fields (each bad one a 422 or 404 naming it)."""
    if "checklist_key" in data or "checklist_version" in data or "kind" in data:
        _checklist(actor, schedule, data)
    _targets(actor, schedule, data)
    if "auditor_ids" in data:
        _auditors(actor, schedule, data["auditor_ids"])
    for name in ("name", "window_days", "lockout_days", "active", "rrule", "starts_on"):
        if name in data:
            setattr(schedule, name, data[name])
    if "time_of_day" in data:
        schedule.local_time = data["time_of_day"]
    hour, minute = map(int, schedule.local_time.split(":"))
    try:
        parse_rule(schedule.rrule, schedule.starts_on, time(hour, minute))
    except RuleInvalid as exc:
        raise field_error("rrule", str(exc), Reason.rrule_invalid) from None


def _refresh(schedule: Schedule) -> int:
    """Future, unstarted assignments go; an active schedule's horizon is made again now."""
    now = utcnow()
    started = exists().where(Audit.assignment_id == Assignment.id)
    removed = db.session.execute(
        delete(Assignment)
        .where(
            Assignment.schedule_id == schedule.id,
            Assignment.status == AssignmentStatus.OPEN,
            Assignment.due_from > now,
            ~started,
        )
        .returning(Assignment.id, Assignment.auditor_id)
    ).all()
    # The auditors' phones are told these went (the ORM's flush does not see a core delete).
    departed = [(auditor_id, row_id) for row_id, auditor_id in removed if auditor_id is not None]
    note_core_writes(db.session, Assignment, schedule.org_id, [], departed)
    if not schedule.active:
        return 0
    return materialise([schedule], now, current_app.config["SCHEDULE_HORIZON_DAYS"])


def create_schedule(actor: User, data: dict[str, Any]) -> Schedule:
    """A schedule of the actor's organization; its coming assignments are made at once."""
    today = utcnow().date()
    schedule = Schedule(org_id=actor.org_id, created_by_id=actor.id, active=True, starts_on=today)
    data = {**DEFAULTS, **data}
    _apply(actor, schedule, data)
    db.session.add(schedule)
    db.session.flush()
    _refresh(schedule)
    db.session.commit()
    return schedule


def update_schedule(actor: User, schedule: Schedule, data: dict[str, Any]) -> Schedule:
    """Change a schedule; its future, unstarted assignments are made again to match."""
    _apply(actor, schedule, data)
    db.session.flush()
    _refresh(schedule)
    db.session.commit()
    return schedule


def deactivate(actor: User, schedule: Schedule) -> None:
    """Stop a schedule: its future, unstarted assignments go (started ones stay)."""
    update_schedule(actor, schedule, {"active": False})


def preview(
    actor: User, schedule: Schedule, start: date | None, end: date | None
) -> list[tuple[Slot, int | None, Assignment | None]]:
    """What the schedule has made and would make between two days, creating nothing."""
    del actor  # the schedule was read in the actor's scope
    now = utcnow()
    start = start or now.date()
    end = end or (now + timedelta(days=current_app.config["SCHEDULE_HORIZON_DAYS"])).date()
    if start > end:
        raise field_error("from", "must not be after to")
    if (end - start).days >= MAX_PREVIEW_DAYS:
        raise field_error("to", f"a preview covers at most {MAX_PREVIEW_DAYS} days")
    planned = plan([schedule], _utc(start), _utc(end + timedelta(days=1)), now)
    db.session.rollback()  # nothing of the simulation is kept
    return [p for p in planned if start <= date.fromisoformat(p[0].occurrence[:10]) <= end]


def preview_draft(
    actor: User,
    data: dict[str, Any],
    schedule: Schedule | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[tuple[Slot, int | None, Assignment | None]]:
    """What a new schedule of `data`, or `schedule` changed by `data`, would make, with the
    same checks as creating or changing it; nothing is stored (the console's Preview)."""
    if schedule is None:
        today = utcnow().date()
        schedule = Schedule(
            org_id=actor.org_id, created_by_id=actor.id, active=True, starts_on=today
        )
        data = {**DEFAULTS, **data}
    try:
        _apply(actor, schedule, data)
    except DomainError:
        db.session.rollback()  # a stored schedule half changed goes back as it was
        raise
    return preview(actor, schedule, start, end)


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)
