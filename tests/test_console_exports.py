"""Console exports: the form's downloads parse (csv, openpyxl, JSON Lines) and hold what the
API's do for the same filters; refusals beside the field; scope; the audit's PDF report."""

from __future__ import annotations

import csv
import io
import json
import re

import openpyxl
import pytest

from tests.support.action_helpers import VOICEMAIL, approved_call
from tests.support.console_pages import get_page, sign_in
from tests.support.report_helpers import pdf_text
from tests.support.score_fixtures import WINDOW

DOWNLOAD = "/console/exports/download"


def _download(client, **query):
    response = client.get(DOWNLOAD, query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response


def _csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_form_offers_exports_formats_and_filters(scored, client):
    sign_in(client, "manager_north@a.example")
    html = get_page(client, "/console/exports/")
    for name in ("what", "fmt", "from", "to", "status", "kind", "checklist_key", "region_id"):
        assert f'name="{name}"' in html and f'<label for="{name}"' in html
    assert ">North</option>" in html and ">South</option>" not in html  # the scope's regions
    assert re.search(r'value="first-five-seconds"[^>]*>The first five seconds</option>', html)


def test_csv_holds_the_apis_rows(scored, client):
    sign_in(client, "manager_north@a.example")
    query = {"what": "audits", "fmt": "csv", **WINDOW}
    response = _download(client, **query)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="audits-')
    english = {"Accept-Language": "en"}  # the console's language; grades follow it
    api = scored.manager_north.get(
        "/api/v1/exports/audits.csv", query_string=WINDOW, headers=english
    )
    mine, theirs = _csv(response.data), _csv(api.data)
    assert mine == theirs and len(mine) == 4  # n1 twice and ne1 twice (s1 is not in scope)
    assert {row["location_code"] for row in mine} == {"N1", "NE1"}


def test_xlsx_parses_with_openpyxl(scored, client):
    sign_in(client, "hq@a.example")
    response = _download(client, what="audits", fmt="xlsx", region_id=scored.ids["north"], **WINDOW)
    sheet = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True).active
    header, *body = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert header[:2] == ["audit_id", "location_code"]
    assert sorted(r[1] for r in body) == ["N1", "N1", "NE1", "NE1"]


def test_json_lines_of_answers_and_filters(scored, client):
    sign_in(client, "hq@a.example")
    response = _download(client, what="answers", fmt="jsonl", kind="visit", **WINDOW)
    assert response.headers["Content-Type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in response.data.decode().splitlines()]
    api = scored.hq.get("/api/v1/exports/answers.jsonl", query_string={**WINDOW, "kind": "visit"})
    assert lines == [json.loads(line) for line in api.data.decode().splitlines()]
    assert len(lines) == 5 * 3  # five approved audits in the window, three answers each


def test_actions_csv(world, client):
    approved_call(world, **VOICEMAIL)
    sign_in(client, "manager_north@a.example")
    rows = _csv(_download(client, what="actions", fmt="csv", bom="y").data)
    assert [r["location_code"] for r in rows] == ["N1"]
    assert _download(client, what="actions", fmt="csv", bom="y").data.startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"what": "answers", "fmt": "xlsx"}, "fmt"),
        ({"what": "audits", "fmt": "csv", "from": "2026-11-30", "to": "2026-10-01"}, "from"),
        ({"what": "audits", "fmt": "csv", "from": "yesterday"}, "from"),
        ({"what": "audits", "fmt": "csv", "status": "lost"}, "status"),
        ({"what": "everything", "fmt": "csv"}, "what"),
    ],
)
def test_refusals_show_beside_the_field(world, client, query, field):
    sign_in(client, "hq@a.example")
    response = client.get(DOWNLOAD, query_string=query)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and "<form" in html


def test_scope_and_roles(scored, client):
    sign_in(client, "hq@b.example")
    assert _csv(_download(client, what="audits", fmt="csv", **WINDOW).data) == []
    auditor = client.application.test_client()
    sign_in(auditor, "auditor@a.example")
    get_page(auditor, "/console/exports/", 403)
    assert auditor.get(DOWNLOAD, query_string={"what": "audits", "fmt": "csv"}).status_code == 403


def _n1_audit(scored) -> str:
    query = {"status": "approved", "location_id": scored.ids["n1"]}
    return scored.hq.get("/api/v1/audits", query_string=query).get_json()[0]["id"]


def test_the_audits_pdf_report(scored, client):
    audit_id = _n1_audit(scored)
    sign_in(client, "manager_north@a.example")
    response = client.get(f"/console/exports/audits/{audit_id}/report.pdf")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Type"] == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"%PDF") and "Audit report" in pdf_text(response.data)
    # The review area's audit page links to it.
    audit_page = get_page(client, f"/console/review/audits/{audit_id}")
    assert f'href="/console/exports/audits/{audit_id}/report.pdf"' in audit_page
    spanish = client.get(
        f"/console/exports/audits/{audit_id}/report.pdf", headers={"Accept-Language": "es"}
    )
    assert "Informe de auditoría" in pdf_text(spanish.data)


@pytest.mark.app_config(REPORT_WAIT=0)
def test_a_report_not_ready_yet_shows_a_page_that_looks_again(scored, client):
    audit_id = _n1_audit(scored)
    sign_in(client, "hq@a.example")
    response = client.get(f"/console/exports/audits/{audit_id}/report.pdf")
    assert response.status_code == 202 and response.headers["Retry-After"] == "2"
    assert 'http-equiv="refresh"' in response.get_data(as_text=True)


def test_another_organizations_report_is_a_404(scored, client):
    audit_id = _n1_audit(scored)
    sign_in(client, "hq@b.example")
    assert client.get(f"/console/exports/audits/{audit_id}/report.pdf").status_code == 404
    outside = client.application.test_client()
    sign_in(outside, "manager_s1@a.example")
    assert outside.get(f"/console/exports/audits/{audit_id}/report.pdf").status_code == 404
