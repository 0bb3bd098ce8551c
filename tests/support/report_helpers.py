"""A full audit for the PDF report: 30 items in three sections, 12 textured JPEGs with EXIF,
at "Café Ñuñoa"; and reading a report's PDF back (text, images, first page as PNG)."""

from __future__ import annotations

import functools
import io
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pypdf
import requests
from PIL import Image

from tests.support.audit_helpers import DUE, new_id
from tests.support.camera import camera_exif, scene
from tests.support.helpers import World, created, location_payload
from tests.support.photo_helpers import exif_for, upload

AUDITS = "/api/v1/audits"
STARTED = "2026-11-22T12:00:00-03:00"
KINDS = [
    "yes_no",
    "yes_no",
    "scale",
    "choice",
    "number",
    "yes_no",
    "text",
    "yes_no",
    "photo",
    "yes_no",
]
FAILED = {"i02", "i06", "i16", "i26"}  # yes/no items answered "no": four failed marks
HIDDEN = "i20"  # shown only when i18 is "no", which it is not
COMMENTS = {"i01": "La cajera saludó con una sonrisa.", "i06": "Había cajas en el pasillo."}
OPTIONS = [
    {"key": "all", "label": {"es": "Todas", "en": "All of them"}, "score": 1},
    {"key": "some", "label": {"es": "Algunas", "en": "Some"}, "score": 0.5},
]


def prompt(n: int) -> dict[str, str]:
    """A short prompt per item (short, so no line of it wraps in the report's table)."""
    return {"es": f"¿Punto {n:02d} en orden?", "en": f"Point {n:02d} in order?"}


def _item(n: int) -> dict[str, Any]:
    kind = KINDS[(n - 1) % len(KINDS)]
    item: dict[str, Any] = {"key": f"i{n:02d}", "type": kind, "prompt": prompt(n)}
    extra = {
        "scale": {"min": 1, "max": 5},
        "choice": {"options": OPTIONS},
        "number": {"unit": "s", "bands": [{"max": 5, "score": 1}, {"max": 10, "score": 0.5}]},
        "text": {"required": False},
    }
    item.update(extra.get(kind, {}))
    if n == 1:
        item["critical"] = True
    if item["key"] == HIDDEN:
        item["show_if"] = {"item": "i18", "equals": False}
    return item


def store_checklist() -> dict[str, Any]:
    """30 items of every kind over three sections."""
    sections = [
        {
            "key": key,
            "title": title,
            "weight": weight,
            "items": [_item(n) for n in range(first, first + 10)],
        }
        for key, title, weight, first in (
            ("entrance", {"es": "Entrada y vitrina", "en": "Entrance and window"}, 30, 1),
            ("floor", {"es": "Sala de ventas", "en": "Sales floor"}, 30, 11),
            ("service", {"es": "Atención en caja", "en": "Service at the till"}, 40, 21),
        )
    ]
    return {
        "key": "store-audit",
        "version": 1,
        "kind": "visit",
        "languages": ["es", "en"],
        "title": {"es": "Auditoría de tienda", "en": "Store audit"},
        "scoring": {
            "critical_failure": "cap",
            "cap_at": 50,
            "grades": [
                {"min": 90, "label": {"es": "Excelente", "en": "Excellent"}},
                {"min": 75, "label": {"es": "Bueno", "en": "Good"}},
                {"min": 0, "label": {"es": "Deficiente", "en": "Poor"}},
            ],
        },
        "sections": sections,
    }


def answers() -> list[dict[str, Any]]:
    """An answer to every item (photo items are answered by their uploads)."""
    values = {
        "yes_no": True,
        "scale": 4,
        "choice": "all",
        "number": 4,
        "text": "Todo limpio, ñandú.",
    }
    given = []
    for n in range(1, 31):
        item = _item(n)
        if item["type"] == "photo" or item["key"] == HIDDEN:
            continue
        value = False if item["key"] in FAILED else values[item["type"]]
        answer = {"item": item["key"], "value": value}
        if item["key"] in COMMENTS:
            answer["comment"] = COMMENTS[item["key"]]
        given.append(answer)
    return given


@functools.cache
def photo_bytes(n: int) -> bytes:
    """A textured 1600x1200 JPEG with a phone's EXIF (the last one without a capture time)."""
    image = scene((1600, 1200) if n % 4 else (1200, 1600))
    exif = camera_exif(orientation=1) if n < 12 else exif_for(gps=(-33.4201, -70.6101))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


@dataclass
class FullAudit:
    """The audit made, and what its report must show."""

    audit_id: str
    location_id: int
    photo_ids: list[str] = field(default_factory=list)


def full_audit(world: World, photos: int = 12) -> FullAudit:
    """Café Ñuñoa (region North), the checklist, an assignment to the auditor, their audit
    with `photos` photos, submitted."""
    hq = world.hq
    created(hq.post("/api/v1/checklists", json=store_checklist()))
    assert hq.post("/api/v1/checklists/store-audit/versions/1/publish").status_code == 200
    place = location_payload("NU1", name="Café Ñuñoa", region_id=world.ids["north"])
    place["address"] = "Av. Irarrázaval 3400, Ñuñoa"
    location_id = created(hq.post("/api/v1/locations", json=place))["id"]
    body = {
        "location_id": location_id,
        "checklist_key": "store-audit",
        "checklist_version": 1,
        "kind": "visit",
        "auditor_id": world.ids["auditor"],
        **DUE,
    }
    assignment = created(world.manager_north.post("/api/v1/assignments", json=body))
    audit_id = new_id()
    draft = {
        "location_id": location_id,
        "checklist_key": "store-audit",
        "checklist_version": 1,
        "kind": "visit",
        "assignment_id": assignment["id"],
        "started_at": STARTED,
        "submitted_at": "2026-11-22T12:30:00-03:00",
        "checkin": {"latitude": -33.4201, "longitude": -70.6101, "accuracy_m": 12},
        "visit": {"seconds_to_acknowledge": 4},
        "answers": answers(),
    }
    created(world.auditor.put(f"{AUDITS}/{audit_id}", json=draft))
    made = FullAudit(audit_id, location_id)
    photo_items = ["i09", "i19", "i29"]  # the photo items, then evidence of others
    for n in range(1, photos + 1):
        item = photo_items[n - 1] if n <= 3 else f"i{n:02d}" if n < 12 else None
        made.photo_ids.append(
            created(upload(world.auditor, audit_id, photo_bytes(n), item=item))["id"]
        )
    submitted = world.auditor.post(f"{AUDITS}/{audit_id}/submit")
    assert submitted.status_code == 200, submitted.get_json()
    return made


def get_report(caller, audit_id: str, wait_s: float = 20, headers=None, **params: str):
    """GET the report until it is ready (202s in between): the final response."""
    url = f"{AUDITS}/{audit_id}/report.pdf"
    deadline = time.monotonic() + wait_s
    while True:
        response = caller.get(url, query_string=params, headers=headers or {})
        if response.status_code != 202 or time.monotonic() > deadline:
            return response
        time.sleep(0.05)


def pdf_bytes(response) -> bytes:
    """The PDF behind a report response: sent by the API, or a 307 to storage."""
    if response.status_code == 307:
        downloaded = requests.get(response.headers["Location"], timeout=10)
        assert downloaded.status_code == 200
        assert "attachment" in downloaded.headers["Content-Disposition"]
        return downloaded.content
    assert response.status_code == 200, response.get_json()
    assert response.mimetype == "application/pdf"
    return response.get_data()


def pdf_text(data: bytes) -> str:
    """Every page's text, whitespace made single spaces."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def pdf_images(data: bytes) -> int:
    """How many pictures the PDF's pages show."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return sum(len(page.images) for page in reader.pages)


def taken(when: datetime) -> str:
    """A capture time as the Spanish report writes it."""
    return f"{when.day} nov {when.year} {when:%H:%M}"


def ink(png: bytes) -> float:
    """The share of a page's pixels that are not white (0: a blank page)."""
    image = Image.open(io.BytesIO(png)).convert("L")
    histogram = image.histogram()
    return 1 - sum(histogram[250:]) / sum(histogram)
