"""Downloads hold no database while the client reads them; cursors of any offset read on."""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from itertools import islice
from typing import Any

import openpyxl
import pytest

from audit_api.exports import copy_csv, query, spool
from tests.support.audit_helpers import new_id, visit_body
from tests.support.helpers import login
from tests.support.score_fixtures import WINDOW

EXPORTS = "/api/v1/exports"
PATHS = ("audits.csv", "audits.xlsx", "audits.jsonl", "answers.csv", "answers.jsonl")
POOL = 5 + 10  # SQLAlchemy's default pool: 5 connections kept, 10 more on demand


def _spools() -> int:
    """Open unnamed temporary files of this process (Linux lists them as deleted files)."""
    folder, count = tempfile.gettempdir(), 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # closed meanwhile (the listing's own descriptor)
            continue
        count += target.startswith(folder) and target.endswith("(deleted)")
    return count


def _soon(call: Callable[[], Any]) -> Any:
    """What `call` returns, run in a thread of its own as another client's request is (a Flask
    context of its own); failing when it takes more than 5 s."""
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(call).result(timeout=5)
    finally:
        pool.shutdown(wait=False)


def _hold(caller, path: str, opened: threading.Event, release: threading.Event) -> None:
    """Open a download, read its first two chunks (a CSV's first may be its header alone) and
    keep it open until released."""
    response = caller.get(f"{EXPORTS}/{path}", query_string={"status": "all"})
    try:
        assert response.status_code == 200, response.status_code
        assert list(islice(response.response, 2))
        opened.set()
        release.wait()
    finally:
        response.close()


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts open files on Linux")
@pytest.mark.parametrize("path", PATHS)
def test_unread_downloads_hold_no_lock_nor_connection(scored, client, monkeypatch, path):
    """More downloads than the pool has connections, each open after its first chunks: a draft is
    saved and a user signs in at once (SQLite: no write lock held; PostgreSQL: no connection
    held); closing them frees their spools."""
    # Many chunks, as a large export has: a batch per audit, COPY's rows one by one, the spool
    # read 16 bytes at a time; and every spool on disk, an open file each.
    monkeypatch.setattr(query, "BATCH", 1)
    monkeypatch.setattr(copy_csv, "CHUNK_BYTES", 1)
    monkeypatch.setattr(spool, "CHUNK_BYTES", 16)
    monkeypatch.setattr(spool, "SPOOL_MEMORY", 1)
    before, release, holds = _spools(), threading.Event(), []
    # A thread per download, as a server has: each request has Flask contexts of its own.
    readers = ThreadPoolExecutor(max_workers=POOL + 1)
    try:
        for _ in range(POOL + 1):
            opened = threading.Event()
            holds.append(readers.submit(_hold, scored.hq, path, opened, release))
            assert opened.wait(5), "a download was not answered within 5 s"
        body = visit_body(scored)
        draft = _soon(lambda: scored.manager_north.put(f"/api/v1/audits/{new_id()}", json=body))
        assert draft.status_code == 201, draft.get_json()
        _soon(lambda: login(client, "auditor@a.example"))
        assert _spools() == before + POOL + 1
    finally:
        release.set()
        readers.shutdown()
    for hold in holds:
        hold.result()
    assert _spools() == before


def _audit_ids(response, path: str) -> list[str]:
    """The audit ids of an export's rows, in order, each once."""
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    if path.endswith(".xlsx"):
        sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
        header, *data = sheet.iter_rows(values_only=True)
        rows = [dict(zip(header, row, strict=True)) for row in data]
    elif path.endswith(".csv"):
        rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    else:
        rows = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    return list(dict.fromkeys(row["audit_id"] for row in rows))


def _shifted(cursor: str, offset: timedelta) -> str:
    """The same position with its time written at another UTC offset."""
    stamp, audit_id = base64.urlsafe_b64decode(cursor).decode().split("|")
    moment = datetime.fromisoformat(stamp).astimezone(timezone(offset))
    return base64.urlsafe_b64encode(f"{moment.isoformat()}|{audit_id}".encode()).decode()


@pytest.mark.parametrize("path", PATHS)
def test_a_cursor_at_any_offset_reads_on_after_the_same_moment(scored, path):
    rows = scored.hq.get(f"{EXPORTS}/audits.jsonl", query_string=WINDOW).get_data(as_text=True)
    ordered = [json.loads(line) for line in rows.splitlines()]
    expected = [row["audit_id"] for row in ordered[2:]]
    for offset in (timedelta(hours=16), -timedelta(hours=16), timedelta(hours=23, minutes=59)):
        query = {**WINDOW, "updated_after": _shifted(ordered[1]["cursor"], offset)}
        response = scored.hq.get(f"{EXPORTS}/{path}", query_string=query)
        assert _audit_ids(response, path) == expected, (path, offset)
