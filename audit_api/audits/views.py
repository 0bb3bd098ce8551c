"""Presenting audits and their stored scores."""

from __future__ import annotations

from typing import Any

from audit_api.audits.models import Audit, AuditScore
from audit_api.checklists.views import score_view
from audit_api.scoring.engine import ItemResult, ScoreResult, SectionResult


def stored_result(score: AuditScore) -> ScoreResult:
    """A stored score as the engine's result type (so both present the same way)."""
    return ScoreResult(
        checklist_key=score.checklist_key,
        checklist_version=score.checklist_version,
        overall=score.overall,
        grade=score.grade,
        critical_failures=list(score.critical_failures),
        sections=[SectionResult(s.section_key, s.pct, s.weight) for s in score.sections],
        items=[
            ItemResult(i.item_key, i.section_key, True, i.applicable, i.fraction, i.failed, 0, 0)
            for i in score.items
        ],
        rules_version=score.rules_version,
    )


def audit_view(audit: Audit, lang: str) -> dict[str, Any]:
    """An audit with paradata, answers and score (grade in `lang`)."""
    paradata = audit.paradata or {}
    row = audit.checklist_version
    return {
        "id": audit.id,
        "location_id": audit.location_id,
        "checklist": {"key": row.checklist.key, "version": row.version},
        "kind": audit.kind,
        "assignment_id": audit.assignment_id,
        "auditor_id": audit.auditor_id,
        "status": audit.status,
        "started_at": audit.started_at,
        "submitted_at": audit.device_submitted_at,
        "received_at": audit.received_at,
        "clock_skew_s": audit.clock_skew_s,
        "visit_date": audit.visit_date,
        "checkin": paradata.get("checkin"),
        "distance_m": None if audit.distance_m is None else round(audit.distance_m, 1),
        "within_geofence": audit.within_geofence,
        "visit": paradata.get("visit"),
        "call": paradata.get("call"),
        "answers": audit.answers,
        "derived_items": paradata.get("derived_items", []),
        "photos": audit.photos,
        "score": score_view(stored_result(audit.score), lang) if audit.score else None,
        "approved_at": audit.approved_at,
        "created_at": audit.created_at,
        "updated_at": audit.updated_at,
    }
