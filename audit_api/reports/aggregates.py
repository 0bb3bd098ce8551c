"""Score aggregates read from the rollup (audit_api/rollups): sums per location, day (or whole
month), checklist version and kind, added up over a window instead of reading every audit."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, extract, func, or_, select, union_all

from audit_api.audits.query import AuditFilter, audit_conditions
from audit_api.auth.policy import scored_rows, visible_regions
from audit_api.db import db
from audit_api.locations.models import Location
from audit_api.regions.models import Region
from audit_api.reports.stats import Summary, summarize
from audit_api.rollups.models import ItemRollup, MonthRollup, ScoreRollup, SectionRollup

R, M = ScoreRollup, MonthRollup
ONE_DAY = timedelta(days=1)


def _where(model: Any, actor: Any, window: Any, filters: dict[str, Any]) -> list[ColumnElement]:
    """The rollup rows of the window's approved audits in scope, filtered as the audits are."""
    f = AuditFilter.of(filters, start=window.start, end=window.end)
    return audit_conditions(scored_rows(actor, model.org_id, model.location_id), f, on=model)


def spans(start: date, end: date) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """The whole calendar months within [start, end] (first days: from, before), and the day
    ranges left at either end (inclusive)."""
    first = start if start.day == 1 else (start.replace(day=1) + timedelta(days=31)).replace(day=1)
    after = (end + ONE_DAY).replace(day=1)  # the month after the last whole one
    if first >= after:
        return None, [(start, end)]
    days = [(a, b) for a, b in ((start, first - ONE_DAY), (after, end)) if a <= b]
    return (first, after), days


def _rows(actor: Any, window: Any, filters: dict[str, Any]) -> Any:
    """Sums per location, kind and day or month: whole months from the month rows, the days
    around them from the day rows."""
    f = AuditFilter.of(filters, start=None, end=None)
    months, days = spans(window.start, window.end)
    parts = []
    if days:
        where = audit_conditions(scored_rows(actor, R.org_id, R.location_id), f, on=R)
        in_days = or_(*(R.visit_date.between(a, b) for a, b in days))
        columns = (R.location_id, R.kind, R.visit_date.label("day"), R.n, R.total, R.total_sq)
        parts.append(select(*columns).where(*where, in_days))
    if months:
        where = audit_conditions(scored_rows(actor, M.org_id, M.location_id), f, on=M)
        in_months = (M.month >= months[0]) & (M.month < months[1])
        columns = (M.location_id, M.kind, M.month.label("day"), M.n, M.total, M.total_sq)
        parts.append(select(*columns).where(*where, in_months))
    return (union_all(*parts) if len(parts) > 1 else parts[0]).subquery("sums")


def _sums(rows: Any) -> tuple[Any, ...]:
    return (func.coalesce(func.sum(rows.c.n), 0), func.sum(rows.c.total), func.sum(rows.c.total_sq))


def summary(actor: Any, window: Any, filters: dict[str, Any]) -> Summary:
    """n, mean, sd and interval of every audit in the window."""
    rows = _rows(actor, window, filters)
    n, total, total_sq = db.session.execute(select(*_sums(rows))).one()
    return summarize(int(n), total, total_sq)


def _grouped(name: str, actor: Any, window: Any, filters: dict[str, Any]) -> dict[Any, Summary]:
    rows = _rows(actor, window, filters)
    stmt = select(rows.c[name], *_sums(rows)).group_by(rows.c[name])
    return {key: summarize(int(n), s, sq) for key, n, s, sq in db.session.execute(stmt)}


def by_location(actor: Any, window: Any, filters: dict[str, Any]) -> dict[int, Summary]:
    """Per location."""
    return _grouped("location_id", actor, window, filters)


def by_kind(actor: Any, window: Any, filters: dict[str, Any]) -> dict[str, Summary]:
    """Per kind (visit, call)."""
    return _grouped("kind", actor, window, filters)


def by_region(actor: Any, window: Any, filters: dict[str, Any]) -> dict[int, Summary]:
    """Per region in scope, the audits of its locations and of every region below; the region
    is the location's now (a moved location's history moves with it)."""
    closure = (
        select(Region.id.label("ancestor"), Region.id.label("descendant"))
        .where(visible_regions(actor))
        .cte(recursive=True)
    )
    # UNION: a pair met again adds nothing, so a cyclic tree ends too (see region_subtree).
    closure = closure.union(
        select(closure.c.ancestor, Region.id).where(Region.parent_id == closure.c.descendant)
    )
    rows = _rows(actor, window, filters)
    # Summed per location first: the join to the tree then meets thousands of rows, not millions.
    per_location = (
        select(rows.c.location_id, *(s.label(f"s{i}") for i, s in enumerate(_sums(rows))))
        .group_by(rows.c.location_id)
        .subquery()
    )
    sums = (func.sum(per_location.c.s0), func.sum(per_location.c.s1), func.sum(per_location.c.s2))
    stmt = (
        select(closure.c.ancestor, *sums)
        .select_from(per_location)
        .join(Location, Location.id == per_location.c.location_id)
        .join(closure, closure.c.descendant == Location.region_id)
        .group_by(closure.c.ancestor)
    )
    return {rid: summarize(int(n), s, sq) for rid, n, s, sq in db.session.execute(stmt)}


def sections(actor: Any, window: Any, filters: dict[str, Any]) -> list[dict[str, Any]]:
    """Mean pct per section, by section key."""
    S = SectionRollup
    stmt = (
        select(S.section_key, func.sum(S.total), func.sum(S.n))
        .where(*_where(S, actor, window, filters))
        .group_by(S.section_key)
        .order_by(S.section_key)
    )
    return [{"key": k, "mean": t / n, "n": int(n)} for k, t, n in db.session.execute(stmt)]


def trend(actor: Any, window: Any, filters: dict[str, Any]) -> list[dict[str, Any]]:
    """Mean per calendar month."""
    rows = _rows(actor, window, filters)
    year, month = extract("year", rows.c.day), extract("month", rows.c.day)
    stmt = (
        select(year, month, func.sum(rows.c.total), func.sum(rows.c.n))
        .group_by(year, month)
        .order_by(year, month)
    )
    return [
        {"period": f"{int(y):04d}-{int(m):02d}", "mean": t / n, "n": int(n)}
        for y, m, t, n in db.session.execute(stmt)
    ]


def failing(actor: Any, window: Any, filters: dict[str, Any]) -> list[dict[str, Any]]:
    """Failed / applicable per checklist item, the worst first."""
    item = ItemRollup
    stmt = (
        select(item.checklist_key, item.item_key, func.sum(item.failed), func.sum(item.applicable))
        .where(*_where(item, actor, window, filters))
        .group_by(item.checklist_key, item.item_key)
    )
    rows = [
        {"checklist_key": key, "item": name, "failure_rate": f / n, "failed": int(f), "n": int(n)}
        for key, name, f, n in db.session.execute(stmt)
    ]
    rows.sort(key=lambda r: (-r["failure_rate"], -r["n"], r["checklist_key"], r["item"]))
    return rows
