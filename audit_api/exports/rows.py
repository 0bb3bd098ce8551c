"""Export rows in batches (lists in column order), so memory stays flat at any size."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, select

from audit_api.audits.models import Audit, AuditItemScore, AuditSectionScore
from audit_api.checklists.models import ChecklistVersion
from audit_api.db import db
from audit_api.exports.query import audit_batches, encode_cursor
from audit_api.i18n import LanguageChoice
from audit_api.numbers import rounded
from audit_api.regions.models import Region
from audit_api.scoring.cells import answer_value
from audit_api.times import rfc3339

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
    "received_at",
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


def region_paths(org_id: int) -> dict[int, str]:
    """'Chile > Región Metropolitana' for every region of the organization."""
    rows = db.session.execute(
        select(Region.id, Region.parent_id, Region.name).where(Region.org_id == org_id)
    )
    regions = {rid: (parent, name) for rid, parent, name in rows}
    paths = {}
    for rid in regions:
        # Up the parents, stopping at a region already on the path: a cyclic tree (one a past
        # race may have stored) still gives every region a path, and no recursion to overflow.
        names: list[str] = []
        seen: set[int] = set()
        node: int | None = rid
        while node in regions and node not in seen:
            seen.add(node)
            node, name = regions[node]
            names.append(name)
        paths[rid] = " > ".join(reversed(names))
    return paths


def section_keys(where: list[ColumnElement[bool]]) -> list[str]:
    """Every section key in the export, so each gets a column."""
    stmt = (
        select(AuditSectionScore.section_key)
        .join(Audit, Audit.id == AuditSectionScore.audit_id)
        .where(*where)
        .distinct()
    )
    return sorted(db.session.scalars(stmt))


def _text(value: Any) -> Any:
    """Times as every answer gives them (RFC 3339, UTC, whole seconds), dates as YYYY-MM-DD."""
    if isinstance(value, datetime):
        return rfc3339(value)
    return value.isoformat() if isinstance(value, date) else value


class GradeLabels:
    """A grade's label in the export's language, per checklist version (read once each)."""

    def __init__(self, lang: LanguageChoice | str | None) -> None:
        self.choice = lang if isinstance(lang, LanguageChoice) else LanguageChoice(lang)
        self.chosen: dict[int, str] = {}

    def __call__(self, grade: dict[str, str] | None, version_id: int) -> str | None:
        if not grade:
            return None
        if version_id not in self.chosen:
            languages = db.session.get(ChecklistVersion, version_id).definition["languages"]
            self.chosen[version_id] = self.choice.for_checklist(languages)
        return grade.get(self.chosen[version_id])


def audit_rows(
    org_id: int,
    where: list[ColumnElement[bool]],
    sections: list[str],
    lang: LanguageChoice | str | None,
) -> Iterator[list[list[Any]]]:
    """Batches of audit rows (lists in AUDIT_COLUMNS order, a column per section before cursor);
    grades in `lang` where a checklist has it, else its first language."""
    paths = region_paths(org_id)
    label = GradeLabels(lang)
    for batch in audit_batches(where):
        ids = [row.id for row in batch]
        pcts: dict[tuple[str, str], float | None] = {
            (a, k): p
            for a, k, p in db.session.execute(
                select(
                    AuditSectionScore.audit_id, AuditSectionScore.section_key, AuditSectionScore.pct
                ).where(AuditSectionScore.audit_id.in_(ids))
            )
        }
        yield [
            [
                r.id,
                r.code,
                r.name,
                paths.get(r.region_id, ""),
                r.email,
                r.kind,
                r.key,
                r.version,
                _text(r.visit_date),
                _text(r.started_at),
                _text(r.device_submitted_at),
                _text(r.received_at),
                _text(r.approved_at),
                r.status,
                rounded(r.overall),
                label(r.grade, r.version_id),
                list(r.critical_failures or []),
                r.within_geofence,
                None if r.distance_m is None else round(r.distance_m, 1),
                *(rounded(pcts.get((r.id, k))) for k in sections),
                encode_cursor(r.updated_at, r.id),
            ]
            for r in batch
        ]


NO_SCORE = (None, None, None, None)  # section, fraction, applicable, failed of an unscored answer


def answer_rows(
    where: list[ColumnElement[bool]],
) -> Iterator[list[list[Any]]]:
    """Batches of rows (lists in ANSWER_COLUMNS order), one per answered item of each audit."""
    for batch in audit_batches(where):
        ids = [row.id for row in batch]
        # Plain tuples, not ORM objects: there are tens of thousands per batch.
        item_scores = select(
            AuditItemScore.audit_id,
            AuditItemScore.item_key,
            AuditItemScore.section_key,
            AuditItemScore.fraction,
            AuditItemScore.applicable,
            AuditItemScore.failed,
        ).where(AuditItemScore.audit_id.in_(ids))
        scores = {(a, k): rest for a, k, *rest in db.session.execute(item_scores)}
        out: list[list[Any]] = []
        for r in batch:
            head = (r.id, r.code, _text(r.visit_date), r.key)
            cursor = encode_cursor(r.updated_at, r.id)
            for answer in r.answers or ():
                section, fraction, applicable, failed = scores.get((r.id, answer["item"]), NO_SCORE)
                out.append(
                    [
                        *head,
                        section,
                        answer["item"],
                        answer_value(answer),
                        fraction,
                        applicable,
                        failed,
                        answer.get("comment"),
                        len(answer.get("photo_ids") or ()),
                        cursor,
                    ]
                )
        yield out


def export_table(
    what: str, org_id: int, where: list[ColumnElement[bool]], lang: LanguageChoice | str | None
) -> tuple[list[str], Iterator[list[list[Any]]]]:
    """The columns and the batches of rows of an `audits` (a column per section) or `answers`
    export."""
    if what == "answers":
        return ANSWER_COLUMNS, answer_rows(where)
    sections = section_keys(where)
    columns = AUDIT_COLUMNS[:-1] + [f"section_{k}" for k in sections] + ["cursor"]
    return columns, audit_rows(org_id, where, sections, lang)
