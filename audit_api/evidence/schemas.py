"""Request and response schemas of the photo endpoints."""

from __future__ import annotations

from typing import Any

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from audit_api.evidence.images import DECLARED_TYPES
from audit_api.evidence.models import VARIANTS, PhotoStatus
from audit_api.fields import Moment

ITEM = fields.String(
    load_default=None, validate=validate.Length(1, 60), metadata={"description": "checklist item"}
)


class PhotoUpload(Schema):
    """A multipart upload through the API: form fields and the file."""

    photo_id = fields.UUID(required=True, metadata={"description": "client-generated UUID"})
    item = ITEM
    file = Upload(required=True, metadata={"description": "JPEG, PNG, WebP or HEIC"})


# Documented by hand: flask-smorest gives an operation one body location, form *or* files.
MULTIPART_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["photo_id", "file"],
                "properties": {
                    "photo_id": {"type": "string", "format": "uuid"},
                    "item": {"type": "string", "description": "checklist item"},
                    "file": {"type": "string", "format": "binary"},
                },
            }
        }
    },
}


class UploadIn(Schema):
    """A request for a presigned direct-to-storage upload."""

    photo_id = fields.UUID(required=True, metadata={"description": "client-generated UUID"})
    content_type = fields.String(required=True, validate=validate.OneOf(DECLARED_TYPES))
    size = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    item = ITEM


class UploadOut(Schema):
    """Where and how to POST the file: a multipart form with `fields` and then `file`."""

    photo_id = fields.String(required=True)
    url = fields.String(required=True)
    fields_ = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        data_key="fields",
        attribute="fields",
        required=True,
        metadata={"description": "form fields to send, in this order, before `file`"},
    )
    expires_at = Moment(required=True)


SIGNAL_CODES = ["no_capture_time", "taken_outside_visit", "far_from_location"]
SIGNAL_CODES += ["duplicate", "near_duplicate"]


class SignalOut(Schema):
    """Something about a photo a reviewer should look at; each code fills its own fields."""

    code = fields.String(required=True, metadata={"enum": SIGNAL_CODES})
    message = fields.String(required=True)
    taken_at = Moment(metadata={"description": "taken_outside_visit: the camera's time"})
    window = fields.List(
        Moment(), metadata={"description": "taken_outside_visit: the visit's start and end"}
    )
    distance_m = fields.Float(metadata={"description": "far_from_location"})
    photo_id = fields.String(metadata={"description": "(near_)duplicate: the other photo"})
    audit_id = fields.String(metadata={"description": "(near_)duplicate: its audit"})
    distance_bits = fields.Integer(metadata={"description": "near_duplicate: hash distance"})


class LinksOut(Schema):
    """Where to fetch a ready photo's copies (while it is processing: none yet)."""

    display = fields.String(metadata={"description": "the display copy (1600 px JPEG)"})
    thumb = fields.String(metadata={"description": "the thumbnail (320 px JPEG)"})


class RejectionOut(Schema):
    """Why a photo was rejected after upload, as an error body says it."""

    reason = fields.String(required=True, metadata={"description": "a reason of docs/errors.md"})
    message = fields.String(required=True)
    errors = fields.Dict(
        keys=fields.String(), values=fields.List(fields.String()), dump_default=dict
    )


class PhotoOut(Schema):
    """A photo (dumped from its row) with what its file says about it, its signals and, once
    its bytes have arrived, where to fetch its copies."""

    id = fields.String(required=True)
    audit_id = fields.String(required=True)
    item = fields.String(attribute="item_key", required=True, allow_none=True)
    status = fields.String(
        required=True,
        metadata={
            "enum": list(PhotoStatus),
            "description": "pending (upload form issued) -> processing (stored; copies, facts"
            " and signals being made) -> ready | rejected (undecodable: see `rejection`)",
        },
    )
    rejection = fields.Nested(
        RejectionOut,
        required=True,
        allow_none=True,
        metadata={"description": "why a rejected photo was refused; null otherwise"},
    )
    processed_at = Moment(
        required=True, allow_none=True, metadata={"description": "when it became ready or rejected"}
    )
    content_type = fields.String(required=True, allow_none=True)
    size = fields.Integer(required=True, allow_none=True)
    width = fields.Integer(required=True, allow_none=True)
    height = fields.Integer(required=True, allow_none=True)
    sha256 = fields.String(required=True, allow_none=True)
    phash = fields.String(
        required=True, allow_none=True, metadata={"description": "64-bit dHash, hex"}
    )
    taken_at = Moment(required=True, allow_none=True)
    latitude = fields.Float(required=True, allow_none=True)
    longitude = fields.Float(required=True, allow_none=True)
    signals = fields.List(fields.Nested(SignalOut), required=True, dump_default=list)
    links = fields.Nested(
        LinksOut, required=True, metadata={"description": "display and thumb, once ready"}
    )
    created_at = Moment(required=True)

    def get_attribute(self, obj: Any, attr: str, default: Any) -> Any:
        """A photo row's fields, and its links (made here: they are not stored)."""
        if attr != "links":
            return super().get_attribute(obj, attr, default)
        if obj.status != PhotoStatus.READY:
            return {}
        content = f"/api/v1/photos/{obj.id}/content"
        return {v: f"{content}?variant={v}" for v in ("display", "thumb")}


class ContentQuery(Schema):
    """Which copy of the photo."""

    variant = fields.String(load_default="display", validate=validate.OneOf(VARIANTS))
