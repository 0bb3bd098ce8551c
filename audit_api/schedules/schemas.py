"""Request and response schemas of schedules."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from audit_api.fields import PLAUSIBLE, DateWindow, Id, Moment, Partial, Text

KINDS = validate.OneOf(("visit", "call"))
TIME_OF_DAY = validate.Regexp(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", error="a time HH:MM, e.g. 09:30")
MAX_LOCATIONS = 5000


class ScheduleFields(Schema):
    """Every field of a schedule a client writes."""

    name = Text(max_length=200)
    checklist_key = fields.String(validate=validate.Length(1, 60))
    checklist_version = Id(
        strict=True, allow_none=True, metadata={"description": "null: the latest published"}
    )
    kind = fields.String(validate=KINDS)
    location_ids = fields.List(Id(strict=True), validate=validate.Length(1, MAX_LOCATIONS))
    region_id = Id(strict=True, metadata={"description": "instead of location_ids"})
    rrule = fields.String(
        validate=validate.Length(1, 500),
        metadata={
            "description": "RFC 5545, e.g. FREQ=MONTHLY;BYMONTHDAY=1, on each location's clock"
        },
    )
    starts_on = fields.Date(validate=PLAUSIBLE, metadata={"description": "default: today"})
    time_of_day = fields.String(validate=TIME_OF_DAY, metadata={"description": "default 09:00"})
    window_days = fields.Integer(strict=True, validate=validate.Range(1, 90))
    auditor_ids = fields.List(Id(strict=True), validate=validate.Length(max=500))
    lockout_days = fields.Integer(strict=True, validate=validate.Range(0, 365))
    active = fields.Boolean()

    @validates_schema
    def _one_target(self, data: dict, **_: object) -> None:
        if "location_ids" in data and "region_id" in data:
            raise ValidationError("give location_ids or region_id, not both", "region_id")


class ScheduleIn(ScheduleFields):
    """A new schedule."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        for name in ("name", "checklist_key", "kind", "rrule"):
            self.fields[name].required = True

    @validates_schema
    def _a_target(self, data: dict, **_: object) -> None:
        if "location_ids" not in data and "region_id" not in data:
            raise ValidationError("give location_ids or region_id", "location_ids")


class SchedulePatch(Partial, ScheduleFields):
    """Change a schedule: only its future, unstarted assignments follow."""


class ScheduleOut(Schema):
    """A schedule (docs/schedules.md)."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    checklist_key = fields.String(required=True)
    checklist_version = fields.Integer(
        required=True, allow_none=True, metadata={"description": "null: the latest published"}
    )
    kind = fields.String(required=True, metadata={"enum": ["visit", "call"]})
    location_ids = fields.List(
        fields.Integer(), required=True, allow_none=True, metadata={"description": "null: region"}
    )
    region_id = fields.Integer(required=True, allow_none=True)
    rrule = fields.String(required=True)
    starts_on = fields.Date(required=True)
    time_of_day = fields.String(required=True, metadata={"description": "HH:MM, local"})
    window_days = fields.Integer(required=True)
    auditor_ids = fields.List(fields.Integer(), required=True)
    lockout_days = fields.Integer(required=True)
    active = fields.Boolean(required=True)
    created_at = Moment(required=True)
    updated_at = Moment(required=True)


class ScheduleQuery(Schema):
    """Filters of the schedule list."""

    active = fields.Boolean()


class PreviewQuery(DateWindow):
    """The occurrences to preview: `from` and `to` on the locations' calendars (default the
    coming horizon)."""


class PlannedOut(Schema):
    """An assignment the schedule has made, or would make."""

    location_id = fields.Integer(required=True)
    occurrence = fields.String(
        required=True, metadata={"description": "the wall-clock time, YYYY-MM-DDTHH:MM"}
    )
    due_from = Moment(required=True)
    due_to = Moment(required=True)
    auditor_id = fields.Integer(
        required=True, allow_none=True, metadata={"description": "null: nobody qualifies"}
    )
    assignment_id = fields.Integer(
        required=True, allow_none=True, metadata={"description": "null: not made yet"}
    )
    status = fields.String(
        required=True,
        metadata={
            "enum": ["planned", "open", "done", "cancelled", "missed"],
            "description": "the assignment's, or `planned`",
        },
    )
