"""`flask --app wsgi photos prune`: forget direct uploads that were never completed."""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from audit_api.db import db, utcnow
from audit_api.evidence.models import Photo
from audit_api.evidence.storage import storage


@click.group("photos")
def photos_cli() -> None:
    """Photo storage housekeeping."""


@photos_cli.command("prune")
@click.option("--hours", type=click.IntRange(1), default=24, show_default=True)
@with_appcontext
def prune_command(hours: int) -> None:
    """Delete pending photos older than HOURS (upload form issued, never completed)."""
    cutoff = utcnow() - timedelta(hours=hours)
    stale = select(Photo).where(Photo.status == "pending", Photo.created_at < cutoff)
    removed = 0
    for photo in db.session.scalars(stale).all():
        storage().delete([photo.key("original")])  # a phone may have uploaded, then gone quiet
        db.session.delete(photo)
        db.session.commit()  # one at a time: a storage failure keeps the rest for the next run
        removed += 1
    click.echo(f"removed {removed} pending photo(s) older than {hours} h")
