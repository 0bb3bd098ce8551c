"""Schedules for tests: a weekly self-call of n1 and ne1 starting two days from now."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from audit_api.db import utcnow
from tests.support.helpers import PASSWORD, World, created

SCHEDULES, ASSIGNMENTS = "/api/v1/schedules", "/api/v1/assignments"


def in_days(days: int) -> str:
    """The UTC date `days` from today."""
    return (utcnow() + timedelta(days=days)).date().isoformat()


def second_auditor(world: World, name: str = "auditor2") -> int:
    """Another auditor of organization A."""
    body = {"email": f"{name}@a.example", "name": name, "role": "auditor", "password": PASSWORD}
    return created(world.hq.post("/api/v1/users", json=body))["id"]


def schedule_body(world: World, **overrides: Any) -> dict[str, Any]:
    """Weekly self-calls of n1 and ne1 from two days on, 10:00 on their clock, for the auditor."""
    return {
        "name": "Llamadas semanales",
        "checklist_key": "self-call",
        "kind": "call",
        "location_ids": [world.ids["n1"], world.ids["ne1"]],
        "rrule": "FREQ=WEEKLY",
        "starts_on": in_days(2),
        "time_of_day": "10:00",
        "window_days": 3,
        "auditor_ids": [world.ids["auditor"]],
        "lockout_days": 0,
        **overrides,
    }


def assignments_of(caller, **query: Any) -> list[dict[str, Any]]:
    """The assignments a caller lists (up to 100) with these filters."""
    response = caller.get(ASSIGNMENTS, query_string={"page_size": 100, **query})
    assert response.status_code == 200, response.get_json()
    return response.get_json()
