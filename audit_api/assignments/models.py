"""Assignment table."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit_api.checklists.models import ChecklistVersion
from audit_api.db import Base, Synced, Tracked
from audit_api.locations.models import Location


class AssignmentStatus(StrEnum):
    """An assignment waits (open), has its submitted audit (done), was called off, or its
    window closed with nothing submitted (missed)."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"
    MISSED = "missed"


class Assignment(Synced, Tracked, Base):
    """A scheduled audit: a location, a pinned checklist version, a kind, an auditor, a window."""

    __tablename__ = "assignments"
    __table_args__ = (
        # A schedule makes each occurrence at each location once, however often (or on how
        # many workers) its job runs; hand-made assignments have no schedule (NULLs never clash).
        UniqueConstraint(
            "schedule_id", "occurrence", "location_id", name="uq_assignments_schedule_occurrence"
        ),
        # An auditor's open assignments (a first sync) and their changes since a cursor.
        Index("ix_assignments_auditor_status", "auditor_id", "status"),
        Index("ix_assignments_auditor_sync_seq", "auditor_id", "sync_seq"),
    )
    sync_owner = "auditor_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), index=True)
    checklist_version_id: Mapped[int] = mapped_column(ForeignKey("checklist_versions.id"))
    kind: Mapped[str] = mapped_column(String(8))
    # None: made by a schedule when no auditor of its pool qualified; a manager assigns one.
    auditor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    due_from: Mapped[datetime]
    due_to: Mapped[datetime]
    # open: to be done (a draft may exist); done: an audit was submitted; cancelled.
    status: Mapped[str] = mapped_column(String(10), default=AssignmentStatus.OPEN, index=True)
    schedule_id: Mapped[int | None] = mapped_column(ForeignKey("schedules.id"), index=True)
    # The schedule's occurrence on the location's clock, "YYYY-MM-DDTHH:MM".
    occurrence: Mapped[str | None] = mapped_column(String(16))

    location: Mapped[Location] = relationship(lazy="joined")
    checklist_version: Mapped[ChecklistVersion] = relationship(lazy="joined")
    # `audit_id`, the audit started for this assignment if any, is read with the assignment by
    # a subquery that audits/models.py adds (the audits table is defined after this one).
