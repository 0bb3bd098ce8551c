"""Console area (HQ): schedules made and changed with a readable recurrence builder."""

from __future__ import annotations

from audit_api.console.schedules.routes import bp

__all__ = ["bp"]
