"""Schedules: assignments made once per occurrence and location, rotation, edits, previews."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from audit_api.assignments.models import Assignment
from audit_api.db import db, utcnow
from audit_api.webhooks.models import WebhookEvent
from tests.support.audit_helpers import call_audit, new_id
from tests.support.helpers import created
from tests.support.schedule_helpers import (
    SCHEDULES,
    assignments_of,
    in_days,
    schedule_body,
    second_auditor,
)


def _tick(app, name: str = "schedules.materialise") -> str:
    result = app.test_cli_runner().invoke(args=["tick", name])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_schedule_makes_its_horizon_at_once_and_a_second_run_nothing(app, world):
    schedule = created(world.hq.post(SCHEDULES, json=schedule_body(world)))
    made = assignments_of(world.hq, schedule_id=schedule["id"])
    # Occurrences two and nine days from now, at two locations (the horizon is 14 days).
    assert len(made) == 4
    assert {a["occurrence"] for a in made} == {f"{in_days(2)}T10:00", f"{in_days(9)}T10:00"}
    for a in made:
        start = utcnow().fromisoformat(a["due_from"]).astimezone(ZoneInfo("America/Santiago"))
        assert (start.hour, start.minute) == (10, 0)
        assert a["auditor_id"] == world.ids["auditor"] and a["status"] == "open"
    assert "schedules.materialise: 0 assignment(s) created" in _tick(app)
    assert len(assignments_of(world.hq, schedule_id=schedule["id"])) == 4


def test_the_rotation_keeps_auditors_away_from_a_location_within_the_lockout(world):
    other = second_auditor(world)
    body = schedule_body(world, auditor_ids=[world.ids["auditor"], other], lockout_days=10)
    schedule = created(world.hq.post(SCHEDULES, json=body))
    made = assignments_of(world.hq, schedule_id=schedule["id"])
    by_location = {}
    for a in made:
        by_location.setdefault(a["location_id"], []).append(a["auditor_id"])
    # A week apart: each location gets both auditors, one per visit.
    assert all(sorted(v) == sorted([world.ids["auditor"], other]) for v in by_location.values())
    # Fewest open assignments breaks the tie: the work is shared.
    assert Counter(a["auditor_id"] for a in made) == {world.ids["auditor"]: 2, other: 2}


def test_when_nobody_qualifies_the_assignment_is_made_unassigned_for_a_manager(world):
    body = schedule_body(world, lockout_days=30, location_ids=[world.ids["n1"]])
    schedule = created(world.hq.post(SCHEDULES, json=body))
    made = assignments_of(world.manager_north, schedule_id=schedule["id"])
    assert [a["auditor_id"] for a in made] == [world.ids["auditor"], None]
    [open_slot] = assignments_of(world.manager_north, unassigned="true")
    assert open_slot["occurrence"] == f"{in_days(9)}T10:00"
    # A manager gives it to someone; the auditor sees it then.
    other = second_auditor(world)
    url = f"/api/v1/assignments/{open_slot['id']}"
    assert world.manager_north.patch(url, json={"auditor_id": other}).status_code == 200
    assert assignments_of(world.manager_north, unassigned="true") == []


@pytest.mark.parametrize(
    ("rrule", "reason"),
    [
        ("FREQ=MONTLY", "invalid 'FREQ': MONTLY"),
        ("FREQ=WEEKLY;BYDAY=XX", "invalid 'BYDAY': XX"),
        ("FREQ=HOURLY", "FREQ must be DAILY"),
        ("FREQ=DAILY;BYHOUR=9,17", "at least a day apart"),
        ("DTSTART:20260101T090000\nRRULE:FREQ=DAILY", "one RRULE"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "no occurrence"),
    ],
)
def test_a_bad_rule_is_a_422_naming_rrule_with_the_reason(world, rrule, reason):
    response = world.hq.post(SCHEDULES, json=schedule_body(world, rrule=rrule))
    assert response.status_code == 422, response.get_json()
    assert reason in response.get_json()["errors"]["rrule"][0]


def test_bad_fields_are_named(world):
    cases = {
        "auditor_ids[1]": {"auditor_ids": [world.ids["auditor"], world.ids["manager_north"]]},
        "kind": {"kind": "visit"},
        "checklist_key": {"checklist_key": "nope"},
        "time_of_day": {"time_of_day": "25:00"},
        "window_days": {"window_days": 0},
        "region_id": {"region_id": world.ids["north"]},  # with location_ids: one or the other
    }
    for field, change in cases.items():
        response = world.hq.post(SCHEDULES, json=schedule_body(world, **change))
        assert response.status_code in (404, 422), (field, response.get_json())
        assert field in response.get_json()["errors"], (field, response.get_json())


def test_managers_schedule_their_scope_only_and_auditors_not_at_all(world):
    mine = schedule_body(world)
    schedule = created(world.manager_north.post(SCHEDULES, json=mine))
    outside = world.manager_north.post(
        SCHEDULES, json=schedule_body(world, location_ids=[world.ids["n1"], world.ids["s1"]])
    )
    assert outside.status_code == 404 and "location_ids[1]" in outside.get_json()["errors"]
    url = f"{SCHEDULES}/{schedule['id']}"
    assert world.manager_s1.get(url).status_code == 404
    assert world.manager_s1.get(SCHEDULES).get_json() == []
    assert world.hq_b.get(url).status_code == 404
    assert world.auditor.get(SCHEDULES).status_code == 403


def test_a_region_schedule_covers_its_locations_and_those_below(world):
    body = schedule_body(world, region_id=world.ids["north"])
    del body["location_ids"]
    schedule = created(world.manager_north.post(SCHEDULES, json=body))
    assert schedule["location_ids"] is None and schedule["region_id"] == world.ids["north"]
    made = assignments_of(world.hq, schedule_id=schedule["id"])
    assert {a["location_id"] for a in made} == {world.ids["n1"], world.ids["ne1"]}
    south = dict(body, region_id=world.ids["south"])
    assert world.manager_north.post(SCHEDULES, json=south).status_code == 404


def test_an_edit_changes_only_future_unstarted_assignments(app, world):
    schedule = created(world.hq.post(SCHEDULES, json=schedule_body(world)))
    url = f"{SCHEDULES}/{schedule['id']}"
    made = assignments_of(world.hq, schedule_id=schedule["id"])
    started = next(a for a in made if a["location_id"] == world.ids["n1"])
    at = started["due_from"]
    body = call_audit(world, started, started_at=at, submitted_at=None, checklist_version=2)
    assert world.auditor.put(f"/api/v1/audits/{new_id()}", json=body).status_code == 201

    changed = world.hq.patch(url, json={"time_of_day": "16:30"})

    assert changed.status_code == 200 and changed.get_json()["time_of_day"] == "16:30"
    after = assignments_of(world.hq, schedule_id=schedule["id"])
    kept = [a for a in after if a["id"] == started["id"]]
    assert kept and kept[0]["occurrence"].endswith("T10:00")
    assert sorted(a["occurrence"][-5:] for a in after) == ["10:00", "16:30", "16:30", "16:30"]
    # Deactivated: the future unstarted ones go; the started one stays.
    assert world.hq.delete(url).status_code == 204
    assert [a["id"] for a in assignments_of(world.hq, schedule_id=schedule["id"])] == [
        started["id"]
    ]
    assert world.hq.get(url).get_json()["active"] is False
    assert "0 assignment(s) created" in _tick(app)


def test_the_preview_shows_what_exists_and_what_would_be_made_without_making_it(world):
    other = second_auditor(world)
    body = schedule_body(world, auditor_ids=[world.ids["auditor"], other], lockout_days=10)
    schedule = created(world.hq.post(SCHEDULES, json=body))
    url = f"{SCHEDULES}/{schedule['id']}/preview"
    rows = world.hq.get(url, query_string={"from": in_days(0), "to": in_days(30)}).get_json()
    made = [r for r in rows if r["assignment_id"]]
    planned = [r for r in rows if not r["assignment_id"]]
    assert len(made) == 4 and {r["status"] for r in made} == {"open"}
    assert len(planned) == 6 and {r["status"] for r in planned} == {"planned"}
    for location_id in (world.ids["n1"], world.ids["ne1"]):
        seq = [r["auditor_id"] for r in rows if r["location_id"] == location_id]
        assert all(a != b for a, b in itertools.pairwise(seq))  # the lockout holds
    assert len(assignments_of(world.hq, schedule_id=schedule["id"])) == 4  # nothing made
    too_long = world.hq.get(url, query_string={"from": in_days(0), "to": in_days(200)})
    assert too_long.status_code == 422 and "to" in too_long.get_json()["errors"]


def test_a_window_closed_without_a_submission_is_missed(app, world):
    hook = {"url": "http://127.0.0.1:9/hooks", "events": ["assignment.missed"]}
    assert world.hq.post("/api/v1/webhooks", json=hook).status_code == 201
    schedule = created(world.hq.post(SCHEDULES, json=schedule_body(world)))
    first = assignments_of(world.hq, schedule_id=schedule["id"])[0]
    with app.app_context():
        past = utcnow() - timedelta(days=2)
        db.session.execute(
            update(Assignment)
            .where(Assignment.id == first["id"])
            .values(due_from=past - timedelta(days=3), due_to=past)
        )
        db.session.commit()

    assert "assignments.missed: 1 assignment(s) missed" in _tick(app, "assignments.missed")
    assert "0 assignment(s) missed" in _tick(app, "assignments.missed")

    [missed] = assignments_of(world.hq, status="missed")
    assert missed["id"] == first["id"]
    with app.app_context():
        [event] = [
            json.loads(e.body)
            for e in db.session.scalars(select(WebhookEvent).order_by(WebhookEvent.created_at))
        ]
    assert event["type"] == "assignment.missed" and event["data"]["id"] == first["id"]
    assert event["data"]["schedule_id"] == schedule["id"] and event["data"]["due_to"].endswith("Z")
    assert world.hq.patch(f"/api/v1/assignments/{first['id']}", json={}).status_code == 409


def test_the_scorecard_shows_coverage_done_of_due(app, world):
    schedule = created(world.hq.post(SCHEDULES, json=schedule_body(world)))
    made = [
        a
        for a in assignments_of(world.hq, schedule_id=schedule["id"])
        if a["location_id"] == world.ids["n1"]
    ]
    with app.app_context():  # both windows closed a few days ago
        past = utcnow() - timedelta(days=3)
        db.session.execute(
            update(Assignment)
            .where(Assignment.id.in_([a["id"] for a in made]))
            .values(due_from=past - timedelta(days=1), due_to=past)
        )
        db.session.execute(
            update(Assignment).where(Assignment.id == made[0]["id"]).values(status="done")
        )
        db.session.commit()
    _tick(app, "assignments.missed")
    card = world.hq.get(f"/api/v1/locations/{world.ids['n1']}/scorecard").get_json()
    assert card["coverage"] == {"done": 1, "due": 2, "rate": 0.5}
    other = world.hq.get(f"/api/v1/locations/{world.ids['ne1']}/scorecard").get_json()
    assert other["coverage"] == {"done": 0, "due": 0, "rate": None}  # not due yet


def test_a_region_with_a_schedule_is_in_use(world):
    region = created(world.hq.post("/api/v1/regions", json={"name": "Costa"}))
    body = schedule_body(world, region_id=region["id"])
    del body["location_ids"]
    created(world.hq.post(SCHEDULES, json=body))
    refused = world.hq.delete(f"/api/v1/regions/{region['id']}")
    assert refused.status_code == 409 and "schedules" in refused.get_json()["message"]
