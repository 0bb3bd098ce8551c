"""HTTP endpoints of /api/v1/auth: token, refresh, logout."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from audit_api.auth import service
from audit_api.auth.guard import current_session_id, requires
from audit_api.auth.schemas import LoginIn, LogoutIn, RefreshIn, TokenOut
from audit_api.extensions import limiter

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Sign-in and tokens.")
PUBLIC = {"security": []}


@blp.after_request
def _no_store(response: Response) -> Response:
    """Answers that carry tokens must not be kept by a browser, proxy or HTTP cache."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"  # HTTP/1.0 caches (RFC 6749 5.1)
    return response


def _account_key() -> str:
    """Rate-limit key of the account a login names (whatever the address it comes from)."""
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    return f"account:{str(email).strip().lower()}" if email else "account:-"


def _address_limit() -> str:
    return str(current_app.config["LOGIN_LIMIT_PER_ADDRESS"])


def _account_limit() -> str:
    return str(current_app.config["LOGIN_LIMIT_PER_ACCOUNT"])


@blp.route("/token")
class Token(MethodView):
    """Sign in."""

    @limiter.limit(_address_limit, scope="login-address")
    # Only failures count per account, so a user signing in on many phones is never locked.
    @limiter.limit(
        _account_limit,
        key_func=_account_key,
        scope="login-account",
        deduct_when=lambda response: response.status_code == 401,
    )
    @blp.arguments(LoginIn)
    @blp.response(200, TokenOut)
    @blp.doc(**PUBLIC)
    def post(self, data: dict[str, Any]) -> Any:
        """Exchange e-mail and password for an access and a refresh token."""
        return service.login(data["email"], data["password"], data.get("org_id"))


def _refresh_key() -> str:
    """Rate-limit key of the refresh token a body names (its id part, checked or not)."""
    body = request.get_json(silent=True)
    token = body.get("refresh_token") if isinstance(body, dict) else None
    return f"refresh:{str(token).partition('.')[0][:64]}" if token else "refresh:-"


def _setting(name: str) -> Callable[[], str]:
    return lambda: str(current_app.config[name])


@blp.route("/refresh")
class Refresh(MethodView):
    """Rotate a refresh token."""

    @limiter.limit(_setting("REFRESH_LIMIT_PER_ADDRESS"), scope="refresh-address")
    # A phone retries a lost answer a few times; a loop on one token is something else.
    @limiter.limit(
        _setting("REFRESH_LIMIT_PER_TOKEN"), key_func=_refresh_key, scope="refresh-token"
    )
    @blp.arguments(RefreshIn)
    @blp.response(200, TokenOut)
    @blp.doc(**PUBLIC)
    def post(self, data: dict[str, Any]) -> Any:
        """Trade a refresh token for a new pair; reusing an old one revokes the session."""
        return service.refresh(data["refresh_token"])


@blp.route("/logout")
class Logout(MethodView):
    """Sign out."""

    @limiter.limit(_setting("LOGOUT_LIMIT_PER_ADDRESS"), scope="logout-address")
    @blp.arguments(LogoutIn)
    @blp.response(204)
    @blp.doc(**PUBLIC)
    def post(self, data: dict[str, Any]) -> None:
        """Revoke the session of the refresh token given, else of the bearer token."""
        if "refresh_token" in data:
            service.logout_by_refresh(data["refresh_token"])
        else:
            _logout_bearer()


@requires()
def _logout_bearer() -> None:
    service.logout(current_session_id())
