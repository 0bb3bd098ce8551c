"""Request and response schemas of webhooks and their deliveries."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from audit_api.fields import Instant, Partial, Text
from audit_api.webhooks.models import EVENT_TYPES, DeliveryStatus


def _events(**kwargs: bool) -> fields.List:
    return fields.List(
        fields.String(validate=validate.OneOf(EVENT_TYPES)),
        validate=validate.Length(1, len(EVENT_TYPES)),
        metadata={"description": "event types to receive: " + ", ".join(EVENT_TYPES)},
        **kwargs,
    )


class WebhookIn(Schema):
    """Register an endpoint."""

    url = Text(
        required=True,
        max_length=2000,
        metadata={"description": "https URL; its host must resolve to public addresses"},
    )
    events = _events(required=True)
    description = Text(max_length=500, allow_none=True)


class WebhookPatch(Partial, WebhookIn):
    """Change some fields of an endpoint; `active: true` enables a disabled one."""

    active = fields.Boolean()


class WebhookOut(Schema):
    """An endpoint (its secret is shown only when made or rotated)."""

    id = fields.Integer()
    url = fields.String()
    events = fields.List(fields.String())
    description = fields.String(allow_none=True)
    active = fields.Boolean()
    disabled_reason = fields.String(allow_none=True)
    failing_since = fields.AwareDateTime(allow_none=True)
    previous_secret_until = fields.AwareDateTime(
        allow_none=True, metadata={"description": "the old secret also signs until then"}
    )
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class WebhookSecretOut(WebhookOut):
    """An endpoint with its signing secret, shown this once."""

    secret = fields.String(metadata={"description": "whsec_...: verify signatures with it"})


class DeliveryOut(Schema):
    """One event's delivery to the endpoint."""

    id = fields.Integer()
    event_id = fields.String(metadata={"description": "the webhook-id header"})
    event = fields.Function(lambda d: d.event.type, metadata={"description": "event type"})
    status = fields.String()
    attempts = fields.Integer()
    next_attempt_at = fields.AwareDateTime(allow_none=True)
    last_attempt_at = fields.AwareDateTime(allow_none=True)
    last_status_code = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    response_excerpt = fields.String(
        allow_none=True, metadata={"description": "the first 1000 bytes of the last answer"}
    )
    created_at = fields.AwareDateTime()
    delivered_at = fields.AwareDateTime(allow_none=True)


class DeliveryQuery(Schema):
    """Filters of the delivery list."""

    status = fields.String(validate=validate.OneOf(list(DeliveryStatus)))


class ReplayIn(Schema):
    """Which past events to send again."""

    since = Instant(required=True, metadata={"description": "events from this time on"})


class ReplayOut(Schema):
    """What a replay queued."""

    queued = fields.Integer()
    next_since = fields.String(
        allow_none=True,
        metadata={"description": "more events remain: replay again from this time"},
    )
