"""Request and response schemas of corrective actions."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from audit_api.actions.models import ActionStatus
from audit_api.fields import Id, Instant, Partial, Text
from audit_api.scoring.actions import PRIORITIES

PRIORITY = validate.OneOf(PRIORITIES)
DAYS = validate.Range(1, 365, error="must be 1 to 365 days")
NOTE = validate.Length(1, 4000)


class ActionIn(Schema):
    """Open an action by hand from an item of an approved audit."""

    audit_id = fields.UUID(required=True)
    item = fields.String(required=True, validate=validate.Length(1, 60))
    title = Text(max_length=300, metadata={"description": "default: the item's prompt"})
    priority = fields.String(validate=PRIORITY, metadata={"description": "default: the item's"})
    due_days = fields.Integer(strict=True, validate=DAYS, metadata={"description": "from today"})
    due_at = Instant(metadata={"description": "instead of due_days"})
    assignee_id = Id(strict=True, allow_none=True)
    note = fields.String(validate=NOTE)

    @validates_schema
    def _one_due(self, data: dict, **_: object) -> None:
        if "due_days" in data and "due_at" in data:
            raise ValidationError("give due_days or due_at, not both", "due_at")


class ActionPatch(Partial, Schema):
    """Assign, reschedule, reprioritise, retitle or start an action."""

    assignee_id = Id(strict=True, allow_none=True)
    due_at = Instant()
    priority = fields.String(validate=PRIORITY)
    title = Text(max_length=300)
    status = fields.String(validate=validate.OneOf((ActionStatus.IN_PROGRESS,)))
    note = fields.String(validate=NOTE, metadata={"description": "kept in the event log"})


class ActionResolveIn(Schema):
    """What was done about it."""

    note = fields.String(required=True, validate=NOTE)
    photo_ids = fields.List(
        fields.UUID(),
        load_default=list,
        validate=validate.Length(max=20),
        metadata={"description": "photos uploaded to the action"},
    )


class ActionQuery(Schema):
    """Filters of the action list and export."""

    status = fields.String(validate=validate.OneOf(list(ActionStatus)))
    location_id = Id()
    region_id = Id(metadata={"description": "in this region or any below it"})
    assignee_id = Id()
    unassigned = fields.Boolean(metadata={"description": "true: only actions nobody holds"})
    overdue = fields.Boolean(metadata={"description": "due time passed with work still to do"})
    priority = fields.String(validate=PRIORITY)
    checklist_key = fields.String(validate=validate.Length(1, 60))
    item = fields.String(validate=validate.Length(1, 60))
    audit_id = fields.UUID()


class ResolutionOut(Schema):
    """The note and photos of a resolved action."""

    note = fields.String()
    photo_ids = fields.List(fields.String())


class ActionOut(Schema):
    """A corrective action (docs/actions.md)."""

    id = fields.Integer()
    audit_id = fields.String()
    location_id = fields.Integer()
    checklist_key = fields.String()
    item = fields.String()
    title = fields.String()
    priority = fields.String()
    status = fields.String()
    overdue = fields.Boolean(metadata={"description": "computed at each read"})
    assignee_id = fields.Integer(allow_none=True)
    due_at = fields.AwareDateTime()
    due_date = fields.Date(metadata={"description": "the last day, on the location's calendar"})
    created_at = fields.AwareDateTime()
    created_by_id = fields.Integer()
    resolved_at = fields.AwareDateTime(allow_none=True)
    resolved_by_id = fields.Integer(allow_none=True)
    resolution = fields.Nested(ResolutionOut, allow_none=True)
    verified_by = fields.String(allow_none=True, metadata={"description": "the verifying audit"})
    verified_at = fields.AwareDateTime(allow_none=True)
    updated_at = fields.AwareDateTime()


class ActionEventOut(Schema):
    """One entry of an action's event log (no actor: a periodic job)."""

    id = fields.Integer()
    kind = fields.String()
    actor_id = fields.Integer(allow_none=True)
    at = fields.AwareDateTime()
    note = fields.String(allow_none=True)
    data = fields.Dict(allow_none=True)


class ActionPhotoOut(Schema):
    """A photo of an action's work, with where to fetch its copies."""

    id = fields.String()
    action_id = fields.Integer()
    content_type = fields.String()
    size = fields.Integer()
    width = fields.Integer()
    height = fields.Integer()
    sha256 = fields.String()
    taken_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()
    links = fields.Method("_links", metadata={"description": "display and thumb"})

    def _links(self, photo: Any) -> dict[str, str]:
        content = f"/api/v1/actions/{photo.action_id}/photos/{photo.id}/content"
        return {v: f"{content}?variant={v}" for v in ("display", "thumb")}
