"""Review (approve, return, reject) and append-only comments."""

from __future__ import annotations

from sqlalchemy import func, select

from audit_api.actions.followup import after_approval
from audit_api.assignments.models import AssignmentStatus
from audit_api.audits.events import emit_audit
from audit_api.audits.models import Audit, AuditEvent, AuditStatus
from audit_api.audits.service import get_audit, record, set_assignment_status
from audit_api.auth.policy import may_review
from audit_api.db import db, fetch_page, utcnow
from audit_api.errors import Reason, field_error
from audit_api.rollups.maintain import changing
from audit_api.users.models import User

OUTCOME = {
    "approve": AuditStatus.APPROVED,
    "return": AuditStatus.DRAFT,
    "reject": AuditStatus.REJECTED,
}


def review(actor: User, audit_id: str, decision: str, note: str | None) -> Audit:
    """Decide on a submitted audit; repeating the decision just made changes nothing."""
    audit = get_audit(actor, audit_id, lock=True)
    if not may_review(actor, audit):
        raise Reason.own_audit.error("Nobody reviews their own audit.")
    if audit.status != AuditStatus.SUBMITTED:
        last = _last_review(audit)
        if (
            last is not None
            and last.data
            and last.data.get("decision") == decision
            and (audit.status == OUTCOME[decision])
        ):
            return audit  # a retried review
        raise Reason.audit_not_submitted.error(
            f"The audit is {audit.status}; only submitted audits are reviewed."
        )
    if decision == "return" and not note:
        raise field_error("note", "Say what the auditor must fix.", Reason.note_required)
    with changing(audit):  # an approval enters the score rollup in this transaction
        audit.status = OUTCOME[decision]
        if decision == "approve":
            audit.approved_at = utcnow()
        if decision == "return":
            _reopen(audit)
    action = {"approve": "approved", "return": "returned", "reject": "rejected"}[decision]
    record(audit, actor, action, note, decision=decision)
    emit_audit(audit, f"audit.{action}", note=note)
    if decision == "approve":
        # Failed items become actions; the location's earlier ones are verified or reopened.
        after_approval(actor, audit)
    db.session.commit()
    return audit


def _reopen(audit: Audit) -> None:
    """Back to draft: the score goes (the event log keeps it) and the assignment reopens."""
    audit.score = None
    set_assignment_status(audit, AssignmentStatus.OPEN)


def _last_review(audit: Audit) -> AuditEvent | None:
    return db.session.scalar(
        select(AuditEvent)
        .where(
            AuditEvent.audit_id == audit.id,
            AuditEvent.action.in_(("approved", "returned", "rejected")),
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )


MAX_COMMENTS = 500  # a thread that long is a conversation for elsewhere; keeps the log bounded


def comment(actor: User, audit_id: str, body: str) -> AuditEvent:
    """Add a comment; comments are never edited or removed."""
    audit = get_audit(actor, audit_id, lock=True)
    count = select(func.count()).where(
        AuditEvent.audit_id == audit.id, AuditEvent.action == "commented"
    )
    if (db.session.scalar(count) or 0) >= MAX_COMMENTS:
        raise Reason.too_many_comments.error(f"An audit takes at most {MAX_COMMENTS} comments.")
    event = AuditEvent(audit_id=audit.id, actor_id=actor.id, action="commented", note=body)
    db.session.add(event)
    db.session.commit()
    return event


def events(
    actor: User,
    audit_id: str,
    actions: tuple[str, ...] | None = None,
    *,
    page: int = 1,
    page_size: int = 100,
) -> tuple[list[AuditEvent], int]:
    """A page of the audit's log, oldest first (only some actions when asked), and its total."""
    audit = get_audit(actor, audit_id)
    stmt = select(AuditEvent).where(AuditEvent.audit_id == audit.id)
    if actions:
        stmt = stmt.where(AuditEvent.action.in_(actions))
    return fetch_page(stmt.order_by(AuditEvent.id), page, page_size)
