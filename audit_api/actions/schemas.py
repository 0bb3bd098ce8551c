"""Request and response schemas of corrective actions."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from audit_api.actions.models import ActionStatus
from audit_api.evidence.schemas import LinksOut
from audit_api.fields import Id, Instant, Moment, Partial, Text
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

    note = fields.String(required=True)
    photo_ids = fields.List(fields.String(), required=True)


class ActionOut(Schema):
    """A corrective action (docs/actions.md)."""

    id = fields.Integer(required=True)
    audit_id = fields.String(required=True)
    location_id = fields.Integer(required=True)
    checklist_key = fields.String(required=True)
    item = fields.String(required=True)
    title = fields.String(required=True)
    priority = fields.String(required=True, metadata={"enum": list(PRIORITIES)})
    status = fields.String(required=True, metadata={"enum": list(ActionStatus)})
    overdue = fields.Boolean(required=True, metadata={"description": "computed at each read"})
    assignee_id = fields.Integer(required=True, allow_none=True)
    due_at = Moment(required=True)
    due_date = fields.Date(
        required=True, metadata={"description": "the last day, on the location's calendar"}
    )
    created_at = Moment(required=True)
    created_by_id = fields.Integer(required=True)
    resolved_at = Moment(required=True, allow_none=True)
    resolved_by_id = fields.Integer(required=True, allow_none=True)
    resolution = fields.Nested(ResolutionOut, required=True, allow_none=True)
    verified_by = fields.String(
        required=True, allow_none=True, metadata={"description": "the verifying audit"}
    )
    verified_at = Moment(required=True, allow_none=True)
    updated_at = Moment(required=True)


class ActionEventDataOut(Schema):
    """What an event of the log records; each kind gives some of these."""

    audit_id = fields.String(metadata={"description": "created, verified, reopened, failed_again"})
    item = fields.String(metadata={"description": "created"})
    dispute_id = fields.Integer(metadata={"description": "voided: the overturned dispute"})
    photo_id = fields.String(metadata={"description": "photo_added"})
    photo_ids = fields.List(fields.String(), metadata={"description": "resolved"})
    assignee_id = fields.Integer(allow_none=True, metadata={"description": "updated"})
    due_at = Moment(metadata={"description": "updated; overdue: the due time passed"})
    priority = fields.String(metadata={"enum": list(PRIORITIES), "description": "updated"})
    title = fields.String(metadata={"description": "updated"})
    status = fields.String(metadata={"description": "updated (started)"})


class ActionEventOut(Schema):
    """One entry of an action's event log (no actor: a periodic job)."""

    id = fields.Integer(required=True)
    kind = fields.String(
        required=True,
        metadata={
            "enum": [
                "created",
                "updated",
                "photo_added",
                "resolved",
                "overdue",
                "verified",
                "reopened",
                "failed_again",
                "voided",
            ]
        },
    )
    actor_id = fields.Integer(required=True, allow_none=True)
    at = Moment(required=True)
    note = fields.String(required=True, allow_none=True)
    data = fields.Nested(ActionEventDataOut, required=True, allow_none=True)


class ActionPhotoOut(Schema):
    """A photo of an action's work, with where to fetch its copies."""

    id = fields.String(required=True)
    action_id = fields.Integer(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    taken_at = Moment(required=True, allow_none=True)
    created_at = Moment(required=True)
    links = fields.Nested(LinksOut, required=True, metadata={"description": "display and thumb"})

    def get_attribute(self, obj: Any, attr: str, default: Any) -> Any:
        """A photo row's fields, and its links (made here: they are not stored)."""
        if attr != "links":
            return super().get_attribute(obj, attr, default)
        content = f"/api/v1/actions/{obj.action_id}/photos/{obj.id}/content"
        return {v: f"{content}?variant={v}" for v in ("display", "thumb")}
