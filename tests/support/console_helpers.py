"""The console through Flask's test client: signing in with the form (CSRF token and all),
and submitted audits with photos built through the API for the review pages."""

from __future__ import annotations

import itertools
import re
from datetime import datetime
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.audit_helpers import new_id, visit_body
from tests.support.helpers import PASSWORD, Caller, World
from tests.support.photo_helpers import jpeg, upload

AUDITS = "/api/v1/audits"
SANTIAGO = (-33.4201, -70.6101)
BUENOS_AIRES = (-34.6037, -58.3816)
# Within the visit of visit_body (12:00-12:30 in Santiago), at the location.
IN_VISIT = {"taken": datetime(2026, 11, 22, 12, 5), "gps": SANTIAGO}
_seeds = itertools.count(11)  # a picture of its own for each audit: no duplicate signals


def csrf_token(response: TestResponse) -> str:
    """The CSRF token of the (first) form in a page."""
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.text)
    found = found or re.search(r'name="csrf_token" value="([^"]+)"', response.text)
    assert found, "no CSRF token in the page"
    return found.group(1)


def console_sign_in(
    client: FlaskClient, email: str, password: str = PASSWORD, **extra: Any
) -> TestResponse:
    """Post the console's sign-in form as a browser would (its CSRF token first)."""
    page = client.get("/console/sign-in")
    form = {"csrf_token": csrf_token(page), "email": email, "password": password, **extra}
    return client.post("/console/sign-in", data=form)


def signed_in(client: FlaskClient, email: str) -> FlaskClient:
    """The client, signed in to the console."""
    response = console_sign_in(client, email)
    assert response.status_code == 302, response.text
    return client


def submitted_visit(
    world: World,
    caller: Caller | None = None,
    *,
    location: str = "n1",
    photo: bytes | None = None,
    **answers: Any,
) -> str:
    """A first-five-seconds visit with its entrance photo, submitted through the API (by HQ
    unless `caller` says otherwise, so a manager may review it); returns its id."""
    caller = caller or world.hq
    audit_id = new_id()
    body = {**visit_body(world, **answers), "location_id": world.ids[location]}
    response = caller.put(f"{AUDITS}/{audit_id}", json=body)
    assert response.status_code == 201, response.get_json()
    data = photo if photo is not None else jpeg(seed=next(_seeds), **IN_VISIT)
    uploaded = upload(caller, audit_id, data, item="entrance_photo")
    assert uploaded.status_code == 201, uploaded.get_json()
    submitted = caller.post(f"{AUDITS}/{audit_id}/submit")
    assert submitted.status_code == 200, submitted.get_json()
    return audit_id


def review_form(client: FlaskClient, audit_id: str) -> dict[str, str]:
    """The hidden fields of an audit page's decision form (CSRF token and revision)."""
    page = client.get(f"/console/review/audits/{audit_id}")
    assert page.status_code == 200, page.text
    revision = re.search(r'name="revision" type="hidden" value="(\d+)"', page.text)
    assert revision, "no decision form on the page"
    return {"csrf_token": csrf_token(page), "revision": revision.group(1)}
