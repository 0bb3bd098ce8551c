"""Request and response schemas of the offline sync."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from audit_api.assignments.models import AssignmentStatus
from audit_api.checklists.schemas import VersionOut
from audit_api.fields import Moment
from audit_api.locations.schemas import LocationOut


class SyncQuery(Schema):
    """Everything (no `since`), or what changed after the cursor of the last sync."""

    since = fields.String(
        validate=validate.Length(1, 100),
        metadata={"description": "the `cursor` of your last sync; leave it out for everything"},
    )


class SyncAssignmentOut(Schema):
    """An open assignment; its checklist version and location are in the same answer (or
    the phone holds them from an earlier one)."""

    id = fields.Integer(required=True)
    location_id = fields.Integer(required=True)
    checklist_key = fields.String(required=True)
    checklist_version = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"enum": ["visit", "call"]})
    due_from = Moment(required=True)
    due_to = Moment(required=True)
    status = fields.String(required=True, metadata={"enum": list(AssignmentStatus)})
    audit_id = fields.String(
        required=True, allow_none=True, metadata={"description": "its draft, if begun"}
    )
    created_at = Moment(required=True)
    updated_at = Moment(required=True)


class SyncDraftOut(Schema):
    """One of the caller's drafts on the server (a reinstalled phone finds its work here)."""

    id = fields.String(required=True)
    assignment_id = fields.Integer(required=True, allow_none=True)
    etag = fields.String(
        required=True, metadata={"description": "for If-Match on the draft's next PUT"}
    )
    updated_at = Moment(required=True)


class SyncOut(Schema):
    """A sync: keep `cursor` for the next one; `full` means replace what you hold."""

    cursor = fields.String(required=True)
    full = fields.Boolean(
        required=True, metadata={"description": "everything (else: changes after since)"}
    )
    assignments = fields.List(fields.Nested(SyncAssignmentOut), required=True)
    removed_assignment_ids = fields.List(
        fields.Integer(),
        required=True,
        metadata={"description": "assignments no longer yours to do: drop them"},
    )
    checklist_versions = fields.List(
        fields.Nested(VersionOut),
        required=True,
        metadata={"description": "each once, whole, texts in the caller's language (lang)"},
    )
    locations = fields.List(fields.Nested(LocationOut), required=True)
    drafts = fields.List(
        fields.Nested(SyncDraftOut), required=True, metadata={"description": "all of them"}
    )
