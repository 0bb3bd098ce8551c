"""`flask --app wsgi prune`: each registered pruner removes rows that have outlived their use.

A module adds its own with `@pruner("name")` on a function that takes the time of the run,
deletes and commits, and returns what it removed as {"what(s)": count}; the command runs
them in the order they were registered and prints one line each.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

import click
from flask.cli import with_appcontext

from audit_api.db import utcnow

Pruner = Callable[[datetime], Mapping[str, int]]
PRUNERS: dict[str, Pruner] = {}


def pruner(name: str) -> Callable[[Pruner], Pruner]:
    """Register a pruner under `name` (a decorator)."""

    def register(function: Pruner) -> Pruner:
        PRUNERS[name] = function
        return function

    return register


def run_pruners(now: datetime) -> dict[str, Mapping[str, int]]:
    """Run every pruner in order (the command, and the beat schedule's daily task)."""
    return {name: function(now) for name, function in PRUNERS.items()}


@click.command("prune")
@with_appcontext
def prune_command() -> None:
    """Remove expired sign-in sessions, refresh tokens, idempotency records, photo uploads
    never completed, stray staged files, finished tasks and old webhook events (run daily)."""
    for name, removed in run_pruners(utcnow()).items():
        click.echo(f"{name}: removed " + ", ".join(f"{n} {what}" for what, n in removed.items()))
