"""Rate-limit keys of sign-in and refresh. Sign-in failures are counted so that no one far
away can lock an account's owner out (OWASP's device cookies).

A successful sign-in returns a `device_token` the phone keeps and sends with its next
sign-ins. It is bound to the user (id and e-mail), and vouches for a sign-in only when that
selects exactly its account: the e-mail, and `org_id` if given (one indexed query). Failures
with a valid device token for the account count against that token only; failures without
one count per account and client address, and, from every address together, against a
larger budget per account. A distributed guesser spends that budget and is refused (429)
while the owner's phone still signs in, and so does the owner from an address they signed
in from lately (each session keeps a digest of its address).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Response, current_app, g, request
from flask_limiter import RouteLimit
from flask_limiter.util import get_remote_address
from sqlalchemy import exists, select

from audit_api.auth import tokens
from audit_api.auth.models import AuthSession
from audit_api.db import db, utcnow
from audit_api.extensions import limiter
from audit_api.fields import MAX_ID
from audit_api.users.models import User

MAX_EMAIL = 320
# Both encodings a browser form may use (Flask-WTF takes either): a sign-in sent as multipart
# must count against its account like any other, not against an anonymous "-".
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def setting(name: str) -> Callable[[], str]:
    """A limit read from the settings at each request (tests change them per app)."""
    return lambda: str(current_app.config[name])


def _body() -> dict[str, Any]:
    """The sign-in's fields: the API's JSON body, or the console's form."""
    body = request.get_json(silent=True)
    if isinstance(body, dict):
        return body
    return request.form.to_dict() if request.mimetype in FORMS else {}


def _account() -> str:
    """The e-mail a sign-in names, as sign-in reads it (every organization's together)."""
    return str(_body().get("email") or "-").strip().lower()


def _org_id() -> int | None:
    """The organization a sign-in names, as its schema reads it; 0 when it is no id."""
    value = _body().get("org_id")
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdecimal() and len(value) <= 20:
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        return 0
    return value


@dataclass(frozen=True)
class _SigningIn:
    """What the limits need to know of the account a sign-in selects."""

    user_id: int | None = None  # the one active account selected, if exactly one
    known: bool = False  # it was signed in to from this address lately


def _signing_in() -> _SigningIn:
    """The one active account a sign-in selects (its e-mail, and org_id if given; an e-mail
    of several organizations without org_id selects none), and whether it was signed in to
    from this client address within LOGIN_KNOWN_ADDRESS_TTL: one indexed query."""
    if "signing_in" not in g:
        email, org_id = _account(), _org_id()
        g.signing_in = _SigningIn()
        if len(email) <= MAX_EMAIL and org_id != 0:
            secret = str(current_app.config["SECRET_KEY"])
            ttl = timedelta(seconds=int(current_app.config["LOGIN_KNOWN_ADDRESS_TTL"]))
            known = exists().where(
                AuthSession.user_id == User.id,
                AuthSession.address_digest == tokens.address_digest(secret, get_remote_address()),
                AuthSession.created_at > utcnow() - ttl,
            )
            stmt = select(User.id, known).where(User.email == email, User.active.is_(True))
            if org_id is not None:
                stmt = stmt.where(User.org_id == org_id)
            rows = db.session.execute(stmt.limit(2)).all()
            if len(rows) == 1:
                g.signing_in = _SigningIn(rows[0][0], bool(rows[0][1]))
    return g.signing_in


def _device() -> str | None:
    """The id of the valid device token this sign-in carries for the very account it
    selects, if any."""
    if "device_nonce" not in g:
        token = _body().get("device_token")
        user_id = _signing_in().user_id if isinstance(token, str) else None
        g.device_nonce = (
            tokens.device_nonce(
                str(current_app.config["SECRET_KEY"]),
                token,
                user_id,
                _account(),
                int(current_app.config["DEVICE_TOKEN_TTL"]),
            )
            if isinstance(token, str) and user_id is not None
            else None
        )
    return g.device_nonce


def trusted() -> bool:
    """The sign-in carries a valid device token for its account."""
    return _device() is not None


def known() -> bool:
    """The sign-in carries a valid device token for its account, or comes from an address
    that signed in to that account within LOGIN_KNOWN_ADDRESS_TTL."""
    return trusted() or _signing_in().known


def untrusted() -> bool:
    """The sign-in carries no valid device token for its account."""
    return _device() is None


def account_and_address() -> str:
    """Key of failures of one account from one client address."""
    return f"account:{_account()}|{get_remote_address()}"


def account() -> str:
    """Key of failures of one account from unknown clients, wherever they are."""
    return f"account:{_account()}"


def device() -> str:
    """Key of failures of one device token."""
    return f"device:{_device()}"


def sign_in_session() -> str:
    """Key of one sign-in session (every access token of it), from the bearer token."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    sid = tokens.session_id_in(str(current_app.config["SECRET_KEY"]), token.strip())
    if scheme.lower() == "bearer" and sid is not None:
        return f"session:{sid[:64]}"
    return f"address:{get_remote_address()}"


def refresh_token() -> str:
    """Key of one refresh token (its id part, checked or not: the address limit is the
    backstop for made-up ones)."""
    token = _body().get("refresh_token")
    return f"refresh:{str(token).partition('.')[0][:64]}" if token else "refresh:-"


def failed(response: Response) -> bool:
    """Only failures count: a user signing in on many phones is never held back."""
    return response.status_code == 401


def _shared(value: str, scope: str, **options: Any) -> RouteLimit:
    return limiter.shared_limit(setting(value), scope=scope, methods=["POST"], **options)


def sign_in_limits(view: Callable[..., Any]) -> Callable[..., Any]:
    """The sign-in limits, counted together for every way in (the API's token endpoint and
    the console's sign-in form): a guesser gains nothing by switching between them."""
    limits = (
        _shared("LOGIN_LIMIT_PER_ADDRESS", "login-address"),
        _shared(
            "LOGIN_LIMIT_PER_ACCOUNT",
            "login-account",
            key_func=account_and_address,
            deduct_when=failed,
            exempt_when=trusted,
        ),
        _shared(
            "LOGIN_LIMIT_UNTRUSTED",
            "login-untrusted",
            key_func=account,
            deduct_when=failed,
            exempt_when=known,
        ),
        _shared(
            "LOGIN_LIMIT_PER_DEVICE",
            "login-device",
            key_func=device,
            deduct_when=failed,
            exempt_when=untrusted,
        ),
    )
    for limit in reversed(limits):
        view = limit(view)
    return view
