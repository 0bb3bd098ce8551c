"""The checklist format of docs/scoring.md as marshmallow schemas (YAML files and API alike)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from audit_api.checklists.crosscheck import cross_check
from audit_api.scoring.actions import PRIORITIES
from audit_api.validation import FieldErrors, flatten

ITEM_TYPES = ("yes_no", "scale", "choice", "number", "text", "photo", "datetime")
EVIDENCE = ("none", "optional", "required", "required_on_fail")
NUMBER = {"invalid": "must be a number"}
INTEGER = {"invalid": "must be a whole number"}
BOOLEAN = {"invalid": "must be true or false"}
FRACTION = validate.Range(0, 1, error="must be between 0 and 1")
# Weights are relative: 1000 allows any real proportion, while sums of them stay finite.
MAX_WEIGHT = 1000
WEIGHT = validate.Range(
    min=0,
    max=MAX_WEIGHT,
    min_inclusive=False,
    error=f"must be greater than 0 and at most {MAX_WEIGHT}",
)
SCALE_BOUND = validate.Range(-1_000_000, 1_000_000, error="must be between -1000000 and 1000000")
PERCENT = validate.Range(0, 100, error="must be between 0 and 100")
KEY = validate.Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", error="lower-case letters, digits and '-'")
ITEM_KEY = validate.Regexp(r"^[a-z][a-z0-9_]*$", error="lower-case letters, digits and '_'")
SCALAR = {  # documents an answer-like value in OpenAPI
    "oneOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}],
    "description": "a value of the item's answer type",
}
LANGUAGE = validate.Regexp(r"^[a-z]{2}$", error="a two-letter language code such as es")


class DefinitionInvalid(ValueError):
    """A checklist definition that does not fit the format; `errors` maps paths to messages."""

    def __init__(self, errors: FieldErrors) -> None:
        super().__init__("\n".join(f"{p}: {'; '.join(m)}" for p, m in sorted(errors.items())))
        self.errors = errors


def LocalText(**kwargs: Any) -> fields.Dict:
    """Text in every declared language: {"es": "...", "en": "..."}."""
    return fields.Dict(
        keys=fields.String(validate=LANGUAGE),
        values=fields.String(validate=validate.Length(1, 2000)),
        error_messages={"invalid": "must be a mapping of language to text"},
        **kwargs,
    )


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class BandSchema(_Strict):
    """A number band: `max` (v <= max) or `min` (v >= min), and its score."""

    max = fields.Float(error_messages=NUMBER)
    min = fields.Float(error_messages=NUMBER)
    score = fields.Float(required=True, validate=FRACTION, error_messages=NUMBER)

    @validates_schema
    def _one_bound(self, data: Mapping[str, Any], **_: Any) -> None:
        if ("max" in data) == ("min" in data):
            raise ValidationError("give exactly one of max or min")


class OptionSchema(_Strict):
    """A choice option."""

    key = fields.String(required=True, validate=ITEM_KEY)
    label = LocalText(required=True)
    score = fields.Float(required=True, validate=FRACTION, error_messages=NUMBER)


def _python_names_back(data: dict[str, Any], keyword: str) -> dict[str, Any]:
    """A field named `keyword_` in Python (`in`, `pass` are keywords) keeps its JSON name."""
    if f"{keyword}_" in data:
        data[keyword] = data.pop(f"{keyword}_")
    return data


class ActionSchema(_Strict):
    """The corrective action a failure of the item opens on approval (docs/actions.md)."""

    priority = fields.String(required=True, validate=validate.OneOf(PRIORITIES))
    due_days = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(1, 365, error="must be 1 to 365 days"),
        error_messages=INTEGER,
    )


class ShowIfSchema(_Strict):
    """Show an item only when an earlier item's answer equals a value or is in a list."""

    item = fields.String(required=True)
    equals = fields.Raw(allow_none=False, metadata=SCALAR)
    in_ = fields.List(fields.Raw(metadata=SCALAR), data_key="in", validate=validate.Length(min=1))

    @validates_schema
    def _one_test(self, data: Mapping[str, Any], **_: Any) -> None:
        if ("equals" in data) == ("in_" in data):
            raise ValidationError("give exactly one of equals or in")

    @post_load
    def _rename(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        return _python_names_back(data, "in")


class ItemSchema(_Strict):
    """One checklist item of any type."""

    key = fields.String(required=True, validate=ITEM_KEY)
    type = fields.String(required=True, validate=validate.OneOf(ITEM_TYPES))
    prompt = LocalText(required=True)
    help = LocalText()
    unit = fields.String(validate=validate.Length(1, 40))
    min = fields.Integer(strict=True, validate=SCALE_BOUND, error_messages=INTEGER)
    max = fields.Integer(strict=True, validate=SCALE_BOUND, error_messages=INTEGER)
    options = fields.List(fields.Nested(OptionSchema), validate=validate.Length(min=2))
    bands = fields.List(fields.Nested(BandSchema), validate=validate.Length(min=1))
    pass_ = fields.Boolean(data_key="pass", error_messages=BOOLEAN)
    weight = fields.Float(load_default=1.0, validate=WEIGHT, error_messages=NUMBER)
    required = fields.Boolean(load_default=True, error_messages=BOOLEAN)
    na_allowed = fields.Boolean(load_default=False, error_messages=BOOLEAN)
    critical = fields.Boolean(load_default=False, error_messages=BOOLEAN)
    evidence = fields.String(load_default="none", validate=validate.OneOf(EVIDENCE))
    show_if = fields.Nested(ShowIfSchema)
    action = fields.Nested(ActionSchema)

    @post_load
    def _rename(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        return _python_names_back(data, "pass")


class SectionSchema(_Strict):
    """A titled group of items; its weight is optional."""

    key = fields.String(required=True, validate=ITEM_KEY)
    title = LocalText(required=True)
    weight = fields.Float(validate=WEIGHT, error_messages=NUMBER)
    items = fields.List(fields.Nested(ItemSchema), required=True, validate=validate.Length(min=1))


class GradeSchema(_Strict):
    """A grade band: the label of overall scores from `min` up."""

    min = fields.Float(required=True, validate=PERCENT, error_messages=NUMBER)
    label = LocalText(required=True)


class ScoringSchema(_Strict):
    """Critical-failure policy and grades."""

    critical_failure = fields.String(
        load_default="zero", validate=validate.OneOf(("zero", "cap", "flag"))
    )
    cap_at = fields.Float(validate=PERCENT, error_messages=NUMBER)
    grades = fields.List(fields.Nested(GradeSchema), load_default=list)


class ChecklistSchema(_Strict):
    """A whole checklist definition."""

    key = fields.String(required=True, validate=[validate.Length(1, 60), KEY])
    version = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1), error_messages=INTEGER
    )
    kind = fields.String(required=True, validate=validate.OneOf(("visit", "call")))
    title = LocalText(required=True)
    description = LocalText()
    languages = fields.List(
        fields.String(validate=LANGUAGE), required=True, validate=validate.Length(min=1)
    )
    scoring = fields.Nested(ScoringSchema, load_default=lambda: ScoringSchema().load({}))
    sections = fields.List(
        fields.Nested(SectionSchema), required=True, validate=validate.Length(min=1)
    )


def load_definition(data: Any) -> dict[str, Any]:
    """Validate a checklist definition and return it with defaults filled in."""
    if not isinstance(data, Mapping):
        raise DefinitionInvalid({"_schema": ["a checklist must be a mapping"]})
    try:
        loaded: dict[str, Any] = ChecklistSchema().load(data)
    except ValidationError as exc:
        raise DefinitionInvalid(flatten(exc.messages)) from None
    errors = cross_check(loaded)
    if errors:
        raise DefinitionInvalid(errors)
    return loaded
