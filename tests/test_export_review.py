"""Review of the answers CSV read from item scores (COPY) against the Python writer."""

from __future__ import annotations

from sqlalchemy import select

from audit_api.audits.models import AuditItemScore
from audit_api.db import db
from audit_api.migrate import downgrade, upgrade
from tests.support.audit_helpers import new_id, visit_body
from tests.support.photo_helpers import jpeg, upload
from tests.test_exports import EXPORTS, _as_csv_text, csv_rows, jsonl_rows

# A float Python writes in exponent form (repr), PostgreSQL's jsonb as a plain decimal.
SMALL = 0.00001
CELLS = ("answer_index", "answer", "answer_is_text", "comment", "photo_count")


def _answers(world, query):
    as_csv = csv_rows(world.hq.get(f"{EXPORTS}/answers.csv", query_string=query))
    as_jsonl = jsonl_rows(world.hq.get(f"{EXPORTS}/answers.jsonl", query_string=query))
    return as_csv, as_jsonl


def test_a_small_float_reads_as_python_writes_it(app, scored):
    """A number answer like 0.00001 reads `1e-05` in the CSV whether the audit is a draft
    (JSON, on PostgreSQL) or scored, and after migration 0016 refilled the item scores."""
    body = visit_body(scored, seconds_to_greeting=SMALL)
    body["answers"][0]["comment"] = 'dijo "hola"\n=1+1; ñandú 👍'
    submitted = new_id()
    assert scored.manager_north.put(f"/api/v1/audits/{submitted}", json=body).status_code == 201
    assert upload(scored.manager_north, submitted, jpeg(), item="entrance_photo").status_code == 201
    assert scored.manager_north.post(f"/api/v1/audits/{submitted}/submit").status_code == 200
    draft = new_id()
    assert scored.manager_north.put(f"/api/v1/audits/{draft}", json=body).status_code == 201
    query = {"status": "all"}

    def check():
        as_csv, as_jsonl = _answers(scored, query)
        assert len(as_csv) == len(as_jsonl)
        for text_row, json_row in zip(as_csv, as_jsonl, strict=True):
            assert text_row == {k: _as_csv_text(v) for k, v in json_row.items()}
        small = [r["answer"] for r in as_csv if r["item"] == "seconds_to_greeting"]
        assert small.count("1e-05") >= 1

    check()
    with app.app_context():
        columns = (AuditItemScore.audit_id, AuditItemScore.item_key)
        columns += tuple(getattr(AuditItemScore, c) for c in CELLS)
        stored = sorted(db.session.execute(select(*columns)).all(), key=str)
        db.session.close()
        downgrade(app, "0015")
        upgrade(app)
        assert sorted(db.session.execute(select(*columns)).all(), key=str) == stored
        db.session.close()
    check()


def test_negative_zero_is_stored_as_zero_and_exports_agree(scored):
    """JSON's -0.0 is kept as 0.0: PostgreSQL's jsonb has no negative zero, so the answer read
    -0.0 on SQLite and 0.0 on PostgreSQL, and the exports could disagree with each other."""
    body = visit_body(scored, seconds_to_greeting=-0.0)
    audit_id = new_id()
    assert scored.manager_north.put(f"/api/v1/audits/{audit_id}", json=body).status_code == 201
    assert upload(scored.manager_north, audit_id, jpeg(), item="entrance_photo").status_code == 201
    assert scored.manager_north.post(f"/api/v1/audits/{audit_id}/submit").status_code == 200
    shown = scored.manager_north.get(f"/api/v1/audits/{audit_id}").get_json()["answers"]
    value = next(a["value"] for a in shown if a["item"] == "seconds_to_greeting")
    assert value == 0 and str(value) == "0.0"
    as_csv, as_jsonl = _answers(scored, {"status": "all"})
    for text_row, json_row in zip(as_csv, as_jsonl, strict=True):
        assert text_row == {k: _as_csv_text(v) for k, v in json_row.items()}
    assert [r["answer"] for r in as_csv if r["item"] == "seconds_to_greeting"] == ["0.0"]


def test_a_score_stored_without_its_answers_still_exports_them(app, scored):
    """An item score written without the answer cells (by the release before 0016, still
    serving while the migration ran, or by any writer that leaves them out) must not drop
    the audit's answers from the CSV: it reads them from its JSON, scores included, as the
    Python writer (JSON Lines) does."""
    query = {"status": "all"}
    before, _ = _answers(scored, query)
    (victim, *_) = sorted({r["audit_id"] for r in before if r["fraction"] != ""})
    with app.app_context():
        cells = {c: None for c in CELLS}
        db.session.execute(
            AuditItemScore.__table__.update().where(AuditItemScore.audit_id == victim).values(cells)
        )
        db.session.commit()
    as_csv, as_jsonl = _answers(scored, query)
    assert sum(r["audit_id"] == victim for r in as_csv) == sum(
        r["audit_id"] == victim for r in as_jsonl
    )
    for text_row, json_row in zip(as_csv, as_jsonl, strict=True):
        assert text_row == {k: _as_csv_text(v) for k, v in json_row.items()}
    assert as_csv == before


def test_disputed_rescored_and_returned_audits_read_as_python_writes_them(world):
    """An overturned dispute rescores with the corrected answer moved last; a returned audit
    is a draft again with no score: COPY and the Python writer agree row for row."""
    from tests.support.audit_helpers import assign, call_audit
    from tests.support.helpers import created

    def submitted() -> str:
        audit_id = new_id()
        body = call_audit(world, assign(world))
        body["answers"][0]["comment"] = '"=1+1"\n\t@x; 👍 ' + "x" * 1900
        response = world.auditor.post(f"/api/v1/audits/{audit_id}/submit", json=body)
        assert response.status_code == 200, response.get_json()
        return audit_id

    disputed, returned = submitted(), submitted()
    review = f"/api/v1/audits/{disputed}/review"
    assert world.manager_north.post(review, json={"decision": "approve"}).status_code == 200
    body = {"items": ["rings_to_answer"], "reason": "mal"}
    dispute = created(world.manager_north.post(f"/api/v1/audits/{disputed}/disputes", json=body))
    fix = {"outcome": "overturned", "answers": [{"item": "rings_to_answer", "value": 9}]}
    resolved = world.hq.post(f"/api/v1/disputes/{dispute['id']}/resolve", json=fix)
    assert resolved.status_code == 200, resolved.get_json()
    back = {"decision": "return", "note": "otra vez"}
    assert (
        world.manager_north.post(f"/api/v1/audits/{returned}/review", json=back).status_code == 200
    )
    as_csv, as_jsonl = _answers(world, {"status": "all"})
    assert {r["audit_id"] for r in as_csv} == {disputed, returned}
    for text_row, json_row in zip(as_csv, as_jsonl, strict=True):
        assert text_row == {k: _as_csv_text(v) for k, v in json_row.items()}
    mine = [r for r in as_csv if r["audit_id"] == disputed]
    assert mine[-1]["item"] == "rings_to_answer" and mine[-1]["answer"] == "9"
    assert {r["fraction"] for r in as_csv if r["audit_id"] == returned} == {""}
