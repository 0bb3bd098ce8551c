"""Webhook test helpers: register an endpoint, play the clock forward, drive the outbox."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select, update

from audit_api.db import db, utcnow
from audit_api.tasks import drain, sweep
from audit_api.tasks.models import Job, JobStatus
from audit_api.webhooks.events import rfc3339
from audit_api.webhooks.models import EVENT_TYPES, DeliveryStatus, WebhookDelivery
from tests.support.audit_helpers import assign, call_audit, new_id
from tests.support.helpers import Caller, World, created

ALL_EVENTS = list(EVENT_TYPES)
# What `every_event` makes happen: each audit and dispute event (action and assignment events
# have tests of their own: test_actions.py, test_schedules.py).
AUDIT_EVENTS = [e for e in EVENT_TYPES if e.split(".")[0] in ("audit", "dispute")]
HOOKS = "/api/v1/webhooks"


def register(hq: Caller, url: str, events: list[str] | None = None) -> dict[str, Any]:
    """Register an endpoint through the API; the answer holds its secret."""
    body = {"url": url, "events": events or AUDIT_EVENTS, "description": "ERP"}
    return created(hq.post(HOOKS, json=body))


def due_now(app: Flask) -> None:
    """Play the clock forward: every waiting job and delivery falls due (no sleeping), and
    past the sweep's redispatch delay, so a job whose message went astray is sent again."""
    past = utcnow()
    with app.app_context():
        db.session.execute(
            update(Job)
            .where(Job.status == JobStatus.PENDING)
            .values(run_after=past, dispatched_at=None)
        )
        db.session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.status == DeliveryStatus.PENDING)
            .values(next_attempt_at=past)
        )
        db.session.commit()


def pending(app: Flask) -> int:
    """Deliveries not settled yet."""
    with app.app_context():
        stmt = select(WebhookDelivery.id).where(WebhookDelivery.status == DeliveryStatus.PENDING)
        return len(db.session.scalars(stmt).all())


def settle(app: Flask, rounds: int = 12) -> None:
    """Run the in-process runner (sweeps, the clock played forward) until nothing is pending."""
    for _ in range(rounds):
        assert drain(app, 30)
        if not pending(app):
            return
        due_now(app)
        with app.app_context():
            sweep()
    assert drain(app, 30)
    assert not pending(app), "deliveries still pending"


def every_event(world: World) -> list[str]:
    """Submit, return, resubmit, reject, approve, dispute and overturn, through the API: each
    of AUDIT_EVENTS happens; returns the audit ids."""
    audits = "/api/v1/audits"

    def submitted() -> str:
        audit_id = new_id()
        body = call_audit(world, assign(world))
        response = world.auditor.post(f"{audits}/{audit_id}/submit", json=body)
        assert response.status_code == 200, response.get_json()
        return audit_id

    def review(audit_id: str, decision: str, note: str | None = None) -> None:
        body = {"decision": decision, **({"note": note} if note else {})}
        response = world.manager_north.post(f"{audits}/{audit_id}/review", json=body)
        assert response.status_code == 200, response.get_json()

    first, second = submitted(), submitted()
    review(first, "return", "Falta la foto")
    assert world.auditor.post(f"{audits}/{first}/submit").status_code == 200
    review(first, "approve")
    review(second, "reject")
    body = {"items": ["rings_to_answer"], "reason": "El teléfono estaba malo"}
    dispute = created(world.manager_north.post(f"{audits}/{first}/disputes", json=body))
    answers = [{"item": "rings_to_answer", "value": 1}]
    resolve = {"outcome": "overturned", "answers": answers, "note": "Cierto"}
    response = world.hq.post(f"/api/v1/disputes/{dispute['id']}/resolve", json=resolve)
    assert response.status_code == 200, response.get_json()
    return [first, second]


def since(moment: Any) -> str:
    return rfc3339(moment)
