"""Request and response schemas of disputes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from audit_api.audits.outputs import AnswerOut
from audit_api.checklists.schemas import AnswerIn
from audit_api.disputes.models import DisputeStatus
from audit_api.fields import Moment


class DisputeIn(Schema):
    """Items of an approved audit that a manager considers unfair, and why."""

    items = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    reason = fields.String(required=True, validate=validate.Length(1, 4000))


class ResolveIn(Schema):
    """HQ's resolution: upheld (nothing changes) or overturned with corrected answers."""

    outcome = fields.String(
        required=True, validate=validate.OneOf((DisputeStatus.UPHELD, DisputeStatus.OVERTURNED))
    )
    note = fields.String(validate=validate.Length(1, 4000))
    answers = fields.List(fields.Nested(AnswerIn), load_default=list)


class DisputeOut(Schema):
    """A dispute."""

    id = fields.Integer(required=True)
    audit_id = fields.String(required=True)
    raised_by_id = fields.Integer(required=True)
    items = fields.List(fields.String(), required=True)
    reason = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": list(DisputeStatus)})
    created_at = Moment(required=True)
    resolved_by_id = fields.Integer(required=True, allow_none=True)
    resolved_at = Moment(required=True, allow_none=True)
    resolution_note = fields.String(required=True, allow_none=True)
    corrected_answers = fields.List(
        fields.Nested(AnswerOut),
        required=True,
        allow_none=True,
        metadata={"description": "an overturned dispute's corrections"},
    )


class DisputeQuery(Schema):
    """Filters of the dispute list."""

    status = fields.String(validate=validate.OneOf(list(DisputeStatus)))
    audit_id = fields.String()
