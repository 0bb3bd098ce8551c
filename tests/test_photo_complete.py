"""A direct upload's `complete` reads the staged file's header only, on local storage and on S3
over HTTP: the storage hashes the bytes as it moves them, and the processing task checks the
rest (JPEG scans, decoding), rejecting with a reason the phone can read."""

from __future__ import annotations

import hashlib
import io
import struct

import pytest
from PIL import Image

from audit_api.evidence.images import HEADER_BYTES
from audit_api.evidence.models import STAGING
from audit_api.tasks import drain
from tests.support.photo_helpers import scan_bomb
from tests.test_photo_processing import presigned, status_of
from tests.test_photos import AUDITS, draft

pytestmark = pytest.mark.app_config(PHOTO_WAIT=0)


@pytest.fixture
def reads(app, bucket) -> list[int]:
    """How many bytes each read of a staged upload asked for (the real backend reads; the
    processing task's reads of the original, which may run meanwhile, are not counted)."""
    backend, asked = app.extensions["audit_storage"], []
    real = backend.read

    def counted(key: str, limit: int, tag: str | None = None) -> bytes:
        if key.startswith(STAGING):
            asked.append(limit)
        return real(key, limit, tag)

    backend.read = counted
    return asked


def with_long_header(data: bytes, total: int) -> bytes:
    """A JPEG whose header (comment segments before the first scan) runs past `total` bytes."""
    segment, notes = 65_000, []
    for n in range(total // segment + 1):
        note = bytes([65 + n % 26]) * segment
        notes.append(b"\xff\xfe" + struct.pack(">H", len(note) + 2) + note)
    return data[:2] + b"".join(notes) + data[2:]


def test_complete_reads_the_header_and_the_storage_hashes_the_photo(
    app, world, client, bucket, camera, reads
):
    shot = camera["iphone.jpg"].data
    assert len(shot) > 10 * HEADER_BYTES  # a phone photo, 3-9 MB
    audit_id = draft(world)
    answer = presigned(world, client, audit_id, shot)
    assert answer.status_code == 202, answer.get_json()
    photo = answer.get_json()
    assert photo["status"] == "processing" and photo["size"] == len(shot)
    assert photo["sha256"] == hashlib.sha256(shot).hexdigest()  # computed by the storage
    assert reads == [HEADER_BYTES]  # the request read 256 KiB of the 3-9 MB
    if bucket.root is not None:  # no empty staging folder is left behind
        assert not any(p.name == photo["id"] for p in (bucket.root / STAGING).rglob("*"))
    drain(app)
    ready = status_of(world, audit_id, photo["id"])
    assert ready["status"] == "ready" and ready["sha256"] == photo["sha256"]
    assert (ready["width"], ready["height"]) == (3024, 4032)  # upright from its EXIF


def test_a_header_longer_than_the_read_is_checked_on_the_whole_file(
    app, world, client, camera, reads
):
    data = with_long_header(camera["iphone.jpg"].data, 2 * HEADER_BYTES)
    audit_id = draft(world)
    answer = presigned(world, client, audit_id, data)
    assert answer.status_code == 202, answer.get_json()
    assert answer.get_json()["sha256"] == hashlib.sha256(data).hexdigest()
    assert reads == [HEADER_BYTES, len(data)]
    drain(app)
    assert status_of(world, audit_id, answer.get_json()["id"])["status"] == "ready"


def test_a_large_file_that_is_no_photo_is_refused_at_complete(world, client, bucket):
    audit_id = draft(world)
    noise = bytes(range(256)) * (2 * HEADER_BYTES // 256)
    refused = presigned(world, client, audit_id, noise)
    assert refused.status_code == 422, refused.get_json()
    assert "not a JPEG, PNG, WebP or HEIC" in refused.get_json()["errors"]["file"][0]
    assert bucket.stored() == set()  # the staged file went with the refusal
    assert world.manager_north.get(f"{AUDITS}/{audit_id}/photos").get_json() == []


def test_too_many_pixels_are_refused_from_the_header(world, client, bucket):
    out = io.BytesIO()
    Image.new("L", (9000, 6000), 200).save(out, "JPEG", quality=100, comment=b"x" * 60_000)
    big = with_long_header(out.getvalue(), HEADER_BYTES)  # read whole, and still refused
    refused = presigned(world, client, draft(world), big)
    assert refused.status_code == 422, refused.get_json()
    assert "at most 50000000 pixels" in refused.get_json()["errors"]["file"][0]
    assert bucket.stored() == set()


@pytest.mark.parametrize(
    "case",
    [
        ("a JPEG with 8000 repeated scans", "scans; at most 100"),
        ("a phone photo cut short", "damaged or truncated"),
    ],
)
def test_what_the_header_cannot_show_is_rejected_by_the_task(
    app, world, client, bucket, camera, case
):
    name, why = case
    if name.startswith("a JPEG"):
        data = scan_bomb(repeats=8000)
    else:
        data = camera["iphone.jpg"].data[: len(camera["iphone.jpg"].data) // 2]
    assert len(data) > HEADER_BYTES
    audit_id = draft(world)
    answer = presigned(world, client, audit_id, data)
    assert answer.status_code == 202, answer.get_json()  # the header passes
    drain(app)
    photo = status_of(world, audit_id, answer.get_json()["id"])
    assert photo["status"] == "rejected", photo
    assert photo["rejection"]["reason"] == "photo_unreadable"
    assert why in photo["rejection"]["errors"]["file"][0]
    assert photo["sha256"] == hashlib.sha256(data).hexdigest()
