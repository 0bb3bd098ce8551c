"""Console area (HQ): places, the region tree with its locations; creating, changing, moving
and deleting regions and locations."""

from __future__ import annotations

from audit_api.console.places.routes import bp

__all__ = ["bp"]
