"""The primary LP of a solved plan, solved once more the same way for every solver.

The sensitivity report must not depend on which solver found the plan. A
degenerate LP (common here: many plans reach the same output) has several
optimal bases and several valid sets of duals, and HiGHS and CBC pick
different ones. So the report is derived from one canonical optimum,
computed here with HiGHS in matrix form whatever the solver:

1. the primary LP (docs/model.md) (maximise weighted output, or minimise cost;
   for an integer plan, the LP with the integer decisions fixed at the
   plan's values), held in "max form" (a minimised cost is negated);
2. in ``max_output`` mode with ``tie_break``, the cheapest plan on the
   optimal face, found exactly: the columns with a non-zero reduced cost and
   the rows with a non-zero dual are held where they are (complementary
   slackness), then total cost is minimised. This is the plan the solvers
   report, without the 1e-7 tolerance of their tie-break.

Everything else in :mod:`optimiser.sensitivity` reads the arrays kept here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from ..errors import SolverError
from ..model import Model
from ..model.formulation import Terms
from ..solve.backends import HighsBackend

ZERO_DUAL = 1e-9
"""A dual or reduced cost (solver units) below this is zero."""
AT_BOUND = 1e-7
"""A value within this (relative to the bound, at least absolute) sits on the bound."""


@dataclass
class CanonicalLP:
    """The primary LP in max form and its canonical optimum.

    ``cost`` is the max-form objective (``sign`` times the planner objective,
    solver units); ``plan`` the canonical optimal column values and
    ``activity`` the row activities there; ``duals`` one optimal dual vector
    (HiGHS's), used only to find the optimal face.
    """

    matrix: sparse.csc_matrix
    cost: np.ndarray
    sign: float
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    objective: float
    plan: np.ndarray
    activity: np.ndarray
    duals: np.ndarray
    mip: bool

    @property
    def n_rows(self) -> int:
        return int(self.matrix.shape[0])

    @property
    def n_cols(self) -> int:
        return int(self.matrix.shape[1])

    def column_state(self) -> np.ndarray:
        """Per column: 'L' at its lower bound, 'U' at its upper, 'B' between, 'F' fixed."""
        x, lo, up = self.plan, self.col_lower, self.col_upper
        state = np.full(self.n_cols, "B")
        at_lo = np.isfinite(lo) & (x - lo <= AT_BOUND * np.maximum(1.0, np.abs(lo)))
        at_up = np.isfinite(up) & (up - x <= AT_BOUND * np.maximum(1.0, np.abs(up)))
        state[at_up] = "U"
        state[at_lo] = "L"
        state[np.isfinite(lo) & (lo == up)] = "F"
        return state

    def row_state(self) -> np.ndarray:
        """Per row: 'E' equality, 'U' at its upper limit, 'L' at its lower, 'N' not binding."""
        a, lo, up = self.activity, self.row_lower, self.row_upper
        state = np.full(self.n_rows, "N")
        at_up = np.isfinite(up) & (up - a <= AT_BOUND * np.maximum(1.0, np.abs(up)))
        at_lo = np.isfinite(lo) & (a - lo <= AT_BOUND * np.maximum(1.0, np.abs(lo)))
        state[at_up] = "U"
        state[at_lo] = "L"
        state[np.isfinite(lo) & (lo == up)] = "E"
        return state


def terms_vector(terms: Terms, n: int) -> np.ndarray:
    vector = np.zeros(n)
    for var, coef in terms.items():
        vector[var.col] += coef
    return vector


def canonical_lp(model: Model, plan_values: np.ndarray | None = None) -> CanonicalLP:
    """Solve the primary LP of ``model`` with HiGHS and return its canonical optimum.

    ``plan_values`` (the solved plan's column values) fix the integer
    decisions of an integer model; a continuous model ignores them.
    """
    import highspy

    backend = HighsBackend(model)
    highs = backend.highs
    highs.setOptionValue("presolve", "off")
    n = len(backend.columns)
    mip = bool(backend.integer.any())
    if mip:
        if plan_values is None or len(plan_values) != n:
            raise SolverError("an integer plan needs its solved values to fix the integer decisions")
        idx = np.flatnonzero(backend.integer).astype(np.int32)
        fixed = np.round(plan_values[idx])
        highs.changeColsIntegrality(len(idx), idx, np.array([highspy.HighsVarType.kContinuous] * len(idx)))
        highs.changeColsBounds(len(idx), idx, fixed, fixed)
    min_cost = model.mode == "min_cost"
    sign = -1.0 if min_cost else 1.0
    cost = sign * terms_vector(model.cost if min_cost else model.output, n)
    every = np.arange(n, dtype=np.int32)
    highs.changeColsCost(n, every, cost)
    highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
    _run(highs, "the plan's linear programme")
    lp = highs.getLp()
    matrix = sparse.csc_matrix(
        (np.asarray(lp.a_matrix_.value_), np.asarray(lp.a_matrix_.index_), np.asarray(lp.a_matrix_.start_)),
        shape=(lp.num_row_, lp.num_col_),
    )
    solution = highs.getSolution()
    objective = float(highs.getInfo().objective_function_value)
    plan = np.asarray(solution.col_value, dtype=float)
    duals = np.asarray(solution.row_dual, dtype=float)
    reduced = np.asarray(solution.col_dual, dtype=float)
    col_lower = np.asarray(lp.col_lower_, dtype=float).copy()
    col_upper = np.asarray(lp.col_upper_, dtype=float).copy()
    row_lower = np.asarray(lp.row_lower_, dtype=float).copy()
    row_upper = np.asarray(lp.row_upper_, dtype=float).copy()
    if not min_cost and model.config.objective.tie_break:
        plan = _cheapest_on_face(highs, model, plan, duals, reduced, (row_lower, row_upper))
    return CanonicalLP(
        matrix=matrix, cost=cost, sign=sign, col_lower=col_lower, col_upper=col_upper,
        row_lower=row_lower, row_upper=row_upper, objective=objective, plan=plan,
        activity=matrix @ plan, duals=duals, mip=mip,
    )


def _cheapest_on_face(
    highs: Any,
    model: Model,
    plan: np.ndarray,
    duals: np.ndarray,
    reduced: np.ndarray,
    row_limits: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    """The cheapest plan among those with the optimal output, found exactly.

    By complementary slackness a plan is optimal exactly when every column
    with a non-zero reduced cost stays at its bound and every row with a
    non-zero dual stays at its limit; within that face, minimise cost.
    """
    import highspy

    row_lower, row_upper = row_limits
    hold_cols = np.flatnonzero(np.abs(reduced) > ZERO_DUAL).astype(np.int32)
    if len(hold_cols):
        highs.changeColsBounds(len(hold_cols), hold_cols, plan[hold_cols], plan[hold_cols])
    for r in np.flatnonzero(np.abs(duals) > ZERO_DUAL):
        limit = row_upper[r] if duals[r] > 0 else row_lower[r]
        highs.changeRowBounds(int(r), float(limit), float(limit))
    n = len(plan)
    highs.changeColsCost(n, np.arange(n, dtype=np.int32), -terms_vector(model.cost, n))
    highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
    _run(highs, "the cheapest-plan step")
    return np.asarray(highs.getSolution().col_value, dtype=float)


def _run(highs: Any, what: str) -> None:
    import highspy

    highs.run()
    status = highs.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise SolverError(
            f"HiGHS could not re-solve {what} for the sensitivity report ({highs.modelStatusToString(status)})"
        )
