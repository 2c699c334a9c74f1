"""Analyses that solve many variants of one config: sweeps, the exact budget frontier, tier trade-offs.

- :func:`sweep`: a grid over config key paths, one row per point.
- :func:`frontier`: the exact piecewise-linear optimum over one budget, with
  its breakpoints and the levers bought on each segment.
- :func:`pareto`: what more of one tier's output costs in another's.
- :func:`tornado`: the optimum re-solved at both ends of each uncertain
  input's range (lever costs, induced intake, completion rates, teaching hours).
- :func:`run_points`: runs any per-point function in this process, in local
  processes or on a Dask cluster, with results in the order of the points.
"""

from __future__ import annotations

from .executor import executor_from_address, run_points
from .frontier import Frontier, frontier
from .pareto import pareto
from .sweep import sweep
from .tornado import Tornado, tornado

__all__ = ["Frontier", "Tornado", "executor_from_address", "frontier", "pareto", "run_points", "sweep", "tornado"]
