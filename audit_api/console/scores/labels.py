"""Readable names for a scorecard's section and item keys: the titles and prompts of the
latest published version of each checklist it names, in the page's language."""

from __future__ import annotations

from collections.abc import Iterable

from audit_api.checklists.service import get_checklist
from audit_api.errors import DomainError
from audit_api.scoring.engine import iter_items
from audit_api.users.models import User


def _text(texts: dict[str, str], lang: str) -> str:
    return texts.get(lang) or next(iter(texts.values()), "")


def checklist_labels(actor: User, keys: Iterable[str], lang: str) -> dict[str, dict[str, str]]:
    """Per checklist key: its section keys and item keys with their text (a key the actor
    cannot see, or a checklist with no published version, is left as its key)."""
    labels: dict[str, dict[str, str]] = {}
    for key in sorted(set(keys)):
        try:
            checklist = get_checklist(actor, key)
        except DomainError:
            continue
        published = [v for v in checklist.versions if v.published]
        if not published:
            continue
        definition = published[-1].definition  # versions come ordered by number
        names = {s["key"]: _text(s["title"], lang) for s in definition["sections"]}
        names |= {i["key"]: _text(i["prompt"], lang) for _, i in iter_items(definition)}
        labels[key] = names
    return labels
