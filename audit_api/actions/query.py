"""Filtering actions and counting them: the list, the exports and the score views share it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, select

from audit_api.actions.models import OUTSTANDING, Action
from audit_api.auth.policy import locations_in_region
from audit_api.db import db, id_in, utcnow

FILTERS = ("status", "location_id", "assignee_id", "priority", "checklist_key", "audit_id")


def overdue(now: datetime | None = None) -> ColumnElement[bool]:
    """Work still to do whose due time has passed: computed at each read, never stored."""
    return Action.status.in_(OUTSTANDING) & (Action.due_at <= (now or utcnow()))


def action_conditions(
    scope: ColumnElement[bool], filters: Mapping[str, Any]
) -> list[ColumnElement[bool]]:
    """`scope` (the policy's) and the list's filters, as conditions on Action."""
    where = [scope]
    for name in FILTERS:
        if filters.get(name) is not None:
            where.append(getattr(Action, name) == filters[name])
    if filters.get("item") is not None:
        where.append(Action.item_key == filters["item"])
    if filters.get("region_id") is not None:
        where.append(Action.location_id.in_(locations_in_region(filters["region_id"])))
    if filters.get("outstanding"):  # work still to do: open, in progress or reopened
        where.append(Action.status.in_(OUTSTANDING))
    if filters.get("overdue") is not None:
        where.append(overdue() if filters["overdue"] else ~overdue())
    if filters.get("unassigned") is not None:
        unassigned = Action.assignee_id.is_(None)
        where.append(unassigned if filters["unassigned"] else ~unassigned)
    return where


def counts_by_location(
    scope: ColumnElement[bool], location_ids: Iterable[int]
) -> dict[int, dict[str, int]]:
    """Per location, its outstanding actions and how many of them are overdue."""
    ids = list(location_ids)
    if not ids:
        return {}
    outstanding = Action.status.in_(OUTSTANDING)
    stmt = (
        select(
            Action.location_id,
            func.count(),
            func.sum(case((overdue(), 1), else_=0)),
        )
        .where(scope, outstanding, id_in(Action.location_id, ids))
        .group_by(Action.location_id)
    )
    found = {
        loc: {"open": n, "overdue": int(late or 0)} for loc, n, late in db.session.execute(stmt)
    }
    return {loc: found.get(loc, {"open": 0, "overdue": 0}) for loc in ids}
