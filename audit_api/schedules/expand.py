"""RFC 5545 rules read and expanded by python-dateutil, on each location's wall clock."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from dateutil.rrule import DAILY, rrule, rrulestr

from audit_api.localtime import at_local

# The rule must occur within this long of its start (a rule that never occurs would make the
# parser search up to the year 9999), at most once a day, and an expansion stops after
# MAX_OCCURRENCES whatever it is asked.
FIRST_WITHIN = timedelta(days=2 * 366)
MAX_OCCURRENCES = 400
OCCURRENCE_FORMAT = "%Y-%m-%dT%H:%M"


class RuleInvalid(ValueError):
    """A rule the parser refused, or one this product does not schedule by; says why."""


def parse_rule(text: str, starts_on: date, local_time: time) -> rrule:
    """The rule of `text` (one RRULE, with or without its `RRULE:` prefix) starting at
    `starts_on` `local_time` on a location's clock; RuleInvalid with the reason otherwise."""
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:") :]
    if "\n" in body or ":" in body:
        raise RuleInvalid("give one RRULE; starts_on and time_of_day set its start")
    try:
        # ignoretz: an UNTIL is read on each location's clock, like every other time of it.
        rule = rrulestr(body, dtstart=datetime.combine(starts_on, local_time), ignoretz=True)
    except (ValueError, TypeError) as exc:  # TypeError: a part missing, such as FREQ
        raise RuleInvalid(str(exc) or exc.__class__.__name__) from None
    if not isinstance(rule, rrule):
        raise RuleInvalid("give one RRULE")
    if rule._freq > DAILY:  # HOURLY, MINUTELY, SECONDLY
        raise RuleInvalid("FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY")
    first = list(itertools.islice(rule, MAX_OCCURRENCES))
    if not first or first[0] - rule._dtstart > FIRST_WITHIN:
        raise RuleInvalid("the rule has no occurrence within two years of starts_on")
    if any(b - a < timedelta(days=1) for a, b in itertools.pairwise(first)):
        raise RuleInvalid("occurrences must be at least a day apart")
    return rule


def wall_times(rule: rrule, first: datetime, last: datetime) -> Iterator[datetime]:
    """The rule's wall-clock times from `first` to `last` (inclusive), at most MAX_OCCURRENCES."""
    bounded = itertools.takewhile(lambda t: t <= last, rule.xafter(first, inc=True))
    return itertools.islice(bounded, MAX_OCCURRENCES)


def occurrence_key(wall: datetime) -> str:
    """How an occurrence is named: its wall-clock time, the same in every timezone."""
    return wall.strftime(OCCURRENCE_FORMAT)


def window(wall: datetime, window_days: int, timezone: str) -> tuple[datetime, datetime]:
    """The due window of an occurrence at a location: from its wall time for `window_days`
    calendar days on the location's clock (so 09:00 stays 09:00 across a DST change)."""
    return at_local(wall, timezone), at_local(wall + timedelta(days=window_days), timezone)
