"""Exact shadow prices, reduced costs and allowable ranges of a canonical LP.

All in max form and solver units; :mod:`optimiser.sensitivity.tables`
converts to planner units. Three small families of LPs, each solved with
HiGHS from a warm start:

- **The optimal dual face.** The duals ``y`` that are optimal are exactly
  those that satisfy complementary slackness with the canonical plan. Over
  that set, the smallest ``y_i`` is the rate at which the optimum changes
  when limit ``i`` is *raised* (the right derivative of the optimal value):
  the report's shadow price. When the LP is degenerate a solver may return
  any ``y_i`` of the set; this choice makes the report the same for every
  solver and matches the sign convention "change per unit increase".
- **Limit ranging.** With shadow price ``s``, the allowable increase is the
  largest ``θ`` for which some plan within the limit ``b_i + θ`` still
  reaches ``z* + s·θ``; the optimal value is concave in the limit, so it is
  exactly ``z* + s·θ`` up to there and grows more slowly just past it.
  The decrease likewise. One LP each, in ``(x, θ)``.
- **Objective-coefficient ranging.** The canonical plan stays optimal for
  the coefficient ``c_j + δ`` while some dual satisfies complementary
  slackness with it for that coefficient: one LP each way, in ``(y, δ)``.
  That LP is unbounded when the coefficient can move without limit
  (an unlimited range, not an error).

Every LP of a family restarts from one primal feasible basis (a warm start
left over from another job can be primal infeasible once its ``δ`` or ``θ``
column is fixed at zero again, and HiGHS's primal simplex may then stop
with status "Unknown" on an unbounded LP). Should HiGHS still end without a
verdict, the LP is solved once more from scratch (:func:`run_lp`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import SolverError
from ..solve.highs import PRIMAL_SIMPLEX, Session
from ..solve.status import Status
from .canonical import ZERO_DUAL, CanonicalLP

INF = float("inf")
_REJECTED = "an LP built for the sensitivity report"
ROUND_OFF = 1e-7
"""A range shorter than this, relative to its limit, is round-off: reported as zero."""


@dataclass
class RowRanges:
    """Per row: shadow price (right derivative), allowable increase and decrease of the limit."""

    price: np.ndarray
    increase: np.ndarray
    decrease: np.ndarray


@dataclass
class ColumnRanges:
    """Per requested column: reduced cost, allowable increase and decrease of its objective coefficient."""

    reduced_cost: np.ndarray
    increase: np.ndarray
    decrease: np.ndarray


def _session() -> Session:
    # Each LP here starts from a primal feasible basis with a new objective: primal simplex's case.
    return Session(presolve="off", simplex_strategy=PRIMAL_SIMPLEX)


def run_lp(session: Session) -> Status:
    """Solve and return the status; without a verdict, once more from scratch.

    A verdict is optimal, unbounded or infeasible. Anything else (HiGHS's
    "Unknown", a stalled warm start) is retried cold with the default
    simplex strategy, then given back as it is.
    """
    return session.run_verdict()


class DualFace:
    """The LP over optimal duals: complementary slackness with the canonical plan.

    Variables: one ``y_i`` per row, and ``δ`` (a change of one objective
    coefficient, zero unless a column is being ranged). One constraint per
    column: its reduced cost ``c_k + δ·[k = j] − A_kᵀy`` has the sign its
    position allows (≤ 0 at the lower bound, ≥ 0 at the upper, = 0 between).
    """

    def __init__(self, lp: CanonicalLP) -> None:
        self.lp = lp
        m = lp.n_rows
        self.delta = m
        rows = lp.row_state()
        y_lower = np.where(np.isin(rows, ["E", "L"]), -INF, 0.0)
        y_upper = np.where(np.isin(rows, ["E", "U"]), INF, 0.0)
        cols = lp.column_state()
        c = lp.cost
        lower = np.where(cols == "L", c, np.where(cols == "B", c, -INF))
        upper = np.where(cols == "U", c, np.where(cols == "B", c, INF))
        self.free_rows = (y_lower < y_upper)
        self.col_state = cols
        csr = lp.matrix.tocsr()
        self.session = _session()
        self.session.load(
            (np.append(csr.indptr, csr.indptr[-1]), csr.indices, csr.data),
            np.append(y_lower, 0.0), np.append(y_upper, 0.0), lower, upper, what=_REJECTED,
        )
        self._cost = np.zeros(m + 1)
        # One primal feasible basis (the canonical duals are a feasible point) that every
        # coefficient range starts from and leaves behind, with δ fixed at zero and non-basic.
        self.start = self.session.basis() if run_lp(self.session) is Status.OPTIMAL else None

    def _restart(self) -> None:
        if self.start is not None:
            self.session.set_basis(self.start)

    def extreme(self, cost: np.ndarray, sense: str) -> float:
        """min or max of ``cost · y`` over the optimal duals (``±inf`` if unbounded)."""
        full = np.append(cost, 0.0)
        changed = np.flatnonzero((full != 0) | (self._cost != 0))
        self.session.set_costs(full[changed], sense, cols=changed)
        self._cost = full
        status = run_lp(self.session)
        if status is Status.OPTIMAL:
            return self.session.objective()
        if status is Status.UNBOUNDED:
            return -INF if sense == "min" else INF
        raise SolverError(
            f"HiGHS could not search the optimal duals for the sensitivity report ({self.session.status_text()})"
        )

    def coefficient_range(self, col: int) -> tuple[float, float]:
        """How far the objective coefficient of ``col`` can rise and fall with the plan still optimal.

        ``inf`` when it can move without limit that way (the LP in ``δ`` is unbounded).
        """
        self._restart()
        self.session.set_coefficient(col, self.delta, -1.0)
        self.session.set_col_bounds(self.delta, -INF, INF)
        e = np.zeros(self.lp.n_rows + 1)
        e[self.delta] = 1.0
        try:
            up = self._delta_extreme(e, "max")
            down = -self._delta_extreme(e, "min")
        finally:
            self.session.set_coefficient(col, self.delta, 0.0)
            self.session.set_col_bounds(self.delta, 0.0, 0.0)
            # δ may have ended basic at a non-zero value: fixed at zero again, that basis
            # would be primal infeasible for the next search.
            self._restart()
        return up, down

    def _delta_extreme(self, e: np.ndarray, sense: str) -> float:
        changed = np.flatnonzero((e != 0) | (self._cost != 0))
        self.session.set_costs(e[changed], sense, cols=changed)
        self._cost = e
        status = run_lp(self.session)
        if status is Status.OPTIMAL:
            return float(self.session.values()[self.delta])
        if status is Status.UNBOUNDED:
            return -INF if sense == "min" else INF
        raise SolverError(
            f"HiGHS could not range an objective coefficient for the sensitivity report ({self.session.status_text()})"
        )


class LimitRanging:
    """The LP in ``(x, θ)`` that finds how far each limit moves at a constant shadow price.

    One ``θ`` column per (row, direction) asked for, all held at zero but
    the one being ranged, switched on and off through bounds and costs; each
    job restarts primal simplex from the same optimal basis, so each range
    takes a few dozen pivots.
    """

    def __init__(self, lp: CanonicalLP, jobs: list[tuple[int, float, float]]) -> None:
        """``jobs``: (row, shadow price, direction +1 to raise the limit or -1 to lower it)."""
        self.lp = lp
        self.jobs = jobs
        m, n = lp.n_rows, lp.n_cols
        self.floor = m
        csc = lp.matrix.tocsc()
        starts, index, value = [0], [], []
        for j in range(n):
            lo, hi = csc.indptr[j], csc.indptr[j + 1]
            index.extend(csc.indices[lo:hi].tolist())
            value.extend(csc.data[lo:hi].tolist())
            if lp.cost[j] != 0.0:
                # Every column carries its objective coefficient into the floor row.
                index.append(m)
                value.append(float(lp.cost[j]))
            starts.append(len(index))
        for row, price, direction in jobs:
            # a_i·x − direction·θ within the row's limits: the limit moves by direction·θ;
            # c·x − direction·price·θ >= z*: the optimum moves at the shadow price.
            index.extend([row, m])
            value.extend([-direction, -direction * price])
            starts.append(len(index))
        k = len(jobs)
        # The floor sits a hair below z* so that θ = 0 is feasible despite
        # round-off; reach() removes the hair again through the floor's dual.
        self.hair = 1e-9 * max(1.0, abs(lp.objective))
        self.session = _session()
        self.session.load(
            (np.asarray(starts), np.asarray(index), np.asarray(value, dtype=float)),
            np.append(lp.col_lower, np.zeros(k)), np.append(lp.col_upper, np.zeros(k)),
            np.append(lp.row_lower, lp.objective - self.hair), np.append(lp.row_upper, INF), what=_REJECTED,
        )
        self.session.set_sense("max")
        # Every job starts from one optimal, primal feasible basis (all θ at zero): primal
        # simplex then only has to push its own θ up, not repair the previous job's basis.
        if run_lp(self.session) is not Status.OPTIMAL:
            raise SolverError(
                "HiGHS could not re-solve the plan's linear programme for the sensitivity report "
                f"({self.session.status_text()})"
            )
        self.start = self.session.basis()

    def reach(self, job: int) -> float:
        """Largest ``θ >= 0`` with the optimum ``z* + price·direction·θ`` reachable at limit ``b + direction·θ``."""
        col = self.lp.n_cols + job
        row = self.jobs[job][0]
        self.session.set_basis(self.start)
        self.session.set_col_bounds(col, 0.0, INF)
        self.session.set_costs([1.0], cols=[col])
        try:
            status = run_lp(self.session)
            if status is Status.UNBOUNDED:
                return INF
            if status is not Status.OPTIMAL:
                raise SolverError(
                    f"HiGHS could not range a limit for the sensitivity report ({self.session.status_text()})"
                )
            theta = float(self.session.values()[col]) + float(self.session.row_duals()[self.floor]) * self.hair
            limit = self.lp.row_upper[row] if np.isfinite(self.lp.row_upper[row]) else self.lp.row_lower[row]
            return 0.0 if theta <= ROUND_OFF * max(1.0, abs(limit)) else theta
        finally:
            self.session.set_costs([0.0], cols=[col])
            self.session.set_col_bounds(col, 0.0, 0.0)


def rank_rows(lp: CanonicalLP, face: DualFace) -> RowRanges:
    """Shadow price (rate for raising the limit) and allowable range of every row."""
    m = lp.n_rows
    price = np.zeros(m)
    increase = np.full(m, INF)
    decrease = np.full(m, INF)
    states = lp.row_state()
    jobs: list[tuple[int, float, float]] = []
    for i in range(m):
        if face.free_rows[i]:
            e = np.zeros(m)
            e[i] = 1.0
            slope = face.extreme(e, "min")
            if not np.isfinite(slope):
                # Raising this limit at all leaves no feasible plan: quote the rate for lowering it.
                slope = face.extreme(e, "max")
            if not np.isfinite(slope):
                # Neither way: every decision in the row is fixed (an integer or hand-made plan).
                price[i], increase[i], decrease[i] = np.nan, 0.0, 0.0
                continue
            price[i] = slope
        # A limit whose shadow price is zero can be relaxed without end at that price.
        relaxes_up = states[i] in ("U", "N") and not np.isfinite(lp.row_lower[i])
        relaxes_down = states[i] in ("L", "N") and not np.isfinite(lp.row_upper[i])
        if not (price[i] == 0.0 and relaxes_up):
            jobs.append((i, price[i], +1.0))
        if not (price[i] == 0.0 and relaxes_down):
            jobs.append((i, price[i], -1.0))
    ranging = LimitRanging(lp, jobs)
    for k, (i, _, direction) in enumerate(jobs):
        reach = ranging.reach(k)
        if direction > 0:
            increase[i] = reach
        else:
            decrease[i] = reach
    return RowRanges(price, increase, decrease)


def rank_columns(lp: CanonicalLP, face: DualFace, cols: np.ndarray) -> ColumnRanges:
    """Reduced cost and objective-coefficient range of each column in ``cols``.

    The reduced cost is the rate at which the optimum changes when the
    column is forced one unit up (zero for a column strictly inside its
    bounds); a column at its lower bound may gain ``−reduced cost`` in its
    objective coefficient before it enters the plan.
    """
    k = len(cols)
    reduced = np.zeros(k)
    increase = np.full(k, INF)
    decrease = np.full(k, INF)
    states = face.col_state
    for out, j in enumerate(cols):
        column = lp.matrix.getcol(int(j)).toarray().ravel()
        state = states[j]
        if state == "B":
            increase[out], decrease[out] = face.coefficient_range(int(j))
            continue
        # d_j = c_j − A_jᵀy; its smallest value over the optimal duals is the right derivative.
        rc = lp.cost[j] - face.extreme(column, "max")
        blocked = not np.isfinite(rc)
        if blocked:
            # No plan can take a unit more of it: quote the rate for taking a unit less.
            rc = lp.cost[j] - face.extreme(column, "min")
        if not np.isfinite(rc):
            # Fixed in a row that pins it both ways: it has no rate of change.
            reduced[out] = np.nan
            continue
        if abs(rc) <= ZERO_DUAL * max(1.0, abs(lp.cost[j])):
            rc = 0.0
        reduced[out] = rc
        if state == "L":
            increase[out] = INF if blocked else max(-rc, 0.0)
        elif state == "U":
            decrease[out] = max(lp.cost[j] - face.extreme(column, "min"), 0.0)
    return ColumnRanges(reduced, increase, decrease)
