"""The README stays true: its settings table, its test command, its links to the design docs."""

from __future__ import annotations

import re
from pathlib import Path

from audit_api.config import settings_table

ROOT = Path(__file__).resolve().parent.parent


def _quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", section, re.DOTALL)


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_test_one():
    commands = _quick_start_commands()
    assert len(commands) == 2
    run, test = commands
    assert "flask --app wsgi demo" in run and "flask --app wsgi run" in run
    assert test.endswith("pytest")
    assert test in (ROOT / ".ci" / "run").read_text()


def test_readme_settings_table_is_the_generated_one():
    assert settings_table() in (ROOT / "README.md").read_text()


def test_the_design_docs_are_in_the_repository_and_nothing_points_outside_it():
    readme = (ROOT / "README.md").read_text()
    for name in ("roles", "lifecycle", "scoring", "evidence", "architecture"):
        assert f"(docs/{name}.md)" in readme and (ROOT / "docs" / f"{name}.md").is_file()
    outside = "../" + "shared"  # a folder beside the repository that a clone does not have
    files = [ROOT / "README.md", *ROOT.glob("docs/*.md")]
    files += [
        p for d in ("audit_api", "tests", "bench", "checklists") for p in (ROOT / d).rglob("*.*")
    ]
    found = [str(p.relative_to(ROOT)) for p in files if p.suffix in (".md", ".py", ".yaml")]
    assert [f for f in found if outside in (ROOT / f).read_text()] == []
