"""Region tree cycles: crossed moves cannot make one, and a stored one never hangs a query."""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from audit_api.regions import service as region_service

URL = "/api/v1/regions"


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
