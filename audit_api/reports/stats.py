"""Summary statistics from SQL aggregates (pure: no Flask, no database)."""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.96


@dataclass(frozen=True)
class Summary:
    """Mean, count, sample standard deviation and 95% interval of a set of scores."""

    mean: float | None
    n: int
    sd: float | None
    ci95: tuple[float, float] | None


def summarize(n: int, total: float | None, total_sq: float | None) -> Summary:
    """From count, sum and sum of squares: mean, sd (n - 1) and mean ± 1.96·sd/√n (n >= 2)."""
    if n == 0 or total is None:
        return Summary(None, 0, None, None)
    mean = total / n
    if n < 2 or total_sq is None:
        return Summary(mean, n, None, None)
    # Rounding can push a zero variance a hair below 0.
    variance = max((total_sq - n * mean * mean) / (n - 1), 0.0)
    sd = math.sqrt(variance)
    half = Z95 * sd / math.sqrt(n)
    return Summary(mean, n, sd, (mean - half, mean + half))


def competition_ranks(values: list[float]) -> list[int]:
    """Ranks of values sorted from best (highest) down; ties share a rank (1, 2, 2, 4)."""
    ranks: list[int] = []
    for index, value in enumerate(values):
        ranks.append(ranks[-1] if index and value == values[index - 1] else index + 1)
    return ranks
