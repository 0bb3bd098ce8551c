"""Evidence signals: facts about a photo that a reviewer should look at twice (pure Python)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from audit_api.geo import distance_m

# dHash bits two photos may differ in and still count as the same picture. The hash is
# indexed as four 16-bit bands: photos within 3 bits share at least one band (pigeonhole).
NEAR_BITS = 3
BANDS = 4


def bands(phash: int) -> tuple[int, ...]:
    """The hash cut into four 16-bit bands, each indexed to find near-duplicates quickly."""
    return tuple((phash >> (16 * n)) & 0xFFFF for n in range(BANDS))


def hamming(a: int, b: int) -> int:
    """Bits in which two hashes differ."""
    return (a ^ b).bit_count()


def time_signal(
    taken_at: datetime | None, start: datetime, end: datetime, slack: timedelta
) -> dict[str, Any] | None:
    """A signal when the camera's time is missing or outside the audit's visit window."""
    if taken_at is None:
        return {
            "code": "no_capture_time",
            "message": "The photo carries no capture time (a screenshot or an edited file?).",
        }
    if start - slack <= taken_at <= end + slack:
        return None
    return {
        "code": "taken_outside_visit",
        "message": "The photo was taken outside the audit's visit time.",
        "taken_at": taken_at.isoformat(),
        "window": [start.isoformat(), end.isoformat()],
    }


def place_signal(
    position: tuple[float, float] | None, location: tuple[float, float], radius_m: float
) -> dict[str, Any] | None:
    """A signal when the camera's GPS position lies beyond `radius_m` of the location."""
    if position is None:
        return None
    meters = distance_m(*position, *location)
    if meters <= radius_m:
        return None
    return {
        "code": "far_from_location",
        "message": f"The photo was taken {meters:,.0f} m from the location.",
        "distance_m": round(meters, 1),
    }


def copy_signal(
    sha256: str, phash: int, other: tuple[str, str, str, int] | None
) -> dict[str, Any] | None:
    """A signal naming another audit's photo (id, audit, sha256, hash) that this one repeats."""
    if other is None:
        return None
    photo_id, audit_id, other_sha, other_hash = other
    same = other_sha == sha256
    return {
        "code": "duplicate" if same else "near_duplicate",
        "message": (
            "The same photo is used in another audit."
            if same
            else "A near-identical photo is used in another audit."
        ),
        "photo_id": photo_id,
        "audit_id": audit_id,
        "distance_bits": 0 if same else hamming(phash, other_hash),
    }
