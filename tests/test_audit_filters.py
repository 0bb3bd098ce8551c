"""One set of filter names for audit lists, exports and scores (old names kept as aliases)."""

from __future__ import annotations

import csv
import io

import pytest

from tests.support.score_fixtures import WINDOW

AUDITS = "/api/v1/audits"


def listed(caller, query: str) -> list[dict]:
    response = caller.get(f"{AUDITS}?{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def exported(caller, query: str) -> list[dict]:
    response = caller.get(f"/api/v1/exports/audits.csv?status=all&{query}")
    assert response.status_code == 200, response.get_json()
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_audit_list_takes_from_to_and_the_old_date_names(scored):
    hq = scored.hq
    new = listed(hq, "from=2026-11-10&to=2026-11-12&page_size=100")
    old = listed(hq, "date_from=2026-11-10&date_to=2026-11-12&page_size=100")
    assert [a["id"] for a in new] == [a["id"] for a in old]
    assert {a["visit_date"] for a in new} == {"2026-11-10", "2026-11-11", "2026-11-12"}
    backwards = hq.get(f"{AUDITS}?from=2026-11-12&to=2026-11-10")
    assert backwards.status_code == 422 and "from" in backwards.get_json()["errors"]


def test_checklist_key_and_version_filter_lists_exports_and_scores_alike(scored):
    hq = scored.hq
    every = listed(hq, "page_size=100")
    mini = listed(hq, "checklist_key=mini&checklist_version=1&page_size=100")
    assert len(mini) == len(every) == 8  # the world's audits are all of the mini checklist
    assert listed(hq, "checklist_key=mini&checklist_version=2") == []
    assert listed(hq, "checklist_key=self-call") == []
    assert len(exported(hq, "checklist_key=mini")) == len(exported(hq, "checklist=mini")) == 8
    assert exported(hq, "checklist_key=first-five-seconds") == []
    query = "&".join(f"{k}={v}" for k, v in WINDOW.items())
    for name in ("checklist_key", "checklist"):
        table = hq.get(f"/api/v1/scores/locations?{query}&{name}=mini").get_json()
        assert {row["code"]: row["n"] for row in table if row["n"]} == {"N1": 2, "NE1": 2, "S1": 1}
    none = hq.get(f"/api/v1/scores/locations?{query}&checklist_key=mini&checklist_version=2")
    assert all(row["n"] == 0 for row in none.get_json())


@pytest.mark.parametrize(
    "path",
    [AUDITS, "/api/v1/exports/audits.jsonl", "/api/v1/scores/locations", "/api/v1/scores/items"],
)
def test_a_version_without_a_key_or_two_names_that_disagree_are_422(scored, path):
    alone = scored.hq.get(f"{path}?checklist_version=1")
    assert alone.status_code == 422 and "checklist_version" in alone.get_json()["errors"]
    if path != AUDITS:
        clash = scored.hq.get(f"{path}?checklist=mini&checklist_key=self-call")
        assert clash.status_code == 422 and "checklist_key" in clash.get_json()["errors"]
