"""The `requires` decorator: authenticate the bearer token, then check the role."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import g, request

from audit_api.auth import policy, service
from audit_api.errors import Unauthorized
from audit_api.users.models import User

F = TypeVar("F", bound=Callable[..., Any])


def _bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Missing bearer token.")
    return token.strip()


def requires(action: str | None = None) -> Callable[[F], F]:
    """Authenticate the caller and, given an action, check the role may perform it."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            g.current_user, g.session_id = service.authenticate(_bearer_token())
            if action is not None:
                policy.check(g.current_user, action)
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorator


def current_user() -> User:
    """The authenticated user of this request."""
    return cast(User, g.current_user)


def current_session_id() -> str:
    """The sign-in session id of this request's access token."""
    return cast(str, g.session_id)
