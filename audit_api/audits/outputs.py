"""Response schemas of audits: the audit with its paradata, answers and score, and its log."""

from __future__ import annotations

from marshmallow import Schema, fields

from audit_api.audits.models import AuditStatus
from audit_api.checklists.schemas import ANSWER_VALUE, ChecklistRef, ScoreOut
from audit_api.evidence.schemas import PhotoOut
from audit_api.fields import Keyed, Moment


class AnswerOut(Schema):
    """One answer: a value, or N/A, with its comment and photos."""

    item = fields.String(required=True)
    value = fields.Raw(allow_none=True, metadata=ANSWER_VALUE)
    # Every answer has these, also those filled from the paradata or made for a photo.
    na = fields.Boolean(required=True, dump_default=False)
    comment = fields.String(allow_none=True)
    photo_ids = fields.List(fields.String(), required=True, dump_default=list)
    derived = fields.Boolean(metadata={"description": "true: filled from the paradata"})


class CheckinOut(Schema):
    """Where the phone was when the auditor checked in."""

    latitude = fields.Float(required=True)
    longitude = fields.Float(required=True)
    accuracy_m = fields.Float(required=True, allow_none=True)


class VisitOut(Schema):
    """Visit facts: the first five seconds."""

    seconds_to_acknowledge = fields.Float(required=True)


class HoldOut(Schema):
    """One hold during a call."""

    seconds = fields.Float(required=True)
    asked_permission = fields.Boolean(required=True)


class TransferOut(Schema):
    """One transfer during a call."""

    had_to_repeat = fields.Boolean(required=True)


class CallOut(Schema):
    """Self-call facts as reported."""

    number_dialled = fields.String()
    dialled_at = Moment()
    rings_to_answer = fields.Integer(allow_none=True)
    seconds_to_answer = fields.Float(allow_none=True)
    answered_by = fields.String(
        required=True, metadata={"enum": ["person", "ivr", "voicemail", "no_answer"]}
    )
    holds = fields.List(fields.Nested(HoldOut), required=True)
    transfers = fields.List(fields.Nested(TransferOut), required=True)
    reached_right_person = fields.Boolean(allow_none=True)
    duration_seconds = fields.Float(allow_none=True)


def _nullable(schema: type[Schema], description: str) -> fields.Nested:
    return fields.Nested(
        schema, required=True, allow_none=True, metadata={"description": description}
    )


class AuditOut(Schema):
    """An audit with its paradata, answers and (once submitted) score."""

    id = fields.String(required=True)
    location_id = fields.Integer(required=True)
    checklist = fields.Nested(ChecklistRef, required=True)
    kind = fields.String(required=True, metadata={"enum": ["visit", "call"]})
    assignment_id = fields.Integer(required=True, allow_none=True)
    auditor_id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": list(AuditStatus)})
    started_at = Moment(required=True)
    submitted_at = Moment(
        required=True, allow_none=True, metadata={"description": "the device's submit time"}
    )
    received_at = Moment(
        required=True, allow_none=True, metadata={"description": "when the server took it"}
    )
    clock_skew_s = fields.Float(required=True, allow_none=True)
    visit_date = fields.Date(required=True, metadata={"description": "in the location's time"})
    checkin = _nullable(CheckinOut, "none when the phone sent no check-in")
    distance_m = fields.Float(required=True, allow_none=True)
    within_geofence = fields.Boolean(required=True, allow_none=True)
    visit = _nullable(VisitOut, "visit audits")
    call = _nullable(CallOut, "call audits")
    answers = fields.List(fields.Nested(AnswerOut), required=True)
    derived_items = fields.List(
        fields.String(), required=True, metadata={"description": "filled from paradata"}
    )
    photos = fields.List(
        fields.Nested(PhotoOut), required=True, metadata={"description": "with their signals"}
    )
    score = _nullable(ScoreOut, "none until submitted")
    approved_at = Moment(required=True, allow_none=True)
    created_at = Moment(required=True)
    updated_at = Moment(required=True)


class ScoreSummaryOut(Keyed):
    """A score's headline, as an event keeps it."""

    overall = fields.Float(allow_none=True)
    grade = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        allow_none=True,
        metadata={"description": "the grade's label in every language"},
    )
    critical_failures = fields.List(fields.String())


class EventDataOut(Keyed):
    """What an event records besides its action (each action fills its own fields)."""

    decision = fields.String(metadata={"description": "approved, returned, rejected"})
    overall = fields.Float(allow_none=True, metadata={"description": "submitted"})
    critical_failures = fields.List(fields.String(), metadata={"description": "submitted"})
    items = fields.List(fields.String(), metadata={"description": "disputed"})
    dispute_id = fields.Integer(metadata={"description": "dispute_upheld, rescored"})
    before = fields.Nested(ScoreSummaryOut, metadata={"description": "rescored"})
    after = fields.Nested(ScoreSummaryOut, metadata={"description": "rescored"})
    photo_id = fields.String(metadata={"description": "photo_added, photo_removed"})
    item = fields.String(allow_none=True, metadata={"description": "photo_added, photo_removed"})


class EventOut(Schema):
    """One entry of an audit's event log."""

    id = fields.Integer(required=True)
    action = fields.String(required=True)
    actor_id = fields.Integer(required=True)
    at = Moment(required=True)
    note = fields.String(required=True, allow_none=True)
    data = _nullable(EventDataOut, "none for actions that record nothing more")
