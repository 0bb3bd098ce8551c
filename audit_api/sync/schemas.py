"""Request and response schemas of the offline sync."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from audit_api.checklists.schemas import VersionOut
from audit_api.locations.schemas import LocationOut


class SyncQuery(Schema):
    """Everything (no `since`), or what changed after the cursor of the last sync."""

    since = fields.String(
        validate=validate.Length(1, 100),
        metadata={"description": "the `cursor` of your last sync; leave it out for everything"},
    )
    lang = fields.String(
        metadata={"description": "checklist texts in this language where a checklist has it"}
    )


class SyncAssignmentOut(Schema):
    """An open assignment; its checklist version and location are in the same answer (or
    the phone holds them from an earlier one)."""

    id = fields.Integer()
    location_id = fields.Integer()
    checklist_key = fields.String()
    checklist_version = fields.Integer()
    kind = fields.String()
    due_from = fields.AwareDateTime()
    due_to = fields.AwareDateTime()
    status = fields.String()
    audit_id = fields.String(allow_none=True, metadata={"description": "its draft, if begun"})
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class SyncDraftOut(Schema):
    """One of the caller's drafts on the server (a reinstalled phone finds its work here)."""

    id = fields.String()
    assignment_id = fields.Integer(allow_none=True)
    etag = fields.String(metadata={"description": "for If-Match on the draft's next PUT"})
    updated_at = fields.AwareDateTime()


class SyncOut(Schema):
    """A sync: keep `cursor` for the next one; `full` means replace what you hold."""

    cursor = fields.String()
    full = fields.Boolean(metadata={"description": "everything (else: changes after since)"})
    assignments = fields.List(fields.Nested(SyncAssignmentOut))
    removed_assignment_ids = fields.List(
        fields.Integer(),
        metadata={"description": "assignments no longer yours to do: drop them"},
    )
    checklist_versions = fields.List(
        fields.Nested(VersionOut), metadata={"description": "each once, full definitions"}
    )
    locations = fields.List(fields.Nested(LocationOut))
    drafts = fields.List(fields.Nested(SyncDraftOut), metadata={"description": "all of them"})
