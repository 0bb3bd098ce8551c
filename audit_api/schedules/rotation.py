"""Which auditor of a pool takes a scheduled visit: nobody who was (or will be) at the location
within the lockout, then the one there least recently, then the one with the fewest open
assignments (mystery shoppers must not become known faces)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass
class Rotation:
    """What the choice depends on, kept up to date as assignments are handed out."""

    # (auditor, location) -> the times the auditor audited the location or is due there
    visits: dict[tuple[int, int], list[datetime]] = field(default_factory=lambda: defaultdict(list))
    open_assignments: dict[int, int] = field(default_factory=lambda: defaultdict(int))

    def add_visit(self, auditor_id: int, location_id: int, when: datetime) -> None:
        """Record a past audit or a planned visit."""
        self.visits[(auditor_id, location_id)].append(when)

    def qualifies(self, auditor_id: int, location_id: int, when: datetime, lockout: int) -> bool:
        """Nowhere near this location within `lockout` days before or after `when`."""
        gap = timedelta(days=lockout)
        return all(abs(t - when) >= gap for t in self.visits.get((auditor_id, location_id), ()))

    def choose(
        self, pool: Iterable[int], location_id: int, when: datetime, lockout: int
    ) -> int | None:
        """The auditor for a visit (None: nobody qualifies), recorded as due there."""
        eligible = [a for a in pool if self.qualifies(a, location_id, when, lockout)]
        if not eligible:
            return None

        def preference(auditor_id: int) -> tuple[datetime, int, int]:
            last = max(self.visits.get((auditor_id, location_id), ()), default=NEVER)
            return last, self.open_assignments.get(auditor_id, 0), auditor_id

        chosen = min(eligible, key=preference)
        self.add_visit(chosen, location_id, when)
        self.open_assignments[chosen] = self.open_assignments.get(chosen, 0) + 1
        return chosen
