"""Bad photos, limits, storage failures and scope: each a clear 4xx/503 and nothing stored."""

from __future__ import annotations

import io
import struct
import uuid
import zlib

import pytest

from tests.support.audit_helpers import new_id, visit_body
from tests.support.photo_helpers import jpeg, scan_bomb, upload
from tests.test_photos import AUDITS, draft, post_form


def bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header declares an enormous image (10 gigapixels)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def assert_nothing_stored(world, audit_id, bucket) -> None:
    assert world.manager_north.get(f"{AUDITS}/{audit_id}/photos").get_json() == []
    assert bucket.stored() == set()


# Refused while the phone waits (the header is enough); a file whose damage only decoding
# finds (a truncated JPEG) is accepted and then rejected: tests/test_photo_processing.py.
BAD_FILES = {
    "not an image": (bytes(range(256)) * 40, "image/jpeg", "not a JPEG, PNG, WebP or HEIC image"),
    "text named .jpg": (b"GPS 0,0 - trust me\n" * 50, "image/jpeg", "not a JPEG, PNG, WebP"),
    "decompression bomb": (bomb_png(), "image/png", "at most 50000000 pixels"),
    "an SVG": (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/png", "not a JPEG"),
    "a JPEG with 500 repeated scans": (scan_bomb(), "image/jpeg", "scans; at most 100"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_files_are_refused_with_422_naming_the_file(world, bucket, case):
    data, content_type, reason = BAD_FILES[case]
    audit_id = draft(world)
    response = upload(world.manager_north, audit_id, data, content_type=content_type)
    assert response.status_code == 422, response.get_json()
    assert reason in response.get_json()["errors"]["file"][0]
    assert_nothing_stored(world, audit_id, bucket)


def test_wrong_content_type_and_empty_files_are_refused(world, bucket):
    audit_id = draft(world)
    text = upload(world.manager_north, audit_id, jpeg(), content_type="text/plain")
    assert text.status_code == 415 and "text/plain" in text.get_json()["errors"]["file"][0]
    empty = upload(world.manager_north, audit_id, b"")
    assert empty.status_code == 422 and "file" in empty.get_json()["errors"]
    missing = world.manager_north.post(
        f"{AUDITS}/{audit_id}/photos", data={"photo_id": str(uuid.uuid4())}
    )
    assert missing.status_code == 422 and "file" in missing.get_json()["errors"]
    no_id = world.manager_north.post(
        f"{AUDITS}/{audit_id}/photos", data={"file": (io.BytesIO(jpeg()), "a.jpg", "image/jpeg")}
    )
    assert no_id.status_code == 422 and "photo_id" in no_id.get_json()["errors"]
    unknown_item = upload(world.manager_north, audit_id, jpeg(), item="no_such_item")
    assert unknown_item.status_code == 422 and "item" in unknown_item.get_json()["errors"]
    assert_nothing_stored(world, audit_id, bucket)


@pytest.mark.app_config(PHOTO_MAX_BYTES=20_000)
def test_files_over_the_byte_limit_are_refused(world, client, bucket):
    audit_id = draft(world)
    big = jpeg(size=(1600, 1200))
    assert len(big) > 20_000
    response = upload(world.manager_north, audit_id, big)
    assert response.status_code == 413 and "file" in response.get_json()["errors"]
    body = {"photo_id": str(uuid.uuid4()), "content_type": "image/jpeg", "size": len(big)}
    declared = world.manager_north.post(f"{AUDITS}/{audit_id}/photos/uploads", json=body)
    assert declared.status_code == 422 and "size" in declared.get_json()["errors"]
    # A phone that declares a small size but sends more is stopped by storage or at complete.
    body["size"] = 1000
    form = world.manager_north.post(f"{AUDITS}/{audit_id}/photos/uploads", json=body).get_json()
    status = post_form(client, form, big)
    done = world.manager_north.post(f"{AUDITS}/{audit_id}/photos/{body['photo_id']}/complete")
    if status == 204:  # moto, unlike AWS, does not enforce content-length-range
        assert done.status_code == 413 and "file" in done.get_json()["errors"]
    else:
        assert status in (400, 413) and done.status_code == 409
    assert bucket.stored() == set()


def test_presigned_uploads_check_the_stored_object(world, client, bucket):
    audit_id = draft(world)
    photo_id = str(uuid.uuid4())
    url = f"{AUDITS}/{audit_id}/photos"
    bad_type = {"photo_id": photo_id, "content_type": "application/pdf", "size": 10}
    response = world.manager_north.post(f"{url}/uploads", json=bad_type)
    assert response.status_code == 422 and "content_type" in response.get_json()["errors"]

    # complete without an upload: nothing to accept.
    body = {"photo_id": photo_id, "content_type": "image/jpeg", "size": 3000}
    form = world.manager_north.post(f"{url}/uploads", json=body).get_json()
    early = world.manager_north.post(f"{url}/{photo_id}/complete")
    assert early.status_code == 409 and "file" in early.get_json()["errors"]
    assert world.manager_north.post(f"{url}/{uuid.uuid4()}/complete").status_code == 404

    # A text file uploaded as image/jpeg is refused at complete, and deleted.
    assert post_form(client, form, b"not a photo at all\n" * 100) == 204
    refused = world.manager_north.post(f"{url}/{photo_id}/complete")
    assert refused.status_code == 422 and "file" in refused.get_json()["errors"]
    assert_nothing_stored(world, audit_id, bucket)


def test_local_upload_forms_are_signed(world, client):
    audit_id = draft(world)
    body = {"photo_id": str(uuid.uuid4()), "content_type": "image/jpeg", "size": 3000}
    form = world.manager_north.post(f"{AUDITS}/{audit_id}/photos/uploads", json=body).get_json()
    path = "/api/v1/storage/uploads"
    for field, value in (("policy", "forged"), ("key", "1/other/key/original")):
        fields = {**form["fields"], field: value, "file": (io.BytesIO(jpeg()), "a.jpg")}
        response = client.post(path, data=fields)
        assert response.status_code == 403 and field in response.get_json()["errors"]
    fields = {**form["fields"], "Content-Type": "image/png", "file": (io.BytesIO(jpeg()), "a")}
    assert client.post(path, data=fields).status_code == 403


def test_photos_of_audits_out_of_reach_are_not_found(world, bucket):
    audit_id = draft(world)
    other_org = world.hq_b.put(
        f"{AUDITS}/{new_id()}", json={**visit_body(world), "location_id": world.ids["b1"]}
    )
    assert other_org.status_code == 201
    b_audit = other_org.get_json()["id"]
    assert upload(world.manager_north, b_audit, jpeg()).status_code == 404
    assert upload(world.hq, b_audit, jpeg()).status_code == 404
    assert upload(world.manager_s1, audit_id, jpeg()).status_code == 404  # out of scope
    assert upload(world.hq, audit_id, jpeg()).status_code == 403  # not the auditor
    photo = upload(world.manager_north, audit_id, jpeg()).get_json()
    content = f"/api/v1/photos/{photo['id']}/content"
    assert world.hq_b.get(content).status_code == 404
    assert world.manager_s1.get(content).status_code == 404
    assert world.auditor.get(content).status_code == 404
    assert world.hq.get(f"{content}?variant=poster").status_code == 422
    # Another org reusing the same photo id cannot take it over.
    taken = upload(world.hq_b, b_audit, jpeg(), photo_id=photo["id"])
    assert taken.status_code == 409


@pytest.mark.app_config(STORAGE_BACKEND="local", STORAGE_DIR="/dev/null/photos")
def test_a_failing_local_storage_answers_503_and_keeps_no_row(world):
    audit_id = draft(world)
    response = upload(world.manager_north, audit_id, jpeg())
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert world.manager_north.get(f"{AUDITS}/{audit_id}/photos").get_json() == []


@pytest.mark.parametrize("bucket", ["s3"], indirect=True)
def test_a_failing_s3_answers_503_and_keeps_no_row(world, bucket, app):
    bucket.client.delete_bucket(Bucket=bucket.settings["S3_BUCKET"])  # storage gone
    audit_id = draft(world)
    response = upload(world.manager_north, audit_id, jpeg())
    assert response.status_code == 503, response.get_json()
    assert world.manager_north.get(f"{AUDITS}/{audit_id}/photos").get_json() == []
    assert app.test_client().get("/readyz").status_code == 503


@pytest.mark.app_config(PHOTO_MAX_PER_AUDIT=2)
def test_an_audit_takes_a_bounded_number_of_photos(world):
    audit_id = draft(world)
    assert upload(world.manager_north, audit_id, jpeg(seed=1)).status_code == 201
    body = {"photo_id": str(uuid.uuid4()), "content_type": "image/jpeg", "size": 100}
    pending = world.manager_north.post(f"{AUDITS}/{audit_id}/photos/uploads", json=body)
    assert pending.status_code == 201  # a pending upload holds a place too
    third = upload(world.manager_north, audit_id, jpeg(seed=3))
    assert third.status_code == 409 and "photo_id" in third.get_json()["errors"]
    assert len(world.manager_north.get(f"{AUDITS}/{audit_id}/photos").get_json()) == 2


def test_a_database_failure_at_commit_leaves_no_objects(world, bucket, monkeypatch):
    """The database goes away after the files are written: they are removed again (503)."""
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    audit_id = draft(world)

    def failing_commit(self):
        raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(Session, "commit", failing_commit)
    response = upload(world.manager_north, audit_id, jpeg())
    monkeypatch.undo()
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert_nothing_stored(world, audit_id, bucket)
