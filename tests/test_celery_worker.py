"""A real Celery worker on the local Redis: the outbox's jobs reach it, a broker that is down
when the work happens loses nothing, and every event arrives once (dedupe by webhook-id)."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from flask import Flask
from sqlalchemy import func, select

from audit_api import create_app
from audit_api.db import db, utcnow
from audit_api.tasks import sweep
from audit_api.tasks.broker import celery_app
from audit_api.tasks.models import Job, JobStatus
from audit_api.webhooks.models import WebhookDelivery
from tests.conftest import TEST_SETTINGS
from tests.support.receiver import Receiver
from tests.support.webhook_helpers import AUDIT_EVENTS, due_now, every_event, pending, register

REDIS = os.environ.get("AUDIT_TEST_REDIS_URL")
DEAD = "redis://127.0.0.1:1/0"  # nothing listens on port 1: a broker that is down
QUEUE = f"audit_test_{uuid.uuid4().hex[:12]}"  # runs side by side never take each other's work
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not REDIS, reason="AUDIT_TEST_REDIS_URL is not set: no broker for Celery"),
]


@pytest.fixture
def live(migrated_url: str, tmp_path) -> Iterator[Flask]:
    """A second app on the same database whose broker is the local Redis, with a worker."""
    settings = {**TEST_SETTINGS, "DATABASE_URL": migrated_url, "STORAGE_DIR": str(tmp_path)}
    broker = {"CELERY_BROKER_URL": REDIS, "CELERY_QUEUE": QUEUE, "WEBHOOK_TIMEOUT": 1}
    app = create_app({**settings, **broker})
    app.config["TESTING"] = True
    with start_worker(celery_app(app), pool="solo", perform_ping_check=False):
        yield app
    app.extensions["audit_db_engine"].dispose()


def _jobs(app: Flask, status: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).where(Job.status == status)) or 0


def _until_delivered(app: Flask, timeout_s: float = 60) -> None:
    """What beat does: sweep (with the clock played forward for retries) until all is sent."""
    deadline = time.monotonic() + timeout_s
    while pending(app) and time.monotonic() < deadline:
        due_now(app)
        with app.app_context():
            sweep()
        time.sleep(0.3)
    assert not pending(app), f"deliveries still pending: {_state(app)}"


def _state(app: Flask) -> list:
    """The outbox and the deliveries, to read when the worker did not finish."""
    with app.app_context():
        jobs = db.session.execute(
            select(Job.status, Job.attempts, Job.run_after, Job.dispatched_at, Job.last_error)
        )
        rows = db.session.execute(
            select(WebhookDelivery.id, WebhookDelivery.status, WebhookDelivery.attempts)
        )
        return [*map(tuple, jobs), *map(tuple, rows), utcnow()]


@pytest.mark.app_config(CELERY_BROKER_URL=DEAD, CELERY_QUEUE=QUEUE, WEBHOOK_TIMEOUT=1)
def test_a_broker_down_delays_the_work_and_loses_none_of_it(app, world, live):
    with Receiver([500, 502, "stall"], stall_s=1.5) as receiver:
        receiver.secret = register(world.hq, receiver.url)["secret"]
        started = time.monotonic()
        every_event(world)  # each request publishes to a dead broker, and answers anyway
        assert time.monotonic() - started < 15
        assert receiver.events == {}
        assert _jobs(app, JobStatus.PENDING) == 9  # the work, in the outbox

        _until_delivered(live)  # the sweep of an app whose broker is up

        assert receiver.types() == sorted([*AUDIT_EVENTS, "audit.submitted", "audit.submitted"])
        assert receiver.bad_signatures == 0
        assert _jobs(live, JobStatus.PENDING) == 0 and _jobs(live, JobStatus.FAILED) == 0


@pytest.mark.app_config(CELERY_QUEUE=QUEUE, WEBHOOK_TIMEOUT=1)
def test_events_reach_a_real_worker_after_the_commit(live, world):
    # `world` runs on the test's own app (no broker); the live app emits through the API.
    client = live.test_client()
    hq = world.seen_by(client)
    with Receiver([500, 500, "stall"], stall_s=1.5) as receiver:
        receiver.secret = register(hq.hq, receiver.url)["secret"]
        every_event(hq)
        deadline = time.monotonic() + 20
        while sum(receiver.attempts.values()) < 9 and time.monotonic() < deadline:
            time.sleep(0.1)  # no sweep: each commit handed its job to the broker itself
        assert sum(receiver.attempts.values()) == 9
        _until_delivered(live)
        assert receiver.types() == sorted([*AUDIT_EVENTS, "audit.submitted", "audit.submitted"])
        assert max(receiver.attempts.values()) >= 2  # some were retried, none was kept twice
