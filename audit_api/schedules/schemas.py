"""Request and response schemas of schedules."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from audit_api.fields import PLAUSIBLE, DateWindow, Id, Partial, Text

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

    id = fields.Integer()
    name = fields.String()
    checklist_key = fields.String()
    checklist_version = fields.Integer(allow_none=True)
    kind = fields.String()
    location_ids = fields.List(fields.Integer(), allow_none=True)
    region_id = fields.Integer(allow_none=True)
    rrule = fields.String()
    starts_on = fields.Date()
    time_of_day = fields.String()
    window_days = fields.Integer()
    auditor_ids = fields.List(fields.Integer())
    lockout_days = fields.Integer()
    active = fields.Boolean()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class ScheduleQuery(Schema):
    """Filters of the schedule list."""

    active = fields.Boolean()


class PreviewQuery(DateWindow):
    """The occurrences to preview: `from` and `to` on the locations' calendars (default the
    coming horizon)."""


class PlannedOut(Schema):
    """An assignment the schedule has made, or would make."""

    location_id = fields.Integer()
    occurrence = fields.String(metadata={"description": "the wall-clock time, YYYY-MM-DDTHH:MM"})
    due_from = fields.AwareDateTime()
    due_to = fields.AwareDateTime()
    auditor_id = fields.Integer(allow_none=True, metadata={"description": "null: nobody qualifies"})
    assignment_id = fields.Integer(allow_none=True, metadata={"description": "null: not made yet"})
    status = fields.String(metadata={"description": "the assignment's, or `planned`"})
