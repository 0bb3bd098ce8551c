"""The score rollup against a direct computation over the audits: random histories of
approvals, rejections, disputes (upheld or overturned with rescoring) and location moves,
then every score answer compared both ways, and the rebuild's check finding nothing."""

from __future__ import annotations

import math
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit_api.db import db
from audit_api.reports import service
from audit_api.reports.aggregates import spans
from audit_api.rollups.rebuild import differences
from audit_api.users.models import User
from tests.support import direct_scores
from tests.support.score_fixtures import audit, mini_checklist

LOCATIONS = ("n1", "ne1", "s1")
MANAGER = {"n1": "manager_north", "ne1": "manager_north", "s1": "manager_s1"}
ITEMS = ("x1", "x2", "y1")
REGIONS = ("north", "north_east", "south")
answers = st.tuples(st.booleans(), st.booleans(), st.booleans())
new_audit = st.tuples(
    st.just("audit"),
    st.sampled_from(LOCATIONS),
    st.integers(0, 120),  # days after Aug 1: both the window and the one before it
    answers,
    st.sampled_from(["approve", "approve", "approve", "reject", None]),
)
dispute = st.tuples(
    st.just("dispute"), st.integers(0, 50), st.sets(st.sampled_from(ITEMS), min_size=1)
)
resolve = st.tuples(st.just("resolve"), st.integers(0, 50), answers, st.booleans())
# Moves keep each location in its manager's scope (north's subtree; s1 is in scope by itself).
move = st.one_of(
    st.tuples(st.just("move"), st.sampled_from(["n1", "ne1"]), st.sampled_from(REGIONS[:2])),
    st.tuples(st.just("move"), st.just("s1"), st.sampled_from(REGIONS)),
)
histories = st.lists(st.one_of(new_audit, new_audit, dispute, resolve, move), max_size=14)
# Each filter with a window: whole months, whole months and days around them, days only.
FILTERS = (
    ({}, "2026-10-01", "2026-11-30"),
    ({"kind": "visit"}, "2026-09-15", "2026-11-20"),
    ({"checklist_key": "mini", "checklist_version": 1}, "2026-10-03", "2026-10-30"),
    ({"region_id": "north"}, "2026-08-20", "2026-10-31"),
    ({"min_n": 2}, "2026-09-01", "2026-11-30"),
    ({}, "2026-09-30", "2026-12-01"),
)


def _started(day: int) -> str:
    month, rest = divmod(day, 30)
    return f"2026-{8 + month:02d}-{rest + 1:02d}T12:00:00-03:00"


def play(world, history: list[tuple]) -> None:
    """Run the history through the API; steps that make no sense at that point are skipped."""
    audits: list[tuple[str, str]] = []  # (audit id, location) of the approved ones
    disputes: list[tuple[int, list[str]]] = []
    for step in history:
        if step[0] == "audit":
            _, location, day, (x1, x2, y1), decision = step
            who = MANAGER[location]
            audit_id = audit(world, who, location, _started(day), x1, x2, y1, decision)
            if decision == "approve":
                audits.append((audit_id, location))
        elif step[0] == "dispute" and audits:
            audit_id, location = audits[step[1] % len(audits)]
            body = {"items": sorted(step[2]), "reason": "not so"}
            url = f"/api/v1/audits/{audit_id}/disputes"
            response = getattr(world, MANAGER[location]).post(url, json=body)
            if response.status_code == 201:  # 409 when already disputed
                disputes.append((response.get_json()["id"], sorted(step[2])))
        elif step[0] == "resolve" and disputes:
            dispute_id, items = disputes.pop(step[1] % len(disputes))
            corrected = dict(zip(ITEMS, step[2], strict=True))
            body = {"outcome": "upheld"}
            if step[3]:
                body = {
                    "outcome": "overturned",
                    "answers": [{"item": i, "value": corrected[i]} for i in items],
                }
            response = world.hq.post(f"/api/v1/disputes/{dispute_id}/resolve", json=body)
            assert response.status_code == 200, response.get_json()
        elif step[0] == "move":
            url = f"/api/v1/locations/{world.ids[step[1]]}"
            response = world.hq.patch(url, json={"region_id": world.ids[step[2]]})
            assert response.status_code == 200, response.get_json()


@contextmanager
def direct():
    with patch.object(service, "SOURCE", direct_scores):
        yield


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def same(a: Any, b: Any) -> bool:
    """Equal, floats within rounding of sums added in another order."""
    if isinstance(a, float) or isinstance(b, float):
        return _close(a, b)
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if hasattr(a, "__dataclass_fields__"):
        return same(a.__dict__, b.__dict__)
    if hasattr(a, "id"):  # a location or a region
        return a.id == b.id
    return a == b


def answers_of(world, actor: User) -> dict[str, Any]:
    """Every score answer of the actor: league, regions, items, scorecards, over filters."""
    found: dict[str, Any] = {}
    for number, (extra, start, end) in enumerate(FILTERS):
        filters = {**extra, "start": _day(start), "end": _day(end)}
        if "region_id" in filters:
            filters["region_id"] = world.ids[filters["region_id"]]
        found[f"league {number}"] = service.league(actor, filters)
        found[f"regions {number}"] = service.regions(actor, filters)
        found[f"items {number}"] = service.items(actor, filters)
        for location in LOCATIONS:
            try:
                card = service.scorecard(actor, world.ids[location], filters)
            except Exception as error:  # out of the actor's scope: both ways alike
                card = type(error).__name__
            found[f"card {location} {number}"] = card
    return found


def _day(text: str) -> date:
    return date.fromisoformat(text)


def check(app, world) -> None:
    with app.app_context():
        assert differences() == []
        for name in ("hq", "manager_north", "manager_s1"):
            actor = db.session.get(User, world.ids[name])
            rolled = answers_of(world, actor)
            with direct():
                computed = answers_of(world, actor)
            for key, value in rolled.items():
                assert same(value, computed[key]), (name, key, value, computed[key])
        db.session.rollback()


SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@given(start=st.dates(date(2020, 1, 1), date(2030, 12, 31)), length=st.integers(0, 800))
def test_spans_cover_each_day_of_a_window_once(start, length):
    end = start + timedelta(days=length)
    months, days = spans(start, end)
    covered = [d for a, b in days for d in _dates(a, b)]
    if months:
        assert months[0].day == 1 and months[1].day == 1 and months[0] < months[1]
        covered += _dates(months[0], months[1] - timedelta(days=1))
    assert sorted(covered) == _dates(start, end)
    # Day rows are read only for what whole months leave: under a month at either end.
    longest = timedelta(days=31 if months else 61)
    assert all(b - a < longest for a, b in days)


def _dates(a: date, b: date) -> list[date]:
    return [a + timedelta(days=n) for n in range((b - a).days + 1)]


@settings(max_examples=6, **SETTINGS)
@given(history=histories)
def test_rollup_answers_equal_the_direct_computation(app, restore_world, world, history):
    restore_world()
    mini_checklist(world.hq)
    play(world, history)
    check(app, world)


@pytest.mark.slow
@settings(max_examples=60, **SETTINGS)
@given(history=st.lists(st.one_of(new_audit, new_audit, dispute, resolve, move), max_size=40))
def test_long_histories(app, restore_world, world, history):
    restore_world()
    mini_checklist(world.hq)
    play(world, history)
    check(app, world)


def test_a_known_history(app, world):
    mini_checklist(world.hq)
    play(
        world,
        [
            ("audit", "n1", 70, (True, False, True), "approve"),
            ("audit", "ne1", 75, (True, True, True), "approve"),
            ("audit", "s1", 80, (False, False, True), "approve"),
            ("audit", "n1", 10, (True, True, False), "approve"),
            ("dispute", 0, {"x2"}),
            ("move", "ne1", "north"),
            ("move", "s1", "north_east"),
            ("resolve", 0, (True, True, True), True),
            ("dispute", 2, {"x1", "y1"}),
        ],
    )
    check(app, world)
