"""The unreliable phone of bench/load.py: random timeouts, blind retries of the same request,
and phone-sized photos (12 MP, textured, 3-9 MB)."""

from __future__ import annotations

import io
import random
import struct
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

from audit_api.demo_data import VISIT_ANSWERS  # the same passing visit the tests submit

RETRYABLE = {429, 502, 503, 504}
# Route classes reported apart: the targets differ (the S3 POST is the storage's, not ours).
KINDS = ("json", "photo", "submit", "storage")


@dataclass
class Stats:
    """Every attempt's latency and outcome by route class, shared by all simulated phones."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    statuses: dict[int, int] = field(default_factory=dict)
    timeouts: int = 0
    retries: int = 0
    elapsed: float = 0.0
    last_upload: float = 0.0  # perf_counter when the last photo request was answered
    photo_bytes: list[int] = field(default_factory=list)
    # Visits that started after their time because the phone was still busy with the last one
    # (a paced run's latencies leave that wait out: it shows here).
    late: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def retried(self) -> None:
        with self.lock:
            self.retries += 1

    def record(self, seconds: float, status: int | None, kind: str) -> None:
        with self.lock:
            if kind == "photo":
                self.last_upload = max(self.last_upload, time.perf_counter())
            if status is None:
                self.timeouts += 1
                return
            self.latencies[kind].append(seconds)
            self.statuses[status] = self.statuses.get(status, 0) + 1


class Phone:
    """One auditor's phone on a bad network: some requests are given up early (the server may
    still finish them) and sent again unchanged, some are sent twice though they worked."""

    def __init__(self, base: str, token: str, stats: Stats, rng: random.Random, flaky: float):
        self.base, self.stats, self.rng, self.flaky = base, stats, rng, flaky
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def send(
        self, method: str, url: str, ok: set[int], kind: str, **kwargs: Any
    ) -> requests.Response:
        """Send until an accepted answer; the same request every time (ids and bodies fixed)."""
        for attempt in range(30):
            timeout = self.rng.uniform(0.005, 0.05) if self.rng.random() < self.flaky else 30
            start = time.perf_counter()
            try:
                response = self.session.request(
                    method,
                    url if url.startswith("http") else self.base + url,
                    timeout=timeout,
                    **_fresh(kwargs),
                )
            except requests.RequestException:
                self.stats.record(time.perf_counter() - start, None, kind)
                self._retrying(attempt)
                continue
            self.stats.record(time.perf_counter() - start, response.status_code, kind)
            if response.status_code in ok:
                if self.rng.random() < self.flaky / 2:  # the answer was "lost": send it again
                    self.stats.retried()
                    self.session.request(
                        method,
                        url if url.startswith("http") else self.base + url,
                        timeout=30,
                        **_fresh(kwargs),
                    )
                return response
            if response.status_code not in RETRYABLE and response.status_code < 500:
                raise RuntimeError(f"{method} {url}: {response.status_code} {response.text[:300]}")
            self._retrying(attempt)
        raise RuntimeError(f"{method} {url}: gave up after 30 attempts")

    def _retrying(self, attempt: int) -> None:
        self.stats.retried()
        time.sleep(min(2.0, 0.05 * 2**attempt) * self.rng.uniform(0.5, 1.5))


def _fresh(kwargs: dict[str, Any]) -> dict[str, Any]:
    """File parts are streams: give each attempt its own."""
    if "files" not in kwargs:
        return kwargs
    files = {k: (name, io.BytesIO(data), kind) for k, (name, data, kind) in kwargs["files"].items()}
    return {**kwargs, "files": files}


class Photos:
    """Phone photos: three 12 MP textured JPEGs with a camera's EXIF (made once, cached),
    each sent with a comment segment of its own, so no two photos have the same bytes."""

    QUALITIES = (80, 92, 97)  # about 3.5, 5.5 and 8.5 MB

    def __init__(self) -> None:
        from tests.support.corpus import cache_dir

        folder: Path = cache_dir() / "load-photos-v1"
        folder.mkdir(exist_ok=True)
        self.bases = []
        for quality in self.QUALITIES:
            path = folder / f"q{quality}.jpg"
            if not path.exists():
                path.with_suffix(".part").write_bytes(_camera_jpeg(quality))
                path.with_suffix(".part").replace(path)
            self.bases.append(path.read_bytes())

    def get(self, seed: int) -> bytes:
        """A distinct photo: a base with a JPEG comment (COM) naming the seed after SOI."""
        base = self.bases[seed % len(self.bases)]
        note = f"load photo {seed} {uuid.UUID(int=seed)}".encode()
        return base[:2] + b"\xff\xfe" + struct.pack(">H", len(note) + 2) + note + base[2:]


def _camera_jpeg(quality: int) -> bytes:
    from tests.support.camera import SIZE_12MP, camera_exif, scene

    out = io.BytesIO()
    scene(SIZE_12MP).save(out, "JPEG", quality=quality, exif=camera_exif(6))
    return out.getvalue()


ACCEPTED = {200, 201, 202}  # a repeat; processed at once; processing in the background


def audit_once(phone: Phone, assignment: dict[str, Any], photos: Photos, count: int, seed: int):
    """A whole visit: the draft, its photos (through the API or straight to S3), the submit."""
    audit_id = str(uuid.uuid4())
    body = visit_body(assignment)
    phone.send("PUT", f"/api/v1/audits/{audit_id}", {200, 201}, "json", json=body)
    for n in range(count):
        photo_id, data = str(uuid.uuid4()), photos.get(seed * 100 + n)
        phone.stats.photo_bytes.append(len(data))
        item = "entrance_photo" if n == 0 else None
        if n % 2 == 0:
            files = {"file": ("p.jpg", data, "image/jpeg")}
            form = {"photo_id": photo_id, **({"item": item} if item else {})}
            url = f"/api/v1/audits/{audit_id}/photos"
            phone.send("POST", url, ACCEPTED, "photo", data=form, files=files)
        else:
            upload_direct(phone, audit_id, photo_id, data)
    phone.send("POST", f"/api/v1/audits/{audit_id}/submit", {200}, "submit")
    return audit_id


def upload_direct(phone: Phone, audit_id: str, photo_id: str, data: bytes) -> None:
    """Presigned POST to storage, then complete; each step retried blindly."""
    base = f"/api/v1/audits/{audit_id}/photos"
    body = {"photo_id": photo_id, "content_type": "image/jpeg", "size": len(data)}
    started = phone.send("POST", f"{base}/uploads", {201, 409}, "json", json=body)
    if started.status_code == 201:  # 409: a lost answer's retry, the photo is already complete
        form = started.json()
        files = {"file": ("p.jpg", data, "image/jpeg")}
        phone.send("POST", form["url"], {204}, "storage", data=form["fields"], files=files)
        phone.send("POST", f"{base}/{photo_id}/complete", ACCEPTED, "photo")


def visit_body(assignment: dict[str, Any]) -> dict[str, Any]:
    """A complete first-five-seconds visit of the assignment's location."""
    return {
        "location_id": assignment["location_id"],
        "checklist_key": "first-five-seconds",
        "checklist_version": 1,
        "kind": "visit",
        "assignment_id": assignment["id"],
        "started_at": (datetime.now(UTC) - timedelta(minutes=30)).isoformat(),
        "submitted_at": (datetime.now(UTC) - timedelta(minutes=10)).isoformat(),
        "visit": {"seconds_to_acknowledge": 3},
        "answers": [{"item": k, "value": v} for k, v in VISIT_ANSWERS.items()],
    }
