"""Domain errors and the one place that turns every error into the JSON error contract."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from flask import Flask, jsonify
from flask.typing import ResponseReturnValue
from marshmallow import Schema, ValidationError
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from audit_api.bodies import too_large_errors
from audit_api.validation import FieldErrors, flatten

log = logging.getLogger(__name__)


class DomainError(Exception):
    """Base of the errors services raise; each subclass carries its HTTP status."""

    status = 400

    def __init__(self, message: str, errors: FieldErrors | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class BadRequest(DomainError):
    """The request cannot be read at all (before any field can be validated)."""

    status = 400


class Unauthorized(DomainError):
    """The caller is not authenticated (missing, bad, expired or revoked credentials)."""

    status = 401


class Forbidden(DomainError):
    """The caller's role may not do this."""

    status = 403


class NotFound(DomainError):
    """No such object, or it lies outside the caller's organization or scope."""

    status = 404


class Conflict(DomainError):
    """The request clashes with the current state (duplicate, in use, immutable)."""

    status = 409


class PreconditionFailed(DomainError):
    """An If-Match header named a stale version."""

    status = 412


class Invalid(DomainError):
    """Well-formed input that the domain rejects; `errors` names the fields."""

    status = 422


class PayloadTooLarge(DomainError):
    """The uploaded content is larger than allowed."""

    status = 413


class UnsupportedMediaType(DomainError):
    """The uploaded content is of a type that is not accepted."""

    status = 415


class Unavailable(DomainError):
    """A service the API needs is down; the client should retry after `retry_after` seconds."""

    status = 503
    retry_after = 5  # the database: a restart takes seconds


class StorageUnavailable(Unavailable):
    """The photo storage did not answer or failed; the request can be retried."""

    retry_after = 30


class RenderFailed(Unavailable):
    """A background rendering (a PDF report) failed again; asking later tries it anew."""

    retry_after = 120


def field_error(path: str, message: str) -> Invalid:
    """A 422 naming a single field."""
    return Invalid(f"Invalid {path}.", {path: [message]})


def validated(schema: Schema, data: Any) -> Any:
    """Load `data` with a schema outside webargs; what fails is the 422 naming each field."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        errors = flatten(exc.messages)
        raise Invalid("Invalid input: " + ", ".join(sorted(errors)) + ".", errors) from None


def _payload(status: int, message: str, errors: FieldErrors | None = None) -> dict[str, Any]:
    return {
        "code": status,
        "status": HTTPStatus(status).phrase,
        "message": message,
        "errors": errors or {},
    }


def _from_http(error: HTTPException) -> ResponseReturnValue:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    raw = data.get("errors") or data.get("messages") or {}
    # webargs nests errors under the request location ("json", "query"); clients want field paths.
    if isinstance(raw, dict) and set(raw) <= {"json", "query", "form", "headers", "files"}:
        merged: FieldErrors = {}
        for part in raw.values():
            merged.update(flatten(part))
        errors = merged
    else:
        errors = flatten(raw) if raw else {}
    message = data.get("message") or error.description or HTTPStatus(status).phrase
    if status == 422 and errors and "message" not in data:
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
    return jsonify(_payload(status, message, errors)), status, headers


def _from_domain(error: DomainError) -> ResponseReturnValue:
    headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else {}
    if isinstance(error, Unavailable):
        headers["Retry-After"] = str(error.retry_after)
    return jsonify(_payload(error.status, error.message, error.errors)), error.status, headers


def _from_unexpected(error: Exception) -> ResponseReturnValue:
    if isinstance(error, HTTPException):
        return _from_http(error)
    if isinstance(error, OperationalError | DisconnectionError | PoolTimeout):
        # The database is down or restarting, or every pooled connection is busy: the client
        # should retry, not report a bug.
        log.warning("database unavailable: %s", error.__class__.__name__)
        return _from_domain(Unavailable("The database is unavailable; retry shortly."))
    log.exception("unhandled error", exc_info=error)
    return jsonify(_payload(500, "Internal server error.")), 500


def register_error_handlers(app: Flask) -> None:
    """Every error, routing ones included, answers JSON {code, status, message, errors}."""
    app.register_error_handler(HTTPException, _from_http)
    app.register_error_handler(DomainError, _from_domain)
    app.register_error_handler(Exception, _from_unexpected)
