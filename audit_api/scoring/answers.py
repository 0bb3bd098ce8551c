"""Checking answers against a checklist definition: one validation for previews and audits."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from audit_api.scoring.engine import Answer, Definition, Item, iter_items, visibility

MAX_TEXT = 5000
# Counts, seconds, money: nothing real is larger, and a 400-digit integer is not even a float.
MAX_NUMBER = 1e12


class AnswersInvalid(ValueError):
    """Answers that do not fit the checklist; `errors` maps `answers.<item>` paths to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items()))
        self.errors = errors


def _is_number(value: Any) -> bool:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) <= MAX_NUMBER  # compared as integers: no float overflow
    return math.isfinite(value) and abs(value) <= MAX_NUMBER


def _is_rfc3339(value: Any) -> bool:
    """An RFC 3339 time with an offset, between 1970 and 2100."""
    if not isinstance(value, str) or "T" not in value.upper():
        return False
    try:
        moment = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return False
    return moment.tzinfo is not None and 1970 <= moment.year <= 2100


def value_problem(item: Item, value: Any) -> str | None:
    """Why `value` is not a valid answer of `item`, or None when it is."""
    kind = item["type"]
    if kind == "yes_no" and not isinstance(value, bool):
        return "must be true or false"
    if kind == "scale":
        if not isinstance(value, int) or isinstance(value, bool):
            return "must be a whole number"
        if not item["min"] <= value <= item["max"]:
            return f"must be between {item['min']} and {item['max']}"
    if kind == "choice" and (
        not isinstance(value, str) or value not in {o["key"] for o in item["options"]}
    ):
        keys = ", ".join(o["key"] for o in item["options"])
        return f"must be one of: {keys}"
    if kind == "number" and not _is_number(value):
        return f"must be a number between -{MAX_NUMBER:.0e} and {MAX_NUMBER:.0e}"
    if kind == "text" and (not isinstance(value, str) or len(value) > MAX_TEXT):
        return f"must be text of at most {MAX_TEXT} characters"
    if kind == "datetime" and not _is_rfc3339(value):
        return (
            "must be an RFC 3339 time with an offset between 1970 and 2100, "
            "e.g. 2026-11-22T10:15:00-03:00"
        )
    if kind == "photo":
        return "a photo item is answered with photo_ids, not a value"
    return None


def _check_one(item: Item, raw: Mapping[str, Any], errors: dict[str, list[str]]) -> Answer:
    path = f"answers.{item['key']}"
    value, na = raw.get("value"), bool(raw.get("na", False))
    if na and not item.get("na_allowed", False):
        errors.setdefault(f"{path}.na", []).append("N/A is not allowed for this item")
    elif na and value is not None:
        errors.setdefault(path, []).append("give either a value or N/A, not both")
    elif value is not None and (problem := value_problem(item, value)):
        errors.setdefault(f"{path}.value", []).append(problem)
    return Answer(
        value=None if na else value,
        na=na,
        comment=raw.get("comment"),
        photo_ids=tuple(str(p) for p in raw.get("photo_ids") or ()),
    )


def check_answers(
    definition: Definition, raw_answers: Iterable[Mapping[str, Any]], *, complete: bool
) -> dict[str, Answer]:
    """Validate answers (each `{item, value?, na?, comment?, photo_ids?}`) and key them by item.

    With `complete`, every required item that is shown must be answered (a submit, a preview).
    """
    items = {item["key"]: item for _, item in iter_items(definition)}
    errors: dict[str, list[str]] = {}
    answers: dict[str, Answer] = {}
    for raw in raw_answers:
        key = raw["item"]
        if key not in items:
            errors.setdefault(f"answers.{key}", []).append("unknown item")
        elif key in answers:
            errors.setdefault(f"answers.{key}", []).append("answered more than once")
        else:
            answers[key] = _check_one(items[key], raw, errors)
    if complete and not errors:
        shown = visibility(definition, answers)
        for key, item in items.items():
            answer = answers.get(key)
            if (
                item.get("required", True)
                and shown[key]
                and (answer is None or not answer.answers(item))
            ):
                errors.setdefault(f"answers.{key}", []).append("required")
    if errors:
        raise AnswersInvalid(errors)
    return answers
