"""`flask --app wsgi export`: very large pulls straight to a file, with a progress bar."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select, true

from audit_api.audits.models import Audit
from audit_api.db import db
from audit_api.exports import formats, query, rows


@click.command("export")
@click.argument("what", type=click.Choice(["audits", "answers"]))
@click.option("--org", "org_id", type=int, required=True, help="organization id")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "xlsx"]), default="csv")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="file to write")
@click.option("--status", default="approved", show_default=True)
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="first visit date")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="last visit date")
@click.option("--bom", is_flag=True, help="start CSV with a UTF-8 BOM (Excel)")
@with_appcontext
def export_command(
    what: str,
    org_id: int,
    fmt: str,
    out: Path,
    status: str,
    start: datetime | None,
    end: datetime | None,
    bom: bool,
) -> None:
    """Export an organization's AUDITS or ANSWERS to a file (whole organization)."""
    if what == "answers" and fmt == "xlsx":
        raise click.BadParameter("answers come as csv or jsonl", param_hint="--format")
    filters: dict[str, Any] = {
        "status": status,
        "start": start and start.date(),
        "end": end and end.date(),
    }
    total = db.session.scalar(
        select(func.count())
        .select_from(Audit)
        .where(*query.export_conditions(org_id, true(), filters))
    )
    columns, data = rows.export_table(what, org_id, true(), filters, "es")
    with click.progressbar(
        length=total or 0, label=f"{what} of {total} audits", file=sys.stderr
    ) as bar:
        chunks = formats.encode(fmt, columns, _counting(data, bar), bom)
        with out.open("wb") as file:
            for chunk in chunks:
                file.write(chunk if isinstance(chunk, bytes) else chunk.encode())
    click.echo(f"wrote {out}", err=True)


def _counting(batches: Any, bar: Any) -> Any:
    """Advance the bar once per audit (answers come several rows per audit)."""
    for batch in batches:
        bar.update(len({row[0] for row in batch}))  # audit_id leads every row
        yield batch
