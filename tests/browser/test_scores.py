"""In a real browser: a manager reads the league table and a scorecard, sees both change after
an approval, filters with htmx, resolves an action with a phone photo, and exports; axe on
every page, screenshots of each (phone and laptop)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support.action_helpers import VOICEMAIL, actions_of, approved_call
from tests.support.browser import check_axe, shoot, sign_in
from tests.support.camera import camera_photos
from tests.support.score_fixtures import WINDOW, audit

pytestmark = pytest.mark.slow

QUERY = f"from={WINDOW['from']}&to={WINDOW['to']}"


def _row(page: Page, code: str):
    return page.locator("table.league tbody tr", has=page.get_by_role("link", name=code))


def test_scores_change_after_an_approval(page: Page, scored):
    n1 = scored.ids["n1"]
    sign_in(page, "manager_north@a.example")
    page.goto(f"/console/scores/?{QUERY}")
    expect(page.get_by_role("heading", name="League table")).to_be_visible()
    expect(_row(page, "N1").locator("td.mean")).to_have_text("83.3")
    expect(_row(page, "N1").locator("td.n")).to_have_text("2")
    check_axe(page)
    shoot(page, "league")

    page.goto(f"/console/scores/locations/{n1}?{QUERY}")
    expect(page.locator("#stat-mean .stat-value")).to_have_text("83.3")
    expect(page.locator("#trend-chart")).to_be_visible()  # drawn by Chart.js from the data block
    expect(page.locator("details.chart-table")).not_to_have_attribute("open", "")
    check_axe(page)
    shoot(page, "scorecard")
    page.goto(f"/console/scores/locations/{n1}?{QUERY}&lang=es")  # kept for the session
    expect(page.locator("#stat-mean .stat-value")).to_have_text("83,3")
    expect(page.get_by_role("heading", name="Tendencia mensual")).to_be_visible()
    check_axe(page)
    shoot(page, "scorecard-es")
    page.goto(f"/console/scores/locations/{n1}?{QUERY}&lang=en")

    # Another visit of n1 is submitted and approved (through the API): 66.67.
    audit(scored, "manager_north", "n1", "2026-11-15T12:00:00-03:00", x1=False)
    page.reload()
    expect(page.locator("#stat-mean .stat-value")).to_have_text("77.8")
    expect(page.locator("#stat-mean .stat-note")).to_contain_text("3 approved audits")
    page.get_by_role("link", name="League table").first.click()
    page.goto(f"/console/scores/?{QUERY}")
    expect(_row(page, "N1").locator("td.mean")).to_have_text("77.8")
    expect(_row(page, "N1").locator("td.n")).to_have_text("3")


def test_league_filters_swap_the_results_in_place(page: Page, scored):
    sign_in(page, "hq@a.example")
    page.goto(f"/console/scores/?{QUERY}")
    expect(page.locator("table.league tbody tr")).to_have_count(3)
    page.evaluate("window.__kept = true")  # gone if the page were loaded again
    page.get_by_label("Region").select_option(label="North-East")
    expect(page.locator("table.league tbody tr")).to_have_count(1)
    expect(_row(page, "NE1")).to_be_visible()
    assert page.evaluate("window.__kept === true")
    assert f"region_id={scored.ids['north_east']}" in page.url
    page.goto(f"/console/scores/regions?{QUERY}")
    expect(page.locator("table.regions tbody tr")).to_have_count(3)
    check_axe(page)
    shoot(page, "regions")


def test_scorecard_without_javascript_shows_the_numbers_as_a_table(browser, live_server, scored):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, "manager_north@a.example")
    page.goto(f"/console/scores/locations/{scored.ids['n1']}?{QUERY}")
    expect(page.locator("#trend-chart")).to_be_hidden()
    table = page.locator("table.trend-table")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(2)
    context.close()


def test_resolve_an_action_with_a_phone_photo(page: Page, world, tmp_path):
    approved_call(world, **VOICEMAIL)
    [action] = actions_of(world.hq)
    photo = tmp_path / "arreglo.jpg"
    photo.write_bytes(camera_photos()["iphone.jpg"].data)
    sign_in(page, "manager_north@a.example")
    page.goto("/console/actions/")
    check_axe(page)
    shoot(page, "actions")
    assert action["title"] == "¿Quién contestó?"  # the default: the checklist's first language
    page.get_by_role("link", name="Who answered?").click()  # the page's language
    page.get_by_label("What was done").fill("Se capacitó al equipo en el saludo.")
    page.get_by_label("Photo of the work").set_input_files(str(photo))
    check_axe(page)
    shoot(page, "action-resolve")
    page.get_by_role("button", name="Mark as resolved").click()
    expect(page.get_by_text("Action resolved.")).to_be_visible()
    expect(page.locator(".thumbs img")).to_have_count(1)
    # The thumbnail loads after the page: wait for its pixels rather than read them at once.
    page.locator(".thumbs img").evaluate(
        "img => img.complete ? null : new Promise(done => img.addEventListener('load', done))"
    )
    assert page.locator(".thumbs img").evaluate("img => img.naturalWidth") > 0
    body = world.hq.get(f"/api/v1/actions/{action['id']}").get_json()
    assert body["status"] == "resolved" and len(body["resolution"]["photo_ids"]) == 1
    check_axe(page)


def test_export_from_the_form(page: Page, scored):
    sign_in(page, "hq@a.example")
    page.goto("/console/exports/")
    check_axe(page)
    shoot(page, "exports")
    page.get_by_label("Visits from").fill(WINDOW["from"])
    page.get_by_label("Visits to").fill(WINDOW["to"])
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    download = info.value
    assert download.suggested_filename.startswith("audits-")
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert len(rows) == 5 and {r["location_code"] for r in rows} == {"N1", "NE1", "S1"}
