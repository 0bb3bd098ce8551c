"""HTTP endpoints of /api/v1/disputes."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from audit_api.auth.guard import current_user, requires
from audit_api.disputes import service
from audit_api.disputes.schemas import DisputeIn, DisputeOut, DisputeQuery, ResolveIn
from audit_api.http import MAX_PAGE_SIZE, paged
from audit_api.idempotency.service import idempotent

blp = Blueprint("disputes", __name__, url_prefix="/api/v1", description="Disputes.")


@blp.route("/audits/<uuid:audit_id>/disputes")
class AuditDisputes(MethodView):
    """Disputes of an audit."""

    @requires("disputes:create")
    @idempotent
    @blp.arguments(DisputeIn)
    @blp.response(201, DisputeOut)
    @blp.doc(operationId="createDispute")
    def post(self, data: dict[str, Any], audit_id: UUID) -> Any:
        """Dispute items of an approved audit (a manager in scope, within the window)."""
        return service.open_dispute(current_user(), str(audit_id), data["items"], data["reason"])


@blp.route("/disputes")
class Disputes(MethodView):
    """The dispute collection."""

    @requires("audits:review")
    @blp.arguments(DisputeQuery, location="query")
    @blp.response(200, DisputeOut(many=True))
    @blp.paginate(max_page_size=MAX_PAGE_SIZE)
    @blp.doc(operationId="listDisputes")
    def get(self, query: dict[str, Any], pagination_parameters: Any) -> Any:
        """Disputes of the audits in the caller's reach."""
        return paged(service.list_disputes, pagination_parameters, **query)


@blp.route("/disputes/<int:dispute_id>/resolve")
class Resolve(MethodView):
    """Resolution."""

    @requires("disputes:resolve")
    @idempotent
    @blp.arguments(ResolveIn)
    @blp.response(200, DisputeOut)
    @blp.doc(operationId="resolveDispute")
    def post(self, data: dict[str, Any], dispute_id: int) -> Any:
        """Uphold a dispute, or overturn it with corrected answers (the audit is rescored)."""
        return service.resolve(
            current_user(), dispute_id, data["outcome"], data.get("note"), data["answers"]
        )
