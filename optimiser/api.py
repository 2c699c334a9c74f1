"""The main entry point: solve a config and return planner tables."""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

from .config.types import Config
from .errors import SolverError
from .model import Model, PlanKey, build_model
from .results import Result, build_result
from .solve.backends import SOLVERS
from .solve.engine import Solution, run
from .solve.status import Status


def config_hash(config: Config) -> str:
    """A short fingerprint of the resolved config (same inputs, same hash)."""
    text = json.dumps(config.raw, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def package_version() -> str:
    from . import __version__

    return __version__


def lp_bound(config: Config, solver: str, plan: dict[PlanKey, float] | None = None) -> float | None:
    """The optimum with every lever continuous: a bound on any integer plan."""
    from .solve.backends import make_backend

    model = build_model(config, integer=False, plan=plan)
    backend = make_backend(solver, model)
    min_cost = model.mode == "min_cost"
    status = backend.solve(model.cost if min_cost else model.output, "min" if min_cost else "max")
    return backend.objective_value() * model.objective_scale if status is Status.OPTIMAL else None


def baseline_output(
    config: Config, solver: str = "highs", model: Model | None = None, form: Any = None
) -> float | None:
    """The do-nothing baseline: the most weighted output with every lever unit at zero.

    Only the constraints that still apply without a plan hold (docs/model.md:
    constraints 1–4, 6 and 10): the baseline teachers after turnover,
    today's seats and intake, taught as well as they can be, within demand.
    With HiGHS and a built ``model`` of the config, the baseline is that
    programme's arrays with every lever column at zero and the other limits
    freed (no second build; ``form``, its matrix form, if already made);
    otherwise it is built on its own.
    """
    from .solve.backends import HighsBackend, make_backend

    if solver == "highs" and model is not None and not model.book.slacks:
        return _baseline_from(model, HighsBackend, form)
    model = build_model(config, baseline=True)
    if not model.book.constraints:
        return 0.0
    backend = make_backend(solver, model)
    status = backend.solve(model.output, "max")
    return backend.objective_value() if status is Status.OPTIMAL else None


def _baseline_from(model: Model, backend_class: Any, form: Any = None) -> float | None:
    import dataclasses

    import numpy as np

    from .model.constraints import BASELINE_KINDS
    from .solve.matrix import matrix_form

    form = form if form is not None else matrix_form(model)
    keep = np.array([info.kind in BASELINE_KINDS for info in model.book.rows], dtype=bool)
    levers = np.array([var.col for var in (*model.form.vars.u.values(), *model.form.vars.us.values())], dtype=int)
    col_lower, col_upper = form.col_lower.copy(), form.col_upper.copy()
    col_lower[levers] = col_upper[levers] = 0.0
    free = dataclasses.replace(
        form,
        row_lower=np.where(keep, form.row_lower, -np.inf), row_upper=np.where(keep, form.row_upper, np.inf),
        col_lower=col_lower, col_upper=col_upper, integer=np.zeros(len(form.columns), dtype=bool),
    )
    backend = backend_class(None, form=free)
    status = backend.solve(model.output, "max")
    return backend.objective_value() if status is Status.OPTIMAL else None


def solve(
    config: Config,
    solver: str = "highs",
    *,
    integer: bool | None = None,
    time_limit: float | None = None,
    diagnose: bool = True,
    plan: dict[PlanKey, float] | None = None,
) -> Result:
    """Solve the planning programme of ``config``.

    ``solver`` is ``"highs"`` (default) or ``"cbc"``. ``integer=True`` makes
    every lever whole units (a MILP), ``False`` relaxes all of them, ``None``
    keeps each lever's own ``integer`` setting. ``plan`` fixes lever units
    ``{(lever, institution, tier, year): units}`` (tier "" except for
    subsidies; missing keys are zero). An infeasible or unbounded
    model is not an error: the result's ``status`` says so and its
    ``diagnosis`` lists what to relax.

    >>> from optimiser import load_config, solve
    >>> result = solve(load_config("configs/zhejiang.yaml"))
    >>> result.status.value
    'optimal'
    """
    if solver not in SOLVERS:
        raise SolverError(f"unknown solver {solver!r}; choose one of: {', '.join(SOLVERS)}")
    started = time.perf_counter()
    model = build_model(config, integer=integer, plan=plan)
    built = time.perf_counter()
    if model.book.violated:
        solution = Solution(status=Status.INFEASIBLE, solver=solver)
    else:
        solution = run(model, solver, time_limit=time_limit)
    summary: dict[str, Any] = {
        "name": config.name,
        "scenario": config.scenario_name or "base",
        "mode": config.objective.mode,
        "status": solution.status.value,
        "objective": solution.objective,
        "solver": solver,
        "mip": solution.mip,
        "tie_break": solution.tie_break_applied,
        "smoothing_applied": solution.smoothing_applied,
        "build_seconds": built - started,
        "solve_seconds": solution.solve_seconds,
        "variables": len(model.form.vars.u) + len(model.form.vars.us) + len(model.form.vars.a)
        + len(model.form.vars.f) + len(model.form.vars.p),
        "constraints": len(model.book.rows),
        "config_hash": config_hash(config),
        "version": package_version(),
        "notes": list(solution.notes),
        "warnings": list(config.warnings),
    }
    if solution.mip and solution.status is Status.OPTIMAL:
        bound = lp_bound(config, solver, plan)
        summary["lp_bound"] = bound
        if bound is not None and bound != 0:
            summary["integrality_gap"] = abs(bound - solution.objective) / abs(bound)
    if solution.status is Status.OPTIMAL:
        summary["baseline_output"] = baseline_output(
            config, solver, model=model if plan is None else None, form=getattr(solution.backend, "form", None)
        )
    diagnosis = []
    if diagnose and solution.status is Status.INFEASIBLE:
        from .diagnose import diagnose_infeasible

        diagnosis = diagnose_infeasible(config, solver, model.book.violated)
    elif diagnose and solution.status is Status.UNBOUNDED:
        from .diagnose import diagnose_unbounded

        diagnosis = diagnose_unbounded(config, solver)
    result = build_result(model, solution, summary, diagnosis)
    result.summary["seconds"] = time.perf_counter() - started
    return result
