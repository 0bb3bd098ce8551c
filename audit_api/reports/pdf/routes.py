"""HTTP endpoint of an audit's PDF report."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response, current_app, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from audit_api.auth.guard import current_user, requires
from audit_api.db import db
from audit_api.errors import Reason, field_error
from audit_api.evidence.serving import serve_stored
from audit_api.i18n import pick_language
from audit_api.reports.pdf import service
from audit_api.reports.pdf.models import ReportStatus

blp = Blueprint("reports", __name__, url_prefix="/api/v1", description="Audit reports (PDF).")
PDF = "application/pdf"


class ReportQuery(Schema):
    """The report's language."""

    lang = fields.String(
        metadata={"description": "one of the checklist's languages; default Accept-Language"}
    )


class PendingOut(Schema):
    """A report still being made: ask again after `retry_after` seconds."""

    status = fields.String()
    message = fields.String()
    retry_after = fields.Integer()


@blp.route("/audits/<uuid:audit_id>/report.pdf")
class AuditReportPdf(MethodView):
    """An audit's PDF report."""

    @requires("audits:read")
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200, description="The PDF (local storage).", content_type=PDF)
    @blp.alt_response(202, schema=PendingOut, description="Being made; ask again (Retry-After).")
    @blp.alt_response(307, description="A short-lived storage URL of the PDF (S3).")
    @blp.doc(operationId="getAuditReport")
    def get(self, query: dict[str, Any], audit_id: UUID) -> Response:
        """The audit as a PDF: facts, score and grade, sections, every shown item with its
        answer and result, photos, evidence signals, review and disputes. Made in the
        background and kept until the audit changes; 202 with Retry-After until then."""
        audit = service.readable_audit(current_user(), str(audit_id))
        lang = pick_language(service.languages(audit))
        if lang is None:
            raise field_error("lang", "one report language, not all")
        report = service.request_report(audit, lang)
        report = service.wait_ready(report, current_app.config["REPORT_WAIT"])
        service.answer_failed(report)
        if report.status != ReportStatus.READY:
            return _pending()
        name, key = service.filename(audit, report), report.key()
        etag = f"{report.audit_id}-{report.version}-{report.lang}"
        db.session.close()  # the database work is done: a slow download holds no connection
        return _send(key, name, etag)


def _pending() -> Response:
    body = {
        "status": "pending",
        "message": "The report is being made; ask again shortly.",
        "retry_after": service.RETRY_AFTER,
    }
    response = jsonify(body)
    response.status_code = 202
    response.headers["Retry-After"] = str(service.RETRY_AFTER)
    response.headers["Cache-Control"] = "no-store"
    return response


def _send(key: str, name: str, etag: str) -> Response:
    missing = Reason.report_missing.error("The report's file is missing from storage; ask again.")
    return serve_stored(key, PDF, etag, missing, download_name=name)
