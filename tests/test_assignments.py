"""Assignments: who creates them, what they pin, and who may use them."""

from __future__ import annotations

import pytest

from tests.support.audit_helpers import (
    DUE,
    assign,
    assignment_body,
    call_audit,
    new_id,
)
from tests.support.helpers import PASSWORD, login

AUDITS = "/api/v1/audits"


# --- assignments ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"location_id": "s1"}, 404, "location_id"),
        ({"checklist_key": "nope"}, 422, "checklist_key"),
        ({"kind": "visit"}, 422, "kind"),
        ({"auditor_id": "manager_s1"}, 422, "auditor_id"),
        ({"due_to": "2026-11-01T00:00:00Z"}, 422, "due_to"),
        ({"due_to": "tomorrow"}, 422, "due_to"),
    ],
)
def test_assignment_refusals_name_the_field(world, change, status, field):
    body = assignment_body(world)
    for key, value in change.items():
        body[key] = world.ids.get(value, value) if isinstance(value, str) else value
    response = world.manager_north.post("/api/v1/assignments", json=body)
    assert response.status_code == status
    assert field in response.get_json()["errors"], response.get_json()


def test_assignment_roles_and_scope(world):
    body = {
        "location_id": world.ids["n1"],
        "checklist_key": "self-call",
        "checklist_version": 1,
        "kind": "call",
        "auditor_id": world.ids["auditor"],
        **DUE,
    }
    assert world.auditor.post("/api/v1/assignments", json=body).status_code == 403
    assignment = assign(world)
    url = f"/api/v1/assignments/{assignment['id']}"
    assert world.manager_s1.get(url).status_code == 404
    assert world.hq_b.get(url).status_code == 404
    assert world.auditor.patch(url, json={"status": "cancelled"}).status_code == 403
    moved = world.manager_north.patch(url, json={"due_to": "2026-12-05T18:00:00-03:00"})
    assert moved.status_code == 200
    assert world.manager_north.delete(url).status_code == 204
    assert world.auditor.get(url).get_json()["status"] == "cancelled"
    assert world.manager_north.patch(url, json={"status": "open"}).status_code == 409


def test_auditor_sees_the_location_and_checklist_of_their_assignments(world):
    assign(world)
    codes = {loc["code"] for loc in world.auditor.get("/api/v1/locations").get_json()}
    assert codes == {"N1"}
    keys = {c["key"] for c in world.auditor.get("/api/v1/checklists").get_json()}
    assert keys == {"self-call"}


# --- who may audit ----------------------------------------------------------------------------


def test_auditor_cannot_use_someone_elses_assignment(world, client):
    world.hq.post(
        "/api/v1/users",
        json={"email": "other@a.example", "name": "Other", "role": "auditor", "password": PASSWORD},
    )
    other = login(client, "other@a.example")
    assignment = assign(world)
    response = other.put(f"{AUDITS}/{new_id()}", json=call_audit(world, assignment))
    assert response.status_code == 404
    assert other.put(f"{AUDITS}/{new_id()}", json=call_audit(world)).status_code == 403


def test_assignment_pins_location_checklist_and_kind(world):
    assignment = assign(world)
    body = {**call_audit(world, assignment), "location_id": world.ids["ne1"]}
    response = world.auditor.put(f"{AUDITS}/{new_id()}", json=body)
    assert response.status_code == 422 and "location_id" in response.get_json()["errors"]
