"""Run a built model through a solver: main solve, tie-break, smoothing, duals.

The sequence, whatever the solver:

1. Solve the config's objective (maximise weighted output, or minimise cost);
   its shadow prices are recorded (for an LP) before anything else changes.
2. With ``tie_break``: in ``max_output`` mode the cheapest plan keeping output
   within 1e-7 of the optimum (no money is spent that buys nothing); in
   ``min_cost`` mode the plan with the most weighted output costing at most
   1e-7 of the least cost plus one yuan.
3. With ``smooth`` (a share s, 1e-7 for ``true``): the plan with the least
   priced year-to-year change in what each lever starts, keeping output
   within s of the optimum and cost within 1e-7 plus one yuan of the
   cheapest (``max_output``), or cost within that of the least cost and
   output within s of the plan of step 2 (``min_cost``). It settles which
   of several optimal plans is returned; s > 0 buys a steadier plan and the
   result reports the output given up.
4. For an integer plan, fix the integer decisions and solve the LP again, so
   shadow prices exist; the result says so. Steps 2 and 3 get a bounded time.

The plan reported is the last one found; the objective and the shadow prices
stay those of step 1 (docs/model.md, objective stages).
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field

import numpy as np

from ..model import Model
from ..model.formulation import MONEY_SCALE, Terms
from ..model.rows import ELASTIC_KINDS
from .backends import Backend, Sense, make_backend
from .duals import canonical_duals
from .matrix import matrix_form
from .status import Status

PLANNER_LIMITS = ELASTIC_KINDS | {"funding_balance"}
"""Limits a planner sets. Those that apply province-wide (funding, the total
budget, targets, demand, regional lever limits; one row per year at most)
get the exact rate for an increase even at a degenerate optimum."""

TIE_BREAK_TOLERANCE = 1e-7
MIP_TIE_BREAK_SECONDS = 3.0
MIP_TIE_BREAK_FACTOR = 3.0


@dataclass
class Solution:
    """Raw numbers of a solve, indexed like the model's columns and rows.

    ``duals`` and ``reduced_costs`` are in solver units, with the sign
    "change in objective per unit increase"; :mod:`optimiser.results` turns
    them into planner units.
    """

    status: Status
    solver: str
    objective: float = float("nan")
    values: np.ndarray = field(default_factory=lambda: np.zeros(0))
    activity: np.ndarray = field(default_factory=lambda: np.zeros(0))
    duals: np.ndarray = field(default_factory=lambda: np.zeros(0))
    reduced_costs: np.ndarray = field(default_factory=lambda: np.zeros(0))
    mip: bool = False
    lp_bound: float | None = None
    tie_break_applied: bool = False
    smoothing_applied: bool = False
    smoothing_share: float | None = None
    output_given_up: float = 0.0
    """Weighted output the smoothing stage gave up for a steadier plan."""
    notes: list[str] = field(default_factory=list)
    solve_seconds: float = 0.0
    backend: Backend | None = None


def run(model: Model, solver: str = "highs", time_limit: float | None = None, threads: int | None = None) -> Solution:
    """Solve ``model`` as described in the module docstring."""
    started = time.perf_counter()
    backend = make_backend(solver, model, time_limit, threads)
    min_cost = model.mode == "min_cost"
    primary = model.cost if min_cost else model.output
    sense: Sense = "min" if min_cost else "max"
    mip = model.is_mip
    status = backend.solve(primary, sense)
    primary_seconds = time.perf_counter() - started
    solution = Solution(status=status, solver=backend.name, mip=mip, backend=backend)
    if status is not Status.OPTIMAL:
        solution.solve_seconds = time.perf_counter() - started
        return solution
    objective = backend.objective_value()
    solution.objective = objective * model.objective_scale
    if not mip:
        _record_duals(solution, model, backend, primary, sense)
    if mip:
        # Proving an integer plan the cheapest or the steadiest can take far
        # longer than finding it; each later stage gets a bounded time.
        allowed = max(MIP_TIE_BREAK_SECONDS, MIP_TIE_BREAK_FACTOR * primary_seconds)
        stage_limit: float | None = min(allowed, time_limit) if time_limit else allowed
    else:
        stage_limit = time_limit
    objective_cfg = model.config.objective
    x, activity = backend.values(), backend.row_activity()
    if objective_cfg.tie_break:
        if min_cost:
            done = _stage(backend, model, solution, "most-output", [(model.cost, -np.inf, _cost_cap(objective))],
                   model.output, "max", stage_limit)
        else:
            floor = objective * (1.0 - TIE_BREAK_TOLERANCE) if objective > 0 else objective
            done = _stage(backend, model, solution, "cheapest-plan", [(model.output, floor, np.inf)],
                   model.cost, "min", stage_limit)
        if done:
            x, activity = backend.values(), backend.row_activity()
    solution.values, solution.activity = x, activity
    smooth = objective_cfg.smooth
    # Changes between units fixed in advance (a given plan) cannot be smoothed.
    changes = [
        (terms, price) for terms, price in (model.form.plan_changes() if smooth is not None else [])
        if any(var.lowBound != var.upBound for var in terms)
    ]
    if smooth is not None and changes:
        output_before = _value(model.output, x)
        cost_before = _value(model.cost, x)
        if min_cost:
            limits = [(model.cost, -np.inf, _cost_cap(objective)), (model.output, _floor(output_before, smooth), np.inf)]
        else:
            limits = [(model.output, _floor(objective, smooth), np.inf), (model.cost, -np.inf, _cost_cap(cost_before))]
        if _smooth(backend, model, solution, changes, limits, stage_limit):
            solution.values = backend.values()
            solution.activity = backend.row_activity()
        solution.smoothing_share = smooth
        reference = output_before if min_cost else objective
        solution.output_given_up = max(reference - _value(model.output, solution.values), 0.0)
    if mip:
        backend.set_time_limit(time_limit)
        backend.drop_floor()
        backend.fix_integers(solution.values)
        if backend.solve(primary, sense) is Status.OPTIMAL:
            _record_duals(solution, model, backend, primary, sense)
            solution.notes.append(
                "integer plan: shadow prices and reduced costs are those of the LP with the integer decisions fixed"
            )
    solution.solve_seconds = time.perf_counter() - started
    return solution


def _value(terms: Terms, x: np.ndarray) -> float:
    return float(sum(coef * x[var.col] for var, coef in terms.items()))


def _cost_cap(cheapest: float) -> float:
    """The most a later stage may spend: the cheapest cost (solver units) plus 1e-7 of it and one yuan."""
    return cheapest * (1.0 + TIE_BREAK_TOLERANCE) + MONEY_SCALE


def _floor(output: float, share: float) -> float:
    """Output a later stage must keep: all but ``share`` of ``output``."""
    return output * (1.0 - share) if output > 0 else output


def _stage(
    backend: Backend,
    model: Model,
    solution: Solution,
    name: str,
    limits: list[tuple[Terms, float, float]],
    objective: Terms,
    sense: Sense,
    time_limit: float | None,
) -> bool:
    """A tie-break: optimise ``objective`` within ``limits``; False when it found no plan (keep the one before)."""
    backend.relax_stage_rows()
    for terms, lower, upper in limits:
        backend.add_row(terms, lower, upper)
    backend.set_time_limit(time_limit)
    status = backend.solve(objective, sense)
    if status in (Status.UNBOUNDED, Status.INFEASIBLE, Status.NOT_SOLVED):
        # The plan before meets every limit, so this is numerical trouble in
        # the warm start (seen with budgets of 1e12 yuan): solve again from scratch.
        backend.restart()
        status = backend.solve(objective, sense)
    if status is Status.OPTIMAL:
        solution.tie_break_applied = True
        return True
    if status is Status.TIME_LIMIT and backend.has_solution():
        solution.tie_break_applied = True
        solution.notes.append(
            f"the {name} tie-break stopped at its time limit: the plan keeps the optimum "
            "but a better plan by that measure may exist"
        )
        return True
    solution.notes.append(f"the {name} tie-break did not solve; the plan is the one found before it")
    backend.drop_floor()
    return False


def _smooth(
    backend: Backend,
    model: Model,
    solution: Solution,
    changes: list[tuple[Terms, float]],
    limits: list[tuple[Terms, float, float]],
    time_limit: float | None,
) -> bool:
    """The smoothing stage: the plan with the least priced year-to-year change within ``limits``."""
    import pulp

    x = backend.values()
    backend.relax_stage_rows()
    up = [pulp.LpVariable(f"change_up_{n}", lowBound=0) for n in range(len(changes))]
    down = [pulp.LpVariable(f"change_down_{n}", lowBound=0) for n in range(len(changes))]
    backend.add_columns([*up, *down])
    objective: Terms = {}
    rows: list[tuple[Terms, float, float]] = []
    basic: list[int] = []
    for (terms, price), rise, fall in zip(changes, up, down, strict=True):
        rows.append(({**terms, rise: -1.0, fall: 1.0}, 0.0, 0.0))
        objective[rise] = objective[fall] = price * MONEY_SCALE
        # The plan found so far meets each row with the change on one side.
        basic.append(rise.col if _value(terms, x) >= 0 else fall.col)  # type: ignore[attr-defined]
    first = backend.add_rows(rows)
    backend.add_rows(limits)
    backend.seed_basis(basic, list(range(first, first + len(rows))))
    backend.set_time_limit(time_limit)
    status = backend.solve(objective, "min")
    if status in (Status.UNBOUNDED, Status.INFEASIBLE, Status.NOT_SOLVED):
        backend.restart()
        status = backend.solve(objective, "min")
    if status is Status.OPTIMAL or (status is Status.TIME_LIMIT and backend.has_solution()):
        solution.smoothing_applied = True
        if status is Status.TIME_LIMIT:
            solution.notes.append(
                "the smoothing stage stopped at its time limit: the plan keeps the optimum "
                "but a steadier plan may exist"
            )
        return True
    solution.notes.append("the smoothing stage did not solve; the plan is the one found before it")
    backend.drop_floor()
    return False


def _record_duals(solution: Solution, model: Model, backend: Backend, primary: Terms, sense: Sense) -> None:
    """Store the duals of the solve just made, made solver-independent (see :mod:`.duals`)."""
    point = rates = backend.duals()
    form = getattr(backend, "form", None) or matrix_form(model)
    # Bounds as they are now: integer decisions may have been fixed.
    lower, upper = backend.column_bounds()
    form = dataclasses.replace(form, col_lower=lower, col_upper=upper)
    exact = np.array([info.kind in PLANNER_LIMITS and info.institution is None for info in model.book.rows], dtype=bool)
    canonical = canonical_duals(
        form, form.costs(primary), sense, backend.values(), backend.row_activity(), backend.name, exact
    )
    if canonical is None:
        solution.notes.append("shadow prices are the solver's own: the optimum is degenerate and no canonical choice was found")
    else:
        point, rates = canonical
    solution.duals = rates
    # Reduced cost of a column = its objective coefficient less the value of
    # the resources it uses, priced at one consistent dual solution.
    solution.reduced_costs = form.costs(primary) - form.a.T @ point
