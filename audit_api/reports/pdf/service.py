"""Report requests: the stored PDF of an audit's current state, or its rendering asked for
(once per state and language) from the background task that draws and stores it; and the
prune of reports nobody will be served."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.utils import secure_filename

from audit_api.audits.models import Audit
from audit_api.audits.service import get_audit
from audit_api.db import db, utcnow
from audit_api.errors import Reason
from audit_api.evidence.storage import storage
from audit_api.housekeeping import pruner
from audit_api.reports.pdf.catalog import Words
from audit_api.reports.pdf.compose import audit_version
from audit_api.reports.pdf.models import AuditReport, ReportStatus
from audit_api.reports.pdf.rendering import RENDER, finished
from audit_api.tasks import enqueue
from audit_api.users.models import User

RETRY_AFTER = 2  # s a client waits before asking again (a report takes about a second)
STALE = timedelta(minutes=2)  # a rendering not done by then is asked for again
MAX_ATTEMPTS = 3  # failed this often, the answer is a 503 until STALE has passed
POLL = 0.25  # s between looks at a report being made (the task wakes waiters sooner)


def readable_audit(actor: User, audit_id: str) -> Audit:
    """The audit, if the actor may read it (else 404)."""
    return get_audit(actor, audit_id)


def languages(audit: Audit) -> list[str]:
    """The languages a report of the audit can be in: its checklist's."""
    return list(audit.checklist_version.definition["languages"])


def filename(audit: Audit, report: AuditReport) -> str:
    """informe-N1-2026-11-22-1a2b3c4d.pdf: plain ASCII, so every client keeps it."""
    code = secure_filename(audit.location.code) or "audit"
    return f"{Words(report.lang)('filename')}-{code}-{audit.visit_date}-{audit.id[:8]}.pdf"


def request_report(audit: Audit, lang: str) -> AuditReport:
    """The report of the audit's current state in `lang`: ready, or asked for. A rendering
    not done after STALE is asked for again, a failed one too (at once for its first
    MAX_ATTEMPTS, then after STALE), and a file gone from storage is drawn again."""
    version = audit_version(audit)
    report = _find(audit.id, version, lang)
    # End the read: on SQLite a write in the same transaction could meet a newer snapshot.
    db.session.commit()
    if report is None:
        return _create(audit, version, lang)
    if report.status == ReportStatus.READY and storage().stat(report.key()) is not None:
        return report
    stuck = utcnow() - report.requested_at > STALE
    failed = report.status == ReportStatus.FAILED
    if (
        report.status == ReportStatus.READY  # its file is gone: draw it again
        or stuck
        or (failed and report.attempts < MAX_ATTEMPTS)
    ):
        _ask_again(report)
    return report


def _find(audit_id: str, version: str, lang: str) -> AuditReport | None:
    return db.session.scalar(
        select(AuditReport).where(
            AuditReport.audit_id == audit_id,
            AuditReport.version == version,
            AuditReport.lang == lang,
        )
    )


def _create(audit: Audit, version: str, lang: str) -> AuditReport:
    report = AuditReport(
        org_id=audit.org_id,
        audit_id=audit.id,
        version=version,
        audit_row_version=audit.row_version,
        lang=lang,
        status=ReportStatus.PENDING,
        requested_at=utcnow(),
    )
    db.session.add(report)
    try:
        db.session.flush()
        enqueue(db.session, RENDER, report_id=report.id)
        db.session.commit()
    except IntegrityError:  # another request asked for it first: that one's rendering counts
        db.session.rollback()
        found = _find(audit.id, version, lang)
        if found is None:
            raise
        return found
    return report


def _ask_again(report: AuditReport) -> None:
    """Ask for the rendering again, unless a racing request just did."""
    claimed = db.session.execute(
        update(AuditReport)
        .where(AuditReport.id == report.id, AuditReport.attempts == report.attempts)
        .values(
            status=ReportStatus.PENDING,
            requested_at=utcnow(),
            attempts=AuditReport.attempts + 1,
            error=None,
        )
    )
    if claimed.rowcount:  # type: ignore[attr-defined]
        enqueue(db.session, RENDER, report_id=report.id)
    db.session.commit()
    db.session.refresh(report)


def wait_ready(report: AuditReport, seconds: float) -> AuditReport:
    """The report once ready or failed, or as it is after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        db.session.commit()  # a fresh snapshot each look (SQLite keeps a reader's until it ends)
        db.session.refresh(report)
        left = deadline - time.monotonic()
        if report.status != ReportStatus.PENDING or left <= 0:
            return report
        with finished:
            finished.wait(min(left, POLL))


def answer_failed(report: AuditReport) -> None:
    """A report whose rendering has failed too often is a 503, not another 202."""
    if report.status == ReportStatus.FAILED and report.attempts >= MAX_ATTEMPTS:
        raise Reason.report_render_failed.error(
            "The report could not be made; it is tried again in a few minutes."
        )


BATCH = 100  # reports deleted per commit: a storage failure keeps the rest for the next run


def superseded(now: datetime, retention: timedelta) -> list[AuditReport]:
    """Reports nobody will be served: of an audit changed since, rendered longer ago than
    `retention`, or asked for a day ago and never made."""
    return list(
        db.session.scalars(
            select(AuditReport)
            .join(Audit, Audit.id == AuditReport.audit_id)
            .where(
                (AuditReport.audit_row_version != Audit.row_version)
                | (AuditReport.rendered_at < now - retention)
                | (
                    (AuditReport.status != ReportStatus.READY)
                    & (AuditReport.requested_at < now - timedelta(days=1))
                )
            )
            .order_by(AuditReport.id)
        )
    )


@pruner("reports")
def prune_reports(now: datetime) -> dict[str, int]:
    """The daily run: superseded and old reports, their files first."""
    retention = timedelta(days=current_app.config["REPORT_RETENTION_DAYS"])
    old = superseded(now, retention)
    for start in range(0, len(old), BATCH):
        batch = old[start : start + BATCH]
        storage().delete([r.key() for r in batch])
        for report in batch:
            db.session.delete(report)
        db.session.commit()
    return {"PDF report(s)": len(old)}
