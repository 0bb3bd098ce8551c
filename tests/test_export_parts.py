"""A large answers CSV written in parts over several connections (PostgreSQL) is the file one
COPY writes: same bytes, one header, every connection given back, one snapshot for all."""

from __future__ import annotations

import csv
import io
import threading

import pytest

from audit_api.exports import copy_csv, copy_parts

ANSWERS = "/api/v1/exports/answers.csv?status=all"


@pytest.fixture
def postgres(app):
    if app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("COPY parts are PostgreSQL's (SQLite's export is written by Python)")
    return app


@pytest.fixture
def split(postgres, monkeypatch):
    """Every audit may start a part; counts the exports that were written in parts."""
    monkeypatch.setattr(copy_parts, "MIN_AUDITS_PER_PART", 1)
    used: list[int] = []
    joined = copy_parts.joined

    def counting(copies):
        used.append(len(copies))
        return joined(copies)

    monkeypatch.setattr(copy_parts, "joined", counting)
    return used


def _download(world, app, parts: int) -> bytes:
    app.config["EXPORT_COPY_PARTS"] = parts
    response = world.hq.get(ANSWERS)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data()


def test_parts_write_the_bytes_of_one_copy(app, scored, split):
    whole = _download(scored, app, 1)
    assert split == []  # one part: the session's own COPY
    for parts in (2, 3, 8):
        assert _download(scored, app, parts) == whole
    assert split[0] == 2 and split[1] == 3 and split[2] > 3  # as many as the audits allow
    rows = list(csv.reader(io.StringIO(whole.decode())))
    assert rows[0][0] == "audit_id" and sum(r[0] == "audit_id" for r in rows) == 1
    assert len({r[0] for r in rows[1:]}) == 8  # every audit of the fixture, none twice
    engine = app.extensions["audit_db_engine"]
    assert engine.pool.checkedout() == 0  # every part's connection given back


def test_a_bom_and_a_filter_apply_to_every_part(app, scored, split):
    app.config["EXPORT_COPY_PARTS"] = 4
    response = scored.hq.get(ANSWERS.replace("status=all", "status=approved&bom=true"))
    assert response.status_code == 200 and split
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeffaudit_id,") and text.count("\ufeff") == 1
    app.config["EXPORT_COPY_PARTS"] = 1
    single = scored.hq.get(ANSWERS.replace("status=all", "status=approved&bom=true"))
    assert single.get_data().decode("utf-8") == text


def test_every_part_reads_one_snapshot(app, scored, split, monkeypatch):
    """An audit changed while the first part waits to be read moves to the end of the cursor
    order; every part reads the snapshot the first one exported, so the file still holds it
    once, in its old place (a part reading the database afresh would lose it or repeat it)."""
    before = list(csv.reader(io.StringIO(_download(scored, app, 1).decode())))[1:]
    earliest = before[0][0]
    started, changed = threading.Event(), threading.Event()
    make = copy_csv._copier

    def held_first(stmt, header):
        run = make(stmt, header)
        if not header:
            return run

        def first(raw):
            started.set()
            assert changed.wait(30)
            yield from run(raw)

        return first

    monkeypatch.setattr(copy_csv, "_copier", held_first)
    holder: dict = {}
    reader = threading.Thread(target=lambda: holder.update(r=_download(scored, app, 8)))
    reader.start()
    assert started.wait(30)
    # Another writer commits meanwhile (any change of an audit moves its updated_at on).
    with app.extensions["audit_db_engine"].begin() as other:
        other.exec_driver_sql(
            "UPDATE audits SET updated_at = now() WHERE id = %(id)s", {"id": earliest}
        )
    changed.set()
    reader.join(60)
    rows = list(csv.reader(io.StringIO(holder["r"].decode())))[1:]
    assert rows == before  # the file of the snapshot, cursors included
    assert app.extensions["audit_db_engine"].pool.checkedout() == 0
    after = list(csv.reader(io.StringIO(_download(scored, app, 8).decode())))[1:]
    assert after[-1][0] == earliest  # and the change is there for the next export


def test_a_failing_part_stops_the_others_at_once(app, scored, split, monkeypatch):
    """When one part fails, the parts still running are cancelled, even one that had not
    yet started its query when the failure came: the export ends in moments with an error,
    every connection given back (not after each other part has run to its end)."""
    import time

    make = copy_csv._copier

    def failing(stmt, header):
        run = make(stmt, header)

        def first(raw):
            raise RuntimeError("the first part fails")
            yield b""  # a generator, as every copier is

        def later(raw):
            time.sleep(0.3)  # still setting out when the first part fails
            with raw.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(20)")
            yield from run(raw)

        return first if header else later

    monkeypatch.setattr(copy_csv, "_copier", failing)
    app.config["EXPORT_COPY_PARTS"] = 2
    app.config["PROPAGATE_EXCEPTIONS"] = False
    started = time.monotonic()
    response = scored.hq.get(ANSWERS)
    assert response.status_code == 500
    assert split == [2]
    assert time.monotonic() - started < 10
    assert app.extensions["audit_db_engine"].pool.checkedout() == 0


@pytest.mark.app_config(DB_POOL_SIZE=3, DB_MAX_OVERFLOW=0, DB_POOL_TIMEOUT=2)
def test_no_more_parts_than_the_pool_holds_beside_the_session(app, scored, split):
    """EXPORT_COPY_PARTS past what the pool can lend beside the request's own connection
    would wait for a connection that never comes, then fail every large export: the parts
    are as many as the pool allows (here 3 connections: the session's and two parts)."""
    body = _download(scored, app, 8)
    assert split == [2]
    app.config["EXPORT_COPY_PARTS"] = 1
    assert _download(scored, app, 1) == body


def test_audits_sharing_a_moment_stay_in_one_part_in_order(app, scored, split):
    """Many audits changed at one moment (one transaction's now()) sit on a cut: the parts
    still hold each of them once, in (updated_at, id) order, header first."""
    with app.extensions["audit_db_engine"].begin() as other:
        other.exec_driver_sql(
            "UPDATE audits SET updated_at = '2026-11-30T12:00:00Z'"
            " WHERE id IN (SELECT id FROM audits ORDER BY id LIMIT 5)"
        )
    whole = _download(scored, app, 1)
    for parts in (2, 3, 8):
        assert _download(scored, app, parts) == whole
    assert split
    rows = list(csv.reader(io.StringIO(whole.decode())))
    assert rows[0][0] == "audit_id" and len({r[0] for r in rows[1:]}) == 8
