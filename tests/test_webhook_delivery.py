"""Webhook deliveries in the embedded mode (no broker): signed, frozen, retried, exactly once
as far as a receiver that keeps each webhook-id once can tell."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from audit_api.db import db, utcnow
from audit_api.tasks import drain, sweep
from audit_api.webhooks import addresses
from audit_api.webhooks.delivery import next_attempt, retry_delay
from audit_api.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.support.receiver import Receiver
from tests.support.webhook_helpers import (
    AUDIT_EVENTS,
    HOOKS,
    due_now,
    every_event,
    register,
    settle,
    since,
)

SCRIPT = [500, 500, 503, "stall"]  # three failures and a timeout, then every answer is 204


@pytest.mark.app_config(WEBHOOK_TIMEOUT=1)
def test_every_event_arrives_once_through_failures_and_a_timeout(app, world):
    with Receiver(SCRIPT, stall_s=1.5) as receiver:
        endpoint = register(world.hq, receiver.url)
        assert endpoint["secret"].startswith("whsec_")
        receiver.secret = endpoint["secret"]
        every_event(world)
        settle(app)
        assert receiver.bad_signatures == 0
        # Two audits submitted, one returned and submitted again: three submissions.
        assert receiver.types() == sorted([*AUDIT_EVENTS, "audit.submitted", "audit.submitted"])
        deliveries = world.hq.get(f"{HOOKS}/{endpoint['id']}/deliveries").get_json()
        assert {d["status"] for d in deliveries} == {"succeeded"}
        assert {d["event_id"] for d in deliveries} == set(receiver.events)
        assert sum(d["attempts"] for d in deliveries) == len(deliveries) + 4


def _deliveries(caller, endpoint_id: int) -> list[dict]:
    response = caller.get(f"{HOOKS}/{endpoint_id}/deliveries")
    assert response.status_code == 200
    return response.get_json()


def test_the_payload_carries_the_audit_and_every_copy_is_the_same_bytes(app, world):
    with Receiver([500]) as receiver:
        endpoint = register(world.hq, receiver.url, ["audit.approved"])
        receiver.secret = endpoint["secret"]
        first, _ = every_event(world)
        settle(app)
    [event] = receiver.events.values()
    assert event["type"] == "audit.approved" and event["timestamp"].endswith("Z")
    data = event["data"]
    assert data["id"] == first and data["status"] == "approved"
    assert data["location"] == {"id": world.ids["n1"], "code": "N1", "name": "Tienda N1"}
    assert data["checklist"] == {"key": "self-call", "version": 1} and data["kind"] == "call"
    assert isinstance(data["overall"], float) and isinstance(data["critical_failures"], list)
    assert data["grade"] is None or isinstance(data["grade"], dict)
    assert data["submitted_at"] and data["approved_at"]
    assert data["links"]["self"] == f"/api/v1/audits/{first}"
    # Frozen: the receiver checked that its two copies were the same bytes; the audit has
    # since been disputed and rescored, and the approved event still says what it said.
    [delivery] = _deliveries(world.hq, endpoint["id"])
    assert delivery["attempts"] == 2 and delivery["last_status_code"] == 204


def test_a_redirect_is_a_failure_and_is_not_followed(app, world):
    with Receiver([302]) as receiver:
        endpoint = register(world.hq, receiver.url, ["audit.approved"])
        receiver.secret = endpoint["secret"]
        world.hq.post(f"{HOOKS}/{endpoint['id']}/test")
        drain(app)
        [delivery] = _deliveries(world.hq, endpoint["id"])
        assert delivery["status"] == "pending" and delivery["last_status_code"] == 302
        assert delivery["last_error"] == "HTTP 302" and delivery["response_excerpt"] == "ok"
        assert delivery["next_attempt_at"] is not None
        assert sum(receiver.attempts.values()) == 1


def test_retry_by_hand_and_replay_send_the_original_ids(app, world):
    with Receiver() as receiver:
        endpoint = register(world.hq, receiver.url)
        receiver.secret = endpoint["secret"]
        before = utcnow()
        every_event(world)
        settle(app)
        ids = set(receiver.events)
        some = _deliveries(world.hq, endpoint["id"])[0]
        retried = world.hq.post(f"{HOOKS}/{endpoint['id']}/deliveries/{some['id']}/retry")
        assert retried.status_code == 202 and retried.get_json()["status"] == "pending"
        replay = world.hq.post(f"{HOOKS}/{endpoint['id']}/replay", json={"since": since(before)})
        assert replay.status_code == 202
        assert replay.get_json() == {"queued": len(ids), "next_since": None}
        settle(app)
        assert set(receiver.events) == ids  # the same webhook-ids again: nothing new to keep
        assert receiver.attempts[some["event_id"]] == 3  # first, by hand, replayed


def test_a_new_secret_and_the_old_one_both_sign_for_a_day(app, world):
    with Receiver() as receiver:
        endpoint = register(world.hq, receiver.url)
        old = endpoint["secret"]
        new = world.hq.post(f"{HOOKS}/{endpoint['id']}/rotate-secret").get_json()["secret"]
        for secret in (old, new):  # a receiver that knows either one accepts
            receiver.secret = secret
            assert world.hq.post(f"{HOOKS}/{endpoint['id']}/test").status_code == 202
            drain(app)
        assert receiver.bad_signatures == 0 and len(receiver.events) == 2
        with app.app_context():
            db.session.execute(update(WebhookEndpoint).values(previous_secret_until=utcnow()))
            db.session.commit()
        receiver.secret = old  # a day later only the new one signs
        world.hq.post(f"{HOOKS}/{endpoint['id']}/test")
        drain(app)
        assert receiver.bad_signatures == 1


@pytest.mark.app_config(WEBHOOK_ALLOW_PRIVATE=False)
def test_an_address_is_vetted_again_at_each_attempt(app, world, monkeypatch):
    dns = {"hooks.example.com": "93.184.216.34"}
    monkeypatch.setattr(addresses, "resolve", lambda host, port: [dns[host]])
    endpoint = register(world.hq, "http://hooks.example.com/h")
    dns["hooks.example.com"] = "127.0.0.1"  # the name now points inside: nothing is sent
    assert world.hq.post(f"{HOOKS}/{endpoint['id']}/test").status_code == 202
    drain(app)
    [delivery] = _deliveries(world.hq, endpoint["id"])
    assert delivery["status"] == "pending" and delivery["last_status_code"] is None
    assert "non-public address (127.0.0.1)" in delivery["last_error"]


def test_retries_last_a_day_then_the_delivery_fails(app, world):
    with Receiver([500, 500]) as receiver:
        endpoint = register(world.hq, receiver.url)
        receiver.secret = endpoint["secret"]
        world.hq.post(f"{HOOKS}/{endpoint['id']}/test")
        drain(app)
        with app.app_context():  # the first failure was 25 hours after the event
            db.session.execute(
                update(WebhookDelivery).values(retry_since=utcnow() - timedelta(hours=25))
            )
            db.session.commit()
        due_now(app)
        with app.app_context():
            sweep()
        drain(app)
    [delivery] = _deliveries(world.hq, endpoint["id"])
    assert delivery["status"] == "failed" and delivery["attempts"] == 2
    assert delivery["next_attempt_at"] is None


def test_an_endpoint_failing_for_five_days_is_disabled_with_its_reason(app, world):
    with Receiver([500]) as receiver:
        endpoint = register(world.hq, receiver.url)
        receiver.secret = endpoint["secret"]
        with app.app_context():
            since_days = utcnow() - timedelta(days=5, minutes=1)
            db.session.execute(update(WebhookEndpoint).values(failing_since=since_days))
            db.session.commit()
        world.hq.post(f"{HOOKS}/{endpoint['id']}/test")
        drain(app)
        url = f"{HOOKS}/{endpoint['id']}"
        shown = world.hq.get(url).get_json()
        assert shown["active"] is False
        assert (
            "failing for 5 days" in shown["disabled_reason"]
            and "HTTP 500" in shown["disabled_reason"]
        )
        assert world.hq.post(f"{url}/test").status_code == 409
        # Its pending delivery fails instead of being sent; enabling clears the reason.
        due_now(app)
        with app.app_context():
            sweep()
        drain(app)
        assert _deliveries(world.hq, endpoint["id"])[0]["last_error"] == "endpoint disabled"
        enabled = world.hq.patch(url, json={"active": True}).get_json()
        assert enabled["active"] and enabled["disabled_reason"] is None
        assert enabled["failing_since"] is None


def test_success_clears_the_failing_mark(app, world):
    with Receiver([500]) as receiver:
        endpoint = register(world.hq, receiver.url)
        receiver.secret = endpoint["secret"]
        world.hq.post(f"{HOOKS}/{endpoint['id']}/test")
        drain(app)
        assert world.hq.get(f"{HOOKS}/{endpoint['id']}").get_json()["failing_since"]
        settle(app)
        assert world.hq.get(f"{HOOKS}/{endpoint['id']}").get_json()["failing_since"] is None


def test_the_retry_schedule_grows_with_jitter_and_lasts_at_least_a_day():
    low, high = (lambda: 0.0), (lambda: 1.0)
    assert retry_delay(1, low) == timedelta(seconds=24)
    assert retry_delay(1, high) == timedelta(seconds=36)
    assert retry_delay(2, low) == timedelta(seconds=48)
    assert retry_delay(30, high) == timedelta(hours=2.4)  # capped at 2 h, plus jitter
    start = now = datetime(2026, 11, 25, tzinfo=UTC)
    failures = 0
    while (when := next_attempt(failures + 1, start, now, 24, low)) is not None:
        failures, now = failures + 1, when
    assert now - start >= timedelta(hours=24) and 15 <= failures <= 30
