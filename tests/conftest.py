"""Fixtures: a migrated database per run (SQLite, or a fresh PostgreSQL schema), one app per
run, and the database put back to a snapshot before each test."""

from __future__ import annotations

import ipaddress
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from audit_api import create_app
from audit_api.extensions import limiter
from audit_api.migrate import upgrade
from audit_api.tasks import drain
from audit_api.tasks.local import stop_tickers
from tests.support import snapshot
from tests.support.helpers import Caller, World, build_world

pytest_plugins = ["tests.support.score_fixtures", "tests.support.photo_fixtures"]

TEST_SETTINGS: dict[str, Any] = {
    "SECRET_KEY": "test-secret-key-not-for-production",
    "AUTO_MIGRATE": False,
    # Cheap Argon2id parameters: the algorithm is the same, the tests just run faster.
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 1024,
    "ARGON2_PARALLELISM": 1,
    "RATELIMIT_STORAGE_URI": "memory://",
    "WRITE_LIMIT_PER_USER": "100000 per minute",  # tests that want the limit set their own
    "LOG_LEVEL": "WARNING",
    # Webhooks go to receivers on loopback; tests of the address rules turn these off.
    "WEBHOOK_ALLOW_PRIVATE": True,
    "WEBHOOK_ALLOW_HTTP": True,
    # A report is drawn in about a second; the test machine's cores are shared, so a request
    # waits longer for it than in production (tests of the 202 set REPORT_WAIT=0).
    "REPORT_WAIT": 10,
    # Likewise a photo's processing (a background task since issue 17): most tests read a
    # processed photo from its upload's 201; tests of the 202 and `processing` set PHOTO_WAIT=0
    # and run the job with drain(app).
    "PHOTO_WAIT": 10,
    # The world's tokens are issued once per WORLD_MAX_AGE_S; an hour leaves a slow test (the
    # long rollup histories on a loaded machine) room to finish with them.
    "ACCESS_TOKEN_TTL": 3600,
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--all", action="store_true", help="also the tests marked slow (CI runs all)")
    parser.addoption(
        "--thorough", action="store_true", help="many more generated cases in tests/test_fuzz.py"
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--thorough"):
        os.environ.setdefault("AUDIT_FUZZ_EXAMPLES", "200")


BROWSER_TESTS = Path(__file__).parent / "browser"


@pytest.hookimpl(tryfirst=True)  # before `-m` picks: `-m "not browser"` sees the mark
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests under tests/browser/ are marked browser and slow. Plain `pytest` leaves out the
    slow tests; `--all` or a `-m` expression takes them."""
    for item in items:
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)
    if config.getoption("--all") or config.getoption("markexpr"):
        return
    slow = [item for item in items if item.get_closest_marker("slow")]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not item.get_closest_marker("slow")]


def pytest_report_header(config: pytest.Config) -> str | None:
    if config.getoption("--all") or config.getoption("markexpr"):
        return None
    return "tests marked slow are left out: `pytest --all` runs everything"


@pytest.fixture(autouse=True, scope="session")
def _webhooks_stay_on_this_machine() -> Iterator[None]:
    """Webhook hosts resolve only when they are address literals or localhost: no test (nor
    the fuzzer's made-up URLs) asks a DNS server or sends a delivery off this machine."""
    from audit_api.webhooks import addresses

    real = addresses.resolve

    def local_only(host: str, port: int) -> list[str]:
        if host != "localhost":
            try:
                ipaddress.ip_address(host)
            except ValueError:
                raise OSError(f"tests resolve no names ({host})") from None
        return real(host, port)

    addresses.resolve = local_only
    yield
    addresses.resolve = real


@pytest.fixture(autouse=True)
def _no_sweeping_after_the_test() -> Iterator[None]:
    """An app a test made (serving, so sweeping in a thread) stops sweeping with the test:
    its database may be gone, and a thread logging after pytest closed its streams is noise."""
    yield
    stop_tickers()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """SQLite in a temp folder, or a schema of its own on AUDIT_TEST_DATABASE_URL."""
    url = os.environ.get("AUDIT_TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    # A schema per run: concurrent or leftover runs never see each other's rows.
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield scoped.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def migrated_url(database_url: str) -> str:
    """The test database with every migration applied (the migrations are the schema)."""
    app = create_app({**TEST_SETTINGS, "DATABASE_URL": database_url, "SYNC_CHECKLISTS": False})
    with app.app_context():
        upgrade(app)
    app.extensions["audit_db_engine"].dispose()
    return database_url


def wipe(app: Flask) -> None:
    """Delete every row (the schema stays)."""
    snapshot.restore(app, [])


@pytest.fixture(scope="session")
def shared_app(migrated_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app for every test that needs no settings of its own (building one costs ~50 ms)."""
    storage = tmp_path_factory.mktemp("storage")
    application = create_app(
        {**TEST_SETTINGS, "DATABASE_URL": migrated_url, "STORAGE_DIR": str(storage)}
    )
    application.config["TESTING"] = True
    yield application
    application.extensions["audit_db_engine"].dispose()


@pytest.fixture(scope="session")
def snapshots(shared_app: Flask) -> dict[str, Any]:
    """The database as each test starts: `empty` holds the built-in checklists the app
    published at start; `world` is added by the first test that asks for it."""
    return {"empty": snapshot.take(shared_app)}


# The world's access tokens live ACCESS_TOKEN_TTL (an hour in tests); a long run builds it again.
WORLD_MAX_AGE_S = 600


def _world_snapshot(app: Flask, snapshots: dict[str, Any]) -> tuple[snapshot.Snapshot, World]:
    """The world built through the API once (again when its tokens grow old), as rows."""
    if time.monotonic() - snapshots.get("world_at", -WORLD_MAX_AGE_S) >= WORLD_MAX_AGE_S:
        snapshot.restore(app, snapshots["empty"])
        snapshots["world_state"] = build_world(app, app.test_client())
        snapshots["world"], snapshots["world_at"] = snapshot.take(app), time.monotonic()
        limiter.reset()  # its sign-ins count against no test's limits
    return snapshots["world"], snapshots["world_state"]


def _fresh_app(settings: dict[str, Any]) -> Flask:
    application = create_app(settings)
    application.config["TESTING"] = True
    return application


@pytest.fixture
def app(
    migrated_url: str,
    request: pytest.FixtureRequest,
    tmp_path: Any,
    snapshots: dict[str, Any],
    shared_app: Flask,
) -> Iterator[Flask]:
    """The app on a database holding only the built-in checklists; `@pytest.mark.app_config`
    overrides settings and gives the test an app of its own (bare, for a test that adds routes)."""
    marker = request.node.get_closest_marker("app_config")
    overrides = dict(marker.kwargs) if marker else {}
    if "bucket" in request.fixturenames:  # a test of the photo storage, on either backend
        overrides.update(request.getfixturevalue("bucket").settings)
    snapshot.restore(shared_app, snapshots["empty"])
    if marker or overrides:
        # SQLite: no connection of the shared app stays open beside another app's.
        shared_app.extensions["audit_db_engine"].dispose()
        settings = {**TEST_SETTINGS, "DATABASE_URL": migrated_url, "STORAGE_DIR": str(tmp_path)}
        application = _fresh_app({**settings, **overrides})
        yield application
        drain(application)
        if "audit_tasks_local" in application.extensions:  # its sweep thread stops with it
            application.extensions["audit_tasks_local"].shutdown()
        application.extensions["audit_db_engine"].dispose()
        return
    yield from _shared(shared_app)


def _shared(application: Flask) -> Iterator[Flask]:
    """The shared app, with its settings, limit counters and stored files put back after."""
    settings = dict(application.config)
    limiter.reset()
    yield application
    drain(application)  # no background job of this test runs into the next one
    application.config.clear()
    application.config.update(settings)
    storage = Path(settings["STORAGE_DIR"])
    for child in storage.iterdir():
        shutil.rmtree(child) if child.is_dir() else child.unlink()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """An anonymous test client."""
    return app.test_client()


@pytest.fixture
def restore_world(app: Flask, shared_app: Flask, snapshots: dict[str, Any]) -> Callable[[], None]:
    """Put the world's rows back (the same ids, users and sign-in sessions)."""
    taken: list[snapshot.Snapshot] = []

    def restore() -> None:
        # Within one test always the same rows: a long test (hypothesis examples) must not get
        # a rebuilt world whose tokens differ from those its `world` fixture holds.
        if not taken:
            taken.append(_world_snapshot(shared_app, snapshots)[0])
        snapshot.restore(app, taken[0])

    return restore


@pytest.fixture
def world(
    restore_world: Callable[[], None], client: FlaskClient, snapshots: dict[str, Any]
) -> World:
    """Two organizations with regions, locations and a user of every role (built through the
    API once per run, then put back for each test), calling through this test's client."""
    restore_world()
    return snapshots["world_state"].seen_by(client)


@pytest.fixture
def hq(world: World) -> Caller:
    """The HQ admin of organization A."""
    return world.hq
