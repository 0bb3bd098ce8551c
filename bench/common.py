"""What the benchmarks share: the settings of a bench app, a PostgreSQL schema of its own and a
peak-memory probe."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "granite lantern over quiet harbour"  # must pass the strength check
# A bench app: cheap Argon2 (sign-ins are not what is measured), quiet logs, the schema made
# by the bench itself, and its in-process task sweep (started by the first request, as no
# broker is set) put off for an hour: it would run periodic jobs beside what is timed.
SETTINGS = {
    "TASK_SWEEP_INTERVAL": 3600,
    "SECRET_KEY": "bench-secret-key-long-enough-for-hs256",
    "AUTO_MIGRATE": False,
    "ARGON2_MEMORY_COST": 1024,
    "ARGON2_TIME_COST": 1,
    "LOG_LEVEL": "WARNING",
    "SYNC_CHECKLISTS": False,
}


@contextmanager
def own_schema(url: str) -> Iterator[tuple[str, str, str]]:
    """A fresh schema in the database at `url`, dropped with all it holds afterwards (runs
    side by side never see each other's rows): its name, a SQLAlchemy URL whose connections
    use it, and the database's plain psycopg DSN."""
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield schema, scoped.render_as_string(hide_password=False), dsn
    finally:
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def peak_rss(script: str, *args: str) -> float:
    """The last line a fresh `script --one ARGS...` prints: its peak RSS, measured alone."""
    output = subprocess.run(
        [sys.executable, script, "--one", *args],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    ).stdout
    return float(output.strip().splitlines()[-1])
