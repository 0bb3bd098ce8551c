"""Running one job: claim it, call its task in a fresh app context, record the outcome."""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, and_, or_, select, update

from audit_api.db import db, utcnow
from audit_api.tasks.models import Job, JobStatus
from audit_api.tasks.registry import LEASES, TASKS, RetryAt

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8  # of a task that raises: about two hours of growing delays, then failed
SWEEP_BATCH = 500
REDISPATCH_AFTER = timedelta(minutes=5)  # a message not taken by then is presumed lost


def failure_delay(attempts: int, rand: float | None = None) -> timedelta:
    """Delay before retrying a task that raised: 30 s doubling per attempt (capped at an
    hour), give or take 20% so jobs that failed together do not retry together."""
    base = min(3600, 30 * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=base * (0.8 + 0.4 * (random.random() if rand is None else rand)))


def _claimable(now: datetime) -> ColumnElement[bool]:
    """Due and waiting, or claimed by a worker whose lease ran out (it died)."""
    return or_(
        and_(Job.status == JobStatus.PENDING, Job.run_after <= now),
        and_(Job.status == JobStatus.RUNNING, Job.claimed_until < now),
    )


def claim_due(now: datetime | None = None) -> list[str]:
    """Ids of due jobs no sweep sent lately, marked as sent now. Two sweeps never take the
    same rows: SKIP LOCKED on PostgreSQL; SQLite runs one writer at a time."""
    now = now or utcnow()
    stale = now - REDISPATCH_AFTER
    stmt = (
        select(Job.id)
        .where(_claimable(now), or_(Job.dispatched_at.is_(None), Job.dispatched_at < stale))
        .order_by(Job.run_after)
        .limit(SWEEP_BATCH)
        .with_for_update(skip_locked=True)
    )
    ids = list(db.session.scalars(stmt))
    if ids:
        db.session.execute(update(Job).where(Job.id.in_(ids)).values(dispatched_at=now))
    db.session.commit()
    return ids


def unclaim(ids: list[str]) -> None:
    """Forget that a sweep sent these (it could not): the next sweep sends them again."""
    if ids:
        db.session.execute(update(Job).where(Job.id.in_(ids)).values(dispatched_at=None))
        db.session.commit()


def _claim(job_id: str, now: datetime) -> Job | None:
    name = db.session.scalar(select(Job.name).where(Job.id == job_id)) if LEASES else None
    seconds = LEASES.get(name or "", int(current_app.config["TASK_LEASE"]))
    lease = now + timedelta(seconds=seconds)
    claimed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, _claimable(now))
        # Taken: the sweep's message arrived. Should this worker die, the job is sent again
        # once its lease ends, not after REDISPATCH_AFTER (for messages never taken): a
        # photo's 30 s lease otherwise became five minutes.
        .values(
            status=JobStatus.RUNNING,
            claimed_until=lease,
            attempts=Job.attempts + 1,
            dispatched_at=None,
        )
    ).rowcount
    job = db.session.get(Job, job_id) if claimed else None
    db.session.commit()
    return job


def _finish(
    job: Job, status: str, error: str | None, run_after: datetime | None = None, **more: int
) -> None:
    values: dict = {"status": status, "claimed_until": None, "last_error": error, **more}
    if run_after is not None:
        values.update(run_after=run_after, dispatched_at=None)
    else:
        values["finished_at"] = utcnow()
    db.session.execute(update(Job).where(Job.id == job.id).values(**values))
    db.session.commit()


def run_job(job_id: str) -> str:
    """Run a job if it is still to be run (a duplicate message finds it taken); returns
    what happened: skipped, done, again or failed. Call inside an app context.

    The task runs in an app context (and session) of its own. What it leaves uncommitted is
    committed with the job's completion, in one transaction; if it raises, that is rolled
    back and the failure recorded."""
    job = _claim(job_id, utcnow())
    if job is None:
        return "skipped"
    function = TASKS.get(job.name)
    with current_app.app_context():
        try:
            if function is None:
                raise LookupError(f"no task is registered as {job.name!r}")
            function(**job.kwargs)
        except RetryAt as again:  # the task's own schedule: its count of failures restarts
            _finish(job, JobStatus.PENDING, again.reason or None, again.when, attempts=0)
            return "again"
        except Exception as error:
            db.session.rollback()
            return _failed(job, f"{error.__class__.__name__}: {error}"[:1000])
        _finish(job, JobStatus.DONE, None)
        return "done"


def _failed(job: Job, message: str) -> str:
    if job.attempts >= MAX_ATTEMPTS:
        log.error("task %s (%s) failed for good: %s", job.name, job.id, message)
        _finish(job, JobStatus.FAILED, message)
        return "failed"
    log.warning("task %s (%s) failed, will retry: %s", job.name, job.id, message)
    _finish(job, JobStatus.PENDING, message, utcnow() + failure_delay(job.attempts))
    return "again"
