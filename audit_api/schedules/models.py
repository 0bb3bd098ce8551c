"""Schedule table, its locations and its pool of auditors."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit_api.checklists.models import Checklist
from audit_api.db import Base, Tracked
from audit_api.locations.models import Location
from audit_api.users.models import User

schedule_locations = Table(
    "schedule_locations",
    Base.metadata,
    Column("schedule_id", ForeignKey("schedules.id", ondelete="CASCADE"), primary_key=True),
    Column("location_id", ForeignKey("locations.id", ondelete="CASCADE"), primary_key=True),
)
schedule_auditors = Table(
    "schedule_auditors",
    Base.metadata,
    Column("schedule_id", ForeignKey("schedules.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Schedule(Tracked, Base):
    """Recurring audits of some locations (a list, or a region's) with a pool of auditors."""

    __tablename__ = "schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklists.id"))
    # None: the latest published version when each assignment is created.
    checklist_version: Mapped[int | None]
    kind: Mapped[str] = mapped_column(String(8))
    # A region (its locations and those of every region below, as they are when the
    # assignments are made) or, when None, the listed locations.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    rrule: Mapped[str] = mapped_column(String(500))
    starts_on: Mapped[date]
    local_time: Mapped[str] = mapped_column(String(5))  # HH:MM on each location's clock
    window_days: Mapped[int]
    lockout_days: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    checklist: Mapped[Checklist] = relationship(lazy="joined")
    locations: Mapped[list[Location]] = relationship(
        secondary=schedule_locations, lazy="selectin", order_by=Location.id
    )
    auditors: Mapped[list[User]] = relationship(
        secondary=schedule_auditors, lazy="selectin", order_by=User.id
    )
