"""One way to filter audits: the audit list, the exports and the score views turn the same
query parameters into the same WHERE conditions here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, select

from audit_api.audits.models import Audit
from audit_api.auth.policy import locations_in_region
from audit_api.checklists.models import Checklist, ChecklistVersion


@dataclass(frozen=True)
class AuditFilter:
    """What audits are filtered on, by their query parameter names (`from`/`to` arrive as
    `start`/`end`); None means no filter."""

    status: str | None = None
    location_id: int | None = None
    region_id: int | None = None
    auditor_id: int | None = None
    kind: str | None = None
    checklist_key: str | None = None
    checklist_version: int | None = None
    start: date | None = None
    end: date | None = None

    @classmethod
    def of(cls, query: Mapping[str, Any], **fixed: Any) -> AuditFilter:
        """The filter of a validated query (other keys ignored), with `fixed` values on top."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in {**query, **fixed}.items() if k in names})


def audit_conditions(
    scope: ColumnElement[bool], f: AuditFilter, on: Any = Audit
) -> list[ColumnElement[bool]]:
    """`scope` (the policy's, or an organization's) and the filter, as conditions on Audit, or
    on a table `on` with its location_id, checklist_version_id, kind and visit_date (a rollup)."""
    where = [scope]
    for name in ("status", "location_id", "auditor_id", "kind"):
        if getattr(f, name) is not None:
            where.append(getattr(on, name) == getattr(f, name))
    if f.region_id is not None:
        where.append(on.location_id.in_(locations_in_region(f.region_id)))
    if f.checklist_key is not None:
        versions = (
            select(ChecklistVersion.id).join(Checklist).where(Checklist.key == f.checklist_key)
        )
        if f.checklist_version is not None:
            versions = versions.where(ChecklistVersion.version == f.checklist_version)
        where.append(on.checklist_version_id.in_(versions))
    if f.start is not None:
        where.append(on.visit_date >= f.start)
    if f.end is not None:
        where.append(on.visit_date <= f.end)
    return where
