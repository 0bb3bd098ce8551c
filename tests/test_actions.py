"""Corrective actions: opened by hand, changed, resolved, overdue, voided; who may do what."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from audit_api.actions.models import Action
from audit_api.db import db, utcnow
from audit_api.localtime import local_day
from audit_api.webhooks.models import WebhookEvent
from tests.support.action_helpers import ACTIONS, VOICEMAIL, actions_of, approved_call, events_of
from tests.support.helpers import created


def _open(world, caller=None, **body):
    audit_id = body.pop("audit_id", None) or approved_call(world)
    return (caller or world.manager_north).post(
        ACTIONS, json={"audit_id": audit_id, "item": "greeting_own_name", **body}
    )


def _age(app, action_id: int, **values) -> None:
    """Move an action's times back (the clock is not the API's to set)."""
    with app.app_context():
        db.session.execute(update(Action).where(Action.id == action_id).values(**values))
        db.session.commit()


def test_an_approval_opens_an_action_due_in_the_items_days_on_the_locations_calendar(world):
    approved_call(world, **VOICEMAIL)
    [action] = actions_of(world.hq)
    today = local_day(utcnow(), "America/Santiago")
    assert action["due_date"] == (today + timedelta(days=3)).isoformat()  # self-call v2: 3 days
    assert action["assignee_id"] is None and action["resolution"] is None
    # The approval was the only one: a retried review opens nothing more.
    assert len(actions_of(world.hq)) == 1


def test_a_manager_opens_an_action_by_hand_from_any_item(world):
    body = created(_open(world, assignee_id=world.ids["manager_north"], note="Lo vi en la visita"))
    assert (body["item"], body["priority"], body["status"]) == (
        "greeting_own_name",
        "medium",
        "open",
    )
    assert body["title"] == "¿La persona dijo su propio nombre?"
    [event] = events_of(world.manager_north, body["id"])
    assert event["kind"] == "created" and event["note"] == "Lo vi en la visita"
    assert event["actor_id"] == world.ids["manager_north"]
    titled = created(_open(world, item="hold_seconds", title="Music on hold", priority="low"))
    assert (titled["title"], titled["priority"]) == ("Music on hold", "low")


def test_opening_by_hand_is_refused_where_it_makes_no_sense(world):
    audit_id = approved_call(world)
    manager = world.manager_north
    unknown = _open(world, audit_id=audit_id, item="ghost")
    assert unknown.status_code == 422 and "item" in unknown.get_json()["errors"]
    assert _open(world, audit_id=audit_id).status_code == 201
    twice = _open(world, audit_id=audit_id)
    assert twice.status_code == 409 and "still open" in twice.get_json()["message"]
    other_audit = _open(world)  # the same item at the same location, from a later audit
    assert other_audit.status_code == 409
    bad_assignee = _open(
        world, audit_id=audit_id, item="hold_seconds", assignee_id=world.ids["manager_s1"]
    )
    assert bad_assignee.status_code == 422 and "assignee_id" in bad_assignee.get_json()["errors"]
    auditor = _open(world, audit_id=audit_id, item="hold_seconds", assignee_id=world.ids["auditor"])
    assert auditor.status_code == 422
    both = _open(
        world, audit_id=audit_id, item="hold_seconds", due_days=3, due_at="2026-12-01T00:00:00Z"
    )
    assert both.status_code == 422 and "due_at" in both.get_json()["errors"]
    assert _open(world, world.manager_s1, audit_id=audit_id, item="hold_seconds").status_code == 404
    assert _open(world, world.hq_b, audit_id=audit_id, item="hold_seconds").status_code == 404
    assert _open(world, world.auditor, audit_id=audit_id, item="hold_seconds").status_code == 403
    draft = manager.post(
        ACTIONS, json={"audit_id": "00000000-0000-4000-8000-000000000000", "item": "x"}
    )
    assert draft.status_code == 404


def test_a_submitted_audit_opens_no_action_by_hand(world):
    from tests.support.authz_targets import Targets

    audit_id = Targets(world).submitted()
    refused = world.hq.post(ACTIONS, json={"audit_id": audit_id, "item": "greeting_company"})
    assert refused.status_code == 409 and "approved" in refused.get_json()["message"]


def test_changes_follow_the_states(app, world):
    hook = {"url": "http://127.0.0.1:9/hooks", "events": ["action.created", "action.resolved"]}
    assert world.hq.post("/api/v1/webhooks", json=hook).status_code == 201
    action = created(_open(world))
    url = f"{ACTIONS}/{action['id']}"
    manager = world.manager_north
    etag = manager.get(url).headers["ETag"]
    assert manager.patch(url, json={"priority": "high"}).status_code == 200
    stale = manager.patch(url, json={"priority": "low"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert manager.patch(url, json={"assignee_id": None}).get_json()["assignee_id"] is None
    assert manager.patch(url, json={"status": "resolved"}).status_code == 422  # resolve does that
    assert manager.post(f"{url}/resolve", json={"note": "Listo"}).status_code == 200
    assert manager.post(f"{url}/resolve", json={"note": "Listo"}).status_code == 200  # a retry
    assert manager.post(f"{url}/resolve", json={"note": "Otra"}).status_code == 409
    restart = manager.patch(url, json={"status": "in_progress"})
    assert restart.status_code == 409
    assert manager.post(f"{url}/resolve", json={}).status_code == 422  # a note says what was done
    assert world.manager_s1.post(f"{url}/resolve", json={"note": "x"}).status_code == 404
    kinds = [e["kind"] for e in events_of(manager, action["id"])]
    assert kinds == ["created", "updated", "resolved"]  # an assignee of None again changed nothing
    with app.app_context():
        sent = [
            json.loads(e.body)
            for e in db.session.scalars(select(WebhookEvent).order_by(WebhookEvent.created_at))
        ]
    mine = [(e["type"], e["data"]["status"]) for e in sent if e["data"]["id"] == action["id"]]
    assert mine == [("action.created", "open"), ("action.resolved", "resolved")]


def test_overdue_is_computed_at_each_read_and_announced_once(app, world):
    late, on_time = created(_open(world)), created(_open(world, item="hold_seconds"))
    _age(app, late["id"], due_at=utcnow() - timedelta(minutes=1))
    assert [a["id"] for a in actions_of(world.hq, overdue="true")] == [late["id"]]
    assert [a["id"] for a in actions_of(world.hq, overdue="false")] == [on_time["id"]]
    assert world.hq.get(f"{ACTIONS}/{late['id']}").get_json()["overdue"] is True
    hook = {"url": "http://127.0.0.1:9/hooks", "events": ["action.overdue"]}
    assert world.hq.post("/api/v1/webhooks", json=hook).status_code == 201

    first = app.test_cli_runner().invoke(args=["tick", "actions.overdue"])
    second = app.test_cli_runner().invoke(args=["tick", "actions.overdue"])

    assert "actions.overdue: 1 overdue action(s) announced" in first.output, first.output
    assert "actions.overdue: 0 overdue action(s) announced" in second.output
    with app.app_context():
        sent = [
            json.loads(e.body)
            for e in db.session.scalars(select(WebhookEvent).order_by(WebhookEvent.created_at))
        ]
    assert [(e["type"], e["data"]["id"]) for e in sent] == [("action.overdue", late["id"])]
    assert [e["kind"] for e in events_of(world.hq, late["id"])] == ["created", "overdue"]
    # Resolved work is no longer overdue, though its due time has passed.
    world.hq.post(f"{ACTIONS}/{late['id']}/resolve", json={"note": "Hecho"})
    assert actions_of(world.hq, overdue="true") == []


def test_an_overturned_dispute_on_the_item_voids_its_action(world):
    audit_id = approved_call(world, **VOICEMAIL)
    [action] = actions_of(world.hq)
    body = {"items": ["answered_by"], "reason": "Contestó una persona; el auditor marcó mal"}
    dispute = created(world.manager_north.post(f"/api/v1/audits/{audit_id}/disputes", json=body))
    resolve = {"outcome": "overturned", "answers": [{"item": "answered_by", "value": "person"}]}
    assert (
        world.hq.post(f"/api/v1/disputes/{dispute['id']}/resolve", json=resolve).status_code == 200
    )
    after = world.hq.get(f"{ACTIONS}/{action['id']}").get_json()
    assert after["status"] == "void"
    assert events_of(world.hq, action["id"])[-1]["data"] == {"dispute_id": dispute["id"]}
    assert world.hq.patch(f"{ACTIONS}/{action['id']}", json={"priority": "low"}).status_code == 409


def test_an_older_visit_approved_later_judges_no_action(world):
    approved_call(world, 24, **VOICEMAIL)
    approved_call(world, 22)  # visited before the failure was seen: verifies nothing
    [action] = actions_of(world.hq)
    assert action["status"] == "open"


def test_the_list_filters_and_scopes(world):
    n1 = created(_open(world))
    ne1 = created(_open(world, audit_id=approved_call(world, location="ne1"), priority="high"))
    s1 = created(_open(world, world.hq, audit_id=approved_call(world, location="s1")))
    ids = lambda caller, **q: [a["id"] for a in actions_of(caller, **q)]  # noqa: E731
    assert set(ids(world.hq)) == {n1["id"], ne1["id"], s1["id"]}
    assert set(ids(world.manager_north)) == {n1["id"], ne1["id"]}
    assert ids(world.manager_s1) == [s1["id"]] and ids(world.hq_b) == []
    assert ids(world.hq, region_id=world.ids["north_east"]) == [ne1["id"]]
    assert set(ids(world.hq, region_id=world.ids["north"])) == {n1["id"], ne1["id"]}
    assert ids(world.hq, priority="high") == [ne1["id"]]
    assert ids(world.hq, location_id=world.ids["s1"]) == [s1["id"]]
    assert len(ids(world.hq, checklist_key="self-call", status="open")) == 3
    assert ids(world.hq, checklist_key="first-five-seconds") == []
    assert len(ids(world.hq, unassigned="true")) == 3
    assert world.hq.get(ACTIONS, query_string={"status": "done"}).status_code == 422
    page = world.hq.get(ACTIONS, query_string={"page_size": 2})
    assert len(page.get_json()) == 2 and '"total": 3' in page.headers["X-Pagination"]


@pytest.mark.parametrize("caller", ["auditor"])
def test_auditors_never_see_actions(world, caller):
    approved_call(world, **VOICEMAIL)
    assert getattr(world, caller).get(ACTIONS).status_code == 403


def test_the_scorecard_and_the_league_table_count_open_and_overdue_actions(app, world):
    approved_call(world, **VOICEMAIL)
    late = created(_open(world))
    _age(app, late["id"], due_at=utcnow() - timedelta(hours=1))
    n1 = world.ids["n1"]
    card = world.manager_north.get(f"/api/v1/locations/{n1}/scorecard").get_json()
    assert card["actions"] == {"open": 2, "overdue": 1}
    window = {"from": "2026-01-01", "to": "2026-12-31"}
    [row] = world.hq.get("/api/v1/scores/locations", query_string=window).get_json()
    assert (row["location_id"], row["actions_open"], row["actions_overdue"]) == (n1, 2, 1)
    world.hq.post(f"{ACTIONS}/{late['id']}/resolve", json={"note": "Hecho"})
    card = world.hq.get(f"/api/v1/locations/{n1}/scorecard").get_json()
    assert card["actions"] == {"open": 1, "overdue": 0}


def test_actions_export_as_csv_and_jsonl_in_scope(world):
    approved_call(world, **VOICEMAIL)
    created(_open(world, world.hq, audit_id=approved_call(world, location="s1")))
    jsonl = world.manager_north.get("/api/v1/exports/actions.jsonl")
    assert jsonl.status_code == 200
    rows = [json.loads(line) for line in jsonl.get_data(as_text=True).splitlines()]
    assert [(r["location_code"], r["item"], r["priority"]) for r in rows] == [
        ("N1", "answered_by", "high")
    ]
    assert rows[0]["region_path"] == "North" and rows[0]["overdue"] is False
    csv_text = world.hq.get("/api/v1/exports/actions.csv", query_string={"bom": "true"})
    lines = csv_text.get_data(as_text=True).splitlines()
    assert lines[0].startswith("\ufeffaction_id,location_code") and len(lines) == 3
    only = world.hq.get(
        "/api/v1/exports/actions.csv", query_string={"location_id": world.ids["s1"]}
    )
    assert len(only.get_data(as_text=True).splitlines()) == 2
    assert world.auditor.get("/api/v1/exports/actions.csv").status_code == 403
    assert world.hq.get("/api/v1/exports/actions.xlsx").status_code == 404
