"""Console schedules (HQ): the recurrence builder turned into the service's RRULE, the preview
(nothing stored), saving, editing (a stale form refused, as the API's If-Match), deactivating
and reactivating through the schedule service; refusals beside their fields; CSRF, other roles
and other organizations."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from audit_api.assignments.models import Assignment
from audit_api.db import db
from audit_api.schedules.models import Schedule
from tests.support.console_pages import csrf_token, get_page, sign_in
from tests.support.schedule_helpers import SCHEDULES, in_days, schedule_body

NEW = "/console/schedules/new"
RULE = re.compile(r'id="rrule-text" class="rrule" type="text" value="([^"]*)"')
ETAG = re.compile(r'id="etag" name="etag" type="hidden" value="([^"]*)"')


def _form(client, world, url: str = NEW, **overrides) -> dict:
    """The builder's fields as a browser posts them: weekly self-calls of n1 and ne1 on
    Mondays and Thursdays, 10:00 on their clocks, for the auditor."""
    page = get_page(client, url)
    etag = ETAG.search(page)
    return {
        "csrf_token": csrf_token(page),
        "etag": etag.group(1) if etag else "",
        "name": "Llamadas lunes y jueves",
        "checklist_key": "self-call",
        "target": "locations",
        "location_ids": [str(world.ids["n1"]), str(world.ids["ne1"])],
        "region_id": "0",
        "freq": "WEEKLY",
        "interval": "1",
        "weekdays": ["MO", "TH"],
        "monthly": "day",
        "day_of_month": "1",
        "nth": "1",
        "nth_weekday": "MO",
        "ends": "never",
        "starts_on": in_days(2),
        "time_of_day": "10:00",
        "window_days": "3",
        "auditor_ids": [str(world.ids["auditor"])],
        "lockout_days": "0",
        "op": "save",
        **overrides,
    }


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        schedules = db.session.scalar(select(func.count()).select_from(Schedule))
        assignments = db.session.scalar(select(func.count()).select_from(Assignment))
        return schedules, assignments


def _hq(client):
    return sign_in(client, "hq@a.example")


@pytest.mark.parametrize(
    ("fields", "rule", "words"),
    [
        ({"freq": "DAILY", "interval": "3"}, "FREQ=DAILY;INTERVAL=3", "Every 3 days at 10:00"),
        ({}, "FREQ=WEEKLY;BYDAY=MO,TH", "Every week on Monday, Thursday at 10:00"),
        (
            {"freq": "WEEKLY", "interval": "2", "weekdays": ["FR"], "ends": "count", "count": "6"},
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;COUNT=6",
            "Every 2 weeks on Friday at 10:00, 6 times",
        ),
        (
            {"freq": "MONTHLY", "monthly": "day", "day_of_month": "15"},
            "FREQ=MONTHLY;BYMONTHDAY=15",
            "Every month on day 15 at 10:00",
        ),
        (
            {"freq": "MONTHLY", "monthly": "nth", "nth": "2", "nth_weekday": "TU"},
            "FREQ=MONTHLY;BYDAY=2TU",
            "Every month on the second Tuesday at 10:00",
        ),
        (
            {
                "freq": "MONTHLY",
                "monthly": "nth",
                "nth": "-1",
                "nth_weekday": "FR",
                "ends": "until",
                "until": "2027-06-30",
            },
            "FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20270630T235959",
            "Every month on the last Friday at 10:00, until 30 Jun 2027",
        ),
        ({"advanced": "FREQ=YEARLY;BYMONTH=3"}, "FREQ=YEARLY;BYMONTH=3", "Custom rule"),
    ],
)
def test_the_builder_makes_the_rrule_the_service_takes(app, world, client, fields, rule, words):
    _hq(client)
    response = client.post(NEW, data=_form(client, world, op="preview", **fields))
    assert response.status_code == 200, response.text[:3000]
    assert RULE.search(response.text).group(1) == rule
    assert words in html.unescape(response.text)
    saved = client.post(NEW, data=_form(client, world, **fields))
    assert saved.status_code == 303, saved.text[:3000]
    schedule_id = int(saved.location.rsplit("/", 1)[1])
    assert world.hq.get(f"{SCHEDULES}/{schedule_id}").get_json()["rrule"] == rule
    # The schedule's page reads the rule back into the same builder.
    again = get_page(client, f"/console/schedules/{schedule_id}")
    assert RULE.search(again).group(1) == rule


def test_preview_shows_the_visits_on_each_clock_and_stores_nothing(app, world, client):
    _hq(client)
    before = _counts(app)
    response = client.post(NEW, data=_form(client, world, op="preview"))
    assert response.status_code == 200
    assert _counts(app) == before
    preview = response.text[response.text.index('id="preview"') :]
    assert "Nothing has been saved" in preview
    assert "N1 " in preview and "NE1 " in preview
    assert re.search(r"\d{1,2} \w{3} \d{4} 10:00", preview)  # 10:00 on the location's clock
    assert "America/Santiago" in preview or "/" in preview
    assert "auditor" in preview  # the rotation's choice, by name
    # The form keeps what was typed.
    assert 'value="Llamadas lunes y jueves"' in response.text


def test_a_saved_schedule_is_listed_and_makes_its_visits(app, world, client):
    _hq(client)
    saved = client.post(NEW, data=_form(client, world))
    assert saved.status_code == 303
    body = world.hq.get(saved.location.replace("/console/schedules", SCHEDULES)).get_json()
    assert body["location_ids"] == [world.ids["n1"], world.ids["ne1"]]
    assert body["auditor_ids"] == [world.ids["auditor"]] and body["time_of_day"] == "10:00"
    assert body["kind"] == "call" and body["window_days"] == 3
    assert _counts(app)[1] > 0  # the horizon's visits were made at once
    listing = get_page(client, "/console/schedules/")
    assert "Llamadas lunes y jueves" in listing and "N1, NE1" in listing
    assert "Every week on Monday, Thursday at 10:00" in listing
    assert re.search(r"<time>\d{1,2} \w{3} \d{4} 10:00</time>", listing)


def test_a_region_schedule_and_an_edit(app, world, client):
    _hq(client)
    saved = client.post(
        NEW, data=_form(client, world, target="region", region_id=str(world.ids["north"]))
    )
    assert saved.status_code == 303
    url = saved.location
    assert "Region North" in get_page(client, "/console/schedules/")
    form = _form(client, world, url, freq="MONTHLY", monthly="nth", nth="2", nth_weekday="TU")
    changed = client.post(url, data={**form, "target": "region", "region_id": world.ids["north"]})
    assert changed.status_code == 303
    body = world.hq.get(url.replace("/console/schedules", SCHEDULES)).get_json()
    assert body["rrule"] == "FREQ=MONTHLY;BYDAY=2TU" and body["region_id"] == world.ids["north"]


def test_a_bad_rule_is_shown_beside_the_recurrence_and_nothing_is_stored(app, world, client):
    _hq(client)
    before = _counts(app)
    for op in ("preview", "save"):
        response = client.post(NEW, data=_form(client, world, op=op, advanced="FREQ=MONTLY"))
        assert response.status_code == 422
        recurrence = response.text[response.text.index('id="recurrence"') :]
        recurrence = recurrence[: recurrence.index("</details>")]
        assert "The recurrence was refused" in recurrence and "MONTLY" in recurrence
    hourly = client.post(NEW, data=_form(client, world, advanced="FREQ=HOURLY"))
    assert hourly.status_code == 422 and "FREQ must be DAILY" in hourly.text
    assert _counts(app) == before


def test_other_refusals_beside_their_fields(app, world, client):
    _hq(client)
    before = _counts(app)
    nowhere = client.post(NEW, data=_form(client, world, location_ids=[]))
    assert nowhere.status_code == 422
    error = 'id="location_ids-error" class="field-error">Choose at least one location.'
    assert error in nowhere.text
    unknown = client.post(NEW, data=_form(client, world, checklist_key="no-such-list"))
    assert unknown.status_code == 422 and 'id="checklist_key-error"' in unknown.text
    other_org = client.post(NEW, data=_form(client, world, location_ids=[str(world.ids["b1"])]))
    assert other_org.status_code == 404 and 'id="location_ids-error"' in other_org.text
    not_auditor = client.post(NEW, data=_form(client, world, auditor_ids=[str(world.ids["hq"])]))
    assert not_auditor.status_code == 422 and 'id="auditor_ids-error"' in not_auditor.text
    unnamed = client.post(NEW, data=_form(client, world, name=" "))
    assert unnamed.status_code == 422 and "Give the schedule a name." in unnamed.text
    no_end = client.post(NEW, data=_form(client, world, ends="until"))
    assert no_end.status_code == 422 and 'id="until-error"' in no_end.text
    assert _counts(app) == before


def test_a_form_without_its_csrf_token_is_refused(app, world, client):
    _hq(client)
    before = _counts(app)
    form = _form(client, world)
    del form["csrf_token"]
    assert client.post(NEW, data=form).status_code == 400
    made = world.hq.post(SCHEDULES, json=schedule_body(world)).get_json()
    deactivate = client.post(f"/console/schedules/{made['id']}/deactivate")
    assert deactivate.status_code == 400
    assert world.hq.get(f"{SCHEDULES}/{made['id']}").get_json()["active"] is True
    assert _counts(app)[0] == before[0] + 1


def test_deactivate(app, world, client):
    _hq(client)
    made = world.hq.post(SCHEDULES, json=schedule_body(world)).get_json()
    page = get_page(client, f"/console/schedules/{made['id']}")
    response = client.post(
        f"/console/schedules/{made['id']}/deactivate", data={"csrf_token": csrf_token(page)}
    )
    assert response.status_code == 303
    assert world.hq.get(f"{SCHEDULES}/{made['id']}").get_json()["active"] is False
    assert "inactive" in get_page(client, "/console/schedules/")


def test_managers_get_403_and_see_no_link(world, client):
    sign_in(client, "manager_north@a.example")
    assert "/console/schedules/" not in get_page(client, "/console/review/")
    made = world.hq.post(SCHEDULES, json=schedule_body(world)).get_json()
    for url in ("/console/schedules/", NEW, f"/console/schedules/{made['id']}"):
        get_page(client, url, 403)


def test_another_organizations_schedule_is_404(world, client):
    body = schedule_body(world, location_ids=[world.ids["b1"]], auditor_ids=[])
    made = world.hq_b.post(SCHEDULES, json=body)
    assert made.status_code == 201, made.get_json()
    _hq(client)
    get_page(client, f"/console/schedules/{made.get_json()['id']}", 404)
    page = get_page(client, "/console/schedules/")
    assert (
        client.post(
            f"/console/schedules/{made.get_json()['id']}/deactivate",
            data={"csrf_token": csrf_token(page)},
        ).status_code
        == 404
    )
    assert world.hq_b.get(f"{SCHEDULES}/{made.get_json()['id']}").get_json()["active"] is True


def test_a_name_is_escaped_everywhere(world, client):
    name = "<script>alert(1)</script>"
    made = world.hq.post(SCHEDULES, json=schedule_body(world, name=name)).get_json()
    _hq(client)
    for url in ("/console/schedules/", f"/console/schedules/{made['id']}"):
        page = get_page(client, url)
        assert name not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_pages_speak_spanish(world, client):
    _hq(client)
    page = get_page(client, NEW + "?lang=es")
    assert "Vista previa" in page and "lunes" in page
    assert "(visita)" in page and "(visit)" not in page  # the checklist picker's kinds
    assert "Los primeros cinco segundos (visita)" in page  # its title, not its key
    preview = client.post(NEW, data=_form(client, world, op="preview"))
    assert "Cada semana el lunes, jueves a las 10:00" in html.unescape(preview.text)
    refused = client.post(NEW, data=_form(client, world, location_ids=[]))
    assert "Elige al menos un local." in refused.text


def test_previewing_a_change_leaves_the_stored_schedule_as_it_was(app, world, client):
    made = world.hq.post(SCHEDULES, json=schedule_body(world)).get_json()
    _hq(client)
    url = f"/console/schedules/{made['id']}"
    before = _counts(app)
    form = _form(client, world, url, op="preview", freq="DAILY", name="Changed", lockout_days="0")
    response = client.post(url, data={**form, "location_ids": [str(world.ids["n1"])]})
    assert response.status_code == 200 and "Every day at 10:00" in response.text
    assert "already made" in response.text  # the visits the schedule has made already
    assert "NE1 " not in response.text[response.text.index('id="preview"') :]
    assert _counts(app) == before
    assert world.hq.get(f"{SCHEDULES}/{made['id']}").get_json() == made


def test_a_form_read_before_someone_else_changed_the_schedule_is_refused(app, world, client):
    made = world.hq.post(SCHEDULES, json=schedule_body(world)).get_json()
    _hq(client)
    url, api = f"/console/schedules/{made['id']}", f"{SCHEDULES}/{made['id']}"
    stale = _form(client, world, url, name="From the console")
    assert stale["etag"] == f"schedules-{made['id']}-r1"
    patched = world.hq.patch(api, json={"name": "From the API", "window_days": 2})
    assert patched.status_code == 200
    before = _counts(app)
    refused = client.post(url, data=stale)
    assert refused.status_code == 409
    assert "Someone else changed this schedule; here it is as it is now." in refused.text
    assert 'value="From the API"' in refused.text and "From the console" not in refused.text
    assert ETAG.search(refused.text).group(1) == patched.headers["ETag"].strip('"').split(".")[0]
    assert world.hq.get(api).get_json() == patched.get_json() and _counts(app) == before
    fresh = client.post(url, data=_form(client, world, url, name="From the console"))
    assert fresh.status_code == 303
    assert world.hq.get(api).get_json()["name"] == "From the console"


def test_a_deactivated_schedule_is_reactivated(world, client):
    made = world.hq.post(SCHEDULES, json=schedule_body(world)).get_json()
    _hq(client)
    url = f"/console/schedules/{made['id']}"
    world.hq.patch(f"{SCHEDULES}/{made['id']}", json={"active": False})
    page = get_page(client, url)
    assert "Reactivate schedule" in page and "Deactivate schedule" not in page
    assert "<time>" not in get_page(client, "/console/schedules/")
    response = client.post(f"{url}/reactivate", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 303 and response.location.endswith(url)
    assert world.hq.get(f"{SCHEDULES}/{made['id']}").get_json()["active"] is True
    assert "Deactivate schedule" in get_page(client, url)
    listing = get_page(client, "/console/schedules/")
    assert re.search(r"<time>\d{1,2} \w{3} \d{4} 10:00</time>", listing)  # next occurrences
    preview = client.post(url, data=_form(client, world, url, op="preview"))
    assert preview.status_code == 200 and 'id="preview"' in preview.text


def test_reactivation_is_refused_without_csrf_to_managers_and_across_organizations(world, client):
    mine = world.hq.post(SCHEDULES, json=schedule_body(world)).get_json()
    body = schedule_body(world, location_ids=[world.ids["b1"]], auditor_ids=[])
    theirs = world.hq_b.post(SCHEDULES, json=body).get_json()
    world.hq.patch(f"{SCHEDULES}/{mine['id']}", json={"active": False})
    world.hq_b.patch(f"{SCHEDULES}/{theirs['id']}", json={"active": False})
    _hq(client)
    token = csrf_token(get_page(client, "/console/schedules/"))
    assert client.post(f"/console/schedules/{mine['id']}/reactivate").status_code == 400
    other = client.post(f"/console/schedules/{theirs['id']}/reactivate", data={"csrf_token": token})
    assert other.status_code == 404
    sign_in(client, "manager_north@a.example")
    token = csrf_token(get_page(client, "/console/review/"))
    denied = client.post(f"/console/schedules/{mine['id']}/reactivate", data={"csrf_token": token})
    assert denied.status_code == 403
    assert world.hq.get(f"{SCHEDULES}/{mine['id']}").get_json()["active"] is False
    assert world.hq_b.get(f"{SCHEDULES}/{theirs['id']}").get_json()["active"] is False
