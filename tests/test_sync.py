"""GET /api/v1/sync: everything a phone needs offline, then only what changed after a cursor;
assignments that went away by id; nothing of another auditor or organization, ever."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import select

from audit_api.assignments.models import Assignment
from audit_api.db import db
from audit_api.sync import stamps
from audit_api.sync.models import SyncClock
from tests.support.audit_helpers import assign, call_audit, new_id
from tests.support.checklist_factory import item, raw_checklist, section
from tests.support.helpers import PASSWORD, Caller, World, created, login

SYNC = "/api/v1/sync"
AUDITS = "/api/v1/audits"


def sync(caller: Caller, since: str | None = None, **query: str) -> dict[str, Any]:
    """A sync that must succeed."""
    if since is not None:
        query["since"] = since
    response = caller.get(SYNC, query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def ids(rows: list[dict[str, Any]]) -> list[Any]:
    return [row["id"] for row in rows]


def second_auditor(world: World) -> tuple[Caller, int]:
    """Another auditor of organization A (`world.ids["otra"]`), signed in."""
    body = {"email": "otra@a.example", "name": "Otra", "role": "auditor", "password": PASSWORD}
    world.ids["otra"] = created(world.hq.post("/api/v1/users", json=body))["id"]
    return login(world.hq.client, "otra@a.example"), world.ids["otra"]


def publish_mini(world: World, key: str = "mini") -> None:
    """An organization checklist of A for self-calls, published."""
    body = raw_checklist([section("a", [item("x1")])], key=key, kind="call")
    created(world.hq.post("/api/v1/checklists", json=body))
    assert world.hq.post(f"/api/v1/checklists/{key}/versions/1/publish").status_code == 200


def test_a_first_sync_gives_open_assignments_with_each_version_and_location_once(world):
    first = assign(world)
    second = assign(world, location="ne1")  # the same checklist version, another location
    visit = assign(world, kind="visit", checklist="first-five-seconds")  # n1 again
    cancelled = assign(world, location="s1", by=world.hq)
    assert world.hq.delete(f"/api/v1/assignments/{cancelled['id']}").status_code == 204
    body = sync(world.auditor)
    assert body["full"] is True and body["removed_assignment_ids"] == []
    assert ids(body["assignments"]) == [first["id"], second["id"], visit["id"]]
    pinned = {(v["key"], v["version"]) for v in body["checklist_versions"]}
    assert pinned == {("self-call", 1), ("first-five-seconds", 1)}
    assert len(body["checklist_versions"]) == 2  # each once
    assert all(v["definition"]["sections"] for v in body["checklist_versions"])
    assert ids(body["locations"]) == [world.ids["n1"], world.ids["ne1"]]  # not s1: cancelled
    row = body["assignments"][0]
    assert row["checklist_key"] == "self-call" and row["checklist_version"] == 1
    assert row["kind"] == "call" and row["status"] == "open" and row["audit_id"] is None
    assert "checklist" not in row and "location" not in row  # sent once, beside
    assert body["drafts"] == [] and body["cursor"]


def test_drafts_come_with_their_etags_so_a_reinstalled_phone_carries_on(world):
    assignment = assign(world)
    url = f"{AUDITS}/{new_id()}"
    assert world.auditor.put(url, json=call_audit(world, assignment)).status_code == 201
    body = sync(world.auditor)
    [draft] = body["drafts"]
    assert draft["id"] == url.rsplit("/", 1)[1] and draft["assignment_id"] == assignment["id"]
    assert body["assignments"][0]["audit_id"] == draft["id"]
    # The ETag given is good for If-Match on the draft's next PUT.
    changed = call_audit(world, assignment, answers=[])
    put = world.auditor.put(url, json=changed, headers={"If-Match": draft["etag"]})
    assert put.status_code == 200
    stale = world.auditor.put(
        url, json=call_audit(world, assignment), headers={"If-Match": draft["etag"]}
    )
    assert stale.status_code == 412


def test_an_unchanged_delta_is_empty_keeps_its_cursor_and_answers_304(world):
    assign(world)
    other, _ = second_auditor(world)
    cursor = sync(world.auditor)["cursor"]
    response = world.auditor.get(SYNC, query_string={"since": cursor})
    body, etag = response.get_json(), response.headers["ETag"]
    assert body["full"] is False and body["cursor"] == cursor
    for part in ("assignments", "removed_assignment_ids", "checklist_versions", "locations"):
        assert body[part] == [], part
    # Other people's work moves the organization's counter, not this auditor's answer.
    assign(world, by=world.hq, auditor="otra")
    s1 = f"/api/v1/locations/{world.ids['s1']}"
    assert world.hq.patch(s1, json={"name": "Otra"}).status_code == 200
    again = world.auditor.get(SYNC, query_string={"since": cursor}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert sync(other)["assignments"]  # the other auditor did get theirs


def test_a_new_assignment_comes_with_what_the_phone_does_not_hold_yet(world):
    assign(world)
    cursor = sync(world.auditor)["cursor"]
    same_version = assign(world, location="ne1")
    body = sync(world.auditor, cursor)
    assert ids(body["assignments"]) == [same_version["id"]]
    assert body["checklist_versions"] == []  # self-call 1 is on the phone already
    assert ids(body["locations"]) == [world.ids["ne1"]]  # ne1 is not
    publish_mini(world)
    mini = assign(world, checklist="mini")  # at n1, which the phone holds
    later = sync(world.auditor, body["cursor"])
    assert ids(later["assignments"]) == [mini["id"]]
    assert [(v["key"], v["version"]) for v in later["checklist_versions"]] == [("mini", 1)]
    assert later["locations"] == []


def test_a_changed_assignment_comes_again_with_only_what_the_phone_may_lack(world):
    assignment = assign(world)
    cursor = sync(world.auditor)["cursor"]
    url = f"/api/v1/assignments/{assignment['id']}"
    moved = world.manager_north.patch(url, json={"due_to": "2026-12-05T18:00:00-03:00"})
    assert moved.status_code == 200
    body = sync(world.auditor, cursor)
    assert ids(body["assignments"]) == [assignment["id"]]
    assert body["assignments"][0]["due_to"].startswith("2026-12-05")
    # Nothing else of the phone's pins them, so they come along (the server cannot tell a
    # reschedule from an assignment that arrived since the cursor).
    assert [v["key"] for v in body["checklist_versions"]] == ["self-call"]
    assert ids(body["locations"]) == [world.ids["n1"]]
    assert body["cursor"] != cursor
    assert sync(world.auditor, body["cursor"])["assignments"] == []
    # With an unchanged assignment of the same version and location, the phone holds them.
    assign(world)
    cursor = sync(world.auditor)["cursor"]
    later = world.manager_north.patch(url, json={"due_to": "2026-12-06T18:00:00-03:00"})
    assert later.status_code == 200
    body = sync(world.auditor, cursor)
    assert ids(body["assignments"]) == [assignment["id"]]
    assert body["checklist_versions"] == [] and body["locations"] == []


def test_cancelled_completed_and_reassigned_assignments_go_away_by_id(world):
    cancelled, done, moved, kept = (assign(world) for _ in range(4))
    other, other_id = second_auditor(world)
    cursor = sync(world.auditor)["cursor"]
    other_cursor = sync(other)["cursor"]
    assert world.manager_north.delete(f"/api/v1/assignments/{cancelled['id']}").status_code == 204
    submitted = world.auditor.post(f"{AUDITS}/{new_id()}/submit", json=call_audit(world, done))
    assert submitted.status_code == 200, submitted.get_json()
    url = f"/api/v1/assignments/{moved['id']}"
    assert world.manager_north.patch(url, json={"auditor_id": other_id}).status_code == 200
    body = sync(world.auditor, cursor)
    assert body["removed_assignment_ids"] == sorted([cancelled["id"], done["id"], moved["id"]])
    assert body["assignments"] == []
    assert ids(sync(world.auditor)["assignments"]) == [kept["id"]]  # a first sync agrees
    # The new auditor gets it, with what it pins.
    theirs = sync(other, other_cursor)
    assert ids(theirs["assignments"]) == [moved["id"]]
    assert [(v["key"], v["version"]) for v in theirs["checklist_versions"]] == [("self-call", 1)]
    assert ids(theirs["locations"]) == [world.ids["n1"]]


def test_an_assignment_reassigned_there_and_back_is_simply_open(world):
    assignment = assign(world)
    _, other_id = second_auditor(world)
    cursor = sync(world.auditor)["cursor"]
    url = f"/api/v1/assignments/{assignment['id']}"
    assert world.hq.patch(url, json={"auditor_id": other_id}).status_code == 200
    assert world.hq.patch(url, json={"auditor_id": world.ids["auditor"]}).status_code == 200
    body = sync(world.auditor, cursor)
    assert ids(body["assignments"]) == [assignment["id"]]
    assert body["removed_assignment_ids"] == []


def test_a_returned_audit_brings_its_assignment_and_draft_back(world):
    assignment = assign(world)
    audit_id = new_id()
    url = f"{AUDITS}/{audit_id}"
    assert (
        world.auditor.post(f"{url}/submit", json=call_audit(world, assignment)).status_code == 200
    )
    cursor = sync(world.auditor)["cursor"]
    assert sync(world.auditor)["drafts"] == []
    review = {"decision": "return", "note": "Falta la foto"}
    assert world.manager_north.post(f"{url}/review", json=review).status_code == 200
    body = sync(world.auditor, cursor)
    assert ids(body["assignments"]) == [assignment["id"]]
    assert body["assignments"][0]["audit_id"] == audit_id
    assert ids(body["drafts"]) == [audit_id]
    assert body["checklist_versions"]  # the phone dropped it with the assignment


def test_an_edited_location_comes_again_while_an_open_assignment_uses_it(world):
    assign(world)
    cursor = sync(world.auditor)["cursor"]
    n1, s1 = (f"/api/v1/locations/{world.ids[k]}" for k in ("n1", "s1"))
    assert world.hq.patch(s1, json={"name": "Not theirs"}).status_code == 200
    assert sync(world.auditor, cursor)["locations"] == []
    assert world.hq.patch(n1, json={"geofence_m": 300}).status_code == 200
    body = sync(world.auditor, cursor)
    assert [(x["id"], x["geofence_m"]) for x in body["locations"]] == [(world.ids["n1"], 300)]
    assert body["assignments"] == []


def test_a_deleted_assignment_goes_away_by_id(app, world):
    """No endpoint deletes an assignment (they are cancelled); a deletion is still told."""
    assignment = assign(world)
    cursor = sync(world.auditor)["cursor"]
    with app.app_context():
        db.session.delete(db.session.get(Assignment, assignment["id"]))
        db.session.commit()
    assert sync(world.auditor, cursor)["removed_assignment_ids"] == [assignment["id"]]


def test_a_cursor_altered_made_up_or_of_someone_else_is_a_422_naming_since(world):
    assign(world)
    cursor = sync(world.auditor)["cursor"]
    version, seq, signature = cursor.split(".")
    other, _ = second_auditor(world)
    forged = [
        "garbage",
        f"{version}.{int(seq) - 1}.{signature}",  # an earlier point, to be sent more
        f"{version}.{seq}.{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",
        f"v2.{seq}.{signature}",
        sync(other)["cursor"],  # another auditor's cursor
        sync(world.hq_b)["cursor"],  # another organization's
        "v1.99999999999999999999.AAAAAAAAAAAAAAAAAAAAAA",
    ]
    for since in forged:
        response = world.auditor.get(SYNC, query_string={"since": since})
        assert response.status_code == 422, since
        assert "since" in response.get_json()["errors"], since
    assert world.auditor.get(SYNC, query_string={"since": ""}).status_code == 422


def test_nothing_of_another_auditor_or_organization_ever_comes(world):
    mine = assign(world)
    other, _ = second_auditor(world)
    theirs = assign(world, by=world.hq, auditor="otra")
    audit = call_audit(world, theirs)
    assert other.put(f"{AUDITS}/{new_id()}", json=audit).status_code == 201
    b_cursor = sync(world.hq_b)["cursor"]
    body = sync(world.auditor)
    assert ids(body["assignments"]) == [mine["id"]] and body["drafts"] == []
    assert ids(sync(other)["assignments"]) == [theirs["id"]]
    assert len(sync(other)["drafts"]) == 1
    for caller in (world.hq_b, world.manager_north, world.hq):
        full = sync(caller)
        assert full["assignments"] == [] and full["locations"] == [] and full["drafts"] == []
    # Organization B's delta after A's changes: nothing, and its cursor does not move.
    assert world.manager_north.delete(f"/api/v1/assignments/{mine['id']}").status_code == 204
    delta = sync(world.hq_b, b_cursor)
    assert delta["cursor"] == b_cursor and delta["removed_assignment_ids"] == []


def test_a_manager_syncs_their_self_audit_drafts(world):
    url = f"{AUDITS}/{new_id()}"
    assert world.manager_north.put(url, json=call_audit(world)).status_code == 201
    body = sync(world.manager_north)
    assert ids(body["drafts"]) == [url.rsplit("/", 1)[1]]
    assert body["drafts"][0]["assignment_id"] is None
    assert body["assignments"] == []
    assert sync(world.auditor)["drafts"] == []


def test_checklist_texts_come_in_the_language_asked(world):
    assign(world)
    english = sync(world.auditor, lang="en")["checklist_versions"][0]
    assert english["language"] == "en"
    response = world.auditor.get(SYNC, headers={"Accept-Language": "es"})
    assert response.get_json()["checklist_versions"][0]["language"] == "es"
    everything = sync(world.auditor, lang="all")["checklist_versions"][0]
    assert everything["language"] == "all"
    # A language a checklist lacks is no error here: that checklist comes in its own.
    assert sync(world.auditor, lang="fr")["checklist_versions"][0]["language"] == "es"


def test_the_sync_etag_changes_with_the_answer(world):
    assign(world)
    first = world.auditor.get(SYNC)
    etag = first.headers["ETag"]
    assert world.auditor.get(SYNC, headers={"If-None-Match": etag}).status_code == 304
    assert world.auditor.get(SYNC, headers={"If-None-Match": f"W/{etag}"}).status_code == 304
    assign(world, location="ne1")
    changed = world.auditor.get(SYNC, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    # Another caller's answer never matches: the ETag is of the answer, not of the request.
    assert world.manager_north.get(SYNC, headers={"If-None-Match": etag}).status_code == 200


def test_a_write_not_yet_committed_when_a_sync_reads_comes_in_the_next_one(world, monkeypatch):
    """A write draws its counter value just before it commits: a sync that reads in between
    must neither see the value (its cursor would skip the write) nor miss the write later."""
    assignment = assign(world)
    cursor = sync(world.auditor)["cursor"]
    seen: list[dict[str, Any]] = []
    draw = stamps._draw

    def draw_then_sync(session, org_id):
        value = draw(session, org_id)
        if not seen:  # once, between this write's draw and its commit, as another request
            reader = Caller(world.auditor.client.application.test_client(), world.auditor.token)
            thread = threading.Thread(target=lambda: seen.append(sync(reader, cursor)))
            thread.start()
            thread.join(10)
        return value

    monkeypatch.setattr(stamps, "_draw", draw_then_sync)
    url = f"/api/v1/assignments/{assignment['id']}"
    moved = world.manager_north.patch(url, json={"due_to": "2026-12-05T18:00:00-03:00"})
    assert moved.status_code == 200
    [during] = seen
    assert during["assignments"] == [] and during["cursor"] == cursor
    after = sync(world.auditor, during["cursor"])
    assert ids(after["assignments"]) == [assignment["id"]]


def test_writes_commit_in_the_order_of_their_counter_values(app, world, monkeypatch):
    """While one write holds the next counter value uncommitted, another write waits: it
    cannot draw a later value and commit first (what would make a reader skip the first)."""
    first, second = assign(world), assign(world)
    drawn, release = threading.Event(), threading.Event()
    order: list[str] = []
    draw = stamps._draw

    def slow_draw(session, org_id):
        value = draw(session, org_id)
        if threading.current_thread().name == "first":
            drawn.set()
            release.wait(10)
        return value

    monkeypatch.setattr(stamps, "_draw", slow_draw)

    def move(assignment: dict[str, Any], name: str) -> None:
        url = f"/api/v1/assignments/{assignment['id']}"
        caller = Caller(app.test_client(), world.manager_north.token)
        response = caller.patch(url, json={"due_to": "2026-12-05T18:00:00-03:00"})
        assert response.status_code == 200
        order.append(name)

    one = threading.Thread(target=move, args=(first, "first"), name="first")
    one.start()
    assert drawn.wait(10)
    two = threading.Thread(target=move, args=(second, "second"), name="second")
    two.start()
    two.join(1.0)
    assert two.is_alive() and order == []  # the second write waits for the first's commit
    release.set()
    one.join(10)
    two.join(10)
    assert order == ["first", "second"]
    with app.app_context():
        stamps_of = dict(db.session.execute(select(Assignment.id, Assignment.sync_seq)).all())
        org_id = db.session.get(Assignment, first["id"]).org_id
        counter = db.session.scalar(select(SyncClock.value).where(SyncClock.org_id == org_id))
    assert stamps_of[first["id"]] < stamps_of[second["id"]] == counter


def test_assignments_a_schedule_makes_changes_and_misses_reach_the_phone(app, world):
    from datetime import timedelta

    from sqlalchemy import update

    from audit_api.db import utcnow
    from tests.support.schedule_helpers import SCHEDULES, assignments_of, schedule_body

    start = sync(world.auditor)
    # Made by a core insert in the schedule's transaction: stamped all the same.
    schedule = created(world.hq.post(SCHEDULES, json=schedule_body(world)))
    made = sync(world.auditor, start["cursor"])
    assert len(made["assignments"]) == 4 and made["removed_assignment_ids"] == []
    by_schedule = assignments_of(world.hq, schedule_id=schedule["id"])
    assert set(ids(made["assignments"])) == set(ids(by_schedule))
    # An edit remakes the future ones (a core delete, then a new insert): the old ones go.
    url = f"{SCHEDULES}/{schedule['id']}"
    assert world.hq.patch(url, json={"time_of_day": "11:00"}).status_code == 200
    edited = sync(world.auditor, made["cursor"])
    # Each old one goes by id, or comes again in its new form (SQLite may reuse a freed id).
    again = set(edited["removed_assignment_ids"]) | set(ids(edited["assignments"]))
    assert set(ids(made["assignments"])) <= again and len(edited["assignments"]) == 4
    remade = assignments_of(world.hq, schedule_id=schedule["id"], status="open")
    assert set(ids(edited["assignments"])) == set(ids(remade))
    assert {a["occurrence"][-5:] for a in remade} == {"11:00"}
    # One whose window closed with nothing submitted is missed: it goes away too.
    first = edited["assignments"][0]["id"]
    with app.app_context():
        past = utcnow() - timedelta(days=2)
        db.session.execute(
            update(Assignment)
            .where(Assignment.id == first)
            .values(due_from=past - timedelta(days=3), due_to=past)
        )
        db.session.commit()
    assert app.test_cli_runner().invoke(args=["tick", "assignments.missed"]).exit_code == 0
    missed = sync(world.auditor, edited["cursor"])
    assert missed["removed_assignment_ids"] == [first] and missed["assignments"] == []
    # A schedule with nobody to send makes unassigned ones: no phone gets them.
    other = schedule_body(world, auditor_ids=[], location_ids=[world.ids["s1"]])
    created(world.hq.post(SCHEDULES, json=other))
    nobody = sync(world.auditor, missed["cursor"])
    assert nobody["assignments"] == [] and nobody["removed_assignment_ids"] == []
    assert ids(sync(world.auditor)["assignments"]) == ids(edited["assignments"])[1:]
