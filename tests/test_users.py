"""Users: creation, scopes, roles, deactivation, isolation and /me."""

from __future__ import annotations

import pytest

from tests.support.helpers import PASSWORD, created, login

URL = "/api/v1/users"


def new_user(**extra):
    return {
        "email": "New.Person@A.example",
        "name": "New Person",
        "role": "auditor",
        "password": PASSWORD,
        **extra,
    }


def emails(response) -> set[str]:
    assert response.status_code == 200, response.get_json()
    return {item["email"] for item in response.get_json()}


def test_create_normalises_email_and_never_returns_the_password(hq, world, client):
    user = created(hq.post(URL, json=new_user()))
    assert user["email"] == "new.person@a.example"
    assert user["active"] is True and user["role"] == "auditor"
    assert "password" not in user and "password_hash" not in user
    assert login(client, "NEW.person@a.example").get("/api/v1/me").status_code == 200


def test_manager_scope_is_stored_and_shown(hq, world):
    scope = {"region_ids": [world.ids["south"]], "location_ids": [world.ids["n1"]]}
    user = created(hq.post(URL, json=new_user(role="manager", scope=scope)))
    assert user["scope"] == scope


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"name": ""}, "name"),
        ({"role": "boss"}, "role"),
        ({"password": "short"}, "password"),
        ({"scope": {"region_ids": ["x"]}}, "scope.region_ids[0]"),
        ({"scope": "everything"}, "scope"),
    ],
)
def test_invalid_fields_are_named(hq, world, extra, field):
    response = hq.post(URL, json={**new_user(role="manager"), **extra})
    assert response.status_code == 422
    assert field in response.get_json()["errors"], response.get_json()
    assert emails(hq.get(URL, query_string={"q": "new person"})) == set()


def test_scope_ids_must_belong_to_the_org(hq, world):
    scope = {"region_ids": [world.ids["north"]], "location_ids": [world.ids["n1"], world.ids["b1"]]}
    response = hq.post(URL, json=new_user(role="manager", scope=scope))
    assert response.status_code == 422
    assert "scope.location_ids[1]" in response.get_json()["errors"]


def test_only_managers_have_a_scope(hq, world):
    response = hq.post(URL, json=new_user(scope={"region_ids": [world.ids["north"]]}))
    assert response.status_code == 422 and "scope" in response.get_json()["errors"]


def test_an_email_is_unique_within_an_organization_only(hq, world, client):
    # Brand B may have its own account with an address brand A uses: nothing tells B about A.
    other = "another passphrase for brand b"
    theirs = created(world.hq_b.post(URL, json=new_user(email="Auditor@A.example", password=other)))
    assert theirs["email"] == "auditor@a.example"
    duplicate = hq.post(URL, json=new_user(email="AUDITOR@a.example"))
    assert duplicate.status_code == 409 and "email" in duplicate.get_json()["errors"]
    renamed = hq.patch(f"{URL}/{world.ids['manager_s1']}", json={"email": "auditor@a.example"})
    assert renamed.status_code == 409
    # Each signs in to their own organization (named: the e-mail is in two) with their own
    # password.
    org_a, org_b = (c.get("/api/v1/me").get_json()["org"]["id"] for c in (hq, world.hq_b))
    ours = login(client, "auditor@a.example", org_id=org_a).get("/api/v1/me").get_json()
    assert ours["org"]["name"] == "Brand A" and ours["id"] == world.ids["auditor"]
    mine = login(client, "auditor@a.example", other, org_id=org_b).get("/api/v1/me").get_json()
    assert mine["org"]["name"] == "Brand B" and mine["id"] == theirs["id"]


def test_visibility_by_role(world):
    all_a = {"hq@a.example", "manager_north@a.example", "manager_s1@a.example"}
    all_a.add("auditor@a.example")
    assert emails(world.hq.get(URL)) == all_a
    assert emails(world.manager_north.get(URL)) == {"manager_north@a.example", "auditor@a.example"}
    assert world.auditor.get(URL).status_code == 403
    assert emails(world.hq_b.get(URL)) == {"hq@b.example"}


def test_filters(hq, world):
    assert emails(hq.get(URL, query_string={"role": "manager"})) == {
        "manager_north@a.example",
        "manager_s1@a.example",
    }
    assert emails(hq.get(URL, query_string={"q": "NORTH"})) == {"manager_north@a.example"}
    hq.delete(f"{URL}/{world.ids['auditor']}")
    assert emails(hq.get(URL, query_string={"active": "false"})) == {"auditor@a.example"}
    assert hq.get(URL, query_string={"role": "boss"}).status_code == 422


@pytest.mark.parametrize(
    ("who", "target"),
    [("manager_north", "hq"), ("manager_north", "manager_s1"), ("hq_b", "auditor"), ("hq", "hq_b")],
)
def test_read_outside_org_or_scope_is_404(world, who, target):
    assert getattr(world, who).get(f"{URL}/{world.ids[target]}").status_code == 404


def test_manager_reads_auditors_but_cannot_write_users(world):
    url = f"{URL}/{world.ids['auditor']}"
    assert world.manager_north.get(url).status_code == 200
    assert world.manager_north.patch(url, json={"name": "x"}).status_code == 403
    assert world.manager_north.post(URL, json=new_user()).status_code == 403
    assert world.manager_north.delete(url).status_code == 403
    assert world.hq_b.patch(url, json={"name": "x"}).status_code == 404


def test_changing_role_away_from_manager_clears_the_scope(hq, world):
    url = f"{URL}/{world.ids['manager_north']}"
    response = hq.patch(url, json={"role": "auditor"})
    assert response.status_code == 200
    assert response.get_json()["scope"] == {"region_ids": [], "location_ids": []}


def test_scope_change_changes_the_etag_and_the_visible_locations(hq, world):
    url = f"{URL}/{world.ids['manager_s1']}"
    etag = hq.get(url).headers["ETag"]
    body = {"scope": {"region_ids": [world.ids["north_east"]], "location_ids": []}}
    response = hq.patch(url, json=body, headers={"If-Match": etag})
    assert response.status_code == 200 and response.headers["ETag"] != etag
    assert hq.patch(url, json={"name": "late"}, headers={"If-Match": etag}).status_code == 412
    codes = {loc["code"] for loc in world.manager_s1.get("/api/v1/locations").get_json()}
    assert codes == {"NE1"}


def test_delete_deactivates_and_signs_out(hq, world, client):
    url = f"{URL}/{world.ids['auditor']}"
    assert hq.delete(url).status_code == 204
    assert hq.get(url).get_json()["active"] is False
    assert world.auditor.get("/api/v1/me").status_code == 401
    body = {"email": "auditor@a.example", "password": PASSWORD}
    assert client.post("/api/v1/auth/token", json=body).status_code == 401


def test_the_last_active_hq_admin_stays(hq, world):
    url = f"{URL}/{world.ids['hq']}"
    assert hq.delete(url).status_code == 409
    assert hq.patch(url, json={"role": "manager"}).status_code == 409
    second = created(hq.post(URL, json=new_user(role="hq_admin")))
    assert hq.delete(url).status_code == 204
    assert second["active"] is True


def test_me_shows_role_scope_and_org(world):
    me = world.manager_north.get("/api/v1/me").get_json()
    assert me["role"] == "manager"
    assert me["scope"] == {"region_ids": [world.ids["north"]], "location_ids": []}
    assert me["org"]["name"] == "Brand A"
