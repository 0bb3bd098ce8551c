"""Webhook endpoints, the events frozen for them and each delivery of an event to one."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit_api.db import Base, JSONType, Tracked, utcnow

# What an endpoint may subscribe to (docs/webhooks.md); `webhook.test` goes to one on request.
EVENT_TYPES = (
    "audit.submitted",
    "audit.approved",
    "audit.returned",
    "audit.rejected",
    "audit.rescored",
    "dispute.opened",
    "dispute.resolved",
    "action.created",
    "action.resolved",
    "action.overdue",
    "assignment.missed",
)
TEST_EVENT = "webhook.test"


class DeliveryStatus(StrEnum):
    """pending (first try or a retry to come) -> succeeded, or failed once retries end."""

    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class WebhookEndpoint(Tracked, Base):
    """A URL of an organization that receives the events it subscribes to, signed."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str | None] = mapped_column(String(500))
    events: Mapped[list[str]] = mapped_column(JSONType)
    active: Mapped[bool] = mapped_column(default=True)
    disabled_reason: Mapped[str | None] = mapped_column(String(500))
    # The first failure since the last success: failing too long disables the endpoint.
    failing_since: Mapped[datetime | None]
    secret: Mapped[str] = mapped_column(String(100))
    # After a rotation the old secret signs too, until then (receivers switch at leisure).
    previous_secret: Mapped[str | None] = mapped_column(String(100))
    previous_secret_until: Mapped[datetime | None]


class WebhookEvent(Base):
    """An event as it happened: its body is frozen bytes, sent unchanged by every attempt."""

    __tablename__ = "webhook_events"
    __table_args__ = (Index("ix_webhook_events_org_created", "org_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # the `webhook-id`: msg_...
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    type: Mapped[str] = mapped_column(String(40))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookDelivery(Base):
    """One event to one endpoint: its attempts so far and the next one."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_endpoint_id", "endpoint_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(ForeignKey("webhook_events.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=DeliveryStatus.PENDING)
    # Bumped by a manual retry: the job of an earlier round finds it and stands down.
    round: Mapped[int] = mapped_column(default=1)
    attempts: Mapped[int] = mapped_column(default=0)
    retry_since: Mapped[datetime] = mapped_column(default=utcnow)  # retries last a day from here
    next_attempt_at: Mapped[datetime | None]
    last_attempt_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(300))
    response_excerpt: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]

    endpoint: Mapped[WebhookEndpoint] = relationship(lazy="joined")
    event: Mapped[WebhookEvent] = relationship(lazy="joined")
