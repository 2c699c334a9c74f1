"""Solve status, as an enum rather than a solver's integer code."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Outcome of a solve. The value is what JSON output and tables show."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    """An integer plan found before the time limit, not yet proven within the gap asked for."""
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    TIME_LIMIT = "time_limit"
    NOT_SOLVED = "not_solved"

    def __str__(self) -> str:
        return self.value

    @property
    def ok(self) -> bool:
        """A plan to report: optimal, or an integer plan found before the time limit (with its gap)."""
        return self in (Status.OPTIMAL, Status.FEASIBLE)
