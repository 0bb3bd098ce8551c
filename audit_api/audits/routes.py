"""HTTP endpoints of /api/v1/audits."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from audit_api import openapi
from audit_api.audits import review, service, submission
from audit_api.audits.models import Audit
from audit_api.audits.outputs import AuditOut, EventOut
from audit_api.audits.schemas import AuditIn, AuditQuery, CommentIn, ReviewIn
from audit_api.audits.views import audit_view, stored_result
from audit_api.auth.guard import current_user, requires
from audit_api.checklists.schemas import ScoreOut
from audit_api.checklists.views import score_view
from audit_api.errors import Reason, validated
from audit_api.http import MAX_PAGE_SIZE, check_if_match, paged, with_etag
from audit_api.i18n import grade_language
from audit_api.idempotency.service import idempotent

blp = Blueprint("audits", __name__, url_prefix="/api/v1/audits", description="Field audits.")


OPTIONAL_AUDIT_BODY = {
    "required": False,
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AuditIn"}}},
}


def _optional_body() -> dict[str, Any] | None:
    """The audit content sent with a submit, validated like a PUT; None when there is none."""
    raw = request.get_json(silent=True)
    return validated(AuditIn(), raw) if raw else None


def _lang(audit: Audit) -> str:
    return grade_language(audit.checklist_version.definition["languages"])


def _one(audit: Audit, status: int = 200) -> Any:
    return with_etag(audit, audit_view(audit, _lang(audit)), status)


@blp.route("")
class Audits(MethodView):
    """The audit collection."""

    @requires("audits:read")
    @blp.arguments(AuditQuery, location="query")
    @blp.response(200, AuditOut(many=True))
    @blp.paginate(max_page_size=MAX_PAGE_SIZE)
    @openapi.lang
    @blp.doc(operationId="listAudits")
    def get(self, query: dict[str, Any], pagination_parameters: Any) -> Any:
        """List audits: HQ all, managers their scope and their own, auditors their own."""
        items = paged(service.list_audits, pagination_parameters, **query)
        return [audit_view(a, _lang(a)) for a in items]


@blp.route("/<uuid:audit_id>")
class AuditById(MethodView):
    """One audit, addressed by the client's UUID."""

    @requires("audits:read")
    @blp.response(200, AuditOut)
    @openapi.if_none_match
    @openapi.lang
    @blp.doc(operationId="getAudit")
    def get(self, audit_id: UUID) -> Any:
        """Read an audit."""
        return _one(service.get_audit(current_user(), str(audit_id)))

    @requires("audits:fill")
    @blp.arguments(AuditIn)
    @blp.response(200, AuditOut)
    @blp.alt_response(201, schema=AuditOut, description="The draft was created.")
    @openapi.etag
    @openapi.if_match
    @openapi.lang
    @blp.doc(operationId="putAudit")
    def put(self, data: dict[str, Any], audit_id: UUID) -> Any:
        """Create the draft or replace its content; repeating it is harmless. Honours If-Match."""
        if request.if_match:
            check_if_match(service.get_audit(current_user(), str(audit_id)))
        audit, new = service.put_draft(current_user(), str(audit_id), data)
        return _one(audit, 201 if new else 200)


@blp.route("/<uuid:audit_id>/submit")
class Submit(MethodView):
    """Submission."""

    @requires("audits:fill")
    @idempotent
    @blp.doc(requestBody=OPTIONAL_AUDIT_BODY)
    @blp.response(200, AuditOut)
    @openapi.etag
    @openapi.lang
    @blp.doc(operationId="submitAudit")
    def post(self, audit_id: UUID) -> Any:
        """Submit the draft, or send the final content along (an offline phone's one request).

        Answers are validated against the pinned version, scored and stored at once. The
        device's clock skew is measured against the request's `Date` header when it has one.
        """
        audit = submission.submit(current_user(), str(audit_id), _optional_body(), request.date)
        return _one(audit)


@blp.route("/<uuid:audit_id>/review")
class Review(MethodView):
    """Review."""

    @requires("audits:review")
    @idempotent
    @blp.arguments(ReviewIn)
    @blp.response(200, AuditOut)
    @openapi.etag
    @openapi.lang
    @blp.doc(operationId="reviewAudit")
    def post(self, data: dict[str, Any], audit_id: UUID) -> Any:
        """Approve, return to the auditor (with a note) or reject a submitted audit."""
        audit = review.review(current_user(), str(audit_id), data["decision"], data.get("note"))
        return _one(audit)


COMMENTS = ("commented",)


@blp.route("/<uuid:audit_id>/comments")
class Comments(MethodView):
    """Comments."""

    @requires("audits:read")
    @blp.response(200, EventOut(many=True))
    # A log is read whole more often than not: a full page by default.
    @blp.paginate(page_size=MAX_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
    @blp.doc(operationId="listAuditComments")
    def get(self, audit_id: UUID, pagination_parameters: Any) -> Any:
        """The comments on an audit, oldest first, a page at a time."""
        return paged(review.events, pagination_parameters, audit_id=str(audit_id), actions=COMMENTS)

    @requires("audits:read")
    @idempotent
    @blp.arguments(CommentIn)
    @blp.response(201, EventOut)
    @blp.doc(operationId="createAuditComment")
    def post(self, data: dict[str, Any], audit_id: UUID) -> Any:
        """Comment on an audit (comments are never edited or removed)."""
        return review.comment(current_user(), str(audit_id), data["body"])


@blp.route("/<uuid:audit_id>/events")
class Events(MethodView):
    """The event log."""

    @requires("audits:read")
    @blp.response(200, EventOut(many=True))
    # A log is read whole more often than not: a full page by default.
    @blp.paginate(page_size=MAX_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
    @blp.doc(operationId="listAuditEvents")
    def get(self, audit_id: UUID, pagination_parameters: Any) -> Any:
        """Every transition and sensitive action, with actor, time and note; oldest first, a
        page at a time (the totals are in X-Pagination)."""
        return paged(review.events, pagination_parameters, audit_id=str(audit_id))


@blp.route("/<uuid:audit_id>/score")
class Score(MethodView):
    """The stored score."""

    @requires("audits:read")
    @blp.response(200, ScoreOut)
    @openapi.lang
    @blp.doc(operationId="getAuditScore")
    def get(self, audit_id: UUID) -> Any:
        """The score stored at submit (or at a dispute's rescore)."""
        audit = service.get_audit(current_user(), str(audit_id))
        if audit.score is None:
            raise Reason.no_score.error("This audit has no score yet (it is not submitted).")
        return score_view(stored_result(audit.score), _lang(audit))
