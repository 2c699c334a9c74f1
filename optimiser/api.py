"""The main entry point: solve a config and return planner tables."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

from .config.load import as_config
from .config.types import Config
from .errors import SolverError
from .model import Model, PlanKey, build_model
from .planfile import plan_units
from .results import Result, build_result
from .scalars import option_mapping, share_below_one, time_limit_seconds
from .solve.backends import SOLVERS, checked_options
from .solve.engine import Solution, run
from .solve.status import Status
from .version import __version__


def config_hash(config: Config) -> str:
    """A short fingerprint of the resolved config (same inputs, same hash)."""
    text = json.dumps(config.raw, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def package_version() -> str:
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

    from .model.rows import BASELINE_KINDS
    from .solve.matrix import matrix_form

    form = form if form is not None else matrix_form(model)
    keep = np.array([info.kind in BASELINE_KINDS for info in model.book.rows], dtype=bool)
    units = (*model.form.vars.u.values(), *model.form.vars.us.values())
    levers = np.array([model.column_of[var] for var in units], dtype=int)
    col_lower, col_upper = form.col_lower.copy(), form.col_upper.copy()
    col_lower[levers] = col_upper[levers] = 0.0
    free = dataclasses.replace(
        form,
        row_lower=np.where(keep, form.row_lower, -np.inf), row_upper=np.where(keep, form.row_upper, np.inf),
        col_lower=col_lower, col_upper=col_upper, integer=np.zeros(form.n_cols, dtype=bool),
    )
    backend = backend_class(None, form=free)
    status = backend.solve(model.output, "max")
    return backend.objective_value() if status is Status.OPTIMAL else None


def solve(
    config: Config | str | Path,
    solver: str = "highs",
    *,
    integer: bool | None = None,
    time_limit: float | None = None,
    diagnose: bool = True,
    plan: Any = None,
    mip_gap: float | None = None,
    progress: bool = False,
    solver_options: dict[str, Any] | None = None,
) -> Result:
    """Solve the planning programme of ``config`` (a :class:`~optimiser.Config` or the path of a YAML config).

    ``solver`` is ``"highs"`` (default) or ``"cbc"``. ``integer=True`` makes
    every lever whole units (a MILP), ``False`` relaxes all of them, ``None``
    keeps each lever's own ``integer`` setting. ``plan`` fixes lever units:
    ``{(lever, institution, tier, year): units}`` (tier "" or None except for
    subsidies; missing keys are zero), a plan table, a CSV/XLSX path or a
    solved Result, read and checked as :func:`optimiser.evaluate` reads a
    plan (a key naming a lever, institution, tier or year the config lacks
    raises :class:`~optimiser.PlanError`). An infeasible or unbounded
    model is not an error: the result's ``status`` says so and its
    ``diagnosis`` lists what to relax.

    An integer plan is found fast by rounding the LP optimum, then improved
    by the solver's search until it is proven within ``mip_gap`` (default
    1e-3: within 0.1% of the best whole-unit plan) or ``time_limit`` runs out
    (default 60 s for integer plans; the whole run shares it). A plan found
    before the limit but not yet proven has status ``feasible`` and its gap;
    ``time_limit`` means no plan at all. ``progress`` reports on stderr a solve
    that runs longer than a few seconds: an integer search's incumbent, bound
    and gap as they improve; for an LP, which stage runs (main solve,
    tie-break, smoothing, cost of steadiness, shadow prices), every ten
    seconds and as each starts.

    ``solver_options`` are passed to the solver for every solve of the run,
    for experts: HiGHS option names and values (``{"solver": "ipm"}``,
    checked against HiGHS's own names and types) or CBC command-line options
    (``{"ratioGap": 0.01}``). They override the choices made here (the
    solver strategy, presolve); a stage may still set the simplex strategy it
    needs.

    >>> from optimiser import load_config, solve
    >>> result = solve(load_config("configs/zhejiang.yaml"))
    >>> result.status.value
    'optimal'
    """
    config = as_config(config, function="solve")
    if solver not in SOLVERS:
        raise SolverError(f"unknown solver {solver!r}; choose one of: {', '.join(SOLVERS)}")
    time_limit = time_limit_seconds(time_limit)
    mip_gap = share_below_one(mip_gap, "mip_gap")
    if plan is not None:
        plan = plan_units(plan, config)
    options = checked_options(solver, option_mapping(solver_options, "solver_options"))
    started = time.perf_counter()
    model = build_model(config, integer=integer, plan=plan)
    built = time.perf_counter()
    if model.book.violated:
        solution = Solution(status=Status.INFEASIBLE, solver=solver)
    else:
        solution = run(model, solver, time_limit=time_limit, mip_gap=mip_gap, progress=progress, options=options)
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
        "main_method": solution.main_method,
        "variables": len(model.form.vars.u) + len(model.form.vars.us) + len(model.form.vars.a)
        + len(model.form.vars.f) + len(model.form.vars.p),
        "constraints": len(model.book.rows),
        "config_hash": config_hash(config),
        "fixed_plan": plan is not None,
        "version": package_version(),
        "notes": list(solution.notes),
        "warnings": list(config.warnings),
    }
    if solution.mip:
        summary.update(_integer_summary(solution, config, solver, plan))
    if solution.status.ok:
        baseline_started = time.perf_counter()
        summary["baseline_output"] = baseline_output(
            config, solver, model=model if plan is None else None, form=getattr(solution.backend, "form", None)
        )
        if solution.stage_seconds:
            solution.stage_seconds["baseline"] = time.perf_counter() - baseline_started
    summary["stage_seconds"] = dict(solution.stage_seconds)
    diagnosis = []
    if diagnose and solution.status is Status.INFEASIBLE:
        from .diagnose import diagnose_infeasible

        diagnosis = diagnose_infeasible(config, solver, model.book.violated)
    elif diagnose and solution.status is Status.UNBOUNDED:
        from .diagnose import diagnose_unbounded

        diagnosis = diagnose_unbounded(config, solver)
    if diagnose and solution.status is Status.INFEASIBLE and solution.mip and solution.lp_bound is not None:
        diagnosis = _whole_unit_diagnosis(model, solution) + diagnosis
    result = build_result(model, solution, summary, diagnosis)
    result.summary["seconds"] = time.perf_counter() - started
    return result


def _integer_summary(
    solution: Solution, config: Config, solver: str, plan: dict[PlanKey, float] | None
) -> dict[str, Any]:
    """What a planner needs to judge a whole-unit plan: its bound, proven gap and integrality cost.

    ``gap`` is the proven one (the search's best bound against the plan);
    ``integrality_cost`` is what whole units cost against the LP optimum
    (output given up in ``max_output``, yuan more in ``min_cost``), and
    ``integrality_gap`` the same as a share of the LP optimum.
    """
    bound = solution.lp_bound
    if bound is None and solution.status.ok:
        bound = lp_bound(config, solver, plan)
    out: dict[str, Any] = {
        "lp_bound": bound,
        "bound": solution.bound,
        "gap": solution.gap,
        "mip_gap": solution.mip_gap,
        "time_limit": solution.time_limit,
        "lp_seconds": solution.lp_seconds,
        "first_plan_seconds": solution.first_plan_seconds,
        "search_seconds": solution.search_seconds,
        "target_seconds": solution.target_seconds,
        "rounded_objective": solution.rounded_objective,
    }
    if solution.status.ok and bound is not None:
        out["integrality_cost"] = abs(bound - solution.objective)
        if bound != 0:
            out["integrality_gap"] = abs(bound - solution.objective) / abs(bound)
    return out


def _whole_unit_diagnosis(model: Model, solution: Solution) -> list[Any]:
    """The limits that rule whole units out, when the LP has a plan but no whole-unit plan exists."""
    from .i18n import _
    from .model.rows import row_label
    from .results import Diagnosis

    rows = model.book.rows
    found = []
    for index in solution.unit_rows:
        info = rows[index]
        where = f" {info.where}" if info.where else ""
        found.append(Diagnosis(
            info.config_path,
            _("{label}{where} ({path}): no whole number of lever units meets this limit together with the other "
              "limits on units; the LP meets it only with fractional units").format(
                label=row_label(info), where=where, path=info.config_path),
            info.institution, info.year, info.limit,
        ))
    if not found:
        found.append(Diagnosis(
            "levers", _("the LP has a plan but no plan in whole units meets every limit: relax a limit on lever "
                        "units (min/max per year, shares, totals) or make a lever continuous (integer: false)"),
        ))
    return found
