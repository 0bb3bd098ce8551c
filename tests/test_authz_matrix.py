"""The authorization matrix of docs/roles.md, over every documented operation.

Each operation names the answer each caller gets, in the order of CALLERS: HQ, a manager
with the target in scope, a manager without it, an auditor, and the HQ of another
organization. Every target is a fresh object of organization A (n1, region North, the
auditor's own assignment or audit), so a destructive request never depends on another.
A new endpoint fails `test_every_operation_is_in_the_matrix` until its row is written.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from audit_api.auth.tokens import encode_access
from tests.support.audit_helpers import call_audit
from tests.support.authz_targets import AUDITS, MINI_ANSWERS, Targets, unique
from tests.support.checklist_factory import item, raw_checklist, section
from tests.support.helpers import PASSWORD, location_payload, login
from tests.support.photo_helpers import jpeg

CALLERS = ("hq", "manager_north", "manager_s1", "auditor", "hq_b")
PUBLIC = {
    "POST /api/v1/auth/token",
    "POST /api/v1/auth/refresh",
    "POST /api/v1/auth/logout",  # any session's own token, tested in test_auth.py
    "POST /api/v1/storage/uploads",  # a signed form instead of a token (test_photo_refusals)
    "GET /healthz",  # the probes, outside the API prefix (test_contract.py)
    "GET /readyz",
}
Request = Callable[[Targets], tuple[str, dict[str, Any]]]
R = "200 200 404 200 404"  # read an object of A: HQ, in scope, not in scope, own, other org
SCORES = "200 200 404 403 404"
CHECKLIST = "200 200 200 404 404"  # an org checklist no assignment of the auditor uses
ACTION_WRITE = "200 200 404 403 404"  # an action or schedule of n1: never for auditors
HQ_ONLY = "200 403 403 403 404"
HOOKS = "/api/v1/webhooks"


def multipart(t: Targets) -> tuple[str, dict[str, Any]]:
    import io

    data = {"photo_id": str(uuid.uuid4()), "file": (io.BytesIO(jpeg()), "p.jpg", "image/jpeg")}
    return f"{AUDITS}/{t.draft()}/photos", {"data": data, "content_type": "multipart/form-data"}


MATRIX: dict[str, tuple[str, Request]] = {
    "GET /api/v1/me": ("200 200 200 200 200", lambda t: ("/api/v1/me", {})),
    # anyone signed in sets their own password (here the same again: the world keeps working)
    "POST /api/v1/me/password": (
        "204 204 204 204 204",
        lambda t: (
            "/api/v1/me/password",
            {"json": {"current_password": PASSWORD, "new_password": PASSWORD}},
        ),
    ),
    # users, regions, locations: HQ writes; managers read (users: the auditors)
    "GET /api/v1/users": ("200 200 200 403 200", lambda t: ("/api/v1/users", {})),
    "POST /api/v1/users": (
        "201 403 403 403 201",
        lambda t: (
            "/api/v1/users",
            {
                "json": {
                    "email": f"{unique('p')}@new.example",
                    "name": "N",
                    "role": "auditor",
                    "password": "correct horse battery",
                }
            },
        ),
    ),
    "GET /api/v1/users/{user_id}": (
        "200 200 200 403 404",
        lambda t: (f"/api/v1/users/{t.user()}", {}),
    ),
    "PATCH /api/v1/users/{user_id}": (
        "200 403 403 403 404",
        lambda t: (f"/api/v1/users/{t.user()}", {"json": {"name": "Otro"}}),
    ),
    "DELETE /api/v1/users/{user_id}": (
        "204 403 403 403 404",
        lambda t: (f"/api/v1/users/{t.user()}", {}),
    ),
    "GET /api/v1/regions": ("200 200 200 403 200", lambda t: ("/api/v1/regions", {})),
    "POST /api/v1/regions": (
        "201 403 403 403 201",
        lambda t: ("/api/v1/regions", {"json": {"name": unique("R")}}),
    ),
    "GET /api/v1/regions/{region_id}": (
        "200 200 404 403 404",
        lambda t: (f"/api/v1/regions/{t.region()}", {}),
    ),
    "PATCH /api/v1/regions/{region_id}": (
        "200 403 403 403 404",
        lambda t: (f"/api/v1/regions/{t.region()}", {"json": {"name": unique("R")}}),
    ),
    "DELETE /api/v1/regions/{region_id}": (
        "204 403 403 403 404",
        lambda t: (f"/api/v1/regions/{t.region()}", {}),
    ),
    "GET /api/v1/locations": ("200 200 200 200 200", lambda t: ("/api/v1/locations", {})),
    "POST /api/v1/locations": (
        "201 403 403 403 201",
        lambda t: ("/api/v1/locations", {"json": location_payload(unique("P"))}),
    ),
    "GET /api/v1/locations/{location_id}": (
        R,
        lambda t: (f"/api/v1/locations/{t.w.ids['n1']}", {}),
    ),
    "PATCH /api/v1/locations/{location_id}": (
        "200 403 403 403 404",
        lambda t: (f"/api/v1/locations/{t.location()}", {"json": {"name": "Otra"}}),
    ),
    "DELETE /api/v1/locations/{location_id}": (
        "204 403 403 403 404",
        lambda t: (f"/api/v1/locations/{t.location()}", {}),
    ),
    "GET /api/v1/locations/{location_id}/scorecard": (
        SCORES,
        lambda t: (f"/api/v1/locations/{t.w.ids['n1']}/scorecard", {}),
    ),
    # checklists: everyone reads the org's, HQ writes
    "GET /api/v1/checklists": ("200 200 200 200 200", lambda t: ("/api/v1/checklists", {})),
    "POST /api/v1/checklists": (
        "201 403 403 403 201",
        lambda t: (
            "/api/v1/checklists",
            {"json": raw_checklist([section("a", [item("x1")])], key=unique("new-"))},
        ),
    ),
    "GET /api/v1/checklists/{key}": (
        CHECKLIST,
        lambda t: ("/api/v1/checklists/mini", {}),
    ),
    "GET /api/v1/checklists/{key}/versions": (
        CHECKLIST,
        lambda t: ("/api/v1/checklists/mini/versions", {}),
    ),
    "POST /api/v1/checklists/{key}/versions": (
        "201 403 403 403 404",
        lambda t: (
            "/api/v1/checklists/mini/versions",
            {"json": raw_checklist([section("a", [item("x2")])], key="mini", version=2)},
        ),
    ),
    "GET /api/v1/checklists/{key}/versions/{version}": (
        CHECKLIST,
        lambda t: ("/api/v1/checklists/mini/versions/1", {}),
    ),
    "PUT /api/v1/checklists/{key}/versions/{version}": (
        "200 403 403 403 404",
        lambda t: _draft_put(t),
    ),
    "POST /api/v1/checklists/{key}/versions/{version}/publish": (
        "200 403 403 403 404",
        lambda t: (f"/api/v1/checklists/{t.draft_checklist()}/versions/1/publish", {}),
    ),
    "POST /api/v1/checklists/{key}/versions/{version}/score": (
        CHECKLIST,
        lambda t: ("/api/v1/checklists/mini/versions/1/score", {"json": {"answers": MINI_ANSWERS}}),
    ),
    # assignments: HQ and managers in scope schedule; auditors read their own
    "GET /api/v1/assignments": ("200 200 200 200 200", lambda t: ("/api/v1/assignments", {})),
    "POST /api/v1/assignments": (
        "201 201 404 403 404",
        lambda t: ("/api/v1/assignments", {"json": t.assignment_body()}),
    ),
    "GET /api/v1/assignments/{assignment_id}": (
        R,
        lambda t: (f"/api/v1/assignments/{t.assignment()}", {}),
    ),
    "PATCH /api/v1/assignments/{assignment_id}": (
        "200 200 404 403 404",
        lambda t: (f"/api/v1/assignments/{t.assignment()}", {"json": {"status": "cancelled"}}),
    ),
    "DELETE /api/v1/assignments/{assignment_id}": (
        "204 204 404 403 404",
        lambda t: (f"/api/v1/assignments/{t.assignment()}", {}),
    ),
    # audits: the auditor fills their own; HQ and managers in scope read and review
    "GET /api/v1/audits": ("200 200 200 200 200", lambda t: (AUDITS, {})),
    "GET /api/v1/audits/{audit_id}": (R, lambda t: (f"{AUDITS}/{t.submitted()}", {})),
    "PUT /api/v1/audits/{audit_id}": (
        "201 201 404 403 404",
        lambda t: (f"{AUDITS}/{uuid.uuid4()}", {"json": call_audit(t.w)}),
    ),
    "POST /api/v1/audits/{audit_id}/submit": (
        "403 403 404 200 404",
        lambda t: (f"{AUDITS}/{t.draft()}/submit", {}),
    ),
    "POST /api/v1/audits/{audit_id}/review": (
        "200 200 404 403 404",
        lambda t: (f"{AUDITS}/{t.submitted()}/review", {"json": {"decision": "approve"}}),
    ),
    "GET /api/v1/audits/{audit_id}/score": (R, lambda t: (f"{AUDITS}/{t.submitted()}/score", {})),
    "GET /api/v1/audits/{audit_id}/events": (R, lambda t: (f"{AUDITS}/{t.submitted()}/events", {})),
    "GET /api/v1/audits/{audit_id}/report.pdf": (
        R,
        lambda t: (f"{AUDITS}/{t.submitted()}/report.pdf", {}),
    ),
    "GET /api/v1/audits/{audit_id}/comments": (
        R,
        lambda t: (f"{AUDITS}/{t.submitted()}/comments", {}),
    ),
    "POST /api/v1/audits/{audit_id}/comments": (
        "201 201 404 201 404",
        lambda t: (f"{AUDITS}/{t.submitted()}/comments", {"json": {"body": "Bien"}}),
    ),
    "POST /api/v1/audits/{audit_id}/disputes": (
        "403 201 404 403 403",
        lambda t: (
            f"{AUDITS}/{t.approved()}/disputes",
            {"json": {"items": ["greeting_company"], "reason": "No fue así"}},
        ),
    ),
    "GET /api/v1/disputes": ("200 200 200 403 200", lambda t: ("/api/v1/disputes", {})),
    "POST /api/v1/disputes/{dispute_id}/resolve": (
        "200 403 403 403 404",
        lambda t: (f"/api/v1/disputes/{t.dispute()}/resolve", {"json": {"outcome": "upheld"}}),
    ),
    # photos: the auditor adds and removes them on their own draft; readers of the audit see
    "GET /api/v1/audits/{audit_id}/photos": (R, lambda t: (f"{AUDITS}/{t.photo()[0]}/photos", {})),
    "POST /api/v1/audits/{audit_id}/photos": ("403 403 404 201 404", multipart),
    "POST /api/v1/audits/{audit_id}/photos/uploads": (
        "403 403 404 201 404",
        lambda t: (
            f"{AUDITS}/{t.draft()}/photos/uploads",
            {"json": {"photo_id": str(uuid.uuid4()), "content_type": "image/jpeg", "size": 9}},
        ),
    ),
    "GET /api/v1/audits/{audit_id}/photos/{photo_id}": (
        R,
        lambda t: ("{}/{}/photos/{}".format(AUDITS, *t.photo()), {}),
    ),
    "DELETE /api/v1/audits/{audit_id}/photos/{photo_id}": (
        "403 403 404 204 404",
        lambda t: ("{}/{}/photos/{}".format(AUDITS, *t.photo()), {}),
    ),
    "POST /api/v1/audits/{audit_id}/photos/{photo_id}/complete": (
        "403 403 404 201 404",
        lambda t: ("{}/{}/photos/{}/complete".format(AUDITS, *t.pending_upload()), {}),
    ),
    "GET /api/v1/photos/{photo_id}/content": (
        R,
        lambda t: (f"/api/v1/photos/{t.photo()[1]}/content?variant=thumb", {}),
    ),
    "GET /api/v1/actions/{action_id}/photos": (
        ACTION_WRITE,
        lambda t: (f"/api/v1/actions/{t.action()}/photos", {}),
    ),
    "POST /api/v1/actions/{action_id}/photos": (
        ACTION_WRITE.replace("200", "201"),
        lambda t: _action_multipart(t),
    ),
    "GET /api/v1/actions/{action_id}/photos/{photo_id}/content": (
        ACTION_WRITE,
        lambda t: (
            "/api/v1/actions/{}/photos/{}/content?variant=thumb".format(*t.action_photo()),
            {},
        ),
    ),
    # schedules: HQ and managers with every location in scope
    "GET /api/v1/schedules": ("200 200 200 403 200", lambda t: ("/api/v1/schedules", {})),
    "POST /api/v1/schedules": (
        "201 201 404 403 404",
        lambda t: ("/api/v1/schedules", {"json": t.schedule_body()}),
    ),
    "GET /api/v1/schedules/{schedule_id}": (
        ACTION_WRITE,
        lambda t: (f"/api/v1/schedules/{t.schedule()}", {}),
    ),
    "PATCH /api/v1/schedules/{schedule_id}": (
        ACTION_WRITE,
        lambda t: (f"/api/v1/schedules/{t.schedule()}", {"json": {"window_days": 2}}),
    ),
    "DELETE /api/v1/schedules/{schedule_id}": (
        ACTION_WRITE.replace("200", "204"),
        lambda t: (f"/api/v1/schedules/{t.schedule()}", {}),
    ),
    "GET /api/v1/schedules/{schedule_id}/preview": (
        ACTION_WRITE,
        lambda t: (f"/api/v1/schedules/{t.schedule()}/preview", {}),
    ),
    # actions: HQ the org, managers their scope, never auditors
    "GET /api/v1/actions": ("200 200 200 403 200", lambda t: ("/api/v1/actions", {})),
    "POST /api/v1/actions": (
        ACTION_WRITE.replace("200", "201"),
        lambda t: ("/api/v1/actions", {"json": t.action_body()}),
    ),
    "GET /api/v1/actions/{action_id}": (
        ACTION_WRITE,
        lambda t: (f"/api/v1/actions/{t.action()}", {}),
    ),
    "PATCH /api/v1/actions/{action_id}": (
        ACTION_WRITE,
        lambda t: (f"/api/v1/actions/{t.action()}", {"json": {"priority": "low"}}),
    ),
    "POST /api/v1/actions/{action_id}/resolve": (
        ACTION_WRITE,
        lambda t: (f"/api/v1/actions/{t.action()}/resolve", {"json": {"note": "Hecho"}}),
    ),
    "GET /api/v1/actions/{action_id}/events": (
        ACTION_WRITE,
        lambda t: (f"/api/v1/actions/{t.action()}/events", {}),
    ),
    # sync: everyone's own work (an auditor's assignments, anyone's drafts), nobody else's
    "GET /api/v1/sync": ("200 200 200 200 200", lambda t: ("/api/v1/sync", {})),
    # scores and exports: HQ the org, managers their scope, never auditors
    "GET /api/v1/scores/locations": (
        "200 200 200 403 200",
        lambda t: ("/api/v1/scores/locations", {}),
    ),
    "GET /api/v1/scores/regions": ("200 200 200 403 200", lambda t: ("/api/v1/scores/regions", {})),
    "GET /api/v1/scores/items": ("200 200 200 403 200", lambda t: ("/api/v1/scores/items", {})),
    "GET /api/v1/exports/audits.{fmt}": (
        "200 200 200 403 200",
        lambda t: ("/api/v1/exports/audits.jsonl?status=all", {}),
    ),
    "GET /api/v1/exports/actions.{fmt}": (
        "200 200 200 403 200",
        lambda t: ("/api/v1/exports/actions.jsonl", {}),
    ),
    "GET /api/v1/exports/answers.{fmt}": (
        "200 200 200 403 200",
        lambda t: ("/api/v1/exports/answers.jsonl?status=all", {}),
    ),
    # webhooks: HQ only, its own organization's
    "GET /api/v1/webhooks": ("200 403 403 403 200", lambda t: (HOOKS, {})),
    "POST /api/v1/webhooks": (
        "201 403 403 403 201",
        lambda t: (HOOKS, {"json": {"url": "http://127.0.0.1:9/h", "events": ["audit.approved"]}}),
    ),
    "GET /api/v1/webhooks/{webhook_id}": (HQ_ONLY, lambda t: (f"{HOOKS}/{t.webhook()}", {})),
    "PATCH /api/v1/webhooks/{webhook_id}": (
        HQ_ONLY,
        lambda t: (f"{HOOKS}/{t.webhook()}", {"json": {"description": "ERP"}}),
    ),
    "DELETE /api/v1/webhooks/{webhook_id}": ("204 403 403 403 404", lambda t: _hook(t, "")),
    "POST /api/v1/webhooks/{webhook_id}/rotate-secret": (
        HQ_ONLY,
        lambda t: _hook(t, "/rotate-secret"),
    ),
    "GET /api/v1/webhooks/{webhook_id}/deliveries": (HQ_ONLY, lambda t: _hook(t, "/deliveries")),
    "POST /api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/retry": (
        "202 403 403 403 404",
        lambda t: ("{}/{}/deliveries/{}/retry".format(HOOKS, *t.delivery()), {}),
    ),
    "POST /api/v1/webhooks/{webhook_id}/replay": (
        "202 403 403 403 404",
        lambda t: (f"{HOOKS}/{t.webhook()}/replay", {"json": {"since": "2026-01-01T00:00:00Z"}}),
    ),
    "POST /api/v1/webhooks/{webhook_id}/test": ("202 403 403 403 404", lambda t: _hook(t, "/test")),
}


def _action_multipart(t: Targets) -> tuple[str, dict[str, Any]]:
    import io

    data = {"photo_id": str(uuid.uuid4()), "file": (io.BytesIO(jpeg()), "p.jpg", "image/jpeg")}
    return f"/api/v1/actions/{t.action()}/photos", {
        "data": data,
        "content_type": "multipart/form-data",
    }


def _hook(t: Targets, tail: str) -> tuple[str, dict[str, Any]]:
    return f"{HOOKS}/{t.webhook()}{tail}", {}


def _draft_put(t: Targets) -> tuple[str, dict[str, Any]]:
    key = t.draft_checklist()
    body = raw_checklist([section("a", [item("x1"), item("x2")])], key=key)
    return f"/api/v1/checklists/{key}/versions/1", {"json": body}


def _documented(app) -> set[str]:
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    methods = {"get", "post", "put", "patch", "delete"}
    return {f"{m.upper()} {p}" for p, item in spec["paths"].items() for m in item if m in methods}


def test_every_operation_is_in_the_matrix(app):
    assert _documented(app) == set(MATRIX) | PUBLIC
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    public = {
        f"{m.upper()} {p}"
        for p, item in spec["paths"].items()
        for m, op in item.items()
        if isinstance(op, dict) and op.get("security") == []
    }
    assert public == PUBLIC  # the document marks only these as needing no token
    assert _routed(app) <= _documented(app)  # and no route under /api/v1 is left undocumented


def _routed(app) -> set[str]:
    """Every method and path the app routes under /api/v1, in the OpenAPI spelling."""
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint.startswith("api-docs"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        found |= {f"{m} {path}" for m in rule.methods - {"HEAD", "OPTIONS"}}
    return found


def _org_a_markers(targets: Targets) -> list[str]:
    """Strings only organization A's data contains: e-mails, names, audit and photo ids."""
    return ["@a.example", "Brand A", "North", "Tienda N1", *targets.made]


def _expired(app, caller) -> str:
    claims = jwt.decode(caller.token, options={"verify_signature": False})
    past = datetime.now(UTC) - timedelta(hours=2)
    return encode_access(app.config["SECRET_KEY"], int(claims["sub"]), claims["sid"], past, 60)


@pytest.mark.parametrize("operation", sorted(MATRIX))
def test_each_caller_gets_what_the_roles_table_prescribes(app, client, world, operation):
    expected, make = MATRIX[operation]
    method = operation.split()[0]
    targets = Targets(world)
    got = {}
    for name, want in zip(CALLERS, expected.split(), strict=True):
        path, kwargs = make(targets)
        response = getattr(world, name)._call(method, path, **kwargs)
        got[name] = (response.status_code, int(want))
        if name == "hq_b":
            body = response.get_json(silent=True)  # None for an empty 204
            text = json.dumps(body) if body is not None else response.get_data(True)
            leaks = [m for m in _org_a_markers(targets) if m in text]
            assert not leaks, f"{operation}: another org's data in the answer: {leaks}"
    wrong = {k: v for k, v in got.items() if v[0] != v[1]}
    assert not wrong, f"{operation}: (got, prescribed) {wrong}"
    # Without a live token: none, garbage, expired, revoked, of a deactivated user.
    for header in _dead_credentials(app, client, world, targets):
        path, kwargs = make(targets)
        response = client.open(path, method=method, headers=header, **kwargs)
        assert response.status_code == 401, (operation, header, response.status_code)
        assert response.headers["WWW-Authenticate"] == "Bearer"


def _dead_credentials(app, client, world, targets: Targets) -> list[dict[str, str]]:
    revoked = login(client, "hq@a.example")
    assert revoked.post("/api/v1/auth/logout").status_code == 204
    user_id = targets.user()
    email = world.hq.get(f"/api/v1/users/{user_id}").get_json()["email"]
    deactivated = login(client, email)
    assert world.hq.delete(f"/api/v1/users/{user_id}").status_code == 204
    tokens = ["nonsense", _expired(app, world.hq), revoked.token, deactivated.token]
    return [{}] + [{"Authorization": f"Bearer {token}"} for token in tokens]
