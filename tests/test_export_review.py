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
