"""Reading the console's score, action and export pages in test-client tests: the numbers a
page shows (its `<data value>` elements), rows by their data-* id, and the CSRF token."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

DATA = re.compile(r'<data value="([^"]*)"')
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def block(html: str, element_id: str) -> str:
    """The markup from the element with this id to the end of its article/section/tr."""
    start = html.index(f'id="{element_id}"')
    end = min(i for i in (html.find(t, start) for t in ("</article>", "</section>")) if i > 0)
    return html[start:end]


def numbers(markup: str) -> list[float]:
    """The machine-readable numbers (`<data value>`) in a piece of a page, in order."""
    return [float(v) for v in DATA.findall(markup)]


def rows(html: str, attribute: str) -> dict[str, str]:
    """Table rows by their data-* attribute (e.g. data-location-id), their markup as values."""
    pattern = re.compile(rf'<tr {attribute}="([^"]+)">(.*?)</tr>', re.S)
    return dict(pattern.findall(html))


def cell(row: str, css_class: str) -> str:
    """The text or data value of the cell with this class in a row."""
    found = re.search(rf'<td class="num {css_class}"[^>]*>(.*?)</td>', row, re.S)
    assert found, f"no {css_class} cell"
    value = DATA.search(found.group(1))
    return value.group(1) if value else re.sub(r"<[^>]+>", "", found.group(1)).strip()


def get_page(client: FlaskClient, url: str, status: int = 200, **kwargs) -> str:
    """A page's HTML, asserting its status."""
    response = client.get(url, **kwargs)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def sign_in(client: FlaskClient, email: str) -> FlaskClient:
    """Sign the test client in to the console as this user (through the sign-in form)."""
    from tests.support.helpers import PASSWORD

    page = client.get("/console/sign-in").get_data(as_text=True)
    response = client.post(
        "/console/sign-in",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(page)},
    )
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
    return client
