"""HTTP helpers shared by the routes: ETag and If-Match."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request

from audit_api.db import Tracked
from audit_api.errors import Invalid, PreconditionFailed

MAX_PAGE_SIZE = 100


def etag_of(obj: Tracked) -> str:
    """The ETag of a tracked row: its table, id and version."""
    return f"{obj.__tablename__}-{obj.id}-r{obj.row_version}"  # type: ignore[attr-defined]


def check_if_match(obj: Tracked) -> None:
    """A stale If-Match answers 412; without the header the update goes ahead."""
    if request.if_match and not request.if_match.contains(etag_of(obj)):
        raise PreconditionFailed(
            "The resource changed since you read it (If-Match does not match its ETag).",
            {"If-Match": [f"Current ETag is {etag_of(obj)}."]},
        )


def with_etag(obj: Tracked) -> tuple[Tracked, dict[str, str]]:
    """A view result with the object's ETag header."""
    return obj, {"ETag": f'"{etag_of(obj)}"'}


def paged(fetch: Callable[..., tuple[list[Any], int]], pagination: Any, **filters: Any) -> list:
    """One page from a service's list function for the current user; the total goes to the
    X-Pagination header."""
    from audit_api.auth.guard import current_user

    items, pagination.item_count = fetch(
        current_user(), page=pagination.page, page_size=pagination.page_size, **filters
    )
    return items


def _nul_paths(value: Any, path: str) -> list[str]:
    """Paths (as in 422 errors) of the strings inside a JSON value that hold a NUL character."""
    if isinstance(value, str):
        return [path or "_schema"] if "\x00" in value else []
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            found += [child] if "\x00" in str(key) else _nul_paths(item, child)
        return found
    if isinstance(value, list):
        return [p for n, item in enumerate(value) for p in _nul_paths(item, f"{path}[{n}]")]
    return []


def refuse_nul_characters() -> None:
    """No text anywhere in a request may hold NUL: PostgreSQL cannot store it, and no real
    client sends it. Answered 422 naming each field, before any view runs."""
    paths = _nul_paths(request.view_args or {}, "")
    for source in (request.args, request.form):
        # A multipart part may come without a name: str() it rather than trust it.
        paths += [str(key) for key, value in source.items(multi=True) if "\x00" in f"{key}{value}"]
    if request.is_json:
        paths += _nul_paths(request.get_json(silent=True), "")
    if paths:
        raise Invalid(
            "Text may not contain NUL characters.",
            {path: ["must not contain NUL characters"] for path in paths},
        )
