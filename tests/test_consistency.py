"""One way everywhere: times, grades, the export's columns and a new draft's ETag."""

from __future__ import annotations

import json
import re

import pytest

from tests.support.audit_helpers import assign, call_answers, call_audit, new_id

AUDITS = "/api/v1/audits"
RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
LOOKS_LIKE_A_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d|\d\d:\d\d:\d\d GMT")


@pytest.fixture
def approved(world):
    """A self-call of n1 by the auditor (critical answered_by failed), approved by
    manager_north; returns its id."""
    assignment = assign(world, world.hq)
    body = call_audit(world, assignment, answers=call_answers(answered_by="voicemail"))
    body["call"] = {
        "dialled_at": "2026-11-22T10:01:00-03:00",
        "answered_by": "voicemail",
        "holds": [{"seconds": 12, "asked_permission": True}],
    }
    audit_id = new_id()
    assert world.auditor.put(f"{AUDITS}/{audit_id}", json=body).status_code == 201
    assert world.auditor.post(f"{AUDITS}/{audit_id}/submit").status_code == 200
    review = world.manager_north.post(f"{AUDITS}/{audit_id}/review", json={"decision": "approve"})
    assert review.status_code == 200
    return audit_id


def _times(value, path="") -> list[tuple[str, str]]:
    """Every string in a JSON value that looks like a time, with its path."""
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in _times(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [t for n, v in enumerate(value) for t in _times(v, f"{path}[{n}]")]
    if isinstance(value, str) and LOOKS_LIKE_A_TIME.search(value):
        return [(path, value)]
    return []


def test_every_time_in_every_answer_is_rfc3339_in_utc(world, approved):
    assignment_id = world.hq.get(f"{AUDITS}/{approved}").get_json()["assignment_id"]
    urls = [
        f"{AUDITS}/{approved}",
        f"{AUDITS}/{approved}/events",
        f"/api/v1/assignments/{assignment_id}",
        "/api/v1/assignments",
        "/api/v1/checklists/self-call/versions/1",
        "/api/v1/checklists",
        "/api/v1/me",
        "/api/v1/users",
        f"/api/v1/locations/{world.ids['n1']}/scorecard?from=2026-11-01&to=2026-11-30",
    ]
    seen = []
    for url in urls:
        response = world.hq.get(url)
        assert response.status_code == 200, url
        seen += [(url, *found) for found in _times(response.get_json())]
    wrong = [entry for entry in seen if not RFC3339_UTC.match(entry[2])]
    assert not wrong, wrong
    paths = {path for _, path, _ in seen}
    assert ".call.dialled_at" in paths and ".checklist.created_at" in paths  # nested ones too
    audit = world.hq.get(f"{AUDITS}/{approved}").get_json()
    assert audit["call"]["dialled_at"] == "2026-11-22T13:01:00Z"  # sent at -03:00


def test_a_time_without_an_offset_is_refused_in_plain_words(world):
    from tests.support.audit_helpers import assignment_body

    naive = world.hq.post(
        "/api/v1/assignments", json=assignment_body(world, due_from="2026-11-20T09:00:00")
    )
    assert naive.status_code == 422
    assert naive.get_json()["errors"]["due_from"] == [
        "needs a timezone offset, e.g. 2026-11-21T15:00:00Z or 2026-11-21T12:00:00-03:00"
    ]
    garbage = world.hq.post("/api/v1/assignments", json=assignment_body(world, due_to="soon"))
    assert "RFC 3339" in garbage.get_json()["errors"]["due_to"][0]
    day = world.hq.get("/api/v1/audits?from=21-11-2026")
    assert day.get_json()["errors"]["from"] == ["must be a date as YYYY-MM-DD, e.g. 2026-11-21"]


def _grades(world, audit_id: str, headers: dict, query: str = "") -> tuple:
    """The grade as the audit, the scorecard and the export give it."""
    audit = world.hq.get(f"{AUDITS}/{audit_id}{query}", headers=headers).get_json()
    sep = "&" if query else "?"
    window = f"{query}{sep}from=2026-11-01&to=2026-11-30"
    card = world.hq.get(
        f"/api/v1/locations/{world.ids['n1']}/scorecard{window}", headers=headers
    ).get_json()
    export = world.hq.get(f"/api/v1/exports/audits.jsonl{query}", headers=headers)
    row = json.loads(export.get_data(as_text=True).splitlines()[0])
    return audit["score"]["grade"], card["latest_audits"][0]["grade"], row["grade"]


def test_grades_follow_lang_then_accept_language_then_the_first_language(world, approved):
    assert _grades(world, approved, {}) == ("Deficiente",) * 3  # the checklist's first: es
    english = {"Accept-Language": "en-GB,en;q=0.9"}
    assert _grades(world, approved, english) == ("Poor",) * 3
    spanish = {"Accept-Language": "es-CL"}
    assert _grades(world, approved, spanish, "?lang=en") == ("Poor",) * 3


def test_the_audits_export_means_what_the_api_means(world, approved):
    audit = world.hq.get(f"{AUDITS}/{approved}").get_json()
    text = world.hq.get("/api/v1/exports/audits.jsonl").get_data(as_text=True)
    row = json.loads(text.splitlines()[0])
    assert row["submitted_at"] == audit["submitted_at"] == "2026-11-22T13:07:00Z"  # the device's
    assert row["received_at"] == audit["received_at"] != row["submitted_at"]
    assert row["critical_failures"] == ["answered_by"] == audit["score"]["critical_failures"]
    csv_text = world.hq.get("/api/v1/exports/audits.csv").get_data(as_text=True)
    header, first = csv_text.splitlines()[:2]
    assert "submitted_at,received_at" in header and "answered_by" in first


def test_an_export_row_without_critical_failures_has_an_empty_list(world):
    assignment = assign(world, world.hq)
    audit_id = new_id()
    body = call_audit(world, assignment)
    assert world.auditor.post(f"{AUDITS}/{audit_id}/submit", json=body).status_code == 200
    text = world.hq.get("/api/v1/exports/audits.jsonl?status=all").get_data(as_text=True)
    assert json.loads(text.splitlines()[0])["critical_failures"] == []


def revision(etag: str) -> int:
    return int(re.fullmatch(r'"audits-[0-9a-f-]+-r(\d+)(\.[0-9a-f]+)?"', etag)[1])


def test_a_new_drafts_etag_is_its_first_revision(world):
    audit_id, body = new_id(), call_audit(world, assign(world, world.hq))
    url = f"{AUDITS}/{audit_id}"
    first = world.auditor.put(url, json=body)
    # The row's revision, then (a composed view) its content's digest: `"audits-<id>-r1.<hex>"`.
    assert first.status_code == 201 and revision(first.headers["ETag"]) == 1
    assert world.auditor.get(url).headers["ETag"] == first.headers["ETag"]
    assert world.auditor.put(url, json=body).headers["ETag"] == first.headers["ETag"]
    body["answers"][0]["value"] = 4
    edited = world.auditor.put(url, json=body, headers={"If-Match": first.headers["ETag"]})
    assert edited.status_code == 200 and revision(edited.headers["ETag"]) == 2
    stale = world.auditor.put(url, json=body, headers={"If-Match": first.headers["ETag"]})
    assert stale.status_code == 412
