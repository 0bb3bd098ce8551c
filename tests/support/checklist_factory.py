"""Small checklist definitions for tests, validated through the real schema."""

from __future__ import annotations

from typing import Any

from audit_api.checklists.definition import load_definition


def text(es: str) -> dict[str, str]:
    """Localized text in both languages."""
    return {"es": es, "en": f"{es} (en)"}


def item(key: str, type_: str = "yes_no", **extra: Any) -> dict[str, Any]:
    """An item with a prompt; type-specific fields go in `extra`."""
    return {"key": key, "type": type_, "prompt": text(key), **extra}


def section(key: str, items: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """A section with a title."""
    return {"key": key, "title": text(key), "items": items, **extra}


GRADES = [
    {"min": 90, "label": {"es": "Excelente", "en": "Excellent"}},
    {"min": 60, "label": {"es": "Regular", "en": "Fair"}},
    {"min": 0, "label": {"es": "Deficiente", "en": "Poor"}},
]


def raw_checklist(sections: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """A checklist definition as a client would send it."""
    return {
        "key": "test-list",
        "version": 1,
        "kind": "visit",
        "languages": ["es", "en"],
        "title": text("Lista"),
        "scoring": {"grades": GRADES},
        "sections": sections,
        **extra,
    }


def checklist(sections: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """A validated definition, defaults filled in."""
    return load_definition(raw_checklist(sections, **extra))
