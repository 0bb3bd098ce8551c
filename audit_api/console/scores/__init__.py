"""Console area: location scorecards, the league table and the regions roll-up."""

from __future__ import annotations

from audit_api.console.scores import formatting  # noqa: F401  (its template filters)
from audit_api.console.scores.routes import bp

__all__ = ["bp"]
