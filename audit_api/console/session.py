"""Signing in to the console: the API's auth service and login limits behind a session cookie,
the signed-in user as `g.console_user`, and the decorators of the console's views."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, abort, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from audit_api.auth import service
from audit_api.auth.policy import AUDITOR, check
from audit_api.console.blueprint import bp
from audit_api.errors import DomainError
from audit_api.users.models import User

F = TypeVar("F", bound=Callable[..., Any])
# A console sign-in lasts a working day at most, however active; then the password again.
MAX_AGE_S = 12 * 3600
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
csrf = CSRFProtect()


class ConsoleSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, Secure whenever the request came over HTTPS (gunicorn reads
    X-Forwarded-Proto from the proxies it trusts), not only when a setting says so."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def init_app(app: Flask) -> None:
    """Session cookie settings and CSRF, checked on every unsafe request to the console."""
    app.config.update(
        SESSION_COOKIE_NAME="audit_console",
        SESSION_COOKIE_PATH="/console",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # The API never checks CSRF (it takes bearer tokens, not cookies): the console's
        # before-request hook below asks for it on each of its forms.
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=MAX_AGE_S,
    )
    app.session_interface = ConsoleSessionInterface()
    csrf.init_app(app)


@bp.before_request
def _load_user() -> None:
    """Check the CSRF token of a console form, and find who is signed in."""
    g.console_user = None
    if request.method in UNSAFE:
        csrf.protect()
    g.console_user = signed_in_user()


def signed_in_user() -> User | None:
    """Who the session cookie names: nobody when the sign-in session was revoked, the
    account deactivated or the day is over (the cookie is then forgotten)."""
    user_id, session_id, at = session.get("uid"), session.get("sid"), session.get("at", 0)
    if user_id is None or session_id is None:
        return None
    if time.time() - at > MAX_AGE_S:
        session.clear()
        return None
    try:
        return service.session_user(user_id, session_id)
    except DomainError:
        session.clear()
        return None


def sign_in(email: str, password: str, org_id: int | None) -> User:
    """Sign in through the auth service (raises its DomainErrors) and start the session."""
    pair = service.login(email, password, org_id, get_remote_address())
    user, session_id = service.authenticate(pair.access_token)
    lang = session.get("lang")
    session.clear()  # nothing of the anonymous session (its CSRF token) carries over
    session.update(uid=user.id, sid=session_id, at=int(time.time()))
    if lang:
        session["lang"] = lang
    g.console_user = user
    return user


def sign_out() -> None:
    """Revoke the sign-in session in the database and forget the cookie's."""
    session_id = session.get("sid")
    if session_id:
        service.logout(session_id)
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    g.console_user = None


def current_user() -> User:
    """The signed-in user of this request (views behind login_required)."""
    return cast(User, g.console_user)


def org_admin() -> User:
    """The signed-in user, if the policy lets them change the organization (HQ's pages)."""
    actor = current_user()
    check(actor, "org:write")
    return actor


def _to_sign_in() -> Any:
    # Back to this page after signing in; a form post is not repeated (its page is reloaded).
    back = request.full_path.rstrip("?") if request.method == "GET" else None
    target = url_for("console.sign_in_page", next=back)
    if request.headers.get("HX-Request"):
        return "", 204, {"HX-Redirect": target}  # htmx follows it as a full page load
    return redirect(target)


def login_required(view: F) -> F:
    """Signed in with a console role (managers and HQ; an auditor gets the 403 page)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        user = g.get("console_user")
        if user is None:
            return _to_sign_in()
        if user.role == AUDITOR:
            abort(403)
        return view(*args, **kwargs)

    return cast(F, wrapper)


def roles_required(*roles: str) -> Callable[[F], F]:
    """Signed in with one of `roles` (e.g. "hq_admin"); another role gets the 403 page."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = g.get("console_user")
            if user is not None and user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return login_required(cast(F, wrapper))

    return decorator
