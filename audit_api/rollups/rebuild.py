"""The rollup made again from every approved audit, and what differed from the stored one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select

from audit_api.db import db
from audit_api.rollups.sources import TABLES

# Float sums added in another order may differ in the last bits; more than this is a fault.
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Difference:
    """One rollup row that is missing, extra or has other values than the audits give."""

    table: str
    key: dict[str, Any]
    stored: dict[str, Any] | None
    expected: dict[str, Any] | None

    def __str__(self) -> str:
        key = ", ".join(f"{k}={v}" for k, v in self.key.items())
        return f"{self.table} [{key}]: stored {self.stored}, expected {self.expected}"


def _differs(a: Any, b: Any) -> Any:
    if a.type.python_type is float:
        return func.abs(a - b) > TOLERANCE * (1 + func.abs(b))
    return a != b


def differences(limit: int | None = None) -> list[Difference]:
    """Rows where the stored rollup and one computed now from the audits disagree."""
    found: list[Difference] = []
    for model, source, names in TABLES:
        fresh = source().subquery("fresh")
        keys = [c.name for c in model.__table__.primary_key.columns]
        values = [n for n in names if n not in keys]
        stored = select(*(getattr(model, n) for n in names)).subquery("stored")
        same = and_(*(stored.c[n] == fresh.c[n] for n in keys))
        stmt = (
            select(
                *(func.coalesce(stored.c[n], fresh.c[n]).label(n) for n in keys),
                stored.c[keys[0]].is_not(None).label("has_stored"),
                fresh.c[keys[0]].is_not(None).label("has_fresh"),
                *(stored.c[n].label(f"stored_{n}") for n in values),
                *(fresh.c[n].label(f"fresh_{n}") for n in values),
            )
            .select_from(stored.join(fresh, same, full=True))
            .where(
                or_(
                    stored.c[keys[0]].is_(None),
                    fresh.c[keys[0]].is_(None),
                    *(_differs(stored.c[n], fresh.c[n]) for n in values),
                )
            )
            .limit(limit)
        )
        for row in db.session.execute(stmt).mappings():
            found.append(
                Difference(
                    model.__tablename__,
                    {n: row[n] for n in keys},
                    {n: row[f"stored_{n}"] for n in values} if row["has_stored"] else None,
                    {n: row[f"fresh_{n}"] for n in values} if row["has_fresh"] else None,
                )
            )
    return found


def rebuild() -> dict[str, int]:
    """Replace every rollup row with one computed from the audits (one transaction); the
    number of rows of each table."""
    counts = {}
    for model, source, names in TABLES:
        db.session.execute(delete(model))
        # In key order, so a key's rows share a page or two, as the upkeep writes them: spread
        # over thirty pages (a GROUP BY's order, as bench 1M showed), a refresh touched all thirty.
        keys = [c.name for c in model.__table__.primary_key.columns]
        db.session.execute(insert(model).from_select(list(names), source().order_by(*keys)))
        counts[model.__tablename__] = db.session.scalar(select(func.count()).select_from(model))
    db.session.commit()
    return counts
