"""HTTP endpoints of /api/v1/webhooks (HQ only)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from audit_api import openapi
from audit_api.auth.guard import current_user, requires
from audit_api.http import MAX_PAGE_SIZE, check_if_match, with_etag
from audit_api.webhooks import service
from audit_api.webhooks.schemas import (
    DeliveryOut,
    DeliveryQuery,
    ReplayIn,
    ReplayOut,
    WebhookIn,
    WebhookOut,
    WebhookPatch,
    WebhookSecretOut,
)

blp = Blueprint(
    "webhooks",
    __name__,
    url_prefix="/api/v1/webhooks",
    description="Signed event deliveries to the organization's endpoints (Standard Webhooks).",
)
MANAGE = "webhooks:manage"


def _endpoint(webhook_id: int) -> Any:
    return service.get_endpoint(current_user(), webhook_id)


@blp.route("")
class Webhooks(MethodView):
    """The organization's endpoints."""

    @requires(MANAGE)
    @blp.response(200, WebhookOut(many=True))
    @blp.paginate(max_page_size=MAX_PAGE_SIZE)
    @blp.doc(operationId="listWebhooks")
    def get(self, pagination_parameters: Any) -> Any:
        """List the endpoints."""
        items, pagination_parameters.item_count = service.list_endpoints(
            current_user(),
            page=pagination_parameters.page,
            page_size=pagination_parameters.page_size,
        )
        return items

    @requires(MANAGE)
    @blp.arguments(WebhookIn)
    @blp.response(201, WebhookSecretOut)
    @openapi.etag
    @blp.doc(operationId="createWebhook")
    def post(self, data: dict[str, Any]) -> Any:
        """Register an endpoint; the answer carries its secret, shown this once."""
        return with_etag(service.create_endpoint(current_user(), data))


@blp.route("/<int:webhook_id>")
class WebhookById(MethodView):
    """One endpoint."""

    @requires(MANAGE)
    @blp.response(200, WebhookOut)
    @openapi.etag
    @openapi.if_none_match
    @blp.doc(operationId="getWebhook")
    def get(self, webhook_id: int) -> Any:
        """Read an endpoint."""
        return with_etag(_endpoint(webhook_id))

    @requires(MANAGE)
    @blp.arguments(WebhookPatch)
    @blp.response(200, WebhookOut)
    @openapi.etag
    @openapi.if_match
    @blp.doc(operationId="updateWebhook")
    def patch(self, data: dict[str, Any], webhook_id: int) -> Any:
        """Change the URL, events, description or active flag; honours If-Match."""
        endpoint = _endpoint(webhook_id)
        check_if_match(endpoint)
        return with_etag(service.update_endpoint(endpoint, data))

    @requires(MANAGE)
    @blp.response(204)
    @openapi.if_match
    @blp.doc(operationId="deleteWebhook")
    def delete(self, webhook_id: int) -> None:
        """Remove an endpoint and its deliveries; honours If-Match."""
        endpoint = _endpoint(webhook_id)
        check_if_match(endpoint)
        service.delete_endpoint(endpoint)


@blp.route("/<int:webhook_id>/rotate-secret")
class RotateSecret(MethodView):
    """The signing secret."""

    @requires(MANAGE)
    @blp.response(200, WebhookSecretOut)
    @openapi.etag
    @blp.doc(operationId="rotateWebhookSecret")
    def post(self, webhook_id: int) -> Any:
        """A new secret (shown this once); the old one also signs for 24 hours."""
        return with_etag(service.rotate_secret(_endpoint(webhook_id)))


@blp.route("/<int:webhook_id>/deliveries")
class Deliveries(MethodView):
    """Deliveries to an endpoint."""

    @requires(MANAGE)
    @blp.arguments(DeliveryQuery, location="query")
    @blp.response(200, DeliveryOut(many=True))
    @blp.paginate(max_page_size=MAX_PAGE_SIZE)
    @blp.doc(operationId="listWebhookDeliveries")
    def get(self, query: dict[str, Any], pagination_parameters: Any, webhook_id: int) -> Any:
        """The endpoint's deliveries, newest first: status, attempts, next attempt, last answer."""
        items, pagination_parameters.item_count = service.list_deliveries(
            _endpoint(webhook_id),
            page=pagination_parameters.page,
            page_size=pagination_parameters.page_size,
            **query,
        )
        return items


@blp.route("/<int:webhook_id>/deliveries/<int:delivery_id>/retry")
class RetryDelivery(MethodView):
    """Sending one delivery again."""

    @requires(MANAGE)
    @blp.response(202, DeliveryOut)
    @blp.doc(operationId="retryWebhookDelivery")
    def post(self, webhook_id: int, delivery_id: int) -> Any:
        """Send the delivery again now (same event id and body); retries last another day."""
        return service.retry_delivery(_endpoint(webhook_id), delivery_id)


@blp.route("/<int:webhook_id>/replay")
class Replay(MethodView):
    """Sending past events again."""

    @requires(MANAGE)
    @blp.arguments(ReplayIn)
    @blp.response(202, ReplayOut)
    @blp.doc(operationId="replayWebhookEvents")
    def post(self, data: dict[str, Any], webhook_id: int) -> Any:
        """Send the subscribed events since `since` again, each with its original id."""
        return service.replay(_endpoint(webhook_id), data["since"])


@blp.route("/<int:webhook_id>/test")
class TestEvent(MethodView):
    """A test event."""

    @requires(MANAGE)
    @blp.response(202, DeliveryOut)
    @blp.doc(operationId="sendWebhookTest")
    def post(self, webhook_id: int) -> Any:
        """Send a `webhook.test` event to this endpoint."""
        return service.send_test(_endpoint(webhook_id))
