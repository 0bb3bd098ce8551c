"""With CELERY_BROKER_URL: the Celery app (`celery -A wsgi:celery worker|beat`). Its messages
carry only job ids; the outbox holds the work, so a lost message is found again by the sweep."""

from __future__ import annotations

import logging
import time
from typing import Any

from audit_api.db import utcnow
from audit_api.housekeeping import run_pruners
from audit_api.tasks.periodic import PERIODIC, run_periodic
from audit_api.tasks.runner import claim_due, run_job, unclaim

log = logging.getLogger(__name__)
RUN, SWEEP, PRUNE, PERIODIC_TASK = "audit.run_job", "audit.sweep", "audit.prune", "audit.periodic"
QUIET_AFTER_FAILURE = 10.0  # s a process leaves the broker alone after a failed publish


def celery_app(app: Any) -> Any:
    """The Celery app of a Flask app, made once; every task runs in the Flask app's context."""
    found = app.extensions.get("audit_celery")
    if found is not None:
        return found
    from celery import Celery
    from celery.schedules import crontab
    from celery.signals import worker_process_init

    celery = Celery(app.import_name, broker=app.config["CELERY_BROKER_URL"], set_as_current=False)
    celery.conf.update(
        task_default_queue=app.config["CELERY_QUEUE"],
        task_ignore_result=True,
        # Acknowledged after the run: a worker killed mid-task leaves the message to another
        # (the job's lease then decides whether it runs again).
        task_acks_late=True,
        task_publish_retry=False,  # a request never waits on a broker that is down
        broker_connection_timeout=2,
        # One quick try to reach the broker when publishing, not kombu's default wait.
        broker_transport_options={"max_retries": 1, "interval_start": 0, "interval_step": 0.1},
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        timezone="UTC",
        beat_schedule={
            "sweep": {"task": SWEEP, "schedule": float(app.config["TASK_SWEEP_INTERVAL"])},
            "prune": {"task": PRUNE, "schedule": crontab(hour=3, minute=17)},
            # The periodic jobs registered (imported with the app, before its Celery app).
            **{
                job.name: {
                    "task": PERIODIC_TASK,
                    "schedule": float(job.every_s),
                    "args": [job.name],
                }
                for job in PERIODIC.values()
            },
        },
    )

    @celery.task(name=RUN, shared=False)  # this Flask app's own
    def run(job_id: str) -> str:
        with app.app_context():
            return run_job(job_id)

    @celery.task(name=SWEEP, shared=False)  # this Flask app's own
    def sweep() -> int:
        with app.app_context():
            ids = claim_due()
            if not publish(app, ids):
                unclaim(ids)
        return len(ids)

    @celery.task(name=PRUNE, shared=False)  # this Flask app's own
    def prune() -> dict[str, Any]:
        with app.app_context():
            return run_pruners(utcnow())

    @celery.task(name=PERIODIC_TASK, shared=False)  # this Flask app's own
    def periodic(name: str) -> dict[str, int]:
        with app.app_context():
            return dict(run_periodic(name) or {})

    @worker_process_init.connect(weak=False)
    def _forked(**_: Any) -> None:
        # A forked pool process must not share the parent's database connections.
        app.extensions["audit_db_engine"].dispose(close=False)

    app.extensions["audit_celery"] = celery
    return celery


def publish(app: Any, ids: list[str]) -> bool:
    """Send one message per job; False when they could not all be sent. After a failure the
    process stays quiet for a few seconds (the jobs wait in the outbox for the sweep), so
    requests do not each wait on a broker that is down."""
    if not ids:
        return True
    if time.monotonic() < app.extensions.get("audit_broker_quiet_until", 0.0):
        return False
    run = celery_app(app).tasks[RUN]
    try:
        with run.app.producer_or_acquire() as producer:
            for job_id in ids:
                run.apply_async(args=[job_id], producer=producer)
    except Exception:
        app.extensions["audit_broker_quiet_until"] = time.monotonic() + QUIET_AFTER_FAILURE
        log.warning("broker unavailable; %d job(s) wait in the outbox", len(ids), exc_info=True)
        return False
    return True
