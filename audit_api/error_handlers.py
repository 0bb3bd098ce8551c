"""The one place that turns every error into the JSON error body
{code, status, message, errors, reason}."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from flask import Flask, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from audit_api.bodies import too_large_errors
from audit_api.errors import RETRY_AFTER, DomainError, Reason
from audit_api.validation import FieldErrors, flatten

log = logging.getLogger(__name__)

# Werkzeug's own errors by status; their stock descriptions ("The browser (or proxy) sent a
# request that this server could not understand.") never reach a client: these replace them.
HTTP_REASONS: dict[int, tuple[Reason, str]] = {
    400: (Reason.bad_request, "The request could not be read."),
    404: (Reason.not_found, "No such resource."),
    405: (Reason.method_not_allowed, "This resource does not take this method."),
    413: (Reason.payload_too_large, "The request body is too large."),
    415: (Reason.unsupported_media_type, "This content type is not accepted here."),
    416: (Reason.range_not_satisfiable, "The requested range is not in the file."),
    422: (Reason.validation_failed, "Invalid input."),
    429: (Reason.rate_limited, "Too many requests; retry later."),
}


def payload(status: int, reason: Reason, message: str, errors: FieldErrors | None = None) -> dict:
    """The error body."""
    return {
        "code": status,
        "status": HTTPStatus(status).phrase,
        "message": message,
        "errors": errors or {},
        "reason": reason.name,
    }


def _field_errors(data: dict[str, Any]) -> FieldErrors:
    raw = data.get("errors") or data.get("messages") or {}
    # webargs nests errors under the request location ("json", "query"); clients want paths.
    if isinstance(raw, dict) and set(raw) <= {"json", "query", "form", "headers", "files"}:
        merged: FieldErrors = {}
        for part in raw.values():
            merged.update(flatten(part))
        return merged
    return flatten(raw) if raw else {}


# app.extensions key of a function (status, headers) -> page or None: the console answers its
# own URLs with pages in its layout (audit_api/console/pages.py); everything else gets JSON.
ERROR_PAGES = "audit_error_pages"


def _page(status: int, headers: dict[str, str] | None = None) -> ResponseReturnValue | None:
    render = current_app.extensions.get(ERROR_PAGES)
    return render(status, headers or {}) if render is not None else None


def _from_http(error: HTTPException) -> ResponseReturnValue:
    status = error.code or 500
    page = _page(status, _retry_headers(error))
    if page is not None:
        return page
    data = getattr(error, "data", None) or {}
    fallback = (Reason.bad_request, "The request could not be read.")
    if status >= 500:
        fallback = (Reason.internal_error, "Internal server error.")
    reason, message = HTTP_REASONS.get(status, fallback)
    errors = _field_errors(data)
    if data.get("message"):
        message = data["message"]
    elif error.description != type(error).description:  # said on purpose, not Werkzeug's stock
        message = str(error.description)
    elif status == 422 and errors:
        message = "Invalid input: " + ", ".join(sorted(errors)) + "."
    if status == 429:
        message = f"Too many requests (limit {error.description}); retry later."
    if status == 413 and not errors:  # raised by Werkzeug while it read the body
        errors = too_large_errors()
    headers = dict(data.get("headers") or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    allow = error.get_response().headers.get("Allow") if status == 405 else None
    if allow:
        headers["Allow"] = allow
    retry = getattr(error, "retry_after", None)
    if retry:
        headers["Retry-After"] = str(retry)
    return jsonify(payload(status, reason, message, errors)), status, headers


def _retry_headers(error: HTTPException) -> dict[str, str]:
    retry = getattr(error, "retry_after", None)
    return {"Retry-After": str(retry)} if retry else {}


def _from_domain(error: DomainError) -> ResponseReturnValue:
    retry = RETRY_AFTER.get(error.reason)
    page = _page(error.status, {"Retry-After": str(retry)} if retry else None)
    if page is not None:
        return page
    headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else {}
    if retry:
        headers["Retry-After"] = str(retry)
    body = payload(error.status, error.reason, error.message, error.errors)
    return jsonify(body), error.status, headers


def _from_unexpected(error: Exception) -> ResponseReturnValue:
    if isinstance(error, HTTPException):
        return _from_http(error)
    if isinstance(error, OperationalError | DisconnectionError | PoolTimeout):
        # The database is down or restarting, or every pooled connection is busy: the client
        # should retry, not report a bug.
        log.warning(
            "database unavailable: %s %s",
            error.__class__.__name__,
            getattr(getattr(error, "orig", None), "sqlstate", ""),
        )
        return _from_domain(Reason.unavailable.error("The database is unavailable; retry shortly."))
    log.exception("unhandled error", exc_info=error)
    page = _page(500)
    if page is not None:
        return page
    return jsonify(payload(500, Reason.internal_error, "Internal server error.")), 500


def register_error_handlers(app: Flask) -> None:
    """Every error, routing ones included, answers the JSON error body."""
    app.register_error_handler(HTTPException, _from_http)
    app.register_error_handler(DomainError, _from_domain)
    app.register_error_handler(Exception, _from_unexpected)
