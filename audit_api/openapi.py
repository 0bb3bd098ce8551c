"""The OpenAPI document's shared parts: the error body with its reason catalogue."""

from __future__ import annotations

from flask_smorest import Api
from marshmallow import Schema, fields, validate

from audit_api.errors import Reason


def _reason_help() -> str:
    lines = [f"- `{r.name}` ({r.status}): {r.description}" for r in Reason]
    return "Why the request failed; branch on this, never on `message`.\n\n" + "\n".join(lines)


class Error(Schema):
    """Every error body (4xx and 5xx)."""

    code = fields.Integer(required=True, metadata={"description": "the HTTP status"})
    status = fields.String(required=True, metadata={"description": "the status's phrase"})
    message = fields.String(required=True, metadata={"description": "for people, not code"})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        required=True,
        metadata={"description": "messages per field path (`scope.region_ids[1]`); may be {}"},
    )
    reason = fields.String(
        required=True,
        validate=validate.OneOf([r.name for r in Reason]),
        metadata={
            "description": _reason_help(),
            "x-enum-descriptions": [r.description for r in Reason],
        },
    )


class AuditApi(Api):
    """flask-smorest's Api with our error body."""

    ERROR_SCHEMA = Error
