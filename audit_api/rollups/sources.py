"""What the rollup rows are, as queries over the audits: the one definition that the upkeep
(maintain.py), the rebuild and its check all use."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Date, Select, case, cast, func, select

from audit_api.audits.models import (
    Audit,
    AuditItemScore,
    AuditScore,
    AuditSectionScore,
    AuditStatus,
)
from audit_api.db import db
from audit_api.rollups.models import ItemRollup, MonthRollup, ScoreRollup, SectionRollup

KEY = ("location_id", "visit_date", "checklist_version_id", "kind", "org_id")
KEY_COLUMNS = tuple(getattr(Audit, name) for name in KEY)


def counted() -> list[ColumnElement[bool]]:
    """The audits the rollup holds: approved, with an overall score (the score views' set)."""
    return [Audit.status == AuditStatus.APPROVED, AuditScore.overall.is_not(None)]


def _approved(*columns: Any) -> Select[Any]:
    return (
        select(*columns)
        .select_from(Audit)
        .join(AuditScore, AuditScore.audit_id == Audit.id)
        .where(*counted())
    )


def _overall_by(key: tuple[Any, ...], where: tuple[ColumnElement[bool], ...]) -> Select[Any]:
    """n, sum and sum of squares of the approved audits' overall, per `key`."""
    score = AuditScore.overall
    stmt = _approved(
        *key,
        AuditScore.checklist_key,
        func.count().label("n"),
        func.sum(score).label("total"),
        func.sum(score * score).label("total_sq"),
    )
    return stmt.where(*where).group_by(*key, AuditScore.checklist_key)


def overall_rows(*where: ColumnElement[bool]) -> Select[Any]:
    """score_rollups rows (n, sum and sum of squares of overall) per key."""
    return _overall_by(KEY_COLUMNS, where)


def section_rows(*where: ColumnElement[bool]) -> Select[Any]:
    """score_rollup_sections rows: per key and section, how many pcts and their sum."""
    section = AuditSectionScore
    stmt = _approved(
        *KEY_COLUMNS,
        section.section_key,
        func.count().label("n"),
        func.sum(section.pct).label("total"),
    ).join(section, section.audit_id == Audit.id)
    return stmt.where(*where, section.pct.is_not(None)).group_by(*KEY_COLUMNS, section.section_key)


def item_rows(*where: ColumnElement[bool]) -> Select[Any]:
    """score_rollup_items rows: per key and item, where it applied and where it failed."""
    item = AuditItemScore
    stmt = _approved(
        *KEY_COLUMNS,
        item.item_key,
        AuditScore.checklist_key,
        func.count().label("applicable"),
        func.sum(case((item.failed, 1), else_=0)).label("failed"),
    ).join(item, item.audit_id == Audit.id)
    return stmt.where(*where, item.applicable.is_(True)).group_by(
        *KEY_COLUMNS, item.item_key, AuditScore.checklist_key
    )


def month_of(day: Any) -> Any:
    """The first day of the date's month, in SQL."""
    if db.engine.dialect.name == "postgresql":
        return cast(func.date_trunc("month", day), Date)
    return func.date(day, "start of month")


def month_rows(*where: ColumnElement[bool]) -> Select[Any]:
    """score_rollup_months rows: overall_rows per calendar month instead of per day."""
    month = month_of(Audit.visit_date).label("month")
    key = (Audit.location_id, month, Audit.checklist_version_id, Audit.kind, Audit.org_id)
    return _overall_by(key, where)


def month_from_days(*where: ColumnElement[bool]) -> Select[Any]:
    """score_rollup_months rows summed from the day rows (score_rollups) instead of the audits:
    the upkeep's way, a month's few day rows in one index range, not its audits. The same sums
    added in another order (the check allows for that)."""
    R = ScoreRollup
    month = month_of(R.visit_date).label("month")
    key = (R.location_id, month, R.checklist_version_id, R.kind, R.org_id)
    stmt = select(
        *key,
        R.checklist_key,
        func.sum(R.n).label("n"),
        func.sum(R.total).label("total"),
        func.sum(R.total_sq).label("total_sq"),
    )
    return stmt.where(*where).group_by(*key, R.checklist_key)


SUMS = ("checklist_key", "n", "total", "total_sq")
MONTH_KEY = ("location_id", "month", "checklist_version_id", "kind", "org_id")
# Each rollup table with the query that makes its rows and the names of their columns.
TABLES: tuple[tuple[Any, Any, tuple[str, ...]], ...] = (
    (ScoreRollup, overall_rows, (*KEY, *SUMS)),
    (MonthRollup, month_rows, (*MONTH_KEY, *SUMS)),
    (SectionRollup, section_rows, (*KEY, "section_key", "n", "total")),
    (ItemRollup, item_rows, (*KEY, "item_key", "checklist_key", "applicable", "failed")),
)
