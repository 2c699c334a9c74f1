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

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from ..errors import SolverError
from ..model import Model
from ..solve.backends import HighsBackend
from ..solve.highs import Session
from ..solve.matrix import MatrixForm
from ..solve.status import Status

if TYPE_CHECKING:
    from scipy import sparse

ZERO_DUAL = 1e-9
"""A dual or reduced cost (solver units) below this is zero."""
AT_BOUND = 1e-7
"""A value within this (relative to the bound, at least absolute) sits on the bound."""


@dataclass
class CanonicalLP:
    """The primary LP in max form and its canonical optimum.

    ``form`` is the programme as the solver holds it (:class:`~optimiser.solve.matrix.MatrixForm`,
    with the integer decisions of an integer plan fixed); ``cost`` is the
    max-form objective (``sign`` times the planner objective, solver units);
    ``plan`` the canonical optimal column values and ``activity`` the row
    activities there; ``duals`` one optimal dual vector (HiGHS's), used only
    to find the optimal face.
    """

    form: MatrixForm
    cost: np.ndarray
    sign: float
    objective: float
    plan: np.ndarray
    activity: np.ndarray
    duals: np.ndarray
    mip: bool

    @property
    def matrix(self) -> sparse.csc_matrix:
        return self.form.a

    @property
    def col_lower(self) -> np.ndarray:
        return self.form.col_lower

    @property
    def col_upper(self) -> np.ndarray:
        return self.form.col_upper

    @property
    def row_lower(self) -> np.ndarray:
        return self.form.row_lower

    @property
    def row_upper(self) -> np.ndarray:
        return self.form.row_upper

    @property
    def n_rows(self) -> int:
        return self.form.n_rows

    @property
    def n_cols(self) -> int:
        return self.form.n_cols

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


def canonical_lp(model: Model, plan_values: np.ndarray | None = None) -> CanonicalLP:
    """Solve the primary LP of ``model`` with HiGHS and return its canonical optimum.

    ``plan_values`` (the solved plan's column values) fix the integer
    decisions of an integer model; a continuous model ignores them.
    """
    backend = HighsBackend(model, options={"presolve": "off"})
    session = backend.session
    form = backend.form
    mip = bool(backend.integer.any())
    if mip:
        if plan_values is None or len(plan_values) != form.n_cols:
            raise SolverError("an integer plan needs its solved values to fix the integer decisions")
        idx = np.flatnonzero(backend.integer)
        fixed = np.round(plan_values[idx])
        session.make_continuous(idx)
        session.set_col_bounds(idx, fixed, fixed)
        col_lower, col_upper = session.column_bounds()
        form = replace(form, col_lower=col_lower, col_upper=col_upper)
    min_cost = model.mode == "min_cost"
    sign = -1.0 if min_cost else 1.0
    cost = sign * form.costs(model.cost if min_cost else model.output)
    session.set_costs(cost, "max")
    _run(session, "the plan's linear programme")
    objective = session.objective()
    plan = session.values()
    duals = session.row_duals()
    reduced = session.col_duals()
    if not min_cost and model.config.objective.tie_break:
        plan = _cheapest_on_face(session, form, model, plan, duals, reduced)
    return CanonicalLP(
        form=form, cost=cost, sign=sign, objective=objective, plan=plan,
        activity=form.csc @ plan, duals=duals, mip=mip,
    )


def _cheapest_on_face(
    session: Session, form: MatrixForm, model: Model, plan: np.ndarray, duals: np.ndarray, reduced: np.ndarray,
) -> np.ndarray:
    """The cheapest plan among those with the optimal output, found exactly.

    By complementary slackness a plan is optimal exactly when every column
    with a non-zero reduced cost stays at its bound and every row with a
    non-zero dual stays at its limit; within that face, minimise cost.
    """
    row_lower, row_upper = form.row_lower, form.row_upper
    hold_cols = np.flatnonzero(np.abs(reduced) > ZERO_DUAL)
    if len(hold_cols):
        session.set_col_bounds(hold_cols, plan[hold_cols], plan[hold_cols])
    held = np.flatnonzero(np.abs(duals) > ZERO_DUAL)
    if len(held):
        limits = np.where(duals[held] > 0, row_upper[held], row_lower[held])
        session.set_row_bounds(held, limits, limits)
    session.set_costs(-form.costs(model.cost), "max")
    _run(session, "the cheapest-plan step")
    return session.values()


def _run(session: Session, what: str) -> None:
    if session.run() is not Status.OPTIMAL:
        raise SolverError(f"HiGHS could not re-solve {what} for the sensitivity report ({session.status_text()})")
