"""Inputs at the edges the fuzzer found: huge ids and pages, far-off dates (4xx, never 500)."""

from __future__ import annotations

HUGE = str(2**70)


def test_huge_ids_in_paths_bodies_and_queries_are_4xx(world):
    assert world.hq.get(f"/api/v1/locations/{HUGE}").status_code == 404
    assert world.hq.get(f"/api/v1/locations/{2**31}").status_code == 404
    body = {"name": "Zona", "parent_id": 2**40}
    response = world.hq.post("/api/v1/regions", json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "parent_id": ["must be an id between 1 and 2147483647"]
    }
    listed = world.hq.get("/api/v1/audits", query_string={"location_id": HUGE})
    assert listed.status_code == 422 and "location_id" in listed.get_json()["errors"]
    scope = {
        "email": "x@a.example",
        "name": "X",
        "role": "manager",
        "password": "long enough pw",
        "scope": {"region_ids": [2**40]},
    }
    refused = world.hq.post("/api/v1/users", json=scope)
    assert refused.status_code == 422 and "scope.region_ids[0]" in refused.get_json()["errors"]


def test_a_page_far_past_the_end_is_empty(world):
    response = world.hq.get("/api/v1/locations", query_string={"page": HUGE, "page_size": 100})
    assert response.status_code == 200 and response.get_json() == []


def test_windows_far_from_now_are_refused_by_name(world):
    response = world.hq.get("/api/v1/scores/locations", query_string={"from": "0594-03-09"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"from": ["must be 1970-01-01 to 2100-12-31"]}
    assert world.hq.get("/api/v1/scores/items", query_string={"min_n": HUGE}).status_code == 422


def test_text_with_nul_characters_is_refused_by_name(world):
    body = {"name": "Zona\x00Norte", "parent_id": None}
    response = world.hq.post("/api/v1/regions", json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"name": ["must not contain NUL characters"]}
    query = world.hq.get("/api/v1/users", query_string={"q": "ana\x00"})
    assert query.status_code == 422 and "q" in query.get_json()["errors"]
    nested = {
        "email": "n@a.example",
        "name": "N",
        "role": "manager",
        "password": "long password",
        "scope": {"region_ids": [], "x\x00": 1},
    }
    deep = world.hq.post("/api/v1/users", json=nested)
    assert deep.status_code == 422 and "scope.x\x00" in deep.get_json()["errors"]
    assert world.hq.get("/api/v1/checklists/a%00b").status_code == 422
