"""The database under load: reads beside writes, a full pool, a reassignment racing a PUT."""

from __future__ import annotations

import os
import threading
import time

import pytest
from sqlalchemy import text

from audit_api.db import db
from tests.support.audit_helpers import assign, call_audit, new_id

ON_POSTGRES = bool(os.environ.get("AUDIT_TEST_DATABASE_URL"))


def test_a_read_in_progress_never_blocks_a_write(app, world):
    """A GET's transaction (a listing, a report being read) is open in another thread while
    a PUT arrives: on SQLite reads no longer take the write lock, on PostgreSQL they never
    did."""
    body = call_audit(world, assign(world))
    reading, done = threading.Event(), threading.Event()

    def long_read() -> None:
        with app.test_request_context("/api/v1/audits", method="GET"):
            db.session.execute(text("SELECT count(*) FROM audits")).scalar()
            reading.set()
            done.wait(timeout=60)  # the read transaction stays open until the PUT is done
            db.session.rollback()

    reader = threading.Thread(target=long_read)
    reader.start()
    try:
        assert reading.wait(timeout=10)
        started = time.perf_counter()
        answer = world.auditor.put(f"/api/v1/audits/{new_id()}", json=body)
        elapsed = time.perf_counter() - started
    finally:
        done.set()
        reader.join()
    assert answer.status_code == 201, answer.get_json()
    assert elapsed < 5


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only: SQLite has no connection pool")
@pytest.mark.app_config(DB_POOL_SIZE=1, DB_MAX_OVERFLOW=0, DB_POOL_TIMEOUT=1)
def test_a_full_connection_pool_is_a_503_to_retry(app, world):
    held = app.extensions["audit_db_engine"].connect()  # the pool's only connection
    try:
        answer = world.hq.get("/api/v1/me")
    finally:
        held.close()
    assert answer.status_code == 503, answer.get_data()[:300]
    assert answer.headers["Retry-After"] and answer.get_json()["code"] == 503
    assert world.hq.get("/api/v1/me").status_code == 200


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only: SQLite writes take turns anyway")
def test_a_reassignment_and_the_first_put_take_turns(app, world):
    """HQ reassigns while the assigned auditor's phone sends its first PUT: one of them wins,
    and an audit never belongs to an auditor the assignment no longer names."""
    from tests.support.helpers import PASSWORD, created

    other = created(
        world.hq.post(
            "/api/v1/users",
            json={
                "email": "otro@a.example",
                "name": "Otro",
                "role": "auditor",
                "password": PASSWORD,
            },
        )
    )
    for _ in range(8):  # without the lock both succeeded nearly every time
        assignment = assign(world)
        answers = race(app, world, assignment, other["id"])
        named = world.hq.get(f"/api/v1/assignments/{assignment['id']}").get_json()["auditor_id"]
        if answers["put"] == 201:
            assert answers["patch"] == 409 and named == world.ids["auditor"], answers
        else:
            assert answers["patch"] == 200 and named == other["id"], answers


def race(app, world, assignment: dict, other_id: int) -> dict[str, int]:
    """HQ's reassignment and the auditor's first PUT, released at the same moment."""
    both, answers = threading.Barrier(2, timeout=10), {}

    def reassign() -> None:
        both.wait()
        answers["patch"] = (
            app.test_client()
            .patch(
                f"/api/v1/assignments/{assignment['id']}",
                json={"auditor_id": other_id},
                headers={"Authorization": f"Bearer {world.hq.token}"},
            )
            .status_code
        )

    def first_put() -> None:
        both.wait()
        answers["put"] = (
            app.test_client()
            .put(
                f"/api/v1/audits/{new_id()}",
                json=call_audit(world, assignment),
                headers={"Authorization": f"Bearer {world.auditor.token}"},
            )
            .status_code
        )

    threads = [threading.Thread(target=reassign), threading.Thread(target=first_put)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers
