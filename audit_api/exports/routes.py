"""HTTP endpoints of /api/v1/exports: streamed downloads."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, stream_with_context
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import ValidationError, fields, validate

from audit_api.auth.guard import current_user, requires
from audit_api.auth.policy import visible_locations
from audit_api.exports import formats, query, rows
from audit_api.exports.copy_csv import copy_answers_csv, uses_copy
from audit_api.fields import DateWindow, Id

blp = Blueprint("exports", __name__, url_prefix="/api/v1/exports", description="Exports.")
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
STATUSES = ("approved", "submitted", "rejected", "disputed", "draft", "all")


def _valid_cursor(value: str) -> None:
    try:
        query.decode_cursor(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


class ExportQuery(DateWindow):
    """Filters of an export (approved audits by default)."""

    region_id = Id()
    location_id = Id()
    kind = fields.String(validate=validate.OneOf(("visit", "call")))
    checklist = fields.String()
    status = fields.String(load_default="approved", validate=validate.OneOf(STATUSES))
    updated_after = fields.String(
        validate=_valid_cursor,
        metadata={"description": "the `cursor` of the last row read"},
    )
    bom = fields.Boolean(load_default=False, metadata={"description": "UTF-8 BOM for Excel"})
    lang = fields.String(load_default="es", validate=validate.Length(2, 2))


def _download(name: str, fmt: str, chunks: Any) -> Response:
    filename = f"{name}-{date.today().isoformat()}.{fmt}"
    # content_type, not mimetype: Werkzeug would add a second charset to a text/ mimetype.
    response = Response(stream_with_context(chunks), content_type=MEDIA[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _export(what: str, fmt: str, filters: dict[str, Any]) -> Response:
    actor = current_user()
    scope = visible_locations(actor)
    if uses_copy(what, fmt):
        return _download(what, fmt, copy_answers_csv(actor.org_id, scope, filters, filters["bom"]))
    columns, data = rows.export_table(what, actor.org_id, scope, filters, filters["lang"])
    return _download(what, fmt, formats.encode(fmt, columns, data, filters["bom"]))


@blp.route("/audits.<any(csv, xlsx, jsonl):fmt>")
class AuditsExport(MethodView):
    """One row per audit."""

    @requires("exports:read")
    @blp.arguments(ExportQuery, location="query")
    @blp.response(200, description="A file, streamed.")
    def get(self, query: dict[str, Any], fmt: str) -> Response:
        """Audits with location, region path, auditor, checklist, dates, score, grade, one
        column per section, critical failures and geofence; each row carries a `cursor`."""
        return _export("audits", fmt, query)


@blp.route("/answers.<any(csv, jsonl):fmt>")
class AnswersExport(MethodView):
    """One row per answered item."""

    @requires("exports:read")
    @blp.arguments(ExportQuery, location="query")
    @blp.response(200, description="A file, streamed.")
    def get(self, query: dict[str, Any], fmt: str) -> Response:
        """Answers with section, item, value, fraction, applicable, failed, comment, photos."""
        return _export("answers", fmt, query)
