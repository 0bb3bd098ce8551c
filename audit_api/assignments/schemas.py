"""Request and response schemas of assignments."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from audit_api.assignments.models import AssignmentStatus
from audit_api.fields import Id, Instant, Partial

KINDS = validate.OneOf(("visit", "call"))


class AssignmentIn(Schema):
    """Schedule an audit."""

    location_id = Id(required=True, strict=True)
    checklist_key = fields.String(required=True, validate=validate.Length(1, 60))
    checklist_version = Id(required=True, strict=True)
    kind = fields.String(required=True, validate=KINDS)
    auditor_id = Id(required=True, strict=True)
    due_from = Instant(required=True)
    due_to = Instant(required=True)

    @validates_schema
    def _window(self, data: dict, **_: object) -> None:
        if "due_from" in data and "due_to" in data and data["due_to"] <= data["due_from"]:
            raise ValidationError("must be after due_from", "due_to")


class AssignmentPatch(Partial, Schema):
    """Reschedule, reassign or cancel an open assignment."""

    auditor_id = Id(strict=True)
    due_from = Instant()
    due_to = Instant()
    status = fields.String(
        validate=validate.OneOf((AssignmentStatus.OPEN, AssignmentStatus.CANCELLED))
    )


class AssignmentOut(Schema):
    """An assignment; `checklist` carries the whole version so the phone can work offline."""

    id = fields.Integer()
    location_id = fields.Integer()
    location = fields.Dict(metadata={"description": "code, name, address, phone, timezone, ..."})
    checklist_key = fields.String()
    checklist_version = fields.Integer()
    kind = fields.String()
    auditor_id = fields.Integer(
        allow_none=True, metadata={"description": "null: a schedule found nobody; assign one"}
    )
    due_from = fields.AwareDateTime()
    due_to = fields.AwareDateTime()
    status = fields.String(metadata={"description": "open, done, cancelled or missed"})
    schedule_id = fields.Integer(allow_none=True)
    occurrence = fields.String(
        allow_none=True, metadata={"description": "the schedule's wall-clock time"}
    )
    audit_id = fields.String(allow_none=True)
    checklist = fields.Dict(metadata={"description": "the pinned definition (with ?embed)"})
    created_at = fields.AwareDateTime()


class AssignmentQuery(Schema):
    """Filters of the assignment list."""

    status = fields.String(validate=validate.OneOf(list(AssignmentStatus)))
    location_id = Id()
    auditor_id = Id()
    unassigned = fields.Boolean(metadata={"description": "true: only those with no auditor"})
    schedule_id = Id()
    due_after = Instant(metadata={"description": "window ends after this time"})
    due_before = Instant(metadata={"description": "window starts before this time"})
    lang = fields.String()
