"""Analyses that solve many variants of one config: sweeps, the exact budget frontier, tier trade-offs.

:func:`run_points` runs any per-point function in this process, in local
processes or on a Dask cluster, with results in the order of the points.
"""

from __future__ import annotations

from .executor import executor_from_address, run_points

__all__ = ["executor_from_address", "run_points"]
