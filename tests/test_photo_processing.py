"""Photos processed off the request path: 202 `processing`, then `ready` or `rejected` by the
background task; the copies answer 409 + Retry-After meanwhile; the task is safe to repeat."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from audit_api.db import db, utcnow
from audit_api.evidence.models import Photo
from audit_api.photos import processing
from audit_api.photos.processing import LEASE_S, process_photo
from audit_api.tasks import drain, enqueue, run_periodic
from audit_api.tasks.models import Job, JobStatus
from audit_api.tasks.runner import _claim, claim_due, run_job
from tests.support.audit_helpers import visit_body
from tests.support.photo_helpers import jpeg, settled, upload
from tests.test_celery_worker import QUEUE, REDIS, live  # noqa: F401  (its fixture)
from tests.test_photos import AUDITS, TAKEN, draft, fetch, post_form

DEAD = "redis://127.0.0.1:1/0"  # a broker that is down: queued jobs wait in the outbox
pytestmark = pytest.mark.app_config(PHOTO_WAIT=0)


@pytest.fixture
def gate(monkeypatch) -> Iterator[threading.Event]:
    """Background decoding waits until the test opens the gate (then `drain(app)`), so the
    test sees the photo `processing` however fast the task thread is."""
    opened, real = threading.Event(), processing.process

    def gated(data: bytes, max_pixels: int):
        assert opened.wait(30)
        return real(data, max_pixels)

    monkeypatch.setattr(processing, "process", gated)
    yield opened
    opened.set()


def content(caller, photo_id: str, variant: str):
    return caller.get(f"/api/v1/photos/{photo_id}/content?variant={variant}")


def presigned(world, client, audit_id: str, data: bytes):
    """Ask for a form, POST the file, complete: the complete's answer."""
    body = {"photo_id": str(uuid.uuid4()), "content_type": "image/jpeg", "size": len(data)}
    form = world.manager_north.post(f"{AUDITS}/{audit_id}/photos/uploads", json=body).get_json()
    assert post_form(client, form, data) == 204
    return world.manager_north.post(f"{AUDITS}/{audit_id}/photos/{body['photo_id']}/complete")


def status_of(world, audit_id: str, photo_id: str) -> dict:
    return world.manager_north.get(f"{AUDITS}/{audit_id}/photos/{photo_id}").get_json()


@pytest.mark.parametrize("path", ["multipart", "presigned"])
def test_a_photo_is_processing_then_ready(app, world, client, bucket, gate, path):
    audit_id, data = draft(world), jpeg(**TAKEN)
    if path == "multipart":
        answer = upload(world.manager_north, audit_id, data)
    else:
        answer = presigned(world, client, audit_id, data)
    assert answer.status_code == 202, answer.get_json()
    photo = answer.get_json()
    assert photo["status"] == "processing" and photo["links"] == {}
    assert photo["sha256"] and photo["size"] == len(data) and photo["width"] is None
    assert photo["rejection"] is None and photo["processed_at"] is None
    assert not any(k.endswith(("/display", "/thumb")) for k in bucket.stored())

    for variant in ("display", "thumb"):
        early = content(world.manager_north, photo["id"], variant)
        assert early.status_code == 409, early.get_json()
        assert early.get_json()["reason"] == "photo_processing"
        assert early.headers["Retry-After"] == "3"
    assert fetch(client, content(world.hq, photo["id"], "original")) == data  # the bytes exist
    # The same upload again (a lost answer): 200 with the photo as it is.
    if path == "multipart":
        again = upload(world.manager_north, audit_id, data, photo_id=photo["id"])
        assert again.status_code == 200 and again.get_json()["status"] == "processing"

    gate.set()
    drain(app)
    ready = status_of(world, audit_id, photo["id"])
    assert ready["status"] == "ready" and ready["processed_at"] is not None
    assert (ready["width"], ready["height"]) == (640, 480) and ready["signals"] == []
    assert ready["taken_at"] == "2026-11-22T15:05:00Z"
    assert set(ready["links"]) == {"display", "thumb"}
    assert fetch(client, world.manager_north.get(ready["links"]["thumb"]))
    assert {k.rsplit("/", 1)[1] for k in bucket.stored()} == {"original", "display", "thumb"}


def test_an_undecodable_photo_is_rejected_with_a_reason_the_audit_shows(app, world, client):
    audit_id = draft(world)
    truncated = jpeg(size=(1200, 900))[:6000]  # the header reads fine; decoding fails
    answer = upload(world.manager_north, audit_id, truncated, item="entrance_photo")
    assert answer.status_code == 202, answer.get_json()
    photo_id = answer.get_json()["id"]
    drain(app)

    shown = world.manager_north.get(f"{AUDITS}/{audit_id}").get_json()["photos"]
    assert [p["status"] for p in shown] == ["rejected"]
    rejection = shown[0]["rejection"]
    assert rejection["reason"] == "photo_unreadable"
    assert "damaged or truncated" in rejection["message"]
    assert "damaged or truncated" in rejection["errors"]["file"][0]
    refused = content(world.manager_north, photo_id, "display")
    assert refused.status_code == 409 and refused.get_json()["reason"] == "photo_rejected"
    assert "Retry-After" not in refused.headers
    assert fetch(client, content(world.hq, photo_id, "original")) == truncated  # kept for HQ
    again = upload(world.manager_north, audit_id, truncated, photo_id=photo_id)
    assert again.status_code == 200 and again.get_json()["status"] == "rejected"
    # A rejected photo is no evidence: the item that requires one is still missing it.
    submitted = world.manager_north.post(f"{AUDITS}/{audit_id}/submit")
    assert submitted.status_code == 422
    assert "answers.entrance_photo.photo_ids" in submitted.get_json()["errors"]
    # The auditor removes it and sends another.
    url = f"{AUDITS}/{audit_id}/photos/{photo_id}"
    assert world.manager_north.delete(url).status_code == 204


def test_submit_does_not_wait_and_signals_appear_when_ready(app, world, gate):
    caller, audit_id = world.manager_north, draft(world)
    late = jpeg(taken=TAKEN["taken"].replace(hour=14))  # after the draft's 12:30 submit
    photo = upload(caller, audit_id, late, item="entrance_photo").get_json()
    assert photo["status"] == "processing"
    final = {**visit_body(world), "submitted_at": "2026-11-22T14:10:00-03:00"}
    submitted = caller.post(f"{AUDITS}/{audit_id}/submit", json=final)
    assert submitted.status_code == 200, submitted.get_json()
    audit = submitted.get_json()
    assert [p["status"] for p in audit["photos"]] == ["processing"]
    entrance = next(a for a in audit["answers"] if a["item"] == "entrance_photo")
    assert entrance["photo_ids"] == [photo["id"]]  # evidence from upload on
    gate.set()
    drain(app)
    shown = caller.get(f"{AUDITS}/{audit_id}").get_json()["photos"]
    # Measured against the submitted window (14:10), so 14:00 is inside it.
    assert [(p["status"], p["signals"]) for p in shown] == [("ready", [])]


def test_scope_and_roles_come_before_the_processing_state(app, world, gate):
    audit_id = draft(world)
    photo_id = upload(world.manager_north, audit_id, jpeg()).get_json()["id"]
    assert content(world.hq_b, photo_id, "display").status_code == 404  # other org
    assert content(world.auditor, photo_id, "display").status_code == 404  # out of scope
    assert content(world.manager_north, photo_id, "original").status_code == 403  # HQ only
    gate.set()
    drain(app)
    assert content(world.manager_north, photo_id, "display").status_code == 200


@pytest.mark.app_config(PHOTO_WAIT=0, CELERY_BROKER_URL=DEAD)
def test_the_task_is_safe_to_repeat_and_a_dead_worker_is_replaced(app, world, bucket):
    audit_id = draft(world)
    photo_id = upload(world.manager_north, audit_id, jpeg(**TAKEN)).get_json()["id"]
    with app.app_context():
        job_id = db.session.scalar(select(Photo.job_id).where(Photo.id == photo_id))
        # A worker claims the job and dies: the photo's lease is short, not TASK_LEASE.
        assert claim_due() == [job_id]
        job = _claim(job_id, utcnow())
        assert job is not None
        lease = (job.claimed_until - utcnow()).total_seconds()
        assert LEASE_S - 5 < lease <= LEASE_S
        assert run_job(job_id) == "skipped"  # the lease holds meanwhile
        db.session.execute(
            update(Job).where(Job.id == job_id).values(claimed_until=utcnow() - timedelta(1))
        )
        db.session.commit()
        assert run_job(job_id) == "done"  # the next taker processes it
        first = db.session.get(Photo, photo_id)
        version, stored = first.row_version, bucket.stored()
        assert first.status == "ready" and len(stored) == 3
        # A duplicated job and a direct second call change nothing.
        duplicate = enqueue(db.session, "photos.process", photo_id=photo_id)
        db.session.commit()
        assert run_job(duplicate) == "done"
        process_photo(photo_id)
        db.session.expire_all()
        assert db.session.get(Photo, photo_id).row_version == version
    assert bucket.stored() == stored


@pytest.mark.app_config(PHOTO_WAIT=0, CELERY_BROKER_URL=DEAD)
def test_a_photo_whose_job_failed_for_good_is_queued_again(app, world):
    audit_id = draft(world)
    photo_id = upload(world.manager_north, audit_id, jpeg()).get_json()["id"]
    with app.app_context():
        db.session.execute(update(Job).values(status=JobStatus.FAILED))
        db.session.commit()
        assert run_periodic("photos.stuck") == {"photos queued again": 0}  # not old enough
        old = utcnow() - timedelta(hours=1)
        db.session.execute(update(Photo).values(queued_at=old))
        db.session.commit()
        assert run_periodic("photos.stuck") == {"photos queued again": 1}
        job_id = db.session.scalar(select(Photo.job_id).where(Photo.id == photo_id))
        assert run_job(job_id) == "done"
        assert db.session.get(Photo, photo_id).status == "ready"
        assert run_periodic("photos.stuck") == {"photos queued again": 0}


@pytest.mark.app_config(PHOTO_WAIT=0, CELERY_BROKER_URL=DEAD)
def test_a_photo_removed_while_processing_leaves_no_files(app, world, bucket):
    audit_id = draft(world)
    photo_id = upload(world.manager_north, audit_id, jpeg()).get_json()["id"]
    assert len(bucket.stored()) == 1
    assert world.manager_north.delete(f"{AUDITS}/{audit_id}/photos/{photo_id}").status_code == 204
    with app.app_context():
        process_photo(photo_id)  # a job that was already running finds nothing to do
    assert bucket.stored() == set()


def test_the_openapi_documents_the_202(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    complete = "/api/v1/audits/{audit_id}/photos/{photo_id}/complete"
    for path in ("/api/v1/audits/{audit_id}/photos", complete):
        responses = spec["paths"][path]["post"]["responses"]
        assert set(responses) >= {"200", "201", "202"}
        schema = responses["202"]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/PhotoOut"}
    photo = spec["components"]["schemas"]["PhotoOut"]["properties"]
    assert "processing" in photo["status"]["enum"] and "rejected" in photo["status"]["enum"]


@pytest.mark.slow
@pytest.mark.skipif(not REDIS, reason="AUDIT_TEST_REDIS_URL is not set: no broker for Celery")
@pytest.mark.app_config(CELERY_QUEUE=QUEUE)
def test_a_celery_worker_processes_the_photo(live, world):  # noqa: F811  (the fixture)
    # `world` runs on the test's own app; the live app (broker: the local Redis, a worker
    # running) takes the upload, and its worker makes the copies.
    live.config["PHOTO_WAIT"] = 0
    caller = world.seen_by(live.test_client())
    audit_id = draft(caller)
    answer = upload(caller.manager_north, audit_id, jpeg(**TAKEN), item="entrance_photo")
    assert answer.status_code == 202, answer.get_json()
    _, photo = settled(caller.manager_north, answer, timeout_s=30)  # the worker processed it
    assert photo["status"] == "ready" and photo["width"] == 640 and photo["signals"] == []
    shown = caller.manager_north.get(photo["links"]["display"])
    assert shown.status_code == 200 and shown.headers["Content-Type"] == "image/jpeg"
