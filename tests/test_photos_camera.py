"""Photos as phones send them (3-9 MB, 12 MP, EXIF; HEIC; screenshots), through both upload
paths, on local storage and on S3 over HTTP: the limit that applies is PHOTO_MAX_BYTES."""

from __future__ import annotations

import hashlib
import io
import uuid

import pytest
from PIL import Image

from tests.support.photo_helpers import upload
from tests.test_photos import AUDITS, draft, fetch, post_form

CAMERA = ["iphone.jpg", "iphone.heic", "screenshot.png"]


def presigned(world, client, audit_id: str, data: bytes, content_type: str):
    """The direct path: ask for a form, POST the file to it, complete."""
    photo_id = str(uuid.uuid4())
    body = {"photo_id": photo_id, "content_type": content_type, "size": len(data)}
    form = world.manager_north.post(f"{AUDITS}/{audit_id}/photos/uploads", json=body)
    assert form.status_code == 201, form.get_json()
    assert post_form(client, form.get_json(), data, content_type) in (200, 201, 204)
    return world.manager_north.post(f"{AUDITS}/{audit_id}/photos/{photo_id}/complete")


def check_served(world, client, photo: dict, original: bytes, size: tuple[int, int]) -> None:
    """The copies are upright and stripped, and the original served is the one recorded."""
    for variant, long_side in (("display", 1600), ("thumb", 320)):
        image = Image.open(
            io.BytesIO(fetch(client, world.manager_north.get(photo["links"][variant])))
        )
        assert image.format == "JPEG" and max(image.size) == long_side
        assert (image.size[0] < image.size[1]) == (size[0] < size[1])
        assert not image.getexif()
    served = fetch(client, world.hq.get(f"/api/v1/photos/{photo['id']}/content?variant=original"))
    assert (
        hashlib.sha256(served).hexdigest()
        == photo["sha256"]
        == hashlib.sha256(original).hexdigest()
    )


@pytest.mark.parametrize("path", ["multipart", "presigned"])
@pytest.mark.parametrize("name", CAMERA)
def test_phone_photos_are_accepted_on_both_paths(world, client, bucket, camera, name, path):
    shot = camera[name]
    assert len(shot.data) > 1024 * 1024  # over the 1 MiB cap of other bodies
    audit_id = draft(world)
    if path == "multipart":
        response = upload(
            world.manager_north,
            audit_id,
            shot.data,
            content_type=shot.content_type,
            filename=name.upper(),
        )
    else:
        response = presigned(world, client, audit_id, shot.data, shot.content_type)
    assert response.status_code in (200, 201), response.get_json()
    photo = response.get_json()
    assert photo["status"] == "ready" and photo["content_type"] == shot.content_type
    assert (photo["width"], photo["height"]) == shot.size
    assert photo["size"] == len(shot.data)
    if shot.taken:
        assert photo["taken_at"] == "2026-11-22T15:05:30Z"  # 12:05:30 at -03:00
        assert (photo["latitude"], photo["longitude"]) == pytest.approx(shot.gps, abs=1e-5)
    check_served(world, client, photo, shot.data, shot.size)


def test_a_part_declared_as_octet_stream_is_judged_by_its_bytes(world, client, bucket, camera):
    shot = camera["iphone.jpg"]
    audit_id = draft(world)
    response = upload(
        world.manager_north,
        audit_id,
        shot.data,
        content_type="application/octet-stream",
        filename="upload.bin",
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["content_type"] == "image/jpeg"
    fake = upload(
        world.manager_north, audit_id, b"%PDF-1.7\n" * 200, content_type="application/octet-stream"
    )
    assert fake.status_code == 422 and "file" in fake.get_json()["errors"]


@pytest.mark.app_config(PHOTO_MAX_BYTES=5 * 1024 * 1024)
def test_the_photo_limit_is_the_one_that_applies(world, client, bucket, camera):
    """A 5.5 MB photo over a 5 MiB photo limit: 413 naming the file on both paths, nothing
    kept; the 1.1 MB screenshot passes (it is over the 1 MiB limit of other bodies)."""
    big, small = camera["iphone.jpg"], camera["screenshot.png"]
    audit_id = draft(world)
    refused = upload(world.manager_north, audit_id, big.data)
    assert refused.status_code == 413, refused.get_json()
    assert "5242880" in refused.get_json()["errors"]["file"][0]
    body = {"photo_id": str(uuid.uuid4()), "content_type": "image/jpeg", "size": len(big.data)}
    too_big = world.manager_north.post(f"{AUDITS}/{audit_id}/photos/uploads", json=body)
    assert too_big.status_code == 422 and "size" in too_big.get_json()["errors"]
    accepted = upload(world.manager_north, audit_id, small.data, content_type="image/png")
    assert accepted.status_code == 201, accepted.get_json()
    assert len(world.manager_north.get(f"{AUDITS}/{audit_id}/photos").get_json()) == 1
