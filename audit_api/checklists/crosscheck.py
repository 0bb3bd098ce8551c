"""Checks across fields of a checklist definition, each error at its exact path."""

from __future__ import annotations

from typing import Any

from audit_api.scoring.answers import value_problem
from audit_api.scoring.engine import SCORED_TYPES
from audit_api.validation import FieldErrors

# Fields that only some item types take; every other type must leave them out.
TYPE_FIELDS = {
    "min": {"scale"},
    "max": {"scale"},
    "options": {"choice"},
    "bands": {"number"},
    "unit": {"number"},
    "pass": {"yes_no"},
}
REQUIRED_FIELDS = {"scale": ("min", "max"), "choice": ("options",), "number": ("bands",)}
LOCAL_TEXT = ("title", "description", "prompt", "help", "label")


def _add(errors: FieldErrors, path: str, message: str) -> None:
    errors.setdefault(path, []).append(message)


def _languages(node: Any, path: str, languages: list[str], errors: FieldErrors) -> None:
    """Every localized text has exactly the declared languages."""
    if isinstance(node, dict):
        for key, value in node.items():
            sub = f"{path}.{key}" if path else key
            if key in LOCAL_TEXT and isinstance(value, dict):
                for lang in languages:
                    if lang not in value:
                        _add(errors, sub, f"missing language '{lang}'")
                for lang in value:
                    if lang not in languages:
                        _add(errors, sub, f"language '{lang}' is not in languages")
            else:
                _languages(value, sub, languages, errors)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _languages(value, f"{path}[{index}]", languages, errors)


def _item(item: dict[str, Any], path: str, earlier: dict[str, Any], errors: FieldErrors) -> None:
    kind = item["type"]
    for name, kinds in TYPE_FIELDS.items():
        if name in item and kind not in kinds:
            _add(errors, f"{path}.{name}", f"only for {' or '.join(sorted(kinds))} items")
    for name in REQUIRED_FIELDS.get(kind, ()):
        if name not in item:
            _add(errors, f"{path}.{name}", f"required for {kind} items")
    if kind == "scale" and "min" in item and "max" in item and item["min"] >= item["max"]:
        _add(errors, f"{path}.max", "must be greater than min")
    if kind == "choice":
        keys = [option["key"] for option in item.get("options", [])]
        for index, key in enumerate(keys):
            if key in keys[:index]:
                _add(errors, f"{path}.options[{index}].key", f"duplicate option '{key}'")
    if kind not in SCORED_TYPES:
        if item["critical"]:
            _add(errors, f"{path}.critical", "only scored items can be critical")
        if item["evidence"] == "required_on_fail":
            _add(errors, f"{path}.evidence", "required_on_fail needs a scored item")
        if "action" in item:
            _add(errors, f"{path}.action", "only a scored item can fail and open an action")
    if "show_if" in item:
        _show_if(item["show_if"], f"{path}.show_if", earlier, errors)


def _show_if(
    condition: dict[str, Any], path: str, earlier: dict[str, Any], errors: FieldErrors
) -> None:
    target = earlier.get(condition["item"])
    if target is None:
        _add(errors, f"{path}.item", "must name an earlier item")
        return
    if target["type"] in ("photo", "datetime"):
        _add(errors, f"{path}.item", f"cannot depend on a {target['type']} item")
        return
    values = [("equals", condition["equals"])] if "equals" in condition else []
    values += [(f"in[{i}]", v) for i, v in enumerate(condition.get("in", []))]
    for sub, value in values:
        problem = value_problem(target, value)
        if problem:
            _add(errors, f"{path}.{sub}", f"{problem} (as item '{target['key']}')")


def _scoring(scoring: dict[str, Any], errors: FieldErrors) -> None:
    policy = scoring["critical_failure"]
    if "cap_at" in scoring and policy != "cap":
        _add(errors, "scoring.cap_at", "only with critical_failure: cap")
    if policy == "cap" and "cap_at" not in scoring:
        _add(errors, "scoring.cap_at", "required with critical_failure: cap")
    grades = scoring["grades"]
    for index in range(1, len(grades)):
        if grades[index]["min"] >= grades[index - 1]["min"]:
            _add(errors, f"scoring.grades[{index}].min", "grades go from the highest min down")
    if grades and grades[-1]["min"] != 0:
        _add(errors, f"scoring.grades[{len(grades) - 1}].min", "the last grade must start at 0")


def cross_check(definition: dict[str, Any]) -> FieldErrors:
    """Errors that no single field shows: keys, types, show_if, languages, scoring."""
    errors: FieldErrors = {}
    languages = definition["languages"]
    for index, lang in enumerate(languages):
        if lang in languages[:index]:
            _add(errors, f"languages[{index}]", f"duplicate language '{lang}'")
    _languages(definition, "", languages, errors)
    earlier: dict[str, Any] = {}
    section_keys: set[str] = set()
    for s_index, section in enumerate(definition["sections"]):
        s_path = f"sections[{s_index}]"
        if section["key"] in section_keys:
            _add(errors, f"{s_path}.key", f"duplicate section key '{section['key']}'")
        section_keys.add(section["key"])
        for i_index, item in enumerate(section["items"]):
            i_path = f"{s_path}.items[{i_index}]"
            if item["key"] in earlier:
                _add(errors, f"{i_path}.key", f"duplicate item key '{item['key']}'")
            _item(item, i_path, earlier, errors)
            earlier.setdefault(item["key"], item)
    if not any(item["type"] in SCORED_TYPES for item in earlier.values()):
        _add(errors, "sections", "a checklist needs at least one scored item")
    _scoring(definition["scoring"], errors)
    return errors
