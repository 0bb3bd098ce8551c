"""Signing in to the console: the cookie, CSRF, the API's login limits, signing out for real,
roles, escaping, languages and the console's security headers."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from audit_api.auth.models import AuthSession
from audit_api.db import db
from tests.support.console_helpers import (
    console_sign_in,
    csrf_token,
    signed_in,
    submitted_visit,
)
from tests.support.helpers import PASSWORD

QUEUE = "/console/review/"


def test_anonymous_visitors_are_sent_to_sign_in(client):
    answer = client.get(QUEUE)
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/console/sign-in?next=/console/review/"
    htmx = client.get(QUEUE, headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"].startswith("/console/sign-in")


def test_sign_in_sets_a_strict_session_cookie_and_lands_on_the_queue(world, client):
    answer = console_sign_in(client, "manager_north@a.example")
    assert answer.status_code == 302 and answer.headers["Location"] == "/console/"
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith("audit_console=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/console" in cookie
    assert "Secure" not in cookie  # plain HTTP (a browser would drop a Secure cookie)
    landing = client.get("/console/")
    assert landing.status_code == 302 and landing.headers["Location"] == QUEUE
    assert client.get(QUEUE).status_code == 200


def test_over_https_the_cookie_is_secure(world, client):
    page = client.get("/console/sign-in", base_url="https://console.example")
    form = {
        "csrf_token": csrf_token(page),
        "email": "hq@a.example",
        "password": "correct horse battery",
    }
    answer = client.post(
        "/console/sign-in",
        data=form,
        base_url="https://console.example",
        headers={"Referer": "https://console.example/console/sign-in"},
    )
    assert answer.status_code == 302, answer.text
    assert "Secure" in answer.headers["Set-Cookie"]
    assert "Strict-Transport-Security" in answer.headers


def test_a_wrong_password_is_a_401_page_with_the_form(world, client):
    answer = console_sign_in(client, "manager_north@a.example", "not the password")
    assert answer.status_code == 401
    assert "Wrong e-mail or password." in answer.text and 'name="email"' in answer.text
    assert 'aria-invalid="true"' in answer.text


def test_next_stays_inside_the_console(world, client):
    for target, landing in (
        ("/console/review/?kind=visit", "/console/review/?kind=visit"),
        ("//evil.example/console/", "/console/"),
        ("https://evil.example/", "/console/"),
        ("/console//evil.example", "/console/"),
    ):
        answer = console_sign_in(client, "hq@a.example", next=target)
        assert answer.headers["Location"] == landing


def test_forms_without_their_csrf_token_are_refused(world, client):
    refused = client.post(
        "/console/sign-in", data={"email": "hq@a.example", "password": "correct horse battery"}
    )
    assert refused.status_code == 400 and "The form expired" in refused.text
    signed_in(client, "hq@a.example")
    assert client.post("/console/sign-out").status_code == 400
    assert client.get(QUEUE).status_code == 200  # still signed in
    wrong = client.post("/console/sign-out", data={"csrf_token": "forged"})
    assert wrong.status_code == 400


def test_signing_out_revokes_the_session_for_a_copied_cookie_too(app, world, client):
    signed_in(client, "manager_north@a.example")
    copied = client.get_cookie("audit_console", path="/console").value
    token = csrf_token(client.get(QUEUE))
    out = client.post("/console/sign-out", data={"csrf_token": token})
    assert out.status_code == 302 and out.headers["Location"] == "/console/sign-in"
    assert client.get(QUEUE).status_code == 302
    with app.app_context():
        sessions = db.session.scalars(
            select(AuthSession).where(AuthSession.user_id == world.ids["manager_north"])
        ).all()
        assert any(s.revoked_reason == "logout" for s in sessions)
    client.set_cookie("audit_console", copied, path="/console")
    assert client.get(QUEUE).status_code == 302  # the old cookie opens nothing any more


def test_a_deactivated_account_is_signed_out(world, client):
    signed_in(client, "manager_north@a.example")
    user = f"/api/v1/users/{world.ids['manager_north']}"
    etag = world.hq.get(user).headers["ETag"]
    changed = world.hq.patch(user, json={"active": False}, headers={"If-Match": etag})
    assert changed.status_code == 200, changed.get_json()
    assert client.get(QUEUE).status_code == 302


@pytest.mark.app_config(LOGIN_LIMIT_PER_ACCOUNT="2 per minute")
def test_the_api_and_the_console_share_the_login_limits(app, world):
    client = app.test_client()
    body = {"email": "manager_north@a.example", "password": "wrong"}
    assert client.post("/api/v1/auth/token", json=body).status_code == 401
    assert console_sign_in(client, "manager_north@a.example", "wrong").status_code == 401
    refused = console_sign_in(client, "manager_north@a.example", "wrong")
    assert refused.status_code == 429
    assert "Too many attempts" in refused.text and "Retry-After" in refused.headers
    assert client.post("/api/v1/auth/token", json=body).status_code == 429


@pytest.mark.app_config(LOGIN_LIMIT_PER_ACCOUNT="2 per minute")
def test_a_multipart_sign_in_counts_against_its_account_too(app, world):
    """A browser may send the form as multipart: the account's limit holds all the same."""
    client = app.test_client()
    body = {"email": "manager_north@a.example", "password": "wrong"}
    for _ in range(2):
        assert client.post("/api/v1/auth/token", json=body).status_code == 401
    page = client.get("/console/sign-in")
    form = {"csrf_token": csrf_token(page), "email": body["email"], "password": PASSWORD}
    refused = client.post("/console/sign-in", data=form, content_type="multipart/form-data")
    assert refused.status_code == 429


def test_auditors_get_a_friendly_403(world, client):
    signed_in(client, "auditor@a.example")
    for path in ("/console/", QUEUE):
        page = client.get(path)
        assert page.status_code == 403
        assert "The console is for managers and HQ" in page.text
        assert "Sign out" in page.text


def test_user_text_is_escaped(world, client):
    location = f"/api/v1/locations/{world.ids['n1']}"
    etag = world.hq.get(location).headers["ETag"]
    renamed = world.hq.patch(
        location, json={"name": "<script>alert(1)</script>"}, headers={"If-Match": etag}
    )
    assert renamed.status_code == 200, renamed.get_json()
    audit_id = submitted_visit(world)
    signed_in(client, "manager_north@a.example")
    for path in (QUEUE, f"/console/review/audits/{audit_id}"):
        page = client.get(path).text
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_spanish_from_the_browser_and_the_switch(world, client):
    signed_in(client, "manager_north@a.example")
    spanish = client.get(QUEUE, headers={"Accept-Language": "es-CL,es;q=0.9,en;q=0.5"})
    assert "Cola de revisión" in spanish.text and '<html lang="es"' in spanish.text
    switched = client.get(QUEUE + "?lang=en", headers={"Accept-Language": "es"})
    assert "Review queue" in switched.text
    assert "Review queue" in client.get(QUEUE, headers={"Accept-Language": "es"}).text


def test_console_pages_have_their_own_policy_and_are_not_cached(world, client):
    signed_in(client, "hq@a.example")
    page = client.get(QUEUE)
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "form-action 'self'" in policy and "frame-ancestors 'none'" in policy
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["X-Frame-Options"] == "DENY"
    missing = client.get("/console/no-such-page")
    assert missing.status_code == 404 and "Not found" in missing.text
    assert missing.headers["Content-Security-Policy"] == policy
    # The API keeps its JSON errors and its own policy.
    api = client.get("/api/v1/no-such-thing")
    assert api.is_json and "default-src 'none'" in api.headers["Content-Security-Policy"]
    assert "script-src" not in api.headers["Content-Security-Policy"]


def test_vendored_files_are_served_from_the_console(client):
    for name in (
        "vendor/pico/pico.min.css",
        "vendor/htmx/htmx.min.js",
        "vendor/chartjs/chart.umd.min.js",
    ):
        answer = client.get(f"/console/static/{name}")
        assert answer.status_code == 200 and len(answer.data) > 10_000
        answer.close()


def test_the_404_page_of_an_unknown_url_knows_who_is_signed_in(world, client):
    signed_in(client, "manager_north@a.example")
    page = client.get("/console/no/such/page")
    assert page.status_code == 404 and "Sign out" in page.text and "manager_north" in page.text


def test_a_form_posted_after_the_session_ended_goes_to_sign_in_without_next(world, client):
    audit_id = submitted_visit(world)
    token = csrf_token(client.get("/console/sign-in"))
    answer = client.post(
        f"/console/review/audits/{audit_id}/review",
        data={"csrf_token": token, "revision": "1", "decision": "approve"},
    )
    assert answer.status_code == 302 and answer.headers["Location"] == "/console/sign-in"
