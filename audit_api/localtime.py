"""Wall-clock times on a location's calendar turned into instants, across DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def local_day(moment: datetime, timezone: str) -> date:
    """The calendar day of a moment in a timezone."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def at_local(wall: datetime, timezone: str) -> datetime:
    """The instant (UTC) a location's clock shows `wall` (naive). A time the clock skips
    (a DST gap, such as midnight in Santiago in September) is the first one after the gap;
    a time it shows twice is the first of the two."""
    zone = ZoneInfo(timezone)
    # fold=0 reads a skipped time with the offset before the gap: in UTC, that is the moment
    # the gap ends, which the clock shows as the first time after it.
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)


def end_of_day(day: date, timezone: str) -> datetime:
    """The instant a day ends on a location's clock (the next day's first moment), in UTC."""
    return at_local(datetime.combine(day + timedelta(days=1), time(0)), timezone)
