"""Console actions: the open and overdue ones in scope, and resolving one with a note and a real
photo through the form (CSRF, the API's service and rules); who may see and do what."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from sqlalchemy import update

from audit_api.actions.models import Action
from audit_api.db import db, utcnow
from tests.support.action_helpers import ACTIONS, VOICEMAIL, actions_of, approved_call
from tests.support.console_pages import csrf_token, get_page, sign_in
from tests.support.photo_helpers import jpeg


def _action(world) -> dict:
    approved_call(world, **VOICEMAIL)
    [action] = actions_of(world.hq)
    return action


def _resolve(client, action_id: int, note: str = "Fixed the greeting", photo: bytes | None = None):
    page = get_page(client, f"/console/actions/{action_id}")
    form = {"note": note, "csrf_token": csrf_token(page)}
    if photo is not None:
        form["photo"] = (io.BytesIO(photo), "work.jpg", "image/jpeg")
    return client.post(
        f"/console/actions/{action_id}/resolve", data=form, content_type="multipart/form-data"
    )


def test_open_and_overdue_actions_in_scope(app, world, client):
    action = _action(world)
    sign_in(client, "manager_north@a.example")
    html = get_page(client, "/console/actions/")
    assert f'data-action-id="{action["id"]}"' in html and "overdue</span>" not in html
    assert "Self-call" in html and "self-call /" not in html  # the checklist's title
    page = get_page(client, f"/console/actions/{action['id']}")
    item = re.search(r"<dt>Item</dt><dd>(.*?)</dd>", page, re.S).group(1)
    assert item.startswith("Who answered?") and "· answered_by</small>" in item  # key: small
    # The default title (the prompt in the checklist's first language, Spanish) reads in
    # the page's language; a title someone wrote stays as written.
    assert "<h1>Who answered?</h1>" in page and "¿Quién contestó?" not in page
    spanish = get_page(client, f"/console/actions/{action['id']}?lang=es")
    assert "<h1>¿Quién contestó?</h1>" in spanish
    renamed = world.hq.patch(f"{ACTIONS}/{action['id']}", json={"title": "Retrain the desk"})
    assert renamed.status_code == 200, renamed.get_json()
    page = get_page(client, f"/console/actions/{action['id']}?lang=en")
    assert "<h1>Retrain the desk</h1>" in page
    with app.app_context():
        past = utcnow() - timedelta(days=1)
        db.session.execute(update(Action).where(Action.id == action["id"]).values(due_at=past))
        db.session.commit()
    overdue = get_page(client, "/console/actions/", query_string={"show": "overdue"})
    assert f'data-action-id="{action["id"]}"' in overdue and "overdue</span>" in overdue
    resolved = get_page(client, "/console/actions/", query_string={"show": "resolved"})
    assert "data-action-id" not in resolved
    scorecard = get_page(client, f"/console/scores/locations/{world.ids['n1']}")
    assert f'/console/actions/{action["id"]}"' in scorecard


def test_resolve_with_a_note_and_a_photo(world, client):
    action = _action(world)
    sign_in(client, "manager_north@a.example")
    response = _resolve(client, action["id"], photo=jpeg(seed=3))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    body = world.manager_north.get(f"{ACTIONS}/{action['id']}").get_json()
    assert body["status"] == "resolved"
    assert body["resolution"]["note"] == "Fixed the greeting"
    [photo_id] = body["resolution"]["photo_ids"]
    html = get_page(client, response.location)
    assert "Fixed the greeting" in html and "Mark as resolved" not in html
    thumb = f"/console/actions/{action['id']}/photos/{photo_id}/thumb"
    assert thumb in html
    image = client.get(thumb)
    assert image.status_code == 200 and image.data[:2] == b"\xff\xd8"
    # The same photo through the API: the one stored copy.
    api = world.manager_north.get(f"{ACTIONS}/{action['id']}/photos/{photo_id}/content")
    assert api.status_code == 200 and api.data[:2] == b"\xff\xd8"


def test_resolve_with_a_note_only(world, client):
    action = _action(world)
    sign_in(client, "hq@a.example")
    assert _resolve(client, action["id"]).status_code == 303
    assert world.hq.get(f"{ACTIONS}/{action['id']}").get_json()["resolution"]["photo_ids"] == []


def test_a_file_that_is_not_a_photo_is_refused_beside_the_field(world, client):
    action = _action(world)
    sign_in(client, "manager_north@a.example")
    response = _resolve(client, action["id"], photo=b"%PDF-1.4 not a photo at all")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="photo-error"', html) and 'aria-invalid="true"' in html
    assert world.hq.get(f"{ACTIONS}/{action['id']}").get_json()["status"] == "open"


def test_a_note_is_required(world, client):
    action = _action(world)
    sign_in(client, "manager_north@a.example")
    response = _resolve(client, action["id"], note="")
    assert response.status_code == 422 and 'id="note-error"' in response.get_data(as_text=True)
    assert world.hq.get(f"{ACTIONS}/{action['id']}").get_json()["status"] == "open"


def test_resolving_twice_says_it_is_no_longer_open(world, client):
    action = _action(world)
    sign_in(client, "manager_north@a.example")
    page = get_page(client, f"/console/actions/{action['id']}")
    token = csrf_token(page)
    assert _resolve(client, action["id"]).status_code == 303
    again = client.post(
        f"/console/actions/{action['id']}/resolve", data={"note": "again", "csrf_token": token}
    )
    assert again.status_code == 409
    assert "no longer open" in again.get_data(as_text=True)


def test_a_post_without_the_csrf_token_is_refused(world, client):
    action = _action(world)
    sign_in(client, "manager_north@a.example")
    response = client.post(f"/console/actions/{action['id']}/resolve", data={"note": "x"})
    assert response.status_code == 400
    assert world.hq.get(f"{ACTIONS}/{action['id']}").get_json()["status"] == "open"


def test_out_of_scope_and_other_org_get_404_and_auditors_403(world, client):
    action = _action(world)
    sign_in(client, "manager_s1@a.example")
    assert "data-action-id" not in get_page(client, "/console/actions/")
    get_page(client, f"/console/actions/{action['id']}", 404)
    # A token of this session, from the layout's sign-out form (the list's forms are GETs).
    token = csrf_token(get_page(client, "/console/actions/"))
    response = client.post(
        f"/console/actions/{action['id']}/resolve", data={"note": "not mine", "csrf_token": token}
    )
    assert response.status_code == 404
    assert world.hq.get(f"{ACTIONS}/{action['id']}").get_json()["status"] == "open"
    other = client.__class__(client.application, client.response_wrapper, use_cookies=True)
    sign_in(other, "hq@b.example")
    get_page(other, f"/console/actions/{action['id']}", 404)
    auditor = client.__class__(client.application, client.response_wrapper, use_cookies=True)
    sign_in(auditor, "auditor@a.example")
    get_page(auditor, "/console/actions/", 403)
    get_page(auditor, f"/console/actions/{action['id']}", 403)
