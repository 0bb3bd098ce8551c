"""Photo operations: upload through the API, delete, list, serve; the steps they share."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from audit_api.audits.models import Audit, AuditStatus
from audit_api.audits.service import get_audit, record
from audit_api.auth.policy import check, may_fill
from audit_api.db import db
from audit_api.errors import Reason
from audit_api.evidence.decoding import decode_slot
from audit_api.evidence.images import ImageRejected, Processed, process
from audit_api.evidence.models import STORED, VARIANTS, Photo, PhotoStatus
from audit_api.evidence.storage import storage
from audit_api.photos.processing import accept, inspected
from audit_api.scoring.engine import iter_items
from audit_api.users.models import User


def draft(actor: User, audit_id: str) -> Audit:
    """The actor's own draft, locked: only it takes or loses photos."""
    audit = get_audit(actor, audit_id, lock=True, lean=True)
    if not may_fill(actor, audit):
        raise Reason.not_the_author.error(
            "Only the auditor who started this audit can change its photos."
        )
    if audit.status != AuditStatus.DRAFT:
        raise Reason.audit_not_editable.error(
            f"The audit is {audit.status}; only a draft's photos can change."
        )
    return audit


def check_item(audit: Audit, item: str | None) -> None:
    """A photo's item, when given, must be one of the audit's checklist items."""
    if item is not None and item not in {i["key"] for _, i in iter_items(_definition(audit))}:
        raise Reason.unknown_item.error(
            "Invalid item.", {"item": [f"no item {item!r} in this checklist"]}
        )


def _definition(audit: Audit) -> dict[str, Any]:
    return audit.checklist_version.definition


def check_room(audit: Audit) -> None:
    """A draft holds at most PHOTO_MAX_PER_AUDIT photos (pending ones count)."""
    limit = current_app.config["PHOTO_MAX_PER_AUDIT"]
    count = select(func.count()).where(Photo.audit_id == audit.id)
    if (db.session.scalar(count) or 0) >= limit:
        raise Reason.too_many_photos.error(
            f"An audit takes at most {limit} photos.", {"photo_id": ["too many"]}
        )


def existing(audit: Audit, photo_id: str) -> Photo | None:
    """The audit's photo with this id, locked, or None; an id of another audit is a 409."""
    photo = db.session.get(Photo, photo_id, with_for_update=True)
    if photo is not None and photo.audit_id != audit.id:
        raise Reason.photo_id_taken.error(
            "This photo id belongs to another audit.", {"photo_id": ["already used"]}
        )
    return photo


def processed(data: bytes, field: str) -> Processed:
    """Decode an original now (action photos; one of a few decode slots at a time);
    refusals name `field`."""
    try:
        with decode_slot():
            return process(data, current_app.config["PHOTO_MAX_PIXELS"])
    except ImageRejected as exc:
        raise Reason.photo_unreadable.error(
            f"The file is not an acceptable photo: {exc}.", {field: [str(exc)]}
        ) from None


def store_variants(photo: Photo, result: Processed, original: bytes | None) -> list[str]:
    """Put the objects and return their keys; on a storage failure remove what this call
    wrote and re-raise."""
    parts = [("display", result.display, "image/jpeg"), ("thumb", result.thumb, "image/jpeg")]
    if original is not None:
        parts.insert(0, ("original", original, result.content_type))
    written: list[str] = []
    try:
        for variant, data, content_type in parts:
            storage().put(photo.key(variant), data, content_type)
            written.append(photo.key(variant))
    except Exception:
        forget(written)
        raise
    return written


def commit_or_forget(keys: list[str]) -> None:
    """Commit; when the database fails (it may be restarting), the objects just written go
    too, so storage never holds files that no row names."""
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        forget(keys)
        raise


def forget(keys: list[str]) -> None:
    """Best-effort removal of objects after a failure (the failure is what gets reported)."""
    try:
        storage().delete(keys)
    except Exception:
        current_app.logger.warning("could not remove objects %s after a failure", keys)


def upload(
    actor: User, audit_id: str, photo_id: str, item: str | None, data: bytes, content_type: str
) -> tuple[Photo, bool]:
    """Store a photo sent through the API after the cheap checks; it is `processing` until
    the background task has made its copies. The same bytes again return the stored photo."""
    stored = _accepts(actor, audit_id, photo_id, item, data)  # the refusals that cost nothing
    if stored is not None:
        return stored, False
    # Hash and read the header with no lock held (the audit's row lock is SQLite's write
    # lock); the checks are made again after.
    db.session.rollback()
    checked = inspected(data, "file")
    stored = _accepts(actor, audit_id, photo_id, item, data)
    if stored is not None:
        return stored, False  # a retry of the same upload won the race
    audit = draft(actor, audit_id)
    photo = existing(audit, photo_id) or new_photo(actor, audit, photo_id)
    # A pending direct upload finished this way instead: its staged object is swept later.
    photo.item_key, photo.declared_type, photo.upload_key = item, content_type, None
    _flush_claim()  # the row is claimed before any object is written
    accept(photo, checked, len(data))
    storage().put(photo.key("original"), data, checked.content_type)
    record(audit, actor, "photo_added", photo_id=photo.id, item=item)
    commit_or_forget([photo.key("original")])
    return photo, True


def _accepts(
    actor: User, audit_id: str, photo_id: str, item: str | None, data: bytes
) -> Photo | None:
    """Everything checked before reading the file: the actor's draft, the item, the photo id
    and the room left. Returns the stored photo when these very bytes are already it."""
    audit = draft(actor, audit_id)
    check_item(audit, item)
    photo = existing(audit, photo_id)
    if photo is not None and photo.status in STORED:
        if photo.sha256 != hashlib.sha256(data).hexdigest():
            raise Reason.photo_differs.error(
                "This photo id was uploaded with other content.", {"file": ["differs"]}
            )
        return photo
    if photo is None:
        check_room(audit)  # a full audit costs no hashing
    return None


def new_photo(actor: User, audit: Audit, photo_id: str) -> Photo:
    """A photo row of the audit, added to the session."""
    photo = Photo(id=photo_id, org_id=audit.org_id, audit_id=audit.id, uploaded_by_id=actor.id)
    db.session.add(photo)
    return photo


def _flush_claim() -> None:
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Reason.photo_in_progress.error(
            "The same photo is being uploaded by another request; retry."
        ) from None


def delete(actor: User, audit_id: str, photo_id: str) -> None:
    """Remove a draft's photo and its stored objects."""
    audit = draft(actor, audit_id)
    photo = existing(audit, photo_id)
    if photo is None:
        raise Reason.not_found.error("Photo not found.")
    db.session.delete(photo)
    record(audit, actor, "photo_removed", photo_id=photo.id, item=photo.item_key)
    db.session.flush()
    staged = [photo.upload_key] if photo.upload_key else []
    storage().delete([photo.key(v) for v in VARIANTS] + staged)  # a failure rolls the row back
    db.session.commit()


def list_photos(actor: User, audit_id: str) -> list[Photo]:
    """An audit's photos (pending ones too), oldest first."""
    audit = get_audit(actor, audit_id)
    stmt = select(Photo).where(Photo.audit_id == audit.id)
    return list(db.session.scalars(stmt.order_by(Photo.created_at, Photo.id)))


def get_photo(actor: User, audit_id: str, photo_id: str) -> Photo:
    """One photo of an audit the actor may see."""
    audit = get_audit(actor, audit_id)
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.audit_id != audit.id:
        raise Reason.not_found.error("Photo not found.")
    return photo


def content(actor: User, photo_id: str, variant: str) -> tuple[Photo, str]:
    """A photo the actor may see and the storage key of the variant asked for: the original
    (HQ only) once stored, the copies once made."""
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.org_id != actor.org_id:
        raise Reason.not_found.error("Photo not found.")
    get_audit(actor, photo.audit_id)  # scope: 404 outside it
    if photo.status not in STORED:
        raise Reason.photo_pending.error("The photo's bytes have not arrived yet.")
    if variant == "original":
        check(actor, "photos:original")
    elif photo.status == PhotoStatus.PROCESSING:
        raise Reason.photo_processing.error(
            f"The photo's {variant} copy is being made; ask again shortly."
        )
    elif photo.status == PhotoStatus.REJECTED:
        message = (photo.rejection or {}).get("message", "The photo could not be decoded.")
        raise Reason.photo_rejected.error(f"{message} It has no {variant} copy.")
    return photo, photo.key(variant)
