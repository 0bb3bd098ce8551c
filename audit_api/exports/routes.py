"""HTTP endpoints of /api/v1/exports: streamed downloads."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, stream_with_context
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate

from audit_api.auth.guard import current_user, requires
from audit_api.auth.policy import visible_locations
from audit_api.exports import formats, rows

blp = Blueprint("exports", __name__, url_prefix="/api/v1/exports", description="Exports.")
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
STATUSES = ("approved", "submitted", "rejected", "disputed", "draft", "all")


def _valid_cursor(value: str) -> None:
    try:
        rows.decode_cursor(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


class ExportQuery(Schema):
    """Filters of an export (approved audits by default)."""

    start = fields.Date(data_key="from", metadata={"description": "first visit date"})
    end = fields.Date(data_key="to", metadata={"description": "last visit date"})
    region_id = fields.Integer()
    location_id = fields.Integer()
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
    response = Response(stream_with_context(chunks), mimetype=MEDIA[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@blp.route("/audits.<any(csv, xlsx, jsonl):fmt>")
class AuditsExport(MethodView):
    """One row per audit."""

    @requires("exports:read")
    @blp.arguments(ExportQuery, location="query")
    @blp.response(200, description="A file, streamed.")
    def get(self, query: dict[str, Any], fmt: str) -> Response:
        """Audits with location, region path, auditor, checklist, dates, score, grade, one
        column per section, critical failures and geofence; each row carries a `cursor`."""
        actor = current_user()
        scope = visible_locations(actor)
        sections = rows.section_keys(actor.org_id, scope, query)
        columns = rows.AUDIT_COLUMNS[:-1] + [f"section_{k}" for k in sections] + ["cursor"]
        data = rows.audit_rows(actor.org_id, scope, query, sections, query["lang"])
        if fmt == "csv":
            return _download("audits", fmt, formats.csv_chunks(columns, data, query["bom"]))
        if fmt == "xlsx":
            return _download("audits", fmt, formats.xlsx_chunks(columns, data))
        return _download("audits", fmt, formats.jsonl_chunks(data))


@blp.route("/answers.<any(csv, jsonl):fmt>")
class AnswersExport(MethodView):
    """One row per answered item."""

    @requires("exports:read")
    @blp.arguments(ExportQuery, location="query")
    @blp.response(200, description="A file, streamed.")
    def get(self, query: dict[str, Any], fmt: str) -> Response:
        """Answers with section, item, value, fraction, applicable, failed, comment, photos."""
        actor = current_user()
        data = rows.answer_rows(actor.org_id, visible_locations(actor), query)
        if fmt == "csv":
            chunks = formats.csv_chunks(rows.ANSWER_COLUMNS, data, query["bom"])
            return _download("answers", fmt, chunks)
        return _download("answers", fmt, formats.jsonl_chunks(data))
