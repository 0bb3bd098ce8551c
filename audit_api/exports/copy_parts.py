"""The answers COPY split into consecutive parts run side by side on connections that share
one snapshot (as pg_dump's parallel mode does), joined back in order.

One COPY runs on one database backend, so one CPU: formatting 30 answers per audit costs
about three times what a plain COPY of the same rows does. Parts of the cursor order, each
on its own connection, use the database server's other cores; every part reads the same
snapshot, so the file is the one a single COPY would have written at that moment.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import IO, Any

from sqlalchemy import ARRAY, ColumnElement, Connection, DateTime, func, select, type_coerce

from audit_api.audits.models import Audit
from audit_api.db import db
from audit_api.exports.query import count_audits

# Below this many audits one COPY is quick enough: extra connections would cost more.
MIN_AUDITS_PER_PART = 20_000
READ_BYTES = 64 * 1024
CANCEL_EVERY = 0.1  # s between cancels of a part still running after the export failed


def boundaries(where: list[ColumnElement[bool]], parts: int) -> list[Any]:
    """Up to `parts - 1` increasing `updated_at` values that cut the exported audits into
    parts of about equal size (none when too few audits to be worth splitting)."""
    parts = min(parts, count_audits(where) // MIN_AUDITS_PER_PART)
    if parts < 2:
        return []
    quantiles = [k / parts for k in range(1, parts)]
    cut = func.percentile_disc(quantiles).within_group(Audit.updated_at)
    cut = type_coerce(cut, ARRAY(DateTime(timezone=True)))  # an array of the column's type
    points = db.session.scalar(select(cut).where(*where)) or []
    # Many audits may share a moment: a cut repeated would make an empty part.
    return sorted(set(points))


def ranges(points: list[Any]) -> list[list[ColumnElement[bool]]]:
    """The conditions of each part: before the first cut, between cuts, from the last one.
    Cutting on `updated_at` alone keeps every part a run of the (updated_at, id) order."""
    bounds = [None, *points, None]
    conditions = []
    for low, high in itertools.pairwise(bounds):
        part = []
        if low is not None:
            part.append(Audit.updated_at >= low)
        if high is not None:
            part.append(Audit.updated_at < high)
        conditions.append(part)
    return conditions


def shared_snapshot(count: int) -> list[Connection]:
    """`count` connections in read-only REPEATABLE READ transactions on one snapshot: the
    first exports it, the others take it before reading anything."""
    options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
    connections: list[Connection] = []
    try:
        for _ in range(count):
            connections.append(db.engine.connect().execution_options(**options))
        first = connections[0]
        snapshot = first.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
        for other in connections[1:]:
            other.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
    except BaseException:
        for connection in connections:
            connection.close()
        raise
    return connections


Copier = Callable[[Any], Iterator[bytes]]


def joined(copies: list[Copier]) -> Iterator[bytes]:
    """The chunks of every part in order: the first streamed as it comes, the others written
    meanwhile to unnamed temporary files by threads of their own, then read back.

    Each copier is given a raw psycopg connection and yields that part's chunks."""
    connections = shared_snapshot(len(copies))
    raws = [c.connection.dbapi_connection for c in connections]
    pool = ThreadPoolExecutor(max_workers=len(copies) - 1, thread_name_prefix="copy-part")
    futures: list[Future[IO[bytes]]] = []
    try:
        later = zip(copies[1:], raws[1:], strict=True)
        futures = [pool.submit(_to_file, copy, raw) for copy, raw in later]
        yield from copies[0](raws[0])
        for future in futures:
            with future.result() as file:
                file.seek(0)
                while data := file.read(READ_BYTES):
                    yield data
    finally:
        # The reader left or a part failed: stop the parts still running, then give every
        # connection back (closing ends its transaction).
        for future, raw in zip(futures, raws[1:], strict=False):
            # A cancel stops only the query running when it arrives: a part whose thread was
            # still setting out would start its COPY afterwards and run it to the end (the
            # pool's shutdown waiting meanwhile), so cancel again until the part has given up.
            while not future.done():
                raw.cancel_safe()
                wait([future], timeout=CANCEL_EVERY)
        pool.shutdown(wait=True)
        for future in futures:
            if future.done() and future.exception() is None:
                future.result().close()
        for connection in connections:
            connection.close()


def _to_file(copy: Copier, raw: Any) -> IO[bytes]:
    """One part's chunks in a rewound-later temporary file (on disk: parts can be large)."""
    file = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the caller, who closes it)
    try:
        for chunk in copy(raw):
            file.write(chunk)
    except BaseException:
        file.close()
        raise
    return file
