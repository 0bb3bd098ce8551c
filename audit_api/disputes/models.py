"""Dispute table."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from audit_api.db import Base, JSONType, utcnow


class DisputeStatus(StrEnum):
    """A dispute waits for HQ (open), then the audit stands (upheld) or is corrected."""

    OPEN = "open"
    UPHELD = "upheld"
    OVERTURNED = "overturned"


class Dispute(Base):
    """A manager's appeal against items of an approved audit, resolved by HQ."""

    __tablename__ = "disputes"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    audit_id: Mapped[str] = mapped_column(ForeignKey("audits.id"), index=True)
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    items: Mapped[list[str]] = mapped_column(JSONType)
    reason: Mapped[str] = mapped_column(String(4000))
    status: Mapped[str] = mapped_column(String(12), default=DisputeStatus.OPEN, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None]
    resolution_note: Mapped[str | None] = mapped_column(String(4000))
    corrected_answers: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONType)
