"""Location table: the stores and branches that get audited."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from audit_api.db import Base, Synced, Tracked


class Location(Synced, Tracked, Base):
    """A store or branch that gets audited."""

    __tablename__ = "locations"
    __table_args__ = (
        UniqueConstraint("org_id", "code", name="uq_locations_org_code"),
        CheckConstraint("latitude BETWEEN -90 AND 90", name="latitude_range"),
        CheckConstraint("longitude BETWEEN -180 AND 180", name="longitude_range"),
        CheckConstraint("geofence_m > 0", name="geofence_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(400))
    phone: Mapped[str] = mapped_column(String(32))
    timezone: Mapped[str] = mapped_column(String(64))
    latitude: Mapped[float]
    longitude: Mapped[float]
    geofence_m: Mapped[int] = mapped_column(default=150)
    search_key: Mapped[str] = mapped_column(String(400), default="")
