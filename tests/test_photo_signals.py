"""Evidence signals: capture time, GPS position, and photos reused across audits."""

from __future__ import annotations

from datetime import datetime

from tests.support.audit_helpers import new_id, visit_body
from tests.support.photo_helpers import encode, exif_for, jpeg, picture, upload
from tests.test_photos import AUDITS, SANTIAGO, TAKEN, draft

BUENOS_AIRES = (-34.6037, -58.3816)


def codes(photo: dict) -> list[str]:
    return [s["code"] for s in photo["signals"]]


def test_time_and_place_signals(world):
    audit_id = draft(world)
    caller = world.manager_north
    plain = upload(caller, audit_id, jpeg()).get_json()
    assert codes(plain) == ["no_capture_time"]
    early = upload(caller, audit_id, jpeg(seed=2, taken=datetime(2026, 11, 20, 12, 0))).get_json()
    assert codes(early) == ["taken_outside_visit"]
    assert early["signals"][0]["taken_at"] == "2026-11-20T15:00:00Z"
    # An EXIF offset wins over the location's timezone: 16:05+01:00 is 12:05 in Santiago.
    zoned = upload(
        caller, audit_id, jpeg(seed=3, taken=datetime(2026, 11, 22, 16, 5), offset="+01:00")
    ).get_json()
    assert zoned["taken_at"] == "2026-11-22T15:05:00Z" and codes(zoned) == []
    far = upload(caller, audit_id, jpeg(seed=4, taken=TAKEN["taken"], gps=BUENOS_AIRES))
    signal = far.get_json()["signals"][0]
    assert signal["code"] == "far_from_location"
    assert 1_100_000 < signal["distance_m"] < 1_200_000  # Santiago to Buenos Aires
    near = upload(caller, audit_id, jpeg(seed=5, taken=TAKEN["taken"], gps=(-33.4210, -70.6101)))
    assert codes(near.get_json()) == []  # 100 m away: within geofence and tolerance
    shown = caller.get(f"{AUDITS}/{audit_id}").get_json()["photos"]
    assert [codes(p) for p in shown] == [
        ["no_capture_time"],
        ["taken_outside_visit"],
        [],
        ["far_from_location"],
        [],
    ]


def test_the_same_or_a_near_identical_photo_in_another_audit(world):
    caller = world.manager_north
    first_audit, second_audit = draft(world), draft(world)
    original = jpeg(seed=7, **TAKEN)
    first = upload(caller, first_audit, original).get_json()
    assert codes(first) == []
    same = upload(caller, second_audit, original).get_json()
    assert codes(same) == ["duplicate"]
    assert same["signals"][0]["audit_id"] == first_audit
    assert same["signals"][0]["photo_id"] == first["id"]
    # Smaller and recompressed, as a messaging app would send it on: still the same picture.
    resent = encode(picture(seed=7).resize((480, 360)), exif=exif_for(**TAKEN))
    near = upload(caller, second_audit, resent).get_json()
    assert codes(near) == ["near_duplicate"]
    assert near["signals"][0]["photo_id"] == first["id"]
    assert near["signals"][0]["distance_bits"] <= 3
    other = upload(caller, second_audit, jpeg(seed=8, **TAKEN)).get_json()
    assert codes(other) == []
    # A copy within the same audit (two photos of one item) is not a reuse.
    twice = jpeg(seed=9, **TAKEN)
    upload(caller, first_audit, twice)
    assert codes(upload(caller, first_audit, twice).get_json()) == []
    # Another organization's photos are never compared.
    b_audit = world.hq_b.put(
        f"{AUDITS}/{new_id()}",
        json={**visit_body(world), "location_id": world.ids["b1"]},
    ).get_json()["id"]
    assert codes(upload(world.hq_b, b_audit, original).get_json()) == []


def test_submit_measures_photos_against_the_final_visit_time(world):
    caller = world.manager_north
    audit_id = draft(world)  # the draft says it was submitted at 12:30
    late = jpeg(taken=datetime(2026, 11, 22, 14, 0), gps=SANTIAGO)
    photo = upload(caller, audit_id, late, item="entrance_photo").get_json()
    assert codes(photo) == ["taken_outside_visit"]
    final = {**visit_body(world), "submitted_at": "2026-11-22T14:10:00-03:00"}
    submitted = caller.post(f"{AUDITS}/{audit_id}/submit", json=final)
    assert submitted.status_code == 200, submitted.get_json()
    assert [codes(p) for p in submitted.get_json()["photos"]] == [[]]
