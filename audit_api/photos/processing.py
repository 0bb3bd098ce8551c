"""Photo work off the request path: the cheap checks run while the phone waits; the copies,
EXIF facts, perceptual hash and signals are made by the `photos.process` task."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import exists, select

from audit_api.audits.models import Audit
from audit_api.db import db, utcnow
from audit_api.errors import Reason
from audit_api.evidence.checks import store_facts
from audit_api.evidence.decoding import decode_slot
from audit_api.evidence.images import ImageRejected, Inspected, inspect, process
from audit_api.evidence.models import Photo, PhotoStatus
from audit_api.evidence.storage import storage
from audit_api.tasks import enqueue, periodic, task
from audit_api.tasks.models import Job, JobStatus

TASK = "photos.process"
# A 12 MP photo takes a fraction of a second and a 50 MP one a few: a worker that dies
# mid-task delays its photo by this lease (then the sweep), not by the whole TASK_LEASE.
LEASE_S = 30
# A photo processing this long with no live job (its job failed for good, or was lost) is
# queued again by the periodic sweep.
STUCK_AFTER = timedelta(minutes=15)
WAIT_POLL_S = 0.05


def inspected(data: bytes, field: str) -> Inspected:
    """The cheap checks (header type, pixel count, JPEG scans, SHA-256); refusals name `field`."""
    try:
        return inspect(data, current_app.config["PHOTO_MAX_PIXELS"])
    except ImageRejected as exc:
        raise Reason.photo_unreadable.error(
            f"The file is not an acceptable photo: {exc}.", {field: [str(exc)]}
        ) from None


def accept(photo: Photo, checked: Inspected, size: int) -> None:
    """A photo whose original is being stored becomes `processing`, its job queued in the
    same transaction (handed to a runner only once it commits)."""
    photo.content_type, photo.size, photo.sha256 = checked.content_type, size, checked.sha256
    photo.status, photo.rejection, photo.processed_at = PhotoStatus.PROCESSING, None, None
    queue(photo)


def queue(photo: Photo) -> None:
    """Queue the photo's processing job and remember it (no commit)."""
    photo.job_id = enqueue(db.session, TASK, photo_id=photo.id)
    photo.queued_at = utcnow()


@task(TASK, lease_s=LEASE_S)
def process_photo(photo_id: str) -> None:
    """Make a processing photo ready (copies, facts, hash, signals) or rejected (undecodable).

    Safe to repeat: a photo no longer processing is left alone, and the copies go to the
    photo's fixed keys, so a duplicated or retried run rewrites the same two objects."""
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.status != PhotoStatus.PROCESSING:
        return
    sha256, original = photo.sha256, photo.key("original")
    copies = {variant: photo.key(variant) for variant in ("display", "thumb")}
    db.session.commit()  # no transaction stays open while reading and decoding
    config = current_app.config
    try:
        data = storage().read(original, config["PHOTO_MAX_BYTES"] + 1)
    except KeyError:
        if _current(photo_id, sha256) is None:
            return  # removed meanwhile, with its files
        raise  # the original should be there: retried later
    try:
        with decode_slot():
            result = process(data, config["PHOTO_MAX_PIXELS"])
    except ImageRejected as exc:
        _reject(photo_id, sha256, str(exc))
        return
    for variant, key in copies.items():
        storage().put(key, getattr(result, variant), "image/jpeg")
    photo = _current(photo_id, sha256)
    if photo is None:
        if db.session.get(Photo, photo_id) is None:  # removed while we worked: no orphans
            _forget(list(copies.values()))
        db.session.commit()
        return
    audit = db.session.get(Audit, photo.audit_id)
    store_facts(photo, result, photo.size or len(data), audit)  # ready, with its signals
    photo.processed_at = utcnow()
    db.session.commit()


def _current(photo_id: str, sha256: str | None) -> Photo | None:
    """The photo, locked and read afresh, if it is still processing the same bytes."""
    photo = db.session.get(Photo, photo_id, with_for_update=True, populate_existing=True)
    if photo is None or photo.status != PhotoStatus.PROCESSING or photo.sha256 != sha256:
        return None
    return photo


def _reject(photo_id: str, sha256: str | None, why: str) -> None:
    """The decoder refused the photo: say why on it, as the phone would read an error."""
    photo = _current(photo_id, sha256)
    if photo is not None:
        photo.status, photo.processed_at, photo.signals = PhotoStatus.REJECTED, utcnow(), []
        photo.rejection = {
            "reason": Reason.photo_unreadable.name,
            "message": f"The file is not an acceptable photo: {why}.",
            "errors": {"file": [why]},
        }
    db.session.commit()


def _forget(keys: list[str]) -> None:
    try:
        storage().delete(keys)
    except Exception:  # the failure is logged; the prune finds nothing to name them
        current_app.logger.warning("could not remove objects %s of a removed photo", keys)


def wait_processed(photo: Photo, seconds: float) -> Photo:
    """The photo once processed, or as it is after `seconds` (0: at once)."""
    deadline = time.monotonic() + seconds
    while photo.status == PhotoStatus.PROCESSING and time.monotonic() < deadline:
        time.sleep(WAIT_POLL_S)
        db.session.refresh(photo)
        # Each look ends its transaction: a fresh snapshot next time, and no SQLite read
        # lock held while sleeping (the task could not commit).
        db.session.commit()
    return photo


@periodic("photos.stuck", every_s=300)
def requeue_stuck() -> dict[str, Any]:
    """Queue again photos processing for STUCK_AFTER with no job pending or running (it
    failed for good, or was lost); a worker killed mid-task is the outbox lease's work."""
    alive = exists().where(
        Job.id == Photo.job_id, Job.status.in_((JobStatus.PENDING, JobStatus.RUNNING))
    )
    stuck = (
        select(Photo)
        .where(
            Photo.status == PhotoStatus.PROCESSING,
            Photo.queued_at < utcnow() - STUCK_AFTER,
            ~alive,
        )
        .order_by(Photo.queued_at)
        .limit(500)
        .with_for_update(skip_locked=True, of=Photo)
    )
    photos = list(db.session.scalars(stuck))
    for photo in photos:
        queue(photo)
    db.session.commit()
    return {"photos queued again": len(photos)}
