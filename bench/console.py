"""Benchmark of the console's heaviest pages on PostgreSQL at size; prints figures, asserts
nothing.

    BENCH_DATABASE_URL=postgresql+psycopg://... python bench/console.py [--runs 20]

Seeds a schema of its own (dropped at the end) with bench/scores.py's seeding by COPY: 1,000
locations in ten regions, 100,000 approved audits with 30 answers and their stored scores,
then sends 1% of them back to `submitted` so the review queue has work and makes the score
rollup from the approved ones (as `flask rollup rebuild`). Signs in to the console as HQ
through its sign-in form (a session cookie, CSRF token and all), and times the
server side (in-process WSGI, the whole request: routing, session, services, templates) of
the review queue, a scorecard and the league table. Each is also given as a ratio against
baselines measured in the same run on the same app: GET /api/v1/me (the cheapest
authenticated request) and the API's own league table, /api/v1/scores/locations.
Target: each page under 300 ms median.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from audit_api import create_app, settle
from audit_api.auth.service import login
from audit_api.migrate import upgrade
from audit_api.orgs.service import create_org
from audit_api.rollups.rebuild import rebuild
from bench.common import PASSWORD, SETTINGS, own_schema
from bench.scores import seed

URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/test")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SUBMITTED_SHARE = 0.01  # of the seeded audits sent back to review


def timings(client, path: str, runs: int, headers: dict | None = None) -> list[float]:
    """Milliseconds of `runs` GETs of `path` (after one untimed warm-up)."""
    client.get(path, headers=headers or {})
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path, headers=headers or {})
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, (path, response.status_code)
        times.append(elapsed)
    return times


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def sign_in(client, email: str) -> None:
    """Sign in through the console's own form, as a browser does."""
    page = client.get("/console/sign-in").get_data(as_text=True)
    token = CSRF.search(page)
    form = {"email": email, "password": PASSWORD, "csrf_token": token.group(1) if token else ""}
    response = client.post("/console/sign-in", data=form)
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]


def send_back_to_review(dsn: str, schema: str, share: float) -> int:
    """Make a share of the approved audits `submitted` (the review queue's work)."""
    with psycopg.connect(dsn, options=f"-csearch_path={schema}") as conn:
        count = conn.execute(
            "UPDATE audits SET status = 'submitted', approved_at = NULL"
            " WHERE id IN (SELECT id FROM audits ORDER BY id LIMIT"
            " (SELECT (count(*) * %s)::int FROM audits))",
            (share,),
        ).rowcount
        conn.execute("ANALYZE audits")
        conn.commit()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locations", type=int, default=1000)
    parser.add_argument("--audits", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with own_schema(URL) as (schema, url, dsn):
        settings = {**SETTINGS, "DATABASE_URL": url}
        app = create_app(settings)
        with app.app_context():
            upgrade(app)
            org, hq = create_org(
                "Bench", {"email": f"{schema}@bench.example", "name": "HQ", "password": PASSWORD}
            )
            token = login(hq.email, PASSWORD, org.id, "127.0.0.1").access_token
        start = time.perf_counter()
        with psycopg.connect(dsn, options=f"-csearch_path={schema}") as conn:
            seed(conn, org.id, hq.id, args.locations, args.audits)
        queued = send_back_to_review(dsn, schema, SUBMITTED_SHARE)
        # Audits loaded by COPY bypass the rollup's upkeep: made from them, as after a restore,
        # or the score pages would read an empty rollup.
        with app.app_context():
            rebuild()
        with psycopg.connect(dsn, autocommit=True, options=f"-csearch_path={schema}") as conn:
            # Fresh statistics, as autovacuum would have made by now: without them the
            # console scorecard took 15 times as long (721 ms), the league 3.5 times.
            conn.execute(
                "ANALYZE audits, score_rollups, score_rollup_months, score_rollup_sections,"
                " score_rollup_items"
            )
        settle()  # as wsgi.py does for the server
        print(
            f"seeded {args.locations} locations, {args.audits} audits ({queued} submitted) "
            f"in {time.perf_counter() - start:.1f} s (COPY)"
        )
        api, bearer = app.test_client(), {"Authorization": f"Bearer {token}"}
        console = app.test_client()
        sign_in(console, hq.email)
        league = api.get("/api/v1/scores/locations", headers=bearer).get_json()
        location_id = league[len(league) // 2]["location_id"]  # a middling one
        measured = {
            "baseline GET /api/v1/me": timings(api, "/api/v1/me", args.runs, bearer),
            "baseline API league table": timings(
                api, "/api/v1/scores/locations", args.runs, bearer
            ),
            "console review queue": timings(console, REVIEW_QUEUE, args.runs),
            "console scorecard": timings(
                console, f"/console/scores/locations/{location_id}", args.runs
            ),
            "console league table": timings(console, "/console/scores/", args.runs),
        }
        me = statistics.median(measured["baseline GET /api/v1/me"])
        api_league = statistics.median(measured["baseline API league table"])
        print(f"server time over {args.runs} runs each (ms; target: pages < 300 ms median)")
        print(f"{'':28} {'median':>8} {'p95':>8} {'x /me':>8} {'x API league':>13}")
        for name, times in measured.items():
            median = statistics.median(times)
            print(
                f"{name:28} {median:8.1f} {p95(times):8.1f} {median / me:8.1f}"
                f" {median / api_league:13.2f}"
            )


REVIEW_QUEUE = "/console/review/"  # the review area's queue (console.review)

if __name__ == "__main__":
    main()
