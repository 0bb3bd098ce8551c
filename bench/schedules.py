"""Benchmark of schedule materialisation on PostgreSQL; prints figures, asserts nothing.

    python bench/schedules.py [--locations 1000] [--auditors 50] [--history 20000]

Seeds a schema of its own (dropped at the end) with COPY: locations in ten regions across
five timezones, a pool of auditors, past audits by them (the rotation reads who was where),
and one monthly schedule over every location. Then times the periodic job
`schedules.materialise` twice, as a worker runs it: the first run makes the 14-day horizon
(one assignment per location), the second finds everything made and creates nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from audit_api import create_app
from audit_api.assignments.models import Assignment
from audit_api.db import db
from audit_api.migrate import upgrade
from audit_api.orgs.service import create_org
from audit_api.tasks import run_periodic
from bench.common import PASSWORD, own_schema
from bench.common import SETTINGS as BASE_SETTINGS

URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/test")
ZONES = ["America/Santiago", "Europe/Madrid", "America/Mexico_City", "America/Bogota", "UTC"]
SETTINGS = {**BASE_SETTINGS, "SCHEDULE_HORIZON_DAYS": 14}
DEFINITION = {
    "key": "bench",
    "version": 1,
    "kind": "visit",
    "languages": ["es", "en"],
    "title": {"es": "x", "en": "x"},
    "scoring": {"critical_failure": "zero", "grades": []},
    "sections": [
        {
            "key": "s",
            "title": {"es": "x", "en": "x"},
            "items": [{"key": "i", "type": "yes_no", "prompt": {"es": "x", "en": "x"}}],
        }
    ],
}


def _one(cur: psycopg.Cursor, sql: str, *args: object) -> int:
    cur.execute(sql, args)
    return cur.fetchone()[0]


def seed(conn: psycopg.Connection, org_id: int, hq_id: int, args: argparse.Namespace) -> int:
    """Locations, auditors, past audits and a monthly schedule of every location; its id."""
    rng, now, today = random.Random(7), datetime.now(UTC), date.today()
    with conn.cursor() as cur:
        checklist_id = _one(
            cur,
            "INSERT INTO checklists (org_id, key, kind, created_at) VALUES (%s, 'bench', 'visit',"
            " now()) RETURNING id",
            org_id,
        )
        version_id = _one(
            cur,
            "INSERT INTO checklist_versions (checklist_id, version, status, definition, digest,"
            " published_at, created_at, updated_at, row_version) VALUES (%s, 1, 'published',"
            " %s, 'x', now(), now(), now(), 1) RETURNING id",
            checklist_id,
            json.dumps(DEFINITION),
        )
        regions = [
            _one(
                cur,
                "INSERT INTO regions (org_id, name, search_key, created_at, updated_at,"
                " row_version) VALUES (%s, %s, '', now(), now(), 1) RETURNING id",
                org_id,
                f"Region {r}",
            )
            for r in range(10)
        ]
        with cur.copy(
            "COPY locations (org_id, region_id, code, name, address, phone, timezone, latitude,"
            " longitude, geofence_m, search_key, created_at, updated_at, row_version) FROM STDIN"
        ) as copy:
            for n in range(args.locations):
                place = (ZONES[n % len(ZONES)], -33.4, -70.6, 150, f"l{n:05d}", now, now, 1)
                copy.write_row(
                    (org_id, regions[n % 10], f"L{n:05d}", f"Tienda {n}", "Av. 1", "+562", *place)
                )
        with cur.copy(
            "COPY users (org_id, email, name, role, password_hash, active, search_key,"
            " created_at, updated_at, row_version) FROM STDIN"
        ) as copy:
            for n in range(args.auditors):
                copy.write_row(
                    (
                        org_id,
                        f"a{n}@bench.example",
                        f"Auditor {n}",
                        "auditor",
                        "x",
                        True,
                        "",
                        now,
                        now,
                        1,
                    )
                )
        cur.execute("SELECT id FROM locations WHERE org_id = %s ORDER BY id", (org_id,))
        locations = [r[0] for r in cur.fetchall()]
        cur.execute("SELECT id FROM users WHERE org_id = %s AND role = 'auditor'", (org_id,))
        auditors = [r[0] for r in cur.fetchall()]
        with cur.copy(
            "COPY audits (id, org_id, location_id, checklist_version_id, kind, auditor_id, status,"
            " answers, paradata, started_at, visit_date, created_at, updated_at, row_version)"
            " FROM STDIN"
        ) as copy:
            for _ in range(args.history):
                day = today - timedelta(days=rng.randrange(1, 365))
                moment = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=15)
                who = (rng.choice(locations), version_id, "visit", rng.choice(auditors))
                times = (moment, day, moment, moment, 1)
                copy.write_row((str(uuid.uuid4()), org_id, *who, "approved", "[]", "{}", *times))
        # Monthly on today's day of the month: each location's occurrence falls in the horizon.
        schedule_id = _one(
            cur,
            "INSERT INTO schedules (org_id, name, checklist_id, checklist_version, kind, rrule,"
            " starts_on, local_time, window_days, lockout_days, active, created_by_id,"
            " created_at, updated_at, row_version) VALUES (%s, 'Monthly visit', %s, NULL,"
            " 'visit', 'FREQ=MONTHLY', %s, '09:00', 7, 60, true, %s, now(), now(), 1)"
            " RETURNING id",
            org_id,
            checklist_id,
            today,
            hq_id,
        )
        with cur.copy("COPY schedule_locations (schedule_id, location_id) FROM STDIN") as copy:
            for location_id in locations:
                copy.write_row((schedule_id, location_id))
        with cur.copy("COPY schedule_auditors (schedule_id, user_id) FROM STDIN") as copy:
            for auditor_id in auditors:
                copy.write_row((schedule_id, auditor_id))
        cur.execute("ANALYZE")
    conn.commit()
    return schedule_id


def timed_run(app) -> tuple[int, float]:
    """One run of the periodic job as a worker runs it: (assignments created, seconds)."""
    with app.app_context():
        start = time.perf_counter()
        made = run_periodic("schedules.materialise")["assignment(s) created"]
        return made, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locations", type=int, default=1000)
    parser.add_argument("--auditors", type=int, default=50)
    parser.add_argument("--history", type=int, default=20_000, help="past audits")
    args = parser.parse_args()
    with own_schema(URL) as (schema, url, dsn):
        settings = {**SETTINGS, "DATABASE_URL": url}
        app = create_app(settings)
        with app.app_context():
            upgrade(app)
            org, hq = create_org(
                "Bench",
                {"email": f"{schema}@bench.example", "name": "HQ", "password": PASSWORD},
            )
        start = time.perf_counter()
        with psycopg.connect(dsn, options=f"-csearch_path={schema}") as conn:
            schedule_id = seed(conn, org.id, hq.id, args)
        print(
            f"seeded {args.locations} locations in {len(ZONES)} timezones, {args.auditors}"
            f" auditors, {args.history} past audits in {time.perf_counter() - start:.1f} s (COPY)"
        )
        made, first = timed_run(app)
        print(
            f"first run:  {made} assignments created in {first:.2f} s"
            " (monthly schedule, 14-day horizon; target < 5 s)"
        )
        again, second = timed_run(app)
        print(f"second run: {again} assignments created in {second:.2f} s (target 0 in < 1 s)")
        with app.app_context():
            stmt = select(func.count(), func.count(func.distinct(Assignment.auditor_id)))
            total, used = db.session.execute(
                stmt.where(Assignment.schedule_id == schedule_id)
            ).one()
            unassigned = db.session.scalar(
                select(func.count()).where(
                    Assignment.schedule_id == schedule_id, Assignment.auditor_id.is_(None)
                )
            )
        print(f"rows: {total} assignments, {used} auditors used, {unassigned} unassigned")


if __name__ == "__main__":
    main()
