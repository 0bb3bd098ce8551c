"""HTTP endpoint of /api/v1/sync."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from audit_api import openapi
from audit_api.auth.guard import current_user, requires
from audit_api.http import content_digest, tagged
from audit_api.sync import service
from audit_api.sync.schemas import SyncOut, SyncQuery
from audit_api.sync.views import sync_view

blp = Blueprint(
    "sync", __name__, url_prefix="/api/v1/sync", description="Offline sync for the phone."
)


@blp.route("")
class Sync(MethodView):
    """The caller's offline work."""

    @requires("sync:read")
    @blp.arguments(SyncQuery, location="query")
    @blp.response(200, SyncOut)
    @openapi.if_none_match
    @openapi.lang
    @blp.doc(operationId="getSync")
    def get(self, query: dict[str, Any]) -> Any:
        """Everything to work offline: open assignments, the checklist versions they pin
        (each once, whole), their locations, your drafts and a `cursor`; with
        `since=<cursor>` only what changed after it and the ids of assignments that went
        away. A cursor that is not yours or was altered answers 422 naming `since`
        (sync again without it). A checklist without the `lang` asked comes in its own first
        language. Roles without assignments get their drafts."""
        body = sync_view(service.sync(current_user(), query.get("since")))
        return tagged(f"sync-{content_digest(body)}", body)
