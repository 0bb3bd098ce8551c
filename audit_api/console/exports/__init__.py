"""Console area: export downloads (CSV, XLSX, JSON Lines) and an audit's PDF report."""

from __future__ import annotations

from audit_api.console.exports.routes import bp

__all__ = ["bp"]
