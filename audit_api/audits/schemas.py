"""Request schemas of audits, reviews and comments (answers: outputs.py)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from audit_api.audits.models import AuditStatus
from audit_api.checklists.schemas import AnswerIn
from audit_api.fields import DateWindow, Day, Id, Instant

NON_NEGATIVE = validate.Range(min=0, error="must be 0 or more")
ANSWERED_BY = ("person", "ivr", "voicemail", "no_answer")


class CheckinIn(Schema):
    """Where the phone was when the auditor checked in."""

    latitude = fields.Float(required=True, validate=validate.Range(-90, 90))
    longitude = fields.Float(required=True, validate=validate.Range(-180, 180))
    accuracy_m = fields.Float(load_default=None, allow_none=True, validate=NON_NEGATIVE)


class VisitIn(Schema):
    """Visit facts: the first five seconds."""

    seconds_to_acknowledge = fields.Float(required=True, validate=NON_NEGATIVE)


class HoldIn(Schema):
    """One hold during a call."""

    seconds = fields.Float(required=True, validate=NON_NEGATIVE)
    asked_permission = fields.Boolean(required=True)


class TransferIn(Schema):
    """One transfer during a call."""

    had_to_repeat = fields.Boolean(required=True)


class CallIn(Schema):
    """Self-call facts; the metrics are derived from them, not typed in twice."""

    number_dialled = fields.String(validate=validate.Length(max=32))
    dialled_at = Instant()
    rings_to_answer = fields.Integer(strict=True, validate=NON_NEGATIVE, allow_none=True)
    seconds_to_answer = fields.Float(validate=NON_NEGATIVE, allow_none=True)
    answered_by = fields.String(required=True, validate=validate.OneOf(ANSWERED_BY))
    holds = fields.List(fields.Nested(HoldIn), load_default=list)
    transfers = fields.List(fields.Nested(TransferIn), load_default=list)
    reached_right_person = fields.Boolean(allow_none=True)
    duration_seconds = fields.Float(validate=NON_NEGATIVE, allow_none=True)


PINNED = "Required without assignment_id; with it, taken from the assignment when left out."
PINS = ("location_id", "checklist_key", "checklist_version", "kind")


class AuditIn(Schema):
    """A draft's whole content (PUT replaces it), or the final content sent with submit."""

    # Optional, not null by default: a missing pin is a missing key (services fill it in).
    location_id = Id(strict=True, metadata={"description": PINNED})
    checklist_key = fields.String(validate=validate.Length(1, 60), metadata={"description": PINNED})
    checklist_version = Id(strict=True, metadata={"description": PINNED})
    kind = fields.String(
        validate=validate.OneOf(("visit", "call")), metadata={"description": PINNED}
    )
    assignment_id = Id(strict=True, allow_none=True, load_default=None)
    started_at = Instant(required=True)
    submitted_at = Instant(allow_none=True, load_default=None)
    checkin = fields.Nested(CheckinIn, allow_none=True, load_default=None)
    visit = fields.Nested(VisitIn, allow_none=True, load_default=None)
    call = fields.Nested(CallIn, allow_none=True, load_default=None)
    answers = fields.List(fields.Nested(AnswerIn), load_default=list)

    @validates_schema
    def _pinned(self, data: dict, **_: object) -> None:
        if data.get("assignment_id") is None:
            missing = {name: ["Missing data for required field."] for name in PINS}
            missing = {name: why for name, why in missing.items() if data.get(name) is None}
            if missing:
                raise ValidationError(missing)

    @validates_schema
    def _consistent(self, data: dict, **_: object) -> None:
        started, submitted = data.get("started_at"), data.get("submitted_at")
        if started and submitted and submitted < started:
            raise ValidationError("must not be before started_at", "submitted_at")
        if data.get("kind") == "visit" and data.get("call"):
            raise ValidationError("only for call audits", "call")
        if data.get("kind") == "call" and data.get("visit"):
            raise ValidationError("only for visit audits", "visit")


def renamed(data: dict[str, Any], old: str, new: str) -> None:
    """Move a deprecated parameter's value to its new name (422 when both disagree)."""
    if old in data:
        value = data.pop(old)
        if data.get(new, value) != value:
            raise ValidationError(f"gives another value than its old name {old}", new)
        data[new] = value


class AuditFilters(DateWindow):
    """Filters shared by the audit list, the exports and the score views: one set of names
    (`from`, `to`, `kind`, `checklist_key`, `checklist_version`) everywhere."""

    kind = fields.String(validate=validate.OneOf(("visit", "call")))
    checklist_key = fields.String(validate=validate.Length(1, 60))
    checklist_version = Id(metadata={"description": "a version of checklist_key"})
    checklist = fields.String(
        metadata={"description": "old name of checklist_key", "deprecated": True}
    )

    @post_load
    def _names(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        renamed(data, "checklist", "checklist_key")
        if data.get("checklist_version") is not None and data.get("checklist_key") is None:
            raise ValidationError("needs checklist_key", "checklist_version")
        return data


class AuditQuery(AuditFilters):
    """Filters of the audit list."""

    status = fields.String(validate=validate.OneOf(list(AuditStatus)))
    location_id = Id()
    region_id = Id(metadata={"description": "in this region or any below it"})
    auditor_id = Id()
    date_from = Day(metadata={"description": "old name of from", "deprecated": True})
    date_to = Day(metadata={"description": "old name of to", "deprecated": True})

    @post_load
    def _dates(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        renamed(data, "date_from", "start")
        renamed(data, "date_to", "end")
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError("must not be after to", "from")
        return data


class ReviewIn(Schema):
    """A review decision; returning an audit needs a note for the auditor."""

    decision = fields.String(
        required=True, validate=validate.OneOf(("approve", "return", "reject"))
    )
    note = fields.String(validate=validate.Length(1, 4000))


class CommentIn(Schema):
    """A comment on an audit."""

    body = fields.String(required=True, validate=validate.Length(1, 4000))
