"""The background task that draws a report and stores it beside the audit's photos."""

from __future__ import annotations

import threading
from typing import Any

from flask import current_app
from sqlalchemy import update

from audit_api.audits.models import Audit
from audit_api.db import db, utcnow
from audit_api.evidence.storage import storage
from audit_api.reports.pdf.compose import audit_version, compose, ready_photos
from audit_api.reports.pdf.models import AuditReport, ReportStatus
from audit_api.tasks import task

RENDER = "reports.render_pdf"
# Notified whenever this process finishes a rendering, so a request waiting for one (the
# embedded mode runs them in-process) answers at once instead of at its next look.
finished = threading.Condition()


def render(view: Any, photos: Any) -> bytes:
    """The PDF (render.py), with fpdf and fontTools imported on first use: imported at start
    they would add ~16 MB to every web process, which never draws one."""
    from audit_api.reports.pdf.render import render as draw

    return draw(view, photos)


@task(RENDER)
def render_pdf(report_id: int) -> None:
    """Draw the report and store it beside the audit's photos; a failure is recorded on it."""
    report = db.session.get(AuditReport, report_id)
    if report is None or report.status == ReportStatus.READY:
        return
    audit = db.session.get(Audit, report.audit_id)
    if audit is None or audit_version(audit) != report.version:
        db.session.delete(report)  # the audit changed meanwhile: nobody can ask for this one
        db.session.commit()
        return
    try:
        view = compose(audit, report.lang, report.version, utcnow())
        photos = {p.id: p.key("display") for p in ready_photos(audit)}
        key = report.key()
        db.session.commit()  # no transaction (on SQLite, no write lock) held while drawing
        data = render(view, _display_copies(photos))
        storage().put(key, data, "application/pdf")
    except Exception as exc:
        db.session.rollback()
        _record_failure(report_id, exc)
        raise
    report.status, report.rendered_at, report.size = ReportStatus.READY, utcnow(), len(data)
    report.error = None
    db.session.commit()
    with finished:
        finished.notify_all()


def _display_copies(keys: dict[str, str]) -> dict[str, bytes]:
    """The display copy of each photo, by photo id; a missing file is left out (drawn as an
    empty frame) rather than failing the whole report."""
    limit = current_app.config["PHOTO_MAX_BYTES"]
    found = {}
    for photo_id, key in keys.items():
        try:
            found[photo_id] = storage().read(key, limit)
        except KeyError:
            continue
    return found


def _record_failure(report_id: int, exc: Exception) -> None:
    db.session.execute(
        update(AuditReport)
        .where(AuditReport.id == report_id)
        .values(status=ReportStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:300])
    )
    db.session.commit()
    with finished:
        finished.notify_all()
