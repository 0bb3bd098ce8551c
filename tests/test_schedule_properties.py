"""Properties of schedules: the rotation's lockout, expansions that add nothing the second
time, local times kept across DST changes, and materialisation racing on PostgreSQL."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from audit_api.assignments.models import Assignment
from audit_api.db import db, utcnow
from audit_api.schedules.expand import parse_rule, wall_times, window
from audit_api.schedules.jobs import materialise_all
from audit_api.schedules.materialise import materialise
from audit_api.schedules.models import Schedule
from audit_api.schedules.rotation import Rotation
from audit_api.tasks import run_periodic
from tests.support.helpers import created
from tests.support.schedule_helpers import SCHEDULES, schedule_body, second_auditor

BASE = datetime(2026, 1, 1, 9, tzinfo=UTC)
visits = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 400)), max_size=80)


@given(pool=st.integers(1, 4), lockout=st.integers(0, 60), history=visits, wanted=visits)
def test_no_auditor_is_at_a_location_twice_within_the_lockout(pool, lockout, history, wanted):
    rotation, auditors = Rotation(), range(1, pool + 1)
    for n, (location, day) in enumerate(history):  # audits and visits already planned
        rotation.add_visit(auditors[n % pool], location, BASE + timedelta(days=day))
    before = {k: list(v) for k, v in rotation.visits.items()}
    chosen = []
    for location, day in wanted:
        when = BASE + timedelta(days=day)
        auditor = rotation.choose(auditors, location, when, lockout)
        if auditor is None:  # nobody qualified: each one is near this location then
            assert not any(rotation.qualifies(a, location, when, lockout) for a in auditors)
            continue
        for earlier in before.get((auditor, location), []) + [
            w for a, loc, w in chosen if (a, loc) == (auditor, location)
        ]:
            assert abs(earlier - when) >= timedelta(days=lockout)
        chosen.append((auditor, location, when))


@given(
    zone=st.sampled_from(["America/Santiago", "Europe/Madrid"]),
    start=st.dates(date(2024, 1, 1), date(2031, 12, 31)),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 30, 59]),
    rule=st.sampled_from(["FREQ=DAILY", "FREQ=WEEKLY;BYDAY=SA,SU", "FREQ=MONTHLY;BYMONTHDAY=1"]),
    days=st.integers(1, 10),
)
def test_dst_changes_keep_each_locations_local_times(zone, start, hour, minute, rule, days):
    clock = ZoneInfo(zone)
    parsed = parse_rule(rule, start, time(hour, minute))
    first = datetime.combine(start, time(0))
    for wall in wall_times(parsed, first, first + timedelta(days=400)):  # a DST change or two
        due_from, due_to = window(wall, days, zone)
        local = due_from.astimezone(clock).replace(tzinfo=None)
        if local != wall:
            # Only a time the clock skips (Santiago's midnight in September, Madrid's 02:00 in
            # March) moves: to the first time after the gap.
            aware = wall.replace(tzinfo=clock)
            assert aware.astimezone(UTC).astimezone(clock).replace(tzinfo=None) != wall
            assert timedelta(0) < local - wall <= timedelta(hours=1)
        else:
            assert (local.hour, local.minute) == (hour, minute)
        end = due_to.astimezone(clock).replace(tzinfo=None)
        assert end.date() == (wall + timedelta(days=days)).date()


RULES = ["FREQ=DAILY;INTERVAL=3", "FREQ=WEEKLY;BYDAY=MO,TH", "FREQ=MONTHLY;BYMONTHDAY=1,15"]


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rule=st.sampled_from(RULES),
    window_days=st.integers(1, 10),
    lockout=st.integers(0, 20),
    starts=st.integers(-20, 10),
    pool=st.integers(0, 2),
)
def test_a_schedule_expanded_twice_makes_nothing_new(
    app, world, rule, window_days, lockout, starts, pool
):
    auditors = [world.ids["auditor"], *_extra_auditors(world)[:pool]]
    body = schedule_body(
        world,
        rrule=rule,
        window_days=window_days,
        lockout_days=lockout,
        starts_on=(utcnow() + timedelta(days=starts)).date().isoformat(),
        auditor_ids=auditors[:pool],
    )
    schedule = created(world.hq.post(SCHEDULES, json=body))
    count = _count(app, schedule["id"])
    with app.app_context():
        assert materialise_all() == {"assignment(s) created": 0}
        assert materialise_all() == {"assignment(s) created": 0}
    assert _count(app, schedule["id"]) == count


_EXTRA: dict[int, list[int]] = {}


def _extra_auditors(world) -> list[int]:
    key = id(world.hq.client)
    if key not in _EXTRA:
        _EXTRA[key] = [second_auditor(world, "p1"), second_auditor(world, "p2")]
    return _EXTRA[key]


def _count(app, schedule_id: int) -> int:
    with app.app_context():
        stmt = select(func.count()).where(Assignment.schedule_id == schedule_id)
        return db.session.scalar(stmt)


@pytest.mark.skipif(
    not os.environ.get("AUDIT_TEST_DATABASE_URL"),
    reason="PostgreSQL only: on SQLite BEGIN IMMEDIATE already makes writes take turns",
)
def test_materialisation_racing_on_several_workers_makes_each_assignment_once(app, world):
    auditors = [world.ids["auditor"], second_auditor(world)]
    body = schedule_body(world, rrule="FREQ=DAILY", auditor_ids=auditors, active=False)
    schedule = created(world.hq.post(SCHEDULES, json=body))
    with app.app_context():  # active again without making anything: the workers will
        db.session.execute(update(Schedule).values(active=True))
        db.session.commit()
    barrier = threading.Barrier(4)

    def worker(locked: bool) -> int:
        with app.app_context():
            barrier.wait(timeout=10)
            if locked:  # the periodic job as each worker runs it
                return run_periodic("schedules.materialise")["assignment(s) created"]
            # No organization lock at all: only the unique constraint stands in the way.
            schedules = db.session.scalars(select(Schedule)).all()
            made = materialise(schedules, utcnow(), app.config["SCHEDULE_HORIZON_DAYS"])
            db.session.commit()
            return made

    for locked in (True, False):
        with app.app_context():
            db.session.execute(Assignment.__table__.delete())
            db.session.commit()
        with ThreadPoolExecutor(4) as pool:
            made = list(pool.map(worker, [locked] * 4))
        total = _count(app, schedule["id"])
        # Daily from two days on to the 14-day horizon (12 or 13 days, by the hour) at two
        # locations, each made by exactly one worker.
        assert total in (24, 26) and sum(made) == total, (locked, made, total)
