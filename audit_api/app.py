"""The application factory: settings, extensions, blueprints, error handlers."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from audit_api.config import load_settings
from audit_api.fields import MAX_ID
from audit_api.observability import configure_logging
from audit_api.times import JSONProvider

API_SPEC = {
    "API_TITLE": "audit_api",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": "/api/v1/docs/assets/",  # served by docs_page.py: no CDN
    "API_SPEC_OPTIONS": {
        "security": [{"bearerAuth": []}],
        "info": {"description": "Checklists, field audits, photo evidence and scores."},
    },
}


class IdConverter(IntegerConverter):
    """`<int:...>` path parts from 1 to the largest id a column holds."""

    def __init__(self, url_map: Any, **kwargs: Any) -> None:
        super().__init__(url_map, min=1, max=MAX_ID, **kwargs)


def build_app(config: dict[str, Any] | None = None, *, instance_path: str | None = None) -> Flask:
    """Build the app from environment settings, `config` taking precedence."""
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.json = JSONProvider(app)  # RFC 3339 times everywhere, non-ASCII text as it is
    # Before any route is added: an id in a path larger than the columns hold is a plain 404.
    app.url_map.converters["int"] = IdConverter
    app.config.update(API_SPEC)
    app.config.update(load_settings(Path(app.instance_path), config))
    configure_logging(app.config["LOG_LEVEL"], app.config["LOG_JSON"])
    # Alembic narrates every start when AUTO_MIGRATE is on; `db upgrade` reports for itself.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if app.config["PROXY_FIX_X_FOR"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"])  # type: ignore[method-assign]
    _init_extensions(app)
    with app.app_context():
        if app.config["AUTO_MIGRATE"]:
            from audit_api.migrate import upgrade

            upgrade(app)
        if app.config["SYNC_CHECKLISTS"]:
            from audit_api.checklists.builtins import sync_at_start

            sync_at_start()
    return app


def _init_extensions(app: Flask) -> None:
    from audit_api import (
        cli,
        docs_page,
        headers,
        health,
        observability,
        query_check,
        request_checks,
    )
    from audit_api.actions import jobs as _action_jobs  # noqa: F401  (registers its periodic job)
    from audit_api.actions.routes import blp as actions_blp
    from audit_api.assignments import missed as _missed  # noqa: F401  (its periodic job)
    from audit_api.assignments.routes import blp as assignments_blp
    from audit_api.audits.routes import blp as audits_blp
    from audit_api.auth import guard, passwords
    from audit_api.auth.routes import blp as auth_blp
    from audit_api.checklists.routes import blp as checklists_blp
    from audit_api.console import init_app as init_console
    from audit_api.db import db
    from audit_api.disputes.routes import blp as disputes_blp
    from audit_api.error_handlers import register_error_handlers
    from audit_api.evidence import decoding, storage
    from audit_api.exports.routes import blp as exports_blp
    from audit_api.extensions import limit_writes, limiter
    from audit_api.locations.routes import blp as locations_blp
    from audit_api.openapi import AuditApi
    from audit_api.photos import processing as _photo_jobs  # noqa: F401  (its task and sweep)
    from audit_api.photos.routes import blp as photos_blp
    from audit_api.regions.routes import blp as regions_blp
    from audit_api.reports.pdf.routes import blp as reports_blp
    from audit_api.reports.routes import blp as scores_blp
    from audit_api.schedules import jobs as _schedule_jobs  # noqa: F401  (its periodic job)
    from audit_api.schedules.routes import blp as schedules_blp
    from audit_api.sync import stamps
    from audit_api.sync.routes import blp as sync_blp
    from audit_api.tasks import local as local_tasks
    from audit_api.users.routes import blp as users_blp
    from audit_api.webhooks import delivery  # noqa: F401 (registers its task for the workers)
    from audit_api.webhooks.routes import blp as webhooks_blp

    observability.init_app(app)
    headers.init_app(app)  # before the limiter: its after-request hook must run after the limiter's
    request_checks.init_app(app)
    guard.init_app(app)  # after the request checks: a malformed body is a 400 either way
    db.init_app(app)
    passwords.init_app(app)
    limiter.init_app(app)
    storage.init_app(app)
    decoding.init_app(app)
    stamps.init_app(app)
    local_tasks.init_app(app)
    api = AuditApi(app)  # one per app: its OpenAPI document is built per app
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    blueprints = (
        auth_blp,
        users_blp,
        regions_blp,
        locations_blp,
        checklists_blp,
        assignments_blp,
        schedules_blp,
        audits_blp,
        photos_blp,
        disputes_blp,
        actions_blp,
        scores_blp,
        reports_blp,
        exports_blp,
        sync_blp,
        webhooks_blp,
    )
    for blueprint in blueprints:
        if blueprint is not auth_blp:  # sign-in has limits of its own
            limit_writes(blueprint)
        api.register_blueprint(blueprint)
    api.register_blueprint(health.blp)
    docs_page.init_app(app)
    init_console(app)  # the web console at /console/ (after storage: its CSP names the photos')
    query_check.init_app(app, api)  # after the guard's hook: a 401 comes before a 422
    # Registered after the Api's own handler, so ours answers every error.
    register_error_handlers(app)
    cli.init_app(app)
