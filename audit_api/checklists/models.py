"""Checklist and ChecklistVersion tables: built-ins (no org) and each organization's own."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit_api.db import Base, JSONType, Tracked, utcnow


class VersionStatus(StrEnum):
    """A checklist version is edited as a draft, then published and never changed."""

    DRAFT = "draft"
    PUBLISHED = "published"


class Checklist(Base):
    """A checklist key: a built-in (org_id NULL) shared by all, or one organization's own."""

    __tablename__ = "checklists"
    __table_args__ = (
        UniqueConstraint("org_id", "key", name="uq_checklists_org_key"),
        # Built-in keys are unique too; NULL org_ids never clash in the constraint above.
        Index(
            "uq_checklists_builtin_key",
            "key",
            unique=True,
            sqlite_where=text("org_id IS NULL"),
            postgresql_where=text("org_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    key: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    versions: Mapped[list[ChecklistVersion]] = relationship(
        back_populates="checklist", order_by="ChecklistVersion.version", lazy="selectin"
    )

    @property
    def builtin(self) -> bool:
        """True for the checklists shipped in checklists/*.yaml."""
        return self.org_id is None


class ChecklistVersion(Tracked, Base):
    """One version of a checklist: a draft until published, then never changed."""

    __tablename__ = "checklist_versions"
    __table_args__ = (UniqueConstraint("checklist_id", "version", name="uq_checklist_versions"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklists.id"), index=True)
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default=VersionStatus.DRAFT)
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType)
    # sha256 of the canonical JSON: a built-in file edited without a new version is caught.
    digest: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    checklist: Mapped[Checklist] = relationship(back_populates="versions", lazy="joined")

    @property
    def published(self) -> bool:
        """A published version is immutable and may be pinned by audits."""
        return self.status == VersionStatus.PUBLISHED
