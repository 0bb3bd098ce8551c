"""Rate limits of sign-in, refresh and sign-out."""

from __future__ import annotations

import pytest

from tests.helpers import login

REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"


def _from(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


@pytest.mark.app_config(REFRESH_LIMIT_PER_ADDRESS="3 per minute")
def test_refreshes_are_limited_per_address(client, world):
    callers = [login(client, "auditor@a.example", address=f"10.0.0.{n}") for n in range(5)]
    statuses = [
        client.post(
            REFRESH, json={"refresh_token": c.refresh_token}, **_from("10.9.9.9")
        ).status_code
        for c in callers[:4]
    ]
    assert statuses == [200, 200, 200, 429]
    other = client.post(
        REFRESH, json={"refresh_token": callers[4].refresh_token}, **_from("10.9.9.8")
    )
    assert other.status_code == 200


@pytest.mark.app_config(REFRESH_LIMIT_PER_TOKEN="2 per minute")
def test_one_refresh_token_is_limited_wherever_it_comes_from(client, world):
    caller = login(client, "auditor@a.example")
    body = {"refresh_token": caller.refresh_token}
    statuses = [
        client.post(REFRESH, json=body, **_from(f"10.0.1.{n}")).status_code for n in range(3)
    ]
    assert statuses == [200, 200, 429]  # a retry within the grace, then no more
    fresh = login(client, "auditor@a.example")
    assert client.post(REFRESH, json={"refresh_token": fresh.refresh_token}).status_code == 200


@pytest.mark.app_config(LOGOUT_LIMIT_PER_ADDRESS="2 per minute")
def test_sign_outs_are_limited_per_address(client, world):
    callers = [login(client, "auditor@a.example") for _ in range(3)]
    statuses = [
        client.post(
            LOGOUT, json={"refresh_token": c.refresh_token}, **_from("10.0.2.1")
        ).status_code
        for c in callers
    ]
    assert statuses == [204, 204, 429]
