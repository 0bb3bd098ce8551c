"""Readable names for checklist, section and item keys: the titles and prompts of a
checklist's latest published version (else its latest), in the page's language (else the
checklist's first)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import get_locale

from audit_api.actions.service import item_title
from audit_api.checklists.service import get_checklist
from audit_api.errors import DomainError
from audit_api.scoring.engine import iter_items
from audit_api.users.models import User

TITLE = ""  # the checklist's own title in a label map (no section or item has an empty key)


def _text(texts: dict[str, str] | str, lang: str) -> str:
    if isinstance(texts, str):
        return texts
    return texts.get(lang) or next(iter(texts.values()), "")


def page_lang() -> str:
    """The page's language."""
    return str(get_locale() or "en")


def latest_definition(checklist: Any) -> dict[str, Any] | None:
    """The definition of the newest published version, else of the newest version."""
    published = [v for v in checklist.versions if v.published]
    versions = published or list(checklist.versions)  # versions come ordered by number
    return versions[-1].definition if versions else None


def checklist_title(checklist: Any, lang: str | None = None) -> str:
    """A checklist's title in the page's language, else its first; its key without one."""
    definition = latest_definition(checklist)
    return _text(definition["title"], lang or page_lang()) if definition else checklist.key


def checklist_labels(actor: User, keys: Iterable[str], lang: str) -> dict[str, dict[str, str]]:
    """Per checklist key: its title (under TITLE), section keys and item keys with their text
    (a key the actor cannot see is left out: the page shows the key)."""
    labels: dict[str, dict[str, str]] = {}
    for key in sorted(set(keys)):
        try:
            checklist = get_checklist(actor, key)
        except DomainError:
            continue
        definition = latest_definition(checklist)
        if definition is None:
            continue
        names = {TITLE: _text(definition["title"], lang)}
        names |= {s["key"]: _text(s["title"], lang) for s in definition["sections"]}
        names |= {i["key"]: _text(i["prompt"], lang) for _, i in iter_items(definition)}
        labels[key] = names
    return labels


def action_titles(actor: User, actions: Iterable[Any], lang: str) -> dict[int, str]:
    """Each action's title for the page: the item's prompt in the page's language while the
    title is still the default one (the prompt in the checklist's first language), else the
    title as someone wrote it."""
    definitions: dict[str, dict[str, Any] | None] = {}
    titles = {}
    for action in actions:
        if action.checklist_key not in definitions:
            try:
                checklist = get_checklist(actor, action.checklist_key)
            except DomainError:
                checklist = None
            definitions[action.checklist_key] = checklist and latest_definition(checklist)
        definition = definitions[action.checklist_key]
        items = {i["key"]: i for _, i in iter_items(definition)} if definition else {}
        item = items.get(action.item_key)
        default = item is not None and action.title == item_title(definition, item)
        titles[action.id] = _text(item["prompt"], lang) if default else action.title
    return titles
