"""Exports parsed back (csv, openpyxl, json) and checked row by row; scope; incremental feed."""

from __future__ import annotations

import base64
import csv
import io
import json

import openpyxl
import pytest

from audit_api.exports.formats import defused
from tests.support.audit_helpers import new_id
from tests.support.score_fixtures import WINDOW

EXPORTS = "/api/v1/exports"
# Text a spreadsheet would run, and a CR inside a field (quoted like a line feed).
FORMULAS = ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "a\rb"]
FORMULAS += ["x;=1+1;", "ok\n=1+1;\r\n-2;\r@x"]  # cells where Excel splits on ";"


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def jsonl_rows(response) -> list[dict]:
    assert response.status_code == 200
    return [json.loads(line) for line in response.get_data(as_text=True).splitlines()]


def test_audits_csv_row_by_row(scored):
    response = scored.hq.get(f"{EXPORTS}/audits.csv", query_string=WINDOW)
    assert response.headers["Content-Type"].startswith("text/csv")
    assert 'filename="audits-' in response.headers["Content-Disposition"]
    rows = csv_rows(response)
    assert len(rows) == 5  # approved audits in the window only
    by_code = sorted((r["location_code"], r["overall"], r["visit_date"]) for r in rows)
    assert by_code == [
        ("N1", "100.0", "2026-10-31"),
        ("N1", "66.67", "2026-11-01"),
        ("NE1", "66.67", "2026-11-10"),
        ("NE1", "66.67", "2026-11-11"),
        ("S1", "66.67", "2026-11-12"),
    ]
    first = next(r for r in rows if r["overall"] == "100.0")
    assert first["region_path"] == "North" and first["checklist_key"] == "mini"
    assert first["auditor"] == "manager_north@a.example" and first["grade"] == "Excelente"
    assert (first["section_a"], first["section_b"]) == ("100.0", "100.0")
    assert {r["region_path"] for r in rows if r["location_code"] == "NE1"} == {"North > North-East"}


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("audits.csv", "text/csv; charset=utf-8"),
        ("answers.csv", "text/csv; charset=utf-8"),
        ("audits.jsonl", "application/x-ndjson; charset=utf-8"),
        ("answers.jsonl", "application/x-ndjson; charset=utf-8"),
        ("audits.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_content_type_names_one_charset(scored, path, content_type):
    response = scored.hq.get(f"{EXPORTS}/{path}", query_string=WINDOW)
    assert response.status_code == 200 and response.get_data()  # read: the stream ends
    assert response.headers.getlist("Content-Type") == [content_type]


def test_bom_and_status_filters(scored):
    with_bom = scored.hq.get(f"{EXPORTS}/audits.csv", query_string={**WINDOW, "bom": "true"})
    assert with_bom.get_data().startswith("\ufeff".encode())
    everything = csv_rows(
        scored.hq.get(f"{EXPORTS}/audits.csv", query_string={**WINDOW, "status": "all"})
    )
    assert sorted(r["status"] for r in everything) == ["approved"] * 5 + ["rejected", "submitted"]


def test_audits_xlsx_parses_back(scored):
    response = scored.hq.get(f"{EXPORTS}/audits.xlsx", query_string=WINDOW)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    header, *data = list(sheet.iter_rows(values_only=True))
    assert header[:3] == ("audit_id", "location_code", "location_name")
    assert len(data) == 5
    overall = header.index("overall")
    assert sorted(row[overall] for row in data) == [66.67, 66.67, 66.67, 66.67, 100.0]


def test_answers_jsonl_one_row_per_answered_item(scored):
    rows = jsonl_rows(scored.hq.get(f"{EXPORTS}/answers.jsonl", query_string=WINDOW))
    assert len(rows) == 5 * 3
    failed = [(r["location_code"], r["item"]) for r in rows if r["failed"]]
    assert sorted(failed) == [("N1", "x2"), ("NE1", "x1"), ("NE1", "y1"), ("S1", "x2")]
    sample = rows[0]
    assert set(sample) >= {
        "audit_id",
        "section",
        "item",
        "answer",
        "fraction",
        "applicable",
        "comment",
        "photo_count",
    }
    answers_csv = csv_rows(scored.hq.get(f"{EXPORTS}/answers.csv", query_string=WINDOW))
    assert len(answers_csv) == 15


def test_exports_are_scoped(scored):
    north = csv_rows(scored.manager_north.get(f"{EXPORTS}/audits.csv", query_string=WINDOW))
    assert {r["location_code"] for r in north} == {"N1", "NE1"}
    assert csv_rows(scored.hq_b.get(f"{EXPORTS}/audits.csv", query_string=WINDOW)) == []
    assert scored.auditor.get(f"{EXPORTS}/audits.csv").status_code == 403
    assert scored.hq.get(f"{EXPORTS}/answers.xlsx").status_code == 404


def test_incremental_feed_with_a_stable_cursor(scored):
    rows = jsonl_rows(scored.hq.get(f"{EXPORTS}/audits.jsonl", query_string=WINDOW))
    cursor = rows[2]["cursor"]
    rest = jsonl_rows(
        scored.hq.get(f"{EXPORTS}/audits.jsonl", query_string={**WINDOW, "updated_after": cursor})
    )
    assert [r["audit_id"] for r in rest] == [r["audit_id"] for r in rows[3:]]
    last = rows[-1]["cursor"]
    assert (
        jsonl_rows(
            scored.hq.get(f"{EXPORTS}/audits.jsonl", query_string={**WINDOW, "updated_after": last})
        )
        == []
    )
    for path in ("audits.jsonl", "answers.csv"):
        bad = scored.hq.get(f"{EXPORTS}/{path}", query_string={"updated_after": "nonsense"})
        assert bad.status_code == 422 and "updated_after" in bad.get_json()["errors"]


def _cursor(stamp: str, audit_id: str = "0c6f1a38-6a4e-4d7e-9d5f-8f1f3c7b2a10") -> str:
    """A cursor made as `encode_cursor` makes one, from any text."""
    return base64.urlsafe_b64encode(f"{stamp}|{audit_id}".encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        pytest.param(_cursor("2026-11-01T12:00:00"), id="naive"),
        pytest.param(_cursor("2026-11-01T12:00:00+00:00", "not-a-uuid"), id="not-a-uuid"),
        pytest.param(_cursor("2026-11-01T12:00:00+00:00", ""), id="no-id"),
        pytest.param(_cursor("1969-12-31T23:59:59+00:00"), id="1969"),
        pytest.param(_cursor("2101-01-01T00:00:00+00:00"), id="2101"),
        pytest.param(_cursor("0001-01-01T00:00:00+14:00"), id="year-1"),
        pytest.param(_cursor("9999-12-31T23:59:59-14:00"), id="year-9999"),
        pytest.param(_cursor("not a time"), id="not-a-time"),
        pytest.param(base64.urlsafe_b64encode(b"\xff\xfe|x").decode(), id="not-utf8"),
        pytest.param(base64.urlsafe_b64encode(b"no separator").decode(), id="no-separator"),
        pytest.param("nonsense", id="nonsense"),
        pytest.param("%%%", id="not-base64"),
    ],
)
def test_a_malformed_cursor_is_a_422_naming_updated_after(hq, cursor):
    for path in ("audits.csv", "audits.jsonl", "audits.xlsx", "answers.csv", "answers.jsonl"):
        response = hq.get(f"{EXPORTS}/{path}", query_string={"updated_after": cursor})
        response.get_data()  # a stream that started is read to its end (or its error)
        assert response.status_code == 422, (path, response.status_code)
        assert list(response.get_json()["errors"]) == ["updated_after"]


def test_cli_export_to_a_file(app, scored, tmp_path):
    org_id = scored.hq.get("/api/v1/me").get_json()["org"]["id"]
    out = tmp_path / "audits.csv"
    args = [
        "export",
        "audits",
        "--org",
        str(org_id),
        "--out",
        str(out),
        "--from",
        "2026-10-01",
        "--to",
        "2026-11-30",
    ]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 5 and {r["location_code"] for r in rows} == {"N1", "NE1", "S1"}
    answers = tmp_path / "answers.jsonl"
    args = ["export", "answers", "--org", str(org_id), "--format", "jsonl", "--out", str(answers)]
    assert app.test_cli_runner().invoke(args=args).exit_code == 0
    assert len(answers.read_text().splitlines()) == 6 * 3  # no window: September's too
    # CSV answers (PostgreSQL's COPY there): the same file as the download.
    answers_csv = tmp_path / "answers.csv"
    args = ["export", "answers", "--org", str(org_id), "--out", str(answers_csv)]
    assert app.test_cli_runner().invoke(args=args).exit_code == 0
    downloaded = scored.hq.get(f"{EXPORTS}/answers.csv", query_string={"from": "2000-01-01"})
    assert answers_csv.read_bytes() == downloaded.get_data()


def _as_csv_text(value) -> str:
    """How the csv module writes a JSON value: None empty, True/False, floats by repr; text
    that starts like a formula defused."""
    return "" if value is None else str(defused(value))


def test_answers_csv_and_jsonl_agree_value_for_value(scored):
    """On PostgreSQL the CSV comes from COPY and the JSON Lines from Python: same values."""
    from tests.support.audit_helpers import visit_body
    from tests.support.photo_helpers import jpeg, upload

    audit_id = new_id()
    body = visit_body(scored, courtesy=3, facilities_available=None, seconds_to_greeting=-5)
    body["answers"] = [a for a in body["answers"] if a["item"] != "facilities_available"]
    body["answers"] += [{"item": "facilities_available", "na": True}]
    body["answers"] += [{"item": "notes", "value": FORMULAS[0], "comment": "-3.5"}]
    body["answers"][0]["comment"] = 'Saludó "rápido", pero\nsin mirar; ñandú 👍'
    for answer, comment in zip(body["answers"][1:], FORMULAS, strict=False):
        answer["comment"] = comment
    assert scored.manager_north.put(f"/api/v1/audits/{audit_id}", json=body).status_code == 201
    photo = upload(scored.manager_north, audit_id, jpeg(), item="entrance_photo")
    assert photo.status_code == 201
    assert scored.manager_north.post(f"/api/v1/audits/{audit_id}/submit").status_code == 200
    review = scored.hq.post(f"/api/v1/audits/{audit_id}/review", json={"decision": "approve"})
    assert review.status_code == 200
    query = {"from": "2026-10-01", "to": "2026-11-30", "bom": "true"}
    as_csv = csv_rows(scored.hq.get(f"{EXPORTS}/answers.csv", query_string=query))
    as_jsonl = jsonl_rows(scored.hq.get(f"{EXPORTS}/answers.jsonl", query_string=query))
    assert len(as_csv) == len(as_jsonl) == 15 + len(body["answers"]) + 1  # + entrance_photo
    for text_row, json_row in zip(as_csv, as_jsonl, strict=True):
        assert text_row == {k: _as_csv_text(v) for k, v in json_row.items()}
    mine = {r["item"]: r for r in as_jsonl if r["audit_id"] == audit_id}
    assert mine["facilities_available"]["answer"] == "N/A"
    assert mine["facilities_available"]["applicable"] is False
    assert mine["courtesy"]["answer"] == 3 and mine["courtesy"]["fraction"] == 0.5
    assert mine["acknowledged_within_5s"]["comment"] == body["answers"][0]["comment"]
    assert mine["entrance_photo"]["photo_count"] == 1 and mine["entrance_photo"]["answer"] is None
    assert mine["seconds_to_greeting"]["answer"] == -5 and mine["notes"]["answer"] == FORMULAS[0]
    texts = {r["item"]: (r["answer"], r["comment"]) for r in as_csv if r["audit_id"] == audit_id}
    assert texts["seconds_to_greeting"] == ("-5", "'" + FORMULAS[0])
    assert texts["notes"] == ("'" + FORMULAS[0], "'-3.5")


def test_export_and_score_windows_must_be_in_order(scored):
    backwards = {"from": "2026-11-30", "to": "2026-10-01"}
    for path in (f"{EXPORTS}/answers.csv", "/api/v1/scores/locations", "/api/v1/scores/items"):
        response = scored.hq.get(path, query_string=backwards)
        assert response.status_code == 422, path
        assert response.get_json()["errors"] == {"from": ["must not be after to"]}
