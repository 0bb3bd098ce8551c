"""The loop through HTTP: a failed critical item opens an action, the manager resolves it, and
the next audit of the location verifies it or reopens it."""

from __future__ import annotations

from tests.support.action_helpers import ACTIONS, VOICEMAIL, actions_of, approved_call, events_of


def _resolve(world, action_id: int) -> dict:
    manager = world.manager_north
    started = manager.patch(
        f"{ACTIONS}/{action_id}",
        json={"assignee_id": world.ids["manager_north"], "status": "in_progress"},
    )
    assert started.status_code == 200, started.get_json()
    assert (started.get_json()["status"], started.get_json()["assignee_id"]) == (
        "in_progress",
        world.ids["manager_north"],
    )
    note = "Desviamos el teléfono al celular del encargado en horario punta."
    resolved = manager.post(f"{ACTIONS}/{action_id}/resolve", json={"note": note})
    assert resolved.status_code == 200, resolved.get_json()
    body = resolved.get_json()
    assert body["status"] == "resolved" and body["resolution"]["note"] == note
    return body


def test_a_failed_critical_item_is_resolved_then_verified_by_the_next_audit(world):
    first = approved_call(world, 22, **VOICEMAIL)
    [action] = actions_of(world.manager_north, location_id=world.ids["n1"])
    assert action["audit_id"] == first and action["item"] == "answered_by"
    assert (action["status"], action["priority"], action["overdue"]) == ("open", "high", False)
    assert action["title"] == "¿Quién contestó?"
    _resolve(world, action["id"])

    second = approved_call(world, 24)  # answered by a person this time

    after = world.manager_north.get(f"{ACTIONS}/{action['id']}").get_json()
    assert (after["status"], after["verified_by"]) == ("verified", second)
    kinds = [
        (e["kind"], (e["data"] or {}).get("audit_id")) for e in events_of(world.hq, action["id"])
    ]
    assert kinds == [
        ("created", first),
        ("updated", None),
        ("resolved", None),
        ("verified", second),
    ]
    assert actions_of(world.hq, location_id=world.ids["n1"], status="open") == []


def test_the_same_failure_again_reopens_the_resolved_action_instead_of_a_new_one(world):
    approved_call(world, 22, **VOICEMAIL)
    [action] = actions_of(world.hq)
    _resolve(world, action["id"])

    again = approved_call(world, 24, **VOICEMAIL)

    [after] = actions_of(world.hq)  # still one action: the same work, reopened
    assert after["id"] == action["id"] and after["status"] == "reopened"
    assert events_of(world.hq, action["id"])[-1]["kind"] == "reopened"
    assert events_of(world.hq, action["id"])[-1]["data"] == {"audit_id": again}
    # Fixed for good this time.
    _resolve(world, action["id"])
    approved_call(world, 26)
    assert world.hq.get(f"{ACTIONS}/{action['id']}").get_json()["status"] == "verified"
