"""Shadow prices that do not depend on which solver found the optimum.

When an optimum is degenerate (several teaching or funding limits meet at
the same plan, common in planning models), many dual solutions are optimal
and each solver returns a different one. The model reports the "change in
objective per unit increase of the limit": that is the right-hand
derivative of the optimum with respect to the limit, and it is unique.

Every optimal dual solution satisfies complementary slackness with any
optimal plan, so the set of optimal duals (the dual optimal face) can be
written down from the plan alone. Over that face the right-hand derivative
of a maximum is the smallest value of each dual, and that of a minimum the
largest. One small LP over the face, minimising (or maximising) a positive
combination of all duals, returns these values together whenever they are
reached at one point, and in any case a point of the face chosen the same
way whatever solver solved the main problem.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pulp

from ..model.formulation import column
from .backends import run_cbc_lp
from .matrix import Csc, MatrixForm, tie_spreads
from .status import Status

ROW_TOL = 1e-6
COL_TOL = 1e-6


def face_weights(n: int) -> np.ndarray:
    """Positive weights in [1, 1.001), different per row so the chosen point is unique.

    Each is the row's :func:`~optimiser.solve.matrix.tie_spread`, a mix of its
    place that is not linear in it. Weights that grow in step with the place
    (such as ``7919 * row mod 997``) weigh an exchange of duals between two
    pairs of neighbouring rows at exactly zero, so several points of the face
    tie and the one returned depends on where the solver starts (with those,
    at 1,000 generated institutions, an institution's yearly limit and its
    external-teacher ratio swapped half a graduate per unit between years).
    """
    return 1.0 + 1e-3 * tie_spreads(np.arange(n))


def canonical_duals(
    form: MatrixForm,
    costs: np.ndarray,
    sense: str,
    x: np.ndarray,
    activity: np.ndarray,
    solver: str,
    exact: np.ndarray | None = None,
    cbc_options: list[str] | None = None,
    start: MainBasis | None = None,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Duals for the optimum ``x`` chosen the same way by every solver.

    Returns ``(point, rates)``: ``point`` is one optimal dual solution (the
    one minimising a fixed positive weighting of the duals, maximising for a
    minimum), ``rates`` equals it except on the rows flagged in ``exact``,
    where it holds the right-hand derivative of the optimum with respect to
    that row's limit. ``None`` if the face LP fails. ``costs`` is the
    objective of the solve being explained, ``sense`` ``"max"`` or ``"min"``;
    ``cbc_options`` the expert's CBC options, given to every CBC run here too.
    ``start`` (HiGHS only) is the basis the optimum was found with and its
    duals: the face LP starts from the vertex they make (see :class:`MainBasis`).
    """
    n_rows = form.n_rows
    a = form.csc
    # A row is tight when its activity meets a bound within a tolerance
    # relative to the size of the terms it adds up (solvers round values).
    bound = np.abs(np.where(np.isfinite(form.row_upper), form.row_upper, form.row_lower))
    scale_r = np.maximum(np.maximum(1.0, bound), abs(a) @ np.abs(x))
    at_upper = np.isfinite(form.row_upper) & (np.abs(form.row_upper - activity) <= ROW_TOL * scale_r)
    at_lower = np.isfinite(form.row_lower) & (np.abs(activity - form.row_lower) <= ROW_TOL * scale_r)
    equality = np.isfinite(form.row_lower) & np.isfinite(form.row_upper) & (form.row_lower == form.row_upper)
    tight = at_upper | at_lower | equality
    # Columns fixed at a value (integer decisions after a MILP, a given plan)
    # price nothing: a row that only holds fixed columns has no rate.
    fixed_col = np.isfinite(form.col_lower) & (form.col_lower == form.col_upper)
    free_terms = abs(a) @ (~fixed_col).astype(float)
    tight &= free_terms > 0
    rows = np.flatnonzero(tight)
    if len(rows) == 0:
        return np.zeros(n_rows), np.zeros(n_rows)
    sign = 1.0 if sense == "max" else -1.0
    # Dual sign: for a maximum, raising an upper limit cannot hurt (y >= 0)
    # and raising a lower limit cannot help (y <= 0); the reverse for a minimum.
    y_lower = np.where(equality[rows], -np.inf, np.where(at_upper[rows], 0.0, -np.inf))
    y_upper = np.where(equality[rows], np.inf, np.where(at_upper[rows], np.inf, 0.0))
    if sense == "min":
        y_lower, y_upper = -y_upper, -y_lower

    # Columns: c - A^T y is <= 0 at a lower bound (max), >= 0 at an upper
    # bound, = 0 strictly between; reversed for a minimum; free when fixed.
    scale_c = np.maximum(1.0, np.abs(x))
    at_lb = np.isfinite(form.col_lower) & (x - form.col_lower <= COL_TOL * scale_c)
    at_ub = np.isfinite(form.col_upper) & (form.col_upper - x <= COL_TOL * scale_c)
    fixed = at_lb & at_ub
    at_lb &= ~fixed
    at_ub &= ~fixed
    interior = ~(at_lb | at_ub | fixed)
    keep = ~fixed
    at = a.transposed().columns(rows).rows(keep)  # (columns) x (tight rows)
    c = costs[keep]
    lower = np.full(len(c), -np.inf)
    upper = np.full(len(c), np.inf)
    lb_k, ub_k, in_k = at_lb[keep], at_ub[keep], interior[keep]
    if sense == "max":
        lower[lb_k] = c[lb_k]
        upper[ub_k] = c[ub_k]
    else:
        upper[lb_k] = c[lb_k]
        lower[ub_k] = c[ub_k]
    lower[in_k] = c[in_k]
    upper[in_k] = c[in_k]
    # The weighted L1 norm of the duals is bounded below on the face, so the
    # choice exists even where the face is unbounded (fixed decisions); free
    # duals (equality rows) are split into positive and negative parts.
    free = np.flatnonzero(np.isinf(y_lower) & np.isinf(y_upper))
    at_full = at.join(-at.columns(free))
    col_lo = np.concatenate([np.where(np.isinf(y_lower) & np.isinf(y_upper), 0.0, y_lower), np.zeros(len(free))])
    col_hi = np.concatenate([y_upper, np.full(len(free), np.inf)])
    weights = face_weights(n_rows)[rows]
    direction = np.where(y_upper <= 0.0, -1.0, 1.0)
    face = _FaceLP(at_full, lower, upper, col_lo, col_hi, solver, cbc_options)
    if start is not None and solver == "highs":
        face.start_from(*_face_basis(start, keep, rows, free, lower, col_lo))
    point = face.solve(np.concatenate([weights * direction, weights[free]]))
    if point is None:
        return None
    values = point[: len(rows)].copy()
    values[free] -= point[len(rows):]
    full = np.zeros(n_rows)
    full[rows] = values
    rates = full.copy()
    if exact is not None:
        _exact_rates(face, point, rates, exact, rows, free, (y_lower, y_upper), sign)
    return full, rates


@dataclass(frozen=True)
class MainBasis:
    """The optimal basis of the programme whose duals are chosen, and those duals (HiGHS's own).

    ``col_status`` and ``row_status`` hold HiGHS's basis status codes (0 at
    the lower bound, 1 basic, 2 at the upper bound) of every column and row.
    """

    col_status: np.ndarray
    row_status: np.ndarray
    duals: np.ndarray


BASIC, AT_LOWER, AT_UPPER = 1, 0, 2


def _face_basis(
    start: MainBasis, keep: np.ndarray, rows: np.ndarray, free: np.ndarray, row_lower: np.ndarray, col_lower: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, bool]:
    """The face LP's basis that the main optimum's basis makes: ``(column status, row status, complete)``.

    The face LP is the dual of the programme held at the optimum, so its
    basis is the main one turned over: a column basic in the programme makes
    its face row (its reduced cost) non-basic, at the bound that sets the
    reduced cost to zero, and a non-basic column leaves its face row basic; a
    non-basic row makes its dual, a face column, basic, and a basic row holds
    its dual at zero (the face column's bound there). An equality row's dual
    is split into a positive and a negative part: the part of its sign is the
    basic one. The face point of this basis is the main duals, so primal
    simplex starts from a feasible point a few pivots from the choice: at
    1,000 generated institutions 1.0 s and 2,904 pivots, against 25.6 s and
    26,796 pivots by dual simplex from scratch. ``complete`` is False when the
    programme's basis has basic columns the face leaves out (fixed columns)
    or non-basic rows it leaves out (not tight, or holding only fixed
    columns): HiGHS then makes a basis of it (an "alien" basis).
    """
    face_rows = np.where(start.col_status[keep] == BASIC, np.where(np.isfinite(row_lower), AT_LOWER, AT_UPPER), BASIC)
    n = len(rows)
    in_basis = start.row_status[rows] != BASIC
    face_cols = np.where(in_basis, BASIC, np.where(col_lower[:n] == 0.0, AT_LOWER, AT_UPPER))
    negative = np.full(len(free), AT_LOWER)
    flip = in_basis[free] & (start.duals[rows[free]] < 0.0)
    face_cols[free[flip]] = AT_LOWER
    negative[flip] = BASIC
    cols = np.concatenate([face_cols, negative])
    complete = int((cols == BASIC).sum() + (face_rows == BASIC).sum()) == len(face_rows)
    return cols, face_rows, complete


def _exact_rates(
    face: _FaceLP, point: np.ndarray, rates: np.ndarray, exact: np.ndarray, rows: np.ndarray, free: np.ndarray,
    dual_bounds: tuple[np.ndarray, np.ndarray], sign: float,
) -> None:
    """For the limits flagged in ``exact``, write into ``rates`` the exact rate for an increase.

    That is the extreme value of that one dual over the face (smallest for a
    maximum, largest for a minimum); where it is unbounded the point's value
    stays. ``rows`` are the tight rows the face's columns stand for, ``free``
    the positions among them split into positive and negative parts.
    """
    y_lower, y_upper = dual_bounds
    position = {int(row): k for k, row in enumerate(rows)}
    negative = {int(k): len(rows) + j for j, k in enumerate(free)}
    for row in np.flatnonzero(exact):
        k = position.get(int(row))
        if k is None or y_lower[k] == y_upper[k]:
            continue
        if k not in negative and point[k] == (y_lower[k] if sign > 0 else y_upper[k]):
            # The point is at this dual's own bound in the direction sought: it is the extreme.
            continue
        unit = np.zeros(len(point))
        unit[k] = sign
        if k in negative:
            unit[negative[k]] = -sign
        extreme = face.solve(unit)
        if extreme is not None:
            rates[row] = extreme[k] - (extreme[negative[k]] if k in negative else 0.0)


class _FaceLP:
    """Minimise c.y subject to row_lo <= A y <= row_hi, col_lo <= y <= col_hi, for several c."""

    def __init__(
        self, a: Csc, row_lo: np.ndarray, row_hi: np.ndarray,
        col_lo: np.ndarray, col_hi: np.ndarray, solver: str, cbc_options: list[str] | None = None,
    ) -> None:
        self.solver = solver
        self.cbc_options = cbc_options
        self.n = a.shape[1]
        if solver == "highs":
            self._highs_setup(a, row_lo, row_hi, col_lo, col_hi)
        else:
            self._pulp_setup(a, row_lo, row_hi, col_lo, col_hi)

    def _highs_setup(self, a: Csc, row_lo: np.ndarray, row_hi: np.ndarray, col_lo: np.ndarray, col_hi: np.ndarray) -> None:
        from .highs import PRIMAL_SIMPLEX, Session

        self.session = Session()
        self.primal = PRIMAL_SIMPLEX
        self.session.load(a, col_lo, col_hi, row_lo, row_hi, what="the dual face")
        self.arrays = (a, col_lo, col_hi, row_lo, row_hi)
        self.last: np.ndarray | None = None

    def _pulp_setup(self, a: Csc, row_lo: np.ndarray, row_hi: np.ndarray, col_lo: np.ndarray, col_hi: np.ndarray) -> None:
        self.problem = pulp.LpProblem("dual_face", pulp.LpMinimize)
        self.ys = [
            column(f"y{j}", None if np.isinf(col_lo[j]) else float(col_lo[j]), None if np.isinf(col_hi[j]) else float(col_hi[j]))
            for j in range(a.shape[1])
        ]
        self.infeasible = False
        by_row = a.transposed()  # its columns are the rows of ``a``
        for i in range(a.shape[0]):
            start, end = by_row.indptr[i], by_row.indptr[i + 1]
            terms = {self.ys[j]: float(v) for j, v in zip(by_row.indices[start:end], by_row.data[start:end]) if v != 0}
            if not terms:
                self.infeasible |= bool(row_lo[i] > 1e-9 or row_hi[i] < -1e-9)
                continue
            expr = pulp.LpAffineExpression(terms)
            if row_lo[i] == row_hi[i]:
                self.problem.addConstraint(pulp.LpConstraint(expr, pulp.LpConstraintEQ, f"c{i}", float(row_lo[i])))
                continue
            if np.isfinite(row_lo[i]):
                self.problem.addConstraint(pulp.LpConstraint(expr, pulp.LpConstraintGE, f"l{i}", float(row_lo[i])))
            if np.isfinite(row_hi[i]):
                self.problem.addConstraint(pulp.LpConstraint(expr, pulp.LpConstraintLE, f"u{i}", float(row_hi[i])))

    def start_from(self, col_status: np.ndarray, row_status: np.ndarray, complete: bool) -> None:
        """Start the first solve from this basis (HiGHS's status codes), by primal simplex."""
        self.session.set_basis_status(col_status, row_status, alien=not complete)
        self.session.set_option("simplex_strategy", self.primal)

    def solve(self, c: np.ndarray) -> np.ndarray | None:
        """The face point minimising ``c``; after the first, each solve continues from the last by primal simplex.

        Every solve is over the same face, so the last optimum is a feasible
        start for a new objective: primal simplex continues from it in a few
        pivots where dual simplex (the default) first has to restore dual
        feasibility (measured at 100 institutions: 287 pivots in all for 332
        extreme-rate solves against 29,922, 6.0 s of CPU against 18.0 s).
        Most objectives need no pivot at all: when the last basis is already
        optimal for ``c`` (:meth:`.Session.still_optimal`, a few milliseconds
        against a solve's ten) the last point is the answer, unsolved.
        """
        if self.solver == "highs":
            if self.last is not None and self.session.still_optimal(c, *self.arrays):
                return self.last.copy()
            self.last = None
            if self.session.run(c) is not Status.OPTIMAL:
                return None
            self.session.set_option("simplex_strategy", self.primal)
            self.last = self.session.values()
            return self.last.copy()
        if self.infeasible:
            return None
        self.problem.setObjective(pulp.LpAffineExpression({self.ys[j]: float(c[j]) for j in np.flatnonzero(c)}))
        if run_cbc_lp(self.problem, self.cbc_options) is not Status.OPTIMAL:
            return None
        return np.array([y.varValue or 0.0 for y in self.ys], dtype=float)
