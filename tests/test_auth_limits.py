"""Rate limits of sign-in, refresh and sign-out."""

from __future__ import annotations

import os
import uuid
from datetime import timedelta

import pytest
import redis
from sqlalchemy import update

from audit_api import create_app
from audit_api.auth.models import AuthSession
from audit_api.db import db, utcnow
from tests.support.helpers import PASSWORD, created, login

TOKEN = "/api/v1/auth/token"
REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"
TWIN = "kumquat tramway at noon"


def _from(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


@pytest.mark.app_config(LOGIN_LIMIT_PER_ACCOUNT="3 per minute")
def test_failed_logins_are_limited_per_account(client, world):
    for _ in range(3):
        bad = client.post(TOKEN, json={"email": "hq@a.example", "password": "wrong password"})
        assert bad.status_code == 401
    blocked = client.post(TOKEN, json={"email": "hq@a.example", "password": PASSWORD})
    assert blocked.status_code == 429
    assert set(blocked.get_json()) == {"code", "status", "message", "errors", "reason"}
    assert blocked.get_json()["reason"] == "rate_limited"
    assert int(blocked.headers["Retry-After"]) > 0
    # Another account from the same address is not affected.
    other = client.post(TOKEN, json={"email": "hq@b.example", "password": PASSWORD})
    assert other.status_code == 200


@pytest.mark.app_config(LOGIN_LIMIT_PER_ACCOUNT="2 per minute")
def test_successful_logins_do_not_lock_the_account(client, world):
    for _ in range(4):
        ok = client.post(TOKEN, json={"email": "hq@a.example", "password": PASSWORD})
        assert ok.status_code == 200


@pytest.mark.app_config(LOGIN_LIMIT_PER_ADDRESS="6 per minute")
def test_logins_are_limited_per_address(client, world):
    def attempt(email, address):
        body = {"email": email, "password": PASSWORD}
        return client.post(TOKEN, json=body, environ_base={"REMOTE_ADDR": address})

    # Any account, right or wrong password: it is the address that is counted.
    for email in ("hq@a.example", "hq@b.example", "nobody@x.example") * 2:
        assert attempt(email, "10.1.1.1").status_code in (200, 401)
    blocked = attempt("hq@a.example", "10.1.1.1")
    assert blocked.status_code == 429
    assert "limit" in blocked.get_json()["message"]
    assert attempt("hq@a.example", "10.1.1.2").status_code == 200


@pytest.mark.skipif(
    not os.environ.get("AUDIT_TEST_REDIS_URL"), reason="set AUDIT_TEST_REDIS_URL (CI does)"
)
def test_login_limits_are_shared_through_redis(app, world):
    # Two app instances (two workers) counting against one Redis.
    settings = {
        **app.config,
        "RATELIMIT_STORAGE_URI": os.environ["AUDIT_TEST_REDIS_URL"],
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "LOGIN_LIMIT_PER_ACCOUNT": "2 per minute",
    }
    worker_a = create_app(settings).test_client()
    worker_b = create_app(settings).test_client()
    body = {"email": "hq@a.example", "password": "wrong password"}
    assert worker_a.post(TOKEN, json=body).status_code == 401
    assert worker_b.post(TOKEN, json=body).status_code == 401
    assert worker_a.post(TOKEN, json=body).status_code == 429
    # The counts live in Redis, where every worker process sees them.
    keys = redis.Redis.from_url(settings["RATELIMIT_STORAGE_URI"]).keys("*test-*")
    assert any(settings["RATELIMIT_KEY_PREFIX"].encode() in key for key in keys)


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


def _sign_in(client, address: str, password: str = PASSWORD, **extra):
    body = {"email": "hq@a.example", "password": password, **extra}
    return client.post(TOKEN, json=body, **_from(address))


@pytest.mark.app_config(LOGIN_LIMIT_PER_ACCOUNT="3 per minute")
def test_failures_from_elsewhere_do_not_lock_the_owner_out(client, world):
    for _ in range(3):
        assert _sign_in(client, "10.6.6.6", "wrong password").status_code == 401
    assert _sign_in(client, "10.6.6.6").status_code == 429  # that address, that account
    assert _sign_in(client, "10.1.1.1").status_code == 200  # the owner, elsewhere


@pytest.mark.app_config(LOGIN_LIMIT_UNTRUSTED="4 per minute")
def test_distributed_guessing_is_slowed_but_the_owners_phone_gets_in(client, world):
    first = _sign_in(client, "10.1.1.1")
    device_token = first.get_json()["device_token"]
    for n in range(4):  # one guess from each of many addresses
        assert _sign_in(client, f"10.7.0.{n}", "wrong password").status_code == 401
    # The account's budget for unknown clients is spent, right password or not...
    stranger = _sign_in(client, "10.7.0.9")
    assert stranger.status_code == 429 and int(stranger.headers["Retry-After"]) > 0
    assert _sign_in(client, "10.1.1.2").status_code == 429  # the owner, on a new device
    # ...but the owner's phone, which signed in before, still does.
    phone = _sign_in(client, "10.1.1.1", device_token=device_token)
    assert phone.status_code == 200
    assert phone.get_json()["device_token"] != device_token  # a fresh one each time
    assert (
        _sign_in(client, "10.2.2.2", device_token=phone.get_json()["device_token"]).status_code
        == 200
    )


@pytest.mark.app_config(LOGIN_LIMIT_PER_DEVICE="2 per minute")
def test_a_device_token_has_a_failure_limit_of_its_own(client, world):
    device_token = _sign_in(client, "10.1.1.1").get_json()["device_token"]
    for _ in range(2):
        wrong = _sign_in(client, "10.1.1.1", "wrong password", device_token=device_token)
        assert wrong.status_code == 401
    assert _sign_in(client, "10.1.1.1", device_token=device_token).status_code == 429
    # The account is not locked: without that token (or with another one) it signs in.
    other = _sign_in(client, "10.1.1.1")
    assert other.status_code == 200
    assert (
        _sign_in(client, "10.1.1.1", device_token=other.get_json()["device_token"]).status_code
        == 200
    )


@pytest.mark.app_config(LOGIN_LIMIT_UNTRUSTED="2 per minute")
def test_a_device_token_of_another_account_or_forged_counts_as_none(client, world):
    body = {"email": "hq@b.example", "password": PASSWORD}
    theirs = client.post(TOKEN, json=body).get_json()["device_token"]
    forged = theirs[:-4] + ("AAAA" if not theirs.endswith("AAAA") else "BBBB")
    for n, token in enumerate((theirs, forged)):
        wrong = _sign_in(client, f"10.8.0.{n}", "wrong password", device_token=token)
        assert wrong.status_code == 401
    assert _sign_in(client, "10.8.0.9", device_token=theirs).status_code == 429
    assert _sign_in(client, "10.8.0.9", device_token="not a token").status_code == 429


def _org_ids(world) -> tuple[int, int]:
    return tuple(c.get("/api/v1/me").get_json()["org"]["id"] for c in (world.hq, world.hq_b))


@pytest.mark.app_config(LOGIN_LIMIT_UNTRUSTED="2 per minute")
def test_a_device_token_of_a_twin_in_another_organization_counts_as_none(client, world):
    mine = _sign_in(client, "10.1.1.1").get_json()["device_token"]  # A's HQ's phone
    # Brand B's HQ makes an account with A's HQ e-mail and signs in to it for a device token.
    twin = {"email": "hq@a.example", "name": "Twin", "role": "auditor", "password": TWIN}
    created(world.hq_b.post("/api/v1/users", json=twin))
    org_a, org_b = _org_ids(world)
    theirs = _sign_in(client, "10.8.1.1", TWIN, org_id=org_b).get_json()["device_token"]
    # Guesses at A's account with it count as a stranger's, from wherever they come.
    for n in range(2):
        extra = {"device_token": theirs, "org_id": org_a} if n else {"device_token": theirs}
        assert _sign_in(client, f"10.8.1.{n}", "wrong password", **extra).status_code == 401
    assert _sign_in(client, "10.8.1.9", device_token=theirs, org_id=org_a).status_code == 429
    # The token still vouches for the twin itself, and A's own phone is unaffected.
    assert _sign_in(client, "10.8.1.9", TWIN, device_token=theirs, org_id=org_b).status_code == 200
    assert _sign_in(client, "10.1.1.1", device_token=mine, org_id=org_a).status_code == 200


@pytest.mark.app_config(LOGIN_LIMIT_UNTRUSTED="4 per minute")
def test_an_address_the_owner_signed_in_from_lately_skips_the_spent_budget(app, client, world):
    assert _sign_in(client, "10.1.1.1").status_code == 200  # the device token is lost
    assert (
        client.post(
            TOKEN, json={"email": "hq@b.example", "password": PASSWORD}, **_from("10.7.0.8")
        ).status_code
        == 200
    )  # someone else's account
    for n in range(4):
        assert _sign_in(client, f"10.7.0.{n}", "wrong password").status_code == 401
    assert _sign_in(client, "10.7.0.9").status_code == 429  # a new address
    assert _sign_in(client, "10.7.0.8").status_code == 429  # known to another account only
    # A new phone on the office network the owner signed in from last week gets in.
    assert _sign_in(client, "10.1.1.1").status_code == 200
    # Not once that sign-in is older than LOGIN_KNOWN_ADDRESS_TTL (30 days).
    with app.app_context():
        long_ago = utcnow() - timedelta(days=31)
        db.session.execute(update(AuthSession).values(created_at=long_ago))
        db.session.commit()
    assert _sign_in(client, "10.1.1.1").status_code == 429
