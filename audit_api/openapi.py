"""The OpenAPI document's shared parts: the error body with its reason catalogue, and the
headers and parameters a phone relies on, documented once and marked on the views.

A view is marked with a decorator below (`@etag`, `@if_match`, `@if_none_match`, `@lang`;
`idempotent` marks itself); `ContractPlugin` turns the marks into parameters, response headers
and responses, and adds what applies to every operation (X-Request-ID, 429 on writes, 503).
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from apispec import APISpec, BasePlugin
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.openapi import OpenAPIConverter
from flask_smorest import Api, Blueprint
from marshmallow import Schema, fields, validate

from audit_api.errors import RETRY_AFTER, Reason

MARK = "x-contract"  # the marks' key in an operation; the plugin removes it
ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
WRITES = {"post", "put", "patch", "delete"}

HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {
        "description": "The resource's version: send it as If-Match to update, as "
        "If-None-Match to read it again only when it changed.",
        "schema": {"type": "string"},
    },
    "Idempotent-Replayed": {
        "description": "`true` when this is the stored answer to an earlier request with the "
        "same Idempotency-Key (nothing was done again).",
        "schema": {"type": "string", "enum": ["true"]},
    },
    "Retry-After": {
        "description": "Seconds to wait before trying again "
        f"({', '.join(f'{r.name} {s} s' for r, s in RETRY_AFTER.items())}; "
        "rate_limited: until the window resets).",
        "schema": {"type": "integer", "minimum": 0},
    },
    "X-Request-ID": {
        "description": "This request's id, in every log line about it: the caller's own "
        "X-Request-ID when it sent a plain one of 8 to 64 characters, else a new one.",
        "schema": {"type": "string"},
    },
}
PARAMETERS: dict[str, dict[str, Any]] = {
    "IfMatch": {
        "in": "header",
        "name": "If-Match",
        "description": "The ETag last read: if the resource changed since, nothing is "
        "written and the answer is 412 stale_etag. Without it the last write wins.",
        "schema": {"type": "string"},
    },
    "IfNoneMatch": {
        "in": "header",
        "name": "If-None-Match",
        "description": "The ETag last read: 304 with no body while it is still current.",
        "schema": {"type": "string"},
    },
    "IdempotencyKey": {
        "in": "header",
        "name": "Idempotency-Key",
        "description": "A key of the caller's (a UUID is usual; 1 to 255 printable ASCII "
        "characters): the same key and body again replay the first success "
        "(Idempotent-Replayed: true) for 24 hours; another body is 422 idempotency_key_reused.",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    },
    "Lang": {
        "in": "query",
        "name": "lang",
        "description": "Language of checklist texts and grade labels: one of the checklist's "
        "languages, or `all` (every language). Default: Accept-Language, else the checklist's "
        "first language.",
        "schema": {"type": "string", "pattern": "^([a-z]{2}|all)$"},
    },
    "AcceptLanguage": {
        "in": "header",
        "name": "Accept-Language",
        "description": "Used when `lang` is not given.",
        "schema": {"type": "string"},
    },
}
RESPONSES: dict[str, dict[str, Any]] = {
    "NotModified": {
        "description": "Not Modified: the resource still has the ETag given as If-None-Match.",
        "headers": {"ETag": "ETag"},
    },
    "PreconditionFailed": {"description": "stale_etag: read again, then retry", "content": ERROR},
    "TooManyRequests": {
        "description": "rate_limited",
        "content": ERROR,
        "headers": {"Retry-After": "Retry-After"},
    },
    "Unavailable": {
        "description": "unavailable, storage_unavailable or photos_busy: retry later",
        "content": ERROR,
        "headers": {"Retry-After": "Retry-After"},
    },
}


def files(media_types: list[str], description: str, **headers: str) -> dict[str, Any]:
    """A response of file bytes in one of `media_types` (exports, photos), with headers."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    response: dict[str, Any] = {"description": description}
    response["content"] = {media_type: binary for media_type in media_types}
    if headers:
        response["headers"] = {
            name: {"description": text, "schema": {"type": "string"}}
            for name, text in headers.items()
        }
    return response


def _mark(**marks: bool) -> Any:
    return Blueprint.doc(**{MARK: marks})


etag = _mark(etag=True)  # the answer carries the resource's ETag
if_match = _mark(if_match=True)  # honours If-Match (412 when stale)
if_none_match = _mark(etag=True, if_none_match=True)  # a read that answers 304
lang = _mark(lang=True)  # texts and grades follow ?lang and Accept-Language
idempotency_key = _mark(idempotent=True)  # used by idempotency.service.idempotent


def _with_header(response: Any, name: str) -> None:
    if isinstance(response, dict) and "$ref" not in response:
        response.setdefault("headers", {})[name] = name


def _apply(path: str, method: str, operation: dict[str, Any]) -> None:
    marks = operation.pop(MARK, {})
    responses = operation.setdefault("responses", {})
    parameters = operation.setdefault("parameters", [])
    successes = [r for code, r in responses.items() if str(code).startswith("2")]
    if marks.get("if_match"):
        parameters.append("IfMatch")
        responses["412"] = "PreconditionFailed"
    if marks.get("if_none_match"):
        parameters.append("IfNoneMatch")
        responses["304"] = "NotModified"
    if marks.get("idempotent"):
        parameters.append("IdempotencyKey")
        for response in successes:
            _with_header(response, "Idempotent-Replayed")
    if marks.get("lang"):
        parameters.extend(["Lang", "AcceptLanguage"])
    for response in successes if marks.get("etag") else ():
        _with_header(response, "ETag")
    if method in WRITES:
        responses.setdefault("429", "TooManyRequests")
    if path.startswith("/api/v1/"):
        responses.setdefault("503", "Unavailable")
    for response in responses.values():
        _with_header(response, "X-Request-ID")
    if not parameters:
        del operation["parameters"]


class ContractPlugin(BasePlugin):
    """Registers the shared components and applies the marks to every operation."""

    def init_spec(self, spec: APISpec) -> None:
        """Register the shared headers, parameters and responses."""
        # Copies: apispec resolves references in place, and each app has a document.
        for name, header in deepcopy(HEADERS).items():
            spec.components.header(name, header)
        for name, parameter in deepcopy(PARAMETERS).items():
            spec.components.parameter(name, parameter["in"], parameter)
        for name, response in deepcopy(RESPONSES).items():
            spec.components.response(name, response)

    def operation_helper(
        self, path: str | None = None, operations: dict | None = None, **kwargs: Any
    ) -> None:
        """Turn each operation's marks into parameters, headers and responses."""
        for method, operation in (operations or {}).items():
            _apply(path or "", method, operation)


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


class Converter(OpenAPIConverter):
    """A nullable nested schema is that schema or null (`allOf` it, `nullable`), not apispec's
    `anyOf` with a free-form object, which a generated client takes for a dict. No `type`
    beside it: generators read `type: object` + `nullable` as a nullable free-form object."""

    def field2nullable(self, field: Any, ret: dict) -> dict:
        """OpenAPI 3.0's nullable of a nested schema."""
        if field.allow_none and ("$ref" in ret or "allOf" in ret):
            parts = [{"$ref": ret.pop("$ref")}] if "$ref" in ret else ret.pop("allOf")
            return {"nullable": True, "allOf": parts}
        return super().field2nullable(field, ret)


class SchemaPlugin(MarshmallowPlugin):
    """apispec's marshmallow plugin with our converter."""

    Converter = Converter


class AuditApi(Api):
    """flask-smorest's Api with our error body, converter and contract plugin."""

    ERROR_SCHEMA = Error

    def __init__(self, app: Any) -> None:
        plugins = {"marshmallow_plugin": SchemaPlugin(), "extra_plugins": [ContractPlugin()]}
        super().__init__(app, spec_kwargs=plugins)
        # flask-smorest's own error responses (422, default...) carry X-Request-ID too.
        components = self.spec.components
        for response in (*components.responses.values(), *components.responses_lazy.values()):
            response.setdefault("headers", {})["X-Request-ID"] = {
                "$ref": "#/components/headers/X-Request-ID"
            }
