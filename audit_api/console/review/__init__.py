"""The review area: the queue of submitted audits and an audit's page with its decision."""

from __future__ import annotations

from audit_api.console.review.routes import bp

__all__ = ["bp"]
