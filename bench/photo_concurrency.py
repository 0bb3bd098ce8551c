"""Peak memory of the service while parallel uploads of 50 MP photos arrive (bench/photos.py).

Starts the service in its own process (werkzeug, threaded, SQLite and local storage in a
temporary folder), resets its memory high-water mark once it is ready, sends N uploads at
once of a 50 MP PNG (small to send, 150 MB as pixels: the costly case, as PNG has no reduced
decode), and reads the server's VmHWM. Run once with the shipped PHOTO_DECODE_CONCURRENCY and
once with as many decode slots as uploads (the unbounded baseline). The decodes run in the
background task, on as many task threads as uploads (so the slots are what bounds them), and
each upload waits for its photo's processing (PHOTO_WAIT), so the peak covers every decode.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import threading
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-of-hq-2026"


def serve(instance: str, slots: int, threads: int = 8) -> None:
    """In the child: build the app, seed an HQ admin, serve on a free port, print it."""
    import logging

    from werkzeug.serving import make_server

    from audit_api import create_app
    from audit_api.orgs.service import create_org

    app = create_app(
        {
            "LOG_LEVEL": "WARNING",
            "PHOTO_DECODE_CONCURRENCY": slots,
            "TASK_THREADS": threads,
            "PHOTO_WAIT": 30,
            "PHOTO_DECODE_WAIT": 120,
            "PHOTO_MAX_PER_AUDIT": 1000,
            "WRITE_LIMIT_PER_USER": "100000 per minute",
            "ARGON2_MEMORY_COST": 1024,  # its 64 MiB would otherwise be part of the peak
        },
        instance_path=instance,
    )
    with app.app_context():
        create_org("Bench", {"email": "hq@bench.example", "name": "HQ", "password": PASSWORD})
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(server.server_port, flush=True)
    server.serve_forever()


def flat_png(megapixels: float) -> bytes:
    """A PNG of `megapixels` that compresses to a few hundred KB."""
    from PIL import Image

    width = int((megapixels * 1e6 * 4 / 3) ** 0.5)
    out = io.BytesIO()
    Image.new("RGB", (width, int(width * 3 / 4)), (180, 40, 40)).save(out, "PNG")
    return out.getvalue()


def _hwm_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return next(int(ln.split()[1]) for ln in status.splitlines() if ln.startswith("VmHWM")) / 1024


def _draft(base: str, token: str) -> str:
    """A location and a self-audit draft of HQ to upload photos to."""
    auth = {"Authorization": f"Bearer {token}"}
    location = {
        "code": "B1",
        "name": "Bench",
        "address": "Av. 1",
        "phone": "+56 2 2233 4455",
        "timezone": "America/Santiago",
        "latitude": -33.42,
        "longitude": -70.61,
    }
    loc = requests.post(f"{base}/api/v1/locations", json=location, headers=auth, timeout=30)
    audit_id = str(uuid.uuid4())
    body = {
        "location_id": loc.json()["id"],
        "checklist_key": "first-five-seconds",
        "checklist_version": 1,
        "kind": "visit",
        "started_at": "2026-11-22T12:00:00-03:00",
        "answers": [],
    }
    answer = requests.put(f"{base}/api/v1/audits/{audit_id}", json=body, headers=auth, timeout=30)
    answer.raise_for_status()
    return audit_id


def measure(slots: int, uploads: int, data: bytes) -> tuple[float, float, list[int]]:
    """(MB when ready, peak MB during the uploads, statuses) of a server with `slots`."""
    with tempfile.TemporaryDirectory() as instance:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        code = (
            f"import sys; sys.path.insert(0, {str(ROOT)!r}); from bench.photo_concurrency "
            f"import serve; serve({instance!r}, {slots}, {uploads})"
        )
        child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, env=env)
        try:
            port = int(child.stdout.readline())  # type: ignore[union-attr]
            base = f"http://127.0.0.1:{port}"
            login = {"email": "hq@bench.example", "password": PASSWORD}
            token = requests.post(f"{base}/api/v1/auth/token", json=login, timeout=30).json()
            audit_id = _draft(base, token["access_token"])
            Path(f"/proc/{child.pid}/clear_refs").write_text("5")  # reset the high-water mark
            ready = _hwm_mb(child.pid)
            statuses = _upload_all(base, token["access_token"], audit_id, data, uploads)
            return ready, _hwm_mb(child.pid), statuses
        finally:
            child.terminate()
            child.wait(timeout=30)


def _upload_all(base: str, token: str, audit_id: str, data: bytes, uploads: int) -> list[int]:
    statuses: list[int] = []
    start = threading.Barrier(uploads)

    def send() -> None:
        files = {"file": ("p.png", data, "image/png")}
        form = {"photo_id": str(uuid.uuid4())}
        start.wait()
        answer = requests.post(
            f"{base}/api/v1/audits/{audit_id}/photos",
            data=form,
            files=files,
            headers={"Authorization": f"Bearer {token}"},
            timeout=300,
        )
        statuses.append(answer.status_code)

    threads = [threading.Thread(target=send) for _ in range(uploads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


def report(uploads: int = 8, megapixels: float = 50) -> None:
    """Print the peak RSS of the shipped setting against the unbounded baseline."""
    from audit_api.config import SETTINGS

    shipped = next(s.default for s in SETTINGS if s.name == "PHOTO_DECODE_CONCURRENCY")
    data = flat_png(megapixels * 0.999)  # just under the 50,000,000-pixel cap
    print(f"{uploads} concurrent uploads of a {megapixels:g} MP PNG ({len(data) / 1e3:.0f} KB):")
    figures = {}
    for label, slots in (("unbounded", uploads), (f"{shipped} decode slots", shipped)):
        ready, peak, statuses = measure(slots, uploads, data)
        figures[label] = peak
        print(f"  {label:>16}: ready {ready:.0f} MB, peak {peak:.0f} MB, answers {statuses}")
    bounded = figures[f"{shipped} decode slots"]
    print(
        f"  ratio bounded/unbounded peak: {bounded / figures['unbounded']:.2f}x "
        f"(target: bounded peak < 1024 MB)"
    )
