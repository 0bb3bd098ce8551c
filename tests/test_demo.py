"""`flask demo`: a brand with work to do and months of history, seen through the API; run twice,
nothing doubles."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from audit_api.demo_data import DOMAIN, LOCATIONS, PASSWORDS, USERS
from tests.support.helpers import Caller, login


def _total(caller: Caller, path: str, **query) -> int:
    response = caller.get(path, query_string={**query, "page_size": 1})
    assert response.status_code == 200, response.get_json()
    return json.loads(response.headers["X-Pagination"])["total"]


def _counts(hq: Caller) -> dict[str, int]:
    counts = {
        status: _total(hq, "/api/v1/audits", status=status)
        for status in ("draft", "submitted", "approved", "disputed", "rejected")
    }
    counts["open assignments"] = _total(hq, "/api/v1/assignments", status="open")
    counts["assignments"] = _total(hq, "/api/v1/assignments")
    counts["disputes"] = _total(hq, "/api/v1/disputes")
    counts["regions"] = _total(hq, "/api/v1/regions")
    counts["users"] = _total(hq, "/api/v1/users")
    return counts


def _one(caller: Caller, status: str) -> dict:
    audits = caller.get("/api/v1/audits", query_string={"status": status}).get_json()
    assert len(audits) == 1, (status, audits)
    return audits[0]


def _auditor_has_this_weeks_work(client) -> None:
    auditor = login(client, f"camila.soto@{DOMAIN}", PASSWORDS["auditor"])
    mine = auditor.get("/api/v1/assignments", query_string={"status": "open"}).get_json()
    assert {a["kind"] for a in mine} == {"visit", "call"}
    now = datetime.now(UTC)
    for assignment in mine:
        due_to = datetime.fromisoformat(assignment["due_to"])
        assert now < due_to < now + timedelta(days=8), assignment
        assert assignment["audit_id"] is None and assignment["checklist"]["definition"]


def _scores_show_something(client, hq: Caller) -> None:
    chile = login(client, f"gerente.chile@{DOMAIN}", PASSWORDS["manager"])
    codes = {loc["code"]: loc["id"] for loc in chile.get("/api/v1/locations").get_json()}
    assert set(codes) == {code for code, *_ in LOCATIONS if code.startswith("CL-")}
    card = chile.get(f"/api/v1/locations/{codes['CL-005']}/scorecard").get_json()
    assert card["score"]["n"] >= 3 and 0 < card["score"]["mean"] <= 100
    assert len(card["trend"]) >= 3 and card["change"] is not None
    assert card["failing_items"] and card["latest_audits"]
    assert set(card["by_kind"]) == {"visit", "call"}
    league = hq.get("/api/v1/scores/locations").get_json()
    assert len(league) == len(LOCATIONS) and len({row["mean"] for row in league}) > 10
    assert hq.get("/api/v1/scores/items").get_json()[0]["failure_rate"] > 0
    export = hq.get("/api/v1/exports/audits.csv")
    assert export.status_code == 200
    assert len(export.get_data(as_text=True).splitlines()) == 1 + _total(
        hq, "/api/v1/audits", status="approved"
    )


def _review_states_and_photos(client, hq: Caller) -> None:
    waiting = _one(hq, "submitted")
    signals = [s["code"] for p in waiting["photos"] for s in p["signals"]]
    assert signals == ["no_capture_time"]  # its entrance photo carries no EXIF
    returned = _one(hq, "draft")
    events = hq.get(f"/api/v1/audits/{returned['id']}/events").get_json()
    assert [e["action"] for e in events][-1] == "returned" and events[-1]["note"]
    disputed = _one(hq, "disputed")
    dispute = hq.get("/api/v1/disputes").get_json()[0]
    assert dispute["audit_id"] == disputed["id"] and dispute["status"] == "open"
    assert _one(hq, "rejected")["kind"] == "call"
    # Every photo is a real JPEG through the normal storage, served to whoever may read it;
    # no two of them look alike to the duplicate check.
    approved = hq.get("/api/v1/audits", query_string={"status": "approved", "page_size": 100})
    photos = [p for audit in approved.get_json() for p in audit["photos"]]
    assert len(photos) >= 40
    assert not [s for p in photos for s in p["signals"]]
    for variant in ("thumb", "display", "original"):
        served = hq.get(f"/api/v1/photos/{photos[0]['id']}/content?variant={variant}")
        assert served.status_code == 200 and served.get_data()[:3] == b"\xff\xd8\xff"
    assert photos[0]["width"] >= 1000 and photos[0]["size"] > 50_000  # texture, not flat colour


def test_demo_seeds_a_brand_with_work_and_history_once(app, client):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    for local, *_ in USERS:
        assert f"{local}@{DOMAIN}" in first.output
    for password in PASSWORDS.values():
        assert password in first.output
    hq = login(client, f"hq@{DOMAIN}", PASSWORDS["hq_admin"])
    org_id = hq.get("/api/v1/me").get_json()["org"]["id"]
    locations = hq.get("/api/v1/locations", query_string={"page_size": 100}).get_json()
    assert len(locations) == len(LOCATIONS) >= 10
    assert {loc["timezone"] for loc in locations} >= {"America/Santiago", "America/Mexico_City"}
    assert f"organization id: {org_id}" in first.output
    tries = [line.strip() for line in first.output.splitlines() if "curl -s" in line]
    assert len(tries) == 3 and "/auth/token" in tries[0]
    assert "/assignments" in tries[1] and "/scorecard" in tries[2]

    _auditor_has_this_weeks_work(client)
    _scores_show_something(client, hq)
    _review_states_and_photos(client, hq)
    before = _counts(hq)
    assert before["submitted"] == before["draft"] == before["disputed"] == 1
    assert before["approved"] >= 100 and before["open assignments"] >= 9

    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "already exists" in again.output, again.output
    assert "0 audits and 0 assignments added now" in again.output
    assert _counts(hq) == before
