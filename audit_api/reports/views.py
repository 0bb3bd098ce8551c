"""Score payloads: numbers rounded to 2 decimals, rates to 4."""

from __future__ import annotations

from typing import Any

from audit_api.i18n import LanguageChoice
from audit_api.numbers import rounded
from audit_api.reports.stats import Summary


def summary_view(summary: Summary) -> dict[str, Any]:
    """mean, n, sd, ci95."""
    ci = [round(summary.ci95[0], 2), round(summary.ci95[1], 2)] if summary.ci95 else None
    return {"mean": rounded(summary.mean), "n": summary.n, "sd": rounded(summary.sd), "ci95": ci}


def item_view(row: dict[str, Any]) -> dict[str, Any]:
    """An item's failure rate."""
    return {**row, "failure_rate": round(row["failure_rate"], 4)}


def scorecard_view(card: dict[str, Any], languages: LanguageChoice) -> dict[str, Any]:
    """The scorecard payload; grades in the caller's language where each checklist has it."""
    return {
        "location_id": card["location"].id,
        "start": card["window"].start,
        "end": card["window"].end,
        "score": summary_view(card["score"]),
        "sections": [
            {"key": s["key"], "mean": rounded(s["mean"]), "n": s["n"]} for s in card["sections"]
        ],
        "by_kind": {kind: summary_view(s) for kind, s in card["by_kind"].items()},
        "trend": [{**t, "mean": rounded(t["mean"])} for t in card["trend"]],
        "change": rounded(card["change"]),
        "failing_items": [item_view(r) for r in card["failing_items"]],
        "latest_audits": [
            {
                "id": audit.id,
                "visit_date": audit.visit_date,
                "kind": audit.kind,
                "checklist_key": score_row.checklist_key,
                "overall": rounded(score_row.overall),
                "grade": _grade(score_row.grade, audit, languages),
            }
            for audit, score_row in card["latest_audits"]
        ],
        "actions": card["actions"],
        "coverage": card["coverage"],
    }


def _grade(grade: dict[str, str] | None, audit: Any, languages: LanguageChoice) -> str | None:
    if not grade:
        return None
    return grade.get(languages.for_checklist(audit.checklist_version.definition["languages"]))


def _ranked(row: dict[str, Any]) -> dict[str, Any]:
    """The score part of a league-table row."""
    score = row["score"]
    return {
        "mean": rounded(score.mean),
        "n": score.n,
        "sd": rounded(score.sd),
        "rank": row["rank"],
        "change": rounded(row["change"]),
    }


def location_rank_view(row: dict[str, Any]) -> dict[str, Any]:
    """A league-table row of a location."""
    # Written out, not built from _ranked: a league has 10,000 of these.
    location, score, actions = row["object"], row["score"], row["actions"]
    return {
        "location_id": location.id,
        "code": location.code,
        "name": location.name,
        "region_id": location.region_id,
        "mean": rounded(score.mean),
        "n": score.n,
        "sd": rounded(score.sd),
        "rank": row["rank"],
        "change": rounded(row["change"]),
        "actions_open": actions["open"],
        "actions_overdue": actions["overdue"],
    }


def region_rank_view(row: dict[str, Any]) -> dict[str, Any]:
    """A league-table row of a region."""
    region = row["object"]
    return {
        "region_id": region.id,
        "name": region.name,
        "parent_id": region.parent_id,
        **_ranked(row),
    }
