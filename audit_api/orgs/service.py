"""Organization operations: create a brand with its first HQ admin."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select

from audit_api.db import db
from audit_api.errors import Reason, flatten
from audit_api.orgs.models import Organization
from audit_api.users.models import User
from audit_api.users.schemas import UserIn


def find_org(name: str) -> Organization | None:
    """The organization of that exact name, if any."""
    return db.session.scalar(select(Organization).where(Organization.name == name))


def create_org(name: str, admin: dict[str, Any]) -> tuple[Organization, User]:
    """Create an organization and its first hq_admin in one commit."""
    from audit_api.users.service import create_user

    name = name.strip()
    if not name or len(name) > 200:
        raise Reason.validation_failed.error(
            "Invalid name.", {"name": ["Between 1 and 200 characters."]}
        )
    try:
        data = UserIn().load({**admin, "role": "hq_admin"})
    except ValidationError as exc:
        raise Reason.validation_failed.error(
            "Invalid administrator.", flatten(exc.messages)
        ) from None
    org = Organization(name=name)
    db.session.add(org)
    db.session.flush()
    return org, create_user(org.id, data)
