"""The actions export: one row per corrective action in scope, filtered as the action list."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from audit_api.actions.models import OUTSTANDING, Action
from audit_api.actions.query import action_conditions
from audit_api.auth.policy import visible_actions
from audit_api.db import db, utcnow
from audit_api.exports import formats
from audit_api.exports.rows import region_paths
from audit_api.locations.models import Location
from audit_api.users.models import User

BATCH = 1000
ACTION_COLUMNS = [
    "action_id",
    "location_code",
    "location_name",
    "region_path",
    "audit_id",
    "checklist_key",
    "item",
    "title",
    "priority",
    "status",
    "overdue",
    "assignee",
    "due_at",
    "created_at",
    "resolved_at",
    "resolution_note",
    "resolution_photos",
    "verified_by_audit_id",
    "verified_at",
]


def _text(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def action_batches(actor: User, filters: dict[str, Any]) -> Iterator[list[list[Any]]]:
    """Batches of rows in ACTION_COLUMNS order, soonest due first."""
    assignee = aliased(User)
    paths, now = region_paths(actor.org_id), utcnow()
    stmt = (
        select(Action, Location.code, Location.name, Location.region_id, assignee.email)
        .join(Location, Location.id == Action.location_id)
        .outerjoin(assignee, assignee.id == Action.assignee_id)
        .where(*action_conditions(visible_actions(actor), filters))
        .order_by(Action.due_at, Action.id)
        .execution_options(yield_per=BATCH)
    )
    for batch in db.session.execute(stmt).partitions():
        yield [
            [
                a.id,
                code,
                name,
                paths.get(region_id, ""),
                a.audit_id,
                a.checklist_key,
                a.item_key,
                a.title,
                a.priority,
                a.status,
                a.status in OUTSTANDING and a.due_at <= now,
                email,
                _text(a.due_at),
                _text(a.created_at),
                _text(a.resolved_at),
                a.resolution_note,
                len(a.resolution_photo_ids or ()),
                a.checked_by_audit_id if a.verified_at else None,
                _text(a.verified_at),
            ]
            for a, code, name, region_id, email in batch
        ]


def write_actions(actor: User, fmt: str, filters: dict[str, Any], out: IO[bytes]) -> None:
    """Write the actions in the actor's scope as `fmt` (csv or jsonl) to `out`."""
    formats.write(out, fmt, ACTION_COLUMNS, action_batches(actor, filters), filters["bom"])
