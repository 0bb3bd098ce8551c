"""Webhook events of disputes, with the audit as it stands."""

from __future__ import annotations

from typing import Any

from audit_api.audits.events import audit_data
from audit_api.audits.models import Audit
from audit_api.db import db
from audit_api.disputes.models import Dispute
from audit_api.webhooks.events import emit, link


def emit_dispute(dispute: Dispute, audit: Audit, event_type: str) -> None:
    """Emit `dispute.*` in the current transaction (no commit)."""
    data: dict[str, Any] = {
        "id": dispute.id,
        "status": dispute.status,
        "items": list(dispute.items),
        "reason": dispute.reason,
        "raised_by_id": dispute.raised_by_id,
        "created_at": dispute.created_at,
        "resolved_at": dispute.resolved_at,
        "resolution_note": dispute.resolution_note,
        "audit": audit_data(audit),
        "links": {"disputes": link(f"/api/v1/disputes?audit_id={audit.id}")},
    }
    emit(db.session, audit.org_id, event_type, data)
