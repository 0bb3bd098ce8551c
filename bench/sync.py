"""Benchmark of the offline sync on SQLite, and on PostgreSQL too when BENCH_DATABASE_URL is
set; prints figures, asserts nothing.

    python bench/sync.py [--runs 40]
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test python bench/sync.py

Seeds through the API: an auditor with 50 open assignments over 5 checklists (30 items each,
two languages) at 50 of 400 locations, 100 cancelled ones and 10 drafts of theirs, 9 other
auditors with 50 open assignments each, and a second organization alike. Then times through
the in-process test client a first sync, an unchanged delta sync and that delta answered 304,
beside GET /api/v1/me and GET of one assignment measured in the same run: median and p95
over --runs, and the SQL statements each request runs. On PostgreSQL a schema of its own is
made and dropped.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from audit_api import create_app
from audit_api.migrate import upgrade
from audit_api.orgs.service import create_org
from bench.common import PASSWORD
from bench.common import SETTINGS as BASE_SETTINGS

SETTINGS = {
    **BASE_SETTINGS,
    "WRITE_LIMIT_PER_USER": "1000000 per minute",
    "LOGIN_LIMIT_PER_ADDRESS": "1000000 per minute",
}
DUE = {"due_from": "2026-11-20T09:00:00-03:00", "due_to": "2026-11-30T18:00:00-03:00"}
LOCATIONS, CHECKLISTS, OPEN, CANCELLED, DRAFTS, OTHERS = 400, 5, 50, 100, 10, 9
TARGETS = {"first sync": 150.0, "unchanged delta": 20.0}


def definition(n: int) -> dict[str, Any]:
    """A 30-item checklist in Spanish and English."""

    def text(s: str) -> dict[str, str]:
        return {"es": f"{s}: ¿se cumplió lo esperado?", "en": f"{s}: was it as expected?"}

    sections = [
        {
            "key": f"s{s}",
            "title": text(f"Sección {s}"),
            "items": [
                {"key": f"i{s}_{i}", "type": "yes_no", "prompt": text(f"Punto {s}.{i}")}
                for i in range(10)
            ],
        }
        for s in range(3)
    ]
    return {
        "key": f"bench-{n}",
        "version": 1,
        "kind": "visit" if n % 2 else "call",
        "languages": ["es", "en"],
        "title": text(f"Lista {n}"),
        "scoring": {"grades": []},
        "sections": sections,
    }


class Api:
    """The test client with one caller's token; every write must succeed."""

    def __init__(self, client: Any, token: str) -> None:
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def send(self, method: str, path: str, body: Any = None, expect: int = 201) -> Any:
        response = self.client.open(path, method=method, json=body, headers=self.headers)
        assert response.status_code == expect, (path, response.get_data(as_text=True)[:300])
        return response.get_json(silent=True)


def token(client: Any, email: str) -> str:
    body = {"email": email, "password": PASSWORD}
    response = client.post("/api/v1/auth/token", json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["access_token"]


def seed_org(app: Any, name: str) -> tuple[str, int]:
    """An organization with locations, checklists, auditors and their work; the token of its
    first auditor (the subject) and the id of one of their assignments."""
    client = app.test_client()
    slug = uuid.uuid4().hex[:8]
    with app.app_context():
        create_org(name, {"email": f"hq-{slug}@bench.example", "name": "HQ", "password": PASSWORD})
    hq = Api(client, token(client, f"hq-{slug}@bench.example"))
    locations = [
        hq.send(
            "POST",
            "/api/v1/locations",
            {
                "code": f"L{n:04d}",
                "name": f"Tienda {n}",
                "address": "Av. Providencia 2124, Santiago",
                "phone": "+56 2 2233 4455",
                "timezone": "America/Santiago",
                "latitude": -33.42,
                "longitude": -70.61,
            },
        )["id"]
        for n in range(LOCATIONS)
    ]
    for n in range(CHECKLISTS):
        hq.send("POST", "/api/v1/checklists", definition(n))
        hq.send("POST", f"/api/v1/checklists/bench-{n}/versions/1/publish", expect=200)
    auditors = []
    for n in range(1 + OTHERS):
        body = {"email": f"a{n}-{slug}@bench.example", "name": f"A{n}", "role": "auditor"}
        auditors.append(hq.send("POST", "/api/v1/users", {**body, "password": PASSWORD})["id"])

    def assignment(auditor: int, n: int) -> dict[str, Any]:
        c = n % CHECKLISTS
        return {
            "location_id": locations[(auditor * 7 + n) % LOCATIONS],
            "checklist_key": f"bench-{c}",
            "checklist_version": 1,
            "kind": "visit" if c % 2 else "call",
            "auditor_id": auditor,
            **DUE,
        }

    mine = []
    for n, auditor in enumerate(auditors):
        made = [hq.send("POST", "/api/v1/assignments", assignment(auditor, i)) for i in range(OPEN)]
        if n == 0:
            mine = made
    subject = Api(client, token(client, f"a0-{slug}@bench.example"))
    for i in range(CANCELLED):
        gone = hq.send("POST", "/api/v1/assignments", assignment(auditors[0], OPEN + i))
        hq.send("DELETE", f"/api/v1/assignments/{gone['id']}", expect=204)
    for row in mine[:DRAFTS]:
        draft = {"assignment_id": row["id"], "started_at": "2026-11-22T10:00:00-03:00"}
        subject.send("PUT", f"/api/v1/audits/{uuid.uuid4()}", draft)
    return subject.headers["Authorization"].split()[1], mine[0]["id"]


def measure(app: Any, path: str, headers: dict[str, str], runs: int, expect: int = 200):
    """Median and p95 ms, statements per request and bytes of the answer."""
    client, statements = app.test_client(), [0]
    engine = app.extensions["audit_db_engine"]

    def count(*_: Any) -> None:
        statements[0] += 1

    client.get(path, headers=headers)  # warm: caches, the first connection
    event.listen(engine, "before_cursor_execute", count)
    times = []
    try:
        for _ in range(runs):
            start = time.perf_counter()
            response = client.get(path, headers=headers)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == expect, response.get_data(as_text=True)[:300]
    finally:
        event.remove(engine, "before_cursor_execute", count)
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
    return statistics.median(times), p95, statements[0] / runs, len(response.get_data())


def bench(label: str, url: str, runs: int) -> None:
    app = create_app({**SETTINGS, "DATABASE_URL": url, "STORAGE_DIR": tempfile.mkdtemp()})
    with app.app_context():
        upgrade(app)
    start = time.perf_counter()
    access, assignment_id = seed_org(app, "Bench")
    seed_org(app, "Other brand")  # noise: nothing of it may cost the subject anything
    print(
        f"{label}: seeded 2 organizations x ({LOCATIONS} locations, {CHECKLISTS} checklists, "
        f"{1 + OTHERS} auditors x {OPEN} open assignments; the subject also {CANCELLED} "
        f"cancelled, {DRAFTS} drafts) in {time.perf_counter() - start:.1f} s"
    )
    auth = {"Authorization": f"Bearer {access}"}
    client = app.test_client()
    first = client.get("/api/v1/sync", headers=auth)
    body = first.get_json()
    assert len(body["assignments"]) == OPEN and len(body["checklist_versions"]) == CHECKLISTS
    delta = f"/api/v1/sync?since={body['cursor']}"
    etag = client.get(delta, headers=auth).headers["ETag"]
    rows = {
        "first sync": measure(app, "/api/v1/sync", auth, runs),
        "unchanged delta": measure(app, delta, auth, runs),
        "delta, 304": measure(app, delta, {**auth, "If-None-Match": etag}, runs, 304),
        "GET /me": measure(app, "/api/v1/me", auth, runs),
        "GET assignment": measure(app, f"/api/v1/assignments/{assignment_id}", auth, runs),
    }
    baseline = rows["GET /me"][0]
    for name, (median, p95, statements, size) in rows.items():
        target = TARGETS.get(name)
        verdict = ""
        if target is not None:
            verdict = f"  (p95 target < {target:.0f} ms: {'met' if p95 < target else 'MISSED'})"
        print(
            f"{label:>10}  {name:<16} median {median:6.1f} ms  p95 {p95:6.1f} ms  "
            f"= {median / baseline:4.1f} x GET /me  {statements:4.1f} statements  "
            f"{size / 1024:6.1f} KiB{verdict}"
        )
    app.extensions["audit_db_engine"].dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        bench("SQLite", f"sqlite:///{folder}/bench.sqlite3", args.runs)
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        print("PostgreSQL: skipped (set BENCH_DATABASE_URL)")
        return
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
        bench("PostgreSQL", scoped.render_as_string(hide_password=False), args.runs)
    finally:
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


if __name__ == "__main__":
    main()
