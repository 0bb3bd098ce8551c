"""Console area (HQ): the organization's users, their roles and scopes, (de)activation."""

from __future__ import annotations

from audit_api.console.users.routes import bp

__all__ = ["bp"]
