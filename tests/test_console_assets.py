"""The console's vendored files are the pinned ones, each with its licence, and every file the
console needs is package data (an installed wheel serves the same pages)."""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
CONSOLE = ROOT / "audit_api" / "console"
VENDOR = CONSOLE / "static" / "vendor"


def test_vendored_files_match_their_pinned_digests_and_carry_a_licence():
    note = (VENDOR / "VERSIONS").read_text()
    pinned = re.findall(r"^(\w+)\s+\S+ [\d.]+\s+\S+/([\w.]+)\s+\S+\n\s+([0-9a-f]{64})$", note, re.M)
    assert {folder for folder, _, _ in pinned} == {"pico", "htmx", "chartjs"}
    for folder, name, digest in pinned:
        data = (VENDOR / folder / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, f"{folder}/{name} changed"
        assert list((VENDOR / folder).glob("LICENSE*")), f"{folder} has no licence"


def _matches(path: PurePosixPath, pattern: str) -> bool:
    """A setuptools glob of one level per `*` (what package-data means by it)."""
    return len(path.parts) == len(PurePosixPath(pattern).parts) and path.match(pattern)


def test_every_console_file_is_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["audit_api.console"]
    shipped = [
        path.relative_to(CONSOLE)
        for folder in ("templates", "static")
        for path in (CONSOLE / folder).rglob("*")
        if path.is_file()
    ]
    missing = [
        str(path)
        for path in shipped
        if not any(_matches(PurePosixPath(path.as_posix()), p) for p in patterns)
    ]
    assert missing == []
