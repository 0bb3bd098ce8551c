"""Disputes: the window, who opens and who resolves them."""

from __future__ import annotations

import pytest

from tests.support.audit_helpers import (
    assign,
    call_audit,
    new_id,
)
from tests.support.helpers import created

AUDITS = "/api/v1/audits"


def submitted_by_auditor(world) -> str:
    audit_id = new_id()
    response = world.auditor.post(
        f"{AUDITS}/{audit_id}/submit", json=call_audit(world, assign(world))
    )
    assert response.status_code == 200, response.get_json()
    return audit_id


# --- disputes ---------------------------------------------------------------------------------


def approved_audit(world) -> str:
    audit_id = submitted_by_auditor(world)
    world.manager_north.post(f"{AUDITS}/{audit_id}/review", json={"decision": "approve"})
    return audit_id


@pytest.mark.app_config(DISPUTE_WINDOW_DAYS=0)
def test_dispute_after_the_window_is_refused(world):
    audit_id = approved_audit(world)
    response = world.manager_north.post(
        f"{AUDITS}/{audit_id}/disputes", json={"items": ["rings_to_answer"], "reason": "late"}
    )
    assert response.status_code == 409 and "window" in response.get_json()["message"]


def test_dispute_rules(world):
    audit_id = approved_audit(world)
    url = f"{AUDITS}/{audit_id}/disputes"
    body = {"items": ["rings_to_answer"], "reason": "El teléfono estaba malo"}
    assert world.hq.post(url, json=body).status_code == 403  # HQ resolves, never disputes
    assert world.manager_s1.post(url, json=body).status_code == 404  # out of scope
    bad = world.manager_north.post(url, json={**body, "items": ["ghost"]})
    assert bad.status_code == 422 and "items[0]" in bad.get_json()["errors"]
    dispute = created(world.manager_north.post(url, json=body))
    assert world.manager_north.post(url, json=body).status_code == 409  # already disputed
    resolve = f"/api/v1/disputes/{dispute['id']}/resolve"
    assert world.manager_north.post(resolve, json={"outcome": "upheld"}).status_code == 403
    outside = world.hq.post(
        resolve, json={"outcome": "overturned", "answers": [{"item": "hold_seconds", "value": 1}]}
    )
    assert outside.status_code == 422 and "answers.hold_seconds" in outside.get_json()["errors"]
    assert world.hq_b.post(resolve, json={"outcome": "upheld"}).status_code == 404
    assert world.hq.post(resolve, json={"outcome": "upheld"}).status_code == 200
    assert world.hq.post(resolve, json={"outcome": "upheld"}).status_code == 409
