"""One time format in every answer: RFC 3339 in UTC to the second, `2026-11-23T14:44:49Z`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask.json.provider import DefaultJSONProvider

FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def rfc3339(value: datetime | str) -> str:
    """A time (or an ISO 8601 string of one) as RFC 3339 in UTC, whole seconds, `Z`."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:  # the database hands back UTC; never a local time
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime(FORMAT)


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, with times as RFC 3339 and dates as YYYY-MM-DD (Flask's default is the
    e-mail format, `Mon, 23 Nov 2026 14:44:49 GMT`), so a time nested anywhere in an answer
    comes out like every other."""

    ensure_ascii = False  # "Ñuñoa", not "\u00d1u\u00f1oa"

    @staticmethod
    def default(o: Any) -> Any:
        """Times and dates first; anything else as Flask does it."""
        if isinstance(o, datetime):
            return rfc3339(o)
        if isinstance(o, date):
            return o.isoformat()
        return DefaultJSONProvider.default(o)
