"""A service's refusal on a console form: beside the field it names (else above the form), in
the page's language where the console knows the text; the rule itself stays in the service."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l

from audit_api.db import db
from audit_api.errors import DomainError, Reason

PASSES = (Reason.not_found, Reason.forbidden)  # these become the console's error pages

# One text per reason that means the same whatever field it names.
BY_REASON = {
    Reason.email_taken: _l("Another user of the organization has this e-mail."),
    Reason.code_taken: _l("Another location of the organization has this code."),
    Reason.unknown_reference: _l("This is not one of your organization's."),
    Reason.scope_not_allowed: _l("Only managers have a scope: clear it for this role."),
    Reason.last_admin: _l(
        "This is the organization's last active HQ admin: make another user HQ admin first."
    ),
    Reason.region_cycle: _l("A region cannot move below itself or a region under it."),
    Reason.stale_etag: _l("Someone else changed this while you were looking at it."),
}
# The services' and schemas' own English texts the console has in Spanish too; others show
# as the service wrote them.
BY_TEXT = {
    "Missing data for required field.": _l("Required."),
    "Field may not be null.": _l("Required."),
    "Not a valid email address.": _l("Not a valid e-mail address."),
    "Not a valid number.": _l("Not a number."),
    "Not a valid integer.": _l("Not a whole number."),
    "Between 10 and 256 characters.": _l("Between 10 and 256 characters."),
    "Not a known IANA timezone, e.g. America/Santiago.": _l(
        "Not a known time zone, e.g. America/Santiago."
    ),
    "Not a phone number in international form, e.g. +56 2 2345 6789.": _l(
        "Not a phone number in international form, e.g. +56 2 2345 6789."
    ),
    "Letters, digits, '.', '_', '-'.": _l("Letters, digits, '.', '_' and '-' only."),
    "The region still has sub-regions; move or remove them first.": _l(
        "This region still has sub-regions: move or delete them first."
    ),
    "The region still has locations; move or remove them first.": _l(
        "This region still has locations: move them to another region first."
    ),
    "The region still has managers' scopes; move or remove them first.": _l(
        "Managers have this region in their scope: change their scope first."
    ),
    "The region still has schedules; move or remove them first.": _l(
        "Audit schedules name this region: change or deactivate them first."
    ),
    "The location has audits, assignments or corrective actions; they keep it.": _l(
        "This location has audits, assignments or corrective actions: it stays for the record."
    ),
    "The location is in a manager's scope; remove it from there first.": _l(
        "Managers have this location in their scope: change their scope first."
    ),
}
LENGTH = re.compile(r"^Length must be between (\d+) and (\d+)\.$")


def text(message: str) -> Any:
    """A service message in the page's language when the console knows it."""
    if message in BY_TEXT:
        return BY_TEXT[message]
    found = LENGTH.match(message)
    if found and found.group(1) == "1":
        return _l("Required, at most %(max)s characters.", max=found.group(2))
    return message


def stale(form: Any, obj: Any) -> bool:
    """Whether the form was filled from another version of `obj` (its hidden revision): saving
    it would undo a change made meanwhile."""
    return form.revision.data != str(obj.row_version)


def rolled_back(error: DomainError) -> None:
    """Nothing of a refused attempt is kept; a 404 or 403 goes on to the console's error
    pages (re-raised), any other refusal is the form's to show."""
    if error.reason in PASSES:
        raise error
    db.session.rollback()


def refuse(form: Any, error: DomainError, fields: dict[str, str]) -> None:
    """rolled_back, then the refusal shown on the form (see show)."""
    rolled_back(error)
    show(form, error, fields)


def show(form: Any, error: DomainError, fields: dict[str, str]) -> None:
    """Put the refusal beside the fields its paths name (`fields`: path prefix -> form field
    name, the longest prefix wins), the rest above the form (`form.form_errors`)."""
    if not isinstance(getattr(form, "form_errors", None), list):
        form.form_errors = []
    own = BY_REASON.get(error.reason)
    for path, messages in error.errors.items():
        field = _field(form, path, fields)
        if error.reason == Reason.weak_password:
            shown = [_l("Too easy to guess."), *messages[1:]]
        else:
            shown = [own] if own else [text(m) for m in messages]
        if field is None:
            form.form_errors.extend(shown)
        else:
            field.errors = [*field.errors, *shown]
    if not error.errors:
        form.form_errors.append(own or text(error.message))


def _field(form: Any, path: str, fields: dict[str, str]) -> Any:
    prefixes = [p for p in fields if path == p or path.startswith((p + ".", p + "["))]
    name = fields[max(prefixes, key=len)] if prefixes else path
    return next((field for field in form if field.name == name), None)


def number(value: str | None) -> Any:
    """A form's text as the API's JSON would carry it: a whole number as an int (the schemas
    take ids strictly), empty as None, anything else as typed (the schema then refuses it)."""
    value = (value or "").strip()
    if not value:
        return None
    return int(value) if re.fullmatch(r"-?\d{1,12}", value) else value


def decimal(value: str | None) -> Any:
    """A coordinate as typed; a decimal comma (Spanish keyboards) read as a point."""
    value = (value or "").strip().replace(",", ".")
    return value or None
