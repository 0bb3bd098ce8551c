"""HTTP endpoints of /api/v1/exports: downloads written to a spool, then sent from it."""

from __future__ import annotations

from datetime import date
from typing import IO, Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from audit_api import openapi
from audit_api.auth.guard import current_user, requires
from audit_api.db import db
from audit_api.exports import service, spool
from audit_api.exports.actions import write_actions
from audit_api.exports.schemas import ActionExportQuery, ExportQuery
from audit_api.i18n import LanguageChoice

blp = Blueprint("exports", __name__, url_prefix="/api/v1/exports", description="Exports.")
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ATTACHMENT = {"Content-Disposition": 'attachment; filename="audits-2026-11-23.csv"'}


def _file(*formats: str) -> dict[str, Any]:
    """The documented 200 of an export in these formats (the path's extension chooses)."""
    kinds = [MEDIA[f].split(";")[0] for f in formats]
    return {"200": openapi.files(kinds, "The file, in the format of the extension.", **ATTACHMENT)}


def _download(name: str, fmt: str, file: IO[bytes], size: int) -> Response:
    filename = f"{name}-{date.today().isoformat()}.{fmt}"
    # content_type, not mimetype: Werkzeug would add a second charset to a text/ mimetype.
    response = Response(spool.chunks(file), content_type=MEDIA[fmt], direct_passthrough=True)
    response.content_length = size
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _export(what: str, fmt: str, filters: dict[str, Any]) -> Response:
    actor = current_user()
    if what == "actions":
        file, size = spool.spooled(lambda out: write_actions(actor, fmt, filters, out))
    else:
        file, size = spool.spooled(lambda out: service.write_export(actor, what, fmt, filters, out))
    # The database work is done: end the transaction and hand the connection back before the
    # client reads, so a slow reader holds neither SQLite's write lock nor a pool connection.
    db.session.close()
    return _download(what, fmt, file, size)


@blp.route("/audits.<any(csv, xlsx, jsonl):fmt>")
class AuditsExport(MethodView):
    """One row per audit."""

    @requires("exports:read")
    @blp.arguments(ExportQuery, location="query")
    @blp.response(200, description="A file.")
    @openapi.lang
    @blp.doc(operationId="exportAudits", responses=_file("csv", "xlsx", "jsonl"))
    def get(self, query: dict[str, Any], fmt: str) -> Response:
        """Audits with location, region path, auditor, checklist, dates, score, grade, one
        column per section, critical failures and geofence; each row carries a `cursor`."""
        return _export("audits", fmt, {**query, "lang": LanguageChoice.of_request()})


@blp.route("/answers.<any(csv, jsonl):fmt>")
class AnswersExport(MethodView):
    """One row per answered item."""

    @requires("exports:read")
    @blp.arguments(ExportQuery, location="query")
    @blp.response(200, description="A file.")
    @blp.doc(operationId="exportAnswers", responses=_file("csv", "jsonl"))
    def get(self, query: dict[str, Any], fmt: str) -> Response:
        """Answers with section, item, value, fraction, applicable, failed, comment, photos."""
        return _export("answers", fmt, query)


@blp.route("/actions.<any(csv, jsonl):fmt>")
class ActionsExport(MethodView):
    """One row per corrective action."""

    @requires("exports:read")
    @blp.arguments(ActionExportQuery, location="query")
    @blp.response(200, description="A file.")
    @blp.doc(operationId="exportActions", responses=_file("csv", "jsonl"))
    def get(self, query: dict[str, Any], fmt: str) -> Response:
        """Actions in scope with location, region path, audit, item, priority, status,
        overdue, assignee, dates and resolution; filtered as the action list."""
        if "audit_id" in query:
            query["audit_id"] = str(query["audit_id"])
        return _export("actions", fmt, query)
