"""What the phone reports about the visit or call, and the facts the server derives from it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from audit_api.geo import distance_m
from audit_api.scoring.answers import value_problem
from audit_api.scoring.engine import Definition, iter_items


def geofence(checkin: dict[str, Any] | None, lat: float, lon: float, radius: int):
    """(distance, within) of a check-in; GPS accuracy gives the auditor the benefit of doubt."""
    if not checkin:
        return None, None
    meters = distance_m(checkin["latitude"], checkin["longitude"], lat, lon)
    accuracy = float(checkin.get("accuracy_m") or 0)
    return meters, meters <= radius + accuracy


def local_date(moment: datetime, timezone: str) -> date:
    """The calendar day of a moment in a location's timezone."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def _holds(call: dict[str, Any]) -> list[dict[str, Any]]:
    return call.get("holds") or []


def _transfers(call: dict[str, Any]) -> list[dict[str, Any]]:
    return call.get("transfers") or []


# item key -> (paradata part, how to derive the answer; None: the facts do not say).
NA = object()
DERIVATIONS: dict[str, tuple[str, Callable[[dict[str, Any]], Any]]] = {
    "rings_to_answer": ("call", lambda c: c.get("rings_to_answer")),
    "seconds_to_answer": ("call", lambda c: c.get("seconds_to_answer")),
    "answered_by": ("call", lambda c: c.get("answered_by")),
    "hold_seconds": ("call", lambda c: sum(h["seconds"] for h in _holds(c)) if _holds(c) else NA),
    "hold_permission": (
        "call",
        lambda c: all(h.get("asked_permission") for h in _holds(c)) if _holds(c) else NA,
    ),
    "transferred_without_repeating": (
        "call",
        lambda c: not any(t.get("had_to_repeat") for t in _transfers(c)) if _transfers(c) else NA,
    ),
    "reached_right_person": ("call", lambda c: c.get("reached_right_person")),
    "seconds_to_greeting": ("visit", lambda v: v.get("seconds_to_acknowledge")),
    "seconds_to_acknowledge": ("visit", lambda v: v.get("seconds_to_acknowledge")),
    "acknowledged_within_5s": (
        "visit",
        lambda v: (
            None if v.get("seconds_to_acknowledge") is None else v["seconds_to_acknowledge"] <= 5
        ),
    ),
}


def derive_answers(
    definition: Definition, paradata: dict[str, Any], answers: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[str]]:
    """Fill the items the paradata answers and the auditor left open; returns them and their keys.

    A derived value that does not fit the item (say, an option the checklist lacks) is skipped.
    """
    given = {a["item"] for a in answers if a.get("value") is not None or a.get("na")}
    by_item = {a["item"]: dict(a) for a in answers}
    derived: list[str] = []
    for _, item in iter_items(definition):
        key = item["key"]
        if key in given or key not in DERIVATIONS:
            continue
        part, rule = DERIVATIONS[key]
        facts = paradata.get(part)
        value = rule(facts) if facts else None
        if value is None:
            continue
        if value is NA and item.get("na_allowed"):
            fill: dict[str, Any] = {"na": True}
        elif value is not NA and value_problem(item, value) is None:
            fill = {"value": value}
        else:
            continue
        # Keep the auditor's comment or photos on the item; only the answer is filled in.
        by_item[key] = {**by_item.get(key, {"item": key}), **fill, "derived": True}
        derived.append(key)
    return list(by_item.values()), derived
