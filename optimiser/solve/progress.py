"""Progress of a long solve on stderr: the stage running, elapsed time, and for an integer search its
incumbent, bound and gap.

Nothing is printed for a solve that ends within ``after`` seconds. An integer
search reports at most one line every ``every`` seconds as the solver reports
(values arrive in solver units and are shown in planner units, ``scale``). An
LP's solver reports nothing while it runs: :meth:`Progress.watch` names the
stage running every ``beat`` seconds instead, so a planner waiting minutes for
a national programme sees which stage it is in. Standard output is never
written.
"""

from __future__ import annotations

import math
import sys
import threading
import time
from collections.abc import Callable
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
        started: float | None = None, beat: float = 10.0,
    ) -> None:
        from ..i18n import _

        self.scale = scale
        self.stream = stream
        self.after, self.every, self.beat = after, every, beat
        self.started = time.perf_counter() if started is None else started
        self.stage = _("integer search")
        self.unit = ""
        self._last = -math.inf
        self._written = -math.inf
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

    def begin(self, name: str) -> None:
        """A stage of an LP starts: a line naming it (once the solve has run ``after`` seconds)."""
        from ..i18n import _

        self.start_stage(name)
        self.note(_("started"))

    def watch(self) -> Callable[[], None]:
        """Name the stage running every ``beat`` seconds (the first line after ``after``) until the call returned.

        For solves whose solver reports nothing while it runs (an LP): the
        lines come from a second thread, which waits while the solver works
        (HiGHS lets go of the interpreter). A stage's own line (:meth:`begin`)
        puts the next one ``beat`` seconds off.
        """
        from ..i18n import _

        stop = threading.Event()

        def beat() -> None:
            while True:
                due = max(self.started + self.after, self._written + self.beat)
                if stop.wait(max(0.0, due - time.perf_counter())):
                    return
                if time.perf_counter() >= max(self.started + self.after, self._written + self.beat):
                    self.note(_("still solving"))

        thread = threading.Thread(target=beat, name="solve-progress", daemon=True)
        thread.start()

        def end() -> None:
            stop.set()
            thread.join()

        return end

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
        from ..i18n import _

        plan = incumbent * self.scale if math.isfinite(incumbent) and abs(incumbent) < 1e30 else math.nan
        best = bound * self.scale if math.isfinite(bound) and abs(bound) < 1e30 else math.nan
        unit = f" {self.unit}" if self.unit else ""
        parts = [_("plan {value}").format(value=f"{plan:,.2f}{unit}") if math.isfinite(plan) else _("no plan yet")]
        if math.isfinite(best):
            parts.append(_("bound {value}").format(value=f"{best:,.2f}"))
        if math.isfinite(plan) and math.isfinite(best):
            parts.append(_("gap {value}").format(value=f"{relative_gap(plan, best):.3%}"))
        self._write(f"{self.stage}: {', '.join(parts)}  [{elapsed:.1f} s]")

    def _write(self, line: str) -> None:
        stream = self.stream if self.stream is not None else sys.stderr
        self._written = time.perf_counter()
        try:
            print(line, file=stream, flush=True)
        except (OSError, ValueError):
            return
        self.lines += 1
