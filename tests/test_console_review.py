"""The review area through the test client: the queue, an audit's page and the decisions,
with the policy's denials and a conflict shown as a message."""

from __future__ import annotations

import re

from tests.support.audit_helpers import assign, call_audit, new_id
from tests.support.console_helpers import (
    AUDITS,
    BUENOS_AIRES,
    IN_VISIT,
    review_form,
    signed_in,
    submitted_visit,
)
from tests.support.photo_helpers import jpeg

QUEUE = "/console/review/"


def page_of(audit_id: str) -> str:
    return f"/console/review/audits/{audit_id}"


def test_the_queue_lists_submitted_audits_in_scope_oldest_first(world, client):
    first = submitted_visit(world)
    second = submitted_visit(world, location="ne1", facilities_available="none")
    elsewhere = submitted_visit(world, location="s1")
    signed_in(client, "manager_north@a.example")
    page = client.get(QUEUE)
    assert page.status_code == 200
    assert page.text.index(first) < page.text.index(second)
    assert elsewhere not in page.text  # s1 is outside manager_north's scope
    assert "2 audits waiting" in page.text
    assert "Tienda N1" in page.text and "first-five-seconds" not in page.text.split("<main")[0]
    narrowed = client.get(QUEUE, query_string={"q": "ne1"})
    assert second in narrowed.text and first not in narrowed.text
    by_region = client.get(QUEUE, query_string={"region_id": world.ids["north_east"]})
    assert second in by_region.text and first not in by_region.text
    # htmx asks for the list alone.
    part = client.get(QUEUE, headers={"HX-Request": "true", "HX-Target": "queue"})
    assert part.text.lstrip().startswith('<section id="queue"') and "<html" not in part.text


def test_signals_show_as_badges_in_the_queue_and_on_the_page(world, client):
    far = jpeg(seed=3, taken=IN_VISIT["taken"], gps=BUENOS_AIRES)
    audit_id = submitted_visit(world, photo=far)
    copy = submitted_visit(world, photo=far)
    signed_in(client, "manager_north@a.example")
    queue = client.get(QUEUE).text
    assert "Far from the location" in queue and "Duplicate photo" in queue
    page = client.get(page_of(copy))
    assert "Duplicate photo" in page.text
    # The photo's thumbnail and display copy come through the console with the session.
    thumb = client.get(page_of(audit_id))
    assert "/console/review/photos/" in thumb.text
    photo_url = thumb.text.split('src="/console/review/photos/')[1].split('"')[0]
    image = client.get(f"/console/review/photos/{photo_url}")
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert "private" in image.headers["Cache-Control"]


def test_the_audit_page_shows_answers_failed_items_and_history(world, client):
    audit_id = submitted_visit(world, facilities_available="none")
    world.hq.post(f"{AUDITS}/{audit_id}/comments", json={"body": "Mira el piso <b>ya</b>"})
    signed_in(client, "manager_north@a.example")
    page = client.get(page_of(audit_id))
    assert page.status_code == 200
    assert 'class="outcome-fail"' in page.text
    assert "Mira el piso &lt;b&gt;ya&lt;/b&gt;" in page.text  # escaped, never markup
    assert "Submitted" in page.text and "Comment" in page.text
    assert "Distance" in page.text or "Check-in" in page.text


def test_approve_and_return_with_a_note(world, client):
    approved, returned = submitted_visit(world), submitted_visit(world)
    signed_in(client, "manager_north@a.example")
    form = review_form(client, approved)
    done = client.post(f"{page_of(approved)}/review", data={**form, "decision": "approve"})
    assert done.status_code == 302 and done.headers["Location"].endswith(page_of(approved))
    assert world.hq.get(f"{AUDITS}/{approved}").get_json()["status"] == "approved"
    assert "Approved." in client.get(page_of(approved)).text
    form = review_form(client, returned)
    no_note = client.post(f"{page_of(returned)}/review", data={**form, "decision": "return"})
    assert no_note.status_code == 422
    assert "Say what the auditor must fix" in no_note.text
    assert world.hq.get(f"{AUDITS}/{returned}").get_json()["status"] == "submitted"
    note = {**form, "decision": "return", "note": "Falta la foto de la entrada"}
    back = client.post(f"{page_of(returned)}/review", data=note)
    assert back.status_code == 302
    audit = world.hq.get(f"{AUDITS}/{returned}").get_json()
    assert audit["status"] == "draft"
    events = world.hq.get(f"{AUDITS}/{returned}/events").get_json()
    assert events[-1]["note"] == "Falta la foto de la entrada"


def test_htmx_approve_swaps_the_page_in_place(world, client):
    audit_id = submitted_visit(world)
    signed_in(client, "manager_north@a.example")
    form = review_form(client, audit_id)
    answer = client.post(
        f"{page_of(audit_id)}/review",
        data={**form, "decision": "approve"},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200
    assert 'id="audit-page"' in answer.text and "Approved." in answer.text


def test_a_changed_audit_is_a_friendly_conflict_with_the_fresh_page(world, client):
    audit_id = submitted_visit(world)
    signed_in(client, "manager_north@a.example")
    form = review_form(client, audit_id)
    # A decision through the API (another window, the phone) while the page is open.
    decided = world.manager_north.post(f"{AUDITS}/{audit_id}/review", json={"decision": "reject"})
    assert decided.status_code == 200
    late = {**form, "decision": "approve", "note": "Todo bien"}
    answer = client.post(f"{page_of(audit_id)}/review", data=late)
    assert answer.status_code == 409
    assert "Someone else changed this audit" in answer.text
    assert "Rejected" in answer.text  # the audit as it is now
    assert world.hq.get(f"{AUDITS}/{audit_id}").get_json()["status"] == "rejected"


def test_a_stale_revision_is_a_conflict_even_while_still_submitted(world, client):
    audit_id = submitted_visit(world)
    signed_in(client, "manager_north@a.example")
    form = review_form(client, audit_id)
    stale = {**form, "revision": str(int(form["revision"]) - 1), "decision": "return"}
    answer = client.post(
        f"{page_of(audit_id)}/review", data={**stale, "note": "Revisa <i>esto</i>"}
    )
    assert answer.status_code == 409 and "Someone else changed" in answer.text
    assert "Revisa &lt;i&gt;esto&lt;/i&gt;</textarea>" in answer.text  # what was typed is kept
    assert world.hq.get(f"{AUDITS}/{audit_id}").get_json()["status"] == "submitted"


def test_nobody_reviews_their_own_audit(world, client):
    own = submitted_visit(world, world.manager_north)
    signed_in(client, "manager_north@a.example")
    page = client.get(page_of(own))
    assert page.status_code == 200 and "This is your own audit" in page.text
    assert 'name="decision"' not in page.text
    assert own not in client.get(QUEUE).text
    revision = world.hq.get(f"{AUDITS}/{own}").headers["ETag"].split(".")[0].split("-r")[-1]
    forced = client.post(
        f"{page_of(own)}/review",
        data={**review_form_any(client), "revision": revision, "decision": "approve"},
    )
    assert forced.status_code == 403
    assert world.hq.get(f"{AUDITS}/{own}").get_json()["status"] == "submitted"


def review_form_any(client) -> dict[str, str]:
    """A valid CSRF token from any console page."""
    from tests.support.console_helpers import csrf_token

    return {"csrf_token": csrf_token(client.get(QUEUE))}


def test_out_of_scope_and_other_organizations_audits_are_the_404_page(world, client):
    south = submitted_visit(world, location="s1")
    other_org = submitted_visit(world, world.hq_b, location="b1")
    signed_in(client, "manager_north@a.example")
    for audit_id in (south, other_org):
        page = client.get(page_of(audit_id))
        assert page.status_code == 404
        assert "Not found" in page.text and "<html" in page.text
        assert page.headers["Content-Type"].startswith("text/html")
        posted = client.post(
            f"{page_of(audit_id)}/review",
            data={**review_form_any(client), "revision": "1", "decision": "approve"},
        )
        assert posted.status_code == 404
    assert world.hq.get(f"{AUDITS}/{south}").get_json()["status"] == "submitted"


def test_the_photo_of_an_audit_out_of_scope_is_not_served(world, client):
    south = submitted_visit(world, location="s1")
    photo_id = world.hq.get(f"{AUDITS}/{south}").get_json()["photos"][0]["id"]
    signed_in(client, "manager_north@a.example")
    assert client.get(f"/console/review/photos/{photo_id}/display").status_code == 404
    assert client.get(f"/console/review/photos/{photo_id}/original").status_code == 404


def test_hq_sees_every_location_of_the_organization(world, client):
    north, south = (
        submitted_visit(world, world.manager_north),
        submitted_visit(world, location="s1"),
    )
    signed_in(client, "hq@a.example")
    queue = client.get(QUEUE).text
    assert north in queue and south not in queue  # HQ's own audit waits for someone else


def test_a_self_call_shows_its_call_facts(world, client):
    audit_id = new_id()
    body = {
        **call_audit(world, assign(world)),
        "call": {"rings_to_answer": 6, "answered_by": "person", "holds": [], "transfers": []},
    }
    url = f"{AUDITS}/{audit_id}"
    assert world.auditor.put(url, json=body).status_code == 201
    assert world.auditor.post(f"{url}/submit").status_code == 200
    signed_in(client, "manager_north@a.example")
    assert audit_id in client.get(QUEUE).text  # an auditor's assigned call, waiting
    page = client.get(page_of(audit_id)).text
    assert "Call facts" in page and "Rings until answered</dt><dd>6</dd>" in page
    spanish = client.get(page_of(audit_id), headers={"Accept-Language": "es"}).text
    assert "Tonos hasta contestar</dt><dd>6</dd>" in spanish


def test_with_s3_photos_come_from_the_bucket_and_the_policy_allows_it(world, client, bucket):
    audit_id = submitted_visit(world)
    signed_in(client, "manager_north@a.example")
    page = client.get(page_of(audit_id))
    photo = page.text.split('src="/console/review/photos/')[1].split('"')[0]
    image = client.get(f"/console/review/photos/{photo}")
    policy = page.headers["Content-Security-Policy"]
    if bucket.root is None:  # S3: a presigned redirect to the bucket, whose origin may load
        assert image.status_code == 307
        origin = bucket.settings["S3_ENDPOINT_URL"]
        assert image.headers["Location"].startswith(origin)
        assert f"img-src 'self' data: {origin}" in policy
    else:
        assert image.status_code == 200
        assert "img-src 'self' data:;" in policy


def test_comments_join_the_history(world, client):
    audit_id = submitted_visit(world)
    signed_in(client, "manager_north@a.example")
    token = review_form(client, audit_id)["csrf_token"]
    empty = client.post(f"{page_of(audit_id)}/comments", data={"csrf_token": token, "body": " "})
    assert empty.status_code == 422
    added = client.post(
        f"{page_of(audit_id)}/comments", data={"csrf_token": token, "body": "¿Y el cartel?"}
    )
    assert added.status_code == 302
    comments = world.hq.get(f"{AUDITS}/{audit_id}/comments").get_json()
    assert [c["note"] for c in comments] == ["¿Y el cartel?"]
    page = client.get(page_of(audit_id)).text
    assert "Comment added." in page and "¿Y el cartel?" in page


def test_the_queue_pages_keep_the_filters(world, client, monkeypatch):
    from audit_api.console.review import queue

    monkeypatch.setattr(queue, "PAGE_SIZE", 1)
    first, second = submitted_visit(world), submitted_visit(world)
    submitted_visit(world, location="ne1")
    signed_in(client, "manager_north@a.example")
    page_one = client.get(QUEUE, query_string={"q": "n1"}).text
    assert first in page_one and second not in page_one and "Page 1 of 2" in page_one
    assert 'href="/console/review/?q=n1&amp;page=2"' in page_one
    page_two = client.get(QUEUE, query_string={"q": "n1", "page": 2}).text
    assert second in page_two and first not in page_two and 'rel="prev"' in page_two
    beyond = client.get(QUEUE, query_string={"q": "n1", "page": 9})
    assert beyond.status_code == 200 and "past the end of the list" in beyond.text
    bad = client.get(QUEUE, query_string={"page": "x", "kind": "nonsense"})
    assert bad.status_code == 200  # a hand-made URL shows the whole queue, not an error


def test_scores_read_with_the_pages_decimal_mark_and_one_decimal(world, client):
    audit_id = submitted_visit(world, facilities_available="none")
    overall = world.hq.get(f"{AUDITS}/{audit_id}").get_json()["score"]["overall"]
    signed_in(client, "manager_north@a.example")
    english, spanish = f"{overall:.1f}", f"{overall:.1f}".replace(".", ",")
    assert f">{english}</data>" in client.get(QUEUE).text
    assert f">{spanish}</data>" in client.get(QUEUE + "?lang=es").text
    page = client.get(page_of(audit_id)).text
    assert f">{spanish}</data>" in page and f"{overall:.2f}".replace(".", ",") not in page


def test_submitted_is_the_same_moment_in_the_queue_and_on_the_page(world, client):
    audit_id = submitted_visit(world)
    signed_in(client, "manager_north@a.example")
    queue = client.get(QUEUE).text
    shown = re.search(r'data-label="Submitted"><time datetime="[^"]+">([^<]+)</time>', queue)
    assert shown and re.fullmatch(r"\d{1,2} \w{3} \d{4} \d{2}:\d{2}", shown.group(1))
    page = client.get(page_of(audit_id)).text
    assert f"<dt>Submitted</dt><dd>{shown.group(1)}</dd>" in page
    assert "Times in America/Santiago, the location" in page
