"""What every benchmark times with: the median of repeated runs after a warm-up."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def median_seconds(work: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median wall time of ``repeat`` runs after one warm-up, and the last run's value."""
    value = work()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        value = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), value


def median_seconds_each(works: dict[str, Callable[[], Any]], repeat: int) -> dict[str, float]:
    """Median wall time of each of ``works``, run in turn ``repeat`` times after one warm-up of each.

    Taking the works in turn, round after round, spreads a busy machine's slow spells
    over all of them, so their ratios stay fair when the absolute times do not.
    """
    for work in works.values():
        work()
    times: dict[str, list[float]] = {name: [] for name in works}
    for _ in range(repeat):
        for name, work in works.items():
            started = time.perf_counter()
            work()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in times.items()}
