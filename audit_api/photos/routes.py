"""HTTP endpoints of photo evidence."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from audit_api import openapi
from audit_api.actions.schemas import ActionPhotoOut
from audit_api.auth.guard import current_user, public, requires
from audit_api.bodies import BodyLimit
from audit_api.errors import Reason, field_error, validated
from audit_api.evidence.images import CONTENT_TYPES, DECLARED_TYPES
from audit_api.evidence.models import PhotoStatus
from audit_api.evidence.schemas import (
    MULTIPART_BODY,
    ContentQuery,
    PhotoOut,
    PhotoUpload,
    UploadIn,
    UploadOut,
)
from audit_api.evidence.serving import serve_stored
from audit_api.photos import action_photos, direct, processing, service
from audit_api.photos.local_upload import read_capped, receive_local_upload

blp = Blueprint("photos", __name__, url_prefix="/api/v1", description="Photo evidence.")
IMAGE_RESPONSES = {
    "200": openapi.files(
        list(CONTENT_TYPES[:4]),
        "The image: display and thumb are JPEG; the original as it was sent.",
        **{"Cache-Control": "private"},
    ),
    "307": {
        "description": "Photos kept in S3: a short-lived URL of the image (PHOTO_URL_TTL s).",
        "headers": {"Location": {"description": "the image's URL", "schema": {"type": "string"}}},
    },
}
ACCEPTED = (
    "Stored and checked cheaply (type, pixels, SHA-256): `processing` until the background task"
    " has made its copies, facts, hash and signals (then `ready`, or `rejected` with a reason)."
)
AGAIN = "The same photo again (a retry): as it is now."
FINISHED = "Processed within PHOTO_WAIT seconds (with no broker): `ready` or `rejected`."
# A photo upload may be larger than other bodies: the photo plus its multipart envelope.
PHOTO_BODY = BodyLimit("PHOTO_MAX_BYTES", slack=64 * 1024, field="file")


def read_file(upload: Any) -> bytes:
    """The uploaded file's bytes, checked against the byte limit and the declared type
    (what the file really is is decided by its bytes, later)."""
    content_type = (upload.mimetype or "").lower()
    if content_type not in (*DECLARED_TYPES, ""):
        raise Reason.unsupported_media_type.error(
            f"Photos are {', '.join(CONTENT_TYPES)}.",
            {"file": [f"content type {content_type} is not accepted"]},
        )
    return read_capped(upload, current_app.config["PHOTO_MAX_BYTES"])


@blp.route("/audits/<uuid:audit_id>/photos")
class Photos(MethodView):
    """An audit's photos."""

    body_limit = PHOTO_BODY

    @requires("audits:read")
    @blp.response(200, PhotoOut(many=True))
    @blp.doc(operationId="listAuditPhotos")
    def get(self, audit_id: UUID) -> Any:
        """The audit's photos, with their facts and evidence signals."""
        return service.list_photos(current_user(), str(audit_id))

    @requires("audits:fill")
    @blp.doc(requestBody=MULTIPART_BODY)
    @blp.response(202, PhotoOut, description=ACCEPTED)
    @blp.alt_response(200, schema=PhotoOut, description=AGAIN)
    @blp.alt_response(201, schema=PhotoOut, description=FINISHED)
    @blp.doc(operationId="uploadPhoto")
    def post(self, audit_id: UUID) -> Any:
        """Upload a photo through the API (multipart): checked cheaply and stored at once,
        then processed in the background; the same photo again is harmless."""
        form, upload = _form_upload()
        photo, new = service.upload(
            current_user(),
            str(audit_id),
            str(form["photo_id"]),
            form["item"],
            read_file(upload),
            upload.mimetype,
        )
        return _accepted(photo, new)


def _accepted(photo: Any, new: bool) -> tuple[Any, int]:
    """202 while a new photo is processing (after waiting PHOTO_WAIT s for it: 201 if it
    finished), 200 for a repeated request."""
    if not new:
        return photo, 200
    photo = processing.wait_processed(photo, current_app.config["PHOTO_WAIT"])
    return photo, 202 if photo.status == PhotoStatus.PROCESSING else 201


def _form_upload() -> tuple[dict[str, Any], Any]:
    """The multipart form's fields, validated, and its file part."""
    fields = {k: v for k, v in request.form.to_dict().items() if k != "file"}
    if "file" in request.form and "file" not in request.files:
        # A part with no filename arrives as text: it is not a file at all.
        raise field_error("file", "must be a file part (with a filename), not a text field")
    form = validated(PhotoUpload(), {**fields, **request.files.to_dict()})
    return form, form["file"]


def _serve(key: str, mimetype: str, etag: str) -> Any:
    """A stored copy of a photo."""
    missing = Reason.photo_missing.error("The photo's file is missing from storage.")
    return serve_stored(key, mimetype, etag, missing)


@blp.route("/actions/<int:action_id>/photos")
class ActionPhotos(MethodView):
    """Photos of what was done about an action."""

    body_limit = PHOTO_BODY

    @requires("actions:read")
    @blp.response(200, ActionPhotoOut(many=True))
    @blp.doc(operationId="listActionPhotos")
    def get(self, action_id: int) -> Any:
        """The action's photos, oldest first."""
        return action_photos.list_photos(current_user(), action_id)

    @requires("actions:write")
    @blp.doc(requestBody=MULTIPART_BODY)
    @blp.response(200, ActionPhotoOut)
    @blp.alt_response(201, schema=ActionPhotoOut, description="The photo was stored.")
    @blp.doc(operationId="uploadActionPhoto")
    def post(self, action_id: int) -> Any:
        """Upload a photo of the work (multipart `photo_id` and `file`, checked and processed
        as an audit's photos) while the action is open; name it in the resolution."""
        form, upload = _form_upload()
        photo, new = action_photos.upload(
            current_user(), action_id, str(form["photo_id"]), read_file(upload)
        )
        return photo, 201 if new else 200


@blp.route("/actions/<int:action_id>/photos/<uuid:photo_id>/content")
class ActionPhotoContent(MethodView):
    """An action photo's bytes."""

    @requires("actions:read")
    @blp.arguments(ContentQuery, location="query")
    @blp.response(200, description="The image (local storage).")
    @blp.alt_response(307, description="A short-lived storage URL (S3).")
    @blp.doc(responses=IMAGE_RESPONSES)
    @blp.doc(operationId="getActionPhotoContent")
    def get(self, query: dict[str, Any], action_id: int, photo_id: UUID) -> Any:
        """The display copy, the thumbnail, or (HQ only) the original."""
        variant = query["variant"]
        photo, key = action_photos.content(current_user(), action_id, str(photo_id), variant)
        mimetype = photo.content_type if variant == "original" else "image/jpeg"
        return _serve(key, mimetype, f"{photo.sha256}-{variant}")


@blp.route("/audits/<uuid:audit_id>/photos/uploads")
class Uploads(MethodView):
    """Direct-to-storage uploads."""

    @requires("audits:fill")
    @blp.arguments(UploadIn)
    @blp.response(201, UploadOut)
    @blp.doc(operationId="startPhotoUpload")
    def post(self, data: dict[str, Any], audit_id: UUID) -> Any:
        """A presigned form to POST the photo straight to storage; then call `complete`."""
        _, form = direct.start_upload(current_user(), str(audit_id), data)
        return form


@blp.route("/audits/<uuid:audit_id>/photos/<uuid:photo_id>")
class PhotoById(MethodView):
    """One photo of an audit."""

    @requires("audits:read")
    @blp.response(200, PhotoOut)
    @blp.doc(operationId="getAuditPhoto")
    def get(self, audit_id: UUID, photo_id: UUID) -> Any:
        """Read a photo's record."""
        return service.get_photo(current_user(), str(audit_id), str(photo_id))

    @requires("audits:fill")
    @blp.response(204)
    @blp.doc(operationId="deleteAuditPhoto")
    def delete(self, audit_id: UUID, photo_id: UUID) -> None:
        """Remove a draft's photo and its stored files."""
        service.delete(current_user(), str(audit_id), str(photo_id))


@blp.route("/audits/<uuid:audit_id>/photos/<uuid:photo_id>/complete")
class Complete(MethodView):
    """The end of a direct upload."""

    @requires("audits:fill")
    @blp.response(202, PhotoOut, description=ACCEPTED)
    @blp.alt_response(200, schema=PhotoOut, description=AGAIN)
    @blp.alt_response(201, schema=PhotoOut, description=FINISHED)
    @blp.doc(operationId="completePhotoUpload")
    def post(self, audit_id: UUID, photo_id: UUID) -> Any:
        """Check the uploaded file cheaply and accept it (then processed in the background);
        a refused file is deleted (413, 422).

        Size, type and pixel count are checked from the file's first 256 KiB; what the header
        cannot show (a damaged file, too many JPEG scans) leaves the photo `rejected` later,
        with the reason in `rejection`."""
        photo, new = direct.complete(current_user(), str(audit_id), str(photo_id))
        return _accepted(photo, new)


@blp.route("/photos/<uuid:photo_id>/content")
class Content(MethodView):
    """A photo's bytes."""

    @requires("audits:read")
    @blp.arguments(ContentQuery, location="query")
    @blp.response(200, description="The image (local storage).")
    @blp.alt_response(307, description="A short-lived storage URL (S3).")
    @blp.doc(responses=IMAGE_RESPONSES)
    @blp.doc(operationId="getPhotoContent")
    def get(self, query: dict[str, Any], photo_id: UUID) -> Any:
        """The display copy, the thumbnail, or (HQ only) the original."""
        photo, key = service.content(current_user(), str(photo_id), query["variant"])
        mimetype = photo.content_type if query["variant"] == "original" else "image/jpeg"
        return _serve(key, mimetype or "image/jpeg", f"{photo.sha256}-{query['variant']}")


@blp.route("/storage/uploads")
class LocalUpload(MethodView):
    """The target of presigned forms when photos are stored locally (S3 takes them itself)."""

    body_limit = PHOTO_BODY

    @public(blp)
    @blp.response(204)
    @blp.doc(operationId="receiveStorageUpload")
    def post(self) -> None:
        """Store a file POSTed with the fields of a presigned form (no bearer token)."""
        receive_local_upload()
