"""The outbox: work recorded in the transaction that caused it, queued after its commit."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from audit_api.db import Base, JSONType, utcnow


class JobStatus(StrEnum):
    """pending (waiting for its time or a worker) -> running (claimed) -> done or failed."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(Base):
    """One call of a registered task with JSON keyword arguments."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_run_after", "status", "run_after"),)

    # Made by the caller, not the database: the id is known before any flush or commit.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kwargs: Mapped[dict[str, Any]] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(10), default=JobStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    run_after: Mapped[datetime] = mapped_column(default=utcnow)
    # When a sweep last sent it to the broker (or the thread pool); NULL: not by a sweep yet.
    dispatched_at: Mapped[datetime | None]
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(index=True)  # prune
