"""Input a client or an attacker really sends: each was a 500 once; now a clear 4xx naming the
field, and nothing stored. Signed in or not, no input gives a 5xx."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime

import pytest

from tests.support.audit_helpers import assign, assignment_body, call_audit, new_id, visit_body
from tests.support.checklist_factory import item, raw_checklist, section
from tests.support.photo_helpers import encode, exif_for, jpeg, picture, upload
from tests.test_photos import AUDITS, draft

JSON = {"Content-Type": "application/json"}


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [33, 900, 5000, 100_000])
@pytest.mark.parametrize("method_path", ["POST /healthz", "POST /api/v1/auth/token", "PUT /nope"])
def test_deeply_nested_json_is_a_short_400_anywhere(client, caplog, depth, method_path):
    method, path = method_path.split()
    with caplog.at_level(logging.INFO):
        response = client.open(path, method=method, data=nested(depth), headers=JSON)
    assert response.status_code == 400, response.get_data()[:300]
    assert response.get_json()["errors"] == {"_schema": ["nested deeper than 32 levels"]}
    assert len(response.get_data()) < 500
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def test_json_nested_32_levels_is_read_as_usual(client):
    response = client.post("/api/v1/auth/token", data=nested(32), headers=JSON)
    assert response.status_code == 422  # a list is not a sign-in body; it was parsed and read


def test_deep_json_is_refused_in_a_signed_in_write_too(world):
    body = '{"answers": ' + nested(40) + "}"
    response = world.manager_north.put(f"{AUDITS}/{new_id()}", data=body, headers=JSON)
    assert response.status_code == 400


def test_a_lone_surrogate_in_the_sign_in_email_is_a_422(client, world):
    raw = '{"email": "\\ud800x@a.example", "password": "correct horse battery"}'
    response = client.post("/api/v1/auth/token", data=raw, headers=JSON)
    assert response.status_code == 422, response.get_data()[:300]
    assert "email" in response.get_json()["errors"]


def test_a_lone_surrogate_in_a_comment_or_a_key_is_a_422(world):
    body = visit_body(world)
    body["answers"][0]["comment"] = "\udfff"
    raw = json.dumps(body)  # "\\udfff" in the JSON text, as a client would escape it
    response = world.manager_north.put(f"{AUDITS}/{new_id()}", data=raw, headers=JSON)
    assert response.status_code == 422
    assert "answers[0].comment" in response.get_json()["errors"]
    key = '{"\\udc00": 1}'
    response = world.manager_north.put(f"{AUDITS}/{new_id()}", data=key, headers=JSON)
    assert response.status_code == 422 and list(response.get_json()["errors"]) == ["\\udc00"]


@pytest.mark.parametrize(
    ("item_key", "value", "path"),
    [
        ("facilities_available", ["all"], "answers.facilities_available.value"),
        ("facilities_available", {"all": True}, "answers.facilities_available.value"),
        ("seconds_to_greeting", 10**400, "answers.seconds_to_greeting.value"),
        ("seconds_to_greeting", -(10**13), "answers.seconds_to_greeting.value"),
        ("courtesy", 10**400, "answers.courtesy.value"),
    ],
)
def test_answers_of_the_wrong_shape_or_size_are_422(world, item_key, value, path):
    body = visit_body(world, **{item_key: value})
    response = world.manager_north.put(f"{AUDITS}/{new_id()}", json=body)
    assert response.status_code == 422, response.get_json()
    assert path in response.get_json()["errors"]
    assert world.manager_north.get(AUDITS).get_json() == []


def test_a_number_written_as_1e400_is_not_infinity(world):
    raw = json.dumps(visit_body(world, seconds_to_greeting=4)).replace(": 4}", ": 1e400}", 1)
    response = world.manager_north.put(f"{AUDITS}/{new_id()}", data=raw, headers=JSON)
    assert response.status_code == 422
    assert "answers.seconds_to_greeting.value" in response.get_json()["errors"]


@pytest.mark.parametrize(
    "started",
    [
        "0001-01-01T00:00:00Z",
        "0001-01-01T00:00:00+05:00",
        "9999-12-31T23:59:59-05:00",
        "1969-12-31T23:59:59Z",
        "2101-01-01T00:00:00Z",
        "2026-11-22T10:00:00",
    ],
)
def test_instants_outside_1970_to_2100_or_without_offset_are_422(world, started):
    body = {**visit_body(world), "started_at": started, "submitted_at": None}
    response = world.manager_north.put(f"{AUDITS}/{new_id()}", json=body)
    assert response.status_code == 422, response.get_json()
    assert "started_at" in response.get_json()["errors"]


def test_a_self_audit_may_start_in_any_year_of_the_range(world):
    body = {**visit_body(world), "started_at": "1971-03-01T10:00:00Z", "submitted_at": None}
    assert world.manager_north.put(f"{AUDITS}/{new_id()}", json=body).status_code == 201


@pytest.mark.parametrize("field", ["due_from", "due_to"])
def test_assignment_windows_in_year_1_are_422(world, field):
    body = assignment_body(world, **{field: "0001-01-01T00:00:00+00:00"})
    response = world.manager_north.post("/api/v1/assignments", json=body)
    assert response.status_code == 422 and field in response.get_json()["errors"]


@pytest.mark.parametrize("param", ["due_after", "due_before"])
def test_assignment_filters_in_year_1_are_422(world, param):
    response = world.manager_north.get(f"/api/v1/assignments?{param}=0001-01-01T00:00:00Z")
    assert response.status_code == 422 and param in response.get_json()["errors"]


@pytest.mark.parametrize(
    ("taken", "offset"),
    [
        (datetime(2026, 11, 22, 12, 5), "+99:00"),
        (datetime(1, 1, 1, 0, 0), "+05:00"),
        (datetime(1, 1, 1, 0, 0), None),
        (datetime(9999, 12, 31, 23, 0), "-05:00"),
    ],
)
def test_photos_with_impossible_exif_times_are_kept_without_a_time(world, taken, offset):
    data = encode(picture(), exif=exif_for(taken=taken, offset=offset))
    response = upload(world.manager_north, draft(world), data)
    assert response.status_code == 201, response.get_json()
    photo = response.get_json()
    if offset == "+99:00":  # the clock is read as the location's local time instead
        assert photo["taken_at"] == "2026-11-22T15:05:00Z"
    else:
        assert photo["taken_at"] is None
        assert "no_capture_time" in {s["code"] for s in photo["signals"]}


def test_checklist_weights_are_capped_and_scores_stay_finite(hq, world):
    huge = raw_checklist([section("s", [item("a", weight=1e308), item("b", weight=1e308)])])
    huge.pop("version")
    refused = hq.post("/api/v1/checklists", json=huge)
    assert refused.status_code == 422, refused.get_json()
    assert "sections[0].items[0].weight" in refused.get_json()["errors"]
    big = raw_checklist(
        [section("s", [item("a", weight=1000), item("b", weight=1000)], weight=1000)],
        key="big-weights",
    )
    big.pop("version")
    assert hq.post("/api/v1/checklists", json=big).status_code == 201
    url = "/api/v1/checklists/big-weights/versions/1/score"
    answers = [{"item": "a", "value": True}, {"item": "b", "value": False}]
    score = hq.post(url, json={"answers": answers})
    assert score.status_code == 200, score.get_json()
    assert score.get_json()["overall"] == 50.0


# --- one assignment, one audit, by its auditor, in its window ---------------------------------


def test_a_second_audit_on_one_assignment_is_409(world):
    assignment = assign(world)
    first = world.auditor.put(f"{AUDITS}/{new_id()}", json=call_audit(world, assignment))
    assert first.status_code == 201, first.get_json()
    second = world.auditor.put(f"{AUDITS}/{new_id()}", json=call_audit(world, assignment))
    assert second.status_code == 409 and "assignment_id" in second.get_json()["errors"]
    submit = world.auditor.post(f"{AUDITS}/{new_id()}/submit", json=call_audit(world, assignment))
    assert submit.status_code == 409
    assert len(world.auditor.get(AUDITS).get_json()) == 1


def test_a_manager_cannot_fill_or_submit_an_auditors_assignment(world):
    assignment = assign(world)  # for the auditor, made by manager_north
    body = call_audit(world, assignment)
    put = world.manager_north.put(f"{AUDITS}/{new_id()}", json=body)
    assert put.status_code == 403 and "assignment_id" in put.get_json()["errors"]
    submit = world.hq.post(f"{AUDITS}/{new_id()}/submit", json=body)
    assert submit.status_code == 403
    assert world.hq.get(AUDITS).get_json() == []
    assert world.auditor.put(f"{AUDITS}/{new_id()}", json=body).status_code == 201


@pytest.mark.parametrize(
    ("started", "status"),
    [
        ("2026-11-20T08:30:00-03:00", 201),  # 30 min early: within the slack
        ("2026-11-20T07:30:00-03:00", 422),  # 90 min early
        ("2026-11-30T18:59:00-03:00", 201),
        ("2026-12-05T10:00:00-03:00", 422),
        ("1971-01-01T10:00:00-03:00", 422),
    ],
)
def test_an_assigned_audit_starts_within_its_due_window(world, started, status):
    body = {**call_audit(world, assign(world)), "started_at": started, "submitted_at": None}
    response = world.auditor.put(f"{AUDITS}/{new_id()}", json=body)
    assert response.status_code == status, response.get_json()
    if status == 422:
        assert "started_at" in response.get_json()["errors"]


def test_the_event_log_and_comments_come_a_page_at_a_time(world):
    audit_id = draft(world)
    for n in range(120):
        body = {"body": f"nota {n}"}
        assert (
            world.manager_north.post(f"{AUDITS}/{audit_id}/comments", json=body).status_code == 201
        )
    for path in ("events", "comments"):
        first = world.manager_north.get(f"{AUDITS}/{audit_id}/{path}")
        assert first.status_code == 200 and len(first.get_json()) == 100
        total = 121 if path == "events" else 120  # "created", then the comments
        assert json.loads(first.headers["X-Pagination"])["total"] == total
        last = world.manager_north.get(f"{AUDITS}/{audit_id}/{path}?page=2&page_size=100")
        assert len(last.get_json()) == total - 100
        too_big = world.manager_north.get(f"{AUDITS}/{audit_id}/{path}?page_size=1000")
        assert too_big.status_code == 422


# --- found by the outside review --------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        '{"email": ' + "1" * 5000 + ', "password": "x"}',
        '{"email": "a@b.c", ',
        "not json",
        "{'a': 1}",
    ],
)
def test_a_body_that_is_not_json_is_a_400_saying_so(client, raw):
    response = client.post("/api/v1/auth/token", data=raw, headers=JSON)
    assert response.status_code == 400, response.get_data()[:300]
    assert response.get_json()["errors"]["_schema"][0].startswith("not valid JSON")


def test_a_file_part_without_a_filename_is_422_naming_file(world):
    audit_id = draft(world)
    form = {"photo_id": str(uuid.uuid4()), "file": "hello"}
    response = world.manager_north.post(
        f"{AUDITS}/{audit_id}/photos", data=form, content_type="multipart/form-data"
    )
    assert response.status_code == 422 and "file" in response.get_json()["errors"]


def test_android_image_jpg_and_octet_stream_are_declared_types_on_both_paths(world):
    audit_id = draft(world)
    jpg = upload(world.manager_north, audit_id, jpeg(), content_type="image/jpg")
    assert jpg.status_code == 201 and jpg.get_json()["content_type"] == "image/jpeg"
    body = {"photo_id": str(uuid.uuid4()), "content_type": "application/octet-stream", "size": 9}
    form = world.manager_north.post(f"{AUDITS}/{audit_id}/photos/uploads", json=body)
    assert form.status_code == 201, form.get_json()


def test_a_body_with_too_many_parts_is_a_413_naming_file(world):
    audit_id = draft(world)
    form = {f"part{n}": "x" for n in range(1100)}
    response = world.manager_north.post(
        f"{AUDITS}/{audit_id}/photos", data=form, content_type="multipart/form-data"
    )
    assert response.status_code == 413
    assert "file" in response.get_json()["errors"]


@pytest.mark.parametrize("key", ["has space", "tab\there", "caf\u00e9", "x" * 256])
def test_an_idempotency_key_of_odd_characters_is_422(world, key):
    response = world.manager_north.post(
        f"{AUDITS}/{draft(world)}/comments",
        json={"body": "hola"},
        headers={"Idempotency-Key": key},
    )
    assert response.status_code == 422 and "Idempotency-Key" in response.get_json()["errors"]


def test_a_cancelled_assignment_takes_no_more_of_its_draft(world):
    assignment = assign(world)
    audit_id = new_id()
    body = call_audit(world, assignment)
    assert world.auditor.put(f"{AUDITS}/{audit_id}", json=body).status_code == 201
    url = f"/api/v1/assignments/{assignment['id']}"
    cancelled = world.manager_north.patch(url, json={"status": "cancelled"})
    assert cancelled.status_code == 200, cancelled.get_json()
    changed = {**body, "submitted_at": "2026-11-22T10:09:00-03:00"}
    put = world.auditor.put(f"{AUDITS}/{audit_id}", json=changed)
    assert put.status_code == 409 and "assignment_id" in put.get_json()["errors"]
    submit = world.auditor.post(f"{AUDITS}/{audit_id}/submit")
    assert submit.status_code == 409 and "assignment_id" in submit.get_json()["errors"]
    assert world.manager_north.get(url).get_json()["status"] == "cancelled"
