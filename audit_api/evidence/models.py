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
    """A photo waits for its bytes (pending); once they are stored and pass the cheap checks
    it is processing (its copies, EXIF facts, hash and signals are made in the background),
    then ready evidence, or rejected when it turns out undecodable."""

    PENDING = "pending"
    PROCESSING = "processing"
    READY = "ready"
    REJECTED = "rejected"


# The statuses of a photo whose original is stored (and served to HQ).
STORED = (PhotoStatus.PROCESSING, PhotoStatus.READY, PhotoStatus.REJECTED)
# The statuses of a photo that counts as evidence at submit (its bytes passed the checks).
EVIDENCE = (PhotoStatus.PROCESSING, PhotoStatus.READY)


class Photo(Tracked, Base):
    """A photo of an audit, addressed by the client's UUID; `pending` until its bytes arrive."""

    __tablename__ = "photos"
    __table_args__ = (
        Index("ix_photos_org_sha256", "org_id", "sha256"),
        *(Index(f"ix_photos_org_band{n}", "org_id", f"band{n}") for n in range(4)),
        Index("ix_photos_status_queued_at", "status", "queued_at"),  # the sweep of stuck ones
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    audit_id: Mapped[str] = mapped_column(ForeignKey("audits.id"), index=True)
    item_key: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(10), default=PhotoStatus.PENDING)
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
    # Processing: when its job was queued, and that job (the sweep of stuck photos reads it).
    queued_at: Mapped[datetime | None]
    job_id: Mapped[str | None] = mapped_column(String(32))
    processed_at: Mapped[datetime | None]
    # Why a rejected photo was refused, as an error body: {"reason", "message", "errors"}.
    rejection: Mapped[dict[str, Any] | None] = mapped_column(JSONType)

    def key(self, variant: str) -> str:
        """The storage key of one variant; made by the server, never by the client."""
        return f"{self.org_id}/{self.audit_id}/{self.id}/{variant}"
