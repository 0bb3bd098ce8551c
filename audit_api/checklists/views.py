"""Presenting checklists and scores: text in one language (or all), scores rounded."""

from __future__ import annotations

from typing import Any

from flask import current_app

from audit_api.checklists.crosscheck import LOCAL_TEXT
from audit_api.checklists.models import Checklist, ChecklistVersion
from audit_api.numbers import rounded
from audit_api.scoring.actions import corrective_actions
from audit_api.scoring.engine import ScoreResult


def localize(node: Any, lang: str | None) -> Any:
    """The definition with every localized text reduced to `lang` (None keeps them all)."""
    if lang is None:
        return node
    if isinstance(node, dict):
        return {
            key: value.get(lang)
            if key in LOCAL_TEXT and isinstance(value, dict)
            else localize(value, lang)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [localize(value, lang) for value in node]
    return node


def version_view(row: ChecklistVersion, lang: str | None) -> dict[str, Any]:
    """A version with its definition in the chosen language."""
    return {
        "key": row.checklist.key,
        "version": row.version,
        "status": row.status,
        "kind": row.checklist.kind,
        "builtin": row.checklist.builtin,
        "published_at": row.published_at,
        "created_at": row.created_at,
        "language": lang or "all",
        "definition": localize(row.definition, lang),
    }


def version_summary(row: ChecklistVersion) -> dict[str, Any]:
    """A version's number and state."""
    return {"version": row.version, "status": row.status, "published_at": row.published_at}


def checklist_view(checklist: Checklist, lang: str | None) -> dict[str, Any]:
    """A checklist: its latest title and every version's state."""
    published = [v for v in checklist.versions if v.published]
    shown = published[-1] if published else checklist.versions[-1]
    return {
        "key": checklist.key,
        "kind": checklist.kind,
        "builtin": checklist.builtin,
        "title": localize({"title": shown.definition["title"]}, lang)["title"],
        "languages": shown.definition["languages"],
        "latest_published_version": published[-1].version if published else None,
        "versions": [version_summary(v) for v in checklist.versions],
    }


def score_view(result: ScoreResult, lang: str) -> dict[str, Any]:
    """The score payload of an audit or a preview, numbers rounded to 2 decimals, the grade's
    label in `lang` (i18n.grade_language)."""
    return {
        "overall": rounded(result.overall),
        "grade": result.grade.get(lang) if result.grade else None,
        "critical_failures": result.critical_failures,
        "sections": [
            {"key": s.key, "pct": rounded(s.pct), "weight": rounded(s.weight)}
            for s in result.sections
        ],
        "items": [
            {
                "key": i.key,
                "fraction": rounded(i.fraction),
                "applicable": i.applicable,
                "failed": i.failed,
            }
            for i in result.items
        ],
        "checklist": {"key": result.checklist_key, "version": result.checklist_version},
        "rules_version": result.rules_version,
    }


def preview_view(result: ScoreResult, definition: dict[str, Any], lang: str) -> dict:
    """A preview: the score and the corrective actions approving it would open."""
    default_days = current_app.config["ACTION_DUE_DAYS"]
    actions = [
        {"item": a.item, "priority": a.priority, "due_days": a.due_days or default_days}
        for a in corrective_actions(definition, {i.key for i in result.items if i.failed})
    ]
    return {**score_view(result, lang), "actions": actions}
