"""Console places (HQ): the region tree with its locations; regions and locations added,
changed, moved and deleted through the services the API uses, with the API's scores following
a moved location; each refusal beside its field with nothing stored; CSRF, managers and other
organizations refused; names escaped."""

from __future__ import annotations

import re

from tests.support.console_pages import csrf_token, get_page, sign_in
from tests.support.helpers import location_payload
from tests.support.score_fixtures import WINDOW

PLACES = "/console/places/"
SCRIPT = "<script>alert(1)</script>"


def _form(client, url: str) -> dict:
    """The hidden fields of the form on a page (CSRF token and, when editing, revision)."""
    html = get_page(client, url)
    fields = {"csrf_token": csrf_token(html)}
    revision = re.search(r'id="revision" name="revision" type="hidden" value="(\d+)"', html)
    if revision:
        fields["revision"] = revision.group(1)
    return fields


def _location_form(world, key: str, **change) -> dict:
    body = location_payload(key.upper(), region_id=world.ids["north"])
    form = {k: str(v) for k, v in body.items()}
    form.pop("geofence_m", None)
    return {**form, **change}


def _error(html: str, field: str) -> str:
    found = re.search(rf'id="{field}-error" class="field-error">([^<]*)<', html)
    assert found, f"no error beside {field}"
    return found.group(1)


def _region_names(world) -> dict[str, dict]:
    rows = world.hq.get("/api/v1/regions", query_string={"page_size": 100}).get_json()
    return {r["name"]: r for r in rows}


def _regions_scores(world) -> dict[str, tuple[float, int]]:
    rows = world.hq.get("/api/v1/scores/regions", query_string=WINDOW).get_json()
    return {r["name"]: (r["mean"], r["n"]) for r in rows}


def test_the_tree_shows_regions_with_their_locations(world, client):
    sign_in(client, "hq@a.example")
    html = get_page(client, PLACES)
    north = html[html.index(f'data-region-id="{world.ids["north"]}"') :]
    assert (
        north.index(f'data-location-id="{world.ids["n1"]}"')
        < north.index(f'data-region-id="{world.ids["north_east"]}"')
        < north.index(f'data-location-id="{world.ids["ne1"]}"')
    )
    assert f'data-location-id="{world.ids["b1"]}"' not in html  # another organization's


def test_add_rename_and_move_a_region(world, client):
    sign_in(client, "hq@a.example")
    new = {**_form(client, f"{PLACES}regions/new"), "name": "Centre", "parent_id": ""}
    assert client.post(f"{PLACES}regions/new", data=new).status_code == 303
    centre = _region_names(world)["Centre"]
    assert centre["parent_id"] is None
    url = f"{PLACES}regions/{centre['id']}"
    move = {**_form(client, url), "name": "Centre-West", "parent_id": str(world.ids["south"])}
    response = client.post(url, data=move)
    assert response.status_code == 303
    assert "Region Centre-West is saved" in get_page(client, response.location)
    moved = _region_names(world)["Centre-West"]
    assert moved["parent_id"] == world.ids["south"] and moved["id"] == centre["id"]


def test_region_refusals_beside_their_field(world, client):
    sign_in(client, "hq@a.example")
    url = f"{PLACES}regions/{world.ids['north']}"
    other = world.hq_b.post("/api/v1/regions", json={"name": "B-North"}).get_json()["id"]
    cases = [
        ({"parent_id": str(world.ids["north_east"])}, "parent_id", "cannot move below itself"),
        ({"parent_id": str(other)}, "parent_id", "not one of your organization"),
        ({"name": ""}, "name", "Required"),
    ]
    for change, field, message in cases:
        form = {**_form(client, url), "name": "North", "parent_id": "", **change}
        response = client.post(url, data=form)
        assert response.status_code == 422, change
        assert message in _error(response.text, field), change
    north = _region_names(world)["North"]
    assert north["parent_id"] is None


def test_delete_a_region_or_be_told_what_uses_it(world, client):
    sign_in(client, "hq@a.example")
    url = f"{PLACES}regions/{world.ids['north']}"
    refused = client.post(f"{url}/delete", data={"csrf_token": csrf_token(get_page(client, url))})
    assert refused.status_code == 409 and "still has sub-regions" in refused.text
    assert 'role="alert"' in refused.text and "North" in _region_names(world)
    empty = world.hq.post("/api/v1/regions", json={"name": "Empty"}).get_json()["id"]
    token = csrf_token(get_page(client, f"{PLACES}regions/{empty}"))
    deleted = client.post(f"{PLACES}regions/{empty}/delete", data={"csrf_token": token})
    assert deleted.status_code == 303 and "Empty" not in _region_names(world)


def test_add_a_location_and_its_refusals(world, client):
    sign_in(client, "hq@a.example")
    url = f"{PLACES}locations/new"
    cases = [
        ({"code": "N1"}, "code", "Another location of the organization has this code."),
        ({"code": "bad code!"}, "code", "Letters, digits"),
        ({"timezone": "Mars/Olympus"}, "timezone", "Not a known time zone"),
        ({"phone": "12"}, "phone", "international form"),
        ({"latitude": "north"}, "latitude", "Not a number."),
        ({"latitude": "91"}, "latitude", "90"),
        ({"geofence_m": "wide"}, "geofence_m", "Not a whole number."),
        ({"name": ""}, "name", "Required"),
    ]
    for change, field, message in cases:
        form = {**_form(client, url), **_location_form(world, "x1"), **change}
        response = client.post(url, data=form)
        assert response.status_code in (409, 422), (change, response.status_code)
        assert message in _error(response.text, field), change
    codes = {loc["code"] for loc in world.hq.get("/api/v1/locations").get_json()}
    assert codes == {"N1", "NE1", "S1"}
    form = {**_form(client, url), **_location_form(world, "x1", latitude="-33,45")}
    assert client.post(url, data=form).status_code == 303
    [x1] = world.hq.get("/api/v1/locations", query_string={"q": "X1"}).get_json()
    assert x1["latitude"] == -33.45 and x1["geofence_m"] == 150
    assert x1["region_id"] == world.ids["north"]


def test_moving_a_location_moves_its_scores(scored, client):
    before = _regions_scores(scored)
    assert before["North"] == (75.0, 4) and before["South"] == (66.67, 1)
    sign_in(client, "hq@a.example")
    url = f"{PLACES}locations/{scored.ids['n1']}"
    html = get_page(client, url)
    form = {
        name: re.search(rf'<input [^>]*name="{name}" [^>]*value="([^"]*)"', html).group(1)
        for name in ("code", "name", "address", "phone", "timezone", "latitude", "longitude")
    }
    form.update(_form(client, url), region_id=str(scored.ids["south"]))
    assert client.post(url, data=form).status_code == 303
    after = _regions_scores(scored)
    assert after["North"] == (66.67, 2) and after["South"] == (77.78, 3)
    tree = get_page(client, PLACES)
    south = tree[tree.index(f'data-region-id="{scored.ids["south"]}"') :]
    assert f'data-location-id="{scored.ids["n1"]}"' in south
    body = scored.hq.get(f"/api/v1/locations/{scored.ids['n1']}").get_json()
    assert body["region_id"] == scored.ids["south"] and body["code"] == "N1"
    # The console's region table reads the same roll-ups.
    regions = get_page(client, "/console/scores/regions", query_string=WINDOW)
    assert 'value="77.78' in regions or 'value="77.77' in regions


def test_delete_a_location_or_be_told_it_is_in_a_scope(world, client):
    sign_in(client, "hq@a.example")
    url = f"{PLACES}locations/{world.ids['s1']}"
    refused = client.post(f"{url}/delete", data={"csrf_token": csrf_token(get_page(client, url))})
    assert refused.status_code == 409 and "in their scope" in refused.text
    extra = world.hq.post("/api/v1/locations", json=location_payload("X9")).get_json()["id"]
    token = csrf_token(get_page(client, f"{PLACES}locations/{extra}"))
    deleted = client.post(f"{PLACES}locations/{extra}/delete", data={"csrf_token": token})
    assert deleted.status_code == 303
    assert world.hq.get(f"/api/v1/locations/{extra}").status_code == 404
    assert world.hq.get(f"/api/v1/locations/{world.ids['s1']}").status_code == 200


def test_names_are_shown_as_text(world, client):
    body = location_payload("XSS", name=SCRIPT, region_id=world.ids["south"])
    location_id = world.hq.post("/api/v1/locations", json=body).get_json()["id"]
    world.hq.patch(f"/api/v1/regions/{world.ids['south']}", json={"name": SCRIPT})
    sign_in(client, "hq@a.example")
    south = f"{PLACES}regions/{world.ids['south']}"
    for url in (PLACES, f"{PLACES}locations/{location_id}", south):
        html = get_page(client, url)
        assert SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


def test_a_post_without_the_csrf_token_is_refused(world, client):
    sign_in(client, "hq@a.example")
    assert client.post(f"{PLACES}regions/new", data={"name": "X"}).status_code == 400
    url = f"{PLACES}locations/{world.ids['n1']}/delete"
    assert client.post(url).status_code == 400
    assert "X" not in _region_names(world)
    assert world.hq.get(f"/api/v1/locations/{world.ids['n1']}").status_code == 200


def test_managers_get_403_and_other_organizations_404(world, client):
    sign_in(client, "manager_north@a.example")
    for url in (PLACES, f"{PLACES}regions/new", f"{PLACES}locations/{world.ids['n1']}"):
        assert client.get(url).status_code == 403, url
    token = csrf_token(get_page(client, "/console/review/"))
    client.post("/console/sign-out", data={"csrf_token": token})
    sign_in(client, "hq@b.example")
    for url in (f"{PLACES}regions/{world.ids['north']}", f"{PLACES}locations/{world.ids['n1']}"):
        assert client.get(url).status_code == 404, url
        token = csrf_token(get_page(client, PLACES))
        assert client.post(f"{url}/delete", data={"csrf_token": token}).status_code == 404
        assert client.post(url, data={"csrf_token": token, "name": "Mine"}).status_code == 404
    assert world.hq.get(f"/api/v1/locations/{world.ids['n1']}").get_json()["name"] == "Tienda N1"
    assert "North" in _region_names(world)


def test_spanish(world, client):
    sign_in(client, "hq@a.example")
    html = get_page(client, f"{PLACES}?lang=es")
    assert "Regiones y locales" in html and "Agregar una región" in html


def test_a_location_with_audits_stays(scored, client):
    # The API answered 500 here before (the audits' foreign key); now both say 409 in_use.
    api = scored.hq.delete(f"/api/v1/locations/{scored.ids['ne1']}")
    assert api.status_code == 409 and api.get_json()["reason"] == "in_use"
    sign_in(client, "hq@a.example")
    url = f"{PLACES}locations/{scored.ids['n1']}"
    refused = client.post(f"{url}/delete", data={"csrf_token": csrf_token(get_page(client, url))})
    assert refused.status_code == 409 and "stays for the record" in refused.text
    assert scored.hq.get(f"/api/v1/locations/{scored.ids['n1']}").status_code == 200
