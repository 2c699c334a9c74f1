"""Educator workforce planning optimiser.

Allocates a budget across part-time enterprise lecturers, teacher
secondments, training bases and tuition subsidies to maximise compound
cross-border e-commerce talent output under the "three no" teacher
constraints, or to reach output targets at least cost.

>>> from optimiser import load_config, solve
>>> result = solve(load_config("configs/zhejiang.yaml"))
>>> result.status.value
'optimal'

The analysis functions :func:`sweep`, :func:`frontier`, :func:`pareto`, :func:`tornado`,
:func:`monte_carlo`, :func:`robust` and :func:`alternatives` are imported on first use, so ``import optimiser`` stays
quick; nothing imported with the package loads matplotlib.
"""

from __future__ import annotations

import importlib
from typing import Any

from .api import solve
from .compare import Comparison, compare
from .config import Config, load_config
from .errors import ConfigError, OptimiserError, PlanError, Problem, SolverError
from .evaluate import Evaluation, evaluate
from .i18n import get_language, set_language
from .results import Diagnosis, Result
from .sensitivity import SensitivityReport, sensitivity
from .solve.status import Status
from .version import __version__

# Imported on first use. (compare, evaluate and sensitivity share their
# names with their modules, so they are bound above instead: a later import of
# the module must not replace the function on the package.)
_LAZY = {
    "sweep": "optimiser.analysis",
    "frontier": "optimiser.analysis",
    "Frontier": "optimiser.analysis",
    "pareto": "optimiser.analysis",
    "tornado": "optimiser.analysis",
    "Tornado": "optimiser.analysis",
    "monte_carlo": "optimiser.analysis.montecarlo",
    "MonteCarloResult": "optimiser.analysis.montecarlo",
    "robust": "optimiser.analysis.robust",
    "RobustResult": "optimiser.analysis.robust",
    "alternatives": "optimiser.analysis.alternatives",
    "Alternatives": "optimiser.analysis.alternatives",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'optimiser' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "Alternatives", "RobustResult", "alternatives", "robust",
    "Comparison", "Config", "ConfigError", "Diagnosis", "Evaluation", "Frontier", "MonteCarloResult",
    "OptimiserError", "PlanError", "Problem", "Result", "SensitivityReport", "SolverError", "Status",
    "__version__", "compare", "evaluate", "frontier", "get_language", "load_config", "monte_carlo", "pareto",
    "sensitivity", "set_language", "solve", "sweep", "Tornado", "tornado",
]
