"""Fixtures of scored audits with hand-computed numbers (shared by the score and export tests)."""

from __future__ import annotations

import pytest

from tests.support.audit_helpers import new_id
from tests.support.checklist_factory import item, raw_checklist, section
from tests.support.helpers import created

WINDOW = {"from": "2026-10-01", "to": "2026-11-30"}  # 61 days; previous: Aug 1 - Sep 30


def mini_checklist(hq) -> None:
    body = raw_checklist(
        [section("a", [item("x1"), item("x2")]), section("b", [item("y1")])], key="mini"
    )
    created(hq.post("/api/v1/checklists", json=body))
    assert hq.post("/api/v1/checklists/mini/versions/1/publish").status_code == 200


def audit(world, who, location, started_at, x1=True, x2=True, y1=True, decision="approve"):
    """Submit a self-audit of the mini checklist and have HQ decide on it."""
    body = {
        "location_id": world.ids[location],
        "checklist_key": "mini",
        "checklist_version": 1,
        "kind": "visit",
        "started_at": started_at,
        "answers": [
            {"item": "x1", "value": x1},
            {"item": "x2", "value": x2},
            {"item": "y1", "value": y1},
        ],
    }
    audit_id = new_id()
    response = getattr(world, who).post(f"/api/v1/audits/{audit_id}/submit", json=body)
    assert response.status_code == 200, response.get_json()
    if decision:
        review = world.hq.post(f"/api/v1/audits/{audit_id}/review", json={"decision": decision})
        assert review.status_code == 200
    return audit_id


@pytest.fixture
def scored(world):
    """n1: 100 on Oct 31 23:30 Santiago (Nov 1 UTC) and 66.67 on Nov 1; 33.33 in September.
    ne1: 66.67 twice. s1: 66.67 once. Not counted: a rejected and a submitted audit."""
    mini_checklist(world.hq)
    audit(world, "manager_north", "n1", "2026-10-31T23:30:00-03:00")
    audit(world, "manager_north", "n1", "2026-11-01T00:30:00-03:00", x2=False)
    audit(world, "manager_north", "n1", "2026-09-15T12:00:00-03:00", x1=False, x2=False)
    audit(world, "manager_north", "ne1", "2026-11-10T12:00:00-03:00", y1=False)
    audit(world, "manager_north", "ne1", "2026-11-11T12:00:00-03:00", x1=False)
    audit(world, "manager_s1", "s1", "2026-11-12T12:00:00-03:00", x2=False)
    audit(world, "manager_north", "n1", "2026-11-13T12:00:00-03:00", False, False, False, "reject")
    audit(world, "manager_north", "n1", "2026-11-14T12:00:00-03:00", False, False, False, None)
    return world
