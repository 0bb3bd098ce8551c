"""Sync cursors: opaque to the phone, signed for its user, so a cursor that was altered, made
up or given to someone else is refused (422 naming `since`) instead of silently skipping work."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from flask import current_app

from audit_api.errors import field_error

CURSOR = re.compile(r"v1\.(\d{1,18})\.([A-Za-z0-9_-]{22})")


def _signature(user_id: int, seq: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    # The label keeps these signatures apart from anything else signed with the same key.
    digest = hmac.new(key, f"sync-cursor:{user_id}:{seq}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


def encode(user_id: int, seq: int) -> str:
    """The cursor of a sync that saw the organization's change counter at `seq`."""
    return f"v1.{seq}.{_signature(user_id, seq)}"


def decode(user_id: int, cursor: str) -> int:
    """The counter a cursor this server gave this user names; anything else is a 422."""
    match = CURSOR.fullmatch(cursor)
    if match is None or not hmac.compare_digest(match[2], _signature(user_id, int(match[1]))):
        raise field_error("since", "not a cursor this server gave you: sync without since")
    return int(match[1])
