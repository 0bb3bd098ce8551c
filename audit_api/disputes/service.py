"""Disputes: a manager in scope appeals items of an approved audit; HQ upholds or overturns."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from audit_api.actions.followup import after_overturn
from audit_api.audits.events import emit_audit
from audit_api.audits.models import Audit, AuditStatus
from audit_api.audits.service import get_audit, plain_answers, record
from audit_api.audits.submission import score_answers, store_score
from audit_api.auth.policy import visible_disputes
from audit_api.db import db, fetch_page, get_visible, utcnow
from audit_api.disputes.events import emit_dispute
from audit_api.disputes.models import Dispute, DisputeStatus
from audit_api.errors import Reason, field_error
from audit_api.rollups.maintain import changing
from audit_api.scoring.engine import iter_items
from audit_api.users.models import User

CORRECTION = Reason.correction_invalid


def list_disputes(actor: User, *, page: int, page_size: int, **filters: Any):
    """Disputes in the actor's reach, newest first."""
    stmt = select(Dispute).where(visible_disputes(actor))
    for name in ("status", "audit_id"):
        if filters.get(name):
            stmt = stmt.where(getattr(Dispute, name) == filters[name])
    return fetch_page(stmt.order_by(Dispute.id.desc()), page, page_size)


def open_dispute(actor: User, audit_id: str, items: list[str], reason: str) -> Dispute:
    """Dispute items of an approved audit within the window; the audit becomes disputed."""
    audit = get_audit(actor, audit_id, lock=True)
    if audit.status != AuditStatus.APPROVED:
        raise Reason.audit_not_approved.error(
            f"Only approved audits can be disputed; this one is {audit.status}."
        )
    window = timedelta(days=int(current_app.config["DISPUTE_WINDOW_DAYS"]))
    if audit.approved_at is None or utcnow() - audit.approved_at > window:
        raise Reason.dispute_window_closed.error(
            f"The dispute window ({window.days} days after approval) has closed."
        )
    known = {item["key"] for _, item in iter_items(audit.checklist_version.definition)}
    for index, key in enumerate(items):
        if key not in known:
            raise field_error(
                f"items[{index}]", f"No item '{key}' in this checklist.", Reason.unknown_item
            )
    dispute = Dispute(
        org_id=audit.org_id,
        audit_id=audit.id,
        raised_by_id=actor.id,
        items=list(dict.fromkeys(items)),
        reason=reason,
    )
    db.session.add(dispute)
    with changing(audit):  # a disputed audit leaves the scores until the dispute is resolved
        audit.status = AuditStatus.DISPUTED
    record(audit, actor, "disputed", reason, items=dispute.items)
    db.session.flush()  # the dispute's id and times, for its event
    emit_dispute(dispute, audit, "dispute.opened")
    db.session.commit()
    return dispute


def _score_summary(audit: Audit) -> dict[str, Any]:
    score = audit.score
    if score is None:
        return {}
    return {
        "overall": score.overall,
        "grade": score.grade,
        "critical_failures": list(score.critical_failures),
    }


def resolve(
    actor: User, dispute_id: int, outcome: str, note: str | None, answers: list[dict[str, Any]]
) -> Dispute:
    """Uphold (nothing changes) or overturn (corrected answers, rescored); the audit is approved."""
    dispute = get_visible(Dispute, dispute_id, visible_disputes(actor), "Dispute")
    audit = get_audit(actor, dispute.audit_id, lock=True)
    db.session.refresh(dispute)  # read again under the audit's lock: a racing resolve is seen
    if dispute.status != DisputeStatus.OPEN:
        raise Reason.dispute_resolved.error(f"The dispute is already {dispute.status}.")
    with changing(audit):  # back in the scores, rescored or not
        if outcome == DisputeStatus.OVERTURNED:
            _overturn(actor, audit, dispute, answers, note)
        elif answers:
            raise field_error("answers", "Only an overturned dispute corrects answers.", CORRECTION)
        else:
            record(audit, actor, "dispute_upheld", note, dispute_id=dispute.id)
        dispute.status, dispute.resolved_by_id = outcome, actor.id
        dispute.resolved_at, dispute.resolution_note = utcnow(), note
        audit.status = AuditStatus.APPROVED
    if outcome == DisputeStatus.OVERTURNED:
        emit_audit(audit, "audit.rescored", dispute_id=dispute.id)
    emit_dispute(dispute, audit, "dispute.resolved")
    db.session.commit()
    return dispute


def _overturn(actor: User, audit: Audit, dispute: Dispute, answers: list[dict], note: str | None):
    if not answers:
        raise field_error(
            "answers", "Give the corrected answers of the disputed items.", CORRECTION
        )
    corrected = plain_answers(answers)
    for answer in corrected:
        if answer["item"] not in dispute.items:
            raise field_error(f"answers.{answer['item']}", "This item is not disputed.", CORRECTION)
    keys = {a["item"] for a in corrected}
    merged = [a for a in audit.answers if a["item"] not in keys] + corrected
    before = _score_summary(audit)
    result = score_answers(audit, merged)
    audit.answers = merged
    store_score(audit, result)
    dispute.corrected_answers = corrected
    after_overturn(actor, audit, dispute.id, keys)  # what the correction took back is void
    after = _score_summary(audit)
    record(audit, actor, "rescored", note, dispute_id=dispute.id, before=before, after=after)
