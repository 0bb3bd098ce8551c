"""Request and response schemas of regions."""

from __future__ import annotations

from marshmallow import Schema, fields

from audit_api.fields import Id, Moment, Partial, Text


class RegionIn(Schema):
    """Create or change a region."""

    name = Text(required=True)
    parent_id = Id(allow_none=True, load_default=None, strict=True)


class RegionPatch(Partial, RegionIn):
    """Change some fields of a region."""


class RegionOut(Schema):
    """A region as returned."""

    id = fields.Integer()
    name = fields.String()
    parent_id = fields.Integer(allow_none=True)
    created_at = Moment()
    updated_at = Moment()


class RegionQuery(Schema):
    """Filters of the region list."""

    parent_id = Id(metadata={"description": "only the children of this region"})
    q = fields.String(metadata={"description": "text in the name (accents and case ignored)"})
