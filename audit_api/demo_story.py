"""The demo's story: who audits which location when over the last months, and the audits
still in review; the same plan (and the same audit ids) on every run of the same day."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from random import Random
from typing import Any
from zoneinfo import ZoneInfo

from audit_api.demo_data import IN_REVIEW, LOCATIONS, USERS

HISTORY_DAYS = 150
KINDS = ["visit"] * 5 + ["call"] * 4  # each location's history: five visits, four self-calls
NAMESPACE = uuid.UUID("6f1d2c1e-8a4b-4f0e-9b7a-5d3c2e1f0a9b")  # the same ids on every run


@dataclass(frozen=True)
class Planned:
    """One audit of the story: its UUID (and its photos') derive from `key`."""

    key: str
    code: str
    kind: str
    auditor: str  # e-mail local part
    started: datetime  # aware, in the location's timezone
    status: str
    note: str | None = None
    forced: dict[str, Any] = field(default_factory=dict)

    @property
    def audit_id(self) -> str:
        return str(uuid.uuid5(NAMESPACE, self.key))


def _moment(now: datetime, timezone: str, days_ago: int, rng: Random) -> datetime:
    tz = ZoneInfo(timezone)
    day = now.astimezone(tz).date() - timedelta(days=days_ago)
    return datetime.combine(day, time(rng.randint(10, 18), rng.randint(0, 59)), tz)


def plan(now: datetime) -> list[Planned]:
    """Every location's last five months, then the audits still in review, oldest first."""
    auditors = [local for local, _, role, *_ in USERS if role == "auditor"]
    zones = {code: tz for code, _, _, _, tz, *_ in LOCATIONS}
    story: list[Planned] = []
    for n, code in enumerate(zones):
        rng = Random(f"demo-history-{code}")
        kinds = KINDS[:]
        rng.shuffle(kinds)
        step = (HISTORY_DAYS - 3) / len(kinds)
        for k, kind in enumerate(kinds):
            days_ago = 3 + round(k * step + rng.uniform(0, step - 1))
            started = _moment(now, zones[code], days_ago, rng)
            story.append(
                Planned(f"{code}/{k}", code, kind, auditors[(n + k) % 3], started, "approved")
            )
    for code, kind, auditor, days_ago, status, note, forced in IN_REVIEW:
        started = _moment(now, zones[code], days_ago, Random(code))
        story.append(
            Planned(f"{code}/{status}", code, kind, auditor, started, status, note, forced)
        )
    return sorted(story, key=lambda p: p.started)
