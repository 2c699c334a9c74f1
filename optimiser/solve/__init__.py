"""Solving a built model: HiGHS and CBC back ends, the tie-break, solver-independent duals.

``run``, ``Solution`` and ``Status`` are imported on first use, so that a module needing
only :data:`optimiser.solve.names.SOLVERS` loads no solver.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import Solution, run
    from .status import Status

_LAZY = {"Solution": "optimiser.solve.engine", "run": "optimiser.solve.engine", "Status": "optimiser.solve.status"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'optimiser.solve' has no attribute {name!r}")


__all__ = ["Solution", "Status", "run"]
