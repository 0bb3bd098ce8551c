"""The score preview form: one control per item of a version, read back into the answers the
API's preview takes (the service checks them; nothing here judges an answer)."""

from __future__ import annotations

import uuid
from typing import Any

from werkzeug.datastructures import MultiDict

from audit_api.scoring.engine import iter_items

NA = ":na"  # not an option key (keys are lower-case letters, digits and '_')
# A photo item is answered by its photos; the preview stores none, so a placeholder id stands
# for "a photo was taken".
PLACEHOLDER_PHOTO = str(uuid.UUID(int=0))


def field_name(key: str) -> str:
    """The form field of an item's answer."""
    return f"answer-{key}"


def na_name(key: str) -> str:
    """The N/A checkbox of an item whose control is an input."""
    return f"na-{key}"


def _number(text: str) -> Any:
    """A whole or decimal number, else the text itself (the service then says what is wrong)."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def _answer(item: dict[str, Any], form: MultiDict) -> dict[str, Any] | None:
    key, kind = item["key"], item["type"]
    raw = form.get(field_name(key), "").strip()
    answer: dict[str, Any] = {"item": key}
    if raw == NA or form.get(na_name(key)):
        return {**answer, "na": True}
    if not raw:
        return None
    if kind == "yes_no":
        return {**answer, "value": {"yes": True, "no": False}.get(raw, raw)}
    if kind == "photo":
        return {**answer, "photo_ids": [PLACEHOLDER_PHOTO]} if raw == "taken" else None
    if kind in ("number", "scale"):
        return {**answer, "value": _number(raw)}
    return {**answer, "value": raw}


def answers_from(definition: dict[str, Any], form: MultiDict) -> list[dict[str, Any]]:
    """The answers given in the preview form, in checklist order; blank items left out."""
    found = (_answer(item, form) for _, item in iter_items(definition))
    return [answer for answer in found if answer is not None]


def item_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """The service's `answers.<item>[.value|.na]` errors by item key."""
    by_item: dict[str, list[str]] = {}
    for path, messages in errors.items():
        key = path.removeprefix("answers.").split(".")[0]
        by_item.setdefault(key, []).extend(messages)
    return by_item
