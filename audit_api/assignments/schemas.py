"""Request and response schemas of assignments."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from audit_api.assignments.models import AssignmentStatus
from audit_api.checklists.schemas import VersionOut
from audit_api.fields import Id, Instant, Moment, Partial

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


class AssignmentLocationOut(Schema):
    """What a phone needs of the location to find it and check in."""

    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    address = fields.String(required=True)
    phone = fields.String(required=True)
    timezone = fields.String(required=True)
    latitude = fields.Float(required=True)
    longitude = fields.Float(required=True)
    geofence_m = fields.Integer(required=True)


class AssignmentOut(Schema):
    """An assignment; `checklist` carries the whole version so the phone can work offline."""

    id = fields.Integer(required=True)
    location_id = fields.Integer(required=True)
    location = fields.Nested(AssignmentLocationOut, required=True)
    checklist_key = fields.String(required=True)
    checklist_version = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"enum": ["visit", "call"]})
    auditor_id = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "null: a schedule found nobody; assign one"},
    )
    due_from = Moment(required=True)
    due_to = Moment(required=True)
    status = fields.String(required=True, metadata={"enum": list(AssignmentStatus)})
    schedule_id = fields.Integer(required=True, allow_none=True)
    occurrence = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "the schedule's wall-clock time on the location's clock"},
    )
    audit_id = fields.String(required=True, allow_none=True)
    checklist = fields.Nested(
        VersionOut,
        required=True,
        metadata={"description": "the pinned version, texts in the caller's language (lang)"},
    )
    created_at = Moment(required=True)


class AssignmentQuery(Schema):
    """Filters of the assignment list."""

    status = fields.String(validate=validate.OneOf(list(AssignmentStatus)))
    location_id = Id()
    auditor_id = Id()
    unassigned = fields.Boolean(metadata={"description": "true: only those with no auditor"})
    schedule_id = Id()
    due_after = Instant(metadata={"description": "window ends after this time"})
    due_before = Instant(metadata={"description": "window starts before this time"})
