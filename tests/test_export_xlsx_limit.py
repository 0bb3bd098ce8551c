"""An XLSX export longer than a worksheet (1,048,576 rows with the header) is refused before
any workbook is written; the limit is patched low here, so no million rows are needed."""

from __future__ import annotations

import io

import openpyxl
import pytest

from audit_api.exports import formats

URL = "/api/v1/exports/audits.xlsx"


@pytest.fixture
def six_rows_fit(monkeypatch):
    """A worksheet of seven rows: the scored fixture's six approved audits and the header."""
    monkeypatch.setattr(formats, "XLSX_MAX_ROWS", 7)


def test_the_limit_is_excels():
    assert formats.XLSX_MAX_ROWS == 1_048_576


def test_audits_that_fit_make_a_workbook(scored, six_rows_fit):
    response = scored.hq.get(URL)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert sheet.max_row == 7


def test_one_row_more_is_refused_with_the_limit_named(scored, six_rows_fit, monkeypatch):
    monkeypatch.setattr(formats, "XLSX_MAX_ROWS", 6)
    written = []
    monkeypatch.setattr(formats, "write_xlsx", lambda *args: written.append(args))
    response = scored.hq.get(URL)
    assert response.status_code == 413
    body = response.get_json()
    assert body["reason"] == "too_many_rows_for_xlsx"
    assert "6 rows" in body["message"] and "CSV" in body["message"]
    assert written == []  # refused before any workbook
    # The same audits as CSV or JSON Lines, and a narrower XLSX, still come.
    assert scored.hq.get("/api/v1/exports/audits.csv").status_code == 200
    assert scored.hq.get("/api/v1/exports/audits.jsonl").status_code == 200
    narrow = scored.hq.get(URL, query_string={"location_id": scored.ids["ne1"]})
    assert narrow.status_code == 200


def test_the_count_is_the_callers_scope(scored, monkeypatch):
    # manager_s1 sees one audit (s1): two rows fit, though the organization has six audits.
    monkeypatch.setattr(formats, "XLSX_MAX_ROWS", 2)
    assert scored.manager_s1.get(URL).status_code == 200
    assert scored.hq.get(URL).status_code == 413


def test_the_export_command_refuses_too(app, scored, six_rows_fit, monkeypatch, tmp_path):
    monkeypatch.setattr(formats, "XLSX_MAX_ROWS", 6)
    out = tmp_path / "audits.xlsx"
    org = str(scored.hq.get("/api/v1/me").get_json()["org"]["id"])
    result = app.test_cli_runner().invoke(
        args=["export", "audits", "--org", org, "--out", str(out)]
    )
    assert result.exit_code != 0 and "holds 6 rows" in result.output
    assert not out.exists() or out.stat().st_size == 0
