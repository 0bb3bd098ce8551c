"""audit_api: the backend of mystery-shopper and service-audit apps."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: dict[str, Any] | None = None, *, instance_path: str | None = None) -> Flask:
    """Build the app from environment settings, `config` taking precedence."""
    # Imported here so pure modules (audit_api.scoring) load without Flask or SQLAlchemy.
    from audit_api.app import build_app

    return build_app(config, instance_path=instance_path)


def settle() -> None:
    """Once started: the long-lived objects (modules, mappers, schemas, ~190,000) moved out of
    the garbage collector's sight. Each full collection walked them all: a third of the CPU of
    a league table of 10,000 locations, which makes that many objects itself."""
    gc.collect()
    gc.freeze()
