"""`enqueue`: a job row in the caller's transaction, handed to the runner after its commit."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import delete, event
from sqlalchemy.orm import Session

from audit_api.db import db, utcnow
from audit_api.housekeeping import pruner
from audit_api.tasks.models import Job, JobStatus

log = logging.getLogger(__name__)
PENDING = "audit_outbox_pending"  # Session.info key: ids of the jobs of the open transaction


def enqueue(session: Session, name: str, **kwargs: Any) -> str:
    """Record a call of task `name` in `session` (no commit) and return the job's id; it is
    queued once the session commits, and forgotten with a rollback."""
    json.dumps(kwargs)  # a TypeError here, in the caller, rather than in the worker
    job_id = uuid.uuid4().hex
    session.add(
        Job(id=job_id, name=name, kwargs=kwargs, status=JobStatus.PENDING, run_after=utcnow())
    )
    session.info.setdefault(PENDING, []).append(job_id)
    return job_id


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    ids = session.info.pop(PENDING, None)
    if ids and has_app_context():
        dispatch(current_app._get_current_object(), ids)  # type: ignore[attr-defined]


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


def dispatch(app: Any, ids: list[str]) -> bool:
    """Hand committed jobs to the broker, or to this process's threads when there is none;
    False if that failed. Never raises: the jobs wait in the outbox for the sweep."""
    if not ids:
        return True
    try:
        if app.config["CELERY_BROKER_URL"]:
            from audit_api.tasks.broker import publish

            return publish(app, ids)
        from audit_api.tasks.local import runner

        runner(app).submit(ids)
        return True
    except Exception:
        log.warning(
            "task hand-over failed; the sweep will queue %d job(s)", len(ids), exc_info=True
        )
        return False


def sweep(now: Any = None) -> int:
    """Queue every due job nobody queued (a broker that was down, a process that stopped, a
    retry whose time has come); returns how many. Call inside an app context."""
    from audit_api.tasks.runner import claim_due, unclaim

    ids = claim_due(now)
    if not dispatch(current_app._get_current_object(), ids):  # type: ignore[attr-defined]
        unclaim(ids)  # not sent after all: the next sweep tries again, not in five minutes
    return len(ids)


@pruner("tasks")
def prune_jobs(now: datetime) -> dict[str, int]:
    """Delete jobs finished (done or failed) more than TASK_RETENTION_DAYS ago."""
    cutoff = now - timedelta(days=int(current_app.config["TASK_RETENTION_DAYS"]))
    finished = (Job.status.in_((JobStatus.DONE, JobStatus.FAILED))) & (Job.finished_at < cutoff)
    removed = db.session.execute(delete(Job).where(finished)).rowcount
    db.session.commit()
    return {"finished task(s)": removed}
