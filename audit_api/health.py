"""Liveness and readiness probes, outside the API prefix."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint
from sqlalchemy import text

from audit_api.db import db
from audit_api.errors import Unavailable
from audit_api.evidence.storage import storage

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> dict[str, Any]:
    """The process is up."""
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


@bp.get("/readyz")
def readyz() -> tuple[dict[str, Any], int]:
    """The database and the photo storage are reachable."""
    checks = {"database": _database_ok(), "storage": _storage_ok()}
    ready = all(checks.values())
    return {"status": "ok" if ready else "unavailable", "checks": checks}, 200 if ready else 503
