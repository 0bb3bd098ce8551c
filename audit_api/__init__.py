"""audit_api: the backend of mystery-shopper and service-audit apps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: dict[str, Any] | None = None, *, instance_path: str | None = None) -> Flask:
    """Build the app from environment settings, `config` taking precedence."""
    # Imported here so pure modules (audit_api.scoring) load without Flask or SQLAlchemy.
    from audit_api.app import build_app

    return build_app(config, instance_path=instance_path)
