"""Benchmark of scores and exports on PostgreSQL at size; prints figures, asserts nothing.

    python bench/scores.py [--locations 1000] [--audits 100000] [--runs 5]

Seeds a schema of its own (dropped at the end) with COPY, not through the API: locations in
ten regions, one 30-item checklist, approved audits with 30 answers and their stored scores.
Then prints the median latency of the league table and a scorecard (in-process WSGI), and the
answers export over real HTTP from a separate server process: rows/s against PostgreSQL's own
`COPY (same rows) TO STDOUT` measured in the same run, and the server's peak RSS.
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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from audit_api import create_app
from audit_api.auth.service import login
from audit_api.migrate import upgrade
from audit_api.orgs.service import create_org
from bench.common import PASSWORD, SETTINGS

URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/test")
SECTIONS, PER_SECTION = 3, 10


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
        items = [(f"s{s}", f"i{s}_{i}") for s in range(SECTIONS) for i in range(PER_SECTION)]
        audits, scores, sections, item_rows = [], [], [], []
        for _ in range(n_audits):
            audit_id = str(uuid.uuid4())
            day = date.today() - timedelta(days=rng.randrange(0, 180))
            passed = [rng.random() < 0.8 for _ in items]
            answers = json.dumps(
                [{"item": k, "value": p} for (_, k), p in zip(items, passed, strict=True)]
            )
            overall = 100 * sum(passed) / len(passed)
            moment = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=15)
            audits.append(
                (
                    audit_id,
                    org_id,
                    rng.choice(locations),
                    version_id,
                    "visit",
                    user_id,
                    "approved",
                    answers,
                    "{}",
                    moment,
                    day,
                    moment,
                    moment,
                    moment,
                    moment,
                    moment,
                    1,
                )
            )
            scores.append((audit_id, overall, "[]", "bench", 1, 1, moment))
            for s in range(SECTIONS):
                chunk = passed[s * PER_SECTION : (s + 1) * PER_SECTION]
                sections.append(
                    (audit_id, f"s{s}", s, 100 * sum(chunk) / len(chunk), float(PER_SECTION))
                )
            for n, ((section, key), p) in enumerate(zip(items, passed, strict=True)):
                item_rows.append((audit_id, key, section, n, 1.0 if p else 0.0, True, not p))
        copies = {
            "audits (id, org_id, location_id, checklist_version_id, kind, auditor_id, status,"
            " answers, paradata, started_at, visit_date, submitted_at, received_at,"
            " approved_at, created_at, updated_at, row_version)": audits,
            "audit_scores (audit_id, overall, critical_failures, checklist_key,"
            " checklist_version, rules_version, computed_at)": scores,
            "audit_section_scores (audit_id, section_key, position, pct, weight)": sections,
            "audit_item_scores (audit_id, item_key, section_key, position, fraction,"
            " applicable, failed)": item_rows,
        }
        for target, rows in copies.items():
            with cur.copy(f"COPY {target} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        cur.execute("ANALYZE")
    conn.commit()


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
from audit_api import create_app

def memory(field):
    status = Path("/proc/self/status").read_text().splitlines()
    return next(line.split()[1] for line in status if line.startswith(field))

app = create_app({settings!r})
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locations", type=int, default=1000)
    parser.add_argument("--audits", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    dsn = make_url(URL).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    scoped = make_url(URL).update_query_dict({"options": f"-csearch_path={schema}"})
    settings = {**SETTINGS, "DATABASE_URL": scoped.render_as_string(hide_password=False)}
    try:
        app = create_app(settings)
        with app.app_context():
            upgrade(app)
            org, admin_user = create_org(
                "Bench",
                {"email": f"{schema}@bench.example", "name": "HQ", "password": PASSWORD},
            )
            token = login(admin_user.email, PASSWORD, org.id, "127.0.0.1").access_token
        start = time.perf_counter()
        with psycopg.connect(dsn, options=f"-csearch_path={schema}") as conn:
            seed(conn, org.id, admin_user.id, args.locations, args.audits)
        print(
            f"seeded {args.locations} locations, {args.audits} audits x 30 answers "
            f"in {time.perf_counter() - start:.1f} s (COPY)"
        )
        client, headers = app.test_client(), {"Authorization": f"Bearer {token}"}
        window = "from=2000-01-01&to=2100-01-01"
        league = median_ms(client, f"/api/v1/scores/locations?{window}", headers, args.runs)
        loc = client.get(f"/api/v1/scores/locations?{window}", headers=headers).get_json()[0]
        card = median_ms(
            client, f"/api/v1/locations/{loc['location_id']}/scorecard", headers, args.runs
        )
        print(f"league table: median {league:.0f} ms over {args.runs} runs (target < 300 ms)")
        print(f"scorecard:    median {card:.0f} ms over {args.runs} runs (target < 300 ms)")
        copy_rows, copy_s = copy_baseline(dsn, schema)
        rows, seconds, idle_kib, peak_kib = export_over_http(settings, token)
        ratio = (rows / seconds) / (copy_rows / copy_s)
        print(
            f"COPY TO STDOUT: {copy_rows} rows in {copy_s:.2f} s = {copy_rows / copy_s:,.0f} rows/s"
        )
        print(
            f"answers.csv over HTTP: {rows} rows in {seconds:.2f} s = {rows / seconds:,.0f} rows/s"
            f" = {ratio:.1%} of COPY (target >= 25%)"
        )
        print(
            f"export server RSS: {idle_kib / 1024:.0f} MB ready, peak during the export "
            f"{peak_kib / 1024:.0f} MB (target < 200 MB)"
        )
    finally:
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


if __name__ == "__main__":
    main()
