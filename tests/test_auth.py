"""Sign-in, bearer tokens, refresh rotation with reuse detection and sign-out."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest

from audit_api.auth.tokens import encode_access
from audit_api.db import utcnow
from tests.support.helpers import PASSWORD, Caller, created, login

TOKEN = "/api/v1/auth/token"
REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"


def test_login_returns_the_token_pair_contract(client, world):
    response = client.post(TOKEN, json={"email": "HQ@A.example ", "password": PASSWORD})
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {
        "access_token",
        "refresh_token",
        "token_type",
        "expires_in",
        "device_token",
    }
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600  # ACCESS_TOKEN_TTL in TEST_SETTINGS
    me = Caller(client, body["access_token"]).get("/api/v1/me").get_json()
    assert me["email"] == "hq@a.example" and me["org"]["name"] == "Brand A"
    assert me["last_login_at"] is not None


def test_unknown_email_and_wrong_password_answer_the_same(client, world):
    unknown = client.post(TOKEN, json={"email": "nobody@a.example", "password": PASSWORD})
    wrong = client.post(TOKEN, json={"email": "hq@a.example", "password": "not the password"})
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.get_json() == wrong.get_json()


def test_deactivated_user_cannot_sign_in_and_is_cut_off_at_once(client, world):
    auditor = world.auditor
    assert auditor.get("/api/v1/me").status_code == 200
    response = world.hq.patch(f"/api/v1/users/{world.ids['auditor']}", json={"active": False})
    assert response.status_code == 200
    assert auditor.get("/api/v1/me").status_code == 401
    again = client.post(TOKEN, json={"email": "auditor@a.example", "password": PASSWORD})
    assert again.status_code == 401
    assert again.get_json()["message"] == "Invalid email or password."
    assert client.post(REFRESH, json={"refresh_token": auditor.refresh_token}).status_code == 401


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("", "token_missing"),
        ("Bearer", "token_missing"),
        ("Bearer not-a-jwt", "token_invalid"),
        ("Basic aGk6dGhlcmU=", "token_missing"),
        ("Bearer a.b.c", "token_invalid"),
    ],
)
def test_missing_or_bad_bearer_is_401(client, world, header, reason):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert set(response.get_json()) == {"code", "status", "message", "errors", "reason"}
    assert response.get_json()["reason"] == reason


def _claims(caller: Caller) -> dict:
    return jwt.decode(caller.token, options={"verify_signature": False})


def test_expired_access_token_is_401(app, client, world):
    claims = _claims(world.hq)
    past = utcnow() - timedelta(hours=1)
    secret = app.config["SECRET_KEY"]
    token = encode_access(secret, int(claims["sub"]), claims["sid"], past, ttl=60)
    response = Caller(client, token).get("/api/v1/me")
    assert response.status_code == 401
    assert "expired" in response.get_json()["message"]


def test_token_signed_with_another_key_is_401(client, world):
    claims = _claims(world.hq)
    other_key = "another-key-that-is-long-enough-for-hs256"
    token = encode_access(other_key, int(claims["sub"]), claims["sid"], utcnow(), 60)
    assert Caller(client, token).get("/api/v1/me").status_code == 401


def test_refresh_rotates_and_the_new_pair_works(client, world):
    first = login(client, "auditor@a.example")
    response = client.post(REFRESH, json={"refresh_token": first.refresh_token})
    assert response.status_code == 200
    body = response.get_json()
    assert body["refresh_token"] != first.refresh_token
    second = Caller(client, body["access_token"], body["refresh_token"])
    assert second.get("/api/v1/me").status_code == 200
    third = client.post(REFRESH, json={"refresh_token": second.refresh_token})
    assert third.status_code == 200


def test_retry_with_previous_token_within_grace_gets_the_same_successor(client, world):
    caller = login(client, "auditor@a.example")
    first = client.post(REFRESH, json={"refresh_token": caller.refresh_token}).get_json()
    # The phone lost the first response and retries with the old token.
    retry = client.post(REFRESH, json={"refresh_token": caller.refresh_token})
    assert retry.status_code == 200
    assert retry.get_json()["refresh_token"] == first["refresh_token"]
    # The chain goes on from the successor, and nothing was revoked.
    onward = client.post(REFRESH, json={"refresh_token": first["refresh_token"]})
    assert onward.status_code == 200
    assert caller.get("/api/v1/me").status_code == 200


@pytest.mark.app_config(REFRESH_REUSE_GRACE=0)
def test_reuse_after_grace_revokes_the_whole_family(client, world):
    caller = login(client, "auditor@a.example")
    first = client.post(REFRESH, json={"refresh_token": caller.refresh_token}).get_json()
    reused = client.post(REFRESH, json={"refresh_token": caller.refresh_token})
    assert reused.status_code == 401
    assert "reused" in reused.get_json()["message"]
    # Every token of the family is dead: the successor and both access tokens.
    assert client.post(REFRESH, json={"refresh_token": first["refresh_token"]}).status_code == 401
    assert Caller(client, first["access_token"]).get("/api/v1/me").status_code == 401
    assert caller.get("/api/v1/me").status_code == 401
    # Other sessions of the same user are untouched.
    assert world.auditor.get("/api/v1/me").status_code == 200


def test_reuse_of_a_token_two_rotations_back_revokes_even_within_grace(client, world):
    caller = login(client, "auditor@a.example")
    first = client.post(REFRESH, json={"refresh_token": caller.refresh_token}).get_json()
    client.post(REFRESH, json={"refresh_token": first["refresh_token"]})
    # The successor has itself been rotated: the old token is no lost-response retry.
    assert client.post(REFRESH, json={"refresh_token": caller.refresh_token}).status_code == 401
    assert caller.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize("token", ["garbage", "abc.def", "", "x" * 201])
def test_malformed_refresh_token_is_refused(client, world, token):
    response = client.post(REFRESH, json={"refresh_token": token})
    assert response.status_code in (401, 422)


def test_refresh_token_of_another_secret_is_401(client, world):
    forged = "7f1c8a52-4f55-4e6f-9a35-8a8d1f7e6b10.0000"
    assert client.post(REFRESH, json={"refresh_token": forged}).status_code == 401


def test_logout_with_bearer_revokes_access_and_refresh(client, world):
    caller = login(client, "manager_north@a.example")
    assert caller.post(LOGOUT).status_code == 204
    assert caller.get("/api/v1/me").status_code == 401
    response = client.post(REFRESH, json={"refresh_token": caller.refresh_token})
    assert response.status_code == 401


def test_logout_with_refresh_token_only(client, world):
    caller = login(client, "manager_north@a.example")
    assert client.post(LOGOUT, json={"refresh_token": caller.refresh_token}).status_code == 204
    assert caller.get("/api/v1/me").status_code == 401


def test_logout_without_credentials_is_401(client, world):
    assert client.post(LOGOUT).status_code == 401


def test_password_change_signs_the_user_out(client, world):
    auditor = world.auditor
    response = world.hq.patch(
        f"/api/v1/users/{world.ids['auditor']}", json={"password": "a quiet lantern by the river"}
    )
    assert response.status_code == 200
    assert auditor.get("/api/v1/me").status_code == 401
    fresh = login(client, "auditor@a.example", "a quiet lantern by the river")
    assert fresh.get("/api/v1/me").status_code == 200


def test_a_refresh_token_with_any_characters_is_refused_not_a_crash(client, world):
    for token in ("ñ.ñ", "abc.\u00e9\u00e9", "🙂"):
        response = client.post("/api/v1/auth/refresh", json={"refresh_token": token})
        assert response.status_code == 401, (token, response.get_json())
    nul = client.post("/api/v1/auth/refresh", json={"refresh_token": "a.\x00"})
    assert nul.status_code == 422 and "refresh_token" in nul.get_json()["errors"]


def test_token_answers_are_never_cached(client, world):
    signed_in = client.post(TOKEN, json={"email": "hq@a.example", "password": PASSWORD})
    refreshed = client.post(REFRESH, json={"refresh_token": world.auditor.refresh_token})
    for response in (signed_in, refreshed):
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Pragma"] == "no-cache"


def _org_id(caller: Caller) -> int:
    return caller.get("/api/v1/me").get_json()["org"]["id"]


SEVERAL = "This e-mail has accounts in several organizations: sign in with org_id."


def _twin(world, password: str = PASSWORD) -> int:
    """Brand B's own account with brand A's HQ e-mail."""
    body = {"email": "hq@a.example", "name": "Twin", "role": "auditor", "password": password}
    return created(world.hq_b.post("/api/v1/users", json=body))["id"]


def _sign_in(client, password: str, **extra):
    return client.post(TOKEN, json={"email": "hq@a.example", "password": password, **extra})


def test_one_email_in_two_organizations_asks_for_org_id_naming_none(client, world):
    _twin(world)
    org_a, org_b = _org_id(world.hq), _org_id(world.hq_b)
    both = _sign_in(client, PASSWORD)
    assert both.status_code == 422
    assert both.get_json()["errors"] == {"org_id": [SEVERAL]}
    assert "Brand" not in both.get_data(as_text=True)
    for org_id, role in ((org_a, "hq_admin"), (org_b, "auditor")):
        response = _sign_in(client, PASSWORD, org_id=org_id)
        assert response.status_code == 200, response.get_json()
        me = Caller(client, response.get_json()["access_token"]).get("/api/v1/me").get_json()
        assert me["org"]["id"] == org_id and me["role"] == role
    # Another password, or an organization without that account: the same 401 as ever.
    assert _sign_in(client, "not the password").status_code == 401
    assert _sign_in(client, "not the password", org_id=org_a).status_code == 401
    elsewhere = {"email": "hq@b.example", "password": PASSWORD, "org_id": org_a}
    assert client.post(TOKEN, json=elsewhere).status_code == 401


@pytest.mark.app_config(LOGIN_LIMIT_PER_ACCOUNT="3 per minute")
def test_another_organizations_twin_is_no_password_oracle(client, world):
    # Brand B's HQ gives its twin of A's HQ a password, then signs in with it, hoping the
    # answer tells whether it is A's password too.
    twin = _twin(world, "grapefruit lantern mosaic")
    own = _sign_in(client, "grapefruit lantern mosaic")
    assert own.status_code == 422 and own.get_json()["errors"] == {"org_id": [SEVERAL]}
    patched = world.hq_b.patch(f"/api/v1/users/{twin}", json={"password": PASSWORD})
    assert patched.status_code == 200
    assert _sign_in(client, PASSWORD).get_json() == own.get_json()  # A's password: the same
    # Guessing A's password without owning it is an ordinary failure, counted as one.
    patched = world.hq_b.patch(f"/api/v1/users/{twin}", json={"password": "kumquat tramway"})
    assert patched.status_code == 200
    for _ in range(3):
        assert _sign_in(client, "not the password").status_code == 401
    assert _sign_in(client, PASSWORD).status_code == 429


def test_a_deactivated_twin_does_not_make_a_sign_in_ambiguous(client, world):
    body = {"email": "hq@a.example", "name": "Twin", "role": "auditor", "password": PASSWORD}
    twin = world.hq_b.post("/api/v1/users", json=body).get_json()["id"]
    assert world.hq_b.delete(f"/api/v1/users/{twin}").status_code == 204
    me = login(client, "hq@a.example").get("/api/v1/me").get_json()
    assert me["org"]["name"] == "Brand A"


def test_a_view_that_forgot_requires_still_needs_a_token(tmp_path):
    """Authentication is the default under /api/v1: only views marked public run without one."""
    from flask.views import MethodView
    from flask_smorest import Blueprint

    from audit_api import create_app
    from tests.conftest import TEST_SETTINGS

    forgot = Blueprint("forgot", __name__, url_prefix="/api/v1/forgotten")

    @forgot.route("")
    class Forgotten(MethodView):
        def get(self):
            return {"secret": "everyone's"}

    settings = {**TEST_SETTINGS, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    app = create_app({**settings, "AUTO_MIGRATE": True, "STORAGE_DIR": str(tmp_path)})
    app.register_blueprint(forgot)
    answer = app.test_client().get("/api/v1/forgotten")
    assert answer.status_code == 401 and "secret" not in answer.get_data(as_text=True)
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    app.extensions["audit_db_engine"].dispose()
