"""Requests racing each other on the same rows (SQLite and PostgreSQL)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from audit_api.auth.models import RefreshToken
from audit_api.db import db
from tests.helpers import location_payload, login

THREADS = 8


def test_simultaneous_refreshes_with_one_token_get_one_successor(app, world):
    caller = login(app.test_client(), "auditor@a.example")

    def refresh(_: int):
        response = app.test_client().post(
            "/api/v1/auth/refresh", json={"refresh_token": caller.refresh_token}
        )
        return response.status_code, response.get_json().get("refresh_token")

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(refresh, range(THREADS)))
    assert {status for status, _ in results} == {200}
    assert len({token for _, token in results}) == 1
    with app.app_context():
        first = db.session.get(RefreshToken, caller.refresh_token.split(".")[0])
        family = select(func.count()).where(RefreshToken.session_id == first.session_id)
        # The login's token and exactly one successor: the family did not branch.
        assert db.session.scalar(family) == 2


def test_simultaneous_creates_of_one_code_make_one_location(app, world):
    token = world.hq.token

    def create(_: int) -> int:
        response = app.test_client().post(
            "/api/v1/locations",
            json=location_payload("RACE-1"),
            headers={"Authorization": f"Bearer {token}"},
        )
        return response.status_code

    with ThreadPoolExecutor(THREADS) as pool:
        statuses = sorted(pool.map(create, range(THREADS)))
    assert statuses == [201] + [409] * (THREADS - 1)
    listed = world.hq.get("/api/v1/locations", query_string={"q": "RACE-1"}).get_json()
    assert len(listed) == 1
