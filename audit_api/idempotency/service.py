"""Idempotency-Key: a retried POST replays its first response; another body is a 422."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Response, current_app, g, request
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from audit_api import openapi
from audit_api.db import db, utcnow
from audit_api.errors import Reason
from audit_api.housekeeping import pruner
from audit_api.idempotency.models import IdempotencyRecord

F = TypeVar("F", bound=Callable[..., Any])
HEADER = "Idempotency-Key"
KEY_CHARS = re.compile(r"[\x21-\x7e]+")  # printable ASCII: no NUL, controls or spaces


def _kept_since(now: datetime) -> datetime:
    """Records made before this have expired (IDEMPOTENCY_TTL)."""
    return now - timedelta(seconds=int(current_app.config["IDEMPOTENCY_TTL"]))


def _request_hash() -> str:
    body = request.get_data(cache=True)
    return hashlib.sha256(
        b"\n".join([request.method.encode(), request.path.encode(), body])
    ).hexdigest()


def _record(user_id: int, key: str) -> IdempotencyRecord | None:
    return db.session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key
        )
    )


def _claim(user_id: int, key: str, digest: str) -> IdempotencyRecord | None:
    """Store the key as in progress; None if it was new, else the record it already had."""
    db.session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user_id,
            IdempotencyRecord.key == key,
            IdempotencyRecord.created_at < _kept_since(utcnow()),
        )
    )
    db.session.add(IdempotencyRecord(user_id=user_id, key=key, request_hash=digest))
    try:
        db.session.commit()
        return None
    except IntegrityError:
        db.session.rollback()
    return _record(user_id, key)


def _settle(user_id: int, key: str, response: Response) -> None:
    """Keep a success for replays; forget the key after a failure so a retry runs again."""
    db.session.rollback()  # whatever the view left uncommitted is not ours to keep
    record = _record(user_id, key)
    if record is None:
        return
    if 200 <= response.status_code < 300:
        record.status_code = response.status_code
        record.response_body = response.get_json(silent=True)
    else:
        db.session.delete(record)
    db.session.commit()


def idempotent(view: F) -> F:
    """Honour an Idempotency-Key header (scoped to the authenticated user) on a POST view."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if not key:
            return view(*args, **kwargs)
        if len(key) > 255 or not KEY_CHARS.fullmatch(key):
            raise Reason.validation_failed.error(
                "Invalid Idempotency-Key.",
                {HEADER: ["1 to 255 printable ASCII characters (a UUID is usual)."]},
            )
        user_id, digest = g.current_user.id, _request_hash()
        existing = _claim(user_id, key, digest)
        if existing is not None:
            if existing.request_hash != digest:
                raise Reason.idempotency_key_reused.error(
                    "This Idempotency-Key was used with a different request.",
                    {HEADER: ["Already used with a different request body or path."]},
                )
            if existing.status_code is None:
                raise Reason.idempotency_in_progress.error(
                    "A request with this Idempotency-Key is still in progress."
                )
            body = json.dumps(existing.response_body)
            return Response(
                body,
                existing.status_code,
                mimetype="application/json",
                headers={"Idempotent-Replayed": "true"},
            )
        try:
            response = view(*args, **kwargs)
        except Exception:
            _settle(user_id, key, Response(status=500))
            raise
        _settle(user_id, key, response)
        return response

    return cast(F, openapi.idempotency_key(wrapper))


@pruner("idempotency")
def prune_records(now: datetime) -> dict[str, int]:
    """Delete the records of every expired key (a request with one runs afresh anyway)."""
    old = delete(IdempotencyRecord).where(IdempotencyRecord.created_at < _kept_since(now))
    removed = db.session.execute(old).rowcount
    db.session.commit()
    return {"idempotency record(s)": removed}
