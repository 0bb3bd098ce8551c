"""Benchmark of the PDF report of a 30-item, 12-photo audit; prints figures, asserts nothing.

    python bench/reports.py [--runs 5]

Builds a service on a temporary SQLite database and local storage, and through its API an
audit of a 30-item checklist at "Café Ñuñoa" with 12 textured 1600x1200 photos with EXIF (so
the display copies weigh what real ones do), submitted. Then it asks for the report as a
client would (202 until the embedded task has made it, then 200), and times the rendering
task itself (`reports.render_pdf`: compose from the database, read the 12 display copies,
draw, store) over several runs. Peak memory is the peak RSS (VmHWM) of a fresh process that
runs the task once, against one that only builds the app.
Target: under 2 s per report, peak RSS under 200 MB.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import peak_rss  # noqa: E402

PASSWORD = "granite lantern over quiet harbour"  # must pass the strength check
KINDS = ["yes_no", "yes_no", "scale", "choice", "number", "yes_no", "text", "yes_no", "photo"]


def settings(folder: Path) -> dict:
    return {
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "STORAGE_DIR": str(folder / "storage"),
        "SECRET_KEY": "bench-secret-key-long-enough-for-hs256",
        "AUTO_MIGRATE": True,
        "SYNC_CHECKLISTS": False,
        "ARGON2_MEMORY_COST": 1024,
        "ARGON2_TIME_COST": 1,
        "LOG_LEVEL": "WARNING",
        "REPORT_WAIT": 0,
    }


def checklist() -> dict:
    """30 items of every kind in three sections; Spanish and English."""
    options = [
        {"key": "all", "label": {"es": "Todas", "en": "All"}, "score": 1},
        {"key": "some", "label": {"es": "Algunas", "en": "Some"}, "score": 0.5},
    ]
    extra = {
        "scale": {"min": 1, "max": 5},
        "choice": {"options": options},
        "number": {"unit": "s", "bands": [{"max": 5, "score": 1}, {"max": 10, "score": 0.5}]},
        "text": {"required": False},
        "photo": {"required": False},
    }

    def item(n: int) -> dict:
        kind = KINDS[n % len(KINDS)]
        prompt = {
            "es": f"¿Se cumple el punto de control {n}, revisado por el auditor en la visita?",
            "en": f"Is checkpoint {n} met, as checked by the auditor during the visit?",
        }
        return {"key": f"i{n:02d}", "type": kind, "prompt": prompt, **extra.get(kind, {})}

    title = {"es": "Auditoría de tienda", "en": "Store audit"}
    grades = [{"min": 75, "label": {"es": "Bueno", "en": "Good"}}]
    grades.append({"min": 0, "label": {"es": "Deficiente", "en": "Poor"}})
    sections = [
        {"key": f"s{s}", "title": title, "items": [item(n) for n in range(s * 10, s * 10 + 10)]}
        for s in range(3)
    ]
    return {
        "key": "bench-store",
        "version": 1,
        "kind": "visit",
        "languages": ["es", "en"],
        "title": title,
        "scoring": {"grades": grades},
        "sections": sections,
    }


def photo(seed: int) -> bytes:
    """A 1600x1200 JPEG with texture and a phone's EXIF (time, GPS)."""
    from PIL import ExifTags, Image, ImageDraw

    noise = Image.effect_noise((400, 300), 60 + seed).resize((1600, 1200))
    image = Image.merge("RGB", (noise, noise.rotate(180), noise.transpose(0)))
    draw = ImageDraw.Draw(image)
    for n in range(12):
        x, y = (n * 331 + seed * 97) % 1600, (n * 197 + seed * 53) % 1200
        draw.rectangle([x, y, x + 260, y + 130], fill=(40 + n * 15, 120, 200 - n * 12))
    exif = Image.Exif()
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[ExifTags.Base.DateTimeOriginal] = "2026:11:22 12:05:30"
    details[ExifTags.Base.OffsetTimeOriginal] = "-03:00"
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def seed(app) -> str:
    """The org, the checklist, Café Ñuñoa and HQ's submitted self-audit: its id."""
    from audit_api.orgs.service import create_org

    with app.app_context():
        create_org("Café Andino", {"email": "hq@bench.example", "name": "HQ", "password": PASSWORD})
    client = app.test_client()
    body = {"email": "hq@bench.example", "password": PASSWORD}
    token = client.post("/api/v1/auth/token", json=body).get_json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}

    def call(method: str, path: str, **kwargs):
        response = client.open(path, method=method, headers=auth, **kwargs)
        assert response.status_code < 300, (path, response.get_json())
        return response.get_json()

    call("POST", "/api/v1/checklists", json=checklist())
    call("POST", "/api/v1/checklists/bench-store/versions/1/publish")
    place = {
        "code": "NU1",
        "name": "Café Ñuñoa",
        "address": "Av. Irarrázaval 3400, Ñuñoa",
        "phone": "+56 2 2233 4455",
        "timezone": "America/Santiago",
        "latitude": -33.45,
        "longitude": -70.6,
    }
    location = call("POST", "/api/v1/locations", json=place)["id"]
    values = {"yes_no": True, "scale": 4, "choice": "some", "number": 7, "text": "Todo en orden."}
    answers = []
    for n in range(30):
        kind = KINDS[n % len(KINDS)]
        if kind != "photo":  # yes/no items of every seventh number fail
            value = False if kind == "yes_no" and n % 7 == 0 else values[kind]
            answers.append({"item": f"i{n:02d}", "value": value, "comment": "Visto en caja."})
    audit_id = str(uuid.uuid4())
    draft = {
        "location_id": location,
        "checklist_key": "bench-store",
        "checklist_version": 1,
        "kind": "visit",
        "started_at": "2026-11-22T12:00:00-03:00",
        "submitted_at": "2026-11-22T12:40:00-03:00",
        "checkin": {"latitude": -33.4501, "longitude": -70.6001, "accuracy_m": 10},
        "answers": answers,
    }
    call("PUT", f"/api/v1/audits/{audit_id}", json=draft)
    for n in range(12):
        form = {"photo_id": str(uuid.uuid4()), "file": (io.BytesIO(photo(n)), "p.jpg")}
        form["item"] = f"i{n * 2:02d}"
        call("POST", f"/api/v1/audits/{audit_id}/photos", data=form)
    call("POST", f"/api/v1/audits/{audit_id}/submit")
    first = time.perf_counter()
    url = f"/api/v1/audits/{audit_id}/report.pdf"
    while (response := client.get(url, headers=auth)).status_code == 202:
        time.sleep(0.02)
    assert response.status_code == 200, response.get_json()
    print("first report through the API (202 until the task is done, then 200): ", end="")
    print(f"{time.perf_counter() - first:.2f} s, {len(response.get_data()) / 1e6:.1f} MB PDF")
    return audit_id


def render_once(app, audit_id: str) -> float:
    """Run the rendering task for the audit's report again; its wall time."""
    from sqlalchemy import update

    from audit_api.db import db
    from audit_api.reports.pdf.models import AuditReport, ReportStatus
    from audit_api.reports.pdf.rendering import render_pdf

    with app.app_context():
        report_id = db.session.scalar(
            update(AuditReport)
            .where(AuditReport.audit_id == audit_id)
            .values(status=ReportStatus.PENDING)
            .returning(AuditReport.id)
        )
        db.session.commit()
        start = time.perf_counter()
        render_pdf(report_id=report_id)
        return time.perf_counter() - start


def one_run(kind: str, folder: str, audit_id: str) -> None:
    """In a fresh process: build the app, render once unless idle; print the peak RSS in MB."""
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork+exec.
    from audit_api import create_app
    from audit_api.reports.pdf import rendering  # noqa: F401  (imports count in both kinds)

    app = create_app(settings(Path(folder)))
    if kind == "render":
        render_once(app, audit_id)
    status = Path("/proc/self/status").read_text()
    peak_kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))
    print(json.dumps(peak_kb / 1024))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--one", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one_run(*args.one)
        return
    from audit_api import create_app

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(settings(Path(folder)))
        audit_id = seed(app)
        times = [render_once(app, audit_id) for _ in range(args.runs)]
        print(
            f"rendering task (compose, read 12 photos, draw, store), median of {args.runs}: "
            f"{statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f}; "
            "target < 2 s)"
        )
        idle, render = (peak_rss(__file__, k, folder, audit_id) for k in ("idle", "render"))
        print(f"peak RSS: app built {idle:.0f} MB, app built and one report made {render:.0f} MB")
        print(f"  the rendering adds {render - idle:.0f} MB (target: < 200 MB in all)")
        app.extensions["audit_db_engine"].dispose()


if __name__ == "__main__":
    main()
