"""What a phone needs to work offline, and what changed since its last sync.

The cursor is a value of the organization's change counter (sync_clocks), signed for the user
(cursor.py). Every transaction that writes an assignment or a location draws the next value as
it commits and stamps those rows with it (`sync_seq`, stamps.py); an assignment that leaves a
user (reassigned, deleted) leaves a departure stamped alike. The counter's row stays locked
from the draw to the commit, so values become visible in the order they were drawn.

A sync reads the counter first (V), then the rows. Every write stamped V or less has committed
by then, so the reads that follow see it; a write stamped later may or may not be seen, and
is sent again next time (the phone stores by id, so twice is harmless). The next sync asks for
rows stamped after V: nothing is ever skipped. A timestamp or an ordinary sequence drawn
earlier in the transaction would not do: on PostgreSQL a transaction that drew 10 can commit
after one that drew 11, and a reader that saw 11 would skip 10 forever; SQLite runs one writer
at a time, so there both would hold, and the counter is simply the same rule on both.

An answer with nothing new keeps the cursor it was asked with, so the same question gets the
same answer (and its ETag a 304) until something of the user's changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import joinedload, load_only, raiseload

from audit_api.assignments.models import Assignment, AssignmentStatus
from audit_api.audits.models import Audit, AuditStatus
from audit_api.auth.policy import own_assignments, own_audits
from audit_api.checklists.models import Checklist, ChecklistVersion
from audit_api.db import db
from audit_api.locations.models import Location
from audit_api.sync import cursor
from audit_api.sync.models import SyncClock, SyncDeparture
from audit_api.users.models import User

OPEN = AssignmentStatus.OPEN


@dataclass
class Pinned:
    """An assignment with the checklist key and version number it pins."""

    assignment: Assignment
    checklist_key: str
    checklist_version: int


@dataclass
class Snapshot:
    """One sync's answer: everything (`full`) or the changes after the cursor asked with."""

    cursor: str
    full: bool
    assignments: list[Pinned] = field(default_factory=list)
    removed_assignment_ids: list[int] = field(default_factory=list)
    checklist_versions: list[ChecklistVersion] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    drafts: list[Audit] = field(default_factory=list)


def sync(actor: User, since: str | None) -> Snapshot:
    """Everything the actor's phone needs (no cursor), or what changed after `since`."""
    seq = None if since is None else cursor.decode(actor.id, since)
    now = db.session.scalar(select(SyncClock.value).where(SyncClock.org_id == actor.org_id)) or 0
    # A cursor from beyond the counter (a database restored from a backup) cannot be trusted
    # to have seen what is there now: everything again.
    if seq is None or seq > now:
        return _everything(actor, now)
    return _changes(actor, seq, now)


def _everything(actor: User, now: int) -> Snapshot:
    rows = _pinned(actor, Assignment.status == OPEN)
    return Snapshot(
        cursor=cursor.encode(actor.id, now),
        full=True,
        assignments=rows,
        checklist_versions=_versions({r.assignment.checklist_version_id for r in rows}),
        locations=_locations(Location.id.in_({r.assignment.location_id for r in rows})),
        drafts=_drafts(actor),
    )


def _changes(actor: User, seq: int, now: int) -> Snapshot:
    changed = _pinned(actor, Assignment.sync_seq > seq)
    still_open = [r for r in changed if r.assignment.status == OPEN]
    open_ids = {r.assignment.id for r in still_open}
    departed = db.session.scalars(
        select(SyncDeparture.assignment_id).where(
            SyncDeparture.org_id == actor.org_id,
            SyncDeparture.user_id == actor.id,
            SyncDeparture.seq > seq,
        )
    )
    # An assignment that went and came back (reassigned there and back) is simply open.
    gone = {r.assignment.id for r in changed if r.assignment.status != OPEN} | set(departed)
    held_versions, held_locations = _held(actor, seq) if still_open else (set(), set())
    new_versions = {r.assignment.checklist_version_id for r in still_open} - held_versions
    new_locations = {r.assignment.location_id for r in still_open} - held_locations
    open_locations = select(Assignment.location_id).where(own_assignments(actor), _is_open())
    edited = and_(Location.sync_seq > seq, Location.id.in_(open_locations))
    locations = _locations(or_(Location.id.in_(new_locations), edited))
    moved = bool(changed or gone or locations)
    return Snapshot(
        cursor=cursor.encode(actor.id, now if moved else seq),
        full=False,
        assignments=still_open,
        removed_assignment_ids=sorted(gone - open_ids),
        checklist_versions=_versions(new_versions),
        locations=locations,
        drafts=_drafts(actor),
    )


def _is_open() -> ColumnElement[bool]:
    return Assignment.status == OPEN


def _pinned(actor: User, condition: ColumnElement[bool]) -> list[Pinned]:
    """The actor's assignments meeting `condition`, with what they pin, in one query."""
    stmt = (
        select(Assignment, Checklist.key, ChecklistVersion.version)
        .join(ChecklistVersion, ChecklistVersion.id == Assignment.checklist_version_id)
        .join(Checklist, Checklist.id == ChecklistVersion.checklist_id)
        # Locations and definitions come once each below, not once per assignment.
        .options(raiseload("*"))
        .where(own_assignments(actor), condition)
        .order_by(Assignment.due_from, Assignment.id)
    )
    return [Pinned(*row) for row in db.session.execute(stmt)]


def _held(actor: User, seq: int) -> tuple[set[int], set[int]]:
    """The versions and locations the phone holds already: those of its open assignments
    unchanged since the cursor (it got them with those, and keeps them while it has them)."""
    rows = db.session.execute(
        select(Assignment.checklist_version_id, Assignment.location_id).where(
            own_assignments(actor), _is_open(), Assignment.sync_seq <= seq
        )
    ).all()
    return {r[0] for r in rows}, {r[1] for r in rows}


def _versions(ids: set[int]) -> list[ChecklistVersion]:
    if not ids:
        return []
    stmt = (
        select(ChecklistVersion)
        .options(joinedload(ChecklistVersion.checklist).raiseload(Checklist.versions))
        .where(ChecklistVersion.id.in_(ids))
        .order_by(ChecklistVersion.id)
    )
    return list(db.session.scalars(stmt))


def _locations(condition: ColumnElement[bool]) -> list[Location]:
    return list(db.session.scalars(select(Location).where(condition).order_by(Location.id)))


def _drafts(actor: User) -> list[Audit]:
    """The actor's drafts, just enough to know them again: id, assignment, version."""
    stmt = (
        select(Audit)
        .options(
            load_only(Audit.id, Audit.assignment_id, Audit.row_version, Audit.updated_at),
            raiseload("*"),
        )
        .where(own_audits(actor), Audit.status == AuditStatus.DRAFT)
        .order_by(Audit.created_at, Audit.id)
    )
    return list(db.session.scalars(stmt))
