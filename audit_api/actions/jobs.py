"""Periodic: announce each action whose due time passed with its work not done, once."""

from __future__ import annotations

from sqlalchemy import select

from audit_api.actions.models import Action
from audit_api.actions.query import overdue
from audit_api.actions.service import payload, record
from audit_api.db import db, utcnow
from audit_api.tasks import periodic
from audit_api.webhooks.events import emit

BATCH = 500


@periodic("actions.overdue", every_s=300)
def announce_overdue() -> dict[str, int]:
    """Emit `action.overdue` for every overdue action not yet announced, in batches; rows
    another worker is announcing are skipped (FOR UPDATE SKIP LOCKED), never announced twice."""
    announced = 0
    while True:
        now = utcnow()
        stmt = (
            select(Action)
            .where(overdue(now), Action.overdue_notified_at.is_(None))
            .order_by(Action.id)
            .limit(BATCH)
            .with_for_update(of=Action, skip_locked=True)
        )
        batch = db.session.scalars(stmt).all()
        for action in batch:
            action.overdue_notified_at = now
            record(action, None, "overdue", due_at=action.due_at.isoformat())
            emit(db.session, action.org_id, "action.overdue", payload(action))
        db.session.commit()
        announced += len(batch)
        if len(batch) < BATCH:
            return {"overdue action(s) announced": announced}
