"""Evidence checks that need the database: copies across audits, and photos at submit."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, or_, select

from audit_api.audits.models import Audit
from audit_api.db import db, utcnow
from audit_api.evidence.images import Processed
from audit_api.evidence.models import EVIDENCE, Photo, PhotoStatus
from audit_api.evidence.signals import (
    NEAR_BITS,
    bands,
    copy_signal,
    hamming,
    place_signal,
    time_signal,
)


def store_facts(photo: Photo, processed: Processed, size: int, audit: Audit) -> None:
    """Copy what processing learned into the row, and compute its evidence signals."""
    facts = processed.facts
    taken_at = facts.taken_at
    if taken_at is not None and taken_at.tzinfo is None:
        # No offset in EXIF: the camera's clock shows local time at the location.
        taken_at = taken_at.replace(tzinfo=ZoneInfo(audit.location.timezone))
    photo.content_type, photo.size = processed.content_type, size
    photo.width, photo.height = processed.width, processed.height
    photo.sha256, photo.phash = processed.sha256, f"{processed.phash:016x}"
    photo.band0, photo.band1, photo.band2, photo.band3 = bands(processed.phash)
    photo.taken_at = None if taken_at is None else taken_at.astimezone(UTC)
    photo.latitude, photo.longitude = facts.latitude, facts.longitude
    photo.status = PhotoStatus.READY
    photo.signals = signals_of(photo, audit)


def signals_of(photo: Photo, audit: Audit) -> list[dict[str, Any]]:
    """Every signal of a ready photo against its audit and the org's other audits."""
    config = current_app.config
    location = audit.location
    end = audit.device_submitted_at or audit.received_at or utcnow()
    slack = timedelta(minutes=config["PHOTO_TIME_SLACK_MIN"])
    position = None if photo.latitude is None else (photo.latitude, photo.longitude or 0.0)
    radius = location.geofence_m + config["PHOTO_GPS_TOLERANCE_M"]
    found = [
        time_signal(photo.taken_at, audit.started_at, end, slack),
        place_signal(position, (location.latitude, location.longitude), radius),
        copy_signal(photo.sha256 or "", int(photo.phash or "0", 16), _copied_from(photo)),
    ]
    return [s for s in found if s is not None]


def _copied_from(photo: Photo) -> tuple[str, str, str, int] | None:
    """The org's photo in another audit that this one repeats exactly or nearly, if any."""
    # The same bytes count from upload on (the SHA-256 is known while the copies are being
    # made); a near copy needs the other's perceptual hash, so it must be ready.
    near = or_(*(getattr(Photo, f"band{n}") == getattr(photo, f"band{n}") for n in range(4)))
    candidates = select(Photo.id, Photo.audit_id, Photo.sha256, Photo.phash).where(
        Photo.org_id == photo.org_id,
        Photo.audit_id != photo.audit_id,
        or_(
            and_(Photo.sha256 == photo.sha256, Photo.status.in_(EVIDENCE)),
            and_(near, Photo.status == PhotoStatus.READY),
        ),
    )
    own = int(photo.phash or "0", 16)
    best: tuple[int, tuple[str, str, str, int]] | None = None
    for other_id, audit_id, sha, phash in db.session.execute(candidates.order_by(Photo.created_at)):
        other_hash = int(phash or "0", 16)
        bits = 0 if sha == photo.sha256 else hamming(own, other_hash)
        if bits <= NEAR_BITS and (best is None or bits < best[0]):
            best = (bits, (other_id, audit_id, sha, other_hash))
    return None if best is None else best[1]


def ready_photos(audit: Audit) -> list[Photo]:
    """The audit's photos whose bytes have arrived, oldest first (loaded with the audit, under
    its row lock, so no second query)."""
    return [p for p in audit.photos if p.status == PhotoStatus.READY]


def evidence_photos(audit: Audit) -> list[Photo]:
    """The audit's photos that count as evidence: ready, or stored and still being processed
    (submit does not wait for the copies; one rejected later stays named, with its reason)."""
    return [p for p in audit.photos if p.status in EVIDENCE]


def answers_with_photos(
    audit: Audit, answers: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """Answers with each item's uploaded photos added, and errors for unknown photo ids."""
    photos = evidence_photos(audit)
    known = {p.id for p in photos}
    merged = [dict(a, photo_ids=list(a.get("photo_ids") or [])) for a in answers]
    by_item = {a["item"]: a for a in merged}
    errors: dict[str, list[str]] = {}
    for answer in merged:
        unknown = [p for p in answer["photo_ids"] if p not in known]
        if unknown:
            errors[f"answers.{answer['item']}.photo_ids"] = [
                f"no uploaded photo {p} in this audit" for p in unknown
            ]
    for photo in photos:
        if photo.item_key is None:
            continue
        answer = by_item.get(photo.item_key)
        if answer is None:
            answer = by_item[photo.item_key] = {"item": photo.item_key, "photo_ids": []}
            merged.append(answer)
        if photo.id not in answer["photo_ids"]:
            answer["photo_ids"].append(photo.id)
    return merged, errors


def refresh_signals(audit: Audit) -> None:
    """Recompute the photos' signals once the visit window is known (at submit)."""
    for photo in ready_photos(audit):
        photo.signals = signals_of(photo, audit)
