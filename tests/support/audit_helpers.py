"""Builders for assignments and audit payloads of the built-in self-call and visit checklists."""

from __future__ import annotations

import uuid
from typing import Any

from audit_api.demo_data import VISIT_ANSWERS
from tests.support.helpers import Caller, World, created

DUE = {"due_from": "2026-11-20T09:00:00-03:00", "due_to": "2026-11-30T18:00:00-03:00"}


def assignment_body(world: World, **overrides: Any) -> dict[str, Any]:
    """A valid assignment of a self-call of n1 to the auditor, with `overrides`."""
    return {
        "location_id": world.ids["n1"],
        "checklist_key": "self-call",
        "checklist_version": 1,
        "kind": "call",
        "auditor_id": world.ids["auditor"],
        **DUE,
        **overrides,
    }


def assign(
    world: World,
    by: Caller | None = None,
    *,
    location: str = "n1",
    kind: str = "call",
    checklist: str = "self-call",
    auditor: str = "auditor",
) -> dict[str, Any]:
    """Schedule an audit through the API (manager_north by default)."""
    body = {
        "location_id": world.ids[location],
        "checklist_key": checklist,
        "checklist_version": 1,
        "kind": kind,
        "auditor_id": world.ids[auditor],
        **DUE,
    }
    return created((by or world.manager_north).post("/api/v1/assignments", json=body))


def call_answers(**overrides: Any) -> list[dict[str, Any]]:
    """Complete self-call answers (the paradata may fill more)."""
    values = {
        "rings_to_answer": 2,
        "answered_by": "person",
        "greeting_company": True,
        "greeting_own_name": True,
        "easy_to_reach_right_person": 4,
        "transferred_without_repeating": None,
        "hold_seconds": 20,
        "hold_permission": True,
        "useful_answer_first_contact": True,
        "follow_up_offered": False,
        **overrides,
    }
    return [
        {"item": k, "na": True} if v is None else {"item": k, "value": v}
        for k, v in values.items()
        if v != "omit"
    ]


def call_audit(world: World, assignment: dict[str, Any] | None = None, **extra: Any):
    """A self-call audit body for manager_north's location n1."""
    body = {
        "location_id": world.ids["n1"],
        "checklist_key": "self-call",
        "checklist_version": 1,
        "kind": "call",
        "assignment_id": assignment["id"] if assignment else None,
        "started_at": "2026-11-22T10:00:00-03:00",
        "submitted_at": "2026-11-22T10:07:00-03:00",
        "checkin": {"latitude": -33.4201, "longitude": -70.6101, "accuracy_m": 15},
        "answers": call_answers(),
        **extra,
    }
    return body


def new_id() -> str:
    """A client-generated audit UUID."""
    return str(uuid.uuid4())


def visit_body(world: World, **answers: Any) -> dict[str, Any]:
    """A complete first-five-seconds visit of n1 (the entrance photo is uploaded apart)."""
    values = {**VISIT_ANSWERS, **answers}
    return {
        "location_id": world.ids["n1"],
        "checklist_key": "first-five-seconds",
        "checklist_version": 1,
        "kind": "visit",
        "started_at": "2026-11-22T12:00:00-03:00",
        "submitted_at": "2026-11-22T12:30:00-03:00",
        "visit": {"seconds_to_acknowledge": 3},
        "answers": [{"item": k, "value": v} for k, v in values.items()],
    }
