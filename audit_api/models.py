"""Imports every model so the metadata is complete (for Alembic and the tests)."""

from audit_api.auth.models import AuthSession, RefreshToken
from audit_api.checklists.models import Checklist, ChecklistVersion
from audit_api.db import Base
from audit_api.locations.models import Location
from audit_api.orgs.models import Organization
from audit_api.regions.models import Region
from audit_api.users.models import User

metadata = Base.metadata

__all__ = [
    "AuthSession",
    "Checklist",
    "ChecklistVersion",
    "Location",
    "Organization",
    "RefreshToken",
    "Region",
    "User",
    "metadata",
]
