"""Console area (HQ): the organization's checklists, their versions, uploads, previews and
publishing, over the checklists service the API uses."""

from __future__ import annotations

from audit_api.console.checklists.routes import bp

__all__ = ["bp"]
