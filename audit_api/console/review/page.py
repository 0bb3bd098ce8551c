"""What an audit's page shows: the report's view of it (answers by section, facts, photos
with their signals, reviews) in the page's language, its whole event log and the reviewer's
options."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from audit_api.audits.models import Audit, AuditEvent, AuditStatus
from audit_api.audits.review import events
from audit_api.auth.policy import may_review
from audit_api.console.review import queue
from audit_api.db import utcnow
from audit_api.evidence.models import Photo
from audit_api.reports.pdf.compose import audit_version, compose, ready_photos
from audit_api.reports.pdf.view import ReportView
from audit_api.users.models import User

EVENT_LABELS = {
    "created": _l("Started"),
    "updated": _l("Saved"),
    "submitted": _l("Submitted"),
    "approved": _l("Approved"),
    "returned": _l("Returned to the auditor"),
    "rejected": _l("Rejected"),
    "commented": _l("Comment"),
    "photo_added": _l("Photo added"),
    "photo_removed": _l("Photo removed"),
    "disputed": _l("Disputed"),
    "dispute_upheld": _l("Dispute upheld"),
    "rescored": _l("Rescored after a dispute"),
}
STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "disputed": _l("Disputed"),
}


@dataclass(frozen=True)
class ShownPhoto:
    """A photo as the page shows it: the report's caption and signals, and its row."""

    number: int
    photo: Photo
    caption: str
    taken: str
    signals: list[str]


@dataclass(frozen=True)
class AuditPage:
    """Everything the audit's template needs."""

    audit: Audit
    report: ReportView
    photos: list[ShownPhoto]
    signals: tuple[str, ...]
    timeline: list[tuple[AuditEvent, str]]  # each event with its actor's name
    reviewable: bool  # submitted, and not the user's own
    own: bool
    next_waiting: Audit | None


def _lang(audit: Audit) -> str:
    """The page's language when the checklist has it, else the checklist's first."""
    languages = audit.checklist_version.definition.get("languages") or ["en"]
    lang = str(get_locale() or "en")
    return lang if lang in languages else languages[0]


def audit_page(user: User, audit: Audit) -> AuditPage:
    """The page of an audit the user may see (the caller fetched it through the service)."""
    report = compose(audit, _lang(audit), audit_version(audit), utcnow())
    rows = {p.id: p for p in ready_photos(audit)}
    photos = [
        ShownPhoto(v.number, rows[v.photo_id], v.caption, v.taken, v.signals) for v in report.photos
    ]
    log, _ = events(user, audit.id, page_size=500)
    names = queue.names(e.actor_id for e in log)
    own = not may_review(user, audit)
    reviewable = audit.status == AuditStatus.SUBMITTED and not own
    following = None
    if not reviewable:
        waiting, _ = queue.waiting(user, {}, 1, page_size=1)
        following = waiting[0].audit if waiting else None
    return AuditPage(
        audit=audit,
        report=report,
        photos=photos,
        signals=queue.signal_codes(audit),
        timeline=[(e, names.get(e.actor_id, "—")) for e in log],
        reviewable=reviewable,
        own=own,
        next_waiting=following,
    )


def event_label(action: str) -> Any:
    """An event's name in the page's language."""
    return EVENT_LABELS.get(action, action)
