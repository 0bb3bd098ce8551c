"""Liveness and readiness probes, outside the API prefix."""

from __future__ import annotations

import logging
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import text

from audit_api.db import db
from audit_api.errors import Unavailable
from audit_api.evidence.storage import storage

log = logging.getLogger(__name__)
blp = Blueprint("health", __name__, description="Probes for load balancers and orchestrators.")


class HealthOut(Schema):
    """The process answers."""

    status = fields.String(required=True, metadata={"description": "ok"})


class ChecksOut(Schema):
    """What readiness checked."""

    database = fields.Boolean(required=True)
    storage = fields.Boolean(required=True)


class ReadyOut(Schema):
    """Whether the service can take work, and why not."""

    status = fields.String(required=True, metadata={"description": "ok | unavailable"})
    checks = fields.Nested(ChecksOut, required=True)


@blp.route("/healthz")
class Health(MethodView):
    """Liveness."""

    @blp.doc(operationId="getHealth", security=[])
    @blp.response(200, HealthOut)
    def get(self) -> dict[str, Any]:
        """The process is up (no database or storage is touched)."""
        return {"status": "ok"}


def _database_ok() -> bool:
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:
        log.exception("readiness: database unreachable")
        return False
    return True


def _storage_ok() -> bool:
    try:
        storage().ping()
    except Unavailable:
        log.exception("readiness: photo storage unavailable")
        return False
    return True


@blp.route("/readyz")
class Ready(MethodView):
    """Readiness."""

    @blp.doc(operationId="getReadiness", security=[])
    @blp.response(200, ReadyOut)
    @blp.alt_response(503, schema=ReadyOut, description="The database or the storage is down.")
    def get(self) -> tuple[dict[str, Any], int]:
        """The database and the photo storage are reachable."""
        checks = {"database": _database_ok(), "storage": _storage_ok()}
        ready = all(checks.values())
        body = {"status": "ok" if ready else "unavailable", "checks": checks}
        return body, 200 if ready else 503
