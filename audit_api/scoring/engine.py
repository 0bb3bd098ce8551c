"""The scoring rules of docs/scoring.md, over a validated checklist definition."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

# Bump when a rule below changes: every stored score records the version it was computed with.
RULES_VERSION = 1
SCORED_TYPES = frozenset({"yes_no", "scale", "choice", "number"})

Definition = Mapping[str, Any]
Item = Mapping[str, Any]


@dataclass(frozen=True)
class Answer:
    """One answer as the auditor gave it (already checked against its item)."""

    value: Any = None
    na: bool = False
    comment: str | None = None
    photo_ids: tuple[str, ...] = ()

    def answers(self, item: Item) -> bool:
        """N/A counts as an answer; a photo item is answered by its photos, others by a value
        (a photo attached to a yes/no item is evidence, not its answer)."""
        if self.na or self.value is not None:
            return True
        return item["type"] == "photo" and bool(self.photo_ids)


@dataclass(frozen=True)
class ItemResult:
    """How one item scored."""

    key: str
    section: str
    visible: bool
    applicable: bool
    fraction: float | None
    failed: bool
    earned: float
    possible: float


@dataclass(frozen=True)
class SectionResult:
    """A section's percentage and the weight it carried in the overall (None: dropped out)."""

    key: str
    pct: float | None
    weight: float | None


@dataclass(frozen=True)
class ScoreResult:
    """The whole score of a set of answers, with its provenance."""

    checklist_key: str
    checklist_version: int
    overall: float | None
    grade: Mapping[str, str] | None
    critical_failures: list[str]
    sections: list[SectionResult]
    items: list[ItemResult]
    rules_version: int = RULES_VERSION
    uncapped_overall: float | None = None


def iter_items(definition: Definition) -> Iterator[tuple[str, Item]]:
    """Every item with its section key, in checklist order."""
    for section in definition["sections"]:
        for item in section["items"]:
            yield section["key"], item


def visibility(definition: Definition, answers: Mapping[str, Answer]) -> dict[str, bool]:
    """Which items are shown: `show_if` on an earlier item that is itself shown and answered."""
    shown: dict[str, bool] = {}
    for _, item in iter_items(definition):
        condition = item.get("show_if")
        if not condition:
            shown[item["key"]] = True
            continue
        answer = answers.get(condition["item"])
        if not shown.get(condition["item"]) or answer is None or answer.na or answer.value is None:
            shown[item["key"]] = False
        elif "equals" in condition:
            shown[item["key"]] = answer.value == condition["equals"]
        else:
            shown[item["key"]] = answer.value in condition["in"]
    return shown


def fraction(item: Item, value: Any) -> float:
    """The item fraction f in [0, 1] of a (valid) answer value."""
    kind = item["type"]
    if kind == "yes_no":
        return 1.0 if value == item.get("pass", True) else 0.0
    if kind == "scale":
        return (value - item["min"]) / (item["max"] - item["min"])
    if kind == "choice":
        return float(next(o["score"] for o in item["options"] if o["key"] == value))
    if kind == "number":
        for band in item["bands"]:
            if ("max" in band and value <= band["max"]) or ("min" in band and value >= band["min"]):
                return float(band["score"])
        return 0.0
    raise ValueError(f"item type {kind!r} is not scored")


def _item_result(section: str, item: Item, answer: Answer | None, visible: bool) -> ItemResult:
    if answer is None or answer.na or answer.value is None:
        answer = None
    if item["type"] not in SCORED_TYPES or not visible or answer is None:
        return ItemResult(item["key"], section, visible, False, None, False, 0.0, 0.0)
    f = fraction(item, answer.value)
    weight = float(item.get("weight", 1))
    return ItemResult(item["key"], section, visible, True, f, f == 0, weight * f, weight)


def _sections(definition: Definition, items: list[ItemResult]) -> list[SectionResult]:
    results = []
    for section in definition["sections"]:
        mine = [r for r in items if r.section == section["key"] and r.applicable]
        possible = sum(r.possible for r in mine)
        if not mine:
            results.append(SectionResult(section["key"], None, None))
            continue
        pct = 100 * sum(r.earned for r in mine) / possible
        weight = section.get("weight")
        results.append(SectionResult(section["key"], pct, float(weight or possible)))
    return results


def _overall(sections: list[SectionResult]) -> float | None:
    counted = [s for s in sections if s.pct is not None and s.weight]
    total = sum(s.weight for s in counted if s.weight)
    if not counted or total == 0:
        return None
    return sum(s.weight * s.pct for s in counted if s.weight and s.pct is not None) / total


def _apply_criticals(
    policy: Mapping[str, Any], overall: float | None, failed: list[str]
) -> float | None:
    if overall is None or not failed:
        return overall
    rule = policy.get("critical_failure", "zero")
    if rule == "zero":
        return 0.0
    if rule == "cap":
        return min(overall, float(policy["cap_at"]))
    return overall  # "flag": listed, not changed


def grade_for(grades: list[Mapping[str, Any]], overall: float | None) -> Mapping[str, str] | None:
    """The label of the first grade band whose min is at most the overall."""
    if overall is None:
        return None
    return next((g["label"] for g in grades if g["min"] <= overall), None)


def score(definition: Definition, answers: Mapping[str, Answer]) -> ScoreResult:
    """Score answers (keyed by item) against a validated checklist definition."""
    shown = visibility(definition, answers)
    items = [
        _item_result(section, item, answers.get(item["key"]), shown[item["key"]])
        for section, item in iter_items(definition)
    ]
    critical = {item["key"] for _, item in iter_items(definition) if item.get("critical")}
    failed_criticals = [r.key for r in items if r.failed and r.key in critical]
    sections = _sections(definition, items)
    raw = _overall(sections)
    policy = definition.get("scoring", {})
    overall = _apply_criticals(policy, raw, failed_criticals)
    return ScoreResult(
        checklist_key=definition["key"],
        checklist_version=int(definition["version"]),
        overall=overall,
        grade=grade_for(policy.get("grades", []), overall),
        critical_failures=failed_criticals,
        sections=sections,
        items=items,
        uncapped_overall=raw,
    )
