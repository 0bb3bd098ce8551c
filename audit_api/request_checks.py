"""Checks every request passes before any view reads it: body size, JSON depth, storable text.

They run in this order on purpose: the body limit must be set before anything parses the
body (parsing a form under the global 1 MiB cap would refuse every photo upload), and the
JSON body is parsed once, guarded, before anything walks it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, request
from werkzeug.exceptions import HTTPException

from audit_api.bodies import view_limit
from audit_api.errors import Reason

MAX_JSON_DEPTH = 32  # the deepest real body (a checklist definition) is about 6 levels
# NUL: PostgreSQL cannot store it. A lone surrogate ("\ud800" in JSON) is not a character
# at all: no database driver can encode it. No real client sends either.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def apply_body_limit() -> None:
    """Raise the body limit for views that take larger bodies (photos); a body over the
    limit that applies is a 413 naming the view's field."""
    limit = view_limit()
    if limit is None:
        return
    request.max_content_length = limit.bytes()
    if request.content_length is not None and request.content_length > limit.bytes():
        allowed = current_app.config[limit.setting]
        raise Reason.payload_too_large.error(
            "The request body is too large.", {limit.field: [f"must be at most {allowed} bytes"]}
        )


def parse_json_body() -> None:
    """Parse a JSON body once (cached for the views); refuse one that is not JSON or is
    nested too deep."""
    if not request.is_json:
        _refuse_a_body_that_is_not_json()
        return
    if not request.get_data(cache=True):
        return  # no body: the view's schema says whether it needs one
    try:
        body = request.get_json()
    except RecursionError:  # thousands of levels: the parser itself gives up
        body = None
        too_deep = True
    except HTTPException:  # not JSON (nor an integer of over 4300 digits)
        why = _json_problem(request.get_data(cache=True))
        raise Reason.malformed_json.error(
            f"The body is not valid JSON: {why}.", {"_schema": [f"not valid JSON: {why}"]}
        ) from None
    else:
        too_deep = depth_exceeds(body, MAX_JSON_DEPTH)
    if too_deep:
        raise Reason.json_too_deep.error(
            f"The JSON body is nested deeper than {MAX_JSON_DEPTH} levels.",
            {"_schema": [f"nested deeper than {MAX_JSON_DEPTH} levels"]},
        )


def _refuse_a_body_that_is_not_json() -> None:
    """An API body sent as a form or as text (curl -d, a client's default) is a 415 that says
    so, not a 422 listing every field as missing; photo uploads take their multipart form."""
    if not request.path.startswith("/api/") or request.mimetype.startswith("multipart/"):
        return
    if view_limit() is not None or not request.get_data(cache=True):
        return
    raise Reason.json_required.error(
        "Send the body as JSON with Content-Type: application/json.",
        {"_schema": [f"the body is {request.mimetype or 'of no declared type'}, not JSON"]},
    )


def _json_problem(data: bytes) -> str:
    """What is wrong with a body that is not JSON, in the parser's words (Flask hides them
    outside debug mode behind Werkzeug's generic 400 text)."""
    try:
        json.loads(data)
    except RecursionError:
        return "nested too deep"
    except UnicodeDecodeError:
        return "not UTF-8 text"
    except ValueError as exc:  # JSONDecodeError, or an integer too long to convert
        return str(exc).split(" (char ")[0]
    return "unreadable"


def depth_exceeds(value: Any, limit: int) -> bool:
    """True when lists/objects nest deeper than `limit` (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth >= limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def _problem(text: str) -> str | None:
    """Why `text` cannot be stored, or None."""
    found = UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "must not contain NUL characters"
    return "must not contain unpaired surrogates (not valid Unicode)"


def _unstorable_paths(value: Any) -> dict[str, str]:
    """Paths (as in 422 errors) of the strings and keys in a JSON value that cannot be
    stored, with why. Walked without recursion; `parse_json_body` bounds the depth."""
    found: dict[str, str] = {}
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if problem := _problem(item):
                found[path or "_schema"] = problem
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{path}.{key}" if path else str(key)
                if problem := _problem(str(key)):
                    found[_printable(child_path)] = problem
                else:
                    stack.append((child, child_path))
        elif isinstance(item, list):
            stack.extend((child, f"{path}[{n}]") for n, child in enumerate(item))
    return found


def refuse_unstorable_text() -> None:
    """No text anywhere in a request may hold NUL or a lone surrogate: answered 422 naming
    each field, before any view runs."""
    paths = _unstorable_paths(request.view_args or {})
    for source in (request.args, request.form):
        for key, value in source.items(multi=True):
            # A multipart part may come without a name: str() it rather than trust it.
            if problem := _problem(f"{key}{value}"):
                paths[_printable(str(key))] = problem
    if request.is_json:
        paths.update(_unstorable_paths(request.get_json(silent=True)))
    if paths:
        raise Reason.unstorable_text.error(
            "Text may not contain NUL characters or unpaired surrogates.",
            {path: [problem] for path, problem in sorted(paths.items())},
        )


def _printable(text: str) -> str:
    """A field name that can itself be put in a JSON answer."""
    return text.encode("utf-8", "backslashreplace").decode()


CHECKS: tuple[Callable[[], None], ...] = (
    apply_body_limit,
    parse_json_body,
    refuse_unstorable_text,
)


def init_app(app: Flask) -> None:
    """Run the checks, in order, before every request's view."""
    for check in CHECKS:
        app.before_request(check)
