"""The score aggregates computed directly over the approved audits (what the score views did
before the rollup): the reference the rollup-based answers are compared with, in tests and in
bench/scores.py. Same functions as audit_api/reports/aggregates.py."""

from __future__ import annotations

from typing import Any

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
from audit_api.locations.models import Location
from audit_api.regions.models import Region
from audit_api.reports.stats import Summary, summarize

SCORE = AuditScore.overall
AGGREGATES = (func.count(SCORE), func.sum(SCORE), func.sum(SCORE * SCORE))


def _approved(actor: Any, window: Any, filters: dict[str, Any]) -> list[ColumnElement[bool]]:
    f = AuditFilter.of(filters, status=AuditStatus.APPROVED, start=window.start, end=window.end)
    return [*audit_conditions(scored_audits(actor), f), SCORE.is_not(None)]


def _scored(*columns: Any) -> Select[Any]:
    return select(*columns).select_from(Audit).join(AuditScore, AuditScore.audit_id == Audit.id)


def summary(actor: Any, window: Any, filters: dict[str, Any]) -> Summary:
    stmt = _scored(*AGGREGATES).where(*_approved(actor, window, filters))
    n, total, total_sq = db.session.execute(stmt).one()
    return summarize(n, total, total_sq)


def _grouped(column: Any, actor: Any, window: Any, filters: dict[str, Any]) -> dict[Any, Summary]:
    stmt = _scored(column, *AGGREGATES).where(*_approved(actor, window, filters))
    return {k: summarize(n, s, sq) for k, n, s, sq in db.session.execute(stmt.group_by(column))}


def by_location(actor: Any, window: Any, filters: dict[str, Any]) -> dict[int, Summary]:
    return _grouped(Audit.location_id, actor, window, filters)


def by_kind(actor: Any, window: Any, filters: dict[str, Any]) -> dict[str, Summary]:
    return _grouped(Audit.kind, actor, window, filters)


def by_region(actor: Any, window: Any, filters: dict[str, Any]) -> dict[int, Summary]:
    closure = (
        select(Region.id.label("ancestor"), Region.id.label("descendant"))
        .where(visible_regions(actor))
        .cte(recursive=True)
    )
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


def sections(actor: Any, window: Any, filters: dict[str, Any]) -> list[dict[str, Any]]:
    stmt = (
        _scored(AuditSectionScore.section_key, func.avg(AuditSectionScore.pct), func.count())
        .join(AuditSectionScore, AuditSectionScore.audit_id == Audit.id)
        .where(*_approved(actor, window, filters), AuditSectionScore.pct.is_not(None))
        .group_by(AuditSectionScore.section_key)
        .order_by(AuditSectionScore.section_key)
    )
    return [{"key": k, "mean": mean, "n": n} for k, mean, n in db.session.execute(stmt)]


def trend(actor: Any, window: Any, filters: dict[str, Any]) -> list[dict[str, Any]]:
    year, month = extract("year", Audit.visit_date), extract("month", Audit.visit_date)
    stmt = (
        _scored(year, month, func.avg(SCORE), func.count())
        .where(*_approved(actor, window, filters))
        .group_by(year, month)
        .order_by(year, month)
    )
    return [
        {"period": f"{int(y):04d}-{int(m):02d}", "mean": a, "n": n}
        for y, m, a, n in db.session.execute(stmt)
    ]


def failing(actor: Any, window: Any, filters: dict[str, Any]) -> list[dict[str, Any]]:
    failed = func.sum(case((AuditItemScore.failed, 1), else_=0))
    stmt = (
        _scored(AuditScore.checklist_key, AuditItemScore.item_key, failed, func.count())
        .join(AuditItemScore, AuditItemScore.audit_id == Audit.id)
        .where(*_approved(actor, window, filters), AuditItemScore.applicable.is_(True))
        .group_by(AuditScore.checklist_key, AuditItemScore.item_key)
    )
    rows = [
        {"checklist_key": key, "item": item, "failure_rate": f / n, "failed": int(f), "n": n}
        for key, item, f, n in db.session.execute(stmt)
    ]
    rows.sort(key=lambda r: (-r["failure_rate"], -r["n"], r["checklist_key"], r["item"]))
    return rows
