"""Photo operations: upload through the API or straight to storage, complete, delete, serve."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from audit_api.audits.models import Audit
from audit_api.audits.service import get_audit, record
from audit_api.auth.policy import check
from audit_api.db import db, utcnow
from audit_api.errors import Conflict, Forbidden, Invalid, NotFound, PayloadTooLarge
from audit_api.evidence.checks import store_facts
from audit_api.evidence.images import ImageRejected, Processed, process
from audit_api.evidence.models import VARIANTS, Photo
from audit_api.evidence.storage import storage
from audit_api.scoring.engine import iter_items
from audit_api.users.models import User


def _not_uploaded() -> Conflict:
    return Conflict("Nothing was uploaded for this photo yet.", {"file": ["not uploaded"]})


def _draft(actor: User, audit_id: str) -> Audit:
    """The actor's own draft, locked: only it takes or loses photos."""
    audit = get_audit(actor, audit_id, lock=True)
    if audit.auditor_id != actor.id:
        raise Forbidden("Only the auditor who started this audit can change its photos.")
    if audit.status != "draft":
        raise Conflict(f"The audit is {audit.status}; only a draft's photos can change.")
    return audit


def _check_item(audit: Audit, item: str | None) -> None:
    if item is not None and item not in {i["key"] for _, i in iter_items(_definition(audit))}:
        raise Invalid("Invalid item.", {"item": [f"no item {item!r} in this checklist"]})


def _definition(audit: Audit) -> dict[str, Any]:
    return audit.checklist_version.definition


def _check_room(audit: Audit) -> None:
    """A draft holds at most PHOTO_MAX_PER_AUDIT photos (pending ones count)."""
    limit = current_app.config["PHOTO_MAX_PER_AUDIT"]
    count = select(func.count()).where(Photo.audit_id == audit.id)
    if (db.session.scalar(count) or 0) >= limit:
        raise Conflict(f"An audit takes at most {limit} photos.", {"photo_id": ["too many"]})


def _existing(audit: Audit, photo_id: str) -> Photo | None:
    photo = db.session.get(Photo, photo_id, with_for_update=True)
    if photo is not None and photo.audit_id != audit.id:
        raise Conflict("This photo id belongs to another audit.", {"photo_id": ["already used"]})
    return photo


def _processed(data: bytes, field: str) -> Processed:
    try:
        return process(data, current_app.config["PHOTO_MAX_PIXELS"])
    except ImageRejected as exc:
        raise Invalid(f"The file is not an acceptable photo: {exc}.", {field: [str(exc)]}) from None


def _store_variants(photo: Photo, processed: Processed, original: bytes | None) -> list[str]:
    """Put the objects and return their keys; on a storage failure remove what this call
    wrote and re-raise."""
    parts = [("display", processed.display, "image/jpeg"), ("thumb", processed.thumb, "image/jpeg")]
    if original is not None:
        parts.insert(0, ("original", original, processed.content_type))
    written: list[str] = []
    try:
        for variant, data, content_type in parts:
            storage().put(photo.key(variant), data, content_type)
            written.append(photo.key(variant))
    except Exception:
        _forget(written)
        raise
    return written


def _commit_or_forget(keys: list[str]) -> None:
    """Commit; when the database fails (it may be restarting), the objects just written go
    too, so storage never holds files that no row names."""
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        _forget(keys)
        raise


def _forget(keys: list[str]) -> None:
    """Best-effort removal of objects after a failure (the failure is what gets reported)."""
    try:
        storage().delete(keys)
    except Exception:
        current_app.logger.warning("could not remove objects %s after a failure", keys)


def upload(
    actor: User, audit_id: str, photo_id: str, item: str | None, data: bytes, content_type: str
) -> tuple[Photo, bool]:
    """Store a photo sent through the API; the same bytes again return the stored photo."""
    audit = _draft(actor, audit_id)
    _check_item(audit, item)
    photo = _existing(audit, photo_id)
    if photo is not None and photo.status == "ready":
        if photo.sha256 != hashlib.sha256(data).hexdigest():
            raise Conflict("This photo id was uploaded with other content.", {"file": ["differs"]})
        return photo, False
    processed = _processed(data, "file")
    if photo is None:
        _check_room(audit)
        photo = Photo(id=photo_id, org_id=audit.org_id, audit_id=audit.id, uploaded_by_id=actor.id)
        db.session.add(photo)
    photo.item_key, photo.declared_type = item, content_type
    _flush_claim()  # the row is claimed before any object is written
    store_facts(photo, processed, len(data), audit)
    written = _store_variants(photo, processed, data)
    record(audit, actor, "photo_added", photo_id=photo.id, item=item)
    _commit_or_forget(written)
    return photo, True


def _flush_claim() -> None:
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("The same photo is being uploaded by another request; retry.") from None


def start_upload(actor: User, audit_id: str, data: dict[str, Any]) -> tuple[Photo, dict[str, Any]]:
    """A pending photo and a presigned form to POST its bytes straight to storage."""
    config = current_app.config
    audit = _draft(actor, audit_id)
    _check_item(audit, data.get("item"))
    if data["size"] > config["PHOTO_MAX_BYTES"]:
        limit = config["PHOTO_MAX_BYTES"]
        raise Invalid("The photo is too large.", {"size": [f"must be at most {limit} bytes"]})
    photo_id = str(data["photo_id"])
    photo = _existing(audit, photo_id)
    if photo is not None and photo.status == "ready":
        raise Conflict("This photo is already uploaded.", {"photo_id": ["already complete"]})
    if photo is None:
        _check_room(audit)
        photo = Photo(id=photo_id, org_id=audit.org_id, audit_id=audit.id, uploaded_by_id=actor.id)
        db.session.add(photo)
    photo.item_key, photo.declared_type = data.get("item"), data["content_type"]
    photo.size = data["size"]
    ttl = config["UPLOAD_URL_TTL"]
    url, fields = storage().upload_form(
        photo.key("original"), data["content_type"], config["PHOTO_MAX_BYTES"], ttl
    )
    db.session.commit()
    expires_at: datetime = utcnow() + timedelta(seconds=ttl)
    return photo, {"photo_id": photo.id, "url": url, "fields": fields, "expires_at": expires_at}


def complete(actor: User, audit_id: str, photo_id: str) -> Photo:
    """Check what the phone uploaded (size, then decoding), derive the copies, accept it."""
    audit = _draft(actor, audit_id)
    photo = _existing(audit, photo_id)
    if photo is None:
        raise NotFound("Photo not found; ask for an upload form first.")
    if photo.status == "ready":
        return photo  # a retried complete
    key, limit = photo.key("original"), current_app.config["PHOTO_MAX_BYTES"]
    size = storage().size(key)
    if size is None:
        raise _not_uploaded()
    if size > limit:
        _refuse(photo, key)
        raise PayloadTooLarge("The uploaded photo is too large.", {"file": [f"over {limit} bytes"]})
    try:
        data = storage().read(key, limit + 1)
    except KeyError:  # removed between the two calls
        raise _not_uploaded() from None
    try:
        processed = _processed(data, "file")
    except Invalid:
        _refuse(photo, key)
        raise
    store_facts(photo, processed, len(data), audit)
    written = _store_variants(photo, processed, None)
    record(audit, actor, "photo_added", photo_id=photo.id, item=photo.item_key)
    _commit_or_forget(written)  # the original stays with its pending row, for a retry
    return photo


def _refuse(photo: Photo, key: str) -> None:
    """Delete a failed upload: its object and its pending row."""
    storage().delete([key])
    db.session.delete(photo)
    db.session.commit()


def delete(actor: User, audit_id: str, photo_id: str) -> None:
    """Remove a draft's photo and its stored objects."""
    audit = _draft(actor, audit_id)
    photo = _existing(audit, photo_id)
    if photo is None:
        raise NotFound("Photo not found.")
    db.session.delete(photo)
    record(audit, actor, "photo_removed", photo_id=photo.id, item=photo.item_key)
    db.session.flush()
    storage().delete([photo.key(v) for v in VARIANTS])  # a failure rolls the row back
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
        raise NotFound("Photo not found.")
    return photo


def content(actor: User, photo_id: str, variant: str) -> tuple[Photo, str]:
    """A ready photo the actor may see and the storage key of the variant asked for."""
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.org_id != actor.org_id:
        raise NotFound("Photo not found.")
    get_audit(actor, photo.audit_id)  # scope: 404 outside it
    if photo.status != "ready":
        raise NotFound("The photo's bytes have not arrived yet.")
    if variant == "original":
        check(actor, "photos:original")
    return photo, photo.key(variant)
