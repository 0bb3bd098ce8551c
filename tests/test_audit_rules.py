"""Who may fill, edit and review an audit; paradata, evidence, idempotency and atomicity."""

from __future__ import annotations

from tests.support.audit_helpers import (
    assign,
    call_answers,
    call_audit,
    new_id,
    visit_body,
)
from tests.support.photo_helpers import jpeg, upload

AUDITS = "/api/v1/audits"


def submitted_by_auditor(world) -> str:
    audit_id = new_id()
    response = world.auditor.post(
        f"{AUDITS}/{audit_id}/submit", json=call_audit(world, assign(world))
    )
    assert response.status_code == 200, response.get_json()
    return audit_id


def test_managers_self_audit_only_in_scope(world):
    ok = world.manager_north.put(f"{AUDITS}/{new_id()}", json=call_audit(world))
    assert ok.status_code == 201
    out = {**call_audit(world), "location_id": world.ids["s1"]}
    assert world.manager_north.put(f"{AUDITS}/{new_id()}", json=out).status_code == 404
    other_org = {**call_audit(world), "location_id": world.ids["b1"]}
    assert world.hq.put(f"{AUDITS}/{new_id()}", json=other_org).status_code == 404


def test_drafts_belong_to_their_author(world):
    audit_id = new_id()
    url = f"{AUDITS}/{audit_id}"
    world.auditor.put(url, json=call_audit(world, assign(world)))
    assert world.manager_north.put(url, json=call_audit(world)).status_code == 403
    assert world.manager_s1.get(url).status_code == 404
    assert world.hq_b.put(url, json=call_audit(world)).status_code == 404


def test_nobody_reviews_their_own_audit(world):
    audit_id = new_id()
    url = f"{AUDITS}/{audit_id}"
    world.manager_north.post(f"{url}/submit", json=call_audit(world))
    assert (
        world.manager_north.post(f"{url}/review", json={"decision": "approve"}).status_code == 403
    )
    assert world.auditor.post(f"{url}/review", json={"decision": "approve"}).status_code == 403
    assert world.hq.post(f"{url}/review", json={"decision": "approve"}).status_code == 200


def test_return_needs_a_note(world):
    audit_id = submitted_by_auditor(world)
    response = world.manager_north.post(f"{AUDITS}/{audit_id}/review", json={"decision": "return"})
    assert response.status_code == 422 and "note" in response.get_json()["errors"]


def test_no_edit_after_submit_and_no_other_content_on_resubmit(world):
    audit_id = submitted_by_auditor(world)
    url = f"{AUDITS}/{audit_id}"
    assert world.auditor.put(url, json=call_audit(world)).status_code == 409
    other = call_audit(world, answers=call_answers(rings_to_answer=9))
    assert world.auditor.post(f"{url}/submit", json=other).status_code == 409
    again = world.auditor.post(f"{url}/submit")
    assert again.status_code == 200 and again.get_json()["status"] == "submitted"


def test_stale_if_match_is_412(world):
    url = f"{AUDITS}/{new_id()}"
    body = call_audit(world, assign(world))
    etag = world.auditor.put(url, json=body).headers["ETag"]
    changed = call_audit(
        world, {"id": body["assignment_id"]}, answers=call_answers(rings_to_answer=4)
    )
    assert world.auditor.put(url, json=changed, headers={"If-Match": etag}).status_code == 200
    stale = call_audit(
        world, {"id": body["assignment_id"]}, answers=call_answers(rings_to_answer=5)
    )
    assert world.auditor.put(url, json=stale, headers={"If-Match": etag}).status_code == 412
    answers = {a["item"]: a for a in world.auditor.get(url).get_json()["answers"]}
    assert answers["rings_to_answer"]["value"] == 4


# --- paradata and evidence --------------------------------------------------------------------


def test_paradata_geofence_skew_and_derived_answers(world):
    url = f"{AUDITS}/{new_id()}"
    body = call_audit(
        world,
        assign(world),
        answers=call_answers(rings_to_answer="omit", hold_seconds="omit", hold_permission="omit"),
        call={
            "dialled_at": "2026-11-22T10:00:05-03:00",
            "rings_to_answer": 4,
            "answered_by": "person",
            "holds": [
                {"seconds": 30, "asked_permission": True},
                {"seconds": 25, "asked_permission": False},
            ],
            "transfers": [],
            "reached_right_person": True,
            "duration_seconds": 300,
        },
    )
    response = world.auditor.post(
        f"{url}/submit", json=body, headers={"Date": "Sun, 22 Nov 2026 13:00:00 GMT"}
    )
    audit = response.get_json()
    assert response.status_code == 200, audit
    assert set(audit["derived_items"]) == {"rings_to_answer", "hold_seconds", "hold_permission"}
    answers = {a["item"]: a for a in audit["answers"]}
    assert answers["rings_to_answer"] == {**answers["rings_to_answer"], "value": 4, "derived": True}
    assert answers["hold_seconds"]["value"] == 55 and answers["hold_permission"]["value"] is False
    # The auditor's own answer wins over the paradata.
    assert answers["answered_by"].get("derived") is None
    # Location n1 is at (-33.42, -70.61); the check-in is about 15 m away, geofence 150 m.
    assert 10 < audit["distance_m"] < 20 and audit["within_geofence"] is True
    assert audit["clock_skew_s"] is not None and audit["received_at"]
    assert audit["visit_date"] == "2026-11-22"


def test_far_checkin_is_outside_the_geofence(world):
    body = {
        **call_audit(world),
        "checkin": {"latitude": -33.5, "longitude": -70.7, "accuracy_m": 20},
    }
    audit = world.manager_north.put(f"{AUDITS}/{new_id()}", json=body).get_json()
    assert audit["distance_m"] > 5000 and audit["within_geofence"] is False


def test_paradata_must_match_the_kind(world):
    body = {**call_audit(world), "visit": {"seconds_to_acknowledge": 3}}
    response = world.manager_north.put(f"{AUDITS}/{new_id()}", json=body)
    assert response.status_code == 422 and "visit" in response.get_json()["errors"]


def test_evidence_rules_are_enforced_at_submit(world):
    audit_id = new_id()
    url = f"{AUDITS}/{audit_id}"
    response = world.manager_north.post(f"{url}/submit", json=visit_body(world, floor_clean=False))
    errors = response.get_json()["errors"]
    assert response.status_code == 422
    assert {"answers.entrance_photo.photo_ids", "answers.floor_clean.photo_ids"} <= set(errors)
    assert world.manager_north.get(url).status_code == 404  # a refused submit stores nothing

    # A photo id that names no uploaded photo is refused too.
    body = visit_body(world)
    ghost = new_id()
    body["answers"].append({"item": "entrance_photo", "photo_ids": [ghost]})
    assert world.manager_north.put(url, json=body).status_code == 201
    refused = world.manager_north.post(f"{url}/submit")
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["answers.entrance_photo.photo_ids"] == [
        f"no uploaded photo {ghost} in this audit"
    ]
    # A photo uploaded for the item is its evidence, referenced or not.
    body["answers"].pop()
    assert world.manager_north.put(url, json=body).status_code == 200
    photo = upload(world.manager_north, audit_id, jpeg(), item="entrance_photo")
    assert photo.status_code == 201, photo.get_json()
    ok = world.manager_north.post(f"{url}/submit")
    assert ok.status_code == 200 and ok.get_json()["score"]["overall"] > 90
    entrance = [a for a in ok.get_json()["answers"] if a["item"] == "entrance_photo"]
    assert entrance[0]["photo_ids"] == [photo.get_json()["id"]]


# --- idempotency and atomicity ----------------------------------------------------------------


def test_idempotency_key_replays_and_refuses_another_body(world):
    url = f"{AUDITS}/{new_id()}/comments"
    world.manager_north.put(url.rsplit("/", 1)[0], json=call_audit(world))
    headers = {"Idempotency-Key": "comment-1"}
    first = world.manager_north.post(url, json={"body": "uno"}, headers=headers)
    again = world.manager_north.post(url, json={"body": "uno"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert len(world.manager_north.get(url).get_json()) == 1
    other = world.manager_north.post(url, json={"body": "dos"}, headers=headers)
    assert other.status_code == 422 and "Idempotency-Key" in other.get_json()["errors"]
    # Keys belong to a user: the same key from someone else is a new request.
    assert world.hq.post(url, json={"body": "uno"}, headers=headers).status_code == 201
    assert len(world.hq.get(url).get_json()) == 2


def test_a_failure_in_the_middle_of_submit_leaves_the_audit_as_it_was(app, world, monkeypatch):
    from audit_api.audits import submission

    url = f"{AUDITS}/{new_id()}"
    draft = call_audit(world, answers=call_answers(follow_up_offered=True))
    world.manager_north.put(url, json=draft)
    before = world.manager_north.get(url).get_json()
    real = submission.store_score

    def store_then_fail(audit, result):
        real(audit, result)  # answers and score are written in the session...
        raise RuntimeError("disk full")  # ...and then something breaks

    monkeypatch.setattr(submission, "store_score", store_then_fail)
    final = call_audit(world, answers=call_answers(follow_up_offered=False))
    assert world.manager_north.post(f"{url}/submit", json=final).status_code == 500
    assert world.manager_north.get(url).get_json() == before
    assert world.manager_north.get(f"{url}/score").status_code == 404
    assert [e["action"] for e in world.manager_north.get(f"{url}/events").get_json()] == ["created"]


def test_audit_list_filters_and_scope(world):
    submitted_by_auditor(world)
    world.manager_s1.put(
        f"{AUDITS}/{new_id()}", json={**call_audit(world), "location_id": world.ids["s1"]}
    )
    assert len(world.hq.get(AUDITS).get_json()) == 2
    assert len(world.manager_north.get(AUDITS).get_json()) == 1
    assert len(world.manager_s1.get(AUDITS).get_json()) == 1
    assert len(world.auditor.get(AUDITS).get_json()) == 1
    assert world.hq_b.get(AUDITS).get_json() == []
    q = {
        "status": "submitted",
        "region_id": world.ids["north"],
        "kind": "call",
        "checklist_key": "self-call",
        "date_from": "2026-11-22",
        "date_to": "2026-11-22",
    }
    assert len(world.hq.get(AUDITS, query_string=q).get_json()) == 1
    assert world.hq.get(AUDITS, query_string={"date_from": "2026-11-23"}).get_json() == []
    assert world.hq.get(AUDITS, query_string={"status": "lost"}).status_code == 422


def test_comments_on_one_audit_are_bounded(world, monkeypatch):
    from audit_api.audits import review

    monkeypatch.setattr(review, "MAX_COMMENTS", 2)
    audit_id = new_id()
    assert (
        world.manager_north.put(f"{AUDITS}/{audit_id}", json=visit_body(world)).status_code == 201
    )
    url = f"{AUDITS}/{audit_id}/comments"
    statuses = [world.manager_north.post(url, json={"body": f"c{n}"}).status_code for n in range(3)]
    assert statuses == [201, 201, 409]
