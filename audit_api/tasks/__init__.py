"""Background work: `enqueue` records a job in the caller's transaction, `@task` registers
what runs it, `@periodic` what runs every so often (docs/background.md)."""

from audit_api.tasks.outbox import enqueue, sweep
from audit_api.tasks.periodic import PERIODIC, periodic, run_periodic
from audit_api.tasks.registry import RetryAt, task

__all__ = ["PERIODIC", "RetryAt", "enqueue", "periodic", "run_periodic", "sweep", "task"]


def drain(app, timeout: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    """Wait for the jobs this process runs in its own threads (tests; a broker: no-op)."""
    found = app.extensions.get("audit_tasks_local")
    return True if found is None else found.drain(timeout)
