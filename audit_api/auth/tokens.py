"""Access tokens (signed JWTs) and refresh tokens (`<id>.<HMAC of id>`)."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from itsdangerous import BadData, URLSafeTimedSerializer

from audit_api.errors import Reason

ALGORITHM = "HS256"


@dataclass(frozen=True)
class AccessClaims:
    """What an access token says: who, which sign-in session, until when."""

    user_id: int
    session_id: str


def encode_access(secret: str, user_id: int, session_id: str, now: datetime, ttl: int) -> str:
    """Sign an access token for a user's session, valid for `ttl` seconds from `now`."""
    claims = {
        "sub": str(user_id),
        "sid": session_id,
        "typ": "access",
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=ttl)).timestamp()),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_access(secret: str, token: str) -> AccessClaims:
    """Check an access token's signature, expiry and type."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub", "sid"]}
        )
    except jwt.ExpiredSignatureError:
        raise Reason.token_expired.error("Access token expired.") from None
    except jwt.InvalidTokenError:
        raise Reason.token_invalid.error("Invalid access token.") from None
    if claims.get("typ") != "access" or not str(claims["sub"]).isdigit():
        raise Reason.token_invalid.error("Invalid access token.")
    return AccessClaims(user_id=int(claims["sub"]), session_id=str(claims["sid"]))


def _claims_in(secret: str, token: str) -> dict | None:
    try:
        return jwt.decode(token, secret, algorithms=[ALGORITHM], options={"verify_exp": False})
    except jwt.InvalidTokenError:
        return None


def user_id_in(secret: str, token: str) -> int | None:
    """The user a well-signed access token names, expired or not (for rate-limit keys only;
    authentication is `decode_access` and the session check)."""
    try:
        return int((_claims_in(secret, token) or {})["sub"])
    except (KeyError, TypeError, ValueError):
        return None


def session_id_in(secret: str, token: str) -> str | None:
    """The sign-in session a well-signed access token names, expired or not (for rate-limit
    keys only)."""
    sid = (_claims_in(secret, token) or {}).get("sid")
    return sid if isinstance(sid, str) else None


def new_refresh_id() -> str:
    """A fresh random refresh-token id."""
    return str(uuid.uuid4())


def refresh_token_for(secret: str, token_id: str) -> str:
    """The refresh token string of an id; derivable again, so a retried refresh gets the same."""
    mac = hmac.new(secret.encode(), f"refresh:{token_id}".encode(), hashlib.sha256).hexdigest()
    return f"{token_id}.{mac}"


def refresh_id_from(secret: str, token: str) -> str:
    """The id inside a refresh token, after checking its MAC."""
    token_id, _, _mac = token.partition(".")
    expected = refresh_token_for(secret, token_id).encode()
    # Bytes: compare_digest refuses non-ASCII str, and a token is whatever a client sends.
    if not token_id or not hmac.compare_digest(expected, token.encode()):
        raise Reason.token_invalid.error("Invalid refresh token.")
    return token_id


def address_digest(secret: str, address: str) -> str:
    """A keyed digest of a client address: comparable, yet no address is stored."""
    message = f"address:{address}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def _device_serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="device-token")


def _account_mac(secret: str, user_id: int, email: str) -> str:
    # Keyed, so a token does not even confirm a guessed e-mail to whoever reads it; the user
    # id in it means an account of another organization with the same e-mail is not this one.
    message = f"device:{user_id}:{email}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def device_token_for(secret: str, user_id: int, email: str) -> str:
    """A new device token: proof that this client signed in to this very account before."""
    nonce = uuid.uuid4().hex
    return _device_serializer(secret).dumps({"a": _account_mac(secret, user_id, email), "n": nonce})


def device_nonce(secret: str, token: str, user_id: int, email: str, max_age: int) -> str | None:
    """The id of a device token if it is well signed, younger than `max_age` seconds and
    made for this user and e-mail; else None (the attempt then counts as from an unknown
    client)."""
    try:
        claims = _device_serializer(secret).loads(token, max_age=max_age)
    except BadData:
        return None
    if not isinstance(claims, dict) or not isinstance(claims.get("n"), str):
        return None
    if not hmac.compare_digest(str(claims.get("a")), _account_mac(secret, user_id, email)):
        return None
    return claims["n"]
