"""A checklist definition as answered (the format of DESIGN.md section 4, defaults filled in),
texts in the chosen language: the typed twin of definition.py's input schemas."""

from __future__ import annotations

from marshmallow import fields

from audit_api.checklists.definition import EVIDENCE, ITEM_TYPES, SCALAR
from audit_api.fields import Keyed, Localized


class BandOut(Keyed):
    """A number band: `max` (v <= max) or `min` (v >= min), and its score."""

    max = fields.Float()
    min = fields.Float()
    score = fields.Float(required=True)


class OptionOut(Keyed):
    """A choice option."""

    key = fields.String(required=True)
    label = Localized(required=True)
    score = fields.Float(required=True)


class ShowIfOut(Keyed):
    """Show the item only when an earlier item's answer equals a value or is in a list."""

    item = fields.String(required=True)
    equals = fields.Raw(metadata=SCALAR)
    in_ = fields.List(fields.Raw(metadata=SCALAR), data_key="in", attribute="in")


class ItemOut(Keyed):
    """One checklist item."""

    key = fields.String(required=True)
    type = fields.String(required=True, metadata={"enum": list(ITEM_TYPES)})
    prompt = Localized(required=True)
    help = Localized()
    unit = fields.String()
    min = fields.Integer(metadata={"description": "scale: lowest value"})
    max = fields.Integer(metadata={"description": "scale: highest value"})
    options = fields.List(fields.Nested(OptionOut))
    bands = fields.List(fields.Nested(BandOut))
    pass_ = fields.Boolean(data_key="pass", attribute="pass", metadata={"description": "yes_no"})
    weight = fields.Float(required=True)
    required = fields.Boolean(required=True)
    na_allowed = fields.Boolean(required=True)
    critical = fields.Boolean(required=True)
    evidence = fields.String(required=True, metadata={"enum": list(EVIDENCE)})
    show_if = fields.Nested(ShowIfOut)


class SectionOut(Keyed):
    """A titled group of items."""

    key = fields.String(required=True)
    title = Localized(required=True)
    weight = fields.Float()
    items = fields.List(fields.Nested(ItemOut), required=True)


class GradeOut(Keyed):
    """A grade band: the label of overall scores from `min` up."""

    min = fields.Float(required=True)
    label = Localized(required=True)


class ScoringOut(Keyed):
    """Critical-failure policy and grades."""

    critical_failure = fields.String(required=True, metadata={"enum": ["zero", "cap", "flag"]})
    cap_at = fields.Float()
    grades = fields.List(fields.Nested(GradeOut), required=True)


class DefinitionOut(Keyed):
    """A whole checklist definition."""

    key = fields.String(required=True)
    version = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"enum": ["visit", "call"]})
    title = Localized(required=True)
    description = Localized()
    languages = fields.List(fields.String(), required=True)
    scoring = fields.Nested(ScoringOut, required=True)
    sections = fields.List(fields.Nested(SectionOut), required=True)
