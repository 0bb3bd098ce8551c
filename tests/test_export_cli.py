"""`flask export`: refusals with a non-zero exit and no file, the format from --out, its help."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest


def _org_id(world) -> int:
    return world.hq.get("/api/v1/me").get_json()["org"]["id"]


def _export(app, *args: str):
    return app.test_cli_runner().invoke(args=["export", *args])


@pytest.mark.parametrize(
    ("option", "value", "named"),
    [("--org", "999999", "no organization 999999"), ("--status", "aproved", "'aproved'")],
)
def test_an_unknown_org_or_status_is_an_error_and_writes_nothing(
    app, world, tmp_path, option, value, named
):
    out = tmp_path / "audits.csv"
    args = {"--org": str(_org_id(world)), "--out": str(out), option: value}
    result = _export(app, "audits", *[part for pair in args.items() for part in pair])
    assert result.exit_code == 2, result.output
    assert option in result.output and named in result.output
    assert not out.exists()


def test_the_format_follows_the_out_extension(app, scored, tmp_path):
    org = str(_org_id(scored))
    for name in ("audits.jsonl", "audits.xlsx", "audits.CSV", "audits.txt"):
        result = _export(app, "audits", "--org", org, "--out", str(tmp_path / name))
        assert result.exit_code == 0, (name, result.output)
    lines = (tmp_path / "audits.jsonl").read_text().splitlines()
    assert len(lines) == 6 and all(json.loads(line)["status"] == "approved" for line in lines)
    with zipfile.ZipFile(tmp_path / "audits.xlsx") as book:  # an XLSX is a zip of XML parts
        assert "xl/worksheets/sheet1.xml" in book.namelist()
    for name in ("audits.CSV", "audits.txt"):  # any other extension: CSV, as before
        rows = list(csv.DictReader(io.StringIO((tmp_path / name).read_text())))
        assert len(rows) == 6
    # --format, when given, wins over the extension.
    forced = tmp_path / "forced.xlsx"
    result = _export(app, "audits", "--org", org, "--format", "jsonl", "--out", str(forced))
    assert result.exit_code == 0 and json.loads(forced.read_text().splitlines()[0])
    # Answers have no XLSX form, and an .xlsx name asks for one.
    result = _export(app, "answers", "--org", org, "--out", str(tmp_path / "answers.xlsx"))
    assert result.exit_code == 2 and "answers come as csv or jsonl" in result.output


def test_a_missing_output_folder_is_a_message_not_a_traceback(app, world, tmp_path):
    out = tmp_path / "no" / "such" / "folder" / "audits.csv"
    result = _export(app, "audits", "--org", str(_org_id(world)), "--out", str(out))
    assert result.exit_code == 2
    assert f"the folder {out.parent} does not exist" in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    # A folder where the file should go: the reason, no traceback either.
    result = _export(app, "audits", "--org", str(_org_id(world)), "--out", str(tmp_path))
    assert result.exit_code == 1 and "Could not open file" in result.output
    assert isinstance(result.exception, SystemExit)


def test_help_shows_the_defaults(app):
    result = _export(app, "--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split())  # click wraps the help text
    assert "[default: approved]" in text
    assert "[default: (the extension of --out, else csv)]" in text
    assert "[draft|submitted|approved|rejected|disputed|all]" in text
