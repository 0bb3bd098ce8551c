"""The recurrence builder: plain choices (frequency, interval, weekdays, day of the month or
"2nd Tuesday", an end) to and from the RFC 5545 RRULE text the schedule service takes, and
a rule said in words. The service alone decides whether a rule is acceptable."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from babel.dates import get_day_names
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from audit_api.console.language import console_date

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY")
NTHS = ("1", "2", "3", "4", "-1")


@dataclass
class Recurrence:
    """What the builder's controls hold."""

    freq: str = "WEEKLY"
    interval: int = 1
    weekdays: list[str] = field(default_factory=list)
    monthly: str = "day"  # "day": on day_of_month; "nth": on the nth weekday
    day_of_month: int | None = 1
    nth: str = "1"
    nth_weekday: str = "MO"
    until: date | None = None
    count: int | None = None


def to_rrule(r: Recurrence) -> str:
    """The RRULE text of the builder's choices (an UNTIL covers its whole local day)."""
    parts = [f"FREQ={r.freq}"]
    if r.interval and r.interval != 1:
        parts.append(f"INTERVAL={r.interval}")
    if r.freq == "WEEKLY" and r.weekdays:
        parts.append("BYDAY=" + ",".join(d for d in WEEKDAYS if d in r.weekdays))
    if r.freq == "MONTHLY":
        if r.monthly == "nth":
            parts.append(f"BYDAY={r.nth}{r.nth_weekday}")
        elif r.day_of_month is not None:
            parts.append(f"BYMONTHDAY={r.day_of_month}")
    if r.until is not None:
        parts.append("UNTIL=" + r.until.strftime("%Y%m%d") + "T235959")
    elif r.count:
        parts.append(f"COUNT={r.count}")
    return ";".join(parts)


def _parts(text: str) -> dict[str, str]:
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:") :]
    pairs = [p.split("=", 1) for p in body.upper().split(";") if p]
    return {k: v for k, v in (p for p in pairs if len(p) == 2)}


def from_rrule(text: str) -> Recurrence | None:
    """The builder's choices for a rule, or None when the builder cannot say it (then it is
    shown in the advanced field as it is)."""
    parts = _parts(text)
    known = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "UNTIL", "COUNT"}
    if parts.get("FREQ") not in FREQUENCIES or set(parts) - known:
        return None
    r = Recurrence(freq=parts["FREQ"], weekdays=[], day_of_month=None)
    try:
        r.interval = int(parts.get("INTERVAL", "1"))
        r.count = int(parts["COUNT"]) if "COUNT" in parts else None
        if "UNTIL" in parts:
            r.until = date(
                int(parts["UNTIL"][:4]), int(parts["UNTIL"][4:6]), int(parts["UNTIL"][6:8])
            )
        days = [d for d in parts.get("BYDAY", "").split(",") if d]
        if r.freq == "WEEKLY":
            if any(d not in WEEKDAYS for d in days):
                return None
            r.weekdays = days
        elif r.freq == "MONTHLY":
            if days:
                if len(days) != 1 or "BYMONTHDAY" in parts:
                    return None
                nth, weekday = days[0][:-2], days[0][-2:]
                if nth not in NTHS or weekday not in WEEKDAYS:
                    return None
                r.monthly, r.nth, r.nth_weekday = "nth", nth, weekday
            elif "BYMONTHDAY" in parts:
                r.monthly, r.day_of_month = "day", int(parts["BYMONTHDAY"])
        elif days or "BYMONTHDAY" in parts:
            return None
    except (ValueError, IndexError):
        return None
    return r


def day_names() -> dict[str, str]:
    """The weekdays' names in the page's language, by RRULE code."""
    names = get_day_names("wide", locale=str(get_locale() or "en"))
    return {code: names[i] for i, code in enumerate(WEEKDAYS)}


def ordinals() -> dict[str, str]:
    """first..fourth, last: for "the 2nd Tuesday"."""
    return {
        "1": _("first"),
        "2": _("second"),
        "3": _("third"),
        "4": _("fourth"),
        "-1": _("last"),
    }


def describe(text: str, local_time: str) -> str:
    """A rule in words, e.g. "Every 2 weeks on Monday, Thursday at 09:00"."""
    r = from_rrule(text)
    if r is None:
        return _("Custom rule %(rule)s at %(time)s", rule=text, time=local_time)
    names = day_names()
    n = r.interval
    if r.freq == "DAILY":
        said = ngettext("Every day", "Every %(num)d days", n)
    elif r.freq == "WEEKLY":
        said = ngettext("Every week", "Every %(num)d weeks", n)
        if r.weekdays:
            days = ", ".join(names[d] for d in WEEKDAYS if d in r.weekdays)
            said = _("%(every)s on %(days)s", every=said, days=days)
    else:
        said = ngettext("Every month", "Every %(num)d months", n)
        if r.monthly == "nth":
            said = _(
                "%(every)s on the %(nth)s %(day)s",
                every=said,
                nth=ordinals()[r.nth],
                day=names[r.nth_weekday],
            )
        elif r.day_of_month is not None:
            said = _("%(every)s on day %(day)d", every=said, day=r.day_of_month)
    said = _("%(rule)s at %(time)s", rule=said, time=local_time)
    if r.until:
        said = _("%(rule)s, until %(date)s", rule=said, date=console_date(r.until))
    elif r.count:
        said = ngettext("%(rule)s, once", "%(rule)s, %(num)d times", r.count, rule=said)
    return said
