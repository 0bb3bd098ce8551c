"""Photo table: an audit's evidence, its stored facts and signals."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from audit_api.db import Base, JSONType, Tracked

VARIANTS = ("original", "display", "thumb")
STAGING = "uploads/"  # where upload forms put files until `complete` accepts them


class PhotoStatus(StrEnum):
    """A photo waits for its bytes (pending), then it is evidence (ready)."""

    PENDING = "pending"
    READY = "ready"


class Photo(Tracked, Base):
    """A photo of an audit, addressed by the client's UUID; `pending` until its bytes arrive."""

    __tablename__ = "photos"
    __table_args__ = (
        Index("ix_photos_org_sha256", "org_id", "sha256"),
        *(Index(f"ix_photos_org_band{n}", "org_id", f"band{n}") for n in range(4)),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    audit_id: Mapped[str] = mapped_column(ForeignKey("audits.id"), index=True)
    item_key: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(8), default=PhotoStatus.PENDING)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    declared_type: Mapped[str] = mapped_column(String(40))
    content_type: Mapped[str | None] = mapped_column(String(40))
    size: Mapped[int | None] = mapped_column(BigInteger)
    width: Mapped[int | None]
    height: Mapped[int | None]
    sha256: Mapped[str | None] = mapped_column(String(64))
    # The perceptual hash as 16 hex digits, and cut into bands to find near-duplicates by index.
    phash: Mapped[str | None] = mapped_column(String(16))
    band0: Mapped[int | None]
    band1: Mapped[int | None]
    band2: Mapped[int | None]
    band3: Mapped[int | None]
    taken_at: Mapped[datetime | None]
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    signals: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    # The staging key the latest upload form writes to; None once the photo is accepted.
    upload_key: Mapped[str | None] = mapped_column(String(200), unique=True)

    def key(self, variant: str) -> str:
        """The storage key of one variant; made by the server, never by the client."""
        return f"{self.org_id}/{self.audit_id}/{self.id}/{variant}"
