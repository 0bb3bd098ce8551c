"""What a scorecard and a league table show besides scores: actions and visit coverage."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time
from typing import Any

from sqlalchemy import func, or_, select

from audit_api.actions.query import counts_by_location
from audit_api.assignments.models import Assignment, AssignmentStatus
from audit_api.auth.policy import visible_actions
from audit_api.db import db, utcnow
from audit_api.localtime import at_local, end_of_day
from audit_api.locations.models import Location
from audit_api.users.models import User


def action_counts(actor: User, location_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Per location, its outstanding actions and the overdue ones among them."""
    return counts_by_location(visible_actions(actor), location_ids)


def coverage(location: Location, start, end) -> dict[str, Any]:
    """Assignments done of those due in the window: a window that closed there (missed or
    done), or one already done; cancelled ones count for nothing."""
    first = at_local(datetime.combine(start, time(0)), location.timezone)
    last, now = end_of_day(end, location.timezone), utcnow()
    done = Assignment.status == AssignmentStatus.DONE
    stmt = select(Assignment.status, func.count()).where(
        Assignment.location_id == location.id,
        Assignment.status != AssignmentStatus.CANCELLED,
        Assignment.due_to >= first,
        Assignment.due_to < last,
        or_(done, Assignment.due_to <= now),
    )
    counts = {status: n for status, n in db.session.execute(stmt.group_by(Assignment.status))}
    made, due = counts.get(AssignmentStatus.DONE, 0), sum(counts.values())
    return {"done": made, "due": due, "rate": round(made / due, 4) if due else None}
