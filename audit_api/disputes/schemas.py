"""Request and response schemas of disputes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from audit_api.checklists.schemas import AnswerIn
from audit_api.disputes.models import DisputeStatus


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

    id = fields.Integer()
    audit_id = fields.String()
    raised_by_id = fields.Integer()
    items = fields.List(fields.String())
    reason = fields.String()
    status = fields.String()
    created_at = fields.AwareDateTime()
    resolved_by_id = fields.Integer(allow_none=True)
    resolved_at = fields.AwareDateTime(allow_none=True)
    resolution_note = fields.String(allow_none=True)
    corrected_answers = fields.List(fields.Dict(), allow_none=True)


class DisputeQuery(Schema):
    """Filters of the dispute list."""

    status = fields.String(validate=validate.OneOf(list(DisputeStatus)))
    audit_id = fields.String()
