"""Region tree cycles: crossed moves cannot make one, and a stored one never hangs a query."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import event, update

from audit_api.db import db
from audit_api.regions import service as region_service
from audit_api.regions.models import Region
from tests.support.score_fixtures import WINDOW

URL = "/api/v1/regions"
STATEMENT_LIMIT_S = 20


def _parents(hq) -> dict[int, int | None]:
    response = hq.get(URL, query_string={"page_size": 100})
    assert response.status_code == 200
    return {r["id"]: r["parent_id"] for r in response.get_json()}


def _has_cycle(parents: dict[int, int | None]) -> bool:
    for start in parents:
        seen, node = set(), start
        while node is not None:
            if node in seen:
                return True
            seen.add(node)
            node = parents.get(node)
    return False


def test_crossed_moves_at_once_leave_the_tree_acyclic(app, world, monkeypatch):
    if app.extensions["audit_db_engine"].dialect.name == "sqlite":
        pytest.skip("SQLite takes its write lock at BEGIN (BEGIN IMMEDIATE): moves never overlap")
    barrier, check = threading.Barrier(2), region_service._check_parent

    def check_then_wait(*args):
        check(*args)
        # Both moves have checked before either commits, unless one waits for the other's lock.
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=3)

    monkeypatch.setattr(region_service, "_check_parent", check_then_wait)
    north, south = world.ids["north"], world.ids["south"]

    def move(region: int, parent: int) -> int:
        headers = {"Authorization": f"Bearer {world.hq.token}"}
        body = {"parent_id": parent}
        return app.test_client().patch(f"{URL}/{region}", json=body, headers=headers).status_code

    with ThreadPoolExecutor(2) as pool:
        statuses = sorted(pool.map(move, (north, south), (south, north)))
    assert statuses == [200, 422]
    assert not _has_cycle(_parents(world.hq))


@pytest.fixture
def statement_limit(app):
    """Any statement running past STATEMENT_LIMIT_S fails (a 503): a loop fails the test, never
    hangs the run."""
    engine = app.extensions["audit_db_engine"]
    engine.dispose()  # connections made from here on get the limit
    if engine.dialect.name == "postgresql":

        def limit(dbapi_connection, _record) -> None:
            with dbapi_connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = '{STATEMENT_LIMIT_S}s'")
            dbapi_connection.commit()

    else:

        def limit(dbapi_connection, record) -> None:
            record.info["started"] = time.monotonic()
            late = lambda: time.monotonic() - record.info["started"] > STATEMENT_LIMIT_S  # noqa: E731
            dbapi_connection.set_progress_handler(late, 100_000)

        @event.listens_for(engine, "before_cursor_execute")
        def _started(conn, *_args) -> None:
            conn.info["started"] = time.monotonic()

    event.listen(engine, "connect", limit)


def _ok(caller, path: str, **query) -> list | dict | bytes:
    response = caller.get(path, query_string=query)
    body = response.get_data()  # a streamed export is read to its end
    assert response.status_code == 200, (path, query, body[:300])
    return response.get_json() if response.is_json else body


def test_a_stored_cycle_never_hangs_a_listing_a_score_or_an_export(app, scored, statement_limit):
    ids, hq, manager = scored.ids, scored.hq, scored.manager_north
    with app.app_context():  # North under North-East, which is under North: what a race left
        db.session.execute(
            update(Region).where(Region.id == ids["north"]).values(parent_id=ids["north_east"])
        )
        db.session.commit()
    assert _has_cycle(_parents(hq))
    north = {"region_id": ids["north"]}
    for caller in (hq, manager):
        assert {r["name"] for r in _ok(caller, URL)} >= {"North", "North-East"}
        codes = {loc["code"] for loc in _ok(caller, "/api/v1/locations", **north)}
        assert codes == {"N1", "NE1"}
        assert _ok(caller, "/api/v1/audits", **north)
        for table in ("locations", "regions", "items"):
            assert _ok(caller, f"/api/v1/scores/{table}", **WINDOW)
            _ok(caller, f"/api/v1/scores/{table}", **WINDOW, **north)
        assert _ok(caller, f"/api/v1/locations/{ids['ne1']}/scorecard", **WINDOW)["score"]
        for path in ("audits.csv", "audits.xlsx", "audits.jsonl", "answers.csv", "answers.jsonl"):
            _ok(caller, f"/api/v1/exports/{path}", **WINDOW)
            _ok(caller, f"/api/v1/exports/{path}", **WINDOW, **north)
    rolled = {r["name"]: r["n"] for r in _ok(hq, "/api/v1/scores/regions", **WINDOW)}
    assert rolled == {"North": 4, "North-East": 4, "South": 1}  # each holds the other
    exported = _ok(hq, "/api/v1/exports/audits.jsonl", **WINDOW)
    paths = {json.loads(line)["region_path"] for line in exported.splitlines()}
    assert paths == {"North-East > North", "North > North-East", "South"}
    # HQ can mend it: the move is checked against a subtree that ends.
    below_itself = hq.patch(f"{URL}/{ids['north_east']}", json={"parent_id": ids["north"]})
    assert below_itself.status_code == 422
    assert hq.patch(f"{URL}/{ids['north']}", json={"parent_id": None}).status_code == 200
    assert not _has_cycle(_parents(hq))
