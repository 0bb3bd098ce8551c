"""HTTP helpers shared by the routes: ETag, If-Match and paging."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request

from audit_api.db import Tracked
from audit_api.errors import Reason

MAX_PAGE_SIZE = 100


def etag_of(obj: Tracked) -> str:
    """The ETag of a tracked row: its table, id and version."""
    return f"{obj.__tablename__}-{obj.id}-r{obj.row_version}"  # type: ignore[attr-defined]


def check_if_match(obj: Tracked) -> None:
    """A stale If-Match answers 412; without the header the update goes ahead."""
    if request.if_match and not request.if_match.contains(etag_of(obj)):
        raise Reason.stale_etag.error(
            "The resource changed since you read it (If-Match does not match its ETag).",
            {"If-Match": [f"Current ETag is {etag_of(obj)}."]},
        )


def with_etag(
    obj: Tracked, body: Any = None, status: int | None = None, headers: dict | None = None
) -> tuple[Any, ...]:
    """A view result (`body`, else the object itself) with the object's ETag header; without
    `status` the view's documented one applies."""
    all_headers = {"ETag": f'"{etag_of(obj)}"', **(headers or {})}
    content = obj if body is None else body
    return (content, all_headers) if status is None else (content, status, all_headers)


def paged(fetch: Callable[..., tuple[list[Any], int]], pagination: Any, **filters: Any) -> list:
    """One page from a service's list function for the current user; the total goes to the
    X-Pagination header."""
    from audit_api.auth.guard import current_user

    items, pagination.item_count = fetch(
        current_user(), page=pagination.page, page_size=pagination.page_size, **filters
    )
    return items
