"""An audit's whole life through the API: assignment, offline drafts, submit, review, dispute."""

from __future__ import annotations

from tests.support.audit_helpers import assign, call_answers, call_audit, new_id

AUDITS = "/api/v1/audits"


def events_of(caller, audit_id) -> list[str]:
    return [e["action"] for e in caller.get(f"{AUDITS}/{audit_id}/events").get_json()]


def test_the_whole_life_of_a_self_call(world):
    auditor, manager, hq = world.auditor, world.manager_north, world.hq
    assignment = assign(world)
    mine = auditor.get("/api/v1/assignments", query_string={"status": "open"}).get_json()
    assert [a["id"] for a in mine] == [assignment["id"]]
    assert mine[0]["checklist"]["definition"]["key"] == "self-call"  # offline package
    assert mine[0]["location"]["code"] == "N1"

    audit_id, url = new_id(), None
    url = f"{AUDITS}/{audit_id}"
    body = call_audit(world, assignment, answers=call_answers(follow_up_offered="omit"))
    first = auditor.put(url, json=body)
    assert first.status_code == 201 and first.get_json()["status"] == "draft"
    retry = auditor.put(url, json=body)  # the phone lost the answer and sends again
    assert retry.status_code == 200 and retry.headers["ETag"] == first.headers["ETag"]

    incomplete = auditor.post(f"{url}/submit")
    assert incomplete.status_code == 422
    assert "answers.follow_up_offered" in incomplete.get_json()["errors"]

    submitted = auditor.post(f"{url}/submit", json=call_audit(world, assignment))
    assert submitted.status_code == 200, submitted.get_json()
    audit = submitted.get_json()
    assert audit["status"] == "submitted" and audit["score"]["overall"] is not None
    assert auditor.get(f"/api/v1/assignments/{assignment['id']}").get_json()["status"] == "done"

    returned = manager.post(f"{url}/review", json={"decision": "return", "note": "Falta foto"})
    assert returned.status_code == 200 and returned.get_json()["status"] == "draft"
    assert returned.get_json()["score"] is None
    fixed = call_audit(world, assignment, answers=call_answers(follow_up_offered=True))
    assert auditor.put(url, json=fixed).status_code == 200
    resubmitted = auditor.post(f"{url}/submit").get_json()
    assert resubmitted["status"] == "submitted"

    approved = manager.post(f"{url}/review", json={"decision": "approve"})
    assert approved.status_code == 200 and approved.get_json()["approved_at"]
    before = approved.get_json()["score"]["overall"]

    dispute = manager.post(
        f"{url}/disputes",
        json={"items": ["useful_answer_first_contact"], "reason": "La respuesta sí fue útil"},
    )
    assert dispute.status_code == 201
    assert auditor.get(url).get_json()["status"] == "disputed"
    listed = hq.get("/api/v1/disputes", query_string={"status": "open"}).get_json()
    assert [d["id"] for d in listed] == [dispute.get_json()["id"]]

    corrected = [{"item": "useful_answer_first_contact", "value": False}]
    resolved = hq.post(
        f"/api/v1/disputes/{dispute.get_json()['id']}/resolve",
        json={"outcome": "overturned", "note": "Revisado", "answers": corrected},
    )
    assert resolved.status_code == 200 and resolved.get_json()["status"] == "overturned"
    final = hq.get(url).get_json()
    assert final["status"] == "approved"
    assert final["score"]["overall"] < before
    log = hq.get(f"{url}/events").get_json()
    assert [e["action"] for e in log] == [
        "created",
        "updated",
        "submitted",
        "returned",
        "updated",
        "submitted",
        "approved",
        "disputed",
        "rescored",
    ]
    rescored = log[-1]["data"]
    assert rescored["before"]["overall"] == before
    assert round(rescored["after"]["overall"], 2) == final["score"]["overall"]
    assert hq.get(f"{url}/score").get_json()["overall"] == final["score"]["overall"]


def test_upheld_dispute_changes_nothing(world):
    audit_id = new_id()
    url = f"{AUDITS}/{audit_id}"
    world.manager_s1.put(url, json={**call_audit(world), "location_id": world.ids["s1"]})
    world.manager_s1.post(f"{url}/submit")
    world.hq.post(f"{url}/review", json={"decision": "approve"})
    score = world.hq.get(f"{url}/score").get_json()
    dispute = world.manager_s1.post(
        f"{url}/disputes", json={"items": ["rings_to_answer"], "reason": "x"}
    ).get_json()
    resolved = world.hq.post(
        f"/api/v1/disputes/{dispute['id']}/resolve", json={"outcome": "upheld"}
    )
    assert resolved.status_code == 200
    assert world.hq.get(f"{url}/score").get_json() == score
    assert world.hq.get(url).get_json()["status"] == "approved"
    assert "dispute_upheld" in events_of(world.hq, audit_id)


def test_reject_is_terminal(world):
    audit_id = new_id()
    url = f"{AUDITS}/{audit_id}"
    world.auditor.post(f"{url}/submit", json=call_audit(world, assign(world)))
    assert world.manager_north.post(f"{url}/review", json={"decision": "reject"}).status_code == 200
    # The same decision again is a harmless retry; any other is refused.
    assert world.manager_north.post(f"{url}/review", json={"decision": "reject"}).status_code == 200
    assert world.hq.post(f"{url}/review", json={"decision": "approve"}).status_code == 409
    assert world.auditor.put(url, json=call_audit(world)).status_code == 409


def test_comments_are_appended_and_listed(world):
    audit_id = new_id()
    url = f"{AUDITS}/{audit_id}"
    world.auditor.put(url, json=call_audit(world, assign(world)))
    assert (
        world.manager_north.post(
            f"{url}/comments", json={"body": "¿Llamaste dos veces?"}
        ).status_code
        == 201
    )
    assert world.auditor.post(f"{url}/comments", json={"body": "Sí"}).status_code == 201
    bodies = [c["note"] for c in world.hq.get(f"{url}/comments").get_json()]
    assert bodies == ["¿Llamaste dos veces?", "Sí"]
    assert world.auditor.post(f"{url}/comments", json={"body": ""}).status_code == 422
    assert world.hq_b.post(f"{url}/comments", json={"body": "hola"}).status_code == 404
