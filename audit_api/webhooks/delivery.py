"""The `webhooks.deliver` task: one signed attempt, then success, a retry later, or failure."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import update
from standardwebhooks.webhooks import Webhook

from audit_api.db import db, utcnow
from audit_api.tasks import RetryAt, task
from audit_api.webhooks import addresses, sender
from audit_api.webhooks.events import DELIVER
from audit_api.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

FIRST_DELAY = 30  # s after the first failure
MAX_DELAY = 2 * 3600  # s: the delay doubles up to this
USER_AGENT = "audit_api-webhooks/1"


def retry_delay(failures: int, rand: Callable[[], float] = random.random) -> timedelta:
    """30 s after the first failure, doubling up to 2 h, each give or take 20% (jitter)."""
    base = min(MAX_DELAY, FIRST_DELAY * 2 ** max(failures - 1, 0))
    return timedelta(seconds=base * (0.8 + 0.4 * rand()))


def next_attempt(
    failures: int,
    since: datetime,
    now: datetime,
    retry_hours: int,
    rand: Callable[[], float] = random.random,
) -> datetime | None:
    """When to try again after `failures` failed attempts, or None once retries have lasted
    `retry_hours` since `since` (so a delivery is retried for at least that long)."""
    if now - since >= timedelta(hours=retry_hours):
        return None
    return now + retry_delay(failures, rand)


def signatures(endpoint: WebhookEndpoint, msg_id: str, at: datetime, body: bytes) -> str:
    """`webhook-signature`: v1 with the current secret, and with the previous one while it
    is still honoured after a rotation (space-separated, as Standard Webhooks allows)."""
    keys = [endpoint.secret]
    until = endpoint.previous_secret_until
    if endpoint.previous_secret and until is not None and at < until:
        keys.append(endpoint.previous_secret)
    text = body.decode()
    return " ".join(Webhook(key).sign(msg_id, at, text) for key in keys)


def attempt(endpoint: WebhookEndpoint, msg_id: str, body: bytes) -> sender.Outcome:
    """One POST of the frozen body to the endpoint, its address vetted again (DNS changes)."""
    config = current_app.config
    try:
        target = addresses.parse(endpoint.url, allow_http=config["WEBHOOK_ALLOW_HTTP"])
        address = addresses.vetted_address(target, allow_private=config["WEBHOOK_ALLOW_PRIVATE"])
    except addresses.Refused as refused:
        return sender.Outcome(error=f"refused: {refused}")
    at = utcnow()
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signatures(endpoint, msg_id, at, body),
    }
    return sender.post(target, address, body, headers, float(config["WEBHOOK_TIMEOUT"]))


@task(DELIVER)
def deliver(delivery_id: int, round: int) -> None:
    """Make the delivery's next attempt if it is this job's to make and its time has come."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    now = utcnow()
    if delivery is None or delivery.round != round or delivery.status != DeliveryStatus.PENDING:
        return  # gone, retried by hand since (a newer job has it), or settled
    if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
        raise RetryAt(delivery.next_attempt_at)  # a copy of the job that came early
    endpoint, event = delivery.endpoint, delivery.event
    if not endpoint.active:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        delivery.last_error = "endpoint disabled"
        return
    db.session.commit()  # no transaction (nor SQLite's write lock) held over the network
    outcome = attempt(endpoint, event.id, event.body)
    # Committed by the runner with the job's completion or its next time, in one go.
    when = _record(delivery, endpoint, outcome)
    if when is not None:
        raise RetryAt(when, f"attempt {delivery.attempts} failed")


def _record(delivery: WebhookDelivery, endpoint: WebhookEndpoint, outcome: sender.Outcome):
    """Store the attempt; returns when to try again, if ever."""
    now = utcnow()
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_status_code, delivery.response_excerpt = outcome.status, outcome.excerpt
    delivery.last_error = outcome.error or (None if outcome.ok else f"HTTP {outcome.status}")
    if outcome.ok:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
            DeliveryStatus.SUCCEEDED,
            now,
            None,
        )
        _endpoint_recovered(endpoint)
        return None
    config = current_app.config
    when = next_attempt(delivery.attempts, delivery.retry_since, now, config["WEBHOOK_RETRY_HOURS"])
    delivery.next_attempt_at = when
    if when is None:
        delivery.status = DeliveryStatus.FAILED
    _endpoint_failed(endpoint, now, delivery.last_error, config["WEBHOOK_DISABLE_DAYS"])
    return when


def _endpoint_recovered(endpoint: WebhookEndpoint) -> None:
    if endpoint.failing_since is not None:
        # Statements, not the ORM: deliveries running side by side update the same row.
        db.session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint.id)
            .values(failing_since=None)
        )


def _endpoint_failed(endpoint: WebhookEndpoint, now: datetime, error: str | None, days: int):
    """Note when failing began; disable an endpoint that has failed for `days` days."""
    row = WebhookEndpoint
    db.session.execute(
        update(row)
        .where(row.id == endpoint.id, row.failing_since.is_(None))
        .values(failing_since=now)
    )
    since = now - timedelta(days=days)
    reason = f"disabled after failing for {days} days; last error: {error}"[:500]
    db.session.execute(
        update(row)
        .where(row.id == endpoint.id, row.active.is_(True), row.failing_since <= since)
        .values(active=False, disabled_reason=reason, row_version=row.row_version + 1)
    )
