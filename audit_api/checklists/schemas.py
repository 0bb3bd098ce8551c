"""Request and response schemas of the checklist endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from audit_api.checklists.definition import ChecklistSchema
from audit_api.checklists.definition_out import DefinitionOut
from audit_api.fields import Localized, Moment

ANSWER_VALUE = {
    "oneOf": [{"type": "boolean"}, {"type": "number"}, {"type": "string"}],
    "description": "yes_no: boolean; scale, number: number; choice: an option key; text: "
    "string; datetime: an RFC 3339 time",
}


class DefinitionIn(ChecklistSchema):
    """A checklist definition (docs/scoring.md); the server assigns `version` if left out."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(partial=("version",), **kwargs)  # type: ignore[arg-type]


class ChecklistQuery(Schema):
    """Filters of the checklist list."""

    kind = fields.String(validate=validate.OneOf(("visit", "call")))


class VersionSummary(Schema):
    """A version's number and state."""

    version = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": ["draft", "published"]})
    published_at = Moment(required=True, allow_none=True)


class ChecklistOut(Schema):
    """A checklist and its versions."""

    key = fields.String(required=True)
    kind = fields.String(required=True)
    builtin = fields.Boolean(required=True)
    title = Localized(required=True)
    languages = fields.List(fields.String(), required=True)
    latest_published_version = fields.Integer(required=True, allow_none=True)
    versions = fields.List(fields.Nested(VersionSummary), required=True)


class VersionOut(Schema):
    """One version with its definition."""

    key = fields.String(required=True)
    version = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": ["draft", "published"]})
    kind = fields.String(required=True)
    builtin = fields.Boolean(required=True)
    published_at = Moment(required=True, allow_none=True)
    created_at = Moment(required=True)
    language = fields.String(
        required=True, metadata={"description": "the language of the texts, or all"}
    )
    definition = fields.Nested(DefinitionOut, required=True)


class AnswerIn(Schema):
    """One answer: a value, or N/A, with an optional comment and photos."""

    item = fields.String(required=True, validate=validate.Length(1, 100))
    value = fields.Raw(allow_none=True, metadata=ANSWER_VALUE)
    na = fields.Boolean(load_default=False)
    comment = fields.String(allow_none=True, validate=validate.Length(max=2000))
    photo_ids = fields.List(fields.UUID(), load_default=list)


class ScoreIn(Schema):
    """Answers to score."""

    answers = fields.List(fields.Nested(AnswerIn), required=True)


class SectionScoreOut(Schema):
    """A section's score."""

    key = fields.String(required=True)
    pct = fields.Float(required=True, allow_none=True)
    weight = fields.Float(required=True, allow_none=True)


class ItemScoreOut(Schema):
    """An item's score."""

    key = fields.String(required=True)
    fraction = fields.Float(required=True, allow_none=True)
    applicable = fields.Boolean(required=True)
    failed = fields.Boolean(required=True)


class ChecklistRef(Schema):
    """Which checklist version a score was computed against."""

    key = fields.String(required=True)
    version = fields.Integer(required=True)


class ScoreOut(Schema):
    """A computed score (docs/scoring.md)."""

    overall = fields.Float(required=True, allow_none=True, metadata={"description": "0-100"})
    grade = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "the grade's label in the answer's language (see lang)"},
    )
    critical_failures = fields.List(
        fields.String(), required=True, metadata={"description": "failed critical items"}
    )
    sections = fields.List(fields.Nested(SectionScoreOut), required=True)
    items = fields.List(fields.Nested(ItemScoreOut), required=True)
    checklist = fields.Nested(ChecklistRef, required=True)
    rules_version = fields.Integer(required=True)


class ActionRuleOut(Schema):
    """A corrective action that approving these answers would open."""

    item = fields.String(required=True)
    priority = fields.String(required=True, metadata={"enum": ["low", "medium", "high"]})
    due_days = fields.Integer(
        required=True, metadata={"description": "days to fix, from the approval day"}
    )


class PreviewOut(ScoreOut):
    """A score preview, with the corrective actions an approval would open."""

    actions = fields.List(fields.Nested(ActionRuleOut), required=True)
