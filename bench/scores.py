"""Benchmark of scores and exports on PostgreSQL at size; prints figures, asserts nothing.

    PYTHONPATH=. python bench/scores.py [--size 100k|1m] [--runs 5] [--schema NAME]
        [--approvals 200] [--skip-approvals] [--skip-export] [--export-runs 3]
        [--export-parts 1,2]

Seeds a schema with COPY, not through the API: locations in ten regions, one 30-item
checklist, approved audits with 30 answers and their stored scores over 180 days; then the
score rollup is rebuilt from them (`flask rollup rebuild` does the same). 100k: 1,000
locations x 100,000 audits; 1m: 10,000 x 1,000,000 (30 M answer rows; seeding takes ~10 min
on two cores). The schema is dropped at the end, unless --schema names one to keep and reuse.

Prints the median latency of the league table and a scorecard (in-process WSGI) read from
the rollup, against the same requests answered directly over the audits in the same run; the
rollup's cost per approval (approvals through the service with and without it, alternating,
and the rollup update alone); and the answers export over real HTTP from a separate server
process: rows/s against PostgreSQL's own `COPY (same rows) TO STDOUT` measured in the same
run (alternating, medians of --export-runs each), and the server's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import nullcontext
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from unittest.mock import patch

import psycopg
from sqlalchemy import select
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from audit_api import create_app, settle
from audit_api.audits import review as review_module
from audit_api.auth.service import login
from audit_api.checklists.models import ChecklistVersion
from audit_api.db import db
from audit_api.locations.models import Location
from audit_api.migrate import upgrade
from audit_api.orgs.service import create_org
from audit_api.reports import service
from audit_api.rollups.maintain import refresh
from audit_api.rollups.rebuild import rebuild
from audit_api.users.models import User
from audit_api.users.schemas import UserIn
from audit_api.users.service import create_user
from bench.common import PASSWORD, SETTINGS
from tests.support import direct_scores

URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/test")
SECTIONS, PER_SECTION = 3, 10
ITEMS = [(f"s{s}", f"i{s}_{i}") for s in range(SECTIONS) for i in range(PER_SECTION)]


def definition() -> dict:
    text = {"es": "x", "en": "x"}
    sections = [
        {
            "key": f"s{s}",
            "title": text,
            "items": [
                {
                    "key": f"i{s}_{i}",
                    "type": "yes_no",
                    "prompt": text,
                    "weight": 1.0,
                    "required": True,
                    "na_allowed": False,
                    "critical": False,
                    "evidence": "none",
                }
                for i in range(PER_SECTION)
            ],
        }
        for s in range(SECTIONS)
    ]
    return {
        "key": "bench",
        "version": 1,
        "kind": "visit",
        "languages": ["es", "en"],
        "title": text,
        "scoring": {"critical_failure": "zero", "grades": []},
        "sections": sections,
    }


def seed(conn: psycopg.Connection, org_id: int, user_id: int, n_loc: int, n_audits: int) -> None:
    """Regions, locations, a checklist and approved audits with scores, all by COPY."""
    rng, now = random.Random(7), datetime.now(UTC)
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO checklists (org_id, key, kind, created_at) VALUES (%s, 'bench',"
            " 'visit', now()) RETURNING id",
            (org_id,),
        )
        checklist_id = cur.fetchone()[0]
        cur.execute(
            "INSERT INTO checklist_versions (checklist_id, version, status, definition,"
            " digest, published_at, created_at, updated_at, row_version) VALUES"
            " (%s, 1, 'published', %s, 'x', now(), now(), now(), 1) RETURNING id",
            (checklist_id, json.dumps(definition())),
        )
        version_id = cur.fetchone()[0]
        region_ids = []
        for r in range(10):
            cur.execute(
                "INSERT INTO regions (org_id, name, search_key, created_at, updated_at,"
                " row_version) VALUES (%s, %s, '', now(), now(), 1) RETURNING id",
                (org_id, f"Region {r}"),
            )
            region_ids.append(cur.fetchone()[0])
        with cur.copy(
            "COPY locations (org_id, region_id, code, name, address, phone, timezone,"
            " latitude, longitude, geofence_m, search_key, created_at, updated_at,"
            " row_version) FROM STDIN"
        ) as copy:
            for n in range(n_loc):
                copy.write_row(
                    (
                        org_id,
                        region_ids[n % 10],
                        f"L{n:05d}",
                        f"Tienda {n}",
                        "Av. Siempre Viva 742",
                        "+56222334455",
                        "America/Santiago",
                        -33.4,
                        -70.6,
                        150,
                        f"l{n:05d}",
                        now,
                        now,
                        1,
                    )
                )
        cur.execute("SELECT id FROM locations WHERE org_id = %s ORDER BY id", (org_id,))
        locations = [row[0] for row in cur.fetchall()]
        # Compact per audit (id, location, day, pass bits): 1 M audits fit, 30 M answer rows
        # are made table by table as COPY takes them.
        made = [
            (
                str(uuid.uuid4()),
                rng.choice(locations),
                date.today() - timedelta(days=rng.randrange(0, 180)),
                [rng.random() < 0.8 for _ in ITEMS],
            )
            for _ in range(n_audits)
        ]
        for target, rows in _tables(made, org_id, user_id, version_id):
            with cur.copy(f"COPY {target} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        # Only the seeded tables (of the bench's schema, on the search path): a bare ANALYZE
        # walks every schema of the database and waits on whatever else holds a lock there.
        cur.execute(
            "ANALYZE locations, audits, audit_scores, audit_section_scores, audit_item_scores"
        )
    conn.commit()


def _moment(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=15)


def _tables(made: list, org_id: int, user_id: int, version_id: int, status: str = "approved"):
    """(COPY target, rows) of audits, scores, section and item scores of the made audits."""
    audit_rows = (
        (aid, org_id, loc, version_id, "visit", user_id, status, _answers(passed), "{}")
        + (_moment(day), day)
        + (_moment(day),) * 5
        + (1,)
        for aid, loc, day, passed in made
    )
    yield (
        "audits (id, org_id, location_id, checklist_version_id, kind, auditor_id, status,"
        " answers, paradata, started_at, visit_date, submitted_at, received_at,"
        " approved_at, created_at, updated_at, row_version)",
        audit_rows,
    )
    yield (
        "audit_scores (audit_id, overall, critical_failures, checklist_key,"
        " checklist_version, rules_version, computed_at)",
        (
            (aid, 100 * sum(passed) / len(passed), "[]", "bench", 1, 1, _moment(day))
            for aid, _, day, passed in made
        ),
    )
    yield (
        "audit_section_scores (audit_id, section_key, position, pct, weight)",
        (
            (aid, f"s{s}", s, 100 * sum(chunk) / len(chunk), float(PER_SECTION))
            for aid, _, _, passed in made
            for s in range(SECTIONS)
            for chunk in [passed[s * PER_SECTION : (s + 1) * PER_SECTION]]
        ),
    )
    yield (
        "audit_item_scores (audit_id, item_key, section_key, position, fraction,"
        " applicable, failed, answer_index, answer, answer_is_text, photo_count)",
        (
            (aid, key, section, n, 1.0 if p else 0.0, True, not p, n, str(p), False, 0)
            for aid, _, _, passed in made
            for n, ((section, key), p) in enumerate(zip(ITEMS, passed, strict=True))
        ),
    )


def _answers(passed: list[bool]) -> str:
    return json.dumps([{"item": k, "value": p} for (_, k), p in zip(ITEMS, passed, strict=True)])


def median_ms(client, path: str, headers: dict, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)[:200]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


SERVER = """
import sys
from pathlib import Path
from werkzeug.serving import make_server
sys.path.insert(0, {root!r})
from audit_api import create_app, settle

def memory(field):
    status = Path("/proc/self/status").read_text().splitlines()
    return next(line.split()[1] for line in status if line.startswith(field))

app = create_app({settings!r})
settle()  # as wsgi.py
server = make_server("127.0.0.1", 0, app, threaded=False)
# The start (imports, Argon2's dummy hash) peaks on its own; measure the request alone:
# "5" resets VmHWM to the current RSS. (Not ru_maxrss: Linux carries it over fork+exec.)
Path("/proc/self/clear_refs").write_text("5")
print(server.server_port, memory("VmRSS"), flush=True)
server.handle_request()
print(memory("VmHWM"), flush=True)
"""


def export_over_http(settings: dict, token: str) -> tuple[int, float, int, int]:
    """Rows, seconds, and the server's RSS before and peak RSS during (KiB) one answers.csv."""
    code = SERVER.format(root=str(Path(__file__).resolve().parent.parent), settings=settings)
    server = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    port, idle = (int(n) for n in server.stdout.readline().split())
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/exports/answers.csv?from=2000-01-01",
        headers={"Authorization": f"Bearer {token}"},
    )
    start, lines = time.perf_counter(), 0
    with urllib.request.urlopen(request) as response:
        while chunk := response.read(1 << 16):
            lines += chunk.count(b"\n")
    seconds = time.perf_counter() - start
    peak = int(server.stdout.readline())
    server.wait()
    return lines - 1, seconds, idle, peak


def copy_baseline(dsn: str, schema: str) -> tuple[int, float]:
    """PostgreSQL's own COPY TO STDOUT of the same answer rows."""
    query = (
        "COPY (SELECT a.id, l.code, a.visit_date, 'bench', s.section_key, s.item_key,"
        " s.fraction, s.applicable, s.failed FROM audits a JOIN locations l ON l.id ="
        " a.location_id JOIN audit_item_scores s ON s.audit_id = a.id WHERE a.status ="
        " 'approved' ORDER BY a.updated_at, a.id) TO STDOUT WITH CSV"
    )
    with psycopg.connect(dsn, options=f"-csearch_path={schema}") as conn, conn.cursor() as cur:
        start, rows = time.perf_counter(), 0
        with cur.copy(query) as copy:
            for data in copy:
                rows += bytes(data).count(b"\n")
        return rows, time.perf_counter() - start


SEEDED = (
    "audits",
    "audit_scores",
    "audit_section_scores",
    "audit_item_scores",
    "locations",
    "score_rollups",
    "score_rollup_months",
    "score_rollup_sections",
    "score_rollup_items",
)
SIZES = {"100k": (1000, 100_000), "1m": (10_000, 1_000_000)}


def prepare(dsn: str, schema: str, settings: dict, size: tuple[int, int]):
    """The app on `schema` (migrated) and an HQ token; the data seeded unless already there."""
    app = create_app(settings)
    email = f"{schema}@bench.example"
    with app.app_context():
        upgrade(app)
        user = db.session.scalar(select(User).where(User.email == email))
        fresh = user is None
        if fresh:
            _, user = create_org("Bench", {"email": email, "name": "HQ", "password": PASSWORD})
        org_id, user_id = user.org_id, user.id
        token = login(email, PASSWORD, org_id, "127.0.0.1").access_token
    if fresh:
        start = time.perf_counter()
        with psycopg.connect(dsn, options=f"-csearch_path={schema}") as conn:
            seed(conn, org_id, user_id, *size)
        print(
            f"seeded {size[0]} locations, {size[1]} audits x 30 answers "
            f"in {time.perf_counter() - start:.1f} s (COPY)",
            flush=True,
        )
        start = time.perf_counter()
        with app.app_context():
            counts = rebuild()
        print(f"rollup rebuilt in {time.perf_counter() - start:.1f} s: {counts}", flush=True)
    with psycopg.connect(dsn, autocommit=True, options=f"-csearch_path={schema}") as conn:
        # As autovacuum would have by now: fresh statistics, and rows just loaded marked
        # visible (else the first reads set their hint bits, and run beside autovacuum).
        conn.execute(f"VACUUM (ANALYZE) {', '.join(SEEDED)}" if fresh else "ANALYZE")
    settle()  # as wsgi.py does for the server
    return app, token


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=SIZES, default="100k")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--schema", help="seed into this schema and keep it; reuse it when already seeded"
    )
    parser.add_argument("--seed-only", action="store_true", help="seed (--schema) and stop")
    parser.add_argument("--approvals", type=int, default=200, help="approvals timed each way")
    parser.add_argument("--skip-approvals", action="store_true")
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--export-runs", type=int, default=3, help="COPY and export, alternating")
    parser.add_argument(
        "--export-parts",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1, 2],
        help="EXPORT_COPY_PARTS values to measure, e.g. 1,2 (default)",
    )
    args = parser.parse_args()
    schema = args.schema or f"bench_{uuid.uuid4().hex[:8]}"
    dsn = make_url(URL).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    scoped = make_url(URL).update_query_dict({"options": f"-csearch_path={schema}"})
    settings = {**SETTINGS, "DATABASE_URL": scoped.render_as_string(hide_password=False)}
    # A 1M run signs in before seeding and exports half an hour later: one token throughout.
    settings["ACCESS_TOKEN_TTL"] = 6 * 3600
    try:
        app, token = prepare(dsn, schema, settings, SIZES[args.size])
        if not args.seed_only:
            measure(app, dsn, schema, settings, token, args)
    finally:
        if not args.schema:
            with psycopg.connect(dsn, autocommit=True) as admin:
                admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _median_direct(client, path: str, headers: dict, runs: int) -> float:
    """The same request answered by the direct computation over the audits (the baseline)."""
    with patch.object(service, "SOURCE", direct_scores):
        return median_ms(client, path, headers, runs)


def scores(app, token: str, runs: int, target: int) -> None:
    """League table and scorecard medians, from the rollup and (baseline) from the audits."""
    client, headers = app.test_client(), {"Authorization": f"Bearer {token}"}
    league_url = "/api/v1/scores/locations?from=2000-01-01&to=2100-01-01"
    loc = client.get(league_url, headers=headers).get_json()[0]
    card_url = f"/api/v1/locations/{loc['location_id']}/scorecard?from=2000-01-01&to=2100-01-01"
    for name, url in (("league table", league_url), ("scorecard", card_url)):
        rolled = median_ms(client, url, headers, runs)
        direct = _median_direct(client, url, headers, max(1, runs // 2))
        print(
            f"{name}: median {rolled:.0f} ms from the rollup, {direct:.0f} ms over the audits"
            f" ({direct / rolled:.1f}x; target < {target} ms)",
            flush=True,
        )


def approvals(app, dsn: str, schema: str, token: str, count: int) -> None:
    """Cost of the rollup per approval: approvals through the service with and without it."""
    with app.app_context():
        hq = db.session.scalar(select(User).where(User.role == "hq_admin"))
        data = UserIn().load(
            {
                "email": f"a{uuid.uuid4().hex[:6]}@bench.example",
                "name": "A",
                "role": "auditor",
                "password": PASSWORD,
            }
        )
        auditor = create_user(hq.org_id, data)
        db.session.commit()
        org_id, auditor_id = hq.org_id, auditor.id
        version_id = db.session.scalar(select(ChecklistVersion.id).limit(1))
        locations = list(db.session.scalars(select(Location.id).where(Location.org_id == org_id)))
    rng = random.Random(11)
    made = [
        (
            str(uuid.uuid4()),
            rng.choice(locations),
            date.today() - timedelta(days=rng.randrange(180)),
            [rng.random() < 0.8 for _ in ITEMS],
        )
        for _ in range(2 * count)
    ]
    with psycopg.connect(dsn, options=f"-csearch_path={schema}") as conn, conn.cursor() as cur:
        for target, rows in _tables(made, org_id, auditor_id, version_id, "submitted"):
            with cur.copy(f"COPY {target} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        conn.commit()
    timings: dict[str, list[float]] = {"with": [], "without": []}
    # Alternating, so load from other processes falls on both alike.
    for n, (audit_id, *_rest) in enumerate(made):
        mode = "with" if n % 2 else "without"
        with app.app_context():
            actor = db.session.get(User, hq.id)
            skip = patch.object(review_module, "changing", lambda audit: nullcontext())
            with skip if mode == "without" else nullcontext():
                start = time.perf_counter()
                review_module.review(actor, audit_id, "approve", None)
                timings[mode].append((time.perf_counter() - start) * 1000)
    with_ms, without_ms = (statistics.median(timings[m]) for m in ("with", "without"))
    refreshed = []
    with app.app_context():
        for _id, loc, day, _ in made[:count]:
            start = time.perf_counter()
            refresh((loc, day, version_id, "visit", org_id))
            db.session.commit()
            refreshed.append((time.perf_counter() - start) * 1000)
    print(
        f"approval: median {with_ms:.1f} ms with the rollup, {without_ms:.1f} ms without"
        f" (+{with_ms - without_ms:.1f} ms); the rollup update alone (one key, committed):"
        f" median {statistics.median(refreshed):.1f} ms over {count} (target < 5 ms)",
        flush=True,
    )


def exports(dsn: str, schema: str, settings: dict, token: str, runs: int, parts: list[int]):
    """The answers CSV over HTTP against PostgreSQL's own COPY of the same rows, alternating
    (`runs` of each; medians), so load from other processes falls on both alike; once per
    EXPORT_COPY_PARTS value in `parts`."""
    copies: list[float] = []
    downloads: dict[int, list[float]] = {n: [] for n in parts}
    peaks: dict[int, list[int]] = {n: [] for n in parts}
    for _ in range(runs):
        copy_rows, copy_s = copy_baseline(dsn, schema)
        copies.append(copy_s)
        for n in parts:
            rows, seconds, idle_kib, peak_kib = export_over_http(
                {**settings, "EXPORT_COPY_PARTS": n}, token
            )
            downloads[n].append(seconds)
            peaks[n].append(peak_kib)
    copy_s = statistics.median(copies)
    print(
        f"COPY TO STDOUT: {copy_rows} rows in {copy_s:.2f} s = {copy_rows / copy_s:,.0f} rows/s"
        f" (median of {runs}: {', '.join(f'{s:.1f}' for s in copies)} s)"
    )
    for n in parts:
        seconds = statistics.median(downloads[n])
        ratio = (rows / seconds) / (copy_rows / copy_s)
        print(
            f"answers.csv over HTTP, EXPORT_COPY_PARTS={n}: {rows} rows in {seconds:.2f} s"
            f" = {rows / seconds:,.0f} rows/s = {ratio:.1%} of COPY (target >= 50%; median of"
            f" {runs}: {', '.join(f'{s:.1f}' for s in downloads[n])} s); server RSS"
            f" {idle_kib / 1024:.0f} MB ready, peak {max(peaks[n]) / 1024:.0f} MB (target < 150)",
            flush=True,
        )


def measure(app, dsn: str, schema: str, settings: dict, token: str, args) -> None:
    """Print the figures."""
    target = 50 if args.size == "100k" else 300
    # Shared machines: a figure means little without the load it was measured under.
    print("load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()), flush=True)
    scores(app, token, args.runs, target)
    if not args.skip_approvals:
        approvals(app, dsn, schema, token, args.approvals)
    if not args.skip_export:
        exports(dsn, schema, settings, token, args.export_runs, args.export_parts)


if __name__ == "__main__":
    main()
