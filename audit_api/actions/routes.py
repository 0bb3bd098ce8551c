"""HTTP endpoints of /api/v1/actions."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from audit_api import openapi
from audit_api.actions import service
from audit_api.actions.models import Action
from audit_api.actions.schemas import (
    ActionEventOut,
    ActionIn,
    ActionOut,
    ActionPatch,
    ActionQuery,
    ActionResolveIn,
)
from audit_api.actions.views import action_view
from audit_api.auth.guard import current_user, requires
from audit_api.http import MAX_PAGE_SIZE, check_if_match, paged, with_etag
from audit_api.idempotency.service import idempotent

blp = Blueprint(
    "actions", __name__, url_prefix="/api/v1/actions", description="Corrective actions."
)


def _one(action: Action, status: int = 200) -> Any:
    return with_etag(action, action_view(action), status)


@blp.route("")
class Actions(MethodView):
    """The action collection."""

    @requires("actions:read")
    @blp.arguments(ActionQuery, location="query")
    @blp.response(200, ActionOut(many=True))
    @blp.paginate(max_page_size=MAX_PAGE_SIZE)
    @blp.doc(operationId="listActions")
    def get(self, query: dict[str, Any], pagination_parameters: Any) -> Any:
        """List actions in scope, soonest due first; `overdue` is computed as they are read."""
        if "audit_id" in query:
            query["audit_id"] = str(query["audit_id"])
        return [action_view(a) for a in paged(service.list_actions, pagination_parameters, **query)]

    @requires("actions:write")
    @idempotent
    @blp.arguments(ActionIn)
    @blp.response(201, ActionOut)
    @openapi.etag
    @blp.doc(operationId="openAction")
    def post(self, data: dict[str, Any]) -> Any:
        """Open an action by hand from any item of an approved audit in scope."""
        return _one(service.open_action(current_user(), data), 201)


@blp.route("/<int:action_id>")
class ActionById(MethodView):
    """One action."""

    @requires("actions:read")
    @blp.response(200, ActionOut)
    @openapi.if_none_match
    @blp.doc(operationId="getAction")
    def get(self, action_id: int) -> Any:
        """Read an action."""
        return _one(service.get_action(current_user(), action_id))

    @requires("actions:write")
    @blp.arguments(ActionPatch)
    @blp.response(200, ActionOut)
    @openapi.etag
    @openapi.if_match
    @blp.doc(operationId="updateAction")
    def patch(self, data: dict[str, Any], action_id: int) -> Any:
        """Assign (a manager with the location in scope, or null), reschedule, reprioritise,
        retitle or start (`status: in_progress`) an action; honours If-Match."""
        action = service.get_action(current_user(), action_id, lock=True)
        check_if_match(action)
        return _one(service.update_action(current_user(), action, data))


@blp.route("/<int:action_id>/resolve")
class Resolve(MethodView):
    """Resolution."""

    @requires("actions:write")
    @idempotent
    @blp.arguments(ActionResolveIn)
    @blp.response(200, ActionOut)
    @openapi.etag
    @blp.doc(operationId="resolveAction")
    def post(self, data: dict[str, Any], action_id: int) -> Any:
        """Say what was done (a note, optionally photos); the next approved audit of the
        location with this checklist verifies it or reopens it."""
        action = service.get_action(current_user(), action_id, lock=True)
        photo_ids = [str(p) for p in data["photo_ids"]]
        return _one(service.resolve(current_user(), action, data["note"], photo_ids))


@blp.route("/<int:action_id>/events")
class Events(MethodView):
    """The action's event log."""

    @requires("actions:read")
    @blp.response(200, ActionEventOut(many=True))
    @blp.paginate(page_size=MAX_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
    @blp.doc(operationId="listActionEvents")
    def get(self, action_id: int, pagination_parameters: Any) -> Any:
        """Every change with actor, time, note and data (the audit that verified or reopened
        it), oldest first."""
        return paged(service.events, pagination_parameters, action_id=action_id)
