"""Console pages given query strings no form makes: never a 500, and every answer keeps the
console's headers (a query named like a path part once broke the language switch)."""

from __future__ import annotations

from tests.support.console_helpers import console_sign_in, csrf_token, signed_in

ODD_QUERIES = [
    "?endpoint=x",
    "?user_id=2&key=a&audit_id=x",
    "?location_id=1&_external=1&_anchor=x",
    "?from=0001-01-01&to=9999-12-31",
    "?from=2026-01-01&to=0001-01-02",
    "?page=99999999999999999999999",
    "?location_id=9223372036854775808",
    "?location_id=" + "9" * 5000,
    "?lang=es&lang=en&days=x&kind=<b>",
]


def _pages(world) -> list[str]:
    n1 = world.ids["n1"]
    return [
        "/console/sign-in",
        "/console/review/",
        "/console/scores/",
        "/console/scores/regions",
        f"/console/scores/locations/{n1}",
        "/console/actions/",
        "/console/exports/",
        "/console/checklists/",
        "/console/users/",
        f"/console/users/{world.ids['manager_north']}",
        "/console/places/",
        "/console/schedules/",
        "/console/webhooks/",
    ]


def test_odd_queries_never_break_a_page(world, client):
    signed_in(client, "hq@a.example")
    for path in _pages(world):
        for query in ODD_QUERIES:
            page = client.get(path + query)
            assert page.status_code in (200, 404), (path, query, page.status_code)
            assert "Content-Security-Policy" in page.headers, (path, query)
            assert page.headers["Cache-Control"] == "no-store", (path, query)


def test_the_language_switch_keeps_the_page_and_its_filters(world, client):
    signed_in(client, "hq@a.example")
    page = client.get("/console/scores/?days=30&kind=visit&endpoint=x&lang=en").text
    assert 'href="/console/scores/?days=30&amp;kind=visit&amp;endpoint=x&amp;lang=es"' in page


def test_a_next_with_a_line_break_goes_home(world, client):
    response = console_sign_in(
        client, "manager_north@a.example", next="/console/review/\r\nX-Injected: 1"
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/console/")
    assert "X-Injected" not in response.headers
    assert csrf_token(client.get("/console/sign-in"))  # the client is still served
