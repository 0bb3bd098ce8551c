"""HTTP endpoints of /api/v1/users and /api/v1/me."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from audit_api import openapi
from audit_api.auth import limits
from audit_api.auth.guard import current_session_id, current_user, requires
from audit_api.auth.limits import setting
from audit_api.extensions import limiter
from audit_api.http import MAX_PAGE_SIZE, check_if_match, paged, with_etag
from audit_api.users import service
from audit_api.users.schemas import (
    MeOut,
    PasswordChangeIn,
    UserIn,
    UserOut,
    UserPatch,
    UserQuery,
)

blp = Blueprint("users", __name__, url_prefix="/api/v1", description="Users and their scopes.")


@blp.route("/me")
class Me(MethodView):
    """The signed-in user."""

    @requires()
    @blp.response(200, MeOut)
    @blp.doc(operationId="getMe")
    def get(self) -> Any:
        """Who am I: user, role, scope and organization."""
        return current_user()


def _wrong_password(response: Response) -> bool:
    return response.status_code == 403


@blp.route("/me/password")
class MyPassword(MethodView):
    """The signed-in user's password."""

    @requires()
    # Wrong current passwords count like failed sign-ins, per sign-in session: a stolen
    # access token must not become a way to guess the password, nor a way to lock the owner
    # out of changing it (their only way to end the thief's session). A thief holds one
    # session (making another takes the password), so this is their whole budget.
    @limiter.limit(
        setting("LOGIN_LIMIT_PER_ACCOUNT"),
        key_func=limits.sign_in_session,
        scope="password-change",
        deduct_when=_wrong_password,
    )
    @blp.arguments(PasswordChangeIn)
    @blp.response(204)
    @blp.doc(operationId="changeMyPassword")
    def post(self, data: dict[str, Any]) -> None:
        """Change my password (the current one first); my other sessions end, this one stays."""
        service.change_own_password(
            current_user(), current_session_id(), data["current_password"], data["new_password"]
        )


@blp.route("/users")
class Users(MethodView):
    """The user collection."""

    @requires("users:read")
    @blp.arguments(UserQuery, location="query")
    @blp.response(200, UserOut(many=True))
    @blp.paginate(max_page_size=MAX_PAGE_SIZE)
    @blp.doc(operationId="listUsers")
    def get(self, query: dict[str, Any], pagination_parameters: Any) -> Any:
        """List users: HQ sees all, a manager the auditors and themselves."""
        return paged(service.list_users, pagination_parameters, **query)

    @requires("org:write")
    @blp.arguments(UserIn)
    @blp.response(201, UserOut)
    @openapi.etag
    @blp.doc(operationId="createUser")
    def post(self, data: dict[str, Any]) -> Any:
        """Create a user (HQ only)."""
        return with_etag(service.create_user(current_user().org_id, data))


@blp.route("/users/<int:user_id>")
class UserById(MethodView):
    """One user."""

    @requires("users:read")
    @blp.response(200, UserOut)
    @openapi.if_none_match
    @blp.doc(operationId="getUser")
    def get(self, user_id: int) -> Any:
        """Read a user."""
        return with_etag(service.get_user(current_user(), user_id))

    @requires("org:write")
    @blp.arguments(UserPatch)
    @blp.response(200, UserOut)
    @openapi.etag
    @openapi.if_match
    @blp.doc(operationId="updateUser")
    def patch(self, data: dict[str, Any], user_id: int) -> Any:
        """Change a user (HQ only); honours If-Match."""
        user = service.get_user(current_user(), user_id)
        check_if_match(user)
        return with_etag(service.update_user(user, data))

    @requires("org:write")
    @blp.response(204)
    @openapi.if_match
    @blp.doc(operationId="deactivateUser")
    def delete(self, user_id: int) -> None:
        """Deactivate a user (HQ only): kept for the audit trail, signed out at once."""
        user = service.get_user(current_user(), user_id)
        check_if_match(user)
        service.deactivate_user(user)
