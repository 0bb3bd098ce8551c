"""Webhook events of audits: what a receiver needs without calling back, frozen now."""

from __future__ import annotations

from typing import Any

from audit_api.audits.models import Audit
from audit_api.db import db
from audit_api.numbers import rounded
from audit_api.webhooks.events import emit, link


def audit_data(audit: Audit) -> dict[str, Any]:
    """An audit as webhook events carry it."""
    score, location, version = audit.score, audit.location, audit.checklist_version
    path = f"/api/v1/audits/{audit.id}"
    return {
        "id": audit.id,
        "location": {"id": location.id, "code": location.code, "name": location.name},
        "checklist": {"key": version.checklist.key, "version": version.version},
        "kind": audit.kind,
        "status": audit.status,
        "auditor_id": audit.auditor_id,
        "visit_date": audit.visit_date,
        "overall": rounded(score.overall) if score else None,
        "grade": score.grade if score else None,
        "critical_failures": list(score.critical_failures) if score else [],
        "submitted_at": audit.submitted_at,
        "approved_at": audit.approved_at,
        "links": {"self": link(path), "score": link(f"{path}/score")},
    }


def emit_audit(audit: Audit, event_type: str, **extra: Any) -> None:
    """Emit `audit.*` in the current transaction (no commit)."""
    emit(db.session, audit.org_id, event_type, {**audit_data(audit), **extra})
