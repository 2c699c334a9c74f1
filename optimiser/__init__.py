"""Educator workforce planning optimiser.

Allocates a budget across part-time enterprise lecturers, teacher
secondments, training bases and tuition subsidies to maximise compound
cross-border e-commerce talent output under the "three no" teacher
constraints, or to reach output targets at least cost.

>>> from optimiser import load_config, solve
>>> result = solve(load_config("configs/zhejiang.yaml"))
>>> result.status.value
'optimal'

Every function and class here is imported on first use (``optimiser.solve`` loads the
solver, ``optimiser.sweep`` the analyses), so ``import optimiser`` stays quick; nothing
imported with the package loads matplotlib.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import TYPE_CHECKING, Any

from .errors import ConfigError, OptimiserError, PlanError, Problem, SolverError
from .version import __version__

if TYPE_CHECKING:  # what the names below resolve to on first use
    from .analysis import Frontier, Tornado, frontier, pareto, sweep, tornado
    from .analysis.alternatives import Alternatives, alternatives
    from .analysis.montecarlo import MonteCarloResult, monte_carlo
    from .analysis.robust import RobustResult, robust
    from .api import solve
    from .compare import Comparison, compare
    from .config import Config, load_config
    from .evaluate import Evaluation, evaluate
    from .i18n import get_language, set_language
    from .results import Diagnosis, Result
    from .sensitivity import SensitivityReport, sensitivity
    from .solve.status import Status

# Everything else is imported on first use, so that ``import optimiser`` (which every
# ``import optimiser.<module>`` and every command runs first) loads no more than a
# command needs: ``optimiser --version`` loads neither numpy nor pandas.
_LAZY = {
    "solve": "optimiser.api",
    "compare": "optimiser.compare",
    "Comparison": "optimiser.compare",
    "Config": "optimiser.config",
    "load_config": "optimiser.config",
    "evaluate": "optimiser.evaluate",
    "Evaluation": "optimiser.evaluate",
    "get_language": "optimiser.i18n",
    "set_language": "optimiser.i18n",
    "Diagnosis": "optimiser.results",
    "Result": "optimiser.results",
    "sensitivity": "optimiser.sensitivity",
    "SensitivityReport": "optimiser.sensitivity",
    "Status": "optimiser.solve.status",
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

_FUNCTION_NAMED_AS_MODULE = ("solve", "compare", "evaluate", "sensitivity")
"""Functions that share their name with a module or package: ``optimiser.solve`` is the function."""


class _Package(types.ModuleType):
    """The package, whose ``solve``, ``compare``, ``evaluate`` and ``sensitivity`` stay the functions.

    Importing a submodule binds it on its package (``optimiser.compare = <module>``);
    for these four the binding is skipped, so the name still finds the function
    (through :func:`__getattr__`), as it did when the package imported them itself.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _FUNCTION_NAMED_AS_MODULE and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f"{__name__}.{name}")  # a submodule, as when the package imported it
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
