"""Educator workforce planning optimiser.

Allocates a budget across part-time enterprise lecturers, teacher
secondments, training bases and tuition subsidies to maximise compound
cross-border e-commerce talent output under the "three no" teacher
constraints, or to reach output targets at least cost.

>>> from optimiser import load_config, solve
>>> result = solve(load_config("configs/zhejiang.yaml"))
>>> result.status.value
'optimal'
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .api import solve
from .config import Config, load_config
from .errors import ConfigError, OptimiserError, PlanError, Problem, SolverError
from .results import Diagnosis, Result
from .solve.status import Status

try:
    __version__ = version("optimiser")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

__all__ = [
    "Config", "ConfigError", "Diagnosis", "OptimiserError", "PlanError", "Problem", "Result",
    "SolverError", "Status", "__version__", "load_config", "solve",
]
