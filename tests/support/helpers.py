"""Test helpers: an authenticated caller and a small two-organization world."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from audit_api.orgs.service import create_org

PASSWORD = "correct horse battery"


class Caller:
    """A test client that sends one user's bearer token with every request."""

    def __init__(self, client: FlaskClient, token: str, refresh_token: str = "") -> None:
        self.client, self.token, self.refresh_token = client, token, refresh_token

    def _call(self, method: str, path: str, **kwargs: Any) -> TestResponse:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self._call("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> TestResponse:
        return self._call("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> TestResponse:
        return self._call("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> TestResponse:
        return self._call("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> TestResponse:
        return self._call("DELETE", path, **kwargs)


def login(
    client: FlaskClient,
    email: str,
    password: str = PASSWORD,
    *,
    address: str = "127.0.0.1",
    org_id: int | None = None,
) -> Caller:
    """Sign in through the API (from a client address, to an organization if given) and
    return a caller with the tokens."""
    body: dict[str, Any] = {"email": email, "password": password}
    if org_id is not None:
        body["org_id"] = org_id
    response = client.post("/api/v1/auth/token", json=body, environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    return Caller(client, body["access_token"], body["refresh_token"])


def created(response: TestResponse) -> dict[str, Any]:
    """The body of a 201 response (asserting it is one)."""
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def location_payload(code: str, **extra: Any) -> dict[str, Any]:
    """A valid location body."""
    return {
        "code": code,
        "name": f"Tienda {code}",
        "address": "Av. Providencia 2124, Santiago",
        "phone": "+56 2 2233 4455",
        "timezone": "America/Santiago",
        "latitude": -33.42,
        "longitude": -70.61,
        **extra,
    }


@dataclass
class World:
    """Org A: regions north > north_east and south; locations n1, ne1, s1; one user per role.

    manager_north has region north in scope (so n1 and ne1); manager_s1 has location s1 only.
    Org B: its own HQ admin and location b1.
    """

    hq: Caller
    manager_north: Caller
    manager_s1: Caller
    auditor: Caller
    hq_b: Caller
    ids: dict[str, int] = field(default_factory=dict)

    def seen_by(self, client: FlaskClient) -> World:
        """The same users and tokens, calling through another test client."""
        callers = {
            name: Caller(client, caller.token, caller.refresh_token)
            for name in ("hq", "manager_north", "manager_s1", "auditor", "hq_b")
            for caller in [getattr(self, name)]
        }
        return World(**callers, ids=dict(self.ids))


def _org(app: Flask, name: str, email: str) -> None:
    with app.app_context():
        create_org(name, {"email": email, "name": "HQ", "password": PASSWORD})


def build_world(app: Flask, client: FlaskClient) -> World:
    """Create both organizations through the CLI service and the API."""
    _org(app, "Brand A", "hq@a.example")
    _org(app, "Brand B", "hq@b.example")
    hq, hq_b = login(client, "hq@a.example"), login(client, "hq@b.example")
    ids: dict[str, int] = {}
    ids["north"] = created(hq.post("/api/v1/regions", json={"name": "North"}))["id"]
    ids["north_east"] = created(
        hq.post("/api/v1/regions", json={"name": "North-East", "parent_id": ids["north"]})
    )["id"]
    ids["south"] = created(hq.post("/api/v1/regions", json={"name": "South"}))["id"]
    for key, region in (("n1", "north"), ("ne1", "north_east"), ("s1", "south")):
        body = location_payload(key.upper(), region_id=ids[region])
        ids[key] = created(hq.post("/api/v1/locations", json=body))["id"]
    ids["b1"] = created(hq_b.post("/api/v1/locations", json=location_payload("B1")))["id"]
    users = {
        "manager_north": ("manager", {"region_ids": [ids["north"]], "location_ids": []}),
        "manager_s1": ("manager", {"region_ids": [], "location_ids": [ids["s1"]]}),
        "auditor": ("auditor", None),
    }
    for key, (role, scope) in users.items():
        body = {"email": f"{key}@a.example", "name": key, "role": role, "password": PASSWORD}
        if scope:
            body["scope"] = scope
        ids[key] = created(hq.post("/api/v1/users", json=body))["id"]
    ids["hq"] = hq.get("/api/v1/me").get_json()["id"]
    ids["hq_b"] = hq_b.get("/api/v1/me").get_json()["id"]
    return World(
        hq=hq,
        manager_north=login(client, "manager_north@a.example"),
        manager_s1=login(client, "manager_s1@a.example"),
        auditor=login(client, "auditor@a.example"),
        hq_b=hq_b,
        ids=ids,
    )
