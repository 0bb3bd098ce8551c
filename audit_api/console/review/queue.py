"""The review queue: submitted audits the user may review, oldest first, with what a reviewer
should look at twice (the policy's scope; the audit filters' conditions)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from audit_api.audits.models import Audit, AuditStatus
from audit_api.audits.query import AuditFilter, audit_conditions
from audit_api.auth.policy import visible_audits
from audit_api.checklists.models import Checklist, ChecklistVersion
from audit_api.db import db, fetch_page, text_search
from audit_api.evidence.models import PhotoStatus
from audit_api.locations.models import Location
from audit_api.users.models import User

PAGE_SIZE = 25
# Photo signal codes as the queue groups them: one badge per kind of doubt.
SIGNAL_GROUPS = {
    "taken_outside_visit": "time",
    "no_capture_time": "time",
    "far_from_location": "place",
    "duplicate": "copy",
    "near_duplicate": "copy",
}


@dataclass(frozen=True)
class QueueRow:
    """One waiting audit as the queue lists it."""

    audit: Audit
    signals: tuple[str, ...]  # codes of SIGNAL_GROUPS values and "checkin" (outside geofence)


def signal_codes(audit: Audit) -> tuple[str, ...]:
    """The kinds of doubt an audit raises: photo signals by group, and a check-in outside
    the location's geofence."""
    found: set[str] = set()
    if audit.within_geofence is False:
        found.add("checkin")
    for photo in audit.photos:
        if photo.status != PhotoStatus.READY:
            continue
        found.update(SIGNAL_GROUPS.get(s.get("code", ""), "other") for s in photo.signals or [])
    order = ("time", "place", "checkin", "copy", "other")
    return tuple(code for code in order if code in found)


def waiting(
    user: User, filters: dict[str, Any], page: int, page_size: int
) -> tuple[list[QueueRow], int]:
    """A page of the submitted audits in the user's scope that they may review (not their
    own), the longest waiting first."""
    f = AuditFilter.of(filters, status=AuditStatus.SUBMITTED)
    stmt = select(Audit).where(*audit_conditions(visible_audits(user), f))
    stmt = stmt.where(Audit.auditor_id != user.id)
    if filters.get("q"):
        stmt = stmt.where(
            Audit.location_id.in_(
                select(Location.id).where(text_search(Location.search_key, filters["q"]))
            )
        )
    stmt = stmt.order_by(Audit.submitted_at, Audit.id)
    audits, total = fetch_page(stmt, page, page_size)
    return [QueueRow(a, signal_codes(a)) for a in audits], total


def checklist_keys(user: User) -> list[str]:
    """The checklist keys of the submitted audits the user sees (the filter's choices)."""
    stmt = (
        select(Checklist.key)
        .join(ChecklistVersion, ChecklistVersion.checklist_id == Checklist.id)
        .join(Audit, Audit.checklist_version_id == ChecklistVersion.id)
        .where(visible_audits(user), Audit.status == AuditStatus.SUBMITTED)
        .distinct()
        .order_by(Checklist.key)
    )
    return list(db.session.scalars(stmt))


def names(ids: Iterable[int]) -> dict[int, str]:
    """Users' names by id (auditors and actors shown on pages)."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(wanted))).all())
