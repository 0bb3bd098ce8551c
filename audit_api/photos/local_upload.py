"""Reading a presigned-form upload when photos are stored in a local directory."""

from __future__ import annotations

from flask import current_app, request
from werkzeug.datastructures import FileStorage

from audit_api.errors import Reason
from audit_api.evidence.storage import LocalStorage, storage
from audit_api.photos import direct


def receive_local_upload() -> None:
    """Check the signed conditions (like S3 checks its POST policy), then store the file."""
    backend = storage()
    if not isinstance(backend, LocalStorage):
        raise Reason.direct_uploads.error("Uploads go straight to the object storage.")
    form = request.form
    try:
        policy = backend.check_policy(form.get("policy", ""), current_app.config["UPLOAD_URL_TTL"])
    except ValueError:
        raise Reason.upload_form_invalid.error(
            "The upload form is invalid or expired.", {"policy": ["invalid"]}
        ) from None
    if form.get("key") != policy["key"]:
        raise Reason.upload_form_invalid.error(
            "The key is not the one the form was signed for.", {"key": ["mismatch"]}
        )
    if form.get("Content-Type") != policy["type"]:
        raise Reason.upload_form_invalid.error(
            "The content type is not the one the form was signed for.",
            {"Content-Type": [f"must be {policy['type']}"]},
        )
    upload = request.files.get("file")
    if upload is None:
        raise Reason.validation_failed.error(
            "No file.", {"file": ["Missing data for required field."]}
        )
    direct.receive_local(policy["key"], read_capped(upload, policy["max"]))


def read_capped(upload: FileStorage, limit: int) -> bytes:
    """An uploaded file's bytes: 413 over `limit` (read no further), 422 when empty."""
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise Reason.payload_too_large.error(
            "The file is too large.", {"file": [f"over {limit} bytes"]}
        )
    if not data:
        raise Reason.photo_unreadable.error("The file is empty.", {"file": ["is empty"]})
    return data
