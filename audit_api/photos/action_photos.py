"""Photos of what was done about a corrective action: uploaded through the API with the
checks and processing of audit photos, kept beside them, named in the action's resolution."""

from __future__ import annotations

import hashlib
from datetime import UTC
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from audit_api.actions.models import OUTSTANDING, Action, ActionPhoto
from audit_api.actions.service import get_action, record
from audit_api.auth.policy import check
from audit_api.db import db
from audit_api.errors import Reason
from audit_api.photos.service import commit_or_forget, processed, store_variants
from audit_api.users.models import User

MAX_PER_ACTION = 20


def _open_action(actor: User, action_id: int) -> Action:
    action = get_action(actor, action_id, lock=True)
    if action.status not in OUTSTANDING:
        raise Reason.action_not_open.error(
            f"The action is {action.status}; photos go with the work being done."
        )
    return action


def _existing(action: Action, photo_id: str, data: bytes) -> ActionPhoto | None:
    """The action's photo with this id (these very bytes: a retry); another's id is a 409."""
    photo = db.session.get(ActionPhoto, photo_id)
    if photo is None:
        return None
    if photo.action_id != action.id:
        raise Reason.photo_id_taken.error(
            "This photo id is already used.", {"photo_id": ["already used"]}
        )
    if photo.sha256 != hashlib.sha256(data).hexdigest():
        raise Reason.photo_differs.error(
            "This photo id was uploaded with other content.", {"file": ["differs"]}
        )
    return photo


def upload(actor: User, action_id: int, photo_id: str, data: bytes) -> tuple[ActionPhoto, bool]:
    """Store a photo of an action's work; the same bytes again return the stored photo."""
    action = _open_action(actor, action_id)
    found = _existing(action, photo_id, data)
    if found is not None:
        return found, False
    count = select(func.count()).where(ActionPhoto.action_id == action.id)
    if (db.session.scalar(count) or 0) >= MAX_PER_ACTION:
        raise Reason.too_many_action_photos.error(
            f"An action takes at most {MAX_PER_ACTION} photos.", {"photo_id": ["full"]}
        )
    db.session.rollback()  # decode with no lock held, as audit photos are (photos.service)
    result = processed(data, "file")
    action = _open_action(actor, action_id)
    found = _existing(action, photo_id, data)
    if found is not None:
        return found, False  # a retry of the same upload won the race
    taken = result.facts.taken_at
    if taken is not None and taken.tzinfo is None:  # a camera's clock shows local time
        taken = taken.replace(tzinfo=ZoneInfo(action.location.timezone))
    photo = ActionPhoto(
        id=photo_id,
        org_id=action.org_id,
        action_id=action.id,
        uploaded_by_id=actor.id,
        content_type=result.content_type,
        size=len(data),
        width=result.width,
        height=result.height,
        sha256=result.sha256,
        taken_at=None if taken is None else taken.astimezone(UTC),
    )
    db.session.add(photo)
    db.session.flush()  # the row is claimed before any object is written
    written = store_variants(photo, result, data)  # type: ignore[arg-type]  # any key(variant)
    record(action, actor, "photo_added", photo_id=photo.id)
    commit_or_forget(written)
    return photo, True


def list_photos(actor: User, action_id: int) -> list[ActionPhoto]:
    """The action's photos, oldest first."""
    action = get_action(actor, action_id)
    stmt = select(ActionPhoto).where(ActionPhoto.action_id == action.id)
    return list(db.session.scalars(stmt.order_by(ActionPhoto.created_at, ActionPhoto.id)))


def content(actor: User, action_id: int, photo_id: str, variant: str) -> tuple[ActionPhoto, str]:
    """A photo of an action the actor may see and the storage key of the asked copy."""
    action = get_action(actor, action_id)
    photo = db.session.get(ActionPhoto, photo_id)
    if photo is None or photo.action_id != action.id:
        raise Reason.not_found.error("Photo not found.")
    if variant == "original":
        check(actor, "photos:original")
    return photo, photo.key(variant)
