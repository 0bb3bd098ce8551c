"""Scorecards, league tables, region roll-ups and failure rates on hand-computed fixtures."""

from __future__ import annotations

import math

from tests.support.score_fixtures import WINDOW


def test_scorecard_on_hand_computed_numbers(scored):
    url = f"/api/v1/locations/{scored.ids['n1']}/scorecard"
    card = scored.hq.get(url, query_string=WINDOW).get_json()
    assert (card["location_id"], card["from"], card["to"]) == (scored.ids["n1"], *WINDOW.values())
    mean = (100 + 200 / 3) / 2
    sd = math.sqrt(2 * (100 / 6) ** 2)
    half = 1.96 * sd / math.sqrt(2)
    assert card["score"] == {
        "mean": round(mean, 2),
        "n": 2,
        "sd": round(sd, 2),
        "ci95": [round(mean - half, 2), round(mean + half, 2)],
    }
    assert card["sections"] == [
        {"key": "a", "mean": 75.0, "n": 2},
        {"key": "b", "mean": 100.0, "n": 2},
    ]
    assert card["by_kind"]["visit"]["n"] == 2 and "call" not in card["by_kind"]
    # 23:30 in Santiago on Oct 31 is already Nov 1 in UTC: it counts for October.
    assert card["trend"] == [
        {"period": "2026-10", "mean": 100.0, "n": 1},
        {"period": "2026-11", "mean": 66.67, "n": 1},
    ]
    assert card["change"] == round(mean - 100 / 3, 2)
    assert card["failing_items"] == [
        {"checklist_key": "mini", "item": "x2", "failure_rate": 0.5, "failed": 1, "n": 2}
    ]
    assert [a["overall"] for a in card["latest_audits"]] == [66.67, 100.0]


def test_a_single_audit_has_no_interval(scored):
    url = f"/api/v1/locations/{scored.ids['s1']}/scorecard"
    score = scored.hq.get(url, query_string=WINDOW).get_json()["score"]
    assert score == {"mean": 66.67, "n": 1, "sd": None, "ci95": None}


def test_league_table_ranks_ties_together(scored):
    rows = scored.hq.get("/api/v1/scores/locations", query_string=WINDOW).get_json()
    assert [(r["code"], r["mean"], r["n"], r["rank"]) for r in rows] == [
        ("N1", 83.33, 2, 1),
        ("NE1", 66.67, 2, 2),
        ("S1", 66.67, 1, 2),
    ]
    assert rows[0]["change"] == round((100 + 200 / 3) / 2 - 100 / 3, 2)
    assert rows[1]["change"] is None
    at_least_two = scored.hq.get(
        "/api/v1/scores/locations", query_string={**WINDOW, "min_n": 2}
    ).get_json()
    assert [r["code"] for r in at_least_two] == ["N1", "NE1"]
    north = scored.hq.get(
        "/api/v1/scores/locations", query_string={**WINDOW, "region_id": scored.ids["north"]}
    ).get_json()
    assert [r["code"] for r in north] == ["N1", "NE1"]
    calls = scored.hq.get("/api/v1/scores/locations", query_string={**WINDOW, "kind": "call"})
    assert calls.get_json() == []


def test_regions_roll_up_their_descendants(scored):
    rows = scored.hq.get("/api/v1/scores/regions", query_string=WINDOW).get_json()
    assert [(r["name"], r["mean"], r["n"], r["rank"]) for r in rows] == [
        ("North", 75.0, 4, 1),
        ("North-East", 66.67, 2, 2),
        ("South", 66.67, 1, 2),
    ]


def test_item_failure_rates(scored):
    rows = scored.hq.get("/api/v1/scores/items", query_string=WINDOW).get_json()
    rates = {r["item"]: (r["failed"], r["n"]) for r in rows}
    assert rates == {"x2": (2, 5), "x1": (1, 5), "y1": (1, 5)}
    assert rows[0]["item"] == "x2" and rows[0]["failure_rate"] == 0.4


def test_scores_are_scoped(scored):
    url = f"/api/v1/locations/{scored.ids['n1']}/scorecard"
    assert scored.manager_s1.get(url).status_code == 404
    assert scored.hq_b.get(url).status_code == 404
    assert scored.auditor.get(url).status_code == 403
    north = scored.manager_north.get("/api/v1/scores/locations", query_string=WINDOW).get_json()
    assert [r["code"] for r in north] == ["N1", "NE1"]
    regions = scored.manager_north.get("/api/v1/scores/regions", query_string=WINDOW).get_json()
    assert [r["name"] for r in regions] == ["North", "North-East"]
    items = scored.manager_s1.get("/api/v1/scores/items", query_string=WINDOW).get_json()
    assert {(r["item"], r["n"]) for r in items} == {("x1", 1), ("x2", 1), ("y1", 1)}
    assert scored.hq_b.get("/api/v1/scores/locations", query_string=WINDOW).get_json() == []
    for path in ("/api/v1/scores/locations", "/api/v1/scores/regions", "/api/v1/scores/items"):
        assert scored.auditor.get(path).status_code == 403


def test_bad_windows_are_named(scored):
    bad = scored.hq.get(
        "/api/v1/scores/locations", query_string={"from": "2026-12-01", "to": "2026-11-01"}
    )
    assert bad.status_code == 422 and "from" in bad.get_json()["errors"]
    assert scored.hq.get("/api/v1/scores/items", query_string={"min_n": 0}).status_code == 422
    assert scored.hq.get("/api/v1/scores/items", query_string={"to": "soon"}).status_code == 422


def test_tables_are_what_their_schemas_give(scored):
    """The tables skip the schema on the way out (speed): what they send is what it would."""
    from audit_api.reports.schemas import ItemRateOut, LocationRankOut, RegionRankOut

    for path, schema in (
        ("/api/v1/scores/locations", LocationRankOut(many=True)),
        ("/api/v1/scores/regions", RegionRankOut(many=True)),
        ("/api/v1/scores/items", ItemRateOut(many=True)),
    ):
        rows = scored.hq.get(path, query_string=WINDOW).get_json()
        assert rows and schema.dump(rows) == rows
        assert all(set(row) == set(schema.fields) for row in rows)
