"""Rollup tables: sums over the approved, scored audits sharing a location, visit date (the
location's calendar day), checklist version and kind."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from audit_api.db import Base


class KeyColumns:
    """The key every rollup row shares; the region is not in it (read through the location,
    so a location moved to another region takes its history with it at once).

    No foreign keys: every row is made from audits that hold them, and checking them again
    for each of millions of rows made the rebuild and each refresh several times slower
    (`flask rollup rebuild --check` is this data's integrity check)."""

    # First in every primary key (sort_order): a location's rows over a date range are one
    # index range, whatever the table.
    location_id: Mapped[int] = mapped_column(primary_key=True, sort_order=-5)
    visit_date: Mapped[date] = mapped_column(primary_key=True, sort_order=-4)
    checklist_version_id: Mapped[int] = mapped_column(primary_key=True, sort_order=-3)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True, sort_order=-2)
    org_id: Mapped[int] = mapped_column(sort_order=-1)


class ScoreRollup(KeyColumns, Base):
    """Count, sum and sum of squares of the overall scores of a key's approved audits."""

    __tablename__ = "score_rollups"
    __table_args__ = (Index("ix_score_rollups_org_id_visit_date", "org_id", "visit_date"),)

    checklist_key: Mapped[str] = mapped_column(String(60))
    n: Mapped[int]
    total: Mapped[float]
    total_sq: Mapped[float]


class SectionRollup(KeyColumns, Base):
    """Per section: how many of the key's audits have its pct, and their sum."""

    __tablename__ = "score_rollup_sections"

    section_key: Mapped[str] = mapped_column(String(60), primary_key=True)
    n: Mapped[int]
    total: Mapped[float]


class ItemRollup(KeyColumns, Base):
    """Per item: in how many of the key's audits it was applicable, and failed."""

    __tablename__ = "score_rollup_items"
    __table_args__ = (Index("ix_score_rollup_items_org_id_visit_date", "org_id", "visit_date"),)

    item_key: Mapped[str] = mapped_column(String(60), primary_key=True)
    checklist_key: Mapped[str] = mapped_column(String(60))
    applicable: Mapped[int]
    failed: Mapped[int]


class MonthRollup(Base):
    """score_rollups added up per calendar month: a window of whole months reads one row per
    location and month instead of one per day."""

    __tablename__ = "score_rollup_months"
    __table_args__ = (Index("ix_score_rollup_months_org_id_month", "org_id", "month"),)

    location_id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(primary_key=True)  # its first day
    checklist_version_id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    org_id: Mapped[int]
    checklist_key: Mapped[str] = mapped_column(String(60))
    n: Mapped[int]
    total: Mapped[float]
    total_sq: Mapped[float]
