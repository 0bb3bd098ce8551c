"""Every error body names its reason: one catalogue (audit_api/errors.py), in the OpenAPI
document and docs/errors.md, and a specific reason for each cause."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt

from audit_api.auth.tokens import encode_access
from audit_api.error_handlers import HTTP_REASONS
from audit_api.errors import Reason, reason_table
from tests.support.audit_helpers import assign, assignment_body, call_audit, new_id
from tests.support.helpers import login
from tests.support.photo_helpers import jpeg, upload
from tests.test_photos import draft

ROOT = Path(__file__).resolve().parent.parent
AUDITS = "/api/v1/audits"


def _reason(response, status: int) -> str:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    return response.get_json()["reason"]


def test_the_catalogue_is_well_formed():
    for reason in Reason:
        assert re.fullmatch(r"[a-z]+(_[a-z0-9]+)*", reason.name), reason.name
        assert 400 <= reason.status < 600
        assert reason.description.endswith(".") and "\n" not in reason.description


def test_every_reason_is_raised_somewhere_and_every_one_raised_exists():
    source = "\n".join(p.read_text() for p in (ROOT / "audit_api").rglob("*.py"))
    used = set(re.findall(r"\bReason\.([a-z_0-9]+)", source))
    names = {r.name for r in Reason}
    assert used - names == set(), "raised but not in the catalogue"
    by_handler = {reason.name for reason, _ in HTTP_REASONS.values()}
    assert names - used - by_handler == set(), "in the catalogue but never raised"


def test_errors_are_raised_by_reason_only():
    """`Conflict("...")` names no reason: services raise `Reason.x.error("...")` instead."""
    classes = "BadRequest|Unauthorized|Forbidden|NotFound|Conflict|PreconditionFailed|Invalid"
    classes += "|PayloadTooLarge|UnsupportedMediaType|Unavailable|DomainError"
    made = re.compile(rf"(?<![\w.])({classes})\(")
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in (ROOT / "audit_api").rglob("*.py")
        if path.name != "errors.py"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if made.search(line) and not line.lstrip().startswith("class ")
    ]
    assert not found, found


def test_docs_and_openapi_list_the_catalogue(client):
    assert reason_table() in (ROOT / "docs" / "errors.md").read_text()
    spec = client.get("/api/v1/openapi.json").get_json()
    reason = spec["components"]["schemas"]["Error"]["properties"]["reason"]
    assert reason["enum"] == [r.name for r in Reason]
    assert reason["x-enum-descriptions"] == [r.description for r in Reason]
    assert set(spec["components"]["schemas"]["Error"]["required"]) == {
        "code",
        "status",
        "message",
        "errors",
        "reason",
    }


def test_token_reasons(app, client, world):
    claims = jwt.decode(world.hq.token, options={"verify_signature": False})
    past = datetime.now(UTC) - timedelta(hours=2)
    expired = encode_access(app.config["SECRET_KEY"], int(claims["sub"]), claims["sid"], past, 60)
    me = "/api/v1/me"
    answer = client.get(me, headers={"Authorization": f"Bearer {expired}"})
    assert _reason(answer, 401) == "token_expired"
    assert _reason(client.get(me, headers={"Authorization": "Bearer x.y.z"}), 401) == (
        "token_invalid"
    )
    signed_out = login(client, "hq@a.example")
    assert signed_out.post("/api/v1/auth/logout").status_code == 204
    assert _reason(signed_out.get(me), 401) == "token_revoked"
    wrong = client.post("/api/v1/auth/token", json={"email": "hq@a.example", "password": "x"})
    assert _reason(wrong, 401) == "bad_credentials"


def test_access_reasons(world):
    assert _reason(world.auditor.get("/api/v1/users"), 403) == "forbidden"
    assert _reason(world.hq.get(f"{AUDITS}/{uuid.uuid4()}"), 404) == "not_found"
    region = world.hq.get(f"/api/v1/regions/{world.ids['north']}")
    stale = world.hq.patch(
        f"/api/v1/regions/{world.ids['north']}",
        json={"name": "Norte"},
        headers={"If-Match": '"regions-0-r0"'},
    )
    assert region.status_code == 200 and _reason(stale, 412) == "stale_etag"


def test_audit_and_assignment_reasons(world):
    assignment = assign(world, world.hq)
    audit_id = new_id()
    body = call_audit(world, assignment)
    assert world.auditor.put(f"{AUDITS}/{audit_id}", json=body).status_code == 201
    assert world.auditor.post(f"{AUDITS}/{audit_id}/submit").status_code == 200
    again = world.auditor.put(f"{AUDITS}/{audit_id}", json=body)
    assert _reason(again, 409) == "audit_not_editable"
    changed = world.auditor.post(
        f"{AUDITS}/{audit_id}/submit", json={**body, "answers": body["answers"][:-1]}
    )
    assert _reason(changed, 409) == "submitted_differently"
    reassign = world.hq.patch(
        f"/api/v1/assignments/{assignment['id']}", json={"auditor_id": world.ids["hq"]}
    )
    assert _reason(reassign, 409) == "assignment_done"
    own = world.manager_north.post(f"{AUDITS}/{audit_id}/review", json={"decision": "return"})
    assert _reason(own, 422) == "note_required"
    second = world.auditor.put(f"{AUDITS}/{new_id()}", json=body)
    assert _reason(second, 409) == "assignment_done"
    self_audit = world.auditor.put(f"{AUDITS}/{new_id()}", json=call_audit(world))
    assert _reason(self_audit, 403) == "assignment_required"


def test_photo_reasons(world):
    audit_id = draft(world)
    photo_id = str(uuid.uuid4())
    assert upload(world.manager_north, audit_id, jpeg(1), photo_id=photo_id).status_code == 201
    other = upload(world.manager_north, audit_id, jpeg(2), photo_id=photo_id)
    assert _reason(other, 409) == "photo_differs"
    broken = upload(world.manager_north, audit_id, b"not an image at all")
    assert _reason(broken, 422) == "photo_unreadable"
    text = upload(world.manager_north, audit_id, jpeg(3), content_type="text/plain")
    assert _reason(text, 415) == "unsupported_media_type"
    pending = str(uuid.uuid4())
    form = {"photo_id": pending, "content_type": "image/jpeg", "size": 1000}
    started = world.manager_north.post(f"{AUDITS}/{audit_id}/photos/uploads", json=form)
    assert started.status_code == 201
    early = world.manager_north.post(f"{AUDITS}/{audit_id}/photos/{pending}/complete")
    assert _reason(early, 409) == "photo_not_uploaded"


def test_request_reasons(world):
    url = "/api/v1/regions"
    broken = world.hq.post(url, data="{", content_type="application/json")
    assert _reason(broken, 400) == "malformed_json"
    assert _reason(world.hq.post(url, json={"name": ""}), 422) == "validation_failed"
    nul = world.hq.post(url, json={"name": "a\u0000b"})
    assert _reason(nul, 422) == "unstorable_text"
    key = {"Idempotency-Key": "k-1"}
    path = "/api/v1/assignments"
    first = world.hq.post(path, json=assignment_body(world), headers=key)
    assert first.status_code == 201
    other = world.hq.post(path, json=assignment_body(world, kind="visit"), headers=key)
    assert _reason(other, 422) == "idempotency_key_reused"
