"""Regions: the tree, its validation, scope and organization isolation."""

from __future__ import annotations

import pytest

from tests.support.helpers import created

URL = "/api/v1/regions"


def names(response) -> set[str]:
    assert response.status_code == 200, response.get_json()
    return {item["name"] for item in response.get_json()}


def test_create_and_read(hq, world):
    region = created(hq.post(URL, json={"name": "  Andina ", "parent_id": world.ids["south"]}))
    assert region["name"] == "Andina" and region["parent_id"] == world.ids["south"]
    assert hq.get(f"{URL}/{region['id']}").get_json() == region


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "Ok", "parent_id": "north"}, "parent_id"),
        ({"name": "Ok", "parent_id": 999999}, "parent_id"),
        ({"name": "Ok", "colour": "red"}, "colour"),
    ],
)
def test_invalid_input_is_a_422_naming_the_field(hq, world, body, field):
    response = hq.post(URL, json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_parent_in_another_org_is_refused(hq, world):
    other = created(world.hq_b.post(URL, json={"name": "B"}))["id"]
    response = hq.post(URL, json={"name": "Sneaky", "parent_id": other})
    assert response.status_code == 422 and "parent_id" in response.get_json()["errors"]


def test_a_region_cannot_move_below_itself(hq, world):
    url = f"{URL}/{world.ids['north']}"
    for parent in (world.ids["north"], world.ids["north_east"]):
        response = hq.patch(url, json={"parent_id": parent})
        assert response.status_code == 422
        assert "parent_id" in response.get_json()["errors"]
    moved = hq.patch(f"{URL}/{world.ids['north_east']}", json={"parent_id": None})
    assert moved.status_code == 200 and moved.get_json()["parent_id"] is None


def test_managers_see_their_subtrees_and_auditors_nothing(world):
    assert names(world.hq.get(URL)) == {"North", "North-East", "South"}
    assert names(world.manager_north.get(URL)) == {"North", "North-East"}
    assert names(world.manager_s1.get(URL)) == set()
    assert world.auditor.get(URL).status_code == 403
    assert names(world.hq_b.get(URL)) == set()


def test_filters(hq, world):
    assert names(hq.get(URL, query_string={"parent_id": world.ids["north"]})) == {"North-East"}
    assert names(hq.get(URL, query_string={"q": "EAST"})) == {"North-East"}


@pytest.mark.parametrize(
    ("who", "target"),
    [("manager_north", "south"), ("hq_b", "north"), ("manager_s1", "south")],
)
def test_read_outside_scope_or_org_is_404(world, who, target):
    assert getattr(world, who).get(f"{URL}/{world.ids[target]}").status_code == 404


def test_only_hq_writes(world):
    url = f"{URL}/{world.ids['north']}"
    assert world.manager_north.post(URL, json={"name": "Mine"}).status_code == 403
    assert world.manager_north.patch(url, json={"name": "Mine"}).status_code == 403
    assert world.manager_north.delete(url).status_code == 403
    assert world.hq_b.patch(url, json={"name": "Theirs"}).status_code == 404


def test_patch_honours_if_match(hq, world):
    url = f"{URL}/{world.ids['south']}"
    etag = hq.get(url).headers["ETag"]
    assert hq.patch(url, json={"name": "Sur"}, headers={"If-Match": etag}).status_code == 200
    assert hq.patch(url, json={"name": "Sud"}, headers={"If-Match": etag}).status_code == 412
    assert hq.delete(url, headers={"If-Match": etag}).status_code == 412
    assert hq.get(url).get_json()["name"] == "Sur"


def test_delete_refuses_regions_in_use(hq, world):
    assert hq.delete(f"{URL}/{world.ids['north']}").status_code == 409  # has sub-regions
    assert hq.delete(f"{URL}/{world.ids['north_east']}").status_code == 409  # has locations
    empty = created(hq.post(URL, json={"name": "Empty"}))["id"]
    assert hq.delete(f"{URL}/{empty}").status_code == 204
    assert hq.get(f"{URL}/{empty}").status_code == 404


def test_delete_refuses_a_region_in_a_managers_scope(hq, world):
    lonely = created(hq.post(URL, json={"name": "Lonely"}))["id"]
    body = {"scope": {"region_ids": [lonely]}}
    assert hq.patch(f"/api/v1/users/{world.ids['manager_s1']}", json=body).status_code == 200
    assert hq.delete(f"{URL}/{lonely}").status_code == 409
