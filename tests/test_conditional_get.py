"""Conditional GETs (RFC 9110): If-None-Match naming the current ETag answers 304 without a
body; a changed resource answers 200 with a new ETag; If-Match still guards updates."""

from __future__ import annotations

import io

import pytest

from tests.support.audit_helpers import assign, call_audit, new_id
from tests.support.photo_helpers import jpeg

AUDITS = "/api/v1/audits"


def _not_modified(caller, url: str, condition: str) -> bool:
    response = caller.get(url, headers={"If-None-Match": condition})
    if response.status_code == 304:
        assert (
            response.get_data() == b""
            and response.headers["ETag"] == caller.get(url).headers["ETag"]
        )
        assert "Content-Type" not in response.headers
        return True
    assert response.status_code == 200, response.get_json()
    return False


def _single_resources(world) -> dict[str, tuple]:
    """(caller, url) of one resource of each kind that answers with an ETag."""
    assignment = assign(world)
    audit_id = new_id()
    body = call_audit(world, assignment)
    assert world.auditor.put(f"{AUDITS}/{audit_id}", json=body).status_code == 201
    return {
        "audit": (world.auditor, f"{AUDITS}/{audit_id}"),
        "assignment": (world.manager_north, f"/api/v1/assignments/{assignment['id']}"),
        "checklist version": (world.hq, "/api/v1/checklists/self-call/versions/1"),
        "location": (world.hq, f"/api/v1/locations/{world.ids['n1']}"),
    }


@pytest.mark.parametrize("kind", ["audit", "assignment", "checklist version", "location"])
def test_a_matching_if_none_match_answers_304_without_a_body(world, kind):
    caller, url = _single_resources(world)[kind]
    first = caller.get(url)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag.startswith('"')
    assert _not_modified(caller, url, etag)
    assert _not_modified(caller, url, f"W/{etag}")  # weak comparison: W/ matches too
    assert _not_modified(caller, url, f'"elsewhere", {etag}')  # any tag of a list
    assert _not_modified(caller, url, "*")  # any current representation
    assert not _not_modified(caller, url, '"elsewhere", W/"other"')
    head = caller.client.head(url, headers={"Authorization": f"Bearer {caller.token}"})
    assert head.status_code == 200
    assert (
        caller.client.head(
            url, headers={"Authorization": f"Bearer {caller.token}", "If-None-Match": etag}
        ).status_code
        == 304
    )


def test_a_change_of_the_audit_gives_a_new_etag_and_a_full_answer(world):
    assignment = assign(world)
    audit_id, body = new_id(), call_audit(world, assignment)
    url = f"{AUDITS}/{audit_id}"
    etag = world.auditor.put(url, json=body).headers["ETag"]
    assert world.auditor.get(url).headers["ETag"] == etag  # the PUT's ETag is the GET's
    assert _not_modified(world.auditor, url, etag)
    changed = {**body, "answers": body["answers"][:3]}
    assert world.auditor.put(url, json=changed, headers={"If-Match": etag}).status_code == 200
    assert not _not_modified(world.auditor, url, etag)


def test_a_photo_added_to_the_audit_changes_its_etag(world):
    """The audit's row does not change when a photo arrives, but its answer does."""
    url, body = f"{AUDITS}/{new_id()}", call_audit(world, assign(world))
    etag = world.auditor.put(url, json=body).headers["ETag"]
    upload = {"photo_id": new_id(), "file": (io.BytesIO(jpeg()), "p.jpg", "image/jpeg")}
    posted = world.auditor.post(f"{url}/photos", data=upload, content_type="multipart/form-data")
    assert posted.status_code == 201, posted.get_json()
    assert not _not_modified(world.auditor, url, etag)
    # The row did not change: the ETag the phone holds still passes If-Match on its next PUT.
    assert world.auditor.put(url, json=body, headers={"If-Match": etag}).status_code == 200


def test_the_language_of_the_answer_is_part_of_its_etag(world):
    url = "/api/v1/checklists/self-call/versions/1"
    spanish = world.hq.get(url, headers={"Accept-Language": "es"})
    english = world.hq.get(url, headers={"Accept-Language": "en"})
    assert spanish.headers["ETag"] != english.headers["ETag"]
    stale = world.hq.get(
        url, headers={"Accept-Language": "en", "If-None-Match": spanish.headers["ETag"]}
    )
    assert stale.status_code == 200 and stale.headers["Content-Language"] == "en"


def test_an_assignment_whose_audit_begins_changes_its_etag(world):
    assignment = assign(world)
    url = f"/api/v1/assignments/{assignment['id']}"
    etag = world.auditor.get(url).headers["ETag"]
    assert (
        world.auditor.put(f"{AUDITS}/{new_id()}", json=call_audit(world, assignment)).status_code
        == 201
    )
    response = world.auditor.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200 and response.get_json()["audit_id"]


def test_if_none_match_never_hides_what_the_caller_may_not_see(world):
    caller, url = _single_resources(world)["audit"]
    etag = caller.get(url).headers["ETag"]
    assert world.hq_b.get(url, headers={"If-None-Match": etag}).status_code == 404
    assert world.manager_s1.get(url, headers={"If-None-Match": "*"}).status_code == 404


def test_writes_ignore_if_none_match_and_if_match_takes_the_full_etag(world):
    assignment = assign(world)
    url = f"/api/v1/assignments/{assignment['id']}"
    etag = world.manager_north.get(url).headers["ETag"]
    moved = world.manager_north.patch(
        url,
        json={"due_to": "2026-12-01T18:00:00-03:00"},
        headers={"If-Match": etag, "If-None-Match": etag},
    )
    assert moved.status_code == 200 and moved.headers["ETag"] != etag
    late = world.manager_north.patch(url, json={"status": "cancelled"}, headers={"If-Match": etag})
    assert late.status_code == 412
    assert (
        world.manager_north.patch(
            url, json={}, headers={"If-Match": f"W/{moved.headers['ETag']}"}
        ).status_code
        == 412
    )


def test_every_read_that_answers_304_documents_it(app):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    documented = {
        op["operationId"]
        for item in spec["paths"].values()
        for op in item.values()
        if isinstance(op, dict)
        and {"$ref": "#/components/parameters/IfNoneMatch"} in op.get("parameters", [])
        and op["responses"].get("304") == {"$ref": "#/components/responses/NotModified"}
    }
    reads = {"getAudit", "getAssignment", "getChecklistVersion", "getLocation", "getSync"}
    assert reads <= documented
