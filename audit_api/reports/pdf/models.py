"""Rendered reports: one row per audit state and language, naming the stored PDF."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from audit_api.db import Base, utcnow


class ReportStatus(StrEnum):
    """A report is asked for (pending), stored (ready), or its last rendering failed."""

    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


class AuditReport(Base):
    """The PDF report of one state of an audit in one language; a changed audit gets a new one."""

    __tablename__ = "audit_reports"
    __table_args__ = (UniqueConstraint("audit_id", "version", "lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    audit_id: Mapped[str] = mapped_column(ForeignKey("audits.id"))  # indexed by the unique key
    # The state of the audit it shows: its row version and a digest of its photos.
    version: Mapped[str] = mapped_column(String(40))
    # The audit's row version alone, so the prune finds superseded reports in SQL.
    audit_row_version: Mapped[int]
    lang: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(8), default=ReportStatus.PENDING)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=1)
    rendered_at: Mapped[datetime | None]
    size: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(String(300))

    def key(self) -> str:
        """The storage key of the PDF, beside the audit's photos; made by the server."""
        return f"{self.org_id}/{self.audit_id}/reports/{self.version}-{self.lang}.pdf"
