"""Fixtures: a migrated database per run (SQLite, or a fresh PostgreSQL schema), an app per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from audit_api import create_app
from audit_api.db import db
from audit_api.migrate import upgrade
from audit_api.models import metadata
from tests.helpers import Caller, World, build_world

pytest_plugins = ["tests.score_fixtures", "tests.photo_fixtures"]

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
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--thorough", action="store_true", help="many more generated cases in tests/test_fuzz.py"
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--thorough"):
        os.environ.setdefault("AUDIT_FUZZ_EXAMPLES", "200")


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
    with app.app_context(), db.engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def app(migrated_url: str, request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Flask]:
    """A fresh app on the migrated database; `@pytest.mark.app_config(...)` overrides settings."""
    marker = request.node.get_closest_marker("app_config")
    overrides = dict(marker.kwargs) if marker else {}
    settings = {**TEST_SETTINGS, "DATABASE_URL": migrated_url, "STORAGE_DIR": str(tmp_path)}
    if "bucket" in request.fixturenames:  # a test of the photo storage, on either backend
        settings.update(request.getfixturevalue("bucket").settings)
    application = create_app({**settings, **overrides})
    application.config["TESTING"] = True
    yield application
    wipe(application)
    application.extensions["audit_db_engine"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """An anonymous test client."""
    return app.test_client()


@pytest.fixture
def world(app: Flask, client: FlaskClient) -> World:
    """Two organizations with regions, locations and a user of every role, built through the API."""
    return build_world(app, client)


@pytest.fixture
def hq(world: World) -> Caller:
    """The HQ admin of organization A."""
    return world.hq
