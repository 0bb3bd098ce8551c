"""An export as an HTTP download: written whole to a spool, then streamed from it with the
database handed back. The API and the console send exports through this one function."""

from __future__ import annotations

from datetime import date
from typing import IO, Any

from flask import Response

from audit_api.db import db
from audit_api.exports import service, spool
from audit_api.exports.actions import write_actions
from audit_api.users.models import User

MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# What each export can be written as (answers and actions have no spreadsheet form).
FORMATS = {
    "audits": ("csv", "xlsx", "jsonl"),
    "answers": ("csv", "jsonl"),
    "actions": ("csv", "jsonl"),
}


def _download(name: str, fmt: str, file: IO[bytes], size: int) -> Response:
    filename = f"{name}-{date.today().isoformat()}.{fmt}"
    # content_type, not mimetype: Werkzeug would add a second charset to a text/ mimetype.
    response = Response(spool.chunks(file), content_type=MEDIA[fmt], direct_passthrough=True)
    response.content_length = size
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_response(actor: User, what: str, fmt: str, filters: dict[str, Any]) -> Response:
    """The `what` export (audits, answers, actions) of the actor's scope as a `fmt` download."""
    if what == "actions":
        file, size = spool.spooled(lambda out: write_actions(actor, fmt, filters, out))
    else:
        file, size = spool.spooled(lambda out: service.write_export(actor, what, fmt, filters, out))
    # The database work is done: end the transaction and hand the connection back before the
    # client reads, so a slow reader holds neither SQLite's write lock nor a pool connection.
    db.session.close()
    return _download(what, fmt, file, size)
