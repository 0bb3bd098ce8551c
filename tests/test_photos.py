"""Photo uploads on both storage backends: through the API, presigned, served, deleted."""

from __future__ import annotations

import hashlib
import io
import uuid
from datetime import datetime
from urllib.parse import urlsplit

import requests
from PIL import Image

from tests.support.audit_helpers import new_id, visit_body
from tests.support.photo_helpers import encode, exif_for, jpeg, picture, upload

AUDITS = "/api/v1/audits"
SANTIAGO = (-33.4201, -70.6101)
TAKEN = {"taken": datetime(2026, 11, 22, 12, 5), "gps": SANTIAGO}


def draft(world, caller=None) -> str:
    """A first-five-seconds draft of n1 by manager_north; returns its id."""
    audit_id = new_id()
    response = (caller or world.manager_north).put(f"{AUDITS}/{audit_id}", json=visit_body(world))
    assert response.status_code == 201, response.get_json()
    return audit_id


def fetch(client, response) -> bytes:
    """The bytes behind a content response: served by the API, or a 307 to storage."""
    if response.status_code == 307:
        assert response.headers["Cache-Control"] == "no-store"
        downloaded = requests.get(response.headers["Location"], timeout=10)
        assert downloaded.status_code == 200
        return downloaded.content
    assert response.status_code == 200, response.get_json()
    assert "private" in response.headers["Cache-Control"]
    return response.get_data()


def post_form(client, form: dict, data: bytes, content_type: str = "image/jpeg"):
    """POST a presigned form as a phone would: over real HTTP to S3, or to the API itself."""
    if form["url"].startswith("http://localhost/"):
        fields = {**form["fields"], "file": (io.BytesIO(data), "p.jpg", content_type)}
        return client.post(urlsplit(form["url"]).path, data=fields).status_code
    files = {"file": ("p.jpg", data, content_type)}
    return requests.post(form["url"], data=form["fields"], files=files, timeout=10).status_code


def test_multipart_upload_reads_facts_and_strips_the_copies(world, client, bucket):
    audit_id = draft(world)
    original = encode(picture((2400, 1800)), exif=exif_for(orientation=6, **TAKEN))
    response = upload(world.manager_north, audit_id, original, item="entrance_photo")
    assert response.status_code == 201, response.get_json()
    photo = response.get_json()
    assert photo["status"] == "ready" and photo["item"] == "entrance_photo"
    assert (photo["width"], photo["height"]) == (1800, 2400)  # turned by its orientation
    assert photo["sha256"] == hashlib.sha256(original).hexdigest()
    assert len(photo["phash"]) == 16 and photo["signals"] == []
    assert photo["taken_at"] == "2026-11-22T15:05:00Z"  # 12:05 in Santiago
    assert photo["latitude"] == SANTIAGO[0] and photo["longitude"] == SANTIAGO[1]
    keys = {k.rsplit("/", 1)[1] for k in bucket.stored() if photo["id"] in k}
    assert keys == {"original", "display", "thumb"}

    for variant, long_side in (("display", 1600), ("thumb", 320)):
        got = fetch(client, world.manager_north.get(photo["links"][variant]))
        image = Image.open(io.BytesIO(got))
        assert image.format == "JPEG" and max(image.size) == long_side
        assert image.size[0] < image.size[1]  # portrait, as the camera was held
        assert not image.getexif() and "icc_profile" not in image.info
    content = f"/api/v1/photos/{photo['id']}/content?variant=original"
    assert world.manager_north.get(content).status_code == 403  # originals are HQ's
    assert fetch(client, world.hq.get(content)) == original


def test_a_retried_upload_is_harmless_and_other_bytes_are_refused(world, bucket):
    audit_id, photo_id = draft(world), str(uuid.uuid4())
    first = upload(world.manager_north, audit_id, jpeg(), photo_id=photo_id)
    again = upload(world.manager_north, audit_id, jpeg(), photo_id=photo_id)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    other = upload(world.manager_north, audit_id, jpeg(seed=2), photo_id=photo_id)
    assert other.status_code == 409 and "file" in other.get_json()["errors"]
    listed = world.manager_north.get(f"{AUDITS}/{audit_id}/photos").get_json()
    assert [p["id"] for p in listed] == [photo_id]
    assert len(bucket.stored()) == 3


def test_presigned_upload_then_complete(world, client, bucket):
    audit_id, photo_id = draft(world), str(uuid.uuid4())
    data = jpeg(**TAKEN)
    body = {"photo_id": photo_id, "content_type": "image/jpeg", "size": len(data)}
    started = world.manager_north.post(f"{AUDITS}/{audit_id}/photos/uploads", json=body)
    assert started.status_code == 201, started.get_json()
    form = started.get_json()
    assert form["photo_id"] == photo_id and form["fields"]["Content-Type"] == "image/jpeg"
    pending = world.manager_north.get(f"{AUDITS}/{audit_id}/photos/{photo_id}").get_json()
    assert pending["status"] == "pending" and pending["links"] == {}

    assert post_form(client, form, data) == 204
    done = world.manager_north.post(f"{AUDITS}/{audit_id}/photos/{photo_id}/complete")
    assert done.status_code == 201, done.get_json()
    photo = done.get_json()
    assert photo["status"] == "ready" and photo["sha256"] == hashlib.sha256(data).hexdigest()
    assert photo["size"] == len(data) and photo["signals"] == []
    again = world.manager_north.post(f"{AUDITS}/{audit_id}/photos/{photo_id}/complete")
    assert again.status_code == 200 and again.get_json() == photo
    image = Image.open(io.BytesIO(fetch(client, world.manager_north.get(photo["links"]["thumb"]))))
    assert max(image.size) == 320
    assert any(k.endswith(f"{photo_id}/original") for k in bucket.stored())
    # Another upload form for a finished photo is refused.
    assert (
        world.manager_north.post(f"{AUDITS}/{audit_id}/photos/uploads", json=body).status_code
        == 409
    )


def test_a_heic_photo_is_accepted_and_converted(world, client, bucket):
    audit_id = draft(world)
    heic = encode(picture((800, 600), seed=4), "HEIF")
    response = upload(
        world.manager_north, audit_id, heic, content_type="image/heic", filename="IMG_0001.HEIC"
    )
    assert response.status_code == 201, response.get_json()
    photo = response.get_json()
    assert photo["content_type"] == "image/heic" and (photo["width"], photo["height"]) == (800, 600)
    shown = fetch(client, world.manager_north.get(photo["links"]["display"]))
    display = Image.open(io.BytesIO(shown))
    assert display.format == "JPEG" and display.size == (800, 600)


def test_deleting_a_draft_photo_removes_its_files(world, bucket):
    audit_id = draft(world)
    photo = upload(world.manager_north, audit_id, jpeg()).get_json()
    url = f"{AUDITS}/{audit_id}/photos/{photo['id']}"
    assert world.auditor.delete(url).status_code == 404  # not the auditor's audit
    assert world.manager_north.delete(url).status_code == 204
    assert bucket.stored() == set()
    assert world.manager_north.get(url).status_code == 404
    assert world.manager_north.delete(url).status_code == 404
    events = world.manager_north.get(f"{AUDITS}/{audit_id}/events").get_json()
    assert [e["action"] for e in events][-2:] == ["photo_added", "photo_removed"]


def test_a_submitted_audit_keeps_its_photos(world, bucket):
    audit_id = draft(world)
    photo = upload(world.manager_north, audit_id, jpeg(**TAKEN), item="entrance_photo").get_json()
    assert world.manager_north.post(f"{AUDITS}/{audit_id}/submit").status_code == 200
    url = f"{AUDITS}/{audit_id}/photos/{photo['id']}"
    assert world.manager_north.delete(url).status_code == 409
    late = upload(world.manager_north, audit_id, jpeg(seed=3))
    assert late.status_code == 409
    audit = world.manager_north.get(f"{AUDITS}/{audit_id}").get_json()
    assert [p["id"] for p in audit["photos"]] == [photo["id"]]
    assert len(bucket.stored()) == 3


def test_prune_forgets_uploads_never_completed(app, world, client, bucket):
    from datetime import timedelta

    from audit_api.db import db, utcnow
    from audit_api.evidence.models import Photo

    audit_id = draft(world)
    ready = upload(world.manager_north, audit_id, jpeg()).get_json()
    data = jpeg(seed=2)
    forms = []
    for _ in range(2):
        body = {"photo_id": str(uuid.uuid4()), "content_type": "image/jpeg", "size": len(data)}
        forms.append(world.manager_north.post(f"{AUDITS}/{audit_id}/photos/uploads", json=body))
    old, recent = (f.get_json() for f in forms)
    assert post_form(client, old, data) == 204  # uploaded, never completed
    with app.app_context():
        db.session.get(Photo, old["photo_id"]).created_at = utcnow() - timedelta(hours=30)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["photos", "prune", "--hours", "24"])
    assert result.exit_code == 0 and "removed 1 pending" in result.output
    listed = world.manager_north.get(f"{AUDITS}/{audit_id}/photos").get_json()
    assert sorted(p["id"] for p in listed) == sorted([ready["id"], recent["photo_id"]])
    assert not any(old["photo_id"] in key for key in bucket.stored())
