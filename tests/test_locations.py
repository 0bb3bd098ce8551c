"""Locations: CRUD, validation, scope, organization isolation, paging, ETags."""

from __future__ import annotations

import json

import pytest

from tests.support.helpers import created, location_payload

URL = "/api/v1/locations"


def codes(response) -> set[str]:
    assert response.status_code == 200, response.get_json()
    return {item["code"] for item in response.get_json()}


def test_create_returns_the_location_with_an_etag(hq, world):
    body = location_payload("CL-100", phone="+56 (2) 2233-4455", region_id=world.ids["south"])
    response = hq.post(URL, json=body)
    data = created(response)
    assert data["phone"] == "+56222334455"
    assert data["geofence_m"] == 150
    assert data["region_id"] == world.ids["south"]
    assert {"id", "code", "name", "address", "timezone", "latitude", "longitude"} <= set(data)
    assert response.headers["ETag"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("code", ""),
        ("code", "two words"),
        ("code", "x" * 41),
        ("name", "   "),
        ("address", None),
        ("phone", "call me maybe"),
        ("phone", "12"),
        ("phone", "2233 4455"),
        ("timezone", "Mars/Olympus_Mons"),
        ("timezone", "localtime"),
        ("latitude", 91),
        ("latitude", "north"),
        ("longitude", -180.5),
        ("geofence_m", 0),
        ("geofence_m", 2.5),
        ("region_id", "north"),
    ],
)
def test_each_invalid_field_is_a_422_naming_it(hq, world, field, value):
    response = hq.post(URL, json={**location_payload("X1"), field: value})
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert codes(hq.get(URL, query_string={"q": "X1"})) == set()


def test_missing_fields_and_unknown_fields_are_named(hq, world):
    response = hq.post(URL, json={"code": "X2", "colour": "blue"})
    errors = response.get_json()["errors"]
    assert response.status_code == 422
    assert {"name", "address", "phone", "timezone", "latitude", "longitude", "colour"} <= set(
        errors
    )


def test_region_of_another_org_is_a_422_on_region_id(hq, world):
    other = created(world.hq_b.post("/api/v1/regions", json={"name": "B region"}))["id"]
    response = hq.post(URL, json=location_payload("X3", region_id=other))
    assert response.status_code == 422
    assert "region_id" in response.get_json()["errors"]


def test_code_is_unique_per_org_only(hq, world):
    response = hq.post(URL, json=location_payload("N1"))
    assert response.status_code == 409
    assert "code" in response.get_json()["errors"]
    created(world.hq_b.post(URL, json=location_payload("N1")))


def test_each_role_lists_only_its_scope(world):
    assert codes(world.hq.get(URL)) == {"N1", "NE1", "S1"}
    assert codes(world.manager_north.get(URL)) == {"N1", "NE1"}
    assert codes(world.manager_s1.get(URL)) == {"S1"}
    assert codes(world.auditor.get(URL)) == set()
    assert codes(world.hq_b.get(URL)) == {"B1"}


def test_filter_by_region_includes_regions_below(hq, world):
    assert codes(hq.get(URL, query_string={"region_id": world.ids["north"]})) == {"N1", "NE1"}
    assert codes(hq.get(URL, query_string={"region_id": world.ids["north_east"]})) == {"NE1"}


def test_text_search_ignores_case_and_accents(hq, world):
    created(hq.post(URL, json=location_payload("CL-003", name="Ñuñoa")))
    assert codes(hq.get(URL, query_string={"q": "nunoa"})) == {"CL-003"}
    assert codes(hq.get(URL, query_string={"q": "cl-0"})) == {"CL-003"}
    assert codes(hq.get(URL, query_string={"q": "%"})) == set()


def test_lists_are_paged_with_totals_in_a_header(hq, world):
    response = hq.get(URL, query_string={"page": 2, "page_size": 2})
    assert codes(response) == {"S1"}
    paging = json.loads(response.headers["X-Pagination"])
    assert paging["total"] == 3 and paging["total_pages"] == 2 and paging["page"] == 2
    too_big = hq.get(URL, query_string={"page_size": 1000})
    assert too_big.status_code == 422
    assert "page_size" in too_big.get_json()["errors"]


@pytest.mark.parametrize(
    ("who", "target", "status"),
    [
        ("manager_north", "s1", 404),
        ("manager_s1", "n1", 404),
        ("auditor", "n1", 404),
        ("hq_b", "n1", 404),
        ("hq", "b1", 404),
        ("manager_north", "ne1", 200),
        ("manager_s1", "s1", 200),
    ],
)
def test_read_outside_org_or_scope_is_404(world, who, target, status):
    response = getattr(world, who).get(f"{URL}/{world.ids[target]}")
    assert response.status_code == status


def test_managers_and_auditors_may_read_but_not_write(world):
    url = f"{URL}/{world.ids['n1']}"
    for caller in (world.manager_north, world.auditor):
        assert caller.post(URL, json=location_payload("Z9")).status_code == 403
        assert caller.patch(url, json={"name": "Mine"}).status_code == 403
        assert caller.delete(url).status_code == 403
    assert world.hq.get(url).get_json()["name"] == "Tienda N1"


def test_other_org_cannot_change_or_delete(world):
    url = f"{URL}/{world.ids['n1']}"
    assert world.hq_b.patch(url, json={"name": "Stolen"}).status_code == 404
    assert world.hq_b.delete(url).status_code == 404


def test_patch_honours_if_match(hq, world):
    url = f"{URL}/{world.ids['n1']}"
    etag = hq.get(url).headers["ETag"]
    first = hq.patch(url, json={"name": "Renamed"}, headers={"If-Match": etag})
    assert first.status_code == 200 and first.get_json()["name"] == "Renamed"
    assert first.headers["ETag"] != etag
    stale = hq.patch(url, json={"name": "Lost update"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert hq.get(url).get_json()["name"] == "Renamed"
    # Without If-Match the client accepts last-writer-wins.
    assert hq.patch(url, json={"geofence_m": 300}).get_json()["geofence_m"] == 300


def test_not_modified_is_not_needed_but_etag_is_stable(hq, world):
    url = f"{URL}/{world.ids['n1']}"
    assert hq.get(url).headers["ETag"] == hq.get(url).headers["ETag"]


def test_patch_validates_and_keeps_the_code_unique(hq, world):
    url = f"{URL}/{world.ids['n1']}"
    assert hq.patch(url, json={"code": "S1"}).status_code == 409
    bad = hq.patch(url, json={"timezone": "Nowhere/Land"})
    assert bad.status_code == 422 and "timezone" in bad.get_json()["errors"]
    assert hq.get(url).get_json()["code"] == "N1"


def test_delete(hq, world):
    url = f"{URL}/{world.ids['ne1']}"
    assert hq.delete(url).status_code == 204
    assert hq.get(url).status_code == 404
    # s1 is in manager_s1's scope: removing it would silently shrink that scope.
    assert hq.delete(f"{URL}/{world.ids['s1']}").status_code == 409


def test_anonymous_is_401(client, world):
    assert client.get(URL).status_code == 401
    assert client.post(URL, json=location_payload("A1")).status_code == 401
