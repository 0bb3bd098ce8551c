"""The change counter of each organization and the assignments that left someone's phone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index
from sqlalchemy.orm import Mapped, mapped_column

from audit_api.db import Base, utcnow

# Neither table has foreign keys: a departure outlives the assignment it names (a deleted one
# too), and the clock is written last in a transaction, where waiting on a lock of a referenced
# row could deadlock (see stamps.py).


class SyncClock(Base):
    """An organization's change counter: each transaction that writes a synced row adds one."""

    __tablename__ = "sync_clocks"

    org_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger)


class SyncDeparture(Base):
    """An assignment that left a user's list by going to someone else, or by being deleted."""

    __tablename__ = "sync_departures"
    __table_args__ = (Index("ix_sync_departures_user_seq", "user_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int]
    user_id: Mapped[int]
    assignment_id: Mapped[int]
    seq: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(default=utcnow)
