"""HTTP endpoints of /api/v1/assignments."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from audit_api import openapi
from audit_api.assignments import service
from audit_api.assignments.models import Assignment
from audit_api.assignments.schemas import (
    AssignmentIn,
    AssignmentOut,
    AssignmentPatch,
    AssignmentQuery,
)
from audit_api.auth.guard import current_user, requires
from audit_api.checklists.views import version_view
from audit_api.http import MAX_PAGE_SIZE, check_if_match, paged, with_etag
from audit_api.i18n import pick_language
from audit_api.idempotency.service import idempotent

blp = Blueprint(
    "assignments", __name__, url_prefix="/api/v1/assignments", description="Scheduled audits."
)
LOCATION_FIELDS = (
    "id",
    "code",
    "name",
    "address",
    "phone",
    "timezone",
    "latitude",
    "longitude",
    "geofence_m",
)


def assignment_view(assignment: Assignment) -> dict[str, Any]:
    """An assignment with its location and, for offline work, the whole checklist version."""
    row = assignment.checklist_version
    return {
        "id": assignment.id,
        "location_id": assignment.location_id,
        "location": {f: getattr(assignment.location, f) for f in LOCATION_FIELDS},
        "checklist_key": row.checklist.key,
        "checklist_version": row.version,
        "kind": assignment.kind,
        "auditor_id": assignment.auditor_id,
        "due_from": assignment.due_from,
        "due_to": assignment.due_to,
        "status": assignment.status,
        "schedule_id": assignment.schedule_id,
        "occurrence": assignment.occurrence,
        "audit_id": assignment.audit_id,
        "checklist": version_view(row, pick_language(row.definition["languages"])),
        "created_at": assignment.created_at,
    }


def _one(assignment: Assignment, status: int = 200) -> Any:
    return with_etag(assignment, assignment_view(assignment), status)


@blp.route("")
class Assignments(MethodView):
    """The assignment collection."""

    @requires("assignments:read")
    @blp.arguments(AssignmentQuery, location="query")
    @blp.response(200, AssignmentOut(many=True))
    @blp.paginate(max_page_size=MAX_PAGE_SIZE)
    @openapi.lang
    @blp.doc(operationId="listAssignments")
    def get(self, query: dict[str, Any], pagination_parameters: Any) -> Any:
        """List assignments: an auditor's own (each with its checklist), or those in scope."""
        items = paged(service.list_assignments, pagination_parameters, **query)
        return [assignment_view(a) for a in items]

    @requires("assignments:write")
    @idempotent
    @blp.arguments(AssignmentIn)
    @blp.response(201, AssignmentOut)
    @openapi.etag
    @openapi.lang
    @blp.doc(operationId="createAssignment")
    def post(self, data: dict[str, Any]) -> Any:
        """Schedule an audit of a location in scope (managers and HQ)."""
        return _one(service.create_assignment(current_user(), data), 201)


@blp.route("/<int:assignment_id>")
class AssignmentById(MethodView):
    """One assignment."""

    @requires("assignments:read")
    @blp.response(200, AssignmentOut)
    @openapi.if_none_match
    @openapi.lang
    @blp.doc(operationId="getAssignment")
    def get(self, assignment_id: int) -> Any:
        """Read an assignment with its checklist (`?lang=` as for checklists)."""
        return _one(service.get_assignment(current_user(), assignment_id))

    @requires("assignments:write")
    @blp.arguments(AssignmentPatch)
    @blp.response(200, AssignmentOut)
    @openapi.etag
    @openapi.if_match
    @openapi.lang
    @blp.doc(operationId="updateAssignment")
    def patch(self, data: dict[str, Any], assignment_id: int) -> Any:
        """Reschedule, reassign or cancel an open assignment; honours If-Match."""
        assignment = service.get_assignment(current_user(), assignment_id)
        check_if_match(assignment)
        return _one(service.update_assignment(current_user(), assignment, data))

    @requires("assignments:write")
    @blp.response(204)
    @openapi.if_match
    @blp.doc(operationId="cancelAssignment")
    def delete(self, assignment_id: int) -> None:
        """Cancel an open assignment."""
        assignment = service.get_assignment(current_user(), assignment_id)
        check_if_match(assignment)
        service.cancel_assignment(current_user(), assignment)
