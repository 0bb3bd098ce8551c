"""An audit as a report view in one language: what it was, how it scored, its evidence and
what was decided about it (reads the database; the renderer never does)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select

from audit_api.audits.models import Audit, AuditEvent, AuditScore
from audit_api.checklists.views import localize
from audit_api.db import db
from audit_api.disputes.models import Dispute, DisputeStatus
from audit_api.evidence.models import Photo, PhotoStatus
from audit_api.reports.pdf.answers import Context, ItemScore, Scores, section_views
from audit_api.reports.pdf.catalog import Words
from audit_api.reports.pdf.facts import context_blocks
from audit_api.reports.pdf.view import Block, Fact, PhotoView, ReportView, Tone
from audit_api.users.models import User

REVIEWS = ("approved", "returned", "rejected")


def ready_photos(audit: Audit) -> list[Photo]:
    """The photos a report shows, numbered in this order (oldest first)."""
    return [p for p in audit.photos if p.status == PhotoStatus.READY]


def audit_version(audit: Audit) -> str:
    """The audit's state a report shows: its row version and its photos (a draft's photos
    change without the audit row)."""
    photos = ",".join(f"{p.id}:{p.row_version}" for p in ready_photos(audit))
    return f"r{audit.row_version}-{hashlib.sha256(photos.encode()).hexdigest()[:8]}"


def compose(audit: Audit, lang: str, version: str, made_at: datetime) -> ReportView:
    """The report of `audit` in `lang`; `version` names the state of the audit it shows."""
    words = Words(lang)
    definition = localize(audit.checklist_version.definition, lang)
    timezone = audit.location.timezone
    photos = ready_photos(audit)
    numbers = {photo.id: n for n, photo in enumerate(photos, start=1)}
    derived = frozenset((audit.paradata or {}).get("derived_items", []))
    ctx = Context(words, timezone, derived, numbers)
    prompts = {i["key"]: i["prompt"] for s in definition["sections"] for i in s["items"]}
    numbered = {  # "1.9 ¿...?": how a photo's caption points at its item in the tables
        item["key"]: f"{s}.{i} {item['prompt']}"
        for s, section in enumerate(definition["sections"], start=1)
        for i, item in enumerate(section["items"], start=1)
    }
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.audit_id == audit.id, AuditEvent.action.in_((*REVIEWS, "rescored")))
        .order_by(AuditEvent.id)
    ).all()
    disputes = db.session.scalars(
        select(Dispute).where(Dispute.audit_id == audit.id).order_by(Dispute.id)
    ).all()
    people = {audit.auditor_id, *(e.actor_id for e in events)}
    people |= {d.raised_by_id for d in disputes} | {d.resolved_by_id for d in disputes}
    names = _names(p for p in people if p is not None)
    score = audit.score
    overall = score.overall if score else None
    return ReportView(
        words=words.table,
        heading=words("title"),
        checklist=f"{definition['title']} · {words('version')} {audit.checklist_version.version}",
        summary=_summary(audit, words, names),
        score=words.number(overall) if overall is not None else words("no_score"),
        grade=_grade(score, lang),
        tone=_tone(definition, overall),
        critical_failures=[prompts.get(k, k) for k in (score.critical_failures if score else [])],
        sections=section_views(definition, audit.answers, _scores(score), ctx),
        context=context_blocks(audit, words),
        photos=[_photo(p, numbers[p.id], numbered, words, timezone) for p in photos],
        reviews=[_review(e, words, names, timezone) for e in events if e.action in REVIEWS],
        disputes=[
            _dispute(n, d, events, prompts, words, names, timezone)
            for n, d in enumerate(disputes, start=1)
        ],
        footer=words(
            "footer",
            audit=audit.id,
            version=version,
            at=words.moment(made_at, timezone),
            page="{page}",
            pages="{pages}",
        ),
    )


def _names(ids: Iterable[int]) -> dict[int, str]:
    rows = db.session.execute(select(User.id, User.name).where(User.id.in_(list(ids))))
    return {user_id: name for user_id, name in rows}


def _summary(audit: Audit, words: Words, names: Mapping[int, str]) -> list[Fact]:
    location, timezone = audit.location, audit.location.timezone
    facts = [Fact(words("location"), f"{location.name} ({location.code})")]
    if location.address:
        facts.append(Fact(words("address"), location.address))
    facts += [
        Fact(words("date"), words.day(audit.visit_date)),
        Fact(words("kind"), words(audit.kind)),
        Fact(words("auditor"), names.get(audit.auditor_id, "—")),
        Fact(words("status"), words(audit.status)),
        Fact(words("started"), words.moment(audit.started_at, timezone)),
        # When the service received it (the phone's clock may be wrong): the review queue's time.
        Fact(words("sent"), words.moment(audit.submitted_at, timezone)),
    ]
    return facts


def _scores(score: AuditScore | None) -> Scores:
    if score is None:
        return Scores({}, {})
    return Scores(
        {s.section_key: (s.pct, s.weight) for s in score.sections},
        {i.item_key: ItemScore(i.applicable, i.fraction, i.failed) for i in score.items},
    )


def _grade(score: AuditScore | None, lang: str) -> str | None:
    if score is None or not score.grade:
        return None
    return score.grade.get(lang) or next(iter(score.grade.values()))


def _tone(definition: Mapping[str, Any], overall: float | None) -> Tone:
    """Green for the checklist's top grade band, red for its bottom one, amber between."""
    bands = definition.get("scoring", {}).get("grades", [])
    if overall is None or not bands:
        return Tone.NONE
    index = next((n for n, band in enumerate(bands) if band["min"] <= overall), len(bands) - 1)
    if index == 0:
        return Tone.GOOD
    return Tone.POOR if index == len(bands) - 1 else Tone.FAIR


def _photo(photo: Photo, number: int, prompts: Mapping[str, str], words: Words, tz: str):
    caption = prompts.get(photo.item_key, photo.item_key) if photo.item_key else words("general")
    taken = words.moment(photo.taken_at, tz) if photo.taken_at else words("no_time")
    return PhotoView(number, photo.id, caption, taken, [_signal(s, words) for s in photo.signals])


def _signal(signal: Mapping[str, Any], words: Words) -> str:
    code = signal.get("code", "")
    if code not in words.table:
        return str(signal.get("message", code))
    return words(
        code,
        distance=words.distance(signal.get("distance_m")),
        audit=str(signal.get("audit_id", ""))[:8],
    )


def _review(event: AuditEvent, words: Words, names: Mapping[int, str], tz: str) -> Block:
    facts = [
        Fact(words("reviewer"), names.get(event.actor_id, "—")),
        Fact(words("when"), words.moment(event.at, tz)),
    ]
    return Block(words(f"{event.action}_event"), facts, event.note)


def _dispute(
    number: int,
    dispute: Dispute,
    events: Iterable[AuditEvent],
    prompts: Mapping[str, str],
    words: Words,
    names: Mapping[int, str],
    tz: str,
) -> Block:
    raised = f"{words.moment(dispute.created_at, tz)} · {names.get(dispute.raised_by_id, '—')}"
    facts = [
        Fact(words("raised"), raised),
        Fact(words("disputed_items"), "\n".join(prompts.get(k, k) for k in dispute.items)),
        Fact(words("reason"), dispute.reason),
    ]
    if dispute.status != DisputeStatus.OPEN:
        who = names.get(dispute.resolved_by_id or 0, "—")
        when = words.moment(dispute.resolved_at, tz)
        facts.append(Fact(words("resolution"), f"{when} · {who}"))
    for event in events:
        data = event.data or {}
        if event.action == "rescored" and data.get("dispute_id") == dispute.id:
            before, after = data.get("before") or {}, data.get("after") or {}
            change = words(
                "rescored",
                before=words.number(before.get("overall")),
                after=words.number(after.get("overall")),
            )
            facts.append(Fact(words("score"), change))
    title = f"{words('dispute_n', n=number)} · {words(dispute.status)}"
    return Block(title, facts, dispute.resolution_note)
