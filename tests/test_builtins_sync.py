"""Built-in checklists are published from their files at start, once, and never changed."""

from __future__ import annotations

import shutil

import pytest
import yaml
from sqlalchemy import func, select

from audit_api.checklists.builtins import BuiltinChanged, sync_builtins
from audit_api.checklists.files import BUILTIN_DIR
from audit_api.checklists.models import ChecklistVersion
from audit_api.db import db


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(ChecklistVersion))


def test_start_publishes_every_builtin_once(app):
    with app.app_context():
        files = [*BUILTIN_DIR.glob("*.yaml"), *BUILTIN_DIR.glob("past/*.yaml")]
        assert _count() == len(files)
        assert sync_builtins() == 0


def test_a_new_version_in_a_file_is_published_and_an_edit_in_place_refused(app, tmp_path):
    folder = tmp_path / "checklists"
    shutil.copytree(BUILTIN_DIR, folder)
    path = folder / "self-call.yaml"
    data = yaml.safe_load(path.read_text())
    data["version"] = 3
    data["sections"][0]["weight"] = 50
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    with app.app_context():
        before = _count()
        assert sync_builtins(folder) == 1
        assert _count() == before + 1
        data["sections"][0]["weight"] = 45  # edited again without a new version
        path.write_text(yaml.safe_dump(data, allow_unicode=True))
        with pytest.raises(BuiltinChanged, match=r"self-call\.yaml: version 3"):
            sync_builtins(folder)
        assert _count() == before + 1


def test_cli_sync_reports(app):
    result = app.test_cli_runner().invoke(args=["checklists", "sync"])
    assert result.exit_code == 0 and "0 new version" in result.output
