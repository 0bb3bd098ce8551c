"""Webhook endpoints of an organization (HQ): register, change, rotate the secret; their
deliveries: list, retry, replay past events, send a test event."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, select

from audit_api.auth.policy import visible_webhooks
from audit_api.db import db, fetch_page, get_visible, utcnow
from audit_api.errors import Reason, field_error
from audit_api.housekeeping import pruner
from audit_api.tasks import enqueue
from audit_api.users.models import User
from audit_api.webhooks import addresses
from audit_api.webhooks.events import DELIVER, emit, new_secret, queue_deliveries, rfc3339
from audit_api.webhooks.models import (
    TEST_EVENT,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

MAX_ENDPOINTS = 20  # per organization: every event fans out to each
REPLAY_BATCH = 1000  # events one replay queues; the answer says where to go on from
OLD_SECRET_HOURS = 24  # after a rotation the old secret keeps signing this long


def check_url(url: str) -> None:
    """Refuse a URL a webhook may not use (422 naming `url`), its host resolved now."""
    config = current_app.config
    try:
        target = addresses.parse(url, allow_http=config["WEBHOOK_ALLOW_HTTP"])
        addresses.vetted_address(target, allow_private=config["WEBHOOK_ALLOW_PRIVATE"])
    except addresses.Refused as refused:
        raise field_error("url", str(refused)) from None


def list_endpoints(actor: User, *, page: int, page_size: int):
    """The organization's endpoints, oldest first."""
    stmt = select(WebhookEndpoint).where(visible_webhooks(actor)).order_by(WebhookEndpoint.id)
    return fetch_page(stmt, page, page_size)


def get_endpoint(actor: User, endpoint_id: int) -> WebhookEndpoint:
    """An endpoint of the actor's organization; any other answers 404."""
    return get_visible(WebhookEndpoint, endpoint_id, visible_webhooks(actor), "Webhook")


def create_endpoint(actor: User, data: dict[str, Any]) -> WebhookEndpoint:
    """Register an endpoint; the answer is the only time its secret is shown."""
    count = select(func.count()).where(WebhookEndpoint.org_id == actor.org_id)
    if (db.session.scalar(count) or 0) >= MAX_ENDPOINTS:
        raise Reason.too_many_webhooks.error(
            f"An organization has at most {MAX_ENDPOINTS} webhook endpoints."
        )
    check_url(data["url"])
    endpoint = WebhookEndpoint(
        org_id=actor.org_id,
        url=data["url"],
        events=list(dict.fromkeys(data["events"])),
        description=data.get("description"),
        active=True,
        secret=new_secret(),
    )
    db.session.add(endpoint)
    db.session.commit()
    return endpoint


def update_endpoint(endpoint: WebhookEndpoint, data: dict[str, Any]) -> WebhookEndpoint:
    """Change the URL, events, description or active flag; enabling clears the reason."""
    if "url" in data:
        check_url(data["url"])
        endpoint.url = data["url"]
    if "events" in data:
        endpoint.events = list(dict.fromkeys(data["events"]))
    if "description" in data:
        endpoint.description = data["description"]
    if "active" in data:
        endpoint.active = data["active"]
        if data["active"]:
            endpoint.disabled_reason, endpoint.failing_since = None, None
    db.session.commit()
    return endpoint


def delete_endpoint(endpoint: WebhookEndpoint) -> None:
    """Remove an endpoint and its deliveries (the events stay for the others)."""
    db.session.delete(endpoint)
    db.session.commit()


def rotate_secret(endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new secret; the old one signs beside it for 24 hours."""
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_until = utcnow() + timedelta(hours=OLD_SECRET_HOURS)
    endpoint.secret = new_secret()
    db.session.commit()
    return endpoint


def list_deliveries(endpoint: WebhookEndpoint, *, page: int, page_size: int, status=None):
    """The endpoint's deliveries, newest first."""
    stmt = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
    if status:
        stmt = stmt.where(WebhookDelivery.status == status)
    return fetch_page(stmt.order_by(WebhookDelivery.id.desc()), page, page_size)


def _require_active(endpoint: WebhookEndpoint) -> None:
    if not endpoint.active:
        raise Reason.webhook_disabled.error(
            "The webhook is disabled; enable it first (PATCH active)."
        )


def retry_delivery(endpoint: WebhookEndpoint, delivery_id: int) -> WebhookDelivery:
    """Send a delivery again now, whatever its state; retries then last another day."""
    _require_active(endpoint)
    delivery = db.session.scalar(
        select(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.endpoint_id == endpoint.id)
        .with_for_update(of=WebhookDelivery)
    )
    if delivery is None:
        raise Reason.not_found.error("Delivery not found.")
    now = utcnow()
    delivery.status, delivery.round = DeliveryStatus.PENDING, delivery.round + 1
    delivery.retry_since, delivery.next_attempt_at = now, now
    enqueue(db.session, DELIVER, delivery_id=delivery.id, round=delivery.round)
    db.session.commit()
    return delivery


def replay(endpoint: WebhookEndpoint, since: datetime) -> dict[str, Any]:
    """Deliver again the organization's events since `since` that the endpoint subscribes
    to, oldest first, each with its original id (receivers drop what they already have)."""
    _require_active(endpoint)
    stmt = (
        select(WebhookEvent)
        .where(
            WebhookEvent.org_id == endpoint.org_id,
            WebhookEvent.created_at >= since,
            WebhookEvent.type.in_(endpoint.events),
        )
        .order_by(WebhookEvent.created_at, WebhookEvent.id)
        .limit(REPLAY_BATCH + 1)
    )
    events = list(db.session.scalars(stmt))
    more = len(events) > REPLAY_BATCH
    events = events[:REPLAY_BATCH]
    for event in events:
        queue_deliveries(db.session, event, [endpoint])
    db.session.commit()
    next_since = rfc3339(events[-1].created_at) if more else None
    return {"queued": len(events), "next_since": next_since}


def send_test(endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A `webhook.test` event to this endpoint alone."""
    _require_active(endpoint)
    data = {"webhook_id": endpoint.id, "message": "A test event: this endpoint is reachable."}
    event = emit(db.session, endpoint.org_id, TEST_EVENT, data, only=endpoint.id)
    delivery = db.session.scalar(
        select(WebhookDelivery).where(WebhookDelivery.event_id == event.id)  # type: ignore[union-attr]
    )
    db.session.commit()
    return delivery


@pruner("webhooks")
def prune_events(now: datetime) -> dict[str, int]:
    """Delete events older than WEBHOOK_RETENTION_DAYS with their deliveries (a replay
    reaches back that far)."""
    cutoff = now - timedelta(days=int(current_app.config["WEBHOOK_RETENTION_DAYS"]))
    old = select(WebhookEvent.id).where(WebhookEvent.created_at < cutoff)
    deliveries = db.session.execute(
        delete(WebhookDelivery).where(WebhookDelivery.event_id.in_(old))
    ).rowcount
    events = db.session.execute(delete(WebhookEvent).where(WebhookEvent.created_at < cutoff))
    db.session.commit()
    return {"webhook event(s)": events.rowcount, "webhook deliveries": deliveries}
