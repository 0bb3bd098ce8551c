"""Rate-limit keys of sign-in and refresh. Sign-in failures are counted so that no one far
away can lock an account's owner out (OWASP's device cookies).

A successful sign-in returns a `device_token` the phone keeps and sends with its next
sign-ins. Failures with a valid device token for the account count against that token only;
failures without one count per account and client address, and, from every address
together, against a larger budget per account. A distributed guesser spends that budget and
is refused (429) while the owner's phone still signs in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, current_app, g, request
from flask_limiter.util import get_remote_address

from audit_api.auth import tokens


def setting(name: str) -> Callable[[], str]:
    """A limit read from the settings at each request (tests change them per app)."""
    return lambda: str(current_app.config[name])


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _account() -> str:
    """The e-mail a sign-in names, as sign-in reads it (every organization's together)."""
    return str(_body().get("email") or "-").strip().lower()


def _device() -> str | None:
    """The id of the valid device token this sign-in carries for its account, if any."""
    if "device_nonce" not in g:
        token = _body().get("device_token")
        g.device_nonce = (
            tokens.device_nonce(
                str(current_app.config["SECRET_KEY"]),
                token,
                _account(),
                int(current_app.config["DEVICE_TOKEN_TTL"]),
            )
            if isinstance(token, str)
            else None
        )
    return g.device_nonce


def trusted() -> bool:
    """The sign-in carries a valid device token for its account."""
    return _device() is not None


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


def refresh_token() -> str:
    """Key of one refresh token (its id part, checked or not: the address limit is the
    backstop for made-up ones)."""
    token = _body().get("refresh_token")
    return f"refresh:{str(token).partition('.')[0][:64]}" if token else "refresh:-"


def failed(response: Response) -> bool:
    """Only failures count: a user signing in on many phones is never held back."""
    return response.status_code == 401
