"""The web console for managers and HQ at /console/: server-rendered pages over the same
services and policy as the API; each area is a blueprint nested in the console's."""

from __future__ import annotations

from importlib import import_module

from flask import Flask

from audit_api.console import language, pages, session, views  # noqa: F401 (views: routes)
from audit_api.console.blueprint import bp

# The areas, one line each: audit_api/console/<name>/ exposes `bp` (its url_prefix its own);
# its endpoints are console.<name>.<view>.
AREAS = [
    "review",
    "scores",
    "actions",
    "exports",
    "checklists",
    "users",
    "places",
    "schedules",
    "webhooks",
]

_nested: list[str] = []  # the blueprints live as long as the process; apps (tests) come and go


def _nest_areas() -> None:
    if _nested:
        return
    for name in AREAS:
        bp.register_blueprint(import_module(f"{__name__}.{name}").bp)
        _nested.append(name)


def init_app(app: Flask) -> None:
    """Register the console: its pages, CSRF, languages, session cookie and error pages."""
    _nest_areas()
    session.init_app(app)
    language.init_app(app)
    pages.init_app(app)
    app.register_blueprint(bp)
