"""`flask rollup rebuild [--check]`, and the migration that fills the rollup from the audits
already approved."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import delete, func, select, update

from audit_api.db import db
from audit_api.migrate import downgrade, upgrade
from audit_api.rollups.models import ItemRollup, MonthRollup, ScoreRollup, SectionRollup
from audit_api.rollups.rebuild import differences
from tests.support.score_fixtures import WINDOW, audit, mini_checklist


def _rebuild(app, *args: str):
    return app.test_cli_runner().invoke(args=["rollup", "rebuild", *args])


def _league(world):
    return world.hq.get("/api/v1/scores/locations", query_string=WINDOW).get_json()


def _spoil(app) -> None:
    """Wrong sums and counts, missing rows, a row that no audit makes."""
    with app.app_context():
        db.session.execute(update(ScoreRollup).values(total=ScoreRollup.total + 1))
        db.session.execute(update(MonthRollup).values(n=MonthRollup.n + 1))
        first = db.session.execute(select(SectionRollup).limit(1)).scalar_one()
        db.session.execute(
            delete(SectionRollup).where(SectionRollup.location_id == first.location_id)
        )
        item = db.session.execute(select(ItemRollup).limit(1)).scalar_one()
        db.session.execute(
            update(ItemRollup)
            .where(ItemRollup.location_id == item.location_id, ItemRollup.item_key == item.item_key)
            .values(item_key="ghost")
        )
        db.session.commit()


def test_a_consistent_rollup_checks_clean(app, scored):
    result = _rebuild(app, "--check")
    assert result.exit_code == 0, result.output
    assert "0 difference(s)" in result.output


def test_check_reports_every_difference_and_rebuild_repairs_them(app, scored):
    before = _league(scored)
    _spoil(app)
    assert _league(scored) != before  # the views read the rollup
    checked = _rebuild(app, "--check")
    assert checked.exit_code == 1
    tables = ("score_rollups [", "score_rollup_months [", "score_rollup_sections [")
    for table in (*tables, "score_rollup_items ["):
        assert table in checked.output
    assert "item_key=ghost" in checked.output
    assert _rebuild(app, "--check").exit_code == 1  # --check changed nothing
    rebuilt = _rebuild(app)
    assert rebuilt.exit_code == 0 and "rebuilt: score_rollups" in rebuilt.output
    assert _rebuild(app, "--check").exit_code == 0
    assert _league(scored) == before


def test_the_migration_fills_the_rollup_from_approved_audits(app, scored):
    with app.app_context():
        rows = db.session.scalar(select(func.count()).select_from(ScoreRollup))
        db.session.close()
        downgrade(app, "0014")
        upgrade(app, "0015")
        assert db.session.scalar(select(func.count()).select_from(ScoreRollup)) == rows > 0
        assert differences() == []
        db.session.close()
        upgrade(app)  # the later revisions too: the tests after this one need the whole schema


def test_approvals_racing_in_one_month_all_count(app, world):
    """Eight audits of one location, checklist and kind in one month, approved at the same
    moment: each refresh waits for the month's lock and then sees the others' audits."""
    mini_checklist(world.hq)
    ids = [
        audit(world, "manager_north", "n1", f"2026-10-{day:02d}T12:00:00-03:00", decision=None)
        for day in (3, 3, 5, 9, 12, 12, 20, 28)
    ]

    def approve(audit_id: str) -> int:
        headers = {"Authorization": f"Bearer {world.hq.token}"}
        url = f"/api/v1/audits/{audit_id}/review"
        return (
            app.test_client().post(url, json={"decision": "approve"}, headers=headers).status_code
        )

    with ThreadPoolExecutor(len(ids)) as pool:
        assert set(pool.map(approve, ids)) == {200}
    with app.app_context():
        assert differences() == []
        assert db.session.scalar(select(func.sum(MonthRollup.n))) == len(ids)
        db.session.close()
