"""Assignment table."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit_api.checklists.models import ChecklistVersion
from audit_api.db import Base, Synced, Tracked
from audit_api.locations.models import Location

if TYPE_CHECKING:
    from audit_api.audits.models import Audit


class AssignmentStatus(StrEnum):
    """An assignment waits (open), has its submitted audit (done) or was called off."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class Assignment(Synced, Tracked, Base):
    """A scheduled audit: a location, a pinned checklist version, a kind, an auditor, a window."""

    __tablename__ = "assignments"
    __table_args__ = (
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
    auditor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    due_from: Mapped[datetime]
    due_to: Mapped[datetime]
    # open: to be done (a draft may exist); done: an audit was submitted; cancelled.
    status: Mapped[str] = mapped_column(String(10), default=AssignmentStatus.OPEN, index=True)

    location: Mapped[Location] = relationship(lazy="joined")
    checklist_version: Mapped[ChecklistVersion] = relationship(lazy="joined")
    audits: Mapped[list[Audit]] = relationship(lazy="selectin", viewonly=True)

    @property
    def audit_id(self) -> str | None:
        """The audit started for this assignment, if any."""
        return self.audits[-1].id if self.audits else None
