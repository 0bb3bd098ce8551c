"""What a report shows, as plain data in one language: every text already written out, so the
renderer only lays it out (pure Python: no Flask, no database)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Outcome(StrEnum):
    """How an item came out; the renderer colours and marks it by this."""

    PASS = "pass"
    PARTIAL = "partial"
    FAIL = "fail"
    NA = "na"
    UNSCORED = "unscored"
    UNANSWERED = "unanswered"


class Tone(StrEnum):
    """The colour of the overall grade: the checklist's top band, its bottom one, or between."""

    GOOD = "good"
    FAIR = "fair"
    POOR = "poor"
    NONE = "none"


@dataclass(frozen=True)
class Fact:
    """A label and its value."""

    label: str
    value: str


@dataclass(frozen=True)
class ItemRow:
    """One shown item: its prompt, the answer, the comment and the result in words."""

    number: str
    prompt: str
    answer: str
    result: str
    outcome: Outcome
    comment: str | None = None
    critical: bool = False


@dataclass(frozen=True)
class SectionView:
    """A section's score and its shown items."""

    number: int
    title: str
    score: str
    pct: float | None
    weight: str
    items: list[ItemRow] = field(default_factory=list)


@dataclass(frozen=True)
class PhotoView:
    """A photo: its number, what it shows, when it was taken and its signals."""

    number: int
    photo_id: str
    caption: str
    taken: str
    signals: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Block:
    """A titled group of facts (check-in, call facts, a review, a dispute)."""

    title: str
    facts: list[Fact]
    note: str | None = None


@dataclass(frozen=True)
class ReportView:
    """Everything a report shows, in its language (`words` holds the fixed labels)."""

    words: dict[str, str]
    heading: str
    checklist: str
    summary: list[Fact]
    score: str
    grade: str | None
    tone: Tone
    critical_failures: list[str]
    sections: list[SectionView]
    context: list[Block]
    photos: list[PhotoView]
    reviews: list[Block]
    disputes: list[Block]
    footer: str

    def word(self, key: str) -> str:
        """A fixed label of the report's language."""
        return self.words[key]
