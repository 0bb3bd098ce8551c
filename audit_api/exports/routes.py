"""HTTP endpoints of /api/v1/exports: downloads written to a spool, then sent from it."""

from __future__ import annotations

from datetime import date
from typing import IO, Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import ValidationError, fields, validate

from audit_api.audits.models import AuditStatus
from audit_api.auth.guard import current_user, requires
from audit_api.auth.policy import visible_locations
from audit_api.db import db
from audit_api.exports import formats, query, rows, spool
from audit_api.exports.copy_csv import copy_answers_csv, uses_copy
from audit_api.fields import DateWindow, Id

blp = Blueprint("exports", __name__, url_prefix="/api/v1/exports", description="Exports.")
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
STATUSES = (*AuditStatus, "all")


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
    status = fields.String(load_default=AuditStatus.APPROVED, validate=validate.OneOf(STATUSES))
    updated_after = fields.String(
        validate=_valid_cursor,
        metadata={"description": "the `cursor` of the last row read"},
    )
    bom = fields.Boolean(load_default=False, metadata={"description": "UTF-8 BOM for Excel"})
    lang = fields.String(load_default="es", validate=validate.Length(2, 2))


def _download(name: str, fmt: str, file: IO[bytes], size: int) -> Response:
    filename = f"{name}-{date.today().isoformat()}.{fmt}"
    # content_type, not mimetype: Werkzeug would add a second charset to a text/ mimetype.
    response = Response(spool.chunks(file), content_type=MEDIA[fmt], direct_passthrough=True)
    response.content_length = size
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _write(file: IO[bytes], what: str, fmt: str, org_id: int, scope: Any, filters: dict) -> None:
    if uses_copy(what, fmt):
        for chunk in copy_answers_csv(org_id, scope, filters, filters["bom"]):
            file.write(chunk)
        return
    columns, data = rows.export_table(what, org_id, scope, filters, filters["lang"])
    formats.write(file, fmt, columns, data, filters["bom"])


def _export(what: str, fmt: str, filters: dict[str, Any]) -> Response:
    actor = current_user()
    scope = visible_locations(actor)
    file, size = spool.spooled(lambda out: _write(out, what, fmt, actor.org_id, scope, filters))
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
    def get(self, query: dict[str, Any], fmt: str) -> Response:
        """Audits with location, region path, auditor, checklist, dates, score, grade, one
        column per section, critical failures and geofence; each row carries a `cursor`."""
        return _export("audits", fmt, query)


@blp.route("/answers.<any(csv, jsonl):fmt>")
class AnswersExport(MethodView):
    """One row per answered item."""

    @requires("exports:read")
    @blp.arguments(ExportQuery, location="query")
    @blp.response(200, description="A file.")
    def get(self, query: dict[str, Any], fmt: str) -> Response:
        """Answers with section, item, value, fraction, applicable, failed, comment, photos."""
        return _export("answers", fmt, query)
