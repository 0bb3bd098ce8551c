"""Request and response schemas of the checklist endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from audit_api.checklists.definition import ChecklistSchema

LANG_HELP = "text language (es, en, ...), or 'all'; default from Accept-Language"


class DefinitionIn(ChecklistSchema):
    """A checklist definition (docs/scoring.md); the server assigns `version` if left out."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(partial=("version",), **kwargs)  # type: ignore[arg-type]


class LangQuery(Schema):
    """Language selection."""

    lang = fields.String(metadata={"description": LANG_HELP})


class ChecklistQuery(LangQuery):
    """Filters of the checklist list."""

    kind = fields.String(validate=validate.OneOf(("visit", "call")))


class VersionSummary(Schema):
    """A version's number and state."""

    version = fields.Integer()
    status = fields.String(metadata={"description": "draft or published"})
    published_at = fields.AwareDateTime(allow_none=True)


class ChecklistOut(Schema):
    """A checklist and its versions."""

    key = fields.String()
    kind = fields.String()
    builtin = fields.Boolean()
    title = fields.Raw(metadata={"description": "text, or {lang: text} with lang=all"})
    languages = fields.List(fields.String())
    latest_published_version = fields.Integer(allow_none=True)
    versions = fields.List(fields.Nested(VersionSummary))


class VersionOut(Schema):
    """One version with its definition."""

    key = fields.String()
    version = fields.Integer()
    status = fields.String()
    kind = fields.String()
    builtin = fields.Boolean()
    published_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()
    language = fields.String()
    definition = fields.Dict()


class AnswerIn(Schema):
    """One answer: a value, or N/A, with an optional comment and photos."""

    item = fields.String(required=True, validate=validate.Length(1, 100))
    value = fields.Raw(allow_none=True)
    na = fields.Boolean(load_default=False)
    comment = fields.String(allow_none=True, validate=validate.Length(max=2000))
    photo_ids = fields.List(fields.UUID(), load_default=list)


class ScoreIn(Schema):
    """Answers to score."""

    answers = fields.List(fields.Nested(AnswerIn), required=True)


class SectionScoreOut(Schema):
    """A section's score."""

    key = fields.String()
    pct = fields.Float(allow_none=True)
    weight = fields.Float(allow_none=True)


class ItemScoreOut(Schema):
    """An item's score."""

    key = fields.String()
    fraction = fields.Float(allow_none=True)
    applicable = fields.Boolean()
    failed = fields.Boolean()


class ChecklistRef(Schema):
    """Which checklist version a score was computed against."""

    key = fields.String()
    version = fields.Integer()


class ScoreOut(Schema):
    """A computed score (docs/scoring.md)."""

    overall = fields.Float(allow_none=True)
    grade = fields.Raw(allow_none=True)
    critical_failures = fields.List(fields.String())
    sections = fields.List(fields.Nested(SectionScoreOut))
    items = fields.List(fields.Nested(ItemScoreOut))
    checklist = fields.Nested(ChecklistRef)
    rules_version = fields.Integer()


class ActionRuleOut(Schema):
    """A corrective action that approving these answers would open."""

    item = fields.String()
    priority = fields.String(metadata={"description": "low, medium or high"})
    due_days = fields.Integer(metadata={"description": "days to fix, from the approval day"})


class PreviewOut(ScoreOut):
    """A score preview, with the corrective actions an approval would open."""

    actions = fields.List(fields.Nested(ActionRuleOut))
