"""Reading a checklist definition typed or uploaded as YAML or JSON, and finding the line of
each error path (`sections[1].items[0].weight`) in that text."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import yaml
from flask_babel import lazy_gettext as _l

from audit_api.request_checks import MAX_JSON_DEPTH, depth_exceeds

STEP = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")
TOO_DEEP = _l("nested too deeply")
MAX_CHARS = 100_000  # the built-in checklists are 3-5 KB; a brand's largest, a few times that
# libyaml where PyYAML has it: the pure-Python scanner slows down with every unclosed
# bracket, so a hostile 100 KB took minutes (it is also what the depth check below is for).
LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
BRACKETS = re.compile(r"""[\[\]{}]|"(?:[^"\\\n]|\\.)*"|'[^'\n]*'""")


@dataclass(frozen=True)
class Problem:
    """One problem of the text: a definition path (or none, for syntax) with its line."""

    message: Any
    path: str | None = None
    line: int | None = None
    column: int | None = None


class TextInvalid(ValueError):
    """The text is not a YAML or JSON document the console can hand to the service."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem.message))
        self.problem = problem


def _looks_like_json(text: str) -> bool:
    return text.lstrip().startswith(("{", "["))


def _bracket_depth(text: str) -> int:
    """How deep [ and { nest outside quoted strings, read in one pass before any parser."""
    depth = deepest = 0
    for found in BRACKETS.finditer(text):
        token = found.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth = max(depth - 1, 0)
    return deepest


def _bounded(text: str) -> None:
    if len(text) > MAX_CHARS:
        raise TextInvalid(Problem(_l("longer than %(num)d characters", num=MAX_CHARS)))
    if _bracket_depth(text) > MAX_JSON_DEPTH:
        raise TextInvalid(Problem(TOO_DEEP))


def _no_aliases(text: str) -> None:
    # An alias repeats a node without copying it: a few lines could expand to millions of
    # items when validated and stored, so a definition is written out in full.
    for event in yaml.parse(text, Loader=LOADER):
        if isinstance(event, yaml.NodeEvent) and event.anchor:
            mark = event.start_mark
            raise TextInvalid(
                Problem(_l("anchors and aliases (& and *) are not allowed"), None, mark.line + 1)
            )


def parse(text: str) -> Any:
    """The document in `text` (JSON when it starts with { or [, else YAML), as JSON values;
    raises TextInvalid with the line and column of a syntax error."""
    _bounded(text)
    loaded = _json(text) if _looks_like_json(text) else _yaml(text)
    if depth_exceeds(loaded, MAX_JSON_DEPTH):  # block-style YAML nests without brackets
        raise TextInvalid(Problem(TOO_DEEP))
    return loaded


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise TextInvalid(Problem(exc.msg, None, exc.lineno, exc.colno)) from None
    except RecursionError:
        raise TextInvalid(Problem(TOO_DEEP)) from None
    except ValueError as exc:  # an integer of more digits than Python converts
        raise TextInvalid(Problem(str(exc))) from None


def _yaml(text: str) -> Any:
    try:
        _no_aliases(text)
        loaded = yaml.load(text, Loader=LOADER)  # a safe loader: no Python objects
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        message = exc.problem or exc.context or "not valid YAML"
        raise TextInvalid(Problem(message, None, line, column)) from None
    except yaml.YAMLError as exc:
        raise TextInvalid(Problem(str(exc))) from None
    except RecursionError:
        raise TextInvalid(Problem(TOO_DEEP)) from None
    except ValueError as exc:  # an integer of more digits than Python converts
        raise TextInvalid(Problem(str(exc))) from None
    # YAML has dates and other types JSON has not: they travel on as their text.
    return json.loads(json.dumps(loaded, default=str))


def _node_at(root: yaml.Node, path: str) -> yaml.Node:
    """The deepest node of `root` along `path` (a missing field: its parent's node)."""
    node = root
    for index, name in STEP.findall(path):
        if index and isinstance(node, yaml.SequenceNode) and int(index) < len(node.value):
            node = node.value[int(index)]
        elif name and isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if k.value == name), None)
            if found is None:
                break
            node = found
        else:
            break
    return node


def problems(text: str, errors: dict[str, list[str]]) -> list[Problem]:
    """The service's path errors, one per message, each with its line in `text` if found."""
    try:
        root = yaml.compose(text, Loader=LOADER)
    except (yaml.YAMLError, RecursionError):
        root = None  # JSON that YAML cannot read (tabs): the paths alone
    found = []
    for path, messages in sorted(errors.items()):
        line = None
        if root is not None and path != "_schema":
            line = _node_at(root, path).start_mark.line + 1
        found += [Problem(message, path, line) for message in messages]
    return found
