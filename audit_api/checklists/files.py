"""Checklist YAML files: read and validate them, with errors that name the file and the path."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from audit_api.checklists.definition import DefinitionInvalid, load_definition

BUILTIN_DIR = Path(__file__).resolve().parent.parent.parent / "checklists"
# Earlier versions of a built-in stay published: `past/<key>.v<version>.yaml` keeps each one,
# so a new database has every version that audits and assignments elsewhere may pin.
PAST_DIR, PAST_VERSION = "past", ".v"


class ChecklistFileError(ValueError):
    """A checklist file that cannot be read or does not validate; one line per problem."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path, self.problems = path, problems
        super().__init__("\n".join(f"{path}: {problem}" for problem in problems))


def digest(definition: dict[str, Any]) -> str:
    """sha256 of a definition's canonical JSON: equal content, equal digest."""
    canonical = json.dumps(definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def read_file(path: Path) -> dict[str, Any]:
    """Load and validate one YAML checklist; its key must match the file name."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ChecklistFileError(path, [f"{where}not valid YAML ({exc})"]) from None
    except OSError as exc:
        raise ChecklistFileError(path, [f"cannot read ({exc.strerror})"]) from None
    try:
        definition = load_definition(raw)
    except DefinitionInvalid as exc:
        lines = [f"{p}: {'; '.join(m)}" for p, m in sorted(exc.errors.items())]
        raise ChecklistFileError(path, lines) from None
    key, _, version = path.stem.partition(PAST_VERSION)
    if definition["key"] != key:
        raise ChecklistFileError(path, [f"key: '{definition['key']}' must match the file name"])
    if version and str(definition["version"]) != version:
        raise ChecklistFileError(path, [f"version: must be {version}, as in the file name"])
    return definition


@cache
def _cached(path: Path, mtime_ns: int) -> dict[str, Any]:
    return read_file(path)


def builtin_definitions(folder: Path = BUILTIN_DIR) -> list[dict[str, Any]]:
    """Every built-in checklist version, past ones first, validated (parsed once per file
    version per process)."""
    paths = sorted((folder / PAST_DIR).glob("*.yaml")) + sorted(folder.glob("*.yaml"))
    return [_cached(path, path.stat().st_mtime_ns) for path in paths]
