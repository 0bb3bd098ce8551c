"""HTTP endpoints of /api/v1/auth: token, refresh, logout."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_limiter.util import get_remote_address
from flask_smorest import Blueprint

from audit_api.auth import limits, service
from audit_api.auth.guard import current_session_id, public, requires
from audit_api.auth.limits import setting
from audit_api.auth.schemas import LoginIn, LoginOut, LogoutIn, RefreshIn, TokenOut
from audit_api.extensions import limiter

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Sign-in and tokens.")


@blp.after_request
def _no_store(response: Response) -> Response:
    """Answers that carry tokens must not be kept by a browser, proxy or HTTP cache."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"  # HTTP/1.0 caches (RFC 6749 5.1)
    return response


@blp.route("/token")
class Token(MethodView):
    """Sign in."""

    @limits.sign_in_limits
    @blp.arguments(LoginIn)
    @blp.response(200, LoginOut)
    @public(blp)
    @blp.doc(operationId="createToken")
    def post(self, data: dict[str, Any]) -> Any:
        """Exchange e-mail and password for an access token, a refresh token and a device
        token (send it with later sign-ins: see the README's Sign in)."""
        address = get_remote_address()
        return service.login(data["email"], data["password"], data.get("org_id"), address)


@blp.route("/refresh")
class Refresh(MethodView):
    """Rotate a refresh token."""

    @limiter.limit(setting("REFRESH_LIMIT_PER_ADDRESS"), scope="refresh-address")
    # A phone retries a lost answer a few times; a loop on one token is something else.
    @limiter.limit(
        setting("REFRESH_LIMIT_PER_TOKEN"), key_func=limits.refresh_token, scope="refresh-token"
    )
    @blp.arguments(RefreshIn)
    @blp.response(200, TokenOut)
    @public(blp)
    @blp.doc(operationId="refreshToken")
    def post(self, data: dict[str, Any]) -> Any:
        """Trade a refresh token for a new pair; reusing an old one revokes the session."""
        return service.refresh(data["refresh_token"])


@blp.route("/logout")
class Logout(MethodView):
    """Sign out."""

    @limiter.limit(setting("LOGOUT_LIMIT_PER_ADDRESS"), scope="logout-address")
    @blp.arguments(LogoutIn)
    @blp.response(204)
    @public(blp)
    @blp.doc(operationId="logout")
    def post(self, data: dict[str, Any]) -> None:
        """Revoke the session of the refresh token given, else of the bearer token."""
        if "refresh_token" in data:
            service.logout_by_refresh(data["refresh_token"])
        else:
            _logout_bearer()


@requires()
def _logout_bearer() -> None:
    service.logout(current_session_id())
