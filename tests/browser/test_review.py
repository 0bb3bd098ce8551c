"""The manager's review flow in a real browser (Chromium through Playwright): sign in, find
a submitted audit in the queue, open it, see its photo and signals, return it with a note,
approve another; another region's audit is the 404 page. axe runs on every page visited."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import check_axe, shoot, sign_in
from tests.support.console_helpers import AUDITS, BUENOS_AIRES, IN_VISIT, submitted_visit
from tests.support.photo_helpers import jpeg

pytestmark = pytest.mark.slow


def test_a_manager_reviews_the_queue(page, world):
    far = submitted_visit(world, photo=jpeg(seed=5, taken=IN_VISIT["taken"], gps=BUENOS_AIRES))
    other = submitted_visit(world, location="ne1", facilities_available="none")

    page.goto("/console/")
    assert "/console/sign-in" in page.url
    check_axe(page)
    shoot(page, "sign-in")
    sign_in(page, "manager_north@a.example")

    # The queue: both audits, the older first, the far photo flagged.
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    rows = page.locator("#queue tbody tr")
    expect(rows).to_have_count(2)
    assert "Far from the location" in rows.nth(0).inner_text()
    check_axe(page)
    shoot(page, "review-queue")

    # Filtering (htmx swaps the list; the URL follows).
    page.get_by_label("Location").fill("NE1")
    page.get_by_label("Location").press("Enter")
    page.wait_for_url(re.compile(r"q=NE1"))
    expect(page.locator("#queue tbody tr")).to_have_count(1)
    page.goto("/console/review/")

    # The audit: its photo (thumbnail loaded through the console) and signals.
    page.locator("#queue tbody tr").nth(0).get_by_role("link").click()
    page.wait_for_url(f"**/console/review/audits/{far}")
    thumbnail = page.get_by_role("img", name=re.compile("Photo 1"))
    expect(thumbnail).to_be_visible()
    thumbnail.scroll_into_view_if_needed()
    assert thumbnail.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    expect(page.get_by_text("Far from the location").first).to_be_visible()
    check_axe(page)
    shoot(page, "audit")

    # Return it with a note: without one, the field says what is missing.
    page.get_by_role("button", name="Return to the auditor").click()
    expect(page.get_by_text("Say what the auditor must fix")).to_be_visible()
    page.get_by_label("Note for the auditor").fill("La foto no es de este local.")
    page.get_by_role("button", name="Return to the auditor").click()
    expect(page.get_by_text("Returned to the auditor with your note.")).to_be_visible()
    assert world.hq.get(f"{AUDITS}/{far}").get_json()["status"] == "draft"
    check_axe(page)

    # The next one waiting is linked; approve it (htmx: no page load).
    page.get_by_role("link", name=re.compile("Next audit waiting")).click()
    page.wait_for_url(f"**/console/review/audits/{other}")
    page.evaluate("window.__same_page = true")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved.", exact=True)).to_be_visible()
    assert page.evaluate("window.__same_page === true")  # swapped in place, not reloaded
    assert world.hq.get(f"{AUDITS}/{other}").get_json()["status"] == "approved"
    check_axe(page)

    page.goto("/console/review/")
    expect(page.get_by_text("Nothing waiting for review.")).to_be_visible()


def test_another_regions_audit_is_the_404_page(page, world):
    south = submitted_visit(world, location="s1")
    sign_in(page, "manager_north@a.example")
    response = page.goto(f"/console/review/audits/{south}")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    check_axe(page)
    shoot(page, "not-found")


def test_spanish_pages(page, world):
    # No capture time: the longest signal badge, which must wrap to fit a phone.
    submitted_visit(world, photo=jpeg(seed=7, gps=IN_VISIT["gps"]))
    sign_in(page, "manager_north@a.example")
    page.get_by_role("link", name="Español").click()
    expect(page.get_by_role("heading", name="Cola de revisión")).to_be_visible()
    check_axe(page)
    page.locator("#queue tbody tr").nth(0).get_by_role("link").click()
    expect(page.get_by_role("button", name="Aprobar")).to_be_visible()
    expect(page.get_by_text("sin hora de captura").first).to_be_visible()
    check_axe(page)
    shoot(page, "audit-es")  # shoot fails if the phone page is wider than 390 px


def test_without_javascript_the_queue_filters_and_decisions_still_work(browser, live_server, world):
    # axe needs scripts to run: the same pages are checked with them on above.
    waiting = submitted_visit(world, location="ne1")
    submitted_visit(world)
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, "manager_north@a.example")
        expect(page.locator("#queue tbody tr")).to_have_count(2)
        page.get_by_label("Location").fill("NE1")
        page.get_by_role("button", name="Filter").click()
        page.wait_for_url(re.compile(r"q=NE1"))
        expect(page.locator("#queue tbody tr")).to_have_count(1)
        page.locator("#queue tbody tr").get_by_role("link").click()
        page.wait_for_url(f"**/console/review/audits/{waiting}")
        page.get_by_role("button", name="Approve").click()
        expect(page.get_by_text("Approved.", exact=True)).to_be_visible()
        assert world.hq.get(f"{AUDITS}/{waiting}").get_json()["status"] == "approved"
    finally:
        context.close()
