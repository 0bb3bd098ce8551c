"""HTTP endpoints of /api/v1/exports: downloads written to a spool, then sent from it."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from audit_api import openapi
from audit_api.auth.guard import current_user, requires
from audit_api.exports.download import MEDIA, export_response
from audit_api.exports.schemas import ActionExportQuery, ExportQuery
from audit_api.i18n import LanguageChoice

blp = Blueprint("exports", __name__, url_prefix="/api/v1/exports", description="Exports.")
ATTACHMENT = {"Content-Disposition": 'attachment; filename="audits-2026-11-23.csv"'}


def _file(*formats: str) -> dict[str, Any]:
    """The documented 200 of an export in these formats (the path's extension chooses)."""
    kinds = [MEDIA[f].split(";")[0] for f in formats]
    return {"200": openapi.files(kinds, "The file, in the format of the extension.", **ATTACHMENT)}


def _export(what: str, fmt: str, filters: dict[str, Any]) -> Response:
    return export_response(current_user(), what, fmt, filters)


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
