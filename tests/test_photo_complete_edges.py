"""`complete` at and around HEADER_BYTES, tiny uploads, formats whose header does not parse
from a prefix, a scan bomb sent direct, and a file replaced after the header check (local
storage and S3 over HTTP)."""

from __future__ import annotations

import hashlib
import io
import os
import uuid

import pytest
from PIL import Image

from audit_api.evidence.images import HEADER_BYTES
from audit_api.tasks import drain
from tests.test_photo_complete import reads  # noqa: F401  (fixture)
from tests.test_photo_processing import presigned, status_of
from tests.test_photos import AUDITS, draft, post_form

pytestmark = pytest.mark.app_config(PHOTO_WAIT=0)


def noisy(fmt: str, size=(1200, 900), **options) -> bytes:
    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, fmt, **options)
    return out.getvalue()


def padded(total: int) -> bytes:
    """A real JPEG of exactly `total` bytes (trailing bytes after EOI, which readers ignore)."""
    data = noisy("JPEG", (300, 200), quality=90)
    assert len(data) < total
    return data + b"\0" * (total - len(data))


@pytest.mark.parametrize("delta", [-1, 0, 1])
def test_around_header_bytes(app, world, client, reads, delta):  # noqa: F811
    data = padded(HEADER_BYTES + delta)
    audit_id = draft(world)
    answer = presigned(world, client, audit_id, data)
    assert answer.status_code == 202, answer.get_json()
    assert answer.get_json()["sha256"] == hashlib.sha256(data).hexdigest()
    assert reads == [min(len(data), HEADER_BYTES)]
    drain(app)
    assert status_of(world, audit_id, answer.get_json()["id"])["status"] == "ready"


@pytest.mark.parametrize("data", [b"\xff", b"\xff\xd8", b""], ids=["1B", "2B", "0B"])
def test_tiny_uploads_are_refused_not_failed(world, client, bucket, data):
    audit_id = draft(world)
    body = {"photo_id": str(uuid.uuid4()), "content_type": "image/jpeg", "size": 100}
    form = world.manager_north.post(f"{AUDITS}/{audit_id}/photos/uploads", json=body).get_json()
    if post_form(client, form, data) != 204:
        pytest.skip("the storage refused the POST itself")
    answer = world.manager_north.post(f"{AUDITS}/{audit_id}/photos/{body['photo_id']}/complete")
    assert answer.status_code == 422, (answer.status_code, answer.get_json())
    assert bucket.stored() == set()


@pytest.mark.parametrize("fmt", ["WEBP", "PNG-text"])
def test_headers_pillow_cannot_read_from_a_prefix_are_decided_whole(
    app,
    world,
    client,
    reads,  # noqa: F811
    fmt,
):
    """Pillow opens a WebP only whole, and a PNG only up to its first image data: past 256 KiB
    they are read a second time, whole, and accepted (read twice: a cost, not a refusal)."""
    if fmt == "WEBP":
        data = noisy("WEBP", quality=95)
    else:
        from PIL import PngImagePlugin

        info = PngImagePlugin.PngInfo()
        info.add_text("XML:com.adobe.xmp", "x" * 300_000)  # a large XMP packet, as editors write
        data = noisy("PNG", pnginfo=info)
    assert len(data) > HEADER_BYTES
    audit_id = draft(world)
    answer = presigned(world, client, audit_id, data)
    assert answer.status_code == 202, answer.get_json()
    assert reads == [HEADER_BYTES, len(data)], f"{fmt}: read {reads} of {len(data)} bytes"
    drain(app)
    assert status_of(world, audit_id, answer.get_json()["id"])["status"] == "ready"


def test_a_scan_bomb_sent_direct_is_evidence_until_the_task_runs(app, world, client, bucket):
    """Through the API a scan bomb is a 422; sent direct it is `processing`, counts for the
    item at submit (EVIDENCE includes PROCESSING), and its original is served to HQ."""
    from tests.support.audit_helpers import visit_body
    from tests.support.photo_helpers import scan_bomb, upload
    from tests.test_photo_processing import content

    bomb = scan_bomb(repeats=8000)
    assert len(bomb) > HEADER_BYTES
    caller, audit_id = world.manager_north, draft(world)
    assert upload(caller, audit_id, bomb, item="entrance_photo").status_code == 422
    body = {"photo_id": str(uuid.uuid4()), "content_type": "image/jpeg", "size": len(bomb)}
    body["item"] = "entrance_photo"
    form = caller.post(f"{AUDITS}/{audit_id}/photos/uploads", json=body).get_json()
    assert post_form(client, form, bomb) == 204
    done = caller.post(f"{AUDITS}/{audit_id}/photos/{body['photo_id']}/complete")
    assert done.status_code == 202, done.get_json()
    submitted = caller.post(f"{AUDITS}/{audit_id}/submit", json=visit_body(world))
    assert submitted.status_code == 200, submitted.get_json()
    original = content(world.hq, body["photo_id"], "original")
    assert original.status_code in (200, 302, 307), original.status_code
    drain(app)
    shown = caller.get(f"{AUDITS}/{audit_id}").get_json()
    assert shown["status"] == "submitted"
    assert [p["status"] for p in shown["photos"]] == ["rejected"]


def test_a_file_replaced_after_the_header_check_is_not_copied(app, world, client, bucket, camera):
    """The form is POSTed again (other bytes) right after complete read the header."""
    from audit_api.evidence.models import STAGING

    first, second = camera["iphone.jpg"].data, noisy("JPEG", (2000, 1500), quality=95)
    assert len(first) > HEADER_BYTES and len(second) > HEADER_BYTES
    caller, audit_id = world.manager_north, draft(world)
    body = {"photo_id": str(uuid.uuid4()), "content_type": "image/jpeg", "size": len(first)}
    form = caller.post(f"{AUDITS}/{audit_id}/photos/uploads", json=body).get_json()
    assert post_form(client, form, first) == 204
    backend, real, replaced = app.extensions["audit_storage"], None, []
    real = backend.read

    def read_then_replace(key, limit, tag=None):
        data = real(key, limit, tag)
        if key.startswith(STAGING) and not replaced:
            replaced.append(post_form(client, form, second))
        return data

    backend.read = read_then_replace
    url = f"{AUDITS}/{audit_id}/photos/{body['photo_id']}/complete"
    answer = caller.post(url)
    if bucket.root is not None:  # local forms are single-use: the second POST is refused
        assert replaced[0] != 204 and answer.status_code == 202
        assert answer.get_json()["sha256"] == hashlib.sha256(first).hexdigest()
        return
    assert replaced == [204]
    # moto ignores CopySourceIfMatch, so the copy is of the second file: refused all the same
    assert answer.status_code == 409, answer.get_json()
    assert not any(k.endswith("/original") for k in bucket.stored())
    again = caller.post(url)
    assert again.status_code == 202, again.get_json()
    assert again.get_json()["sha256"] == hashlib.sha256(second).hexdigest()
    assert again.get_json()["size"] == len(second)
