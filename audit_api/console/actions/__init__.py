"""Console area: corrective actions in scope, open and overdue, resolved with a note and photo."""

from __future__ import annotations

from audit_api.console.actions.routes import bp

__all__ = ["bp"]
