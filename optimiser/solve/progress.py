"""Progress of a long integer solve on stderr: incumbent, bound, gap, elapsed time.

Nothing is printed for a solve that ends within ``after`` seconds, and then at
most one line every ``every`` seconds. Values arrive in solver units and are
shown in planner units (``scale``). Standard output is never written.
"""

from __future__ import annotations

import math
import sys
import threading
import time
from typing import TextIO


def relative_gap(objective: float, bound: float) -> float:
    """``|bound − objective| / |objective|``: how far the plan may be from the best whole-unit plan."""
    if not (math.isfinite(objective) and math.isfinite(bound)):
        return math.inf
    return abs(bound - objective) / max(abs(objective), 1e-9)


class Progress:
    """Prints progress lines of a solve that runs longer than ``after`` seconds."""

    def __init__(
        self, scale: float = 1.0, stream: TextIO | None = None, after: float = 3.0, every: float = 2.0,
        started: float | None = None,
    ) -> None:
        self.scale = scale
        self.stream = stream
        self.after, self.every = after, every
        self.started = time.perf_counter() if started is None else started
        self.stage = "integer search"
        self.unit = ""
        self._last = -math.inf
        self._lock = threading.Lock()
        self.lines = 0

    def start_stage(self, name: str | None = None, scale: float | None = None, unit: str | None = None) -> None:
        """A new stage: its name, the planner units per solver unit of its objective and their name."""
        if name is not None:
            self.stage = name
        if scale is not None:
            self.scale = scale
        if unit is not None:
            self.unit = unit

    def note(self, text: str) -> None:
        """A line about a step (printed only once the solve has run ``after`` seconds)."""
        now = time.perf_counter()
        if now - self.started >= self.after:
            self._write(f"{self.stage}: {text}  [{now - self.started:.1f} s]")

    def update(self, incumbent: float, bound: float, seconds: float | None) -> None:
        now = time.perf_counter()
        elapsed = now - self.started
        if elapsed < self.after or now - self._last < self.every:
            return
        with self._lock:
            if now - self._last < self.every:
                return
            self._last = now
        plan = incumbent * self.scale if math.isfinite(incumbent) and abs(incumbent) < 1e30 else math.nan
        best = bound * self.scale if math.isfinite(bound) and abs(bound) < 1e30 else math.nan
        unit = f" {self.unit}" if self.unit else ""
        parts = [f"plan {plan:,.2f}{unit}" if math.isfinite(plan) else "no plan yet"]
        if math.isfinite(best):
            parts.append(f"bound {best:,.2f}")
        if math.isfinite(plan) and math.isfinite(best):
            parts.append(f"gap {relative_gap(plan, best):.3%}")
        self._write(f"{self.stage}: {', '.join(parts)}  [{elapsed:.1f} s]")

    def _write(self, line: str) -> None:
        stream = self.stream if self.stream is not None else sys.stderr
        try:
            print(line, file=stream, flush=True)
        except (OSError, ValueError):
            return
        self.lines += 1
