"""Background tasks, embedded mode: `enqueue` work in a session, `@task` functions run it.

A stand-in with the interface of the task engine (Celery behind a transactional outbox) that
replaces it: `enqueue(session, name, **kwargs)` records the work in the caller's session
without committing; once that session commits, the work runs in this process on a small
thread pool, inside an app context with a session of its own (a rollback drops it). The
engine keeps the same two names; with a broker the same functions run on workers instead.
Here nothing is stored: work enqueued by a process that dies before running it is lost, so
callers must be able to ask again (the PDF report does, for a render that never finishes).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

log = logging.getLogger(__name__)

TaskFunction = Callable[..., Any]
TASKS: dict[str, TaskFunction] = {}
WORKERS = 2  # the machines have 2 cores; the tasks (PDF rendering) are CPU-bound
PENDING = "audit_api.tasks.pending"  # the session.info entry holding work not yet committed
_pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="audit-task")


def task(name: str) -> Callable[[TaskFunction], TaskFunction]:
    """Register a plain function as the task `name` (a decorator); it runs with keyword
    arguments only, inside an app context, with a fresh database session."""

    def register(function: TaskFunction) -> TaskFunction:
        if TASKS.get(name, function) is not function:
            raise ValueError(f"task {name!r} is registered twice")
        TASKS[name] = function
        return function

    return register


def enqueue(session: Session | scoped_session[Session], name: str, **kwargs: Any) -> None:
    """Record the task `name` with `kwargs` in `session`: it runs once the session commits
    (never if it rolls back). Arguments must be JSON, as the engine's outbox stores them."""
    if name not in TASKS:
        raise LookupError(f"no task {name!r} is registered")
    json.dumps(kwargs)  # fail here, not in a worker: the outbox keeps arguments as JSON
    real = session() if isinstance(session, scoped_session) else session
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not real.in_transaction():
        real.begin()  # so a rollback before any SQL still ends this work's transaction
    real.info.setdefault(PENDING, []).append((app, name, kwargs))
    if not event.contains(real, "after_commit", _after_commit):
        event.listen(real, "after_commit", _after_commit)
        event.listen(real, "after_soft_rollback", _after_rollback)


def _after_commit(session: Session) -> None:
    for app, name, kwargs in session.info.pop(PENDING, []):
        _pool.submit(_run, app, name, kwargs)


def _after_rollback(session: Session, _previous: Any) -> None:
    if not session.in_transaction():  # the whole transaction, not a savepoint within it
        session.info.pop(PENDING, None)


def _run(app: Flask, name: str, kwargs: dict[str, Any]) -> None:
    """Run one task in an app context of its own (so a database session of its own)."""
    with app.app_context():
        try:
            TASKS[name](**kwargs)
        except Exception:  # a worker would log and retry; here the caller asks again
            log.exception("task %s failed", name)
