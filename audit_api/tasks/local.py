"""Without a broker: jobs run on a small thread pool of this process, after the commit that
queued them, and a ticker thread sweeps for due retries and work left behind and runs the
periodic jobs that are due."""

from __future__ import annotations

import logging
import threading
import time
import weakref
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from audit_api.tasks.periodic import PERIODIC, run_periodic
from audit_api.tasks.runner import claim_due, run_job

log = logging.getLogger(__name__)
_made = threading.Lock()
_runners: weakref.WeakSet[LocalRunner] = weakref.WeakSet()


class LocalRunner:
    """The thread pool and ticker of one app."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.pool = ThreadPoolExecutor(app.config["TASK_THREADS"], thread_name_prefix="task")
        self.futures: set[Future[Any]] = set()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.ticker: threading.Thread | None = None
        self.last_run: dict[str, float] = {}  # periodic job -> monotonic time it was started
        self.periodic_running: set[str] = set()
        _runners.add(self)

    def submit(self, ids: list[str]) -> None:
        """Run each job on the pool."""
        for job_id in ids:
            future = self.pool.submit(self._run, job_id)
            with self.lock:
                self.futures.add(future)
            future.add_done_callback(self._forget)

    def _forget(self, future: Future[Any]) -> None:
        with self.lock:
            self.futures.discard(future)

    def _run(self, job_id: str) -> None:
        try:
            with self.app.app_context():
                run_job(job_id)
        except Exception:  # the job stays in the outbox; the sweep brings it back
            log.exception("task runner failed on job %s", job_id)

    def run_due_periodic(self, now: float | None = None) -> list[str]:
        """Start on the pool each periodic job whose interval passed since it last started
        here (at once on the first tick) and that is not still running; their names."""
        now = time.monotonic() if now is None else now
        started = []
        for job in list(PERIODIC.values()):
            last = self.last_run.get(job.name)
            with self.lock:
                if job.name in self.periodic_running:
                    continue
                if last is not None and now - last < job.every_s:
                    continue
                self.periodic_running.add(job.name)
                self.last_run[job.name] = now
            future = self.pool.submit(self._run_periodic, job.name)
            with self.lock:
                self.futures.add(future)
            future.add_done_callback(self._forget)
            started.append(job.name)
        return started

    def _run_periodic(self, name: str) -> None:
        try:
            with self.app.app_context():
                run_periodic(name)
        except Exception:  # tried again when due next
            log.exception("periodic job %s failed", name)
        finally:
            with self.lock:
                self.periodic_running.discard(name)

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait until no job is running or waiting (tests, shutdown); False on timeout."""
        with self.lock:
            futures = set(self.futures)
        return not wait(futures, timeout).not_done if futures else True

    def start_ticker(self) -> None:
        """Sweep every TASK_SWEEP_INTERVAL seconds in a daemon thread (once per app), starting
        the periodic jobs that are due."""
        with self.lock:
            if self.ticker is not None:
                return
            self.ticker = threading.Thread(target=self._tick, name="task-sweep", daemon=True)
        self.ticker.start()

    def _tick(self) -> None:
        while not self.stop.wait(self.app.config["TASK_SWEEP_INTERVAL"]):
            try:
                with self.app.app_context():
                    self.submit(claim_due())
            except Exception:  # the database may be restarting: try again next time
                log.warning("task sweep failed", exc_info=True)
            self.run_due_periodic()

    def shutdown(self) -> None:
        """Stop the ticker and wait for the jobs running."""
        self.stop.set()
        self.pool.shutdown(wait=True)


def stop_tickers() -> None:
    """Stop the sweep thread of every runner of this process (jobs still run when submitted):
    an app whose database is gone must not go on sweeping it, as after each test."""
    for each in list(_runners):
        each.stop.set()


def runner(app: Any) -> LocalRunner:
    """The in-process runner of `app` (made on first use)."""
    with _made:
        found = app.extensions.get("audit_tasks_local")
        if found is None:
            found = app.extensions["audit_tasks_local"] = LocalRunner(app)
    return found


def init_app(app: Any) -> None:
    """Without a broker, a serving app sweeps in a thread; tests sweep when they choose.
    With one, its Celery app is made now, while one thread runs: Celery's lazy module
    cannot be imported from several request threads at once (the first publishes failed
    with "cannot import name 'Celery'" under load)."""
    if app.config["CELERY_BROKER_URL"]:
        from audit_api.tasks.broker import celery_app

        celery_app(app)
        return

    started = threading.Event()

    def start_sweeping() -> None:
        if not started.is_set() and not app.testing:
            started.set()
            runner(app).start_ticker()

    app.before_request(start_sweeping)
