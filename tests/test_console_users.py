"""Console users (HQ): the list and its filters, adding a user, changing role and scope,
deactivating and reactivating, through the users service; each refusal beside its field with
nothing stored; CSRF, managers and other organizations refused."""

from __future__ import annotations

import re

from tests.support.console_pages import csrf_token, get_page, sign_in
from tests.support.helpers import PASSWORD

USERS = "/console/users/"
NEW = {"name": "Ana Pérez", "email": "ana@a.example", "role": "auditor", "password": PASSWORD}


def _post(client, url: str, form: dict, page: str | None = None):
    token = csrf_token(get_page(client, page or url))
    return client.post(url, data={**form, "csrf_token": token})


def _edit_form(client, user_id: int) -> dict:
    html = get_page(client, f"{USERS}{user_id}")
    revision = re.search(r'id="revision" name="revision" type="hidden" value="(\d+)"', html)
    assert revision, "no revision on the page"
    return {"csrf_token": csrf_token(html), "revision": revision.group(1)}


def _api_users(world, **query) -> dict[str, dict]:
    rows = world.hq.get("/api/v1/users", query_string={"page_size": 100, **query}).get_json()
    return {u["email"]: u for u in rows}


def test_the_list_shows_the_organization_and_filters_by_role(world, client):
    sign_in(client, "hq@a.example")
    html = get_page(client, USERS)
    for email in ("hq@a.example", "manager_north@a.example", "auditor@a.example"):
        assert email in html
    assert "hq@b.example" not in html
    north = re.search(rf'<tr data-user-id="{world.ids["manager_north"]}">(.*?)</tr>', html, re.S)
    assert north and "North" in north.group(1) and "Active" in north.group(1)
    me = re.search(rf'<tr data-user-id="{world.ids["hq"]}">(.*?)</tr>', html, re.S)
    assert me and re.search(r"\d{1,2} \w{3} \d{4} \d\d:\d\d UTC", me.group(1))  # just signed in
    managers = get_page(client, USERS, query_string={"role": "manager"})
    assert "manager_s1@a.example" in managers and "auditor@a.example" not in managers
    found = get_page(client, USERS, query_string={"q": "s1"})
    assert "manager_s1@a.example" in found and "manager_north@a.example" not in found
    assert 'href="/console/users/"' in html and 'href="/console/places/"' in html  # the nav


def test_hq_adds_a_manager_with_a_region(world, client):
    sign_in(client, "hq@a.example")
    form = {**NEW, "role": "manager", "region_ids": [str(world.ids["south"])]}
    response = _post(client, f"{USERS}new", form)
    assert response.status_code == 303, response.text[:2000]
    ana = _api_users(world)["ana@a.example"]
    assert ana["role"] == "manager" and ana["name"] == "Ana Pérez"
    assert ana["scope"] == {"region_ids": [world.ids["south"]], "location_ids": []}
    assert "Ana Pérez was added" in get_page(client, response.location)
    # The new user signs in with the initial password.
    token = client.post("/api/v1/auth/token", json={"email": NEW["email"], "password": PASSWORD})
    assert token.status_code == 200


def test_refusals_show_beside_their_field_and_store_nothing(world, client):
    sign_in(client, "hq@a.example")
    cases = [
        ({"email": "AUDITOR@a.example"}, "email", "Another user of the organization"),
        ({"email": "not-an-address"}, "email", "Not a valid e-mail address."),
        ({"name": "  "}, "name", "Required"),
        ({"password": "short"}, "password", "Between 10 and 256 characters."),
        ({"password": "aaaaaaaaaaaa"}, "password", "Too easy to guess."),
        ({"region_ids": [str(world.ids["south"])]}, "region_ids", "Only managers have a scope"),
    ]
    before = set(_api_users(world))
    for change, field, message in cases:
        response = _post(client, f"{USERS}new", {**NEW, **change}, page=f"{USERS}new")
        assert response.status_code in (409, 422), (change, response.status_code)
        html = response.text
        error = re.search(rf'id="{field}-error" class="field-error">([^<]*)<', html)
        assert error and message in error.group(1), (change, error and error.group(1))
        assert f'id="{field}"' in html and 'aria-invalid="true"' in html
    assert set(_api_users(world)) == before


def test_region_of_another_organization_is_unknown(app, world, client):
    # Org B's region: its id is refused beside the scope, as the API refuses it.
    other = world.hq_b.post("/api/v1/regions", json={"name": "B-North"}).get_json()["id"]
    sign_in(client, "hq@a.example")
    form = {**NEW, "role": "manager", "region_ids": [str(other)]}
    response = _post(client, f"{USERS}new", form)
    assert response.status_code == 422
    assert re.search(r'id="region_ids-error" class="field-error">This is not one', response.text)
    assert "ana@a.example" not in _api_users(world)


def test_change_role_and_scope(world, client):
    sign_in(client, "hq@a.example")
    user_id = world.ids["auditor"]
    form = {
        **_edit_form(client, user_id),
        "name": "Auditor promoted",
        "email": "auditor@a.example",
        "role": "manager",
        "region_ids": [str(world.ids["south"])],
        "location_ids": [str(world.ids["n1"])],
    }
    response = client.post(f"{USERS}{user_id}", data=form)
    assert response.status_code == 303, response.text[:2000]
    body = world.hq.get(f"/api/v1/users/{user_id}").get_json()
    assert body["role"] == "manager" and body["name"] == "Auditor promoted"
    assert body["scope"] == {"region_ids": [world.ids["south"]], "location_ids": [world.ids["n1"]]}
    # The page shows what is stored: the scope selected.
    html = get_page(client, f"{USERS}{user_id}")
    assert re.search(rf'<option selected value="{world.ids["south"]}">', html)
    # A stale page (the revision it showed) is refused and shows the user as they are now.
    stale = client.post(f"{USERS}{user_id}", data={**form, "name": "Old page"})
    assert stale.status_code == 409 and "Someone else changed this" in stale.text
    assert world.hq.get(f"/api/v1/users/{user_id}").get_json()["name"] == "Auditor promoted"


def test_the_last_hq_admin_cannot_go_and_the_page_says_so(world, client):
    sign_in(client, "hq@a.example")
    me = world.ids["hq"]
    token = csrf_token(get_page(client, f"{USERS}{me}"))
    response = client.post(f"{USERS}{me}/active", data={"active": "false", "csrf_token": token})
    assert response.status_code == 409
    assert "last active HQ admin" in response.text and 'role="alert"' in response.text
    demote = {**_edit_form(client, me), "name": "HQ", "email": "hq@a.example", "role": "auditor"}
    refused = client.post(f"{USERS}{me}", data=demote)
    assert refused.status_code == 409 and "last active HQ admin" in refused.text
    body = world.hq.get("/api/v1/me").get_json()
    assert body["active"] is True and body["role"] == "hq_admin"


def test_hq_deactivating_themselves_is_signed_out(world, client):
    body = {**NEW, "email": "hq2@a.example", "role": "hq_admin"}
    assert world.hq.post("/api/v1/users", json=body).status_code == 201
    sign_in(client, "hq@a.example")
    me = world.ids["hq"]
    token = csrf_token(get_page(client, f"{USERS}{me}"))
    off = client.post(f"{USERS}{me}/active", data={"active": "false", "csrf_token": token})
    assert off.status_code == 303 and off.location.startswith("/console/sign-in")
    assert client.get(USERS).status_code == 302  # the console session ended too
    assert world.hq.get("/api/v1/me").status_code == 401


def test_deactivate_and_reactivate(world, client):
    sign_in(client, "hq@a.example")
    user_id = world.ids["manager_s1"]
    token = csrf_token(get_page(client, f"{USERS}{user_id}"))
    off = client.post(f"{USERS}{user_id}/active", data={"active": "false", "csrf_token": token})
    assert off.status_code == 303
    assert world.hq.get(f"/api/v1/users/{user_id}").get_json()["active"] is False
    assert world.manager_s1.get("/api/v1/me").status_code == 401  # signed out at once
    html = get_page(client, off.location)
    assert "Deactivated" in html and "Reactivate" in html
    listed = get_page(client, USERS, query_string={"status": "false"})
    assert "manager_s1@a.example" in listed and "manager_north@a.example" not in listed
    on = client.post(f"{USERS}{user_id}/active", data={"active": "true", "csrf_token": token})
    assert on.status_code == 303
    assert world.hq.get(f"/api/v1/users/{user_id}").get_json()["active"] is True


def test_a_post_without_the_csrf_token_is_refused(world, client):
    sign_in(client, "hq@a.example")
    response = client.post(f"{USERS}new", data=NEW)
    assert response.status_code == 400
    off = client.post(f"{USERS}{world.ids['auditor']}/active", data={"active": "false"})
    assert off.status_code == 400
    assert "ana@a.example" not in _api_users(world)
    assert world.hq.get(f"/api/v1/users/{world.ids['auditor']}").get_json()["active"] is True


def test_managers_get_403_and_other_organizations_404(world, client):
    sign_in(client, "manager_north@a.example")
    for url in (USERS, f"{USERS}new", f"{USERS}{world.ids['auditor']}"):
        assert client.get(url).status_code == 403
    html = get_page(client, "/console/review/")
    assert 'href="/console/users/"' not in html and 'href="/console/places/"' not in html
    client.post("/console/sign-out", data={"csrf_token": csrf_token(html)})
    sign_in(client, "hq@b.example")
    assert client.get(f"{USERS}{world.ids['auditor']}").status_code == 404
    token = csrf_token(get_page(client, USERS))
    off = client.post(
        f"{USERS}{world.ids['auditor']}/active", data={"active": "false", "csrf_token": token}
    )
    assert off.status_code == 404
    assert world.hq.get(f"/api/v1/users/{world.ids['auditor']}").get_json()["active"] is True


def test_spanish_and_escaped_names(world, client):
    world.hq.patch(
        f"/api/v1/users/{world.ids['auditor']}", json={"name": "<script>alert(1)</script>"}
    )
    sign_in(client, "hq@a.example")
    html = get_page(client, f"{USERS}?lang=es")
    assert "Usuarios" in html and "Agregar un usuario" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
