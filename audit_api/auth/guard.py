"""Authentication by default under /api/v1, `public` for the few views that need no token,
and `requires` for the role check of the rest."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, current_app, g, request
from flask_smorest import Blueprint

from audit_api.auth import policy, service
from audit_api.errors import Reason
from audit_api.users.models import User

F = TypeVar("F", bound=Callable[..., Any])
API_PREFIX = "/api/v1/"
PUBLIC_MARK = "_audit_public"


def public(blp: Blueprint) -> Callable[[F], F]:
    """Mark a view that anyone may call without a bearer token (sign-in, a signed upload
    form), and document it so: everything else under /api/v1 needs a live token."""

    def decorator(view: F) -> F:
        setattr(view, PUBLIC_MARK, True)
        return cast(F, blp.doc(security=[])(view))

    return decorator


def _bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Reason.token_missing.error("Missing bearer token.")
    return token.strip()


def authenticate() -> User:
    """The request's user, authenticated once per request from its bearer token."""
    if "current_user" not in g:
        g.current_user, g.session_id = service.authenticate(_bearer_token())
    return cast(User, g.current_user)


def _is_public() -> bool:
    """Whether the view this request goes to needs no token."""
    if request.endpoint is None or request.method == "OPTIONS":
        return True  # the 404/405 or the automatic OPTIONS answer; no view runs
    if request.blueprint == "api-docs":
        return True  # the OpenAPI document and its docs page
    view = current_app.view_functions[request.endpoint]
    view_class = getattr(view, "view_class", None)
    method = request.method.lower() if request.method != "HEAD" else "get"
    handler = getattr(view_class, method, None) if view_class else view
    return bool(getattr(handler, PUBLIC_MARK, False))


def authenticate_by_default() -> None:
    """Deny by default: a view under /api/v1 not marked `public` runs only for a live token,
    even when its author forgot `requires`."""
    if request.path.startswith(API_PREFIX) and not _is_public():
        authenticate()


def init_app(app: Flask) -> None:
    """Authenticate every non-public API request before its view."""
    app.before_request(authenticate_by_default)


def requires(action: str | None = None) -> Callable[[F], F]:
    """Check that the authenticated caller's role may perform `action`."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = authenticate()  # done before the view already; also keeps a direct call safe
            if action is not None:
                policy.check(user, action)
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorator


def current_user() -> User:
    """The authenticated user of this request."""
    return cast(User, g.current_user)


def current_session_id() -> str:
    """The sign-in session id of this request's access token."""
    return cast(str, g.session_id)
