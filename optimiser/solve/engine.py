"""Run a built model through a solver: main solve, tie-break, duals.

The sequence, whatever the solver:

1. Solve the config's objective (maximise weighted output, or minimise cost).
2. For an integer plan, fix the integer decisions and solve the LP again, so
   shadow prices exist; the result says so.
3. In ``max_output`` mode with ``tie_break``, minimise total cost while
   keeping output within 1e-7 of the optimum: no money is spent that buys
   nothing. The plan reported is this one; the objective and the shadow
   prices stay those of step 1, as MODEL.md fixes.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field

import numpy as np

from ..model import Model
from ..model.formulation import Terms
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
    if not min_cost and model.config.objective.tie_break:
        backend.add_floor(primary, objective * (1.0 - TIE_BREAK_TOLERANCE) if objective > 0 else objective)
        if mip:
            # Proving an integer plan the cheapest can take far longer than
            # finding it; the tie-break gets a bounded share of the time.
            allowed = max(MIP_TIE_BREAK_SECONDS, MIP_TIE_BREAK_FACTOR * primary_seconds)
            backend.set_time_limit(min(allowed, time_limit) if time_limit else allowed)
        tie = backend.solve(model.cost, "min")
        if tie in (Status.UNBOUNDED, Status.INFEASIBLE, Status.NOT_SOLVED):
            # Cost is bounded below and the first optimum meets the floor, so
            # this is numerical trouble in the warm start (seen with budgets
            # of 1e12 yuan): solve the tie-break again from scratch.
            backend.restart()
            tie = backend.solve(model.cost, "min")
        if tie is Status.OPTIMAL:
            solution.tie_break_applied = True
        elif tie is Status.TIME_LIMIT and backend.has_solution():
            solution.tie_break_applied = True
            solution.notes.append(
                "the cheapest-plan tie-break stopped at its time limit: the plan keeps the optimal output "
                "but a cheaper plan with the same output may exist"
            )
        else:
            solution.notes.append("the cheapest-plan tie-break did not solve; the plan is the first optimum found")
            backend.drop_floor()
            backend.solve(primary, sense)
    solution.values = backend.values()
    solution.activity = backend.row_activity()
    if mip:
        backend.set_time_limit(time_limit)
        backend.drop_floor()
        backend.fix_integers()
        if backend.solve(primary, sense) is Status.OPTIMAL:
            _record_duals(solution, model, backend, primary, sense)
            solution.notes.append(
                "integer plan: shadow prices and reduced costs are those of the LP with the integer decisions fixed"
            )
    solution.solve_seconds = time.perf_counter() - started
    return solution


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
