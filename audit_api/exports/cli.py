"""`flask --app wsgi export`: very large pulls straight to a file, with a progress bar."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from audit_api.audits.models import Audit, AuditStatus
from audit_api.db import db
from audit_api.exports import formats, query, rows
from audit_api.exports.copy_csv import copy_answers_csv, uses_copy
from audit_api.exports.schemas import STATUSES
from audit_api.orgs.models import Organization

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".xlsx": "xlsx"}


@click.command("export")
@click.argument("what", type=click.Choice(["audits", "answers"]))
@click.option("--org", "org_id", type=int, required=True, help="organization id")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(set(FORMATS.values()))),
    help="file format",
    show_default="the extension of --out, else csv",
)
@click.option("--out", type=click.Path(path_type=Path), required=True, help="file to write")
@click.option(
    "--status",
    type=click.Choice([str(s) for s in STATUSES]),
    default=AuditStatus.APPROVED.value,
    show_default=True,
    help="audits in this status (all: any)",
)
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="first visit date")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="last visit date")
@click.option("--bom", is_flag=True, show_default=True, help="start CSV with a UTF-8 BOM (Excel)")
@with_appcontext
def export_command(
    what: str,
    org_id: int,
    fmt: str | None,
    out: Path,
    status: str,
    start: datetime | None,
    end: datetime | None,
    bom: bool,
) -> None:
    """Export an organization's AUDITS or ANSWERS to a file (whole organization)."""
    fmt = fmt or FORMATS.get(out.suffix.lower(), "csv")
    if what == "answers" and fmt == "xlsx":
        raise click.BadParameter("answers come as csv or jsonl", param_hint="--format")
    if db.session.get(Organization, org_id) is None:
        raise click.BadParameter(f"no organization {org_id}", param_hint="--org")
    if not out.parent.is_dir():
        raise click.BadParameter(f"the folder {out.parent} does not exist", param_hint="--out")
    filters: dict[str, Any] = {
        "status": status,
        "start": start and start.date(),
        "end": end and end.date(),
    }
    where = query.export_where(Audit.org_id == org_id, filters)
    if fmt == "xlsx" and (refusal := formats.xlsx_refusal(query.count_audits(where))):
        raise click.ClickException(refusal.message)
    try:
        file = out.open("wb")
    except OSError as exc:  # a folder in its place, no permission...
        raise click.FileError(str(out), hint=exc.strerror or str(exc)) from None
    with file:
        if uses_copy(what, fmt):
            _write_copy(file, where, bom)
        else:
            _write_batches(file, what, fmt, org_id, where, bom)
    click.echo(f"wrote {out} ({fmt})", err=True)


def _write_batches(file: Any, what: str, fmt: str, org_id: int, where: list, bom: bool) -> None:
    total = query.count_audits(where)
    columns, data = rows.export_table(what, org_id, where, "es")
    with click.progressbar(length=total, label=f"{what} of {total} audits", file=sys.stderr) as bar:
        formats.write(file, fmt, columns, _counting(data, bar), bom)


def _write_copy(file: Any, where: list, bom: bool) -> None:
    """PostgreSQL's COPY writes the answers; the bar counts lines against the answers stored."""
    answers = func.coalesce(func.sum(func.jsonb_array_length(Audit.answers)), 0)
    total = int(db.session.scalar(select(answers).where(*where)) or 0)
    with click.progressbar(length=total, label=f"{total} answers", file=sys.stderr) as bar:
        for chunk in copy_answers_csv(where, bom):
            file.write(chunk)
            bar.update(chunk.count(b"\n"))


def _counting(batches: Any, bar: Any) -> Any:
    """Advance the bar once per audit (answers come several rows per audit)."""
    for batch in batches:
        bar.update(len({row[0] for row in batch}))  # audit_id leads every row
        yield batch
