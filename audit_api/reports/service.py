"""Scores of approved audits: windows, ranks and scorecards over the sums the rollup keeps
(reports/aggregates.py reads them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import defer, lazyload

from audit_api.audits.models import (
    Audit,
    AuditScore,
    AuditStatus,
)
from audit_api.audits.query import AuditFilter, audit_conditions
from audit_api.auth.policy import scored_audits
from audit_api.db import db, id_in
from audit_api.errors import field_error
from audit_api.locations.models import Location
from audit_api.locations.service import get_location
from audit_api.regions.models import Region
from audit_api.reports import aggregates
from audit_api.reports.followup import action_counts, coverage
from audit_api.reports.stats import Summary, competition_ranks
from audit_api.users.models import User

DEFAULT_DAYS = 90
# Where the sums come from; tests swap in a direct computation over the audits to compare.
SOURCE: Any = aggregates


@dataclass(frozen=True)
class Window:
    """An inclusive range of visit dates (the location's calendar)."""

    start: date
    end: date

    def previous(self) -> Window:
        """The window of the same length just before this one."""
        length = timedelta(days=(self.end - self.start).days + 1)
        return Window(self.start - length, self.start - timedelta(days=1))


def window_for(start: date | None, end: date | None, timezone: str = "UTC") -> Window:
    """The asked window, by default the last 90 days up to today in `timezone`."""
    end = end or datetime.now(UTC).astimezone(ZoneInfo(timezone)).date()
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise field_error("from", "must not be after to")
    return Window(start, end)


def _latest(actor: User, window: Window, filters: dict[str, Any]) -> list[Any]:
    """The five latest approved audits of the window (read from the audits: the rollup holds
    sums, not audits)."""
    f = AuditFilter.of(filters, status=AuditStatus.APPROVED, start=window.start, end=window.end)
    stmt = (
        select(Audit, AuditScore)
        .join(AuditScore, AuditScore.audit_id == Audit.id)
        .where(*audit_conditions(scored_audits(actor), f), AuditScore.overall.is_not(None))
        .order_by(Audit.visit_date.desc(), Audit.submitted_at.desc())
        .limit(5)
        # The card shows a few columns of each (and the version's languages, joined): not its
        # answers, photos, location or the score's sections and items, five more queries.
        .options(
            defer(Audit.answers),
            defer(Audit.paradata),
            lazyload(Audit.location),
            lazyload(Audit.score),
            lazyload(Audit.photos),
            lazyload(AuditScore.sections),
            lazyload(AuditScore.items),
        )
    )
    return list(db.session.execute(stmt).all())


def scorecard(actor: User, location_id: int, filters: dict[str, Any]) -> dict[str, Any]:
    """A location's score over a window, by section, kind and month, with its failing items."""
    location = get_location(actor, location_id)
    window = window_for(filters.get("start"), filters.get("end"), location.timezone)
    scope = {**filters, "location_id": location.id}
    current = SOURCE.summary(actor, window, scope)
    before = SOURCE.summary(actor, window.previous(), scope)
    return {
        "location": location,
        "window": window,
        "score": current,
        "change": _change(current, before),
        "sections": SOURCE.sections(actor, window, scope),
        "by_kind": SOURCE.by_kind(actor, window, scope),
        "trend": SOURCE.trend(actor, window, scope),
        # A scorecard lists only the items that failed, the worst first.
        "failing_items": [r for r in SOURCE.failing(actor, window, scope) if r["failed"]][:10],
        "latest_audits": _latest(actor, window, scope),
        "actions": action_counts(actor, [location.id])[location.id],
        "coverage": coverage(location, window.start, window.end),
    }


# What a table row of each shows (reports/views.py): read as plain rows, not ORM objects.
SHOWN = {Location: ("id", "code", "name", "region_id"), Region: ("id", "name", "parent_id")}


def _ranked(
    model: type[Location] | type[Region],
    current: dict[int, Summary],
    before: dict[int, Summary],
    min_n: int,
    label: str,
) -> list[dict[str, Any]]:
    """Rows ranked by mean, best first (ties share a rank), with the change since before."""
    kept = {k: v for k, v in current.items() if v.n >= min_n}
    # Read-only rows of the columns a table shows (o.id, o.code, o.name...): a league of
    # 10,000 locations built as ORM objects, or with every column converted (timestamps to
    # aware datetimes), took longer than computing it.
    columns = [getattr(model, name) for name in SHOWN[model]]
    stmt = select(*columns).where(id_in(model.id, list(kept)))
    objects = {o[0]: o for o in db.session.execute(stmt)}
    keys = {k: (-_tie(v.mean), getattr(objects[k], label)) for k, v in kept.items()}
    order = sorted(kept, key=keys.__getitem__)
    ranks = competition_ranks([-keys[k][0] for k in order])
    return [
        {
            "object": objects[k],
            "score": kept[k],
            "rank": rank,
            "change": _change(kept[k], before.get(k)),
        }
        for k, rank in zip(order, ranks, strict=True)
    ]


def league(actor: User, filters: dict[str, Any]) -> list[dict[str, Any]]:
    """Locations in scope ranked by mean score (ties share a rank), with the change; each
    row's `object` is a read-only row of the columns a table shows (`.id`, `.code`, ...)."""
    window = window_for(filters.get("start"), filters.get("end"))
    current = SOURCE.by_location(actor, window, filters)
    before = SOURCE.by_location(actor, window.previous(), filters)
    rows = _ranked(Location, current, before, filters.get("min_n", 1), "code")
    counts = action_counts(actor, [row["object"].id for row in rows])
    return [{**row, "actions": counts[row["object"].id]} for row in rows]


def _tie(mean: float | None) -> float:
    """The mean a rank compares: equal to 9 decimals is a tie, since sums added in another
    order (per day in the rollup, per audit over the audits) may differ in the last bit."""
    return round(mean or 0.0, 9)


def _change(now: Summary, before: Summary | None) -> float | None:
    if before is None or before.mean is None or now.mean is None:
        return None
    return now.mean - before.mean


def regions(actor: User, filters: dict[str, Any]) -> list[dict[str, Any]]:
    """Regions in scope ranked by the mean of their audits (regions below included)."""
    window = window_for(filters.get("start"), filters.get("end"))
    current = SOURCE.by_region(actor, window, filters)
    before = SOURCE.by_region(actor, window.previous(), filters)
    return _ranked(Region, current, before, filters.get("min_n", 1), "name")


def items(actor: User, filters: dict[str, Any]) -> list[dict[str, Any]]:
    """Failure rate of every checklist item across the approved audits in scope."""
    window = window_for(filters.get("start"), filters.get("end"))
    rows = SOURCE.failing(actor, window, filters)
    return [r for r in rows if r["n"] >= filters.get("min_n", 1)]
