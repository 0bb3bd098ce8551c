"""Audit, its stored score (overall, sections, items) and its append-only event log."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Index, String, Text, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from audit_api.assignments.models import Assignment
from audit_api.checklists.models import ChecklistVersion
from audit_api.db import Base, JSONType, Tracked, utcnow
from audit_api.locations.models import Location

if TYPE_CHECKING:
    from audit_api.evidence.models import Photo


class AuditStatus(StrEnum):
    """Where an audit is in its lifecycle (draft -> submitted -> approved...)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    DISPUTED = "disputed"


class Audit(Tracked, Base):
    """One filled checklist for one location, addressed by the client's UUID."""

    __tablename__ = "audits"
    __table_args__ = (
        Index("ix_audits_org_status_visit_date", "org_id", "status", "visit_date"),
        Index("ix_audits_location_visit_date", "location_id", "visit_date"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    checklist_version_id: Mapped[int] = mapped_column(ForeignKey("checklist_versions.id"))
    kind: Mapped[str] = mapped_column(String(8))
    # One assignment is one audit; self-audits have none (NULLs never clash).
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"), unique=True)
    auditor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=AuditStatus.DRAFT)
    answers: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    paradata: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    started_at: Mapped[datetime]
    device_submitted_at: Mapped[datetime | None]
    received_at: Mapped[datetime | None]
    clock_skew_s: Mapped[float | None]
    # The visit's calendar day in the location's timezone: what scores are bucketed by.
    visit_date: Mapped[date]
    distance_m: Mapped[float | None]
    within_geofence: Mapped[bool | None]
    submitted_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    # sha256 of the content last saved: a retried submit is recognised, a different one refused.
    content_digest: Mapped[str | None] = mapped_column(String(64))

    location: Mapped[Location] = relationship(lazy="joined")
    checklist_version: Mapped[ChecklistVersion] = relationship(lazy="joined")
    score: Mapped[AuditScore | None] = relationship(
        lazy="selectin", cascade="all, delete-orphan", uselist=False
    )
    photos: Mapped[list[Photo]] = relationship(
        "Photo", lazy="selectin", viewonly=True, order_by="(Photo.created_at, Photo.id)"
    )


class AuditScore(Base):
    """The stored score of a submitted audit, with its provenance."""

    __tablename__ = "audit_scores"

    audit_id: Mapped[str] = mapped_column(ForeignKey("audits.id"), primary_key=True)
    overall: Mapped[float | None]
    grade: Mapped[dict[str, str] | None] = mapped_column(JSONType)
    critical_failures: Mapped[list[str]] = mapped_column(JSONType)
    checklist_key: Mapped[str] = mapped_column(String(60))
    checklist_version: Mapped[int]
    rules_version: Mapped[int]
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)

    sections: Mapped[list[AuditSectionScore]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="AuditSectionScore.position"
    )
    items: Mapped[list[AuditItemScore]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="AuditItemScore.position"
    )


class AuditSectionScore(Base):
    """A section's pct in a stored score (kept as rows so scores aggregate in SQL)."""

    __tablename__ = "audit_section_scores"

    audit_id: Mapped[str] = mapped_column(ForeignKey("audit_scores.audit_id"), primary_key=True)
    section_key: Mapped[str] = mapped_column(String(60), primary_key=True)
    position: Mapped[int]
    pct: Mapped[float | None]
    weight: Mapped[float | None]


class AuditItemScore(Base):
    """An item's fraction and flags in a stored score."""

    __tablename__ = "audit_item_scores"

    audit_id: Mapped[str] = mapped_column(ForeignKey("audit_scores.audit_id"), primary_key=True)
    item_key: Mapped[str] = mapped_column(String(60), primary_key=True)
    section_key: Mapped[str] = mapped_column(String(60))
    position: Mapped[int]
    fraction: Mapped[float | None]
    applicable: Mapped[bool]
    failed: Mapped[bool]
    # The answer this row scored, as the answers CSV writes it, so PostgreSQL's COPY reads
    # plain columns instead of taking every answer out of the audit's JSON and looking its
    # score up (three times the work per row). None of them when the item was not answered.
    answer_index: Mapped[int | None]  # its place among the audit's answers
    answer: Mapped[str | None] = mapped_column(Text)  # N/A, True/False, the number or the text
    answer_is_text: Mapped[bool | None]  # free text (or JSON): defused in a CSV cell
    comment: Mapped[str | None] = mapped_column(Text)
    photo_count: Mapped[int | None]


class AuditEvent(Base):
    """An append-only record of a transition or sensitive action on an audit."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[str] = mapped_column(ForeignKey("audits.id"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str | None] = mapped_column(String(4000))
    data: Mapped[dict[str, Any] | None] = mapped_column(JSONType)


# An assignment's audit id (one at most: the column is unique), read with the assignment in a
# subquery: loading its audits, as a relationship did, also loaded their photos and scores.
Assignment.audit_id = column_property(
    select(Audit.id)
    .where(Audit.assignment_id == Assignment.id)
    .correlate_except(Audit)
    .scalar_subquery()
)
