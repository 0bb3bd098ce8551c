"""Periodic jobs: `@periodic(name, every_s=...)` registers a function run inside an app
context with a session of its own. Celery beat sends each one every `every_s` seconds (with
a broker); without one, the local ticker runs those that are due; `flask --app wsgi tick
[NAME...]` runs them once by hand. A job may run on several workers at once: it must be safe
to (row locks, unique constraints), as each of the jobs registered is."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import click
from flask.cli import with_appcontext

Job = Callable[[], Mapping[str, int] | None]


@dataclass(frozen=True)
class Periodic:
    """A registered job and how often it should run."""

    name: str
    every_s: int
    function: Job


PERIODIC: dict[str, Periodic] = {}


def periodic(name: str, *, every_s: int) -> Callable[[Job], Job]:
    """Register `function` to run every `every_s` seconds (a decorator)."""

    def register(function: Job) -> Job:
        PERIODIC[name] = Periodic(name, every_s, function)
        return function

    return register


def run_periodic(name: str) -> Mapping[str, int] | None:
    """Run one registered job now, in a fresh session of the current app."""
    from audit_api.db import db

    db.session.remove()  # the job starts from a session of its own, as a worker's would
    try:
        return PERIODIC[name].function()
    finally:
        db.session.remove()


@click.command("tick")
@click.argument("names", nargs=-1)
@with_appcontext
def tick_command(names: tuple[str, ...]) -> None:
    """Run the periodic jobs once (all, or those NAMES), printing what each did."""
    unknown = [n for n in names if n not in PERIODIC]
    if unknown:
        raise click.UsageError(f"unknown job(s) {', '.join(unknown)}; known: {', '.join(PERIODIC)}")
    for name in names or tuple(PERIODIC):
        done: Any = run_periodic(name) or {}
        click.echo(f"{name}: " + (", ".join(f"{n} {what}" for what, n in done.items()) or "done"))
