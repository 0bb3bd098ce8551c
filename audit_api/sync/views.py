"""Presenting a sync: assignments with what they pin, definitions in the phone's language."""

from __future__ import annotations

from typing import Any

from audit_api.checklists.views import version_view
from audit_api.http import etag_of
from audit_api.i18n import LanguageChoice
from audit_api.sync.service import Pinned, Snapshot


def _language(choice: LanguageChoice, languages: list[str]) -> str | None:
    """`?lang=` where the checklist has it (`all`: every language), else as for exports."""
    return None if choice.asked == "all" else choice.for_checklist(languages)


def _assignment(row: Pinned, audit_id: str | None) -> dict[str, Any]:
    assignment = row.assignment
    return {
        "id": assignment.id,
        "location_id": assignment.location_id,
        "checklist_key": row.checklist_key,
        "checklist_version": row.checklist_version,
        "kind": assignment.kind,
        "due_from": assignment.due_from,
        "due_to": assignment.due_to,
        "status": assignment.status,
        "audit_id": audit_id,
        "created_at": assignment.created_at,
        "updated_at": assignment.updated_at,
    }


def sync_view(snapshot: Snapshot) -> dict[str, Any]:
    """The body of a sync answer."""
    # An open assignment's audit, if begun, is a draft (once submitted it is done).
    audit_of = {d.assignment_id: d.id for d in snapshot.drafts if d.assignment_id}
    choice = LanguageChoice.of_request()
    return {
        "cursor": snapshot.cursor,
        "full": snapshot.full,
        "assignments": [
            _assignment(row, audit_of.get(row.assignment.id)) for row in snapshot.assignments
        ],
        "removed_assignment_ids": snapshot.removed_assignment_ids,
        "checklist_versions": [
            version_view(v, _language(choice, v.definition["languages"]))
            for v in snapshot.checklist_versions
        ],
        "locations": snapshot.locations,
        "drafts": [
            {
                "id": d.id,
                "assignment_id": d.assignment_id,
                "etag": f'"{etag_of(d)}"',
                "updated_at": d.updated_at,
            }
            for d in snapshot.drafts
        ],
    }
