"""Every protected operation in the OpenAPI document refuses callers without a live token."""

from __future__ import annotations

import re

import pytest

from tests.helpers import login


def _sample(match: re.Match) -> str:
    """A well-formed value for a path parameter, so routing reaches the view."""
    uuid = "0b7e4f52-9c1d-4f4e-8a43-2f1d5c6b7a80"
    samples = {"audit_id": uuid, "photo_id": uuid, "fmt": "csv", "key": "x"}
    return samples.get(match.group(1), "1")


def _operations(app) -> list[tuple[str, str]]:
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    found = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"} and operation.get(
                "security", spec["security"]
            ):
                found.append((method.upper(), re.sub(r"\{([^}]+)\}", _sample, path)))
    return found


def test_the_document_marks_only_the_auth_endpoints_public(app):
    protected = {path for _, path in _operations(app)}
    assert "/api/v1/auth/token" not in protected
    assert {"/api/v1/me", "/api/v1/users", "/api/v1/locations/1"} <= protected


@pytest.mark.parametrize("credential", ["none", "garbage", "revoked", "deactivated"])
def test_every_protected_operation_is_401_without_a_live_token(app, client, world, credential):
    headers = {}
    if credential == "garbage":
        headers = {"Authorization": "Bearer nonsense"}
    elif credential == "revoked":
        caller = login(client, "hq@a.example")
        assert caller.post("/api/v1/auth/logout").status_code == 204
        headers = {"Authorization": f"Bearer {caller.token}"}
    elif credential == "deactivated":
        caller = login(client, "auditor@a.example")
        world.hq.delete(f"/api/v1/users/{world.ids['auditor']}")
        headers = {"Authorization": f"Bearer {caller.token}"}
    operations = _operations(app)
    assert len(operations) >= 13
    for method, path in operations:
        response = client.open(path, method=method, headers=headers, json={})
        assert response.status_code == 401, (method, path, response.get_json())
