"""Exports never hand a spreadsheet a live formula: CSV cells are defused, XLSX cells are text."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from sqlalchemy import select

from audit_api.audits.models import AuditItemScore
from audit_api.db import db
from audit_api.migrate import downgrade, upgrade
from tests.support.audit_helpers import new_id
from tests.support.checklist_factory import item, raw_checklist, section
from tests.support.helpers import PASSWORD, created, login

EXPORTS = "/api/v1/exports"
EVIL = '=HYPERLINK("http://evil","x")'
TEXTS = {"t_eq": EVIL, "t_plus": "+1+1", "t_minus": "-2+3", "t_at": "@SUM(A1)"}
TEXTS |= {"t_tab": "\tx", "t_cr": "\rx", "t_plain": "fine -1"}
# Excel where the list separator is ";" (es-CL, es-AR, es-ES, es-CO, es-PE) splits a comma CSV
# on ";" and on line breaks, even inside quotes: each piece starts a cell of its own.
SPLIT = {"t_semi": "x;=1+1;", "t_line": "ok\n=1+1;", "t_crlf": "a\r\n-2", "t_seps": ";@x;;+y"}
SPLIT |= {"t_cr2": "a\r\r=b", "t_safe": "a;b\nc -1"}
SPLIT_DEFUSED = {"t_semi": "x;'=1+1;", "t_line": "ok\n'=1+1;", "t_crlf": "a\r\n'-2"}
SPLIT_DEFUSED |= {"t_seps": ";'@x;;'+y", "t_cr2": "a\r'\r'=b", "t_safe": "a;b\nc -1"}
GRADE = {"es": "=1+1", "en": "-1"}
NUMBERS = {"delta": -5, "ratio": -3.5}
ANSWER_CELLS = ("answer_index", "answer", "answer_is_text", "comment", "photo_count")


def _checklist(hq) -> None:
    numbers = [
        item(key, "number", bands=[{"max": 0, "score": 1}, {"min": 0, "score": 0}])
        for key in NUMBERS
    ]
    texts = [item(key, "text", required=False) for key in TEXTS | SPLIT]
    body = raw_checklist(
        [section("a", [item("ok"), *numbers]), section("b", texts)],
        key="evil",
        scoring={"grades": [{"min": 0, "label": GRADE}]},
    )
    created(hq.post("/api/v1/checklists", json=body))
    assert hq.post("/api/v1/checklists/evil/versions/1/publish").status_code == 200


def _ok(response) -> None:
    assert response.status_code == 200, response.get_json()


@pytest.fixture
def planted(world, client):
    """An approved audit of n1 whose every free-form text starts like a formula."""
    hq = world.hq
    _ok(hq.patch(f"/api/v1/regions/{world.ids['north']}", json={"name": "@SUM(A1)"}))
    _ok(hq.patch(f"/api/v1/locations/{world.ids['n1']}", json={"name": EVIL}))
    email = "=1+1@a.example"
    scope = {"region_ids": [world.ids["north"]], "location_ids": []}
    user = {"email": email, "name": "-x", "role": "manager", "password": PASSWORD, "scope": scope}
    created(hq.post("/api/v1/users", json=user))
    _checklist(hq)
    answers = [{"item": "ok", "value": True, "comment": "-2+3"}]
    answers += [{"item": k, "value": v, "comment": "\rx"} for k, v in NUMBERS.items()]
    answers += [{"item": k, "value": v, "comment": v} for k, v in (TEXTS | SPLIT).items()]
    body = {
        "location_id": world.ids["n1"],
        "checklist_key": "evil",
        "checklist_version": 1,
        "kind": "visit",
        "started_at": "2026-11-02T12:00:00-03:00",
        "answers": answers,
    }
    audit_id = new_id()
    _ok(login(client, email).post(f"/api/v1/audits/{audit_id}/submit", json=body))
    _ok(hq.post(f"/api/v1/audits/{audit_id}/review", json={"decision": "approve"}))
    return world


def test_a_draft_reads_as_a_scored_audit_does(planted, client):
    """answers.csv?status=all takes a draft's answers from its JSON and a scored audit's
    from its item scores (on PostgreSQL): the same answers give the same cells either way."""
    rows = _csv(planted.hq.get(f"{EXPORTS}/answers.csv"))
    (approved,) = {r["audit_id"] for r in rows}
    body = planted.hq.get(f"/api/v1/audits/{approved}").get_json()
    draft = {k: body[k] for k in ("location_id", "kind", "started_at", "answers")}
    draft |= {"checklist_key": "evil", "checklist_version": 1}
    answered = login(client, "=1+1@a.example").put(f"/api/v1/audits/{new_id()}", json=draft)
    assert answered.status_code == 201, answered.get_json()
    both = _csv(planted.hq.get(f"{EXPORTS}/answers.csv", query_string={"status": "all"}))
    cells = ("item", "answer", "comment", "photo_count")
    by_audit: dict[str, list] = {}
    for row in both:
        by_audit.setdefault(row["audit_id"], []).append([row[c] for c in cells])
    assert by_audit.pop(approved) == [[r[c] for c in cells] for r in rows]
    (drafted,) = by_audit.values()
    assert drafted == [[r[c] for c in cells] for r in rows]
    assert {r["fraction"] for r in both if r["audit_id"] != approved} == {""}  # no score yet


def test_the_migration_keeps_the_answers_the_service_stores(app, planted):
    """Migration 0016 fills item scores' answer cells from the audits' answers: the same
    cells the service writes when it scores (SQL on PostgreSQL, Python on SQLite)."""
    columns = (AuditItemScore.item_key, *(getattr(AuditItemScore, c) for c in ANSWER_CELLS))
    before_csv = planted.hq.get(f"{EXPORTS}/answers.csv").get_data()
    with app.app_context():
        stored = sorted(db.session.execute(select(*columns)).all())
        assert len(stored) == 1 + len(NUMBERS) + len(TEXTS | SPLIT)
        assert ("delta", 1, "-5", False, "\rx", 0) in stored
        db.session.close()
        downgrade(app, "0015")
        upgrade(app)
        assert sorted(db.session.execute(select(*columns)).all()) == stored
        db.session.close()
    assert planted.hq.get(f"{EXPORTS}/answers.csv").get_data() == before_csv


def _csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_audits_csv_quotes_text_that_starts_like_a_formula(planted):
    (row,) = _csv(planted.hq.get(f"{EXPORTS}/audits.csv"))
    assert row["location_name"] == "'" + EVIL
    assert row["region_path"] == "'@SUM(A1)"
    assert row["auditor"] == "'=1+1@a.example"
    assert row["grade"] == "'=1+1"
    english = _csv(planted.hq.get(f"{EXPORTS}/audits.csv", query_string={"lang": "en"}))
    assert english[0]["grade"] == "'-1"
    assert row["overall"] == "100.0" and row["checklist_version"] == "1"


def test_answers_csv_quotes_text_but_not_numbers(planted):
    # On PostgreSQL this file is written by COPY: the SQL applies the same rule.
    rows = {r["item"]: r for r in _csv(planted.hq.get(f"{EXPORTS}/answers.csv"))}
    for key, text in TEXTS.items():
        expected = text if key == "t_plain" else "'" + text
        assert (rows[key]["answer"], rows[key]["comment"]) == (expected, expected), key
    assert (rows["delta"]["answer"], rows["ratio"]["answer"]) == ("-5", "-3.5")
    assert rows["delta"]["comment"] == "'\rx" and rows["ok"]["comment"] == "'-2+3"
    assert rows["delta"]["fraction"] == "1.0" and rows["t_eq"]["photo_count"] == "0"


def test_csv_defuses_each_cell_a_semicolon_split_would_start(planted):
    # On PostgreSQL answers.csv is written by COPY: the SQL applies the same rule.
    rows = {r["item"]: r for r in _csv(planted.hq.get(f"{EXPORTS}/answers.csv"))}
    for key, expected in SPLIT_DEFUSED.items():
        assert (rows[key]["answer"], rows[key]["comment"]) == (expected, expected), key
    assert (rows["delta"]["answer"], rows["ratio"]["answer"]) == ("-5", "-3.5")
    name = "Tienda;-1\n@x"
    _ok(planted.hq.patch(f"/api/v1/locations/{planted.ids['n1']}", json={"name": name}))
    (row,) = _csv(planted.hq.get(f"{EXPORTS}/audits.csv"))
    assert row["location_name"] == "Tienda;'-1\n'@x"
    assert row["overall"] == "100.0"


def test_jsonl_keeps_the_text_as_typed(planted):
    response = planted.hq.get(f"{EXPORTS}/answers.jsonl")
    rows = {r["item"]: r for r in map(json.loads, response.get_data(as_text=True).splitlines())}
    assert rows["t_eq"]["answer"] == EVIL and rows["delta"]["answer"] == -5
    audits = planted.hq.get(f"{EXPORTS}/audits.jsonl").get_data(as_text=True)
    assert json.loads(audits)["location_name"] == EVIL


def _xlsx_row(caller) -> tuple[dict, list]:
    response = caller.get(f"{EXPORTS}/audits.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    (header, row) = sheet.iter_rows(min_row=1, max_row=2)
    return dict(zip((c.value for c in header), (c.value for c in row), strict=True)), row


def test_audits_xlsx_holds_text_and_numbers_never_formulas(planted):
    values, cells = _xlsx_row(planted.hq)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert values["location_name"] == EVIL and values["grade"] == "=1+1"
    assert values["auditor"] == "=1+1@a.example" and values["region_path"] == "@SUM(A1)"
    types = dict(zip(values, (c.data_type for c in cells), strict=True))
    assert (values["overall"], values["section_a"], values["checklist_version"]) == (100, 100, 1)
    assert types["overall"] == types["section_a"] == types["checklist_version"] == "n"
    # Nor a link: a name is text, whatever it looks like.
    url = "https://evil.example/x"
    _ok(planted.hq.patch(f"/api/v1/locations/{planted.ids['n1']}", json={"name": url}))
    values, cells = _xlsx_row(planted.hq)
    assert values["location_name"] == url
    assert [c.coordinate for c in cells if c.hyperlink is not None] == []


def test_the_cli_writes_the_same_defused_files(app, planted, tmp_path):
    org_id = planted.hq.get("/api/v1/me").get_json()["org"]["id"]
    for what in ("audits", "answers"):
        out = tmp_path / f"{what}.csv"
        args = ["export", what, "--org", str(org_id), "--out", str(out)]
        result = app.test_cli_runner().invoke(args=args)
        assert result.exit_code == 0, result.output
        assert out.read_bytes() == planted.hq.get(f"{EXPORTS}/{what}.csv").get_data(), what


@pytest.mark.parametrize("key", ["=x", "+x", "-x", "@x", "\tx", "a;=b", "a\n-b", "A", "1a"])
@pytest.mark.parametrize("where", ["section", "item"])
def test_keys_can_never_start_a_formula(hq, key, where):
    """Section and item keys are slugs, so exports write them undefused (COPY skips the
    check on millions of cells): a key that could start a cell with a formula is refused."""
    inner = item(key if where == "item" else "ok")
    outer = section(key if where == "section" else "a", [inner])
    response = hq.post("/api/v1/checklists", json=raw_checklist([outer], key="keys"))
    assert response.status_code == 422, response.get_json()
    assert "key" in str(response.get_json()["errors"])


@pytest.mark.parametrize("key", ["=x", "-x", "x-", "a;b", "A"])
def test_checklist_keys_can_never_start_a_formula(hq, key):
    body = raw_checklist([section("a", [item("ok")])], key=key)
    response = hq.post("/api/v1/checklists", json=body)
    assert response.status_code == 422, response.get_json()
    assert "key" in response.get_json()["errors"]
