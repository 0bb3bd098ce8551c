"""How numbers are shown in answers and files."""

from __future__ import annotations


def rounded(value: float | None) -> float | None:
    """Scores in responses carry 2 decimals."""
    return None if value is None else round(value, 2)
