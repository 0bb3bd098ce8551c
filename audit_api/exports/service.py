"""Export operations: what the caller may export, written in the asked format to a file."""

from __future__ import annotations

from typing import IO, Any

from audit_api.auth.policy import scored_audits
from audit_api.exports import formats, query, rows
from audit_api.exports.copy_csv import copy_answers_csv, uses_copy
from audit_api.users.models import User


def write_export(actor: User, what: str, fmt: str, filters: dict[str, Any], out: IO[bytes]) -> None:
    """Write the `what` export (audits or answers) of the audits in the actor's scope, as
    `fmt` (csv, jsonl, xlsx), to `out`."""
    where = query.export_where(scored_audits(actor), filters)
    if fmt == "xlsx":  # one row per audit: counted first, a refusal costs no workbook
        refusal = formats.xlsx_refusal(query.count_audits(where))
        if refusal is not None:
            raise refusal
    if uses_copy(what, fmt):
        for chunk in copy_answers_csv(where, filters["bom"]):
            out.write(chunk)
        return
    columns, data = rows.export_table(what, actor.org_id, where, filters.get("lang"))
    formats.write(out, fmt, columns, data, filters["bom"])
