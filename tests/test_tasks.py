"""The outbox: a job is written with the change that causes it, runs only after the commit,
in a context of its own, is retried with growing delays and is found again by the sweep."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from audit_api.db import db, utcnow
from audit_api.orgs.models import Organization
from audit_api.tasks import drain, enqueue, sweep, task
from audit_api.tasks.broker import PERIODIC_TASK, PRUNE, SWEEP, celery_app
from audit_api.tasks.local import runner
from audit_api.tasks.models import Job, JobStatus
from audit_api.tasks.periodic import PERIODIC
from audit_api.tasks.runner import MAX_ATTEMPTS, _claim, claim_due, failure_delay, run_job

SEEN: list[dict] = []
FAILURES = {"left": 0}


@task("tests.record")
def record(**kwargs) -> None:
    """Note what it was called with, and whether the caller's row is visible (committed)."""
    visible = db.session.get(Organization, kwargs["org_id"]) is not None
    SEEN.append({**kwargs, "visible": visible, "thread": threading.current_thread().name})


@task("tests.flaky")
def flaky(**_) -> None:
    if FAILURES["left"] > 0:
        FAILURES["left"] -= 1
        raise RuntimeError("not yet")


@pytest.fixture(autouse=True)
def _clean():
    SEEN.clear()
    FAILURES["left"] = 0


def _job(app, job_id: str) -> Job:
    with app.app_context():
        return db.session.get(Job, job_id)


def test_a_job_runs_after_the_commit_in_a_thread_with_its_own_session(app):
    with app.app_context():
        org = Organization(name="Marca")
        db.session.add(org)
        db.session.flush()
        job_id = enqueue(db.session, "tests.record", org_id=org.id, note="ñandú")
        assert SEEN == []  # nothing before the commit
        db.session.commit()
    assert drain(app)
    [seen] = SEEN
    assert seen["note"] == "ñandú" and seen["visible"] and seen["thread"].startswith("task")
    job = _job(app, job_id)
    assert job.status == JobStatus.DONE and job.attempts == 1 and job.finished_at


def test_a_rolled_back_change_leaves_no_job(app):
    with app.app_context():
        enqueue(db.session, "tests.record", org_id=1)
        db.session.rollback()
        assert db.session.scalars(select(Job)).all() == []
    assert drain(app) and SEEN == []


def test_arguments_must_be_json(app):
    with app.app_context(), pytest.raises(TypeError):
        enqueue(db.session, "tests.record", when=object())


def test_a_failing_task_is_retried_later_then_given_up(app):
    FAILURES["left"] = 2
    with app.app_context():
        job_id = enqueue(db.session, "tests.flaky")
        db.session.commit()
    drain(app)
    job = _job(app, job_id)
    assert job.status == JobStatus.PENDING and job.last_error == "RuntimeError: not yet"
    assert job.run_after - utcnow() > timedelta(seconds=15)  # 30 s, give or take 20%
    with app.app_context():
        assert claim_due() == []  # not due yet
        assert claim_due(job.run_after) == [job_id]  # due then (the clock injected)
        assert run_job(job_id) == "skipped"  # not yet due now: a message that came early
        db.session.execute(update(Job).values(run_after=utcnow()))
        db.session.commit()
        assert run_job(job_id) == "again"
        db.session.execute(update(Job).values(run_after=utcnow()))
        db.session.commit()
        assert run_job(job_id) == "done"
        assert run_job(job_id) == "skipped"  # a duplicate message runs nothing
    FAILURES["left"] = MAX_ATTEMPTS
    with app.app_context():
        job_id = enqueue(db.session, "tests.flaky")
        db.session.commit()
        drain(app)
        for _ in range(MAX_ATTEMPTS - 1):
            db.session.execute(update(Job).where(Job.id == job_id).values(run_after=utcnow()))
            db.session.commit()
            run_job(job_id)
    assert _job(app, job_id).status == JobStatus.FAILED


def test_failure_delays_grow_and_are_capped():
    assert failure_delay(1, 0.5) == timedelta(seconds=30)
    assert failure_delay(3, 0.5) == timedelta(seconds=120)
    assert failure_delay(20, 1.0) == timedelta(seconds=3600 * 1.2)


def test_the_sweep_runs_what_was_left_and_what_a_dead_worker_held(app):
    with app.app_context():
        org = Organization(name="Marca")
        db.session.add(org)
        db.session.flush()
        left = Job(id="a" * 32, name="tests.record", kwargs={"org_id": org.id}, status="pending")
        held = Job(
            id="b" * 32,
            name="tests.record",
            kwargs={"org_id": org.id, "held": True},
            status=JobStatus.RUNNING,
            claimed_until=utcnow() - timedelta(seconds=1),  # its worker's lease ran out
        )
        busy = Job(
            id="c" * 32,
            name="tests.record",
            kwargs={"org_id": org.id},
            status=JobStatus.RUNNING,
            claimed_until=utcnow() + timedelta(minutes=5),
        )
        db.session.add_all([left, held, busy])
        db.session.commit()  # written directly: no hand-over after this commit
        assert sweep() == 2
        assert claim_due() == []  # just sent: not again until presumed lost
    drain(app)
    assert sorted(s.get("held", False) for s in SEEN) == [False, True]


def test_a_job_whose_worker_died_is_sent_again_once_its_lease_ends(app):
    """A sweep sent it and a worker took it, then died: the first sweep after the lease sends
    it again (waiting REDISPATCH_AFTER is for messages nobody took)."""
    with app.app_context():
        org = Organization(name="Marca")
        db.session.add(org)
        db.session.flush()
        job = Job(id="e" * 32, name="tests.record", kwargs={"org_id": org.id}, status="pending")
        db.session.add(job)
        db.session.commit()  # written directly: no hand-over after this commit
        assert claim_due() == [job.id]  # the sweep's message
        assert _claim(job.id, utcnow()) is not None  # a worker takes it...
        assert claim_due() == []  # ...and holds its lease
        ended = update(Job).where(Job.id == job.id).values(claimed_until=utcnow() - timedelta(1))
        db.session.execute(ended)  # ...and dies: its lease runs out
        db.session.commit()
        assert claim_due() == [job.id]


def test_an_unknown_task_fails_like_any_error(app):
    with app.app_context():
        job_id = enqueue(db.session, "tests.nothing")
        db.session.commit()
    drain(app)
    assert "no task is registered" in _job(app, job_id).last_error


def test_the_task_registry_refuses_a_name_twice():
    with pytest.raises(ValueError):
        task("tests.record")(lambda **_: None)


@pytest.mark.app_config(CELERY_BROKER_URL="redis://127.0.0.1:1/0", TASK_SWEEP_INTERVAL=20)
def test_beat_sweeps_and_prunes_daily(app):
    celery = celery_app(app)
    schedule = celery.conf.beat_schedule
    assert schedule["sweep"] == {"task": SWEEP, "schedule": 20.0}
    assert schedule["prune"]["task"] == PRUNE
    assert celery.conf.task_default_queue == app.config["CELERY_QUEUE"]
    with app.app_context():
        old = utcnow() - timedelta(days=30)
        db.session.add(Job(id="d" * 32, name="x", kwargs={}, status="done", finished_at=old))
        db.session.commit()
    removed = celery.tasks[PRUNE]()  # what the worker runs when beat says so
    assert removed["tasks"] == {"finished task(s)": 1}
    assert {"sessions", "idempotency", "photos", "webhooks"} <= set(removed)


@pytest.mark.app_config(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_beat_sends_each_periodic_job_at_its_interval(app):
    schedule = celery_app(app).conf.beat_schedule
    assert {"actions.overdue", "schedules.materialise", "assignments.missed"} <= set(PERIODIC)
    for job in PERIODIC.values():
        entry = {"task": PERIODIC_TASK, "schedule": float(job.every_s), "args": [job.name]}
        assert schedule[job.name] == entry
    done = celery_app(app).tasks[PERIODIC_TASK]("assignments.missed")  # what a worker runs
    assert done == {"assignment(s) missed": 0}


def test_the_local_ticker_runs_periodic_jobs_when_due(app):
    local = runner(app)
    local.last_run.clear()
    assert sorted(local.run_due_periodic(now=1000.0)) == sorted(PERIODIC)  # each at once
    assert drain(app)
    assert local.run_due_periodic(now=1001.0) == []  # none due yet
    every_5_min = ["actions.overdue", "photos.stuck"]
    assert sorted(local.run_due_periodic(now=1000.0 + 300)) == every_5_min
    assert drain(app)
    due = sorted(local.run_due_periodic(now=1000.0 + 3600))
    assert due == sorted([*every_5_min, "assignments.missed", "schedules.materialise"])
    assert drain(app)


@pytest.mark.app_config(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_a_sweep_that_cannot_reach_the_broker_leaves_the_jobs_for_the_next(app):
    with app.app_context():
        job_id = enqueue(db.session, "tests.record", org_id=1)
        db.session.commit()  # the hand-over fails: nothing listens there
        assert sweep() == 1  # claimed, not sent, and so not marked as sent
        assert claim_due() == [job_id]
