"""Audits that open, verify and reopen corrective actions: self-calls (version 2) of n1."""

from __future__ import annotations

from typing import Any

from tests.support.audit_helpers import DUE, call_answers, call_audit, new_id
from tests.support.helpers import World, created

AUDITS, ACTIONS = "/api/v1/audits", "/api/v1/actions"
VOICEMAIL = {"answered_by": "voicemail"}  # the critical item fails: an action, priority high


def call_v2(world: World, location: str = "n1") -> dict[str, Any]:
    """A self-call assignment (checklist version 2, which has actions) for the auditor."""
    body = {
        "location_id": world.ids[location],
        "checklist_key": "self-call",
        "checklist_version": 2,
        "kind": "call",
        "auditor_id": world.ids["auditor"],
        **DUE,
    }
    return created(world.hq.post("/api/v1/assignments", json=body))


def approved_call(world: World, day: int = 22, location: str = "n1", **answers: Any) -> str:
    """A self-call of `location` on November `day`, submitted by the auditor and approved by
    HQ; `answers` override the passing ones (follow-up offered, so nothing else fails)."""
    assignment = call_v2(world, location)
    body = call_audit(
        world,
        assignment,
        location_id=world.ids[location],
        checklist_version=2,
        started_at=f"2026-11-{day:02d}T10:00:00-03:00",
        submitted_at=f"2026-11-{day:02d}T10:07:00-03:00",
        answers=call_answers(**{"follow_up_offered": True, **answers}),
    )
    audit_id = new_id()
    submitted = world.auditor.post(f"{AUDITS}/{audit_id}/submit", json=body)
    assert submitted.status_code == 200, submitted.get_json()
    review = world.hq.post(f"{AUDITS}/{audit_id}/review", json={"decision": "approve"})
    assert review.status_code == 200, review.get_json()
    return audit_id


def actions_of(caller, **query: Any) -> list[dict[str, Any]]:
    """The actions a caller lists with these filters (asserting a 200)."""
    response = caller.get(ACTIONS, query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def events_of(caller, action_id: int) -> list[dict[str, Any]]:
    """The kinds and data of an action's events, oldest first."""
    response = caller.get(f"{ACTIONS}/{action_id}/events")
    assert response.status_code == 200, response.get_json()
    return response.get_json()
