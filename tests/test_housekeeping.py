"""Nothing grows without bound: `flask --app wsgi prune`, idempotency keys expire."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest
from sqlalchemy import func, select, update

from audit_api.auth.models import AuthSession, RefreshToken
from audit_api.db import db, utcnow
from audit_api.idempotency.models import IdempotencyRecord
from tests.support.audit_helpers import call_audit, new_id
from tests.support.helpers import Caller, login

REFRESH = "/api/v1/auth/refresh"
DAY = timedelta(days=1)


def _session(caller: Caller) -> str:
    return jwt.decode(caller.token, options={"verify_signature": False})["sid"]


def _age(app, model, where, **values) -> None:
    """Move rows back in time (the clock is not the API's to set)."""
    with app.app_context():
        db.session.execute(update(model).where(where).values(**values))
        db.session.commit()


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _comment(caller: Caller, url: str, body: str, key: str):
    return caller.post(url, json={"body": body}, headers={"Idempotency-Key": key})


@pytest.mark.app_config(SESSION_RETENTION=7 * 86400, IDEMPOTENCY_TTL=3600)
def test_prune_removes_dead_sessions_tokens_and_old_keys(app, client, world):
    live, revoked_long_ago, revoked_now, expired = (
        login(client, "auditor@a.example") for _ in range(4)
    )
    rotated = client.post(REFRESH, json={"refresh_token": live.refresh_token}).get_json()
    for caller in (revoked_long_ago, revoked_now):
        assert caller.post("/api/v1/auth/logout").status_code == 204
    now = utcnow()
    _age(app, AuthSession, AuthSession.id == _session(revoked_long_ago), revoked_at=now - 8 * DAY)
    for token in (expired.refresh_token, live.refresh_token):
        # The expired session's only token, and the live session's rotated first one.
        token_id = token.split(".")[0]
        _age(app, RefreshToken, RefreshToken.id == token_id, expires_at=now - DAY)
    url = f"/api/v1/audits/{new_id()}/comments"
    world.manager_north.put(url.rsplit("/", 1)[0], json=call_audit(world))
    assert _comment(world.manager_north, url, "old", "k-old").status_code == 201
    assert _comment(world.manager_north, url, "new", "k-new").status_code == 201
    old = IdempotencyRecord.key == "k-old"
    _age(app, IdempotencyRecord, old, created_at=now - timedelta(hours=2))
    sessions, tokens = _count(app, AuthSession), _count(app, RefreshToken)

    result = app.test_cli_runner().invoke(args=["prune"])

    assert result.exit_code == 0, result.output
    assert "sessions: removed 2 sign-in session(s), 3 refresh token(s)" in result.output
    assert "idempotency: removed 1 idempotency record(s)" in result.output
    assert _count(app, AuthSession) == sessions - 2 and _count(app, RefreshToken) == tokens - 3
    # What is still of use stays and works.
    assert live.get("/api/v1/me").status_code == 200
    assert client.post(REFRESH, json={"refresh_token": rotated["refresh_token"]}).status_code == 200
    assert (
        client.post(REFRESH, json={"refresh_token": revoked_now.refresh_token}).status_code == 401
    )
    replay = _comment(world.manager_north, url, "new", "k-new")
    assert replay.headers.get("Idempotent-Replayed") == "true"
    again = app.test_cli_runner().invoke(args=["prune"])
    assert "removed 0 sign-in session(s), 0 refresh token(s)" in again.output


@pytest.mark.app_config(IDEMPOTENCY_TTL=3600)
def test_an_idempotency_key_expires_after_its_ttl(app, world):
    url = f"/api/v1/audits/{new_id()}/comments"
    world.manager_north.put(url.rsplit("/", 1)[0], json=call_audit(world))
    assert _comment(world.manager_north, url, "uno", "k").status_code == 201
    assert _comment(world.manager_north, url, "dos", "k").status_code == 422  # still kept
    _age(app, IdempotencyRecord, IdempotencyRecord.key == "k", created_at=utcnow() - 2 * DAY / 24)
    # Past the TTL the key is forgotten: the same key is a new request.
    assert _comment(world.manager_north, url, "dos", "k").status_code == 201
