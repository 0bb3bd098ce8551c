"""Database snapshots: every row of every table, taken once and put back before each test."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import Table, insert, select

from audit_api.db import db
from audit_api.models import metadata

Snapshot = list[tuple[Table, list[dict[str, Any]]]]


def take(app: Flask) -> Snapshot:
    """Every row, table by table, parents before children."""
    with app.app_context(), db.engine.connect() as conn:
        return [
            (table, [dict(row._mapping) for row in conn.execute(select(table))])
            for table in metadata.sorted_tables
        ]


def restore(app: Flask, snapshot: Snapshot) -> None:
    """Delete every row, then insert the snapshot's rows again, in one transaction.

    Ids come back as they were; PostgreSQL's sequences only ever move on, so rows a test
    creates afterwards never collide with them.
    """
    with app.app_context(), db.engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
        for table, rows in snapshot:
            if rows:
                conn.execute(insert(table), rows)
