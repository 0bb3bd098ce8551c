"""Scores of approved audits, aggregated in SQL over the stored per-audit and per-section rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, case, extract, func, select

from audit_api.audits.models import (
    Audit,
    AuditItemScore,
    AuditScore,
    AuditSectionScore,
    AuditStatus,
)
from audit_api.audits.query import AuditFilter, audit_conditions
from audit_api.auth.policy import scored_audits, visible_regions
from audit_api.db import db
from audit_api.errors import field_error
from audit_api.locations.models import Location
from audit_api.locations.service import get_location
from audit_api.regions.models import Region
from audit_api.reports.followup import action_counts, coverage
from audit_api.reports.stats import Summary, competition_ranks, summarize
from audit_api.users.models import User

DEFAULT_DAYS = 90
SCORE = AuditScore.overall
AGGREGATES = (func.count(SCORE), func.sum(SCORE), func.sum(SCORE * SCORE))


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


def _approved(actor: User, window: Window, filters: dict[str, Any]) -> list[ColumnElement[bool]]:
    """Approved, scored audits of locations in the actor's scope, in the window, filtered."""
    f = AuditFilter.of(filters, status=AuditStatus.APPROVED, start=window.start, end=window.end)
    return [*audit_conditions(scored_audits(actor), f), SCORE.is_not(None)]


def _scored(*columns: Any) -> Select[Any]:
    return select(*columns).select_from(Audit).join(AuditScore, AuditScore.audit_id == Audit.id)


def _summary(conditions: list[ColumnElement[bool]]) -> Summary:
    n, total, total_sq = db.session.execute(_scored(*AGGREGATES).where(*conditions)).one()
    return summarize(n, total, total_sq)


def _failing(conditions: list[ColumnElement[bool]], limit: int | None) -> list[dict[str, Any]]:
    failed = func.sum(case((AuditItemScore.failed, 1), else_=0))
    applicable = func.count()
    stmt = (
        _scored(AuditScore.checklist_key, AuditItemScore.item_key, failed, applicable)
        .join(AuditItemScore, AuditItemScore.audit_id == Audit.id)
        .where(*conditions, AuditItemScore.applicable.is_(True))
        .group_by(AuditScore.checklist_key, AuditItemScore.item_key)
    )
    rows = [
        {"checklist_key": key, "item": item, "failure_rate": f / n, "failed": int(f), "n": n}
        for key, item, f, n in db.session.execute(stmt)
    ]
    rows.sort(key=lambda r: (-r["failure_rate"], -r["n"], r["checklist_key"], r["item"]))
    if limit:  # a scorecard lists only the items that failed, the worst first
        return [r for r in rows if r["failed"]][:limit]
    return rows


def scorecard(actor: User, location_id: int, filters: dict[str, Any]) -> dict[str, Any]:
    """A location's score over a window, by section, kind and month, with its failing items."""
    location = get_location(actor, location_id)
    window = window_for(filters.get("start"), filters.get("end"), location.timezone)
    scope = {**filters, "location_id": location.id}
    now = _approved(actor, window, scope)
    current, before = _summary(now), _summary(_approved(actor, window.previous(), scope))
    sections = db.session.execute(
        _scored(AuditSectionScore.section_key, func.avg(AuditSectionScore.pct), func.count())
        .join(AuditSectionScore, AuditSectionScore.audit_id == Audit.id)
        .where(*now, AuditSectionScore.pct.is_not(None))
        .group_by(AuditSectionScore.section_key)
        .order_by(AuditSectionScore.section_key)
    ).all()
    by_kind = db.session.execute(
        _scored(Audit.kind, *AGGREGATES).where(*now).group_by(Audit.kind)
    ).all()
    year, month = extract("year", Audit.visit_date), extract("month", Audit.visit_date)
    trend = db.session.execute(
        _scored(year, month, func.avg(SCORE), func.count())
        .where(*now)
        .group_by(year, month)
        .order_by(year, month)
    ).all()
    latest = db.session.execute(
        _scored(Audit, AuditScore)
        .where(*now)
        .order_by(Audit.visit_date.desc(), Audit.submitted_at.desc())
        .limit(5)
    ).all()
    return {
        "location": location,
        "window": window,
        "score": current,
        "change": _change(current, before),
        "sections": [{"key": k, "mean": mean, "n": n} for k, mean, n in sections],
        "by_kind": {kind: summarize(n, s, sq) for kind, n, s, sq in by_kind},
        "trend": [
            {"period": f"{int(y):04d}-{int(m):02d}", "mean": a, "n": n} for y, m, a, n in trend
        ],
        "failing_items": _failing(now, 10),
        "latest_audits": latest,
        "actions": action_counts(actor, [location.id])[location.id],
        "coverage": coverage(location, window.start, window.end),
    }


def _by_location(actor: User, window: Window, filters: dict[str, Any]) -> dict[int, Summary]:
    stmt = _scored(Audit.location_id, *AGGREGATES).where(*_approved(actor, window, filters))
    rows = db.session.execute(stmt.group_by(Audit.location_id))
    return {loc: summarize(n, s, sq) for loc, n, s, sq in rows}


def _ranked(
    model: type[Location] | type[Region],
    current: dict[int, Summary],
    before: dict[int, Summary],
    min_n: int,
    label: str,
) -> list[dict[str, Any]]:
    """Rows ranked by mean, best first (ties share a rank), with the change since before."""
    kept = {k: v for k, v in current.items() if v.n >= min_n}
    objects = {o.id: o for o in db.session.scalars(select(model).where(model.id.in_(list(kept))))}
    order = sorted(kept, key=lambda k: (-(kept[k].mean or 0), getattr(objects[k], label)))
    ranks = competition_ranks([kept[k].mean or 0 for k in order])
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
    """Locations in scope ranked by mean score (ties share a rank), with the change."""
    window = window_for(filters.get("start"), filters.get("end"))
    current = _by_location(actor, window, filters)
    before = _by_location(actor, window.previous(), filters)
    rows = _ranked(Location, current, before, filters.get("min_n", 1), "code")
    counts = action_counts(actor, [row["object"].id for row in rows])
    return [{**row, "actions": counts[row["object"].id]} for row in rows]


def _change(now: Summary, before: Summary | None) -> float | None:
    if before is None or before.mean is None or now.mean is None:
        return None
    return now.mean - before.mean


def _by_region(actor: User, window: Window, filters: dict[str, Any]) -> dict[int, Summary]:
    """Per region in scope, the audits of its locations and of every region below."""
    closure = (
        select(Region.id.label("ancestor"), Region.id.label("descendant"))
        .where(visible_regions(actor))
        .cte(recursive=True)
    )
    # UNION: a pair met again adds nothing, so a cyclic tree ends too (see region_subtree).
    closure = closure.union(
        select(closure.c.ancestor, Region.id).where(Region.parent_id == closure.c.descendant)
    )
    stmt = (
        _scored(closure.c.ancestor, *AGGREGATES)
        .join(Location, Location.id == Audit.location_id)
        .join(closure, closure.c.descendant == Location.region_id)
        .where(*_approved(actor, window, filters))
        .group_by(closure.c.ancestor)
    )
    return {rid: summarize(n, s, sq) for rid, n, s, sq in db.session.execute(stmt)}


def regions(actor: User, filters: dict[str, Any]) -> list[dict[str, Any]]:
    """Regions in scope ranked by the mean of their audits (regions below included)."""
    window = window_for(filters.get("start"), filters.get("end"))
    current = _by_region(actor, window, filters)
    before = _by_region(actor, window.previous(), filters)
    return _ranked(Region, current, before, filters.get("min_n", 1), "name")


def items(actor: User, filters: dict[str, Any]) -> list[dict[str, Any]]:
    """Failure rate of every checklist item across the approved audits in scope."""
    window = window_for(filters.get("start"), filters.get("end"))
    rows = _failing(_approved(actor, window, filters), None)
    return [r for r in rows if r["n"] >= filters.get("min_n", 1)]
