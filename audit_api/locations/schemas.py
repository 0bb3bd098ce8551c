"""Request and response schemas of locations."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from audit_api.fields import Id, Moment, Partial, Phone, Text, Timezone

CODE = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", error="Letters, digits, '.', '_', '-'.")


class LocationIn(Schema):
    """Create a location."""

    code = Text(max_length=40, required=True, validate=[validate.Length(1, 40), CODE])
    name = Text(required=True)
    address = Text(max_length=400, required=True)
    phone = Phone(required=True)
    timezone = Timezone(required=True)
    latitude = fields.Float(required=True, validate=validate.Range(-90, 90))
    longitude = fields.Float(required=True, validate=validate.Range(-180, 180))
    geofence_m = fields.Integer(load_default=150, strict=True, validate=validate.Range(10, 10000))
    region_id = Id(allow_none=True, load_default=None, strict=True)


class LocationPatch(Partial, LocationIn):
    """Change some fields of a location."""


class LocationOut(Schema):
    """A location as returned."""

    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    address = fields.String()
    phone = fields.String()
    timezone = fields.String()
    latitude = fields.Float()
    longitude = fields.Float()
    geofence_m = fields.Integer()
    region_id = fields.Integer(allow_none=True)
    created_at = Moment()
    updated_at = Moment()


class LocationQuery(Schema):
    """Filters of the location list."""

    region_id = Id(metadata={"description": "in this region or any below it"})
    q = fields.String(metadata={"description": "text in the name or code (accents ignored)"})
