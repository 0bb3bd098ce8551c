"""`flask --app wsgi rollup rebuild [--check]`: the score rollup made again from the audits."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from audit_api.rollups.rebuild import differences, rebuild

SHOWN = 20


@click.group("rollup")
def rollup_cli() -> None:
    """The score rollup that league tables and scorecards read."""


@rollup_cli.command("rebuild")
@click.option("--check", is_flag=True, help="only compare; change nothing, exit 1 on a difference")
@with_appcontext
def rebuild_command(check: bool) -> None:
    """Compare the rollup with one computed from every approved audit, print what differs,
    then replace it (unless --check)."""
    found = differences(limit=None)
    for difference in found[:SHOWN]:
        click.echo(str(difference))
    if len(found) > SHOWN:
        click.echo(f"... and {len(found) - SHOWN} more")
    click.echo(f"{len(found)} difference(s) between the rollup and the audits")
    if check:
        sys.exit(1 if found else 0)
    counts = rebuild()
    click.echo("rebuilt: " + ", ".join(f"{table} {n} rows" for table, n in counts.items()))
