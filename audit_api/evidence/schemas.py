"""Request and response schemas of the photo endpoints."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from audit_api.evidence.images import DECLARED_TYPES
from audit_api.evidence.models import VARIANTS, Photo, PhotoStatus

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

    photo_id = fields.String()
    url = fields.String()
    fields_ = fields.Dict(
        keys=fields.String(), values=fields.String(), data_key="fields", attribute="fields"
    )
    expires_at = fields.AwareDateTime()


class PhotoOut(Schema):
    """A photo (dumped from its row) with what its file says about it, its signals and, once
    its bytes have arrived, where to fetch its copies."""

    id = fields.String()
    audit_id = fields.String()
    item = fields.String(attribute="item_key", allow_none=True)
    status = fields.String(metadata={"description": "pending (upload form issued) | ready"})
    content_type = fields.String(allow_none=True)
    size = fields.Integer(allow_none=True)
    width = fields.Integer(allow_none=True)
    height = fields.Integer(allow_none=True)
    sha256 = fields.String(allow_none=True)
    phash = fields.String(allow_none=True, metadata={"description": "64-bit dHash, hex"})
    taken_at = fields.AwareDateTime(allow_none=True)
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    signals = fields.List(
        fields.Dict(),
        dump_default=list,
        metadata={
            "description": "{code, message, ...}; codes: no_capture_time, taken_outside_visit, "
            "far_from_location, duplicate, near_duplicate"
        },
    )
    links = fields.Method("_links", metadata={"description": "display and thumb, once ready"})
    created_at = fields.AwareDateTime()

    def _links(self, photo: Photo) -> dict[str, str]:
        if photo.status != PhotoStatus.READY:
            return {}
        content = f"/api/v1/photos/{photo.id}/content"
        return {v: f"{content}?variant={v}" for v in ("display", "thumb")}


class ContentQuery(Schema):
    """Which copy of the photo."""

    variant = fields.String(load_default="display", validate=validate.OneOf(VARIANTS))
