"""HQ's checklists in a real browser (Chromium through Playwright): upload a version with a
mistake, see it beside the text, fix it, open the version, preview a score by filling the
form (htmx, in place), publish. axe runs on every page visited; screenshots of the upload
with its error, the version and the preview."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import check_axe, shoot, sign_in
from tests.test_console_checklists import GOOD, MISTAKE, MISTAKE_LINE

pytestmark = pytest.mark.slow


def test_hq_uploads_previews_and_publishes_a_checklist(page, world):
    sign_in(page, "hq@a.example")
    page.get_by_role("link", name="Checklists", exact=True).click()
    page.wait_for_url("**/console/checklists/")
    expect(page.locator('tr[data-checklist="self-call"]')).to_be_visible()
    check_axe(page)
    shoot(page, "checklists-list")

    # A mistake: the problem is listed beside the text with its path and line.
    page.get_by_role("link", name="Upload a checklist").click()
    definition = page.get_by_label("Checklist definition (YAML or JSON)")
    definition.fill(MISTAKE)
    page.get_by_role("button", name="Save as draft").click()
    problem = page.locator("#problem-1")
    expect(problem).to_contain_text("sections[1].items[0].weight")
    expect(problem).to_contain_text(f"line {MISTAKE_LINE}")
    expect(definition).to_have_attribute("aria-describedby", "problem-1")
    assert definition.input_value() == MISTAKE
    check_axe(page)
    shoot(page, "checklists-upload-error")

    # Fixed, it is saved as a draft and its page opens.
    definition.fill(GOOD)
    page.get_by_role("button", name="Save as draft").click()
    page.wait_for_url("**/console/checklists/store-opening/versions/1")
    expect(page.get_by_text("Version 1 saved as a draft.")).to_be_visible()
    expect(page.locator('tr[data-item="door_open"]')).to_contain_text("critical")
    check_axe(page)
    shoot(page, "checklists-version")

    # The preview: filled in, sent by htmx, shown in place.
    page.evaluate("window.__same_page = true")
    page.get_by_role("radio", name="No", exact=True).check()
    page.get_by_label("Minutes waiting").fill("7")
    page.get_by_label("Tidiness").select_option("spotless")
    page.get_by_role("button", name="Preview the score").click()
    result = page.locator("#preview-result")
    expect(result).to_contain_text("Preview result")
    expect(result).to_contain_text("door_open: high priority, due in 3 days")
    assert page.evaluate("window.__same_page === true")
    expect(page.get_by_label("Minutes waiting")).to_have_value("7")
    check_axe(page)
    result.scroll_into_view_if_needed()
    shoot(page, "checklists-preview")
    assert world.hq.get("/api/v1/audits").get_json() == []

    # Publishing (it asks first).
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.get_by_text("Version 1 published: audits may now use it.")).to_be_visible()
    expect(page.get_by_role("button", name="Publish version 1")).to_have_count(0)
    check_axe(page)
    status = world.hq.get("/api/v1/checklists/store-opening/versions/1").get_json()["status"]
    assert status == "published"
