"""Load with an unreliable network, optionally a PostgreSQL restart or a Celery worker killed
mid-task, then an integrity check.

    python bench/load.py [--auditors 50] [--audits 3] [--photos 2] [--flaky 0.15]
                         [--pace 30] [--restart-db] [--kill-worker] [--workers 1]
                         [--concurrency cores-1] [--embedded] [--max-seconds 600] [--warmup 10]
                         [--moto-nice 0]

On loopback only: gunicorn serving the app with the shipped configuration, against
PostgreSQL (a schema of its own, dropped at the end), S3 (moto's server) and Celery workers
and beat on the local Redis (niced, as background work on a shared machine should be;
`--embedded`: no broker, the web processes run the tasks). Each simulated auditor submits
visits with phone photos (12 MP, textured, 3-9 MB; half through the API, half straight to
S3) from a phone that gives up on some requests early and sends them again unchanged, and
repeats some that worked.

Each auditor's visits fall at random times over `--audits` x `--pace` seconds: together a
Poisson stream (50 auditors at 30 s: 1.7 visits/s and about 19 MB/s of photos, where a real
auditor sends a visit every 20-60 minutes). `--pace 0` sends them back to back and measures
the machine's capacity: each phone then always has a request waiting, so the mean latency is
50 / throughput (Little's law) whatever the server does.

`--restart-db` restarts the machine's PostgreSQL a third of the way in; `--kill-worker`
SIGKILLs a worker (and its pool) mid-run and starts another. Prints requests/s, p50/p95/p99
latency per route class (JSON writes, photo uploads, submit, and the S3 POSTs apart) and the
5xx count, and how many paced visits started late because the phone was still busy with the
last (that wait is not in the latencies); waits until every photo is processed and prints how
long after the last upload that was, then checks from the database and the bucket that
nothing was lost, duplicated or orphaned.
Targets (2 cores, 50 auditors): JSON writes and submit p99 < 300 ms, photo uploads p99 < 1 s,
every photo ready within 60 s of the last upload. `BENCH_LOG_LEVEL=INFO` keeps the server's
request log (one JSON line per request with `duration_ms`) in the output.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import psycopg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load_check import integrity, report  # noqa: E402
from load_client import Phone, Photos, Stats, audit_once  # noqa: E402
from load_workers import (  # noqa: E402
    Workers,
    machine_cpu_seconds,
    process_cpu,
    report_cpu,
    rerun_jobs,
    wait_processed,
)

from audit_api import create_app  # noqa: E402
from audit_api.tasks.local import stop_tickers  # noqa: E402

URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/test")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
SECRET = "load-bench-secret-key-long-enough-for-hs256"
PASSWORD = "amber falcon crosses the salt flats"
AWS = {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def seed(settings: dict, auditors: int, audits: int) -> list[tuple[str, list[dict]]]:
    """An org, ten locations and the auditors with their assignments, through the API."""
    from audit_api.orgs.service import create_org

    app = create_app({**settings, "AUTO_MIGRATE": True})  # migrates, then adds the built-ins
    with app.app_context():
        create_org("Load", {"email": "hq@load.example", "name": "HQ", "password": PASSWORD})
    client = app.test_client()

    def made(response) -> dict:
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def token(email: str) -> str:
        answer = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()["access_token"]

    hq = {"Authorization": f"Bearer {token('hq@load.example')}"}
    locations = []
    for n in range(10):
        body = {
            "code": f"L{n}",
            "name": f"Tienda {n}",
            "address": "Av. Providencia 1",
            "phone": "+56 2 2233 4455",
            "timezone": "America/Santiago",
            "latitude": -33.42,
            "longitude": -70.61,
        }
        locations.append(made(client.post("/api/v1/locations", json=body, headers=hq))["id"])
    phones, now = [], datetime.now(UTC)
    for a in range(auditors):
        email = f"auditor{a}@load.example"
        body = {"email": email, "name": f"A{a}", "role": "auditor", "password": PASSWORD}
        user = made(client.post("/api/v1/users", json=body, headers=hq))
        work = []
        for k in range(audits):
            body = {
                "location_id": locations[(a + k) % 10],
                "checklist_key": "first-five-seconds",
                "checklist_version": 1,
                "kind": "visit",
                "auditor_id": user["id"],
                # Open around now, whenever the bench runs (a closed window is refused).
                "due_from": (now - timedelta(days=2)).isoformat(),
                "due_to": (now + timedelta(days=5)).isoformat(),
            }
            work.append(made(client.post("/api/v1/assignments", json=body, headers=hq)))
        phones.append((token(email), work))
    # Seeding through the test client started this app's in-process sweep (no broker here):
    # left running, it would claim the photo jobs and decode them in the phones' process.
    stop_tickers()
    app.extensions["audit_db_engine"].dispose()
    return phones


def restart_postgres() -> float:
    """Restart the machine's PostgreSQL; returns how long it was down."""
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    start = time.perf_counter()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--auditors", type=int, default=50)
    parser.add_argument("--audits", type=int, default=3, help="per auditor")
    parser.add_argument("--photos", type=int, default=2, help="per audit")
    parser.add_argument("--flaky", type=float, default=0.15, help="share of requests cut short")
    parser.add_argument("--restart-db", action="store_true")
    parser.add_argument("--kill-worker", action="store_true", help="SIGKILL a worker mid-run")
    parser.add_argument("--workers", type=int, default=1, help="Celery worker processes")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=max(1, (os.cpu_count() or 2) - 1),
        help="pool size of each worker (default: one process fewer than the cores, as on a "
        "machine shared with the web processes; docs/background.md)",
    )
    parser.add_argument("--embedded", action="store_true", help="no broker: tasks in gunicorn")
    parser.add_argument("--max-seconds", type=int, default=600)
    parser.add_argument(
        "--moto-nice",
        type=int,
        default=0,
        help="CPU priority of the S3 stand-in (it is another machine in production)",
    )
    parser.add_argument(
        "--pace",
        type=float,
        default=30.0,
        help="mean s between one auditor's visits (0: back to back, the machine's capacity)",
    )
    parser.add_argument(
        "--warmup", type=int, default=10, help="auditors sending one visit first, unmeasured"
    )
    args = parser.parse_args()
    if args.audits * args.pace >= args.max_seconds:
        parser.error("--audits x --pace must be less than --max-seconds (visits would be cut)")
    photos = Photos()  # made (or read from the cache) before anything is timed
    os.environ.update(AWS)
    # moto in a process of its own: 1.7 GB of photos through it would otherwise fight the 50
    # simulated phones of this process for one GIL, and S3 would look like the bottleneck.
    moto_port = free_port()
    nice, where = ["nice", "-n", str(args.moto_nice)], ["-H", "127.0.0.1", "-p", str(moto_port)]
    moto = subprocess.Popen(
        [*nice, str(Path(sys.executable).parent / "moto_server"), *where],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{moto_port}"
    wait_ready(endpoint, "/moto-api/")
    bucket = f"load-{uuid.uuid4().hex[:8]}"
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket=bucket)
    schema = f"load_{uuid.uuid4().hex[:8]}"
    dsn = make_url(URL).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    scoped = make_url(URL).update_query_dict({"options": f"-csearch_path={schema}"})
    settings = {
        "DATABASE_URL": scoped.render_as_string(hide_password=False),
        "SECRET_KEY": SECRET,
        "AUTO_MIGRATE": False,
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": endpoint,
        "S3_ADDRESSING_STYLE": "path",
        "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        # Every simulated phone signs in from 127.0.0.1: the per-address login limit would bite.
        "LOGIN_LIMIT_PER_ADDRESS": "100000 per minute",
        # Runs a minute apart reuse user ids (a fresh schema each) and share Redis counts.
        "WRITE_LIMIT_PER_USER": "100000 per minute",
        # Several gunicorn workers share their counts (gunicorn refuses memory:// with several).
        "RATELIMIT_STORAGE_URI": REDIS,
    }
    server = workers = None
    try:
        phones = seed(settings, args.auditors + args.warmup, args.audits)
        phones, warm = phones[: args.auditors], phones[args.auditors :]
        port = free_port()
        broker = {} if args.embedded else {"CELERY_BROKER_URL": REDIS, "CELERY_QUEUE": schema}
        env = {
            **os.environ,
            **{k: str(v) for k, v in {**settings, **broker}.items()},
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_LOG_LEVEL": "warning",
        }
        if not args.embedded:
            folder = tempfile.mkdtemp(prefix="load-beat-")
            workers = Workers(env, args.workers, args.concurrency, folder)
            workers.start()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:audit_api.gunicorn_conf", "wsgi:app"],
            cwd=ROOT,
            env=env,
        )
        wait_ready(f"http://127.0.0.1:{port}", "/readyz")
        wait_quiet()  # every gunicorn and Celery worker booted: none builds its app mid-load
        warm_up(f"http://127.0.0.1:{port}", warm, photos, args.photos, dsn, schema)
        stats = Stats()
        mine = {"gunicorn": server.pid, "moto (S3)": moto.pid}
        before = process_cpu(mine, workers)
        busy_before, started = machine_cpu_seconds(), time.perf_counter()
        downtime = run_load(args, phones, f"http://127.0.0.1:{port}", stats, photos, workers)
        report(stats, downtime)
        waited, states = wait_processed(dsn, schema, stats.last_upload, 600)
        print(
            f"photos processed {waited:.1f} s after the last upload's answer (target < 60 s):"
            f" {dict(sorted(states.items()))}"
        )
        if workers is not None:
            rerun, undone = rerun_jobs(dsn, schema)
            print(f"photo jobs run more than once: {rerun}; not done: {undone}")
        report_cpu(mine, workers, busy_before, started, before)
        integrity(dsn, schema, s3, bucket, args.auditors * args.audits + len(warm), args.photos)
        print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (1, 5 min) at the end")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
        if workers is not None:
            workers.stop()
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        moto.terminate()
        moto.wait(timeout=30)


def warm_up(base: str, warm: list, photos: Photos, count: int, dsn: str, schema: str) -> None:
    """One visit from each warm-up auditor at once, unmeasured, then the machine quiet again:
    every worker has served each route (its first requests build caches and clients), as a
    running service's have; the measured phones then start together from a warm service."""
    if not warm:
        return

    def visit(index: int) -> None:
        token, work = warm[index]
        phone = Phone(base, token, Stats(), random.Random(-index), 0.0)
        audit_once(phone, work[0], photos, count, seed=10**6 + index)

    with ThreadPoolExecutor(len(warm)) as pool:
        list(pool.map(visit, range(len(warm))))
    wait_processed(dsn, schema, time.perf_counter(), 120)
    wait_quiet()


def wait_quiet(limit_s: float = 90.0) -> None:
    """Until the machine is nearly idle for a second (workers still booting keep it busy)."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        before = machine_cpu_seconds()
        time.sleep(1.0)
        if machine_cpu_seconds() - before < 0.3:
            return
    print(f"the machine was still busy after {limit_s:.0f} s; measuring anyway")


def wait_ready(base: str, path: str) -> None:
    import urllib.request

    for _ in range(300):
        try:
            with urllib.request.urlopen(f"{base}{path}", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{base} did not start")


def run_load(args, phones, base: str, stats: Stats, photos: Photos, workers) -> tuple | None:
    """Every phone works through its assignments; returns (elapsed, database downtime)."""
    restarted: list[float] = []
    deadline = time.monotonic() + args.max_seconds

    window = args.audits * args.pace  # 0: every phone sends its visits back to back

    def auditor(index: int) -> None:
        token, work = phones[index]
        rng = random.Random(index)
        phone = Phone(base, token, stats, rng, args.flaky)
        # Visit times spread at random over the window (all phones together: a Poisson
        # stream of visits); a visit still running when the next is due delays it.
        due = sorted(rng.uniform(0, window) for _ in work)
        for k, assignment in enumerate(work):
            wait = start + due[k] - time.perf_counter()
            if window and wait < -0.5:
                with stats.lock:
                    stats.late.append(-wait)
            time.sleep(max(0.0, wait))
            if time.monotonic() > deadline:
                return
            audit_once(phone, assignment, photos, args.photos, seed=index * 1000 + k)

    later = window / 3  # about a third of the visits are done (or, back to back, started)
    if args.restart_db:
        threading.Timer(max(3.0, later), lambda: restarted.append(restart_postgres())).start()
    if args.kill_worker and workers is not None:  # photos are being processed by then
        threading.Timer(max(15.0, later + 5), workers.kill_and_replace).start()
    start = time.perf_counter()
    with ThreadPoolExecutor(len(phones)) as pool:
        list(pool.map(auditor, range(len(phones))))
    stats.elapsed = time.perf_counter() - start
    return (stats.elapsed, restarted[0]) if restarted else None


if __name__ == "__main__":
    main()
