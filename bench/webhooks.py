"""Benchmark of webhooks; prints figures, asserts nothing.

    python bench/webhooks.py [--audits 200] [--events 1000]

1. What webhooks add to a request: the median (and p95) latency of approving an audit through
   the app (in-process WSGI, embedded mode: SQLite, deliveries on the app's own threads) with
   an endpoint registered, against approving with none, in alternating blocks of the same run.
2. Throughput: `--events` events emitted in one transaction and delivered, signed, to a local
   receiver that verifies each signature, by one Celery worker process (`celery -A wsgi:celery
   worker --concurrency 1`) on the local Redis; against the same number of plain POSTs to the
   same receiver from one thread (no database, no signing), measured in the same run.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from standardwebhooks.webhooks import Webhook

from audit_api import create_app
from audit_api.db import db
from audit_api.orgs.service import create_org
from audit_api.tasks import drain
from audit_api.webhooks.events import emit

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "granite lantern over quiet harbour"
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
SETTINGS = {
    "SECRET_KEY": "bench-secret-key-long-enough-for-hs256",
    "ARGON2_MEMORY_COST": 1024,
    "ARGON2_TIME_COST": 1,
    "LOG_LEVEL": "WARNING",
    "WEBHOOK_ALLOW_PRIVATE": True,
    "WEBHOOK_ALLOW_HTTP": True,
    "WRITE_LIMIT_PER_USER": "1000000 per minute",
}
ANSWERS = {
    "rings_to_answer": 2,
    "answered_by": "person",
    "greeting_company": True,
    "greeting_own_name": True,
    "easy_to_reach_right_person": 4,
    "hold_seconds": 20,
    "hold_permission": True,
    "useful_answer_first_contact": True,
    "follow_up_offered": False,
}


class Receiver:
    """A threaded receiver on loopback: verifies each signature, keeps each webhook-id once."""

    def __init__(self) -> None:
        self.secret: str | None = None
        self.ids: set[str] = set()
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                headers = {k.lower(): v for k, v in self.headers.items()}
                if outer.secret and "webhook-id" in headers:
                    Webhook(outer.secret).verify(body, headers)
                    with outer.lock:
                        outer.ids.add(headers["webhook-id"])
                self.send_response(204)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hooks"


def _ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _approvals(args: argparse.Namespace, receiver: Receiver, folder: Path) -> None:
    url = f"sqlite:///{folder / 'approve.sqlite3'}"
    app = create_app({**SETTINGS, "DATABASE_URL": url, "STORAGE_DIR": str(folder / "s")})
    with app.app_context():
        create_org("Bench", {"email": "hq@bench.example", "name": "HQ", "password": PASSWORD})
    client = app.test_client()

    def login(email: str) -> dict:
        body = {"email": email, "password": PASSWORD}
        token = _ok(client.post("/api/v1/auth/token", json=body))["access_token"]
        return {"Authorization": f"Bearer {token}"}

    hq = login("hq@bench.example")
    location = {
        "code": "B1",
        "name": "Tienda",
        "address": "Av. 1",
        "phone": "+56 2 2233 4455",
        "timezone": "America/Santiago",
        "latitude": -33.42,
        "longitude": -70.61,
    }
    loc = _ok(client.post("/api/v1/locations", json=location, headers=hq), 201)["id"]
    manager = {"email": "m@bench.example", "name": "M", "role": "manager", "password": PASSWORD}
    manager["scope"] = {"region_ids": [], "location_ids": [loc]}
    _ok(client.post("/api/v1/users", json=manager, headers=hq), 201)
    auditor = login("m@bench.example")
    body = {
        "location_id": loc,
        "checklist_key": "self-call",
        "checklist_version": 1,
        "kind": "call",
        "assignment_id": None,
        "started_at": "2026-11-22T10:00:00-03:00",
        "submitted_at": "2026-11-22T10:07:00-03:00",
        "answers": [{"item": k, "value": v} for k, v in ANSWERS.items()]
        + [{"item": "transferred_without_repeating", "na": True}],
    }
    ids = []
    for _ in range(args.audits):
        audit_id = str(uuid.uuid4())
        _ok(client.post(f"/api/v1/audits/{audit_id}/submit", json=body, headers=auditor))
        ids.append(audit_id)
    timings: dict[str, list[float]] = {"none": [], "webhooks": []}
    block, endpoint = 20, None
    for start in range(0, len(ids), block):
        mode = "webhooks" if (start // block) % 2 else "none"
        if mode == "webhooks":
            hook = {"url": receiver.url, "events": ["audit.approved", "audit.rejected"]}
            made = _ok(client.post("/api/v1/webhooks", json=hook, headers=hq), 201)
            endpoint, receiver.secret = made["id"], made["secret"]
        for audit_id in ids[start : start + block]:
            began = time.perf_counter()
            _ok(
                client.post(
                    f"/api/v1/audits/{audit_id}/review", json={"decision": "approve"}, headers=hq
                )
            )
            timings[mode].append((time.perf_counter() - began) * 1000)
        if endpoint is not None:
            drain(app)
            assert client.delete(f"/api/v1/webhooks/{endpoint}", headers=hq).status_code == 204
            endpoint = None
    drain(app)
    none, hooks = (statistics.median(timings[m]) for m in ("none", "webhooks"))
    p95 = {m: statistics.quantiles(timings[m], n=20)[-1] for m in timings}
    for label, mode, p50 in (("no webhooks: ", "none", none), ("one endpoint:", "webhooks", hooks)):
        n = len(timings[mode])
        print(f"approve, {label} p50 {p50:6.2f} ms  p95 {p95[mode]:6.2f} ms  (n={n})")
    print(f"  added p50 {hooks - none:+.2f} ms (ratio {hooks / none:.2f}); target < 5 ms")
    print(f"  events delivered meanwhile: {len(receiver.ids)}")


def _throughput(args: argparse.Namespace, receiver: Receiver, folder: Path) -> None:
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'deliver.sqlite3'}"
    queue = f"bench_{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        **{k: str(v) for k, v in SETTINGS.items()},
        "DATABASE_URL": url,
        "AUTO_MIGRATE": "true",
        "STORAGE_DIR": str(folder / "s2"),
        "CELERY_BROKER_URL": REDIS,
        "CELERY_QUEUE": queue,
    }
    app = create_app(
        {
            **{k: env[k] for k in ("DATABASE_URL", "STORAGE_DIR")},
            **SETTINGS,
            "AUTO_MIGRATE": True,
            "CELERY_BROKER_URL": REDIS,
            "CELERY_QUEUE": queue,
        }
    )
    with app.app_context():
        org, _ = create_org("Bench", {"email": "hq@b.example", "name": "HQ", "password": PASSWORD})
    client = app.test_client()
    token = _ok(
        client.post("/api/v1/auth/token", json={"email": "hq@b.example", "password": PASSWORD})
    )
    hq = {"Authorization": f"Bearer {token['access_token']}"}
    hook = {"url": receiver.url, "events": ["audit.approved"]}
    receiver.secret = _ok(client.post("/api/v1/webhooks", json=hook, headers=hq), 201)["secret"]
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "wsgi:celery",
            "worker",
            "--concurrency",
            "1",
            "--loglevel",
            "WARNING",
            "-Q",
            queue,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(4)  # the worker starts and connects
        data = {"id": "x", "status": "approved", "note": "bench " * 20}
        began = time.perf_counter()
        with app.app_context():
            for n in range(args.events):
                emit(db.session, org.id, "audit.approved", {**data, "n": n})
            db.session.commit()  # the jobs go to the broker after this
        queued = time.perf_counter() - began
        deadline = time.monotonic() + 120
        while len(receiver.ids) < args.events and time.monotonic() < deadline:
            time.sleep(0.05)
        elapsed = time.perf_counter() - began
    finally:
        worker.terminate()
        worker.wait(30)
    plain = _plain_posts(receiver, args.events)
    got = len(receiver.ids)
    print(f"{got} of {args.events} events delivered by one worker in {elapsed:.2f} s ", end="")
    print(f"({got / elapsed:.0f}/s; emitting them took {queued:.2f} s); target < 20 s")
    print(f"  baseline: {args.events} plain POSTs from one thread in {plain:.2f} s", end="")
    print(f"; ratio {elapsed / plain:.1f}")


def _plain_posts(receiver: Receiver, count: int) -> float:
    body = b'{"type":"audit.approved","data":{}}'
    began = time.perf_counter()
    for _ in range(count):
        connection = http.client.HTTPConnection("127.0.0.1", receiver.port, timeout=5)
        connection.request(
            "POST", "/hooks", body=body, headers={"content-type": "application/json"}
        )
        connection.getresponse().read()
        connection.close()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--audits", type=int, default=200)
    parser.add_argument("--events", type=int, default=1000)
    args = parser.parse_args()
    receiver = Receiver()
    with tempfile.TemporaryDirectory() as tmp:
        _approvals(args, receiver, Path(tmp))
        receiver.ids.clear()
        _throughput(args, receiver, Path(tmp))


if __name__ == "__main__":
    main()
