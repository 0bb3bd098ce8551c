"""Extension objects shared across modules, bound to the app in create_app."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, headers_enabled=True)
WRITES = ["POST", "PUT", "PATCH", "DELETE"]


def writer_key() -> str:
    """Rate-limit key of a write: the signed-in user (all their sessions and devices together),
    else the client address."""
    from audit_api.auth.tokens import user_id_in

    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    user_id = user_id_in(current_app.config["SECRET_KEY"], token.strip())
    if scheme.lower() == "bearer" and user_id is not None:
        return f"user:{user_id}"
    return f"address:{get_remote_address()}"


def _write_limit() -> str:
    return str(current_app.config["WRITE_LIMIT_PER_USER"])


_limited: set[str] = set()


def limit_writes(blueprint: Blueprint) -> None:
    """One budget of writes per user across every endpoint of the API."""
    # The limiter and the blueprints live as long as the process; apps (tests) come and go.
    if blueprint.name in _limited:
        return
    _limited.add(blueprint.name)
    limiter.shared_limit(_write_limit, scope="writes", key_func=writer_key, methods=WRITES)(
        blueprint
    )
