"""Real image files made with Pillow, and uploading them through the API."""

from __future__ import annotations

import io
import time
import uuid
from datetime import datetime
from typing import Any

import pillow_heif
from PIL import ExifTags, Image, ImageDraw
from werkzeug.test import TestResponse

from tests.support.helpers import Caller

pillow_heif.register_heif_opener()


def picture(size: tuple[int, int] = (640, 480), seed: int = 1) -> Image.Image:
    """An image with structure (so perceptual hashes differ between seeds)."""
    image = Image.new("RGB", size, (30 + seed * 40 % 200, 90, 160))
    draw = ImageDraw.Draw(image)
    w, h = size
    for n in range(6):
        x = (seed * 97 + n * 131) % w
        y = (seed * 53 + n * 71) % h
        draw.rectangle([x, y, x + w // 5, y + h // 6], fill=((n * 60) % 255, 200 - n * 20, n * 30))
    draw.ellipse([w // 3, h // 3, w // 3 + w // 4, h // 3 + h // 4], fill=(250, 240, 20))
    return image


def exif_for(
    taken: datetime | None = None,
    offset: str | None = None,
    gps: tuple[float, float] | None = None,
    orientation: int | None = None,
) -> Image.Exif:
    """EXIF with a capture time, GPS position and orientation, as a phone camera writes them."""
    exif = Image.Exif()
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    details = exif.get_ifd(ExifTags.IFD.Exif)
    if taken:
        details[ExifTags.Base.DateTimeOriginal] = taken.strftime("%Y:%m:%d %H:%M:%S")
    if offset:
        details[ExifTags.Base.OffsetTimeOriginal] = offset
    if gps:
        info = exif.get_ifd(ExifTags.IFD.GPSInfo)
        for ref, tag, value, signs in ((1, 2, gps[0], "NS"), (3, 4, gps[1], "EW")):
            whole = abs(value)
            minutes = (whole - int(whole)) * 60
            info[ref] = signs[value < 0]
            info[tag] = (float(int(whole)), float(int(minutes)), round((minutes % 1) * 60, 4))
    return exif


def encode(image: Image.Image, fmt: str = "JPEG", exif: Image.Exif | None = None) -> bytes:
    """The image as a file's bytes."""
    out = io.BytesIO()
    options: dict[str, Any] = {"exif": exif} if exif is not None else {}
    image.save(out, fmt, **options)
    return out.getvalue()


def jpeg(seed: int = 1, size: tuple[int, int] = (640, 480), **exif: Any) -> bytes:
    """A JPEG with the given EXIF facts."""
    return encode(picture(size, seed), "JPEG", exif_for(**exif) if exif else None)


def upload(
    caller: Caller,
    audit_id: str,
    data: bytes,
    *,
    photo_id: str | None = None,
    item: str | None = None,
    content_type: str = "image/jpeg",
    filename: str = "photo.jpg",
) -> TestResponse:
    """POST a photo through the API as multipart."""
    form: dict[str, Any] = {
        "photo_id": photo_id or str(uuid.uuid4()),
        "file": (io.BytesIO(data), filename, content_type),
    }
    if item:
        form["item"] = item
    return caller.post(
        f"/api/v1/audits/{audit_id}/photos", data=form, content_type="multipart/form-data"
    )


def settled(caller: Caller, response: TestResponse, timeout_s: float = 120) -> tuple[int, dict]:
    """An upload's answer once processed: a 202 `processing` (the machine was too busy to
    finish within PHOTO_WAIT) is polled until ready or rejected, then judged like a 201."""
    body = response.get_json()
    if response.status_code != 202:
        return response.status_code, body
    deadline = time.monotonic() + timeout_s
    while body["status"] in ("pending", "processing"):
        assert time.monotonic() < deadline, f"photo {body['id']} still {body['status']}"
        time.sleep(0.2)
        body = caller.get(f"/api/v1/audits/{body['audit_id']}/photos/{body['id']}").get_json()
    return 201, body


def scan_bomb(width: int = 2000, repeats: int = 500) -> bytes:
    """A small progressive JPEG whose one AC scan is repeated: each copy is decoded again."""
    out = io.BytesIO()
    Image.new("L", (width, width), 128).save(out, "JPEG", progressive=True, quality=50)
    data = out.getvalue()
    start = data.index(b"\xff\xda")  # the first scan (DC); the second is an AC scan
    second = data.index(b"\xff\xda", start + 2)
    third = data.index(b"\xff\xda", second + 2)
    return data[:third] + data[second:third] * repeats + data[third:]
