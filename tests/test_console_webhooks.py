"""Console webhooks (HQ): register (the secret shown once), an endpoint's page with its
deliveries to a loopback receiver, retry, replay, test, rotate, disable and enable, delete,
through the webhook service; SSRF refusals beside the URL; CSRF, roles, organizations."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from audit_api.db import utcnow
from tests.support.console_helpers import submitted_visit
from tests.support.console_pages import csrf_token, get_page, sign_in
from tests.support.receiver import Receiver
from tests.support.webhook_helpers import HOOKS, register, settle

INDEX = "/console/webhooks/"
SECRET = re.compile(r'id="secret-text" class="secret" type="text" value="(whsec_[^"]+)"')


def _register(client, url: str, events=("audit.approved",), **extra):
    form = {"csrf_token": csrf_token(get_page(client, INDEX)), "url": url, "events": list(events)}
    return client.post(INDEX, data={**form, **extra})


def _post(client, endpoint_id: int, action: str, **data):
    page = get_page(client, f"{INDEX}{endpoint_id}")
    return client.post(
        f"{INDEX}{endpoint_id}/{action}", data={"csrf_token": csrf_token(page), **data}
    )


def _endpoints(world) -> list[dict]:
    return world.hq.get(HOOKS).get_json()


def test_register_shows_the_secret_once(world, client):
    sign_in(client, "hq@a.example")
    response = _register(
        client, "http://127.0.0.1:9/erp", ["audit.approved", "action.created"], description="ERP"
    )
    assert response.status_code == 201, response.text[:2000]
    secret = SECRET.search(response.text).group(1)
    [made] = _endpoints(world)
    assert made["url"] == "http://127.0.0.1:9/erp" and made["description"] == "ERP"
    assert made["events"] == ["audit.approved", "action.created"] and made["active"]
    page = get_page(client, f"{INDEX}{made['id']}")
    assert secret not in page and "Signing secret" not in page
    listing = get_page(client, INDEX)
    assert "http://127.0.0.1:9/erp" in listing and "enabled" in listing
    assert "audit.approved, action.created" in listing


@pytest.mark.app_config(WEBHOOK_ALLOW_PRIVATE=False, WEBHOOK_ALLOW_HTTP=False)
@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("https://127.0.0.1/hooks", "non-public"),
        ("http://93.184.216.34/h", "https"),
        ("https://169.254.169.254/latest", "non-public"),
    ],
)
def test_urls_refused_beside_the_url_field_and_nothing_stored(world, client, url, why):
    sign_in(client, "hq@a.example")
    response = _register(client, url)
    assert response.status_code == 422
    error = re.search(r'id="url-error" class="field-error">([^<]+)<', response.text)
    assert error and why in error.group(1).lower(), response.text[-3000:]
    assert 'aria-invalid="true"' in response.text and f'value="{url}"' in response.text
    assert _endpoints(world) == []


def test_no_events_is_refused_beside_the_events(world, client):
    sign_in(client, "hq@a.example")
    response = _register(client, "http://127.0.0.1:9/erp", events=[])
    assert response.status_code == 422 and "Choose at least one event." in response.text
    assert _endpoints(world) == []


def test_deliveries_retry_rotate_disable_enable_and_delete(app, world, client):
    sign_in(client, "hq@a.example")
    with Receiver([500]) as receiver:
        response = _register(client, receiver.url)
        receiver.secret = SECRET.search(response.text).group(1)
        [made] = _endpoints(world)
        assert _post(client, made["id"], "test").status_code == 303
        settle(app)
        page = get_page(client, f"{INDEX}{made['id']}")
        row = re.search(r'<tr data-delivery-id="(\d+)">(.*?)</tr>', page, re.S)
        assert "webhook.test" in row.group(2) and "succeeded" in row.group(2)
        assert ">2</td>" in row.group(2) and ">204</td>" in row.group(2)  # attempts, answer
        [msg_id] = receiver.events
        # Send it again: the same event id, once more.
        assert _post(client, made["id"], f"deliveries/{row.group(1)}/retry").status_code == 303
        settle(app)
        assert receiver.attempts[msg_id] == 3

        rotated = _post(client, made["id"], "rotate")
        new_secret = SECRET.search(rotated.text).group(1)
        assert new_secret != receiver.secret and "previous secret also signs" in rotated.text

        assert _post(client, made["id"], "active", active="0").status_code == 303
        assert world.hq.get(f"{HOOKS}/{made['id']}").get_json()["active"] is False
        refused = _post(client, made["id"], "test")
        assert "enable it first" in get_page(client, refused.location)
        assert _post(client, made["id"], "active", active="1").status_code == 303
        assert world.hq.get(f"{HOOKS}/{made['id']}").get_json()["active"] is True

        assert _post(client, made["id"], "delete").status_code == 303
        assert world.hq.get(f"{HOOKS}/{made['id']}").status_code == 404


def test_replay_sends_past_events_again(app, world, client):
    sign_in(client, "hq@a.example")
    with Receiver() as receiver:
        made = register(world.hq, receiver.url, ["audit.submitted"])
        receiver.secret = made["secret"]
        submitted_visit(world)
        settle(app)
        [msg_id] = receiver.events
        since = (utcnow() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
        response = _post(client, made["id"], "replay", since=since)
        assert response.status_code == 303
        assert "1 event queued to be sent again" in get_page(client, response.location)
        settle(app)
        assert receiver.attempts[msg_id] == 2
    missing = _post(client, made["id"], "replay", since="")
    assert missing.status_code == 422 and 'id="since-error"' in missing.text


def test_edit_checks_the_url_again(world, client):
    made = register(world.hq, "http://127.0.0.1:9/erp", ["audit.approved"])
    sign_in(client, "hq@a.example")
    page = get_page(client, f"{INDEX}{made['id']}")
    form = {
        "csrf_token": csrf_token(page),
        "url": "ftp://127.0.0.1/x",
        "events": ["audit.approved"],
    }
    response = client.post(f"{INDEX}{made['id']}", data=form)
    assert response.status_code == 422 and 'id="url-error"' in response.text
    form["url"] = "http://127.0.0.1:9/bi"
    assert client.post(f"{INDEX}{made['id']}", data=form).status_code == 303
    assert world.hq.get(f"{HOOKS}/{made['id']}").get_json()["url"] == "http://127.0.0.1:9/bi"


def test_csrf_roles_and_organizations(world, client):
    sign_in(client, "hq@a.example")
    made = register(world.hq, "http://127.0.0.1:9/erp")
    other = register(world.hq_b, "http://127.0.0.1:9/b")
    form = {"url": "http://127.0.0.1:9/x", "events": ["audit.approved"]}
    assert client.post(INDEX, data=form).status_code == 400
    assert client.post(f"{INDEX}{made['id']}/delete").status_code == 400
    assert len(_endpoints(world)) == 1
    get_page(client, f"{INDEX}{other['id']}", 404)
    token = csrf_token(get_page(client, INDEX))
    assert (
        client.post(f"{INDEX}{other['id']}/delete", data={"csrf_token": token}).status_code == 404
    )
    assert world.hq_b.get(f"{HOOKS}/{other['id']}").status_code == 200
    client.post("/console/sign-out", data={"csrf_token": token})
    sign_in(client, "manager_north@a.example")
    assert "/console/webhooks/" not in get_page(client, "/console/review/")
    get_page(client, INDEX, 403)
    get_page(client, f"{INDEX}{made['id']}", 403)


def test_a_description_is_escaped(world, client):
    made = register(world.hq, "http://127.0.0.1:9/erp")
    world.hq.patch(f"{HOOKS}/{made['id']}", json={"description": "<script>alert(1)</script>"})
    sign_in(client, "hq@a.example")
    for url in (INDEX, f"{INDEX}{made['id']}"):
        page = get_page(client, url)
        assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
