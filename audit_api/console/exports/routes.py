"""Export pages: choose an export and download it streamed as the API sends it, and an
audit's PDF report, through the same services, schemas and policy."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, current_app, g, make_response, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _

from audit_api.auth.policy import check
from audit_api.console.exports.forms import export_form
from audit_api.console.session import login_required
from audit_api.db import db
from audit_api.errors import DomainError, Reason, validated
from audit_api.evidence.serving import serve_stored
from audit_api.exports.download import FORMATS, export_response
from audit_api.exports.schemas import ActionExportQuery, ExportQuery
from audit_api.i18n import LanguageChoice
from audit_api.reports.pdf import service as pdf
from audit_api.reports.pdf.models import ReportStatus

bp = Blueprint("exports", __name__, url_prefix="/exports")

AUDIT_FILTERS = ("from", "to", "status", "kind", "checklist_key", "region_id", "location_id")
ACTION_FILTERS = ("region_id", "location_id")  # the action list's own status means another thing


def _exporter() -> Any:
    check(g.console_user, "exports:read")
    return g.console_user


def _page(form: Any, status: int = 200) -> tuple[str, int]:
    return render_template("console/exports/index.html", form=form, formats=FORMATS), status


@bp.get("/")
@login_required
def index() -> tuple[str, int]:
    """The export form."""
    return _page(export_form(_exporter(), None))


def _show_errors(form: Any, errors: dict[str, list[str]]) -> None:
    """The schema's errors beside the form fields of the same parameter name."""
    by_name = {field.name: field for field in form}
    for name, messages in errors.items():
        field = by_name.get(name)
        if field is None:
            form.form_errors.append(f"{name}: {'; '.join(messages)}")
        else:
            field.errors = [*field.errors, *messages]


@bp.get("/download")
@login_required
def download() -> Any:
    """The chosen export, validated by the API's schema and written by its service."""
    actor = _exporter()
    form = export_form(actor, request.args)
    form.form_errors = []
    what, fmt = request.args.get("what", "audits"), request.args.get("fmt", "csv")
    if what not in FORMATS:
        _show_errors(form, {"what": [_("Choose what to export.")]})
        return _page(form, 422)
    if fmt not in FORMATS[what]:
        _show_errors(form, {"fmt": [_("This export comes as CSV or JSON Lines.")]})
        return _page(form, 422)
    names = ACTION_FILTERS if what == "actions" else AUDIT_FILTERS
    args = {name: request.args[name] for name in names if request.args.get(name)}
    args["bom"] = "true" if request.args.get("bom") else "false"
    schema = ActionExportQuery() if what == "actions" else ExportQuery()
    try:
        filters = validated(schema, args)
    except DomainError as error:
        _show_errors(form, error.errors)
        return _page(form, 422)
    if what == "audits":
        filters["lang"] = LanguageChoice(str(get_locale()))
    return export_response(actor, what, fmt, filters)


@bp.get("/audits/<uuid:audit_id>/report.pdf")
@login_required
def report(audit_id: UUID) -> Any:
    """The audit's PDF report in the console's language (if its checklist has it), made in
    the background as the API makes it; a page that looks again shortly until it is ready."""
    actor = g.console_user
    check(actor, "audits:read")
    audit = pdf.readable_audit(actor, str(audit_id))
    languages = pdf.languages(audit)
    lang = str(get_locale()) if str(get_locale()) in languages else languages[0]
    made = pdf.request_report(audit, lang)
    made = pdf.wait_ready(made, current_app.config["REPORT_WAIT"])
    pdf.answer_failed(made)
    if made.status != ReportStatus.READY:
        page = render_template("console/exports/report_pending.html", audit=audit)
        response = make_response(page, 202)
        response.headers["Retry-After"] = str(pdf.RETRY_AFTER)
        return response
    name, key = pdf.filename(audit, made), made.key()
    etag = f"{made.audit_id}-{made.version}-{made.lang}"
    db.session.close()  # the database work is done: a slow download holds no connection
    missing = Reason.report_missing.error("The report's file is missing from storage.")
    return serve_stored(key, "application/pdf", etag, missing, download_name=name)
