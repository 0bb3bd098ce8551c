"""How an answer reads in an export, kept in one place: the Python writers use it for every
row, and a stored score keeps it per item for PostgreSQL's COPY (AuditItemScore.answer)."""

from __future__ import annotations

import json
from typing import Any, NamedTuple


class AnswerCells(NamedTuple):
    """An answer's cells in the answers CSV, before formula defusal (named as the item score's
    columns that keep them)."""

    answer_index: int  # its place among the audit's answers
    answer: str | None  # the text csv writes for answer_value (None: an empty cell)
    answer_is_text: bool  # free text or JSON: defused (numbers, booleans and N/A never are)
    comment: str | None
    photo_count: int


def answer_value(answer: dict[str, Any]) -> Any:
    """An answer's value as exported: N/A, the value, or JSON for a structured one."""
    if answer.get("na"):
        return "N/A"
    value = answer.get("value")
    return json.dumps(value) if isinstance(value, dict | list) else value


def answer_cells(answers: list[dict[str, Any]] | None) -> dict[str, AnswerCells]:
    """Each answered item's cells, by item key."""
    cells = {}
    for index, answer in enumerate(answers or ()):
        value = answer_value(answer)
        # What Python's csv module writes: str() of a number or a boolean, nothing for None.
        text = None if value is None else str(value)
        photos = answer.get("photo_ids")
        count = len(photos) if isinstance(photos, list) else 0
        cells[answer["item"]] = AnswerCells(
            index, text, isinstance(value, str), answer.get("comment"), count
        )
    return cells
