"""The embedded task runner: work enqueued in a session runs after its commit, never after a
rollback, in an app context with a session of its own."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import text

from audit_api.db import db
from audit_api.tasks import TASKS, enqueue, task

RAN: list[dict[str, Any]] = []
DONE = threading.Event()


@task("tests.record")
def record(**kwargs: Any) -> None:
    """Note what the task saw: its arguments, its thread and its session."""
    RAN.append({**kwargs, "thread": threading.get_ident(), "session": id(db.session())})
    DONE.set()


@pytest.fixture(autouse=True)
def _clean():
    RAN.clear()
    DONE.clear()


def test_work_runs_after_the_commit_in_its_own_session(app):
    with app.app_context():
        mine = id(db.session())
        enqueue(db.session, "tests.record", n=1, text="Ñuñoa")
        assert not DONE.wait(0.2) and RAN == []  # nothing before the commit
        db.session.commit()
        assert DONE.wait(5)
    assert RAN[0]["n"] == 1 and RAN[0]["text"] == "Ñuñoa"
    assert RAN[0]["thread"] != threading.get_ident() and RAN[0]["session"] != mine


def test_a_rollback_drops_the_work(app):
    with app.app_context():
        enqueue(db.session, "tests.record", n=2)
        db.session.rollback()
        db.session.execute(text("SELECT 1"))
        enqueue(db.session, "tests.record", n=3)
        db.session.rollback()
        db.session.commit()  # a later commit of the same session runs nothing dropped
    assert not DONE.wait(0.3) and RAN == []


def test_unknown_tasks_and_arguments_that_are_not_json_are_refused_at_once(app):
    with app.app_context():
        with pytest.raises(LookupError):
            enqueue(db.session, "tests.nothing")
        with pytest.raises(TypeError):
            enqueue(db.session, "tests.record", when=object())
    with pytest.raises(ValueError):
        task("tests.record")(lambda: None)
    assert "tests.record" in TASKS
