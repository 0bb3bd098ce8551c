"""Photo housekeeping: uploads never completed, and staged files no upload form leads to."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from audit_api.db import db, utcnow
from audit_api.evidence.models import STAGING, Photo, PhotoStatus
from audit_api.evidence.storage import storage
from audit_api.housekeeping import pruner

PENDING_HOURS = 24  # a phone that has not completed its upload in a day has given up


def prune_pending(hours: int, now: datetime | None = None) -> int:
    """Delete pending photos older than `hours` (form issued, never completed) with any file
    the phone staged; returns how many."""
    cutoff = (now or utcnow()) - timedelta(hours=hours)
    stale = select(Photo).where(Photo.status == PhotoStatus.PENDING, Photo.created_at < cutoff)
    removed = 0
    for photo in db.session.scalars(stale).all():
        if photo.upload_key:
            storage().delete([photo.upload_key])
        db.session.delete(photo)
        db.session.commit()  # one at a time: a storage failure keeps the rest for the next run
        removed += 1
    return removed


def sweep_staged() -> int:
    """Delete staged files that no pending photo's current form names: left by a completed,
    removed or re-issued upload, or by a form replayed after `complete` (S3 cannot refuse a
    presigned POST before it expires). Returns how many."""
    staged = list(storage().keys(STAGING))  # listed before the live keys are read, so a
    live = set(  # form issued meanwhile is never mistaken for garbage
        db.session.scalars(select(Photo.upload_key).where(Photo.status == PhotoStatus.PENDING))
    )
    garbage = [key for key in staged if key not in live]
    if garbage:
        storage().delete(garbage)
    return len(garbage)


@pruner("photos")
def prune_photos(now: datetime) -> dict[str, int]:
    """The daily run: pending photos older than a day, and stray staged files."""
    return {
        "pending photos": prune_pending(PENDING_HOURS, now),
        "staged files": sweep_staged(),
    }
