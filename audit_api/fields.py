"""Marshmallow fields shared by the schemas: trimmed text, e-mail, IANA timezone, phone."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime
from functools import cache
from typing import Any
from zoneinfo import available_timezones

import phonenumbers
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from audit_api.times import rfc3339


class Text(fields.String):
    """A string with surrounding whitespace removed; blank counts as missing content."""

    def __init__(self, max_length: int = 200, **kwargs: Any) -> None:
        kwargs.setdefault("validate", validate.Length(min=1, max=max_length))
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return super()._deserialize(value, attr, data, **kwargs).strip()


class Email(fields.Email):
    """An e-mail address, lower-cased so uniqueness and sign-in ignore case."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return super()._deserialize(value, attr, data, **kwargs).strip().lower()


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


class Timezone(fields.String):
    """An IANA timezone name such as America/Santiago."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        name = super()._deserialize(value, attr, data, **kwargs).strip()
        if name not in _zones() or name == "localtime":
            raise ValidationError("Not a known IANA timezone, e.g. America/Santiago.")
        return name


class Phone(fields.String):
    """A phone number in international form (+country code), stored as E.164."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        raw = super()._deserialize(value, attr, data, **kwargs).strip()
        try:
            number = phonenumbers.parse(raw, None)
        except phonenumbers.NumberParseException:
            raise ValidationError(
                "Not a phone number in international form, e.g. +56 2 2345 6789."
            ) from None
        if not phonenumbers.is_possible_number(number):
            raise ValidationError("Not a possible phone number for its country code.")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def search_key(*parts: str | None) -> str:
    """Lower-case, accent-free text to search in ('Ñuñoa' is found by 'nunoa')."""
    text = " ".join(p for p in parts if p)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def like_pattern(query: str) -> str:
    """A LIKE pattern matching `query` anywhere, its wildcards taken literally."""
    escaped = search_key(query).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class Keyed(Schema):
    """Base of response schemas that dump plain dicts: a field reads its key, never an
    attribute (a missing `items` would otherwise dump dict.items)."""

    def get_attribute(self, obj: Any, attr: str, default: Any) -> Any:
        """The dict's value under `attr`."""
        return obj.get(attr, default) if isinstance(obj, dict) else getattr(obj, attr, default)


class Partial(Schema):
    """Base of PATCH schemas: every field optional, only the given ones change."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)


MAX_ID = 2**31 - 1  # ids are 32-bit integer columns: a larger number can name nothing


def Id(**kwargs: Any) -> fields.Integer:
    """An id in a body or a query: a whole number the database can hold, else a 422."""
    return fields.Integer(
        validate=validate.Range(1, MAX_ID, error="must be an id between 1 and {max}"), **kwargs
    )


# Audits happen in this era; the window before a far-off date would not even be a date.
PLAUSIBLE = validate.Range(date(1970, 1, 1), date(2100, 12, 31), error="must be {min} to {max}")


def Day(**kwargs: Any) -> fields.Date:
    """A calendar date in a query, YYYY-MM-DD, of this era."""
    return fields.Date(
        validate=PLAUSIBLE,
        error_messages={"invalid": "must be a date as YYYY-MM-DD, e.g. 2026-11-21"},
        **kwargs,
    )


class DateWindow(Schema):
    """`from` and `to` visit dates (inclusive) of a query; `from` may not come after `to`."""

    start = Day(data_key="from", metadata={"description": "first visit date"})
    end = Day(data_key="to", metadata={"description": "last visit date"})

    @validates_schema
    def _ordered(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError("must not be after to", "from")


EARLIEST, LATEST = datetime(1970, 1, 1, tzinfo=UTC), datetime(2101, 1, 1, tzinfo=UTC)


class Instant(fields.AwareDateTime):
    """An RFC 3339 time with an offset, between 1970 and 2100 (a phone's clock set to year 1
    or 9999 is a mistake, and such times cannot even be moved to UTC)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": "must be a time such as 2026-11-21T15:00:00Z (RFC 3339, with an offset)",
                "invalid_awareness": "needs a timezone offset, e.g. 2026-11-21T15:00:00Z or "
                "2026-11-21T12:00:00-03:00",
            },
        )
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        # The year first: converting year 1 or 9999 with an offset to UTC would overflow.
        if not 1969 <= moment.year <= 2101 or not EARLIEST <= moment.astimezone(UTC) < LATEST:
            raise ValidationError("must lie between 1970-01-01 and 2100-12-31 (UTC)")
        return moment


class Moment(fields.AwareDateTime):
    """A time in an answer, as every time is given: RFC 3339 in UTC to the second
    (`times.rfc3339`); a stored ISO string is given so too."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else rfc3339(value)


class Localized(fields.Raw):
    """Text of a checklist in the chosen language, or {language: text} with `lang=all`."""

    def __init__(self, **kwargs: Any) -> None:
        one_language = {"type": "string"}
        every_language = {"type": "object", "additionalProperties": {"type": "string"}}
        kwargs.setdefault("metadata", {})
        kwargs["metadata"] = {
            "oneOf": [one_language, every_language],
            "description": "in the chosen language; {language: text} with lang=all",
            **kwargs["metadata"],
        }
        super().__init__(**kwargs)
