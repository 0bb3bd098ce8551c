"""A draft or submit of an assignment need not repeat what the assignment pins (location,
checklist key and version, kind): left out, they are taken from it; sent, they must agree."""

from __future__ import annotations

import pytest

from tests.support.audit_helpers import assign, call_audit, new_id

AUDITS = "/api/v1/audits"
PINS = ("location_id", "checklist_key", "checklist_version", "kind")


def _lean(world, assignment, **extra):
    """A self-call body of the assignment without what the assignment pins."""
    body = call_audit(world, assignment, **extra)
    return {k: v for k, v in body.items() if k not in PINS}


def test_a_draft_of_an_assignment_takes_the_pins_from_it(world):
    assignment = assign(world)
    url = f"{AUDITS}/{new_id()}"
    response = world.auditor.put(url, json=_lean(world, assignment))
    assert response.status_code == 201, response.get_json()
    audit = response.get_json()
    assert audit["location_id"] == world.ids["n1"] and audit["kind"] == "call"
    assert audit["checklist"] == {"key": "self-call", "version": 1}
    assert audit["assignment_id"] == assignment["id"]
    # The same content with the pins spelled out is the same content: nothing changes.
    again = world.auditor.put(url, json=call_audit(world, assignment))
    assert again.status_code == 200 and again.headers["ETag"] == response.headers["ETag"]
    events = world.auditor.get(f"{url}/events").get_json()
    assert [e["action"] for e in events] == ["created"]


def test_a_submit_of_an_assignment_takes_the_pins_from_it_and_retries_alike(world):
    assignment = assign(world)
    url = f"{AUDITS}/{new_id()}"
    submitted = world.auditor.post(f"{url}/submit", json=_lean(world, assignment))
    assert submitted.status_code == 200, submitted.get_json()
    assert submitted.get_json()["status"] == "submitted"
    # A retry spelling the pins out is the same content, so the same result (not a 409).
    retry = world.auditor.post(f"{url}/submit", json=call_audit(world, assignment))
    assert retry.status_code == 200 and retry.get_json()["status"] == "submitted"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("location_id", "s1"),
        ("checklist_key", "first-five-seconds"),
        ("checklist_version", 2),
        ("kind", "visit"),
    ],
)
def test_a_pin_that_disagrees_with_the_assignment_is_a_422_naming_it(world, field, value):
    assignment = assign(world)
    body = _lean(world, assignment)
    body[field] = world.ids[value] if field == "location_id" else value
    if field == "kind":
        body.pop("checkin")
    response = world.auditor.put(f"{AUDITS}/{new_id()}", json=body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]


def test_paradata_of_the_other_kind_is_refused_when_the_kind_is_left_out(world):
    assignment = assign(world)  # a self-call
    body = _lean(world, assignment, visit={"seconds_to_acknowledge": 3})
    response = world.auditor.put(f"{AUDITS}/{new_id()}", json=body)
    assert response.status_code == 422 and "visit" in response.get_json()["errors"]


def test_without_an_assignment_every_pin_is_required(world):
    body = _lean(world, None)
    response = world.manager_north.put(f"{AUDITS}/{new_id()}", json=body)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == set(PINS)
    partial = {**body, "location_id": world.ids["n1"], "kind": "call"}
    response = world.manager_north.put(f"{AUDITS}/{new_id()}", json=partial)
    assert set(response.get_json()["errors"]) == {"checklist_key", "checklist_version"}


def test_pins_are_never_taken_from_an_assignment_the_caller_may_not_fill(world):
    """Another auditor's or another org's assignment answers 404 as before, pins or not."""
    assignment = assign(world)
    body = _lean(world, assignment)
    assert world.hq_b.put(f"{AUDITS}/{new_id()}", json=body).status_code == 404
    other = world.manager_north.put(f"{AUDITS}/{new_id()}", json=body)
    assert other.status_code == 403  # a manager in scope sees it but does not fill it
    outside = world.manager_s1.put(f"{AUDITS}/{new_id()}", json=body)
    assert outside.status_code == 404
    assert "assignment_id" in outside.get_json()["errors"]
