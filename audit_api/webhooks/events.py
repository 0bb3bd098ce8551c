"""Emitting an event: its body frozen as bytes and a delivery queued to each endpoint that
subscribes, in the caller's transaction (no commit)."""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from datetime import UTC, date, datetime
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from audit_api.db import utcnow
from audit_api.tasks import enqueue
from audit_api.webhooks.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

DELIVER = "webhooks.deliver"


def rfc3339(moment: datetime) -> str:
    """A time in UTC as `2026-11-21T15:04:05.123456Z`."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _encode(value: Any) -> str:
    if isinstance(value, datetime):
        return rfc3339(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def freeze(event_type: str, at: datetime, data: dict[str, Any]) -> bytes:
    """The body every attempt sends: {"type", "timestamp", "data"} as compact UTF-8 JSON."""
    body = {"type": event_type, "timestamp": rfc3339(at), "data": data}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=_encode).encode()


def new_secret() -> str:
    """A signing secret as Standard Webhooks spells it: whsec_ and 32 random bytes, base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def link(path: str) -> str:
    """A link to the API: PUBLIC_URL before the path when it is set."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def emit(
    session: Session, org_id: int, event_type: str, data: dict[str, Any], *, only: int | None = None
) -> WebhookEvent | None:
    """Record an event of the organization if any endpoint subscribes to it (a disabled one
    too: it may replay it once enabled) and queue its deliveries to the active ones; `only`
    sends it to that endpoint alone (the test event)."""
    stmt = select(WebhookEndpoint).where(WebhookEndpoint.org_id == org_id)
    if only is not None:
        stmt = stmt.where(WebhookEndpoint.id == only)
    endpoints = [e for e in session.scalars(stmt) if only is not None or event_type in e.events]
    if not endpoints:
        return None
    now = utcnow()
    event = WebhookEvent(
        id=f"msg_{uuid.uuid4().hex}",
        org_id=org_id,
        type=event_type,
        body=freeze(event_type, now, data),
        created_at=now,
    )
    session.add(event)
    queue_deliveries(session, event, [e for e in endpoints if e.active])
    return event


def queue_deliveries(
    session: Session, event: WebhookEvent, endpoints: list[WebhookEndpoint]
) -> list[WebhookDelivery]:
    """A pending delivery of the event to each endpoint, and the job that makes it."""
    now = utcnow()
    deliveries = [
        WebhookDelivery(
            endpoint_id=endpoint.id,
            event_id=event.id,
            status=DeliveryStatus.PENDING,
            round=1,
            attempts=0,
            retry_since=now,
            next_attempt_at=now,
            created_at=now,
        )
        for endpoint in endpoints
    ]
    session.add_all(deliveries)
    session.flush()  # the ids the jobs name
    for delivery in deliveries:
        enqueue(session, DELIVER, delivery_id=delivery.id, round=delivery.round)
    return deliveries
