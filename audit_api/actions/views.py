"""Presenting an action: its overdue flag and local due date computed as it is read."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from audit_api.actions.models import OUTSTANDING, Action, ActionStatus
from audit_api.db import utcnow
from audit_api.localtime import local_day


def action_view(action: Action) -> dict[str, Any]:
    """An action as the API shows it."""
    resolved = action.resolution_note is not None
    return {
        "id": action.id,
        "audit_id": action.audit_id,
        "location_id": action.location_id,
        "checklist_key": action.checklist_key,
        "item": action.item_key,
        "title": action.title,
        "priority": action.priority,
        "status": action.status,
        "overdue": action.status in OUTSTANDING and action.due_at <= utcnow(),
        "assignee_id": action.assignee_id,
        "due_at": action.due_at,
        # due_at is the first moment after the last day: that day is the one before it.
        "due_date": local_day(action.due_at - timedelta(microseconds=1), action.location.timezone),
        "created_at": action.created_at,
        "created_by_id": action.created_by_id,
        "resolved_at": action.resolved_at,
        "resolved_by_id": action.resolved_by_id,
        "resolution": (
            {"note": action.resolution_note, "photo_ids": action.resolution_photo_ids}
            if resolved
            else None
        ),
        "verified_by": action.checked_by_audit_id
        if action.status == ActionStatus.VERIFIED
        else None,
        "verified_at": action.verified_at,
        "updated_at": action.updated_at,
    }
