"""The loop through HTTP: a failed critical item opens an action, the manager resolves it, and
the next audit of the location verifies it or reopens it."""

from __future__ import annotations

import io
import uuid

from tests.support.action_helpers import ACTIONS, VOICEMAIL, actions_of, approved_call, events_of
from tests.support.photo_helpers import jpeg


def _photo(caller, action_id: int, data: bytes, photo_id: str | None = None):
    form = {
        "photo_id": photo_id or str(uuid.uuid4()),
        "file": (io.BytesIO(data), "arreglo.jpg", "image/jpeg"),
    }
    url = f"{ACTIONS}/{action_id}/photos"
    return caller.post(url, data=form, content_type="multipart/form-data")


def _resolve(world, action_id: int, photo_ids: tuple[str, ...] = ()) -> dict:
    manager = world.manager_north
    started = manager.patch(
        f"{ACTIONS}/{action_id}",
        json={"assignee_id": world.ids["manager_north"], "status": "in_progress"},
    )
    assert started.status_code == 200, started.get_json()
    assert (started.get_json()["status"], started.get_json()["assignee_id"]) == (
        "in_progress",
        world.ids["manager_north"],
    )
    note = "Desviamos el teléfono al celular del encargado en horario punta."
    body = {"note": note, "photo_ids": list(photo_ids)}
    resolved = manager.post(f"{ACTIONS}/{action_id}/resolve", json=body)
    assert resolved.status_code == 200, resolved.get_json()
    body = resolved.get_json()
    assert body["status"] == "resolved" and body["resolution"]["note"] == note
    return body


def test_a_failed_critical_item_is_resolved_then_verified_by_the_next_audit(world):
    first = approved_call(world, 22, **VOICEMAIL)
    [action] = actions_of(world.manager_north, location_id=world.ids["n1"])
    assert action["audit_id"] == first and action["item"] == "answered_by"
    assert (action["status"], action["priority"], action["overdue"]) == ("open", "high", False)
    assert action["title"] == "¿Quién contestó?"
    photo = _photo(world.manager_north, action["id"], jpeg(seed=4))
    assert photo.status_code == 201, photo.get_json()
    photo_id = photo.get_json()["id"]
    resolved = _resolve(world, action["id"], (photo_id,))
    assert resolved["resolution"]["photo_ids"] == [photo_id]
    thumb = world.hq.get(photo.get_json()["links"]["thumb"])
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"

    second = approved_call(world, 24)  # answered by a person this time

    after = world.manager_north.get(f"{ACTIONS}/{action['id']}").get_json()
    assert (after["status"], after["verified_by"]) == ("verified", second)
    kinds = [
        (e["kind"], (e["data"] or {}).get("audit_id")) for e in events_of(world.hq, action["id"])
    ]
    assert kinds == [
        ("created", first),
        ("photo_added", None),
        ("updated", None),
        ("resolved", None),
        ("verified", second),
    ]
    assert actions_of(world.hq, location_id=world.ids["n1"], status="open") == []


def test_the_same_failure_again_reopens_the_resolved_action_instead_of_a_new_one(world):
    approved_call(world, 22, **VOICEMAIL)
    [action] = actions_of(world.hq)
    _resolve(world, action["id"])

    again = approved_call(world, 24, **VOICEMAIL)

    [after] = actions_of(world.hq)  # still one action: the same work, reopened
    assert after["id"] == action["id"] and after["status"] == "reopened"
    assert events_of(world.hq, action["id"])[-1]["kind"] == "reopened"
    assert events_of(world.hq, action["id"])[-1]["data"] == {"audit_id": again}
    # Fixed for good this time.
    _resolve(world, action["id"])
    approved_call(world, 26)
    assert world.hq.get(f"{ACTIONS}/{action['id']}").get_json()["status"] == "verified"


def test_resolution_photos_are_checked_like_audit_photos(world):
    approved_call(world, **VOICEMAIL)
    [action] = actions_of(world.hq)
    manager, data = world.manager_north, jpeg(seed=5)
    first = _photo(manager, action["id"], data)
    assert first.status_code == 201
    photo_id = first.get_json()["id"]
    again = _photo(manager, action["id"], data, photo_id)
    assert again.status_code == 200 and again.get_json()["id"] == photo_id  # a retry
    assert _photo(manager, action["id"], jpeg(seed=6), photo_id).status_code == 409
    bad = _photo(manager, action["id"], b"not an image at all")
    assert bad.status_code == 422 and "file" in bad.get_json()["errors"]
    assert _photo(world.manager_s1, action["id"], data).status_code == 404
    assert _photo(world.auditor, action["id"], data).status_code == 403
    listed = manager.get(f"{ACTIONS}/{action['id']}/photos").get_json()
    assert [p["id"] for p in listed] == [photo_id]
    content = f"{ACTIONS}/{action['id']}/photos/{photo_id}/content"
    assert manager.get(content, query_string={"variant": "original"}).status_code == 403
    assert world.hq.get(content, query_string={"variant": "original"}).data == data
    unknown = manager.post(
        f"{ACTIONS}/{action['id']}/resolve",
        json={"note": "Hecho", "photo_ids": [str(uuid.uuid4())]},
    )
    assert unknown.status_code == 422 and "photo_ids[0]" in unknown.get_json()["errors"]
    _resolve(world, action["id"], (photo_id,))
    assert _photo(manager, action["id"], jpeg(seed=7)).status_code == 409  # the work is done
