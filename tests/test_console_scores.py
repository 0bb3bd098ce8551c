"""Console score pages: the scorecard, league table and regions show the API's numbers for the
same window; filters (htmx partial and plain GET); who may see what; escaping; Spanish."""

from __future__ import annotations

import json
import re

import pytest

from tests.support.console_pages import block, cell, get_page, numbers, rows, sign_in
from tests.support.score_fixtures import WINDOW

QUERY = {"from": WINDOW["from"], "to": WINDOW["to"]}


def _card(scored, caller, key):
    url = f"/api/v1/locations/{scored.ids[key]}/scorecard"
    return caller.get(url, query_string=WINDOW).get_json()


def test_the_scorecard_shows_the_apis_numbers(scored, client):
    sign_in(client, "manager_north@a.example")
    card = _card(scored, scored.manager_north, "n1")
    html = get_page(client, f"/console/scores/locations/{scored.ids['n1']}", query_string=QUERY)
    assert numbers(block(html, "stat-mean")) == [card["score"]["mean"]]
    assert f"{card['score']['n']} approved audits" in block(html, "stat-mean")
    keys = {a["checklist_key"] for a in card["latest_audits"]}
    assert keys and not any(f'<td class="wide">{key}</td>' in html for key in keys)  # titles
    low, high = card["score"]["ci95"]
    shown = [max(low, 0), min(high, 100), card["score"]["sd"]]  # no score lies outside 0-100
    assert numbers(block(html, "stat-interval")) == shown
    assert numbers(block(html, "stat-change")) == [card["change"]]
    sections = rows(html, "data-section")
    assert {k: numbers(v)[0] for k, v in sections.items()} == {
        s["key"]: s["mean"] for s in card["sections"]
    }
    failing = rows(html, "data-item")
    assert {k: numbers(v)[0] for k, v in failing.items()} == {
        i["item"]: i["failure_rate"] for i in card["failing_items"]
    }
    # Items and sections by their text in the page's language, not their keys.
    assert "x2 (en)" in failing["x2"] and "a (en)" in sections["a"]
    latest = rows(html, "data-audit-id")
    assert list(latest) == [a["id"] for a in card["latest_audits"]]
    assert [numbers(r)[0] for r in latest.values()] == [a["overall"] for a in card["latest_audits"]]
    # The chart's data block and the table beside it carry the same months and means.
    data = json.loads(re.search(r'id="trend-data">(.*?)</script>', html, re.S).group(1))
    assert data["labels"] == [t["period"] for t in card["trend"]]
    assert data["values"] == [t["mean"] for t in card["trend"]]
    trend = block(html, "trend-title")
    assert numbers(trend) == [t["mean"] for t in card["trend"]]
    # The page loads its chart code from files, never inline.
    assert "<script>" not in html and 'src="/console/static/scores.js"' in html


def test_the_default_window_is_the_apis_default(scored, client):
    sign_in(client, "hq@a.example")
    card = scored.hq.get(f"/api/v1/locations/{scored.ids['n1']}/scorecard").get_json()
    html = get_page(client, f"/console/scores/locations/{scored.ids['n1']}")
    assert f"Score from {card['from']} to {card['to']}" in html
    assert numbers(block(html, "stat-mean")) == (
        [card["score"]["mean"]] if card["score"]["n"] else []
    )


def test_a_single_audit_has_no_interval(scored, client):
    sign_in(client, "hq@a.example")
    html = get_page(client, f"/console/scores/locations/{scored.ids['s1']}", query_string=QUERY)
    assert numbers(block(html, "stat-interval")) == []
    assert "Needs at least two audits." in html


def test_the_league_table_shows_the_apis_rows(scored, client):
    sign_in(client, "hq@a.example")
    api = scored.hq.get("/api/v1/scores/locations", query_string=WINDOW).get_json()
    html = get_page(client, "/console/scores/", query_string=QUERY)
    shown = rows(html, "data-location-id")
    assert [int(k) for k in shown] == [r["location_id"] for r in api]
    for row in api:
        markup = shown[str(row["location_id"])]
        assert float(cell(markup, "mean")) == row["mean"]
        assert int(cell(markup, "n")) == row["n"]
        assert row["code"] in markup
        assert f"/console/scores/locations/{row['location_id']}?" in markup
    change = numbers(shown[str(api[0]["location_id"])])
    assert api[0]["change"] in change


def test_league_filters_as_a_plain_form_and_as_an_htmx_partial(scored, client):
    sign_in(client, "hq@a.example")
    query = {**QUERY, "region_id": scored.ids["north"]}
    api = scored.hq.get("/api/v1/scores/locations", query_string={**WINDOW, **query}).get_json()
    html = get_page(client, "/console/scores/", query_string=query)
    assert [int(k) for k in rows(html, "data-location-id")] == [r["location_id"] for r in api]
    assert {r["code"] for r in api} == {"N1", "NE1"}
    partial = get_page(
        client, "/console/scores/", query_string=query, headers={"HX-Request": "true"}
    )
    assert "<html" not in partial and "<form" not in partial
    assert rows(partial, "data-location-id") == rows(html, "data-location-id")
    calls = get_page(client, "/console/scores/", query_string={**QUERY, "kind": "call"})
    assert rows(calls, "data-location-id") == {} and "No approved audits" in calls


def test_a_filter_value_not_offered_falls_back_and_says_so(scored, client):
    sign_in(client, "manager_north@a.example")
    html = get_page(client, "/console/scores/", query_string={"days": "7", "kind": "walk"})
    assert html.count('class="field-error"') == 2
    html = get_page(
        client, "/console/scores/", query_string={"from": "2026-11-30", "to": "2026-10-01"}
    )
    assert "must not be before the first day" in html


def test_the_regions_roll_up_shows_the_apis_rows(scored, client):
    sign_in(client, "hq@a.example")
    api = scored.hq.get("/api/v1/scores/regions", query_string=WINDOW).get_json()
    html = get_page(client, "/console/scores/regions", query_string=QUERY)
    shown = rows(html, "data-region-id")
    assert [int(k) for k in shown] == [r["region_id"] for r in api]
    for row in api:
        assert float(cell(shown[str(row["region_id"])], "mean")) == row["mean"]
        assert int(cell(shown[str(row["region_id"])], "n")) == row["n"]


def test_a_manager_sees_only_the_scope(scored, client):
    sign_in(client, "manager_s1@a.example")
    html = get_page(client, "/console/scores/", query_string=QUERY)
    assert [int(k) for k in rows(html, "data-location-id")] == [scored.ids["s1"]]
    get_page(client, f"/console/scores/locations/{scored.ids['n1']}", 404)
    get_page(client, f"/console/scores/locations/{scored.ids['s1']}", 200)


def test_another_organization_sees_a_404(scored, client):
    sign_in(client, "hq@b.example")
    get_page(client, f"/console/scores/locations/{scored.ids['n1']}", 404)
    html = get_page(client, "/console/scores/", query_string=QUERY)
    assert rows(html, "data-location-id") == {}


@pytest.mark.parametrize("path", ["/console/scores/", "/console/scores/regions", "SCORECARD"])
def test_auditors_get_the_403_page(world, client, path):
    sign_in(client, "auditor@a.example")
    path = path.replace("SCORECARD", f"/console/scores/locations/{world.ids['n1']}")
    get_page(client, path, 403)


def test_signed_out_goes_to_sign_in(world, client):
    response = client.get("/console/scores/")
    assert response.status_code in (302, 303) and "/console/sign-in" in response.location


def test_a_hostile_location_name_is_shown_as_text(scored, client):
    hostile = {"name": "<script>alert(1)</script>"}
    assert scored.hq.patch(f"/api/v1/locations/{scored.ids['s1']}", json=hostile).status_code == 200
    sign_in(client, "hq@a.example")
    for path in ("/console/scores/", f"/console/scores/locations/{scored.ids['s1']}"):
        html = get_page(client, path, query_string=QUERY)
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_spanish_pages_use_a_decimal_comma(scored, client):
    sign_in(client, "hq@a.example")
    html = get_page(
        client,
        f"/console/scores/locations/{scored.ids['n1']}",
        query_string=QUERY,
        headers={"Accept-Language": "es"},
    )
    assert '<data value="83.33">83,3</data>' in html
    assert "Puntaje medio" in html
