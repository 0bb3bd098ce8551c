"""Submitting an audit: complete answers, evidence, score with provenance, all in one commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from audit_api.assignments.models import AssignmentStatus
from audit_api.audits.events import emit_audit
from audit_api.audits.models import (
    Audit,
    AuditItemScore,
    AuditScore,
    AuditSectionScore,
    AuditStatus,
)
from audit_api.audits.service import (
    check_window,
    content_digest,
    get_audit,
    record,
    save_draft,
    set_assignment_status,
    with_pins,
)
from audit_api.auth.policy import may_fill
from audit_api.db import db, utcnow
from audit_api.errors import Reason
from audit_api.evidence.checks import answers_with_photos, refresh_signals
from audit_api.scoring.answers import AnswersInvalid, check_answers
from audit_api.scoring.cells import answer_cells
from audit_api.scoring.engine import Answer, ScoreResult, iter_items, score, visibility
from audit_api.users.models import User

DONE = tuple(s for s in AuditStatus if s != AuditStatus.DRAFT)


def missing_evidence(definition: dict, answers: dict[str, Answer], result: ScoreResult):
    """`answers.<item>.photo_ids` errors where the checklist asks for photo evidence."""
    shown = visibility(definition, answers)
    failed = {i.key for i in result.items if i.failed}
    errors: dict[str, list[str]] = {}
    for _, item in iter_items(definition):
        key, rule = item["key"], item.get("evidence", "none")
        needed = rule == "required" or (rule == "required_on_fail" and key in failed)
        answer = answers.get(key)
        has_photo = answer is not None and bool(answer.photo_ids)
        if needed and shown[key] and not (answer is not None and answer.na) and not has_photo:
            why = (
                "a photo is required" if rule == "required" else "a photo is required when it fails"
            )
            errors[f"answers.{key}.photo_ids"] = [why]
    return errors


def score_answers(
    audit: Audit, stored: list[dict[str, Any]], photo_errors: dict[str, list[str]] | None = None
) -> ScoreResult:
    """Validate complete answers and evidence against the pinned version and score them.

    Missing answers and missing photos are reported together, so the auditor fixes all at once.
    """
    definition = audit.checklist_version.definition
    errors: dict[str, list[str]] = dict(photo_errors or {})
    try:
        answers = check_answers(definition, stored, complete=True)
    except AnswersInvalid as incomplete:
        errors.update(incomplete.errors)
        try:
            answers = check_answers(definition, stored, complete=False)
        except AnswersInvalid:
            raise Reason.answers_invalid.error("Invalid answers.", errors) from None
    result = score(definition, answers)
    errors.update(missing_evidence(definition, answers, result))
    if errors:
        raise Reason.audit_incomplete.error("The audit is not complete.", errors)
    return result


def store_score(audit: Audit, result: ScoreResult) -> None:
    """Replace the audit's stored score: overall, grade, sections and items, with provenance."""
    cells = answer_cells(audit.answers)  # the answers being scored: set on the audit first
    if audit.score is not None:
        audit.score = None
        db.session.flush()  # the old rows go before the new ones reuse their keys
    audit.score = AuditScore(
        overall=result.overall,
        grade=dict(result.grade) if result.grade else None,
        critical_failures=result.critical_failures,
        checklist_key=result.checklist_key,
        checklist_version=result.checklist_version,
        rules_version=result.rules_version,
        sections=[
            AuditSectionScore(section_key=s.key, position=n, pct=s.pct, weight=s.weight)
            for n, s in enumerate(result.sections)
        ],
        items=[
            AuditItemScore(
                item_key=i.key,
                section_key=i.section,
                position=n,
                fraction=i.fraction,
                applicable=i.applicable,
                failed=i.failed,
                # The answer it scored (nothing when the item was not answered).
                **(cells[i.key]._asdict() if i.key in cells else {}),
            )
            for n, i in enumerate(result.items)
        ],
    )


def _finish(actor: User, audit: Audit, device_time: datetime | None) -> None:
    check_window(audit, audit.started_at)  # the assignment may have been moved since the PUT
    # Photos uploaded for an item count as its evidence; ids that name no photo are refused.
    answers, photo_errors = answers_with_photos(audit, audit.answers)
    result = score_answers(audit, answers, photo_errors)
    audit.answers = answers
    now = utcnow()
    audit.status, audit.submitted_at, audit.received_at = AuditStatus.SUBMITTED, now, now
    reference = device_time or audit.device_submitted_at
    audit.clock_skew_s = (now - reference).total_seconds() if reference else None
    store_score(audit, result)
    refresh_signals(audit)
    set_assignment_status(audit, AssignmentStatus.DONE)
    record(
        audit,
        actor,
        "submitted",
        overall=result.overall,
        critical_failures=result.critical_failures,
    )
    emit_audit(audit, "audit.submitted")


def _submit_once(actor: User, audit_id: str, data: dict | None, device_time: datetime | None):
    if data is not None:
        data = with_pins(actor, data)  # before the digest: a retry may leave the pins out
    locked = select(Audit).where(Audit.id == audit_id).with_for_update(of=Audit)
    existing = db.session.scalar(locked)
    if existing is not None and existing.status in DONE:
        audit = get_audit(actor, audit_id)
        if data is not None and content_digest(data) != audit.content_digest:
            raise Reason.submitted_differently.error(
                f"The audit is already {audit.status} with other content."
            )
        return audit  # a retry: same content, same result
    if data is not None:
        audit, _ = save_draft(actor, audit_id, data)
    else:
        audit = get_audit(actor, audit_id)
        if not may_fill(actor, audit):
            raise Reason.not_the_author.error(
                "Only the auditor who started this audit can submit it."
            )
    _finish(actor, audit, device_time)
    db.session.commit()
    return audit


def submit(actor: User, audit_id: str, data: dict | None, device_time: datetime | None) -> Audit:
    """Submit a draft (or create and submit it from `data`); a retried submit is harmless."""
    try:
        return _submit_once(actor, audit_id, data, device_time)
    except IntegrityError:
        # Another request created the same audit at the same moment: take its result.
        db.session.rollback()
        return _submit_once(actor, audit_id, data, device_time)
