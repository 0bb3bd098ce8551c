"""HTTP helpers shared by the routes: ETag, If-Match, If-None-Match and paging."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from flask import Response, request

from audit_api.db import Tracked
from audit_api.errors import Reason

MAX_PAGE_SIZE = 100
# What a 304 repeats of the 200 it stands for (RFC 9110 section 15.4.5).
NOT_MODIFIED_HEADERS = ("ETag", "Vary", "Cache-Control", "Content-Location", "Expires")


def etag_of(obj: Tracked) -> str:
    """The ETag of a tracked row: its table, id and version."""
    return f"{obj.__tablename__}-{obj.id}-r{obj.row_version}"  # type: ignore[attr-defined]


def content_digest(content: Any) -> str:
    """A short digest of a view's content; a tracked row inside counts by its ETag."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=_plain)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _plain(value: Any) -> str:
    if isinstance(value, Tracked):
        return etag_of(value)
    if isinstance(value, datetime):  # the same instant however it was written
        return value.astimezone(UTC).isoformat()
    return str(value)


def representation_etag(obj: Tracked, body: Any = None) -> str:
    """The row's ETag, and for a composed view (a language, related rows) the row's ETag with
    the view's digest after a dot: If-None-Match must see every change of the body, while
    If-Match asks only whether the row changed."""
    return etag_of(obj) if body is None else f"{etag_of(obj)}.{content_digest(body)}"


def check_etag(obj: Tracked, read: Iterable[str]) -> None:
    """Refuse (stale_etag) unless one of the ETags the client read names the row as it is
    now; the API's If-Match and the console's hidden ETag field both come here."""
    tag = etag_of(obj)
    # Strong comparison (RFC 9110 section 13.1.1): weak tags never match an If-Match.
    if not any(given == tag or given.startswith(f"{tag}.") for given in read):
        raise Reason.stale_etag.error(
            "The resource changed since you read it (If-Match does not match its ETag).",
            {"If-Match": [f"Current ETag is {tag}."]},
        )


def check_if_match(obj: Tracked) -> None:
    """A stale If-Match answers 412; without the header the update goes ahead."""
    if request.if_match and not request.if_match.star_tag:
        check_etag(obj, request.if_match)


def with_etag(
    obj: Tracked, body: Any = None, status: int | None = None, headers: dict | None = None
) -> tuple[Any, ...] | Response:
    """A view result (`body`, else the object itself) with the object's ETag header; without
    `status` the view's documented one applies. A GET whose If-None-Match matches gets 304."""
    return tagged(representation_etag(obj, body), obj if body is None else body, status, headers)


def tagged(
    etag: str, content: Any, status: int | None = None, headers: dict | None = None
) -> tuple[Any, ...] | Response:
    """A view result with this ETag; a GET or HEAD whose If-None-Match names it (weakly, or
    `*`, per RFC 9110 section 13.1.2) answers 304 with no body."""
    all_headers = {"ETag": f'"{etag}"', **(headers or {})}
    reading = status in (None, 200) and request.method in ("GET", "HEAD")
    # contains_weak: W/"x" and "x" both match; `*` matches any current representation.
    if reading and request.if_none_match.contains_weak(etag):
        kept = {k: v for k, v in all_headers.items() if k in NOT_MODIFIED_HEADERS}
        not_modified = Response(status=304, headers=kept)
        del not_modified.headers["Content-Type"]  # there is no content
        return not_modified
    return (content, all_headers) if status is None else (content, status, all_headers)


def paged(fetch: Callable[..., tuple[list[Any], int]], pagination: Any, **filters: Any) -> list:
    """One page from a service's list function for the current user; the total goes to the
    X-Pagination header."""
    from audit_api.auth.guard import current_user

    items, pagination.item_count = fetch(
        current_user(), page=pagination.page, page_size=pagination.page_size, **filters
    )
    return items
