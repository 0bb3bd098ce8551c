"""In a real browser: HQ adds a manager and moves a location to another region; axe on every
page visited, screenshots of the user list and the region tree (phone and laptop)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import check_axe, shoot, sign_in
from tests.support.helpers import PASSWORD

pytestmark = pytest.mark.slow


def test_hq_adds_a_user_and_moves_a_location(page: Page, world):
    sign_in(page, "hq@a.example")
    page.get_by_role("link", name="Users", exact=True).click()
    expect(page.get_by_role("heading", name="Users")).to_be_visible()
    check_axe(page)
    page.get_by_role("button", name="Add a user").click()
    page.get_by_label("Name", exact=True).fill("Marta Soto")
    page.get_by_label("E-mail").fill("marta@a.example")
    page.get_by_label("Role").select_option(label="manager")
    page.get_by_label("Scope: regions").select_option(label="South")
    page.get_by_label("Initial password").fill(PASSWORD)
    check_axe(page)
    shoot(page, "user-new")
    page.get_by_role("button", name="Add the user").click()
    expect(page.get_by_text("Marta Soto was added.")).to_be_visible()
    row = page.locator("tr", has=page.get_by_role("link", name="Marta Soto"))
    expect(row).to_contain_text("marta@a.example")
    expect(row).to_contain_text("South")
    check_axe(page)
    shoot(page, "users")

    page.get_by_role("link", name="Places").click()
    north = page.locator(f'li[data-region-id="{world.ids["north"]}"]')
    expect(north.locator(f'li[data-location-id="{world.ids["n1"]}"]')).to_be_visible()
    check_axe(page)
    north.get_by_role("link", name="N1 Tienda N1").click()
    page.get_by_label("Region").select_option(label="South")
    check_axe(page)
    shoot(page, "location-edit")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Location N1 is saved.")).to_be_visible()
    south = page.locator(f'li[data-region-id="{world.ids["south"]}"]')
    expect(south.locator(f'li[data-location-id="{world.ids["n1"]}"]')).to_be_visible()
    expect(north.locator(f'li[data-location-id="{world.ids["n1"]}"]')).to_have_count(0)
    check_axe(page)
    shoot(page, "places")
    assert (
        world.hq.get(f"/api/v1/locations/{world.ids['n1']}").get_json()["region_id"]
        == (world.ids["south"])
    )


def test_the_header_fits_a_laptop_row_and_folds_into_a_menu_on_a_phone(page: Page, world):
    sign_in(page, "hq@a.example")
    page.goto("/console/users/?lang=es")  # HQ's nine areas, in the longer language
    header = page.locator("header.console-header")
    brand = page.get_by_role("link", name="Consola de auditorías")
    sign_out = page.get_by_role("button", name="Cerrar sesión")
    # A laptop: one row, the language switch and sign-out beside the areas.
    expect(page.locator("header ul.areas")).to_be_visible()
    assert abs(sign_out.bounding_box()["y"] - brand.bounding_box()["y"]) < 20
    assert header.bounding_box()["height"] < 110
    # A phone: the areas fold behind "Menú", which names the current area.
    page.set_viewport_size({"width": 390, "height": 844})
    menu = page.locator("header summary")
    expect(page.locator("header ul.areas")).to_be_hidden()  # the narrow layout has applied
    expect(menu).to_have_text("Menú: Usuarios")
    assert header.bounding_box()["height"] < 160, header.bounding_box()
    expect(page.get_by_role("link", name="Lugares")).to_be_hidden()
    menu.focus()
    page.keyboard.press("Enter")  # opens from the keyboard
    places = page.get_by_role("link", name="Lugares")
    expect(places).to_be_visible()
    expect(page.locator("header details a[aria-current=page]")).to_have_text("Usuarios")
    check_axe(page)
    shoot(page, "header-menu-es")
    page.set_viewport_size({"width": 390, "height": 844})  # shoot leaves it laptop-sized
    expect(places).to_be_visible()
    places.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Regiones y locales")).to_be_visible()
