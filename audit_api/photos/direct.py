"""Direct-to-storage uploads: a presigned form per upload, a staging key, and `complete`.

The phone POSTs its file to a staging key of its pending photo
(`uploads/{org}/{audit}/{photo}/{random}`). `complete` checks that object's header (type and
pixel count, from its first bytes only: the processing task checks the rest, as for an upload
through the API) and moves exactly the version it checked to the photo's `original` key,
which nothing but the server writes; the storage hashes the bytes as it copies them. A form
replayed later can never change accepted evidence: on S3 it lands on a staging key nobody
reads (and the prune sweep deletes it), on local storage it is refused.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from audit_api.audits.models import Audit
from audit_api.audits.service import record
from audit_api.db import db, utcnow
from audit_api.errors import DomainError, Invalid, Reason
from audit_api.evidence.images import HEADER_BYTES, ImageRejected, Inspected, inspect_header
from audit_api.evidence.models import STAGING, STORED, Photo, PhotoStatus
from audit_api.evidence.objects import ObjectChanged, Stat
from audit_api.evidence.storage import LocalStorage, storage
from audit_api.photos.processing import accept, inspected
from audit_api.photos.service import (
    check_item,
    check_room,
    commit_or_forget,
    draft,
    existing,
    new_photo,
)
from audit_api.users.models import User


def _not_uploaded() -> DomainError:
    return Reason.photo_not_uploaded.error(
        "Nothing was uploaded for this photo yet.", {"file": ["not uploaded"]}
    )


def _changed() -> DomainError:
    return Reason.photo_changed.error(
        "The uploaded file changed while it was being checked; complete the upload again.",
        {"file": ["changed during the check"]},
    )


def start_upload(actor: User, audit_id: str, data: dict[str, Any]) -> tuple[Photo, dict[str, Any]]:
    """A pending photo and a presigned form to POST its bytes to a staging key of its own."""
    config = current_app.config
    audit = draft(actor, audit_id)
    check_item(audit, data.get("item"))
    if data["size"] > config["PHOTO_MAX_BYTES"]:
        limit = config["PHOTO_MAX_BYTES"]
        raise Reason.photo_too_large.error(
            "The photo is too large.", {"size": [f"must be at most {limit} bytes"]}
        )
    photo_id = str(data["photo_id"])
    photo = existing(audit, photo_id)
    if photo is not None and photo.status in STORED:
        raise Reason.photo_complete.error(
            "This photo is already uploaded.", {"photo_id": ["already complete"]}
        )
    if photo is None:
        check_room(audit)
        photo = new_photo(actor, audit, photo_id)
    photo.item_key, photo.declared_type = data.get("item"), data["content_type"]
    photo.size = data["size"]
    # One staging key per pending photo: a repeated request (a lost answer, a double tap)
    # gets a new form for the same key, so a form the phone is still using stays good.
    photo.upload_key = photo.upload_key or f"{STAGING}{photo.key(secrets.token_hex(16))}"
    ttl = config["UPLOAD_URL_TTL"]
    url, fields = storage().upload_form(
        photo.upload_key, data["content_type"], config["PHOTO_MAX_BYTES"], ttl
    )
    db.session.commit()
    expires_at: datetime = utcnow() + timedelta(seconds=ttl)
    return photo, {"photo_id": photo.id, "url": url, "fields": fields, "expires_at": expires_at}


def receive_local(key: str, data: bytes) -> None:
    """Take a local form's file: only for a photo still waiting for it, and only once."""
    backend = storage()
    if not isinstance(backend, LocalStorage):
        raise Reason.direct_uploads.error("Uploads go straight to the object storage.")
    # Locked, so `complete` cannot move the staged file while this form writes it.
    photo = db.session.scalar(
        select(Photo)
        .where(Photo.upload_key == key, Photo.status == PhotoStatus.PENDING)
        .with_for_update()
    )
    if photo is None:
        raise Reason.upload_form_used.error(
            "This upload form is no longer valid: its photo was completed or removed.",
            {"key": ["form no longer valid"]},
        )
    if not backend.put_once(key, data):
        raise Reason.upload_form_used.error(
            "This upload form was already used.", {"file": ["form already used"]}
        )
    db.session.commit()


def complete(actor: User, audit_id: str, photo_id: str) -> tuple[Photo, bool]:
    """Check what the phone uploaded (size, then the cheap checks) and move the checked
    original into place; the photo is then `processing` (True) until its copies are made.
    A retried complete returns the photo as it is (False)."""
    _, photo = _pending(actor, audit_id, photo_id)
    if photo.status in STORED:
        return photo, False
    staged, limit = photo.upload_key, current_app.config["PHOTO_MAX_BYTES"]
    found = storage().stat(staged) if staged else None
    if staged is None or found is None:
        raise _not_uploaded()
    if found.size > limit:
        _refuse(photo, staged)
        raise Reason.payload_too_large.error(
            "The uploaded photo is too large.", {"file": [f"over {limit} bytes"]}
        )
    db.session.rollback()  # check with no lock held (see service.upload)
    content_type, sha256 = _checked(actor, audit_id, photo_id, staged, found)
    audit, photo = _pending(actor, audit_id, photo_id)
    if photo.status in STORED:
        return photo, False  # a retry finished first
    if photo.upload_key != staged:
        raise _changed()  # the upload was finished another way meanwhile
    try:
        # The storage hashes what it moves: the photo's SHA-256 without reading it back here.
        sha256 = storage().promote(
            staged, photo.key("original"), found.tag, sha256, content_type, found.size
        )
    except ObjectChanged:
        db.session.rollback()  # the photo stays pending, for a retried complete
        raise _changed() from None
    accept(photo, Inspected(content_type, sha256), found.size)
    photo.upload_key = None
    record(audit, actor, "photo_added", photo_id=photo.id, item=photo.item_key)
    commit_or_forget([photo.key("original")])
    return photo, True


def _checked(
    actor: User, audit_id: str, photo_id: str, staged: str, found: Stat
) -> tuple[str, str | None]:
    """The staged file's media type after the cheap checks, from its first HEADER_BYTES; and its
    SHA-256 when it was read whole: when it is that short, or when its header did not pass
    (the refusal is decided on all of it). A refused upload is deleted."""
    # An empty file is refused without asking the storage for a range of nothing.
    data = _read(staged, min(found.size, HEADER_BYTES), found.tag) if found.size else b""
    if len(data) < found.size:
        try:
            return inspect_header(data, current_app.config["PHOTO_MAX_PIXELS"]), None
        except ImageRejected:
            data = _read(staged, found.size, found.tag)
    try:
        checked = inspected(data, "file")
    except Invalid:
        _refuse(_pending(actor, audit_id, photo_id)[1], staged)
        raise
    return checked.content_type, checked.sha256


def _read(key: str, limit: int, tag: str) -> bytes:
    try:
        return storage().read(key, limit, tag)
    except KeyError:  # removed since the stat
        raise _not_uploaded() from None
    except ObjectChanged:
        raise _changed() from None


def _pending(actor: User, audit_id: str, photo_id: str) -> tuple[Audit, Photo]:
    """The actor's draft and its photo, both locked; 404 if there is no such photo."""
    audit = draft(actor, audit_id)
    photo = existing(audit, photo_id)
    if photo is None:
        raise Reason.not_found.error("Photo not found; ask for an upload form first.")
    return audit, photo


def _refuse(photo: Photo, key: str) -> None:
    """Delete a failed upload: its staged object and its pending row."""
    storage().delete([key])
    if photo.status == PhotoStatus.PENDING and photo.upload_key in (key, None):
        db.session.delete(photo)
    db.session.commit()
