"""HQ in a real browser: a schedule made with the recurrence builder, its preview swapped in
place (nothing stored), then saved; a webhook endpoint's page with a delivery to a loopback
receiver. axe on every page visited; screenshots of the builder with its preview and of the
endpoint page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import check_axe, shoot, sign_in
from tests.support.receiver import Receiver
from tests.support.schedule_helpers import SCHEDULES
from tests.support.webhook_helpers import HOOKS, register, settle

pytestmark = pytest.mark.slow


def test_hq_builds_previews_and_saves_a_schedule(page, world, app):
    sign_in(page, "hq@a.example")
    page.get_by_role("link", name="Schedules").click()
    expect(page.get_by_role("heading", name="Schedules")).to_be_visible()
    check_axe(page)
    page.get_by_role("button", name="New schedule").click()
    expect(page.get_by_role("heading", name="New schedule")).to_be_visible()
    check_axe(page)

    page.get_by_label("Name", exact=True).fill("Second Tuesday <b>calls</b>")
    page.get_by_label("Checklist", exact=True).select_option("self-call")
    # A refusal comes back beside its control, swapped in place; what was typed stays.
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("Choose at least one location.")).to_be_visible()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Second Tuesday <b>calls</b>")
    check_axe(page)
    page.get_by_label("N1 Tienda N1", exact=True).check()
    page.get_by_label("NE1 Tienda NE1", exact=True).check()
    page.get_by_label("Repeats").select_option("MONTHLY")
    page.get_by_label("A weekday of the month").check()
    page.get_by_label("Which one").select_option("2")
    page.get_by_label("Weekday", exact=True).select_option("TU")
    page.get_by_label("Time of day, on each location's clock").fill("10:00")
    page.get_by_label("auditor", exact=True).check()
    page.get_by_label(re.compile("^Lockout days")).fill("0")

    # Preview: htmx swaps the editor in place (no page load) and nothing is stored.
    page.evaluate("window.__same_page = true")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview")).to_be_visible()
    assert page.evaluate("window.__same_page === true")
    expect(page.get_by_label("Resulting rule (RFC 5545), updated by Preview")).to_have_value(
        "FREQ=MONTHLY;BYDAY=2TU"
    )
    expect(page.get_by_text("Every month on the second Tuesday at 10:00")).to_be_visible()
    rows = page.locator("#preview tbody tr")
    expect(rows.first).to_contain_text("10:00")
    expect(rows.first).to_contain_text("auditor")
    assert world.hq.get(SCHEDULES).get_json() == []
    check_axe(page)
    shoot(page, "schedule-builder")

    page.get_by_role("button", name="Create schedule").click()
    expect(page.get_by_text("Schedule created.")).to_be_visible()
    expect(page.get_by_role("heading", name="Second Tuesday <b>calls</b>")).to_be_visible()
    [saved] = world.hq.get(SCHEDULES).get_json()
    assert saved["rrule"] == "FREQ=MONTHLY;BYDAY=2TU" and saved["time_of_day"] == "10:00"
    check_axe(page)
    page.get_by_role("link", name="Schedules").first.click()
    expect(page.get_by_text("Every month on the second Tuesday at 10:00")).to_be_visible()
    check_axe(page)

    # A webhook endpoint's page with a delivery (to a receiver on loopback).
    with Receiver([500]) as receiver:
        made = register(world.hq, receiver.url, ["audit.approved"])
        receiver.secret = made["secret"]
        assert world.hq.post(f"{HOOKS}/{made['id']}/test").status_code == 202
        settle(app)
    page.get_by_role("link", name="Webhooks").click()
    check_axe(page)
    page.get_by_role("link", name=receiver.url).click()
    expect(page.locator("tr[data-delivery-id]").first).to_contain_text("succeeded")
    check_axe(page)
    shoot(page, "webhook-endpoint")
