"""What an approval and an overturned dispute do to actions: open them for failed items,
verify or reopen the location's earlier ones, void those a dispute took back."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from audit_api.actions.models import UNCLOSED, Action, ActionStatus
from audit_api.actions.service import due_at, new_action, record
from audit_api.audits.models import Audit, AuditItemScore
from audit_api.db import db, utcnow
from audit_api.scoring.actions import corrective_actions
from audit_api.scoring.engine import iter_items
from audit_api.users.models import User


def after_approval(actor: User, audit: Audit) -> list[Action]:
    """Check the location's earlier actions of this checklist against the approved audit, then
    open actions for its failed items that no action covers yet (no commit); returns those."""
    if audit.score is None:
        return []
    items = {i.item_key: i for i in audit.score.items}
    key = audit.checklist_version.checklist.key
    unclosed = db.session.scalars(
        select(Action)
        .where(
            Action.location_id == audit.location_id,
            Action.checklist_key == key,
            Action.status.in_(UNCLOSED),
            Action.audit_id != audit.id,
        )
        .order_by(Action.id)
        .with_for_update(of=Action)
    ).all()
    covered = {a.item_key for a in unclosed}
    origins = _started(a.audit_id for a in unclosed)
    for action in unclosed:
        # Only a later visit judges the work (audits may be approved out of order).
        if origins[action.audit_id] < audit.started_at:
            _check(actor, action, audit, items.get(action.item_key))
    definition = audit.checklist_version.definition
    by_key = {i["key"]: i for _, i in iter_items(definition)}
    failed = {k for k, i in items.items() if i.failed}
    days = current_app.config["ACTION_DUE_DAYS"]
    opened = []
    for rule in corrective_actions(definition, failed):
        if rule.item in covered:
            continue  # the earlier action was reopened (or is still open) instead
        when = due_at(audit.location, rule.due_days or days, audit.approved_at)
        opened.append(
            new_action(actor, audit, by_key[rule.item], priority=rule.priority, due_at=when)
        )
    return opened


def _started(audit_ids: Iterable[str]) -> dict[str, datetime]:
    ids = set(audit_ids)
    if not ids:
        return {}
    rows = db.session.execute(select(Audit.id, Audit.started_at).where(Audit.id.in_(ids)))
    return {audit_id: started for audit_id, started in rows}


def _check(actor: User, action: Action, audit: Audit, item: AuditItemScore | None) -> None:
    """A later audit judged the item again: passing verifies, failing reopens."""
    if item is None or not item.applicable:
        return  # not judged this time (hidden, N/A or unanswered)
    action.checked_by_audit_id = audit.id
    if not item.failed:
        action.status, action.verified_at = ActionStatus.VERIFIED, utcnow()
        record(action, actor, "verified", audit_id=audit.id)
    elif action.status == ActionStatus.RESOLVED:
        action.status = ActionStatus.REOPENED
        record(action, actor, "reopened", audit_id=audit.id)
    else:
        record(action, actor, "failed_again", audit_id=audit.id)


def after_overturn(actor: User, audit: Audit, dispute_id: int, corrected: set[str]) -> None:
    """A dispute overturned items of the audit: their actions whose item no longer fails are
    void (no commit)."""
    if audit.score is None:
        return
    failing = {i.item_key for i in audit.score.items if i.failed}
    stmt = select(Action).where(
        Action.audit_id == audit.id,
        Action.item_key.in_(corrected - failing),
        Action.status.in_(UNCLOSED),
    )
    for action in db.session.scalars(stmt.with_for_update(of=Action)):
        action.status = ActionStatus.VOID
        record(action, actor, "voided", dispute_id=dispute_id)
