"""The one place the rollup changes: whatever alters the approved set or an approved score
runs inside `changing(audit)`, in the same transaction, and the audit's rows are made again."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import bindparam, delete, insert
from sqlalchemy.dialects import postgresql, sqlite

from audit_api.audits.models import Audit, AuditStatus
from audit_api.db import db
from audit_api.rollups.models import MonthRollup, ScoreRollup
from audit_api.rollups.sources import KEY, MONTH_KEY, TABLES, month_from_days

Key = tuple[int, date, int, str, int]  # location, visit date, checklist version, kind, org


def _counted_key(audit: Audit) -> Key | None:
    """The audit's rollup key while the rollup holds it (approved with an overall score)."""
    score = audit.score
    if audit.status != AuditStatus.APPROVED or score is None or score.overall is None:
        return None
    return (
        audit.location_id,
        audit.visit_date,
        audit.checklist_version_id,
        audit.kind,
        audit.org_id,
    )


@contextmanager
def changing(audit: Audit) -> Iterator[None]:
    """Around a change of the audit's status or score: its key's rows made again after."""
    before = _counted_key(audit)
    yield
    keys = {key for key in (before, _counted_key(audit)) if key is not None}
    if keys:
        db.session.flush()  # the change itself, for the queries below to see
    for key in sorted(keys):
        refresh(key)


PARAMS = ("location_id", "visit_date", "checklist_version_id", "kind", "org_id")


@cache
def _statements(dialect_name: str) -> list[Any]:
    """The statements of a refresh, built once (per dialect) with bound parameters: building
    them anew each time would cost more than running them."""
    p = {name: bindparam(name) for name in (*PARAMS, "first", "after")}
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    month_key = dict(
        location_id=p["location_id"],
        month=p["first"],
        checklist_version_id=p["checklist_version_id"],
        kind=p["kind"],
    )
    lock = dialect.insert(MonthRollup).values(
        **month_key, org_id=p["org_id"], checklist_key="", n=0, total=0.0, total_sq=0.0
    )
    # Only the lock counts: the row is deleted and made again right after.
    lock = lock.on_conflict_do_update(
        index_elements=list(MONTH_KEY[:4]), set_={"n": lock.excluded.n}
    )
    statements: list[Any] = [lock]
    for model, source, names in TABLES:
        if model is MonthRollup:
            # From the month's day rows, made again just before (TABLES puts them first): a
            # few rows in one index range, where its audits were a row each, far apart.
            own = [getattr(MonthRollup, name) == value for name, value in month_key.items()]
            days = [
                ScoreRollup.location_id == p["location_id"],
                ScoreRollup.visit_date >= p["first"],
                ScoreRollup.visit_date < p["after"],
                ScoreRollup.checklist_version_id == p["checklist_version_id"],
                ScoreRollup.kind == p["kind"],
            ]
            rows = month_from_days(*days)
        else:
            own = [getattr(model, name) == p[name] for name in KEY[:4]]
            rows = source(*(getattr(Audit, name) == p[name] for name in KEY[:4]))
        statements.append(delete(model).where(*own))
        statements.append(insert(model).from_select(list(names), rows))
    return statements


def refresh(key: Key) -> None:
    """The key's rows in every rollup table (its day's and its month's) made again from its
    audits, after locking the month's row: every change within that month (whose row sums
    its days) waits for this transaction, then reads the audits again (PostgreSQL's read
    committed gives each statement a fresh snapshot), so none is lost."""
    params: dict[str, Any] = dict(zip(PARAMS, key, strict=True))
    first = key[1].replace(day=1)
    params |= {"first": first, "after": (first + timedelta(days=31)).replace(day=1)}
    connection = db.session.connection()
    for statement in _statements(db.engine.dialect.name):
        connection.execute(statement, params)
