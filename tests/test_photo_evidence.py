"""Evidence nobody can swap: upload forms are single-use, staged apart, and what `complete`
checked is exactly what is kept; stray staged files are swept. Both storage backends."""

from __future__ import annotations

import hashlib
import uuid

import pytest

from audit_api.evidence.objects import ObjectChanged
from tests.support.audit_helpers import new_id, visit_body
from tests.support.photo_helpers import jpeg
from tests.test_photos import AUDITS, TAKEN, fetch, post_form


def start(world, audit_id: str, data: bytes, photo_id: str | None = None, **extra) -> dict:
    body = {
        "photo_id": photo_id or str(uuid.uuid4()),
        "content_type": "image/jpeg",
        "size": len(data),
        **extra,
    }
    response = world.manager_north.post(f"{AUDITS}/{audit_id}/photos/uploads", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def complete(world, audit_id: str, photo_id: str):
    return world.manager_north.post(f"{AUDITS}/{audit_id}/photos/{photo_id}/complete")


def original(world, client, photo_id: str) -> bytes:
    return fetch(client, world.hq.get(f"/api/v1/photos/{photo_id}/content?variant=original"))


def replayed(client, bucket, form: dict, data: bytes) -> int:
    """Post a form again: S3 cannot refuse a presigned POST before it expires, the local
    target refuses a form that was used."""
    status = post_form(client, form, data)
    assert status == (409 if bucket.root is not None else 204)
    return status


def staged(bucket) -> set[str]:
    return {key for key in bucket.stored() if key.startswith("uploads/")}


def prune(app) -> str:
    """The daily housekeeping command: its photos line."""
    result = app.test_cli_runner().invoke(args=["prune"])
    assert result.exit_code == 0, result.output
    return next(line for line in result.output.splitlines() if line.startswith("photos:"))


def test_a_used_form_cannot_change_evidence_after_approval(app, world, client, bucket):
    audit_id, first, other = new_id(), jpeg(seed=1, **TAKEN), jpeg(seed=2, **TAKEN)
    assert (
        world.manager_north.put(f"{AUDITS}/{audit_id}", json=visit_body(world)).status_code == 201
    )
    form = start(world, audit_id, first, item="entrance_photo")
    assert post_form(client, form, first) == 204
    done = complete(world, audit_id, form["photo_id"])
    assert done.status_code == 201, done.get_json()
    photo = done.get_json()
    replayed(client, bucket, form, other)  # after complete
    assert world.manager_north.post(f"{AUDITS}/{audit_id}/submit").status_code == 200
    replayed(client, bucket, form, other)  # after submit
    review = world.hq.post(f"{AUDITS}/{audit_id}/review", json={"decision": "approve"})
    assert review.status_code == 200, review.get_json()
    replayed(client, bucket, form, other)  # after approval

    served = original(world, client, photo["id"])
    assert served == first and hashlib.sha256(served).hexdigest() == photo["sha256"]
    again = world.manager_north.get(f"{AUDITS}/{audit_id}/photos/{photo['id']}").get_json()
    assert again["sha256"] == photo["sha256"] and again["size"] == len(first)
    assert "removed 0 pending photos" in prune(app)
    assert staged(bucket) == set()  # what the replays left on S3 is swept
    assert {k.rsplit("/", 1)[1] for k in bucket.stored()} == {"original", "display", "thumb"}
    assert bucket.read(next(k for k in bucket.stored() if k.endswith("/original"))) == first


def test_a_form_used_after_its_photo_was_removed_leaves_nothing(app, world, client, bucket):
    audit_id, data = new_id(), jpeg()
    assert (
        world.manager_north.put(f"{AUDITS}/{audit_id}", json=visit_body(world)).status_code == 201
    )
    form = start(world, audit_id, data)
    url = f"{AUDITS}/{audit_id}/photos/{form['photo_id']}"
    assert world.manager_north.delete(url).status_code == 204
    replayed(client, bucket, form, data)
    swept = prune(app)
    assert ("1 staged files" in swept) if bucket.root is None else ("0 staged files" in swept)
    assert bucket.stored() == set()
    assert complete(world, audit_id, form["photo_id"]).status_code == 404


def test_a_repeated_form_request_leads_to_the_same_staging_key(world, client, bucket):
    """A phone that lost the answer (or asked twice) may use either form: both lead to the
    pending photo's one staging key."""
    audit_id, data = new_id(), jpeg(seed=3)
    assert (
        world.manager_north.put(f"{AUDITS}/{audit_id}", json=visit_body(world)).status_code == 201
    )
    photo_id = str(uuid.uuid4())
    first = start(world, audit_id, data, photo_id)
    again = start(world, audit_id, data, photo_id)
    assert first["fields"]["key"] == again["fields"]["key"]
    nothing = complete(world, audit_id, photo_id)
    assert nothing.status_code == 409 and nothing.get_json()["errors"]["file"] == ["not uploaded"]
    assert post_form(client, first, data) == 204  # the first form still works
    photo = complete(world, audit_id, photo_id).get_json()
    assert photo["sha256"] == hashlib.sha256(data).hexdigest()
    assert original(world, client, photo_id) == data
    replayed(client, bucket, again, jpeg(seed=4))  # and both are dead once complete
    assert original(world, client, photo_id) == data


def test_a_local_form_post_retried_with_the_same_file_is_harmless(world, client):
    audit_id, data = new_id(), jpeg()
    assert (
        world.manager_north.put(f"{AUDITS}/{audit_id}", json=visit_body(world)).status_code == 201
    )
    form = start(world, audit_id, data)
    assert post_form(client, form, data) == 204
    assert post_form(client, form, data) == 204  # the phone lost the first answer
    assert post_form(client, form, jpeg(seed=9)) == 409
    assert complete(world, audit_id, form["photo_id"]).get_json()["sha256"] == (
        hashlib.sha256(data).hexdigest()
    )


def test_a_file_replaced_while_it_is_checked_is_not_accepted(app, world, client, bucket):
    """A form replayed between `complete`'s size check and its read: the check notices that
    the version changed (S3 If-Match, a new inode locally) and accepts nothing."""
    audit_id, first, other = new_id(), jpeg(seed=5), jpeg(seed=6)
    assert (
        world.manager_north.put(f"{AUDITS}/{audit_id}", json=visit_body(world)).status_code == 201
    )
    form = start(world, audit_id, first)
    assert post_form(client, form, first) == 204
    backend = app.extensions["audit_storage"]
    read = backend.read

    def racing_read(key, limit, tag=None):
        backend.put(key, other, "image/jpeg")  # as a replayed form would, on S3
        return read(key, limit, tag)

    backend.read = racing_read
    changed = complete(world, audit_id, form["photo_id"])
    assert changed.status_code == 409, changed.get_json()
    assert changed.get_json()["errors"]["file"] == ["changed during the check"]
    pending = world.manager_north.get(f"{AUDITS}/{audit_id}/photos/{form['photo_id']}")
    assert pending.get_json()["status"] == "pending"
    assert not any(key.endswith(("/display", "/thumb", "/original")) for key in bucket.stored())
    backend.read = read
    photo = complete(world, audit_id, form["photo_id"]).get_json()
    assert photo["sha256"] == hashlib.sha256(other).hexdigest()  # what was checked is kept
    assert original(world, client, form["photo_id"]) == other


def test_a_copy_whose_sha256_differs_from_the_checked_bytes_is_undone(app, bucket):
    """S3 matches versions by ETag, an MD5 that can be made to collide: the copy's SHA-256
    (computed by the storage) must equal the hash of the bytes that were checked."""
    backend, checked, other = app.extensions["audit_storage"], jpeg(seed=7), jpeg(seed=8)
    backend.put("uploads/x/staged", other, "image/jpeg")  # what the storage holds now
    found = backend.stat("uploads/x/staged")  # its tag, as if it had collided with `checked`
    with pytest.raises(ObjectChanged):
        backend.promote(
            "uploads/x/staged",
            "x/original",
            found.tag,
            hashlib.sha256(checked).hexdigest(),
            "image/jpeg",
        )
    assert "x/original" not in bucket.stored()
    backend.promote(
        "uploads/x/staged", "x/original", found.tag, hashlib.sha256(other).hexdigest(), "image/jpeg"
    )
    assert bucket.read("x/original") == other and "uploads/x/staged" not in bucket.stored()
