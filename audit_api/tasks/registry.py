"""The task registry: `@task("name")` on a plain function of keyword arguments."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

TaskFunction = Callable[..., Any]
TASKS: dict[str, TaskFunction] = {}
LEASES: dict[str, int] = {}  # task -> seconds a claim lasts, where not TASK_LEASE


class RetryAt(Exception):
    """Raised by a task that wants to run again at `when` (its own schedule, not a failure)."""

    def __init__(self, when: datetime, reason: str = "") -> None:
        super().__init__(reason or f"again at {when.isoformat()}")
        self.when, self.reason = when, reason


def task(name: str, *, lease_s: int | None = None) -> Callable[[TaskFunction], TaskFunction]:
    """Register `function` under `name`; it runs in an app context with a fresh session.
    `lease_s`: how long a claim lasts, for a short task whose worker dying should not delay
    it for the whole TASK_LEASE (a run outliving its lease may be repeated)."""

    def register(function: TaskFunction) -> TaskFunction:
        known = TASKS.get(name)
        if known is not None and _where(known) != _where(function):
            raise ValueError(f"task {name!r} is registered twice")
        TASKS[name] = function
        if lease_s is not None:
            LEASES[name] = lease_s
        return function

    return register


def _where(function: TaskFunction) -> tuple[str, str]:
    return function.__module__, function.__qualname__
