"""Sign-in, refresh-token rotation with reuse detection, sign-out, and request authentication."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.orm import lazyload

from audit_api.auth import tokens
from audit_api.auth.models import AuthSession, RefreshToken
from audit_api.auth.passwords import hash_password, needs_rehash, verify_password
from audit_api.db import db, utcnow
from audit_api.errors import Reason
from audit_api.housekeeping import pruner
from audit_api.users.models import User

BAD_LOGIN = "Invalid email or password."
SEVERAL = "This e-mail has accounts in several organizations: sign in with org_id."


@dataclass(frozen=True)
class TokenPair:
    """What a successful sign-in or refresh returns."""

    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "Bearer"
    device_token: str | None = None  # sign-in only


def _seconds(name: str) -> int:
    return int(current_app.config[name])


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def _pair(user_id: int, session_id: str, refresh_id: str, now: datetime) -> TokenPair:
    secret, ttl = _secret(), _seconds("ACCESS_TOKEN_TTL")
    return TokenPair(
        access_token=tokens.encode_access(secret, user_id, session_id, now, ttl),
        refresh_token=tokens.refresh_token_for(secret, refresh_id),
        expires_in=ttl,
    )


def _new_refresh(session_id: str, now: datetime) -> RefreshToken:
    ttl = _seconds("REFRESH_TOKEN_TTL")
    token = RefreshToken(
        id=tokens.new_refresh_id(), session_id=session_id, expires_at=now + timedelta(seconds=ttl)
    )
    db.session.add(token)
    return token


def _signing_in(email: str, password: str, org_id: int | None) -> User:
    """The one active user the credentials open; every failure answers the same 401.

    An e-mail is unique per organization only. Without `org_id` every active account with
    it is checked (at least one Argon2 verify: an unknown e-mail costs the same); when there
    are several, the answer is the same 422 whichever of them the password opens, so a twin
    made in another organization tells its maker nothing about the other's password."""
    stmt = select(User).where(User.email == email.strip().lower(), User.active.is_(True))
    if org_id is not None:
        stmt = stmt.where(User.org_id == org_id)
    users = db.session.scalars(stmt.order_by(User.org_id)).all()
    if not users:
        verify_password(None, password)
    # Every one verified, not up to the first match: the time tells no more than the answer.
    opened = [user for user in users if verify_password(user.password_hash, password)]
    if not opened:
        raise Reason.bad_credentials.error(BAD_LOGIN)
    if len(users) > 1:
        raise Reason.org_required.error(SEVERAL, {"org_id": [SEVERAL]})
    return opened[0]


def login(email: str, password: str, org_id: int | None, address: str) -> TokenPair:
    """Check the credentials and open a new session, noting the client address."""
    now = utcnow()
    user = _signing_in(email, password, org_id)
    # A Core UPDATE: signing in must not bump the user's version (its ETag).
    values: dict[str, object] = {"last_login_at": now}
    if needs_rehash(user.password_hash):
        values["password_hash"] = hash_password(password)
    db.session.execute(update(User).where(User.id == user.id).values(**values))
    auth_session = AuthSession(
        id=str(uuid.uuid4()),
        user_id=user.id,
        created_at=now,
        address_digest=tokens.address_digest(_secret(), address),
    )
    db.session.add(auth_session)
    refresh = _new_refresh(auth_session.id, now)
    db.session.commit()
    pair = _pair(user.id, auth_session.id, refresh.id, now)
    return replace(pair, device_token=tokens.device_token_for(_secret(), user.id, user.email))


def refresh(refresh_token: str) -> TokenPair:
    """Rotate a refresh token; a retry within the grace window gets the same successor."""
    now = utcnow()
    token_id = tokens.refresh_id_from(_secret(), refresh_token)
    stmt = select(RefreshToken).where(RefreshToken.id == token_id).with_for_update()
    token = db.session.scalar(stmt)
    if token is None:
        raise Reason.token_invalid.error("Invalid refresh token.")
    auth_session = token.session
    if auth_session.revoked_at is not None:
        raise Reason.token_revoked.error("Session revoked.")
    if not auth_session.user.active:
        raise Reason.account_deactivated.error("Account deactivated.")
    if token.expires_at <= now:
        raise Reason.token_expired.error("Refresh token expired.")
    if token.replaced_by_id is None:
        successor = _new_refresh(auth_session.id, now)
        token.rotated_at, token.replaced_by_id = now, successor.id
    else:
        successor = db.session.get(RefreshToken, token.replaced_by_id)
        grace = timedelta(seconds=_seconds("REFRESH_REUSE_GRACE"))
        retried = token.rotated_at is not None and now - token.rotated_at <= grace
        if successor is None or not retried or successor.replaced_by_id is not None:
            # An old token used again after its successor took over: assume it was stolen.
            _revoke(auth_session, now, "refresh_token_reused")
            db.session.commit()
            raise Reason.token_reused.error("Refresh token reused; the session has been revoked.")
    db.session.commit()
    return _pair(auth_session.user_id, auth_session.id, successor.id, now)


def _revoke(auth_session: AuthSession, now: datetime, reason: str) -> None:
    if auth_session.revoked_at is None:
        auth_session.revoked_at, auth_session.revoked_reason = now, reason


def logout(session_id: str) -> None:
    """Revoke a session: its access and refresh tokens stop working at once."""
    auth_session = db.session.get(AuthSession, session_id)
    if auth_session is not None:
        _revoke(auth_session, utcnow(), "logout")
        db.session.commit()


def logout_by_refresh(refresh_token: str) -> None:
    """Revoke the session a refresh token belongs to."""
    token_id = tokens.refresh_id_from(_secret(), refresh_token)
    token = db.session.get(RefreshToken, token_id)
    if token is None:
        raise Reason.token_invalid.error("Invalid refresh token.")
    logout(token.session_id)


def revoke_all_sessions(user_id: int, reason: str, keep: str | None = None) -> None:
    """Revoke every open session of a user but `keep` (no commit: part of the caller's change)."""
    stmt = update(AuthSession).where(
        AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None)
    )
    if keep is not None:
        stmt = stmt.where(AuthSession.id != keep)
    db.session.execute(stmt.values(revoked_at=utcnow(), revoked_reason=reason))


def authenticate(access_token: str) -> tuple[User, str]:
    """The active user and session id behind an access token, checked against the database."""
    claims = tokens.decode_access(_secret(), access_token)
    return session_user(claims.user_id, claims.session_id), claims.session_id


def session_user(user_id: int, session_id: str) -> User:
    """The active user of a sign-in session that is not revoked (the console keeps the ids
    of its sign-in in its cookie and asks here on every request, as tokens do)."""
    row = db.session.execute(
        select(User, AuthSession.revoked_at)
        .join(AuthSession, AuthSession.user_id == User.id)
        .where(AuthSession.id == session_id, User.id == user_id)
        # Access checks read the scope tables in their own queries: the scope lists are
        # loaded only where a request shows or changes them (two queries fewer per request).
        .options(lazyload(User.scope_regions), lazyload(User.scope_locations))
    ).first()
    if row is None:
        raise Reason.token_invalid.error("Invalid access token.")
    user, revoked_at = row
    if revoked_at is not None:
        raise Reason.token_revoked.error("Session revoked.")
    if not user.active:
        raise Reason.account_deactivated.error("Account deactivated.")
    return user


@pruner("sessions")
def prune_sessions(now: datetime) -> dict[str, int]:
    """Delete expired refresh tokens, and sessions revoked more than SESSION_RETENTION ago
    or left without a refresh token that is still valid, with all their tokens."""
    # An expired token only ever answers "expired" (reuse detection needs live ones).
    live_token = exists().where(
        RefreshToken.session_id == AuthSession.id, RefreshToken.expires_at > now
    )
    retention = timedelta(seconds=_seconds("SESSION_RETENTION"))
    dead = select(AuthSession.id).where(or_(AuthSession.revoked_at < now - retention, ~live_token))
    token_count = db.session.execute(
        delete(RefreshToken).where(
            or_(RefreshToken.expires_at <= now, RefreshToken.session_id.in_(dead))
        )
    ).rowcount
    session_count = db.session.execute(delete(AuthSession).where(AuthSession.id.in_(dead))).rowcount
    db.session.commit()
    return {"sign-in session(s)": session_count, "refresh token(s)": token_count}
