"""Action table and its append-only event log."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit_api.db import Base, JSONType, Tracked, utcnow
from audit_api.locations.models import Location


class ActionStatus(StrEnum):
    """open -> in_progress -> resolved -> verified; reopened when the item fails again;
    void when a dispute overturned the failure."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    VERIFIED = "verified"
    REOPENED = "reopened"
    VOID = "void"


# Work still to do: only these can be overdue.
OUTSTANDING = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.REOPENED)
# Not closed: a later audit of the location checks these.
UNCLOSED = (*OUTSTANDING, ActionStatus.RESOLVED)


class Action(Tracked, Base):
    """A failed item of an approved audit, as work for its location."""

    __tablename__ = "actions"
    __table_args__ = (
        # One action per audit item, however it was opened (a retried approval adds none).
        UniqueConstraint("audit_id", "item_key", name="uq_actions_audit_item"),
        Index("ix_actions_org_status_due_at", "org_id", "status", "due_at"),
        Index("ix_actions_location_item", "location_id", "checklist_key", "item_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    audit_id: Mapped[str] = mapped_column(ForeignKey("audits.id"))
    checklist_key: Mapped[str] = mapped_column(String(60))
    item_key: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(300))
    priority: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12), default=ActionStatus.OPEN)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    due_at: Mapped[datetime]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution_note: Mapped[str | None] = mapped_column(String(4000))
    resolution_photo_ids: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # The later audit that found the item passing (verified) or failing again (reopened).
    checked_by_audit_id: Mapped[str | None] = mapped_column(ForeignKey("audits.id"))
    verified_at: Mapped[datetime | None]
    # When action.overdue was emitted: once per action.
    overdue_notified_at: Mapped[datetime | None]

    location: Mapped[Location] = relationship(lazy="joined")


class ActionEvent(Base):
    """An append-only record of a change to an action (no actor: the system's own jobs)."""

    __tablename__ = "action_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str | None] = mapped_column(String(4000))
    data: Mapped[dict[str, Any] | None] = mapped_column(JSONType)


class ActionPhoto(Base):
    """A photo of what was done about an action, addressed by the client's UUID; processed
    like an audit's photos (metadata stripped, display and thumbnail copies)."""

    __tablename__ = "action_photos"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(BigInteger)
    width: Mapped[int]
    height: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    taken_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def key(self, variant: str) -> str:
        """The storage key of one variant, beside the organization's audit photos."""
        return f"{self.org_id}/actions/{self.action_id}/{self.id}/{variant}"
