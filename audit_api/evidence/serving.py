"""Stored files in answers: a short-lived storage URL (S3), or the bytes (local storage)."""

from __future__ import annotations

from flask import Response, current_app, redirect, send_file

from audit_api.errors import DomainError
from audit_api.evidence.storage import storage


def serve_stored(
    key: str,
    mimetype: str,
    etag: str,
    missing: DomainError,
    *,
    download_name: str | None = None,
) -> Response:
    """The file at `key`: a 307 to a presigned URL where the storage gives one, else its
    bytes, private to the caller; `missing` is raised when the file is gone. A download name
    makes it an attachment that clients revalidate (its ETag names what it shows)."""
    ttl = current_app.config["PHOTO_URL_TTL"]
    url = storage().download_url(key, mimetype, ttl, filename=download_name)
    if url is not None:
        response = redirect(url, 307)
        response.headers["Cache-Control"] = "no-store"
        return response
    try:
        stream = storage().open(key)
    except KeyError:
        raise missing from None
    if download_name is None:
        response = send_file(stream, mimetype=mimetype, etag=etag, max_age=ttl)
    else:
        response = send_file(
            stream, mimetype=mimetype, as_attachment=True, download_name=download_name, etag=etag
        )
        response.cache_control.no_cache = True
    response.cache_control.public = False
    response.cache_control.private = True
    return response
