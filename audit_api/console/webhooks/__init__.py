"""Console area (HQ): webhook endpoints, their secrets and their deliveries."""

from __future__ import annotations

from audit_api.console.webhooks.routes import bp

__all__ = ["bp"]
