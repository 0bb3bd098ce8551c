"""User table and a manager's scope (regions with descendants, and single locations)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit_api.db import Base, Tracked
from audit_api.locations.models import Location
from audit_api.orgs.models import Organization
from audit_api.regions.models import Region


class Role(StrEnum):
    """The three roles of docs/roles.md."""

    HQ_ADMIN = "hq_admin"
    MANAGER = "manager"
    AUDITOR = "auditor"


scope_regions = Table(
    "user_scope_regions",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("region_id", ForeignKey("regions.id", ondelete="CASCADE"), primary_key=True),
)

scope_locations = Table(
    "user_scope_locations",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("location_id", ForeignKey("locations.id", ondelete="CASCADE"), primary_key=True),
)


class User(Tracked, Base):
    """A person who signs in: HQ admin, manager or auditor of one organization."""

    __tablename__ = "users"
    # Unique within an organization only: a brand learns nothing about another's users.
    __table_args__ = (UniqueConstraint("org_id", "email", name="uq_users_org_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    # Stored lower-cased so uniqueness and login ignore case; indexed for sign-in.
    email: Mapped[str] = mapped_column(String(320), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]
    search_key: Mapped[str] = mapped_column(String(600), default="")

    org: Mapped[Organization] = relationship(lazy="joined")
    scope_regions: Mapped[list[Region]] = relationship(
        secondary=scope_regions, lazy="selectin", order_by=Region.id
    )
    scope_locations: Mapped[list[Location]] = relationship(
        secondary=scope_locations, lazy="selectin", order_by=Location.id
    )

    @property
    def scope(self) -> dict[str, list[int]]:
        """The manager's scope as ids (empty for other roles)."""
        return {
            "region_ids": [r.id for r in self.scope_regions],
            "location_ids": [loc.id for loc in self.scope_locations],
        }
