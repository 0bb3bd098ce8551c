"""Every reason a request can fail (the catalogue), and the domain errors services raise by it.

`error_handlers.py` turns these, and every other error, into the JSON error body.
"""

from __future__ import annotations

from enum import Enum, unique
from typing import Any

from marshmallow import Schema, ValidationError

from audit_api.validation import FieldErrors, flatten


@unique
class Reason(Enum):
    """Why a request failed: a stable snake_case name a client may branch on, the HTTP status
    it comes with and what it means. Names never change meaning; new ones may be added."""

    # The request itself
    validation_failed = 422, "A field or parameter is missing or invalid; `errors` names each."
    malformed_json = 400, "The body is not valid JSON."
    json_required = 415, "The body must be JSON sent as Content-Type: application/json."
    json_too_deep = 400, "The JSON body nests deeper than 32 levels."
    unstorable_text = 422, "Text holds a NUL character or an unpaired surrogate."
    bad_request = 400, "The request cannot be read (e.g. a broken multipart form)."
    payload_too_large = 413, "The body or photo is too large; `errors` says the limit."
    too_many_rows_for_xlsx = (
        413,
        "The export has more rows than an XLSX worksheet holds (1,048,576, the header"
        " included): ask for CSV or JSON Lines, or a narrower filter.",
    )
    unsupported_media_type = 415, "The photo's declared content type is not an image."
    not_found = 404, "No such resource, or it is outside your organization or scope."
    method_not_allowed = 405, "The resource does not take this method; see the Allow header."
    range_not_satisfiable = 416, "The Range header asks for bytes the file does not have."
    rate_limited = 429, "Too many requests; retry after Retry-After seconds."
    idempotency_key_reused = 422, "This Idempotency-Key came with another request body or path."
    idempotency_in_progress = 409, "A request with this Idempotency-Key is still running."
    stale_etag = 412, "If-Match names an old version: read the resource again."
    internal_error = 500, "A bug on our side; the request id in X-Request-ID helps us find it."
    unavailable = 503, "The database is unavailable; retry after Retry-After seconds."
    storage_unavailable = 503, "The photo storage failed; retry after Retry-After seconds."
    photos_busy = 503, "Every photo decoding slot is busy; retry after Retry-After seconds."
    # Signing in and tokens
    token_missing = 401, "No bearer token in the Authorization header."
    token_invalid = 401, "The token is not one of ours or is damaged."
    token_expired = 401, "The token has expired: refresh it, or sign in again."
    token_revoked = 401, "The session was signed out, or its password changed."
    token_reused = 401, "An old refresh token came back: the session is revoked for safety."
    account_deactivated = 401, "The account was deactivated."
    bad_credentials = 401, "The e-mail and password do not match an active account."
    org_required = 422, "The e-mail has accounts in several organizations: give org_id."
    forbidden = 403, "Your role may not do this."
    wrong_password = 403, "The current password is wrong."
    weak_password = 422, "The new password is too easy to guess; `errors` gives advice."
    # Users, regions, locations
    email_taken = 409, "Another user of the organization has this e-mail."
    code_taken = 409, "Another location of the organization has this code."
    unknown_reference = 422, "An id in the body names nothing in your organization."
    scope_not_allowed = 422, "Only managers have a scope."
    last_admin = 409, "The organization's last active hq_admin cannot go."
    region_cycle = 422, "A region cannot move below itself."
    in_use = 409, "The region or location is still in use; move or remove what uses it."
    # Checklists
    checklist_invalid = 422, "The checklist definition breaks the format; `errors` names each."
    checklist_key_taken = 409, "The organization already has a checklist with this key."
    checklist_mismatch = 422, "The body's key, version or kind disagrees with the checklist."
    checklist_builtin = 403, "Built-in checklists are read-only."
    version_published = 409, "A published checklist version never changes."
    draft_pending = 409, "The checklist has a draft version already: change or publish it."
    version_taken = 409, "Another request created this checklist version at the same time."
    unknown_language = 422, "`lang` is not one of the checklist's languages (or all)."
    # Assignments
    unknown_checklist = 422, "No such checklist version for you to assign."
    version_not_published = 422, "Only published checklist versions can be assigned."
    kind_mismatch = 422, "The kind differs from the checklist's (visit or call)."
    not_an_auditor = 422, "auditor_id names no active auditor of your organization."
    assignment_done = 409, "The assignment is done or cancelled; it no longer changes."
    assignment_started = 409, "The auditor started the audit; it cannot be reassigned."
    # Audits
    assignment_required = 403, "Auditors audit their assignments: give assignment_id."
    not_your_assignment = 403, "The assignment belongs to another auditor."
    assignment_taken = 409, "The assignment already has its audit (one each)."
    assignment_mismatch = 422, "A field differs from what the assignment pins."
    outside_due_window = 422, "started_at lies outside the assignment's due window."
    audit_fixed = 409, "Location, checklist, kind and assignment of an audit never change."
    not_the_author = 403, "Only the auditor who started the audit changes or submits it."
    audit_not_editable = 409, "The audit is past draft: content and photos no longer change."
    answers_invalid = 422, "Answers do not fit the checklist; `errors` names each item."
    audit_incomplete = 422, "Required answers or photos are missing; `errors` names each."
    submitted_differently = 409, "The audit was already submitted with other content."
    no_score = 404, "The audit has no score yet (not submitted)."
    own_audit = 403, "Nobody reviews their own audit."
    audit_not_submitted = 409, "Only submitted audits are reviewed."
    note_required = 422, "Returning an audit needs a note for the auditor."
    too_many_comments = 409, "The audit has as many comments as it takes."
    # Disputes
    audit_not_approved = 409, "Only approved audits can be disputed."
    dispute_window_closed = 409, "The dispute window after approval has closed."
    unknown_item = 422, "An item key that the checklist does not have."
    dispute_resolved = 409, "The dispute is already resolved."
    correction_invalid = 422, "Corrected answers must come with, and only with, an overturn."
    # Photos
    too_many_photos = 409, "The audit holds as many photos as allowed."
    photo_id_taken = 409, "The photo id belongs to another audit or action."
    photo_differs = 409, "This photo id was uploaded with other bytes."
    photo_unreadable = 422, "The file is not a photo we can read (JPEG, PNG, WebP, HEIC)."
    photo_too_large = 422, "The declared size is over the photo limit."
    photo_in_progress = 409, "The same photo is being uploaded by another request; retry."
    photo_not_uploaded = 409, "Nothing was uploaded for this photo yet."
    photo_changed = 409, "The uploaded file changed while it was checked; upload it again."
    photo_complete = 409, "This photo is already uploaded."
    photo_pending = 404, "The photo's bytes have not arrived yet."
    photo_processing = 409, "The photo's copies are still being made; retry after Retry-After."
    photo_rejected = 409, "The photo was rejected after upload (undecodable): it has no copies."
    photo_missing = 404, "The photo's file is missing from storage."
    direct_uploads = 403, "Uploads go straight to the object storage, not through this URL."
    upload_form_invalid = 403, "The upload form is invalid, expired or for another key."
    upload_form_used = 409, "The upload form was already used with another file."
    # Webhooks
    too_many_webhooks = 409, "The organization has as many webhook endpoints as allowed."
    webhook_disabled = 409, "The webhook endpoint is disabled; enable it first (PATCH active)."
    # Reports
    report_render_failed = 503, "The PDF report failed to render again; retry after Retry-After."
    report_missing = 404, "The report's file is missing from storage; ask for it again."
    # Corrective actions
    action_needs_approval = 409, "Actions are opened from approved audits only."
    action_taken = 409, "The item already has an action at this location that is not closed."
    action_closed = 409, "The action is verified or void; it no longer changes."
    action_not_open = (
        409,
        "The action is not open work: it cannot start, be resolved or take photos.",
    )
    not_a_manager = 422, "assignee_id names no active manager with the location in scope."
    unknown_photo = 422, "photo_ids names a photo not uploaded to this action."
    too_many_action_photos = 409, "The action holds as many photos as allowed."
    # Schedules
    rrule_invalid = 422, "The rrule is not an RFC 5545 recurrence rule this service reads."

    def __init__(self, status: int, description: str) -> None:
        self.status = status
        self.description = description

    def error(self, message: str, errors: FieldErrors | None = None) -> DomainError:
        """The error of this reason (of the class of its status), to raise."""
        return ERROR_CLASSES.get(self.status, DomainError)(self, message, errors)


# Seconds a client waits before retrying, per reason (the database restarts in seconds).
RETRY_AFTER = {
    Reason.unavailable: 5,
    Reason.storage_unavailable: 30,
    Reason.photos_busy: 10,
    Reason.photo_processing: 3,
    Reason.report_render_failed: 120,
}


class DomainError(Exception):
    """Base of the errors services raise; the reason gives the HTTP status."""

    def __init__(self, reason: Reason, message: str, errors: FieldErrors | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.status = reason.status
        self.message = message
        self.errors = errors or {}


class BadRequest(DomainError):
    """The request cannot be read at all (before any field can be validated)."""


class Unauthorized(DomainError):
    """The caller is not authenticated (missing, bad, expired or revoked credentials)."""


class Forbidden(DomainError):
    """The caller may not do this."""


class NotFound(DomainError):
    """No such object, or it lies outside the caller's organization or scope."""


class Conflict(DomainError):
    """The request clashes with the current state (duplicate, in use, immutable)."""


class PreconditionFailed(DomainError):
    """An If-Match header named a stale version."""


class Invalid(DomainError):
    """Well-formed input that the domain rejects; `errors` names the fields."""


class PayloadTooLarge(DomainError):
    """The uploaded content is larger than allowed."""


class UnsupportedMediaType(DomainError):
    """The uploaded content is of a type that is not accepted."""


class Unavailable(DomainError):
    """A service the API needs is down; the client retries after RETRY_AFTER seconds."""


ERROR_CLASSES: dict[int, type[DomainError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    412: PreconditionFailed,
    413: PayloadTooLarge,
    415: UnsupportedMediaType,
    422: Invalid,
    503: Unavailable,
}


def field_error(path: str, message: str, reason: Reason = Reason.validation_failed) -> DomainError:
    """An error naming a single field (a 422 unless the reason says otherwise)."""
    return reason.error(f"Invalid {path}.", {path: [message]})


def validated(schema: Schema, data: Any) -> Any:
    """Load `data` with a schema outside webargs; what fails is the 422 naming each field."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        errors = flatten(exc.messages)
        raise Reason.validation_failed.error(
            "Invalid input: " + ", ".join(sorted(errors)) + ".", errors
        ) from None


def reason_table() -> str:
    """The catalogue as a Markdown table (docs/errors.md holds it; a test keeps it current)."""
    lines = ["| reason | status | meaning |", "|---|---|---|"]
    lines += [f"| `{r.name}` | {r.status} | {r.description} |" for r in Reason]
    return "\n".join(lines)
