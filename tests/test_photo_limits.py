"""Cheap checks before any decode, no decode in the request at all, and a bounded number of
decodes at once per process (in the background task)."""

from __future__ import annotations

import io
import threading
import time

import pytest
from PIL import Image

from audit_api.photos import processing
from audit_api.tasks import drain, sweep
from tests.support.photo_helpers import jpeg, upload
from tests.support.webhook_helpers import due_now
from tests.test_photos import AUDITS, draft


def big_flat_png() -> bytes:
    """7071x7071 (50 MP, just under the pixel cap) in about 200 KB: costly only to decode."""
    out = io.BytesIO()
    Image.new("RGB", (7071, 7071), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def decodes(monkeypatch):
    """Every decode the service starts, with how many ran at the same time at most."""
    seen = {"count": 0, "now": 0, "most": 0}
    lock, decode = threading.Lock(), processing.process

    def counting(data, max_pixels):
        with lock:
            seen["count"] += 1
            seen["now"] += 1
            seen["most"] = max(seen["most"], seen["now"])
        try:
            time.sleep(0.05)  # long enough for uploads in other threads to overlap
            return decode(data, max_pixels)
        finally:
            with lock:
                seen["now"] -= 1

    monkeypatch.setattr(processing, "process", counting)
    return seen


@pytest.mark.app_config(PHOTO_MAX_PER_AUDIT=1, PHOTO_WAIT=0)
def test_refusals_that_need_no_pixels_come_before_any_decode(app, world, decodes):
    png = big_flat_png()
    assert len(png) < 400_000
    audit_id = draft(world)
    accepted = upload(world.manager_north, audit_id, png, content_type="image/png")
    assert accepted.status_code == 202 and accepted.get_json()["status"] == "processing"
    drain(app)
    assert decodes["count"] == 1  # in the background, not in the request
    started = time.perf_counter()
    full = upload(world.manager_north, audit_id, jpeg(), content_type="image/png")
    assert full.status_code == 409 and "photo_id" in full.get_json()["errors"]
    assert time.perf_counter() - started < 1.0
    other = upload(world.auditor, audit_id, png, content_type="image/png")  # not theirs
    assert other.status_code == 404
    item = upload(world.manager_north, audit_id, png, content_type="image/png", item="nope")
    assert item.status_code == 422 and "item" in item.get_json()["errors"]
    assert decodes["count"] == 1  # none of the refusals decoded a pixel


def upload_in_parallel(world, audits: list[str]) -> list[int]:
    """One upload per audit, all at once, each from its own thread."""
    answers: list[int] = []

    def send(n: int) -> None:
        data = jpeg(seed=n, size=(1600, 1200))
        answers.append(upload(world.manager_north, audits[n], data).status_code)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(len(audits))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.mark.app_config(PHOTO_DECODE_CONCURRENCY=1)
def test_parallel_uploads_decode_one_at_a_time(app, world, decodes):
    audits = [draft(world) for _ in range(4)]  # four audits: no row lock orders them
    assert upload_in_parallel(world, audits) == [201] * 4
    assert decodes["count"] == 4 and decodes["most"] == 1


@pytest.mark.app_config(PHOTO_DECODE_CONCURRENCY=2)
def test_decoding_holds_no_database_lock(app, world, monkeypatch):
    """Two uploads decode at the same moment: neither waits for the other's transaction
    (SQLite's write lock, an audit's row lock) while it decodes."""
    both = threading.Barrier(2, timeout=10)
    decode = processing.process

    def meeting(data, max_pixels):
        both.wait()  # breaks (and the task fails) unless the other decode runs meanwhile
        return decode(data, max_pixels)

    monkeypatch.setattr(processing, "process", meeting)
    audits = [draft(world) for _ in range(2)]
    assert upload_in_parallel(world, audits) == [201, 201]


@pytest.mark.app_config(PHOTO_DECODE_CONCURRENCY=1, PHOTO_DECODE_WAIT=1, PHOTO_WAIT=0)
def test_an_upload_never_waits_for_a_decode_slot(app, world, bucket):
    """Every slot busy: the upload answers 202 at once; its task, finding no slot, is
    retried later, and the photo becomes ready then."""
    audit_id = draft(world)
    slots = app.extensions["audit_decode_slots"]
    assert slots.acquire(timeout=1)  # another photo is decoding
    try:
        # Held slot, and yet a 202: an upload that decoded would have waited for the slot
        # PHOTO_DECODE_WAIT and answered 503 photos_busy (no clock read: a busy machine is slow).
        busy = upload(world.manager_north, audit_id, jpeg())
        assert busy.status_code == 202, busy.get_json()
        drain(app)  # the task waited a second for a slot, then failed: retried later
    finally:
        slots.release()
    url = f"{AUDITS}/{audit_id}/photos/{busy.get_json()['id']}"
    assert world.manager_north.get(url).get_json()["status"] == "processing"
    due_now(app)
    with app.app_context():
        assert sweep() == 1
    drain(app)
    assert world.manager_north.get(url).get_json()["status"] == "ready"
    assert len(bucket.stored()) == 3
