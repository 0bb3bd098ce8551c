"""HTTP endpoints of /api/v1/schedules."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from audit_api import openapi
from audit_api.auth.guard import current_user, requires
from audit_api.http import MAX_PAGE_SIZE, check_if_match, paged, with_etag
from audit_api.idempotency.service import idempotent
from audit_api.schedules import service
from audit_api.schedules.models import Schedule
from audit_api.schedules.schemas import (
    PlannedOut,
    PreviewQuery,
    ScheduleIn,
    ScheduleOut,
    SchedulePatch,
    ScheduleQuery,
)

blp = Blueprint(
    "schedules", __name__, url_prefix="/api/v1/schedules", description="Recurring audits."
)


def schedule_view(schedule: Schedule) -> dict[str, Any]:
    """A schedule with its checklist key, targets and pool as ids."""
    return {
        "id": schedule.id,
        "name": schedule.name,
        "checklist_key": schedule.checklist.key,
        "checklist_version": schedule.checklist_version,
        "kind": schedule.kind,
        "location_ids": None if schedule.region_id else [loc.id for loc in schedule.locations],
        "region_id": schedule.region_id,
        "rrule": schedule.rrule,
        "starts_on": schedule.starts_on,
        "time_of_day": schedule.local_time,
        "window_days": schedule.window_days,
        "auditor_ids": [u.id for u in schedule.auditors],
        "lockout_days": schedule.lockout_days,
        "active": schedule.active,
        "created_at": schedule.created_at,
        "updated_at": schedule.updated_at,
    }


def _one(schedule: Schedule, status: int = 200) -> Any:
    return with_etag(schedule, schedule_view(schedule), status)


@blp.route("")
class Schedules(MethodView):
    """The schedule collection."""

    @requires("schedules:read")
    @blp.arguments(ScheduleQuery, location="query")
    @blp.response(200, ScheduleOut(many=True))
    @blp.paginate(max_page_size=MAX_PAGE_SIZE)
    @blp.doc(operationId="listSchedules")
    def get(self, query: dict[str, Any], pagination_parameters: Any) -> Any:
        """List schedules: HQ all, managers those whose every location is in scope."""
        items = paged(service.list_schedules, pagination_parameters, **query)
        return [schedule_view(s) for s in items]

    @requires("schedules:write")
    @idempotent
    @blp.arguments(ScheduleIn)
    @blp.response(201, ScheduleOut)
    @openapi.etag
    @blp.doc(operationId="createSchedule")
    def post(self, data: dict[str, Any]) -> Any:
        """Create a schedule; the assignments of the coming horizon are made at once."""
        return _one(service.create_schedule(current_user(), data), 201)


@blp.route("/<int:schedule_id>")
class ScheduleById(MethodView):
    """One schedule."""

    @requires("schedules:read")
    @blp.response(200, ScheduleOut)
    @openapi.if_none_match
    @blp.doc(operationId="getSchedule")
    def get(self, schedule_id: int) -> Any:
        """Read a schedule."""
        return _one(service.get_schedule(current_user(), schedule_id))

    @requires("schedules:write")
    @blp.arguments(SchedulePatch)
    @blp.response(200, ScheduleOut)
    @openapi.etag
    @openapi.if_match
    @blp.doc(operationId="updateSchedule")
    def patch(self, data: dict[str, Any], schedule_id: int) -> Any:
        """Change a schedule (honours If-Match); only its future, unstarted assignments
        follow, made again at once; `active: false` removes them."""
        schedule = service.get_schedule(current_user(), schedule_id)
        check_if_match(schedule)
        return _one(service.update_schedule(current_user(), schedule, data))

    @requires("schedules:write")
    @blp.response(204)
    @openapi.if_match
    @blp.doc(operationId="deactivateSchedule")
    def delete(self, schedule_id: int) -> None:
        """Deactivate a schedule (kept for the assignments it made); its future, unstarted
        assignments are removed."""
        schedule = service.get_schedule(current_user(), schedule_id)
        check_if_match(schedule)
        service.deactivate(current_user(), schedule)


@blp.route("/<int:schedule_id>/preview")
class Preview(MethodView):
    """What a schedule makes."""

    @requires("schedules:read")
    @blp.arguments(PreviewQuery, location="query")
    @blp.response(200, PlannedOut(many=True))
    @blp.paginate(max_page_size=MAX_PAGE_SIZE)
    @blp.doc(operationId="previewSchedule")
    def get(self, query: dict[str, Any], schedule_id: int, pagination_parameters: Any) -> Any:
        """The assignments between `from` and `to` (occurrence days, at most 92): those made,
        and those the schedule would make with the auditor rotation would choose now;
        nothing is created."""
        schedule = service.get_schedule(current_user(), schedule_id)
        rows = service.preview(current_user(), schedule, query.get("start"), query.get("end"))
        pagination_parameters.item_count = len(rows)
        first = (pagination_parameters.page - 1) * pagination_parameters.page_size
        return [
            {
                "location_id": slot.location_id,
                "occurrence": slot.occurrence,
                "due_from": slot.due_from,
                "due_to": slot.due_to,
                "auditor_id": auditor_id,
                "assignment_id": found.id if found else None,
                "status": found.status if found else "planned",
            }
            for slot, auditor_id, found in rows[first : first + pagination_parameters.page_size]
        ]
