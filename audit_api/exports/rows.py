"""Export rows, read in batches from a server-side cursor so memory stays flat at any size."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select

from audit_api.audits.models import Audit, AuditItemScore, AuditScore, AuditSectionScore
from audit_api.auth.policy import locations_in_region
from audit_api.checklists.models import Checklist, ChecklistVersion
from audit_api.db import db
from audit_api.errors import field_error
from audit_api.locations.models import Location
from audit_api.regions.models import Region
from audit_api.reports.stats import rounded
from audit_api.users.models import User

BATCH = 1000
AUDIT_COLUMNS = [
    "audit_id",
    "location_code",
    "location_name",
    "region_path",
    "auditor",
    "kind",
    "checklist_key",
    "checklist_version",
    "visit_date",
    "started_at",
    "submitted_at",
    "approved_at",
    "status",
    "overall",
    "grade",
    "critical_failures",
    "within_geofence",
    "distance_m",
    "cursor",
]
ANSWER_COLUMNS = [
    "audit_id",
    "location_code",
    "visit_date",
    "checklist_key",
    "section",
    "item",
    "answer",
    "fraction",
    "applicable",
    "failed",
    "comment",
    "photo_count",
    "cursor",
]


def encode_cursor(updated_at: datetime, audit_id: str) -> str:
    """An opaque, stable position in the (updated_at, id) order."""
    return base64.urlsafe_b64encode(f"{updated_at.isoformat()}|{audit_id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The (updated_at, id) position of a cursor; ValueError when it is not one of ours."""
    try:
        stamp, audit_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        return datetime.fromisoformat(stamp), audit_id
    except (ValueError, UnicodeDecodeError):
        raise ValueError("Not a cursor from an earlier export.") from None


def _after(cursor: str) -> ColumnElement[bool]:
    try:
        moment, audit_id = decode_cursor(cursor)
    except ValueError as exc:
        raise field_error("updated_after", str(exc)) from None
    return or_(Audit.updated_at > moment, and_(Audit.updated_at == moment, Audit.id > audit_id))


def export_conditions(org_id: int, scope: ColumnElement[bool], f: dict[str, Any]) -> list:
    where = [Audit.org_id == org_id, Audit.location_id.in_(select(Location.id).where(scope))]
    status = f.get("status", "approved")
    if status != "all":
        where.append(Audit.status == status)
    for name in ("kind", "location_id"):
        if f.get(name) is not None:
            where.append(getattr(Audit, name) == f[name])
    if f.get("region_id") is not None:
        where.append(Audit.location_id.in_(locations_in_region(f["region_id"])))
    if f.get("checklist"):
        versions = (
            select(ChecklistVersion.id).join(Checklist).where(Checklist.key == f["checklist"])
        )
        where.append(Audit.checklist_version_id.in_(versions))
    if f.get("start"):
        where.append(Audit.visit_date >= f["start"])
    if f.get("end"):
        where.append(Audit.visit_date <= f["end"])
    if f.get("updated_after"):
        where.append(_after(f["updated_after"]))
    return where


def _audits(org_id: int, scope: ColumnElement[bool], f: dict[str, Any]) -> Iterator[list[tuple]]:
    """Batches of (audit, score, location code, location name, region, auditor, key, version)."""
    stmt = (
        select(
            Audit.id,
            Audit.updated_at,
            Audit.kind,
            Audit.visit_date,
            Audit.started_at,
            Audit.submitted_at,
            Audit.approved_at,
            Audit.status,
            Audit.within_geofence,
            Audit.distance_m,
            Audit.answers,
            Location.code,
            Location.name,
            Location.region_id,
            User.email,
            Checklist.key,
            ChecklistVersion.version,
            AuditScore.overall,
            AuditScore.grade,
            AuditScore.critical_failures,
        )
        .join(Location, Location.id == Audit.location_id)
        .join(User, User.id == Audit.auditor_id)
        .join(ChecklistVersion, ChecklistVersion.id == Audit.checklist_version_id)
        .join(Checklist, Checklist.id == ChecklistVersion.checklist_id)
        .outerjoin(AuditScore, AuditScore.audit_id == Audit.id)
        .where(*export_conditions(org_id, scope, f))
        .order_by(Audit.updated_at, Audit.id)
        .execution_options(yield_per=BATCH)
    )
    # yield_per streams from a server-side cursor on PostgreSQL: one batch in memory at a time.
    yield from db.session.execute(stmt).partitions()


def region_paths(org_id: int) -> dict[int, str]:
    """'Chile > Región Metropolitana' for every region of the organization."""
    regions = {r.id: r for r in db.session.scalars(select(Region).where(Region.org_id == org_id))}

    def path(rid: int) -> str:
        region = regions[rid]
        return f"{path(region.parent_id)} > {region.name}" if region.parent_id else region.name

    return {rid: path(rid) for rid in regions}


def section_keys(org_id: int, scope: ColumnElement[bool], f: dict[str, Any]) -> list[str]:
    """Every section key in the export, so each gets a column."""
    stmt = (
        select(AuditSectionScore.section_key)
        .join(Audit, Audit.id == AuditSectionScore.audit_id)
        .where(*export_conditions(org_id, scope, f))
        .distinct()
    )
    return sorted(db.session.scalars(stmt))


def _text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value


def audit_rows(
    org_id: int, scope: ColumnElement[bool], f: dict[str, Any], sections: list[str], lang: str
) -> Iterator[dict[str, Any]]:
    """One row per audit, with one column per section."""
    paths = region_paths(org_id)
    for batch in _audits(org_id, scope, f):
        ids = [row.id for row in batch]
        pcts: dict[tuple[str, str], float | None] = {
            (a, k): p
            for a, k, p in db.session.execute(
                select(
                    AuditSectionScore.audit_id, AuditSectionScore.section_key, AuditSectionScore.pct
                ).where(AuditSectionScore.audit_id.in_(ids))
            )
        }
        for r in batch:
            yield {
                "audit_id": r.id,
                "location_code": r.code,
                "location_name": r.name,
                "region_path": paths.get(r.region_id, ""),
                "auditor": r.email,
                "kind": r.kind,
                "checklist_key": r.key,
                "checklist_version": r.version,
                "visit_date": _text(r.visit_date),
                "started_at": _text(r.started_at),
                "submitted_at": _text(r.submitted_at),
                "approved_at": _text(r.approved_at),
                "status": r.status,
                "overall": rounded(r.overall),
                "grade": (r.grade or {}).get(lang) if r.grade else None,
                "critical_failures": ";".join(r.critical_failures or []),
                "within_geofence": r.within_geofence,
                "distance_m": None if r.distance_m is None else round(r.distance_m, 1),
                **{f"section_{k}": rounded(pcts.get((r.id, k))) for k in sections},
                "cursor": encode_cursor(r.updated_at, r.id),
            }


def answer_rows(org_id: int, scope: ColumnElement[bool], f: dict[str, Any]):
    """One row per answered item of each audit, with its fraction and flags."""
    for batch in _audits(org_id, scope, f):
        ids = [row.id for row in batch]
        # Plain rows, not ORM objects: there are tens of thousands per batch.
        item_scores = select(
            AuditItemScore.audit_id,
            AuditItemScore.item_key,
            AuditItemScore.section_key,
            AuditItemScore.fraction,
            AuditItemScore.applicable,
            AuditItemScore.failed,
        ).where(AuditItemScore.audit_id.in_(ids))
        scores = {(s.audit_id, s.item_key): s for s in db.session.execute(item_scores)}
        for r in batch:
            cursor = encode_cursor(r.updated_at, r.id)
            for answer in r.answers or []:
                s = scores.get((r.id, answer["item"]))
                value = "N/A" if answer.get("na") else answer.get("value")
                yield {
                    "audit_id": r.id,
                    "location_code": r.code,
                    "visit_date": _text(r.visit_date),
                    "checklist_key": r.key,
                    "section": s.section_key if s else None,
                    "item": answer["item"],
                    "answer": value if not isinstance(value, dict | list) else json.dumps(value),
                    "fraction": None if s is None else rounded(s.fraction),
                    "applicable": None if s is None else s.applicable,
                    "failed": None if s is None else s.failed,
                    "comment": answer.get("comment"),
                    "photo_count": len(answer.get("photo_ids") or []),
                    "cursor": cursor,
                }


def export_table(
    what: str, org_id: int, scope: ColumnElement[bool], f: dict[str, Any], lang: str
) -> tuple[list[str], Iterator[dict[str, Any]]]:
    """The columns and the row stream of an `audits` (a column per section) or `answers` export."""
    if what == "answers":
        return ANSWER_COLUMNS, answer_rows(org_id, scope, f)
    sections = section_keys(org_id, scope, f)
    columns = AUDIT_COLUMNS[:-1] + [f"section_{k}" for k in sections] + ["cursor"]
    return columns, audit_rows(org_id, scope, f, sections, lang)
