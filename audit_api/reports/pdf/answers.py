"""Sections and their shown items in words: each answer as a person reads it, and how the item
came out by the stored score (pure: no Flask, no database)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from audit_api.reports.pdf.catalog import Words
from audit_api.reports.pdf.view import ItemRow, Outcome, SectionView
from audit_api.scoring.engine import SCORED_TYPES, Answer, visibility


@dataclass(frozen=True)
class ItemScore:
    """What the stored score says of one item."""

    applicable: bool
    fraction: float | None
    failed: bool


@dataclass(frozen=True)
class Scores:
    """The stored score's rows, by key (both empty for an audit not submitted)."""

    sections: Mapping[str, tuple[float | None, float | None]]  # pct, weight
    items: Mapping[str, ItemScore]


@dataclass(frozen=True)
class Context:
    """What writing an answer out needs beside the answer."""

    words: Words
    timezone: str
    derived: frozenset[str]
    photo_numbers: Mapping[str, int]


def section_views(
    definition: Mapping[str, Any], answers: list[dict[str, Any]], scores: Scores, ctx: Context
) -> list[SectionView]:
    """Every section of a definition (texts in one language) with its shown items."""
    given = {a["item"]: a for a in answers}
    shown = visibility(definition, {k: _answer(a) for k, a in given.items()})
    views = []
    for number, section in enumerate(definition["sections"], start=1):
        pct, weight = scores.sections.get(section["key"], (None, None))
        rows = [
            _row(f"{number}.{index}", item, given.get(item["key"]), scores, ctx)
            for index, item in enumerate(section["items"], start=1)
            if shown[item["key"]]
        ]
        views.append(
            SectionView(
                number=number,
                title=section["title"],
                score="—" if pct is None else f"{ctx.words.number(pct, 1)} %",
                pct=pct,
                weight=ctx.words.number(weight, 1),
                items=rows,
            )
        )
    return views


def _answer(raw: Mapping[str, Any]) -> Answer:
    return Answer(
        value=raw.get("value"),
        na=bool(raw.get("na")),
        comment=raw.get("comment"),
        photo_ids=tuple(raw.get("photo_ids") or ()),
    )


def _row(
    number: str,
    item: Mapping[str, Any],
    raw: Mapping[str, Any] | None,
    scores: Scores,
    ctx: Context,
) -> ItemRow:
    answer = _answer(raw or {})
    outcome = _outcome(item, answer, scores.items.get(item["key"]), bool(scores.items))
    score = scores.items.get(item["key"])
    if outcome == Outcome.PARTIAL and score is not None and score.fraction is not None:
        result = ctx.words("partial", pct=f"{ctx.words.number(100 * score.fraction, 0)} %")
    else:
        result = ctx.words(outcome.value)
    return ItemRow(
        number=number,
        prompt=item["prompt"],
        answer=answer_text(item, answer, ctx),
        result=result,
        outcome=outcome,
        comment=answer.comment or None,
        critical=bool(item.get("critical")),
    )


def _outcome(item: Mapping[str, Any], answer: Answer, score: ItemScore | None, scored: bool):
    if answer.na:
        return Outcome.NA
    if not answer.answers(item):
        return Outcome.UNANSWERED
    if item["type"] not in SCORED_TYPES or not scored or score is None or not score.applicable:
        return Outcome.UNSCORED
    if score.failed:
        return Outcome.FAIL
    return Outcome.PASS if score.fraction == 1 else Outcome.PARTIAL


def answer_text(item: Mapping[str, Any], answer: Answer, ctx: Context) -> str:
    """The answer as a person reads it, with the photos attached to it."""
    words = ctx.words
    numbers = sorted(ctx.photo_numbers[p] for p in answer.photo_ids if p in ctx.photo_numbers)
    photos = ""
    if numbers:
        listed = ", ".join(str(n) for n in numbers)
        photos = words("photo_n" if len(numbers) == 1 else "photos_n", n=listed)
    if answer.na:
        return words("na")
    if item["type"] == "photo":
        return photos or words("unanswered")
    text = _value_text(item, answer.value, ctx)
    if item["key"] in ctx.derived and answer.value is not None:
        text = f"{text} {words('derived')}"
    return f"{text} · {photos}" if photos else text


def _value_text(item: Mapping[str, Any], value: Any, ctx: Context) -> str:
    words, kind = ctx.words, item["type"]
    if value is None:
        return words("unanswered")
    if kind == "yes_no":
        return words("yes" if value else "no")
    if kind == "scale":
        return f"{value} ({item['min']}\u2013{item['max']})"  # an en dash, as print writes ranges
    if kind == "choice":
        labels = {o["key"]: o["label"] for o in item["options"]}
        return str(labels.get(value, value))
    if kind == "number":
        unit = item.get("unit")
        return f"{words.number(value)} {unit}" if unit else words.number(value)
    if kind == "datetime":
        return words.moment(datetime.fromisoformat(value.replace("z", "Z")), ctx.timezone)
    return str(value)
