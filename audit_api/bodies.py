"""How large a request body may be: the app's limit, or a view's own (photo uploads)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request


@dataclass(frozen=True)
class BodyLimit:
    """A view's own body limit (for POST): a setting in bytes, plus an envelope's slack."""

    setting: str
    slack: int
    field: str

    def bytes(self) -> int:
        """The largest body the view accepts."""
        return int(current_app.config[self.setting]) + self.slack


def view_limit() -> BodyLimit | None:
    """The body limit of the view this POST goes to, if it has its own."""
    if request.method != "POST":
        return None
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(getattr(view, "view_class", None), "body_limit", None)


def too_large_errors() -> dict[str, list[str]]:
    """What a 413 names: the view's own field and limit, else the body's."""
    limit = view_limit()
    if limit is not None:
        return {limit.field: [f"must be at most {current_app.config[limit.setting]} bytes"]}
    return {"_schema": [f"must be at most {current_app.config['MAX_CONTENT_LENGTH']} bytes"]}
