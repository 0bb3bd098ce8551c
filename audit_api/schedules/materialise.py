"""Making a schedule's assignments: its slots (occurrence x location) over a time range, the
auditor of each by rotation, and rows inserted once per (schedule, occurrence, location)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from audit_api.assignments.models import Assignment, AssignmentStatus
from audit_api.audits.models import Audit
from audit_api.auth.policy import locations_in_region
from audit_api.checklists.models import ChecklistVersion, VersionStatus
from audit_api.db import db, note_core_writes
from audit_api.locations.models import Location
from audit_api.schedules.expand import occurrence_key, parse_rule, wall_times, window
from audit_api.schedules.models import Schedule
from audit_api.schedules.rotation import Rotation
from audit_api.users.models import Role

MAX_LOCKOUT = timedelta(days=366)
INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
CHUNK = 1000


@dataclass(frozen=True)
class Slot:
    """One assignment a schedule calls for: an occurrence at a location, with its window."""

    schedule: Schedule
    location_id: int
    occurrence: str
    due_from: datetime
    due_to: datetime


def schedule_locations(schedule: Schedule) -> list[Location]:
    """The schedule's locations now: its region's (and those below), or its list."""
    if schedule.region_id is None:
        return list(schedule.locations)
    stmt = select(Location).where(
        Location.org_id == schedule.org_id, Location.id.in_(locations_in_region(schedule.region_id))
    )
    return list(db.session.scalars(stmt.order_by(Location.id)))


def slots(schedule: Schedule, start: datetime, end: datetime) -> list[Slot]:
    """The slots whose window is still open at `start` and begins by `end`."""
    hour, minute = map(int, schedule.local_time.split(":"))
    rule = parse_rule(schedule.rrule, schedule.starts_on, time(hour, minute))
    # Wall times are the same everywhere; a day either side covers every timezone's offset.
    margin = timedelta(days=schedule.window_days + 1)
    first, last = (
        (start - margin).replace(tzinfo=None),
        (end + timedelta(days=1)).replace(tzinfo=None),
    )
    walls = list(wall_times(rule, first, last))
    found = []
    for location in schedule_locations(schedule):
        for wall in walls:
            due_from, due_to = window(wall, schedule.window_days, location.timezone)
            if due_to > start and due_from <= end:
                found.append(Slot(schedule, location.id, occurrence_key(wall), due_from, due_to))
    return sorted(found, key=lambda s: (s.due_from, s.location_id))


def load_rotation(auditor_ids: set[int], location_ids: set[int], now: datetime) -> Rotation:
    """Who was at (or is due at) which location, and everyone's open assignments."""
    rotation = Rotation()
    if not auditor_ids or not location_ids:
        return rotation
    last_audits = (
        select(Audit.auditor_id, Audit.location_id, func.max(Audit.started_at))
        .where(Audit.auditor_id.in_(auditor_ids), Audit.location_id.in_(location_ids))
        .group_by(Audit.auditor_id, Audit.location_id)
    )
    planned = select(Assignment.auditor_id, Assignment.location_id, Assignment.due_from).where(
        Assignment.auditor_id.in_(auditor_ids),
        Assignment.location_id.in_(location_ids),
        Assignment.status.in_((AssignmentStatus.OPEN, AssignmentStatus.DONE)),
        Assignment.due_from >= now - MAX_LOCKOUT,
    )
    for auditor_id, location_id, when in [
        *db.session.execute(last_audits),
        *db.session.execute(planned),
    ]:
        rotation.add_visit(auditor_id, location_id, when)
    open_counts = (
        select(Assignment.auditor_id, func.count())
        .where(Assignment.auditor_id.in_(auditor_ids), Assignment.status == AssignmentStatus.OPEN)
        .group_by(Assignment.auditor_id)
    )
    # A Result has keys(): dict() would take it for a mapping, so the pairs are unpacked.
    rotation.open_assignments.update({a: n for a, n in db.session.execute(open_counts)})
    return rotation


def active_pool(schedule: Schedule) -> list[int]:
    """The schedule's auditors who may still take visits."""
    return [u.id for u in schedule.auditors if u.active and u.role == Role.AUDITOR]


def version_id(schedule: Schedule) -> int | None:
    """The pinned checklist version, else the latest published one (None: none published)."""
    stmt = select(ChecklistVersion.id).where(
        ChecklistVersion.checklist_id == schedule.checklist_id,
        ChecklistVersion.status == VersionStatus.PUBLISHED,
    )
    if schedule.checklist_version is not None:
        stmt = stmt.where(ChecklistVersion.version == schedule.checklist_version)
    return db.session.scalar(stmt.order_by(ChecklistVersion.version.desc()).limit(1))


def existing(schedules: Sequence[Schedule], start: datetime) -> dict[tuple[int, str, int], Any]:
    """The schedules' assignments whose window is still open at `start`, by slot key."""
    ids = [s.id for s in schedules]
    if not ids:
        return {}
    stmt = select(Assignment).where(Assignment.schedule_id.in_(ids), Assignment.due_to > start)
    return {(a.schedule_id, a.occurrence, a.location_id): a for a in db.session.scalars(stmt)}


def plan(
    schedules: Sequence[Schedule], start: datetime, end: datetime, now: datetime
) -> list[tuple[Slot, int | None, Assignment | None]]:
    """Every slot of the schedules in the range with its auditor: the existing assignment's,
    or the one rotation would choose for a new one (recorded as it goes)."""
    all_slots = [slot for s in schedules for slot in slots(s, start, end)]
    made = existing(schedules, start)
    pools = {s.id: active_pool(s) for s in schedules}
    rotation = load_rotation(
        {a for pool in pools.values() for a in pool}, {s.location_id for s in all_slots}, now
    )
    kept: dict[tuple[int, int], list[Assignment]] = {}
    for assignment in made.values():
        kept.setdefault((assignment.schedule_id, assignment.location_id), []).append(assignment)
    planned = []
    for slot in sorted(all_slots, key=lambda s: (s.due_from, s.schedule.id, s.location_id)):
        found = made.get((slot.schedule.id, slot.occurrence, slot.location_id))
        if found is not None:
            planned.append((slot, found.auditor_id, found))
            continue
        # After an edit moved the times, a visit kept from before (started, or in its window)
        # stands for the new slot it overlaps: the location is not visited twice.
        near = kept.get((slot.schedule.id, slot.location_id), ())
        if any(a.due_from < slot.due_to and slot.due_from < a.due_to for a in near):
            continue
        chosen = rotation.choose(
            pools[slot.schedule.id], slot.location_id, slot.due_from, slot.schedule.lockout_days
        )
        planned.append((slot, chosen, None))
    return planned


def materialise(schedules: Sequence[Schedule], now: datetime, horizon_days: int) -> int:
    """Insert the assignments the schedules call for over the horizon that do not exist yet;
    a row another run inserted meanwhile is skipped by the unique constraint (no commit)."""
    end = now + timedelta(days=horizon_days)
    versions = {s.id: version_id(s) for s in schedules}
    rows = [
        {
            "org_id": slot.schedule.org_id,
            "location_id": slot.location_id,
            "checklist_version_id": versions[slot.schedule.id],
            "kind": slot.schedule.kind,
            "auditor_id": auditor_id,
            "created_by_id": slot.schedule.created_by_id,
            "due_from": slot.due_from,
            "due_to": slot.due_to,
            "status": AssignmentStatus.OPEN,
            "schedule_id": slot.schedule.id,
            "occurrence": slot.occurrence,
        }
        for slot, auditor_id, found in plan(schedules, now, end, now)
        if found is None and versions[slot.schedule.id] is not None
    ]
    return insert_new(rows)


def insert_new(rows: list[dict[str, Any]]) -> int:
    """Insert rows but those whose (schedule, occurrence, location) exists; returns how many."""
    if not rows:
        return 0
    insert = INSERT[db.session.get_bind().dialect.name]
    stmt = (
        insert(Assignment.__table__)
        .on_conflict_do_nothing(index_elements=["schedule_id", "occurrence", "location_id"])
        .returning(Assignment.__table__.c.id, Assignment.__table__.c.org_id)
    )
    added: dict[int, list[int]] = {}
    for at in range(0, len(rows), CHUNK):
        for row_id, org_id in db.session.execute(stmt, rows[at : at + CHUNK]):
            added.setdefault(org_id, []).append(row_id)
    # Phones sync what was made (the ORM's flush does not see a core insert).
    for org_id, ids in added.items():
        note_core_writes(db.session, Assignment, org_id, ids)
    return sum(map(len, added.values()))
