"""Solving a built model: HiGHS and CBC back ends, the tie-break, solver-independent duals."""

from .engine import Solution, run
from .status import Status

__all__ = ["Solution", "Status", "run"]
