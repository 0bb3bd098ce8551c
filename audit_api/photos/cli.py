"""`flask --app wsgi photos prune`: forget uploads never completed and stray staged files."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from audit_api.evidence.housekeeping import prune_pending, sweep_staged


@click.group("photos")
def photos_cli() -> None:
    """Photo storage housekeeping."""


@photos_cli.command("prune")
@click.option("--hours", type=click.IntRange(1), default=24, show_default=True)
@with_appcontext
def prune_command(hours: int) -> None:
    """Delete pending photos older than HOURS (upload form issued, never completed) and
    staged files that no current upload form names."""
    removed = prune_pending(hours)
    swept = sweep_staged()
    click.echo(f"removed {removed} pending photo(s) older than {hours} h")
    click.echo(f"removed {swept} staged file(s) no upload form names")
