"""Browser tests of the console: the test app served on a real port, Debian's Chromium driven
by Playwright (never Playwright's own browser download), axe-core on each page, screenshots.

Fixtures (tests/browser/conftest.py makes them available there): `live_server` (the base
URL of the app serving the test database), `browser` (one Chromium per run) and `page` (a
fresh context per test, laptop-sized, failing the test on a CSP violation or a script
error). Helpers: `sign_in`, `check_axe`, `shoot`."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests.support.helpers import PASSWORD

CHROMIUM = os.environ.get("AUDIT_TEST_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",  # CI runs as root in a container
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1440, "height": 900}
SERIOUS = ("serious", "critical")


@pytest.fixture
def live_server(app: Any) -> Iterator[str]:
    """The test's app on a free loopback port, in a thread, over the test's database."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Chromium from the system (CI: `apt-get install chromium`), one per run."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (see .ci/run)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    """A fresh browser context (no cookies) on the live server, laptop-sized, in English.
    A script error or a Content-Security-Policy violation on any page fails the test."""
    context = browser.new_context(
        base_url=live_server, viewport=LAPTOP, locale="en-GB", service_workers="block"
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    tab.on("console", lambda message: _console(tab, message, problems))
    tab.on("response", lambda response: _response(response, problems))
    yield tab
    context.close()
    assert problems == [], problems


def _console(tab: Any, message: Any, problems: list[str]) -> None:
    # An error status is judged by _response (a 404 page or a 422 form is meant).
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        problems.append(f"{tab.url}: console {message.type}: {message.text}")


def _response(response: Any, problems: list[str]) -> None:
    """A page may answer 4xx on purpose (404 page, 409 conflict, 422 form); a stylesheet,
    script or image may not."""
    kind = response.request.resource_type
    if response.status >= 400 and kind not in ("document", "xhr", "fetch"):
        problems.append(f"{kind} {response.url}: {response.status}")


def sign_in(page: Any, email: str, password: str = PASSWORD) -> None:
    """Sign in through the console's form, as a person would."""
    page.goto("/console/sign-in")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)


def check_axe(page: Any) -> None:
    """axe-core on the page as it is: no serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in results.response["violations"]
        if v.get("impact") in SERIOUS
    ]
    assert bad == [], f"{page.url}: " + "\n".join(bad)


def shoot(page: Any, name: str) -> list[Path]:
    """Full-page screenshots at phone (390x844) and laptop (1440x900) sizes under
    artifacts/screenshots/ (git-ignored; CI keeps them as artifacts). The page must fit
    the phone's width: a page that scrolls sideways fails (after its screenshot is taken)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    paths = []
    widths = {}
    for label, size in (("phone", PHONE), ("laptop", LAPTOP)):
        page.set_viewport_size(size)
        _settle(page)
        path = SCREENSHOTS / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        widths[label] = page.evaluate("document.documentElement.scrollWidth")
        paths.append(path)
    page.set_viewport_size(LAPTOP)
    assert widths["phone"] <= PHONE["width"], (
        f"{page.url} scrolls sideways on a phone: {widths['phone']} px wide at {PHONE['width']}"
    )
    return paths


def _settle(page: Any) -> None:
    """Let a resize finish (Chart.js redraws its canvas a frame or two later) before the
    picture: two animation frames, then briefly wait for the page to fit its new width;
    whether it does is judged after the picture."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            "document.documentElement.scrollWidth <= window.innerWidth", timeout=2_000
        )
