"""The facts of the visit or call as the report shows them: the check-in's distance, or what
the self-call measured (rings, holds, transfers)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from audit_api.audits.models import Audit
from audit_api.reports.pdf.catalog import Words
from audit_api.reports.pdf.view import Block, Fact


def context_blocks(audit: Audit, words: Words) -> list[Block]:
    """The check-in (visits, and calls that have one) and the call's own facts."""
    paradata = audit.paradata or {}
    blocks = []
    if audit.kind == "visit" or paradata.get("checkin"):
        blocks.append(_checkin(audit, paradata, words))
    if paradata.get("call"):
        blocks.append(Block(words("call_facts"), _call(paradata["call"], words, audit)))
    return blocks


def _checkin(audit: Audit, paradata: dict[str, Any], words: Words) -> Block:
    facts = []
    checkin = paradata.get("checkin")
    if checkin and audit.distance_m is not None:
        parts = [f"{words.number(audit.distance_m, 0)} m"]
        if audit.within_geofence is not None:
            parts.append(words("geofence_in" if audit.within_geofence else "geofence_out"))
        if checkin.get("accuracy_m") is not None:
            parts.append(words("accuracy", m=words.number(checkin["accuracy_m"], 0)))
        facts.append(Fact(words("distance"), " · ".join(parts)))
    seconds = (paradata.get("visit") or {}).get("seconds_to_acknowledge")
    if seconds is not None:
        facts.append(Fact(words("seconds_to_acknowledge"), f"{words.number(seconds, 1)} s"))
    return Block(words("checkin"), facts, None if checkin else words("no_checkin"))


def _call(call: dict[str, Any], words: Words, audit: Audit) -> list[Fact]:
    tz = audit.location.timezone
    facts = []
    if call.get("number_dialled"):
        facts.append(Fact(words("number_dialled"), call["number_dialled"]))
    if call.get("dialled_at"):
        when = datetime.fromisoformat(call["dialled_at"])
        facts.append(Fact(words("dialled_at"), words.moment(when, tz)))
    if call.get("rings_to_answer") is not None:
        facts.append(Fact(words("rings_to_answer"), str(call["rings_to_answer"])))
    if call.get("seconds_to_answer") is not None:
        facts.append(
            Fact(words("seconds_to_answer"), f"{words.number(call['seconds_to_answer'])} s")
        )
    if call.get("answered_by"):
        facts.append(Fact(words("answered_by"), words(call["answered_by"])))
    holds = call.get("holds") or []
    if holds:
        listed = "; ".join(
            words(
                "hold",
                s=words.number(h["seconds"], 0),
                asked=words("asked" if h.get("asked_permission") else "not_asked"),
            )
            for h in holds
        )
        facts.append(Fact(words("holds"), listed))
    transfers = call.get("transfers") or []
    if transfers:
        repeated = sum(1 for t in transfers if t.get("had_to_repeat"))
        facts.append(Fact(words("transfers"), words("had_to_repeat", n=len(transfers), r=repeated)))
    if call.get("reached_right_person") is not None:
        reached = words("yes" if call["reached_right_person"] else "no")
        facts.append(Fact(words("reached_right_person"), reached))
    if call.get("duration_seconds") is not None:
        facts.append(Fact(words("duration"), f"{words.number(call['duration_seconds'], 0)} s"))
    return facts
