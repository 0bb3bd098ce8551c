def test_world_builds(world):
    assert world.ids["n1"]
    r = world.manager_north.get("/api/v1/locations")
    assert r.status_code == 200, r.get_json()
    assert {l["code"] for l in r.get_json()} == {"N1", "NE1"}
