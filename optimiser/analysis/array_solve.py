"""Solve a :class:`~optimiser.solve.matrix.MatrixForm` (a drawn world) with HiGHS, as a plan or a fixed plan.

Two questions are asked of one drawn world:

``reoptimise``
    The optimum, exactly as :func:`optimiser.solve` finds it: the config's
    objective, then (``max_output`` with ``tie_break``) the cheapest plan
    with that output.

``evaluate`` (a fixed plan)
    What the plan delivers, judged as :func:`optimiser.evaluate` judges a
    hand-made plan, on the same programme: the elastic model of
    :func:`optimiser.evaluate.plan_model` (a slack on every limit of
    :data:`~optimiser.model.rows.PLAN_BREACH_KINDS`, weighted by
    :func:`~optimiser.model.rows.breach_weights`, bounded by
    :func:`~optimiser.model.rows.slack_bounds`), solved by the same two
    stages (:func:`~optimiser.solve.backends.least_breach_then_best_output`:
    least weighted breach, then the best output with the breach held there).
    Only the numbers of each world are set here (weights and slack bounds
    follow the world's limits). The status comes from
    :func:`~optimiser.model.rows.judge_breaches`: ``optimal`` with no breach
    (exactly what ``optimiser.solve(world, plan=plan)`` gives),
    ``over_budget`` when only money falls short (by ``overspend`` yuan),
    ``violates`` with the kinds of limit broken otherwise.

The programme stays loaded in one HiGHS session: a world of the shape
loaded changes only the numbers that differ from the world before (matrix
entries, row and column bounds); a new shape or a new matrix pattern loads
it whole. Each solve then forgets what earlier solves left (factors, edge
weights) and starts from the same basis (found once for the programme as
written), so a draw's numbers do not depend on which draws came before it
or in which process it ran. (Starting from the previous draw's basis
instead was measured: draws are independent, so the previous optimum is no
nearer than the programme's own, and the solves took ten times the
iterations.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..model.formulation import MONEY_SCALE
from ..model.rows import breach_weights, judge_breaches, slack_bounds
from ..solve.backends import least_breach_then_best_output
from ..solve.engine import cost_cap, floor_value, smoothing_limits
from ..solve.highs import PRIMAL_SIMPLEX, Session
from ..solve.matrix import smoothing_block
from ..solve.status import Status
from .program_arrays import ProgramArrays

SMALL_ENTRY = 1e-9
"""HiGHS drops matrix entries this small when a programme is loaded: changing one to or from such a
value changes the matrix's pattern, so the programme is loaded whole instead."""


@dataclass
class DrawOutcome:
    """What one drawn world gives: status, objective, total cost (yuan), compound output per measure."""

    status: str
    objective: float
    total_cost: float
    compound: np.ndarray
    overspend: float = 0.0
    violated: tuple[str, ...] = ()
    basis: Any = field(default=None, repr=False)


def slack_limits(arrays: ProgramArrays) -> np.ndarray:
    """The right-hand side of each slack's row (solver units)."""
    rows = np.asarray(arrays.slack_rows, dtype=np.int64)
    upper, lower = arrays.row_upper[rows], arrays.row_lower[rows]
    return np.where(np.isfinite(upper), upper, lower)


def plan_outcome(
    arrays: ProgramArrays, x: np.ndarray, basis: Any = None, limits: np.ndarray | None = None
) -> DrawOutcome:
    """A fixed plan's outcome from the elastic solution ``x`` of ``arrays`` (whichever solver found it).

    ``limits`` are :func:`slack_limits` of ``arrays`` when the caller has them.
    """
    n_slack = len(arrays.slack_rows)
    amounts = x[arrays.n_cols - n_slack:]
    # Only slacks above zero can breach or add to a total: judge those (the same verdict, far fewer rows).
    positive = np.flatnonzero(amounts > 0.0)
    breaches = judge_breaches(
        [arrays.rows[arrays.slack_rows[i]] for i in positive.tolist()], amounts[positive],
        (slack_limits(arrays) if limits is None else limits)[positive], arrays.static_violations,
    )
    total_cost = float(arrays.cost @ x) / MONEY_SCALE + breaches.unfunded
    output = float(arrays.output @ x)
    objective = total_cost if arrays.mode == "min_cost" else output * arrays.objective_scale
    return DrawOutcome(
        breaches.status, objective, total_cost, arrays.measure @ x,
        overspend=breaches.overspend, violated=breaches.kinds, basis=basis,
    )


class ArraySolver:
    """Solves programmes of one shape, reusing one HiGHS object and one starting basis."""

    def __init__(self, fixed_plan: bool) -> None:
        self.fixed_plan = fixed_plan
        self.session = Session()
        if not fixed_plan:
            # Measured on the Zhejiang draws: about a quarter less time than HiGHS's own choice.
            self.session.set_option("simplex_strategy", PRIMAL_SIMPLEX)
        self._starts: dict[Any, Any] = {}
        self._layouts: dict[Any, _Layout] = {}
        self._second_starts: dict[Any, Any] = {}
        self._first_basis: Any = None
        self._second: Any = None
        self._floor_row = 0
        self._loaded: _Loaded | None = None
        self._shape: tuple[tuple[Any, ...], int] | None = None
        self._shapes: dict[Any, int] = {}
        self._keep_bases = False
        self._costs: np.ndarray | None = None
        """The costs the session holds (None: unknown, set them all)."""

    # -- public ----------------------------------------------------------
    def solve(self, arrays: ProgramArrays) -> DrawOutcome:
        """Solve ``arrays`` (reoptimise, or evaluate the fixed plan)."""
        return self._solve(arrays)  # without the bases: solver state stays in this process

    def _solve(self, arrays: ProgramArrays) -> DrawOutcome:
        n_measures = len(arrays.measures)
        if not self.fixed_plan and arrays.static_violations:
            return _failed("infeasible", n_measures)
        shape = self._shape_of(arrays)
        layout = self._layouts.get(shape)
        if layout is None:
            layout = self._layouts[shape] = _Layout(arrays, self.fixed_plan)
        layout.set_limits(arrays)
        self._load(arrays, layout)
        # Forget earlier solves (factors, edge weights): the answer is the same whatever came before.
        self.session.clear()
        start = self._starts.get(shape)
        if start is not None:
            self.session.set_basis(start)
        if self.fixed_plan:
            return self._evaluate(arrays, layout, shape)
        return self._reoptimise(arrays, layout, shape)

    def _shape_of(self, arrays: ProgramArrays) -> int:
        """A small number standing for ``arrays.shape_key()`` (one per shape this solver has seen).

        The key is a long tuple (every row's and column's name), slow to hash once per world; worlds of
        one fitted programme share its index objects, so those are recognised by identity.
        """
        parts = (arrays.names, arrays.rows, arrays.measures, arrays.static_violations, arrays.slack_rows,
                 arrays.integer, arrays.change_rows, arrays.mode, arrays.tie_break, arrays.smooth, arrays.objective_scale)
        last = self._shape
        if last is not None and all(a is b for a, b in zip(last[0], parts)):
            return last[1]
        number = self._shapes.setdefault(arrays.shape_key(), len(self._shapes))
        self._shape = (parts, number)
        return number

    def remember_start(self, arrays: ProgramArrays) -> None:
        """Solve ``arrays`` once; later programmes of its shape start from its optimal basis.

        Only this basis is ever reused, so a draw's answer does not depend on
        the draws solved before it.
        """
        shape = self._shape_of(arrays)
        self._starts.pop(shape, None)
        self._second_starts.pop(shape, None)
        self._keep_bases = True
        try:
            outcome = self._solve(arrays)
        finally:
            self._keep_bases = False
        if outcome.basis is None:
            return
        if not arrays.integer.any() or self.fixed_plan:
            self._starts[shape], self._second_starts[shape] = outcome.basis

    # -- the two questions ----------------------------------------------
    def _reoptimise(self, arrays: ProgramArrays, layout: _Layout, shape: int) -> DrawOutcome:
        min_cost = arrays.mode == "min_cost"
        primary = arrays.cost if min_cost else arrays.output
        sense = "min" if min_cost else "max"
        status = self._run(primary, sense)
        if status != "optimal":
            return _failed(status, len(arrays.measures))
        basis = self.session.basis() if self._keep_bases else None
        value = self._objective()
        if min_cost and arrays.tie_break:
            # The most output among the cheapest plans, as optimiser.solve picks it.
            self.session.set_row_bounds(self._floor_row, -math.inf, cost_cap(value))
            if self._run(arrays.output, "max") != "optimal":
                self._floor(layout, None)
                self._run(primary, sense)
        elif arrays.tie_break:
            self._floor(layout, value)
            second = self._second_starts.get(shape)
            if second is not None:
                # The cheapest plan of the programme as written: the tie-break starts there rather than
                # at this draw's first optimum (measured on the Zhejiang draws: less than half the iterations).
                self.session.set_basis(second)
            if self._run(arrays.cost, "min") != "optimal":
                self._floor(layout, None)
                self._run(primary, sense)
        x = self._values()[: arrays.n_cols]
        second = self.session.basis() if self._keep_bases else None
        steadier = self._smooth(arrays, x, value)
        if steadier is not None:
            x = steadier
        return DrawOutcome(
            "optimal", value * arrays.objective_scale, float(arrays.cost @ x) / MONEY_SCALE,
            arrays.measure @ x, basis=(basis, second) if self._keep_bases else None,
        )

    def _smooth(self, arrays: ProgramArrays, x: np.ndarray, objective: float) -> np.ndarray | None:
        """The smoothing stage of :func:`optimiser.solve` on a drawn world: the steadiest plan within its share.

        ``x`` is the plan the earlier stages found and ``objective`` the first
        solve's optimum. The stage's rows and columns are removed after, so
        the session holds the world's programme again. None without a
        smoothing stage or when it finds no plan (the earlier plan stands).
        """
        smooth, changes = arrays.smooth, arrays.changes
        if smooth is None or changes is None or not arrays.smooths:
            return None
        session = self.session
        n, n_rows, m = session.n_cols, session.n_rows, changes.shape[0]
        min_cost = arrays.mode == "min_cost"
        first, (lower, upper) = smoothing_limits(
            min_cost, objective, float(arrays.output @ x), float(arrays.cost @ x), smooth)
        session.set_row_bounds(self._floor_row, *first)
        other = arrays.output if min_cost else arrays.cost
        rows, costs = smoothing_block(arrays, n)
        session.add_columns(2 * m)
        self._costs = None
        session.add_rows(np.zeros(m), np.zeros(m), rows.indptr[:-1], rows.indices, rows.data)
        session.add_row(lower, upper, np.concatenate([other, np.zeros(n + 2 * m - len(other))]))
        session.clear()
        try:
            found = self._run(costs, "min")
            return self._values()[: arrays.n_cols] if found == "optimal" else None
        finally:
            session.delete_rows(np.arange(n_rows, session.n_rows))
            session.delete_cols(np.arange(n, session.n_cols))
            self._costs = None
            session.set_row_bounds(self._floor_row, -math.inf, math.inf)

    def _evaluate(self, arrays: ProgramArrays, layout: _Layout, shape: int) -> DrawOutcome:
        self._first_basis = None
        self._second = self._second_starts.get(shape)
        status, _ = least_breach_then_best_output(self, layout.weights_full, arrays.output)
        if status is not Status.OPTIMAL:
            return _failed(status.value, len(arrays.measures))
        bases = (self._first_basis, self.session.basis()) if self._keep_bases else None
        return plan_outcome(arrays, self._values(), bases, layout.limits)

    # -- the elastic programme (see least_breach_then_best_output) ---------
    def solve_costs(self, costs: np.ndarray, sense: str) -> Status:
        self._set_costs(costs)
        return self.session.run(sense=sense)

    def cap_row(self, coefs: np.ndarray, upper: float) -> None:
        """Bound the extra row by ``upper``: it was loaded with ``coefs``, the breach weights (see :class:`_Layout`)."""
        if self._keep_bases:
            self._first_basis = self.session.basis()
        self.session.set_row_bounds(self._floor_row, -math.inf, upper)
        if self._second is not None:
            self.session.set_basis(self._second)

    def values(self) -> np.ndarray:
        return self._values()

    # -- HiGHS -----------------------------------------------------------
    def _load(self, arrays: ProgramArrays, layout: _Layout) -> None:
        """Put ``arrays`` (with the extra row) into the session: only what changed when its pattern is loaded."""
        starts, index, order = layout.matrix_pattern(arrays)
        values = np.concatenate([arrays.a_values, layout.extra_values(arrays)])[order]
        loaded = self._loaded
        sources = (arrays.col_upper, layout.slack_upper, arrays.row_lower, arrays.row_upper)
        if loaded is not None and all(mine is theirs for mine, theirs in zip(loaded.sources, sources)):
            # Bounds of the same arrays as the programme loaded (a fitted world whose limits do not move).
            col_upper, row_lower, row_upper = loaded.col_upper, loaded.row_lower, loaded.row_upper
        else:
            col_upper = arrays.col_upper.copy()
            col_upper[layout.slack_cols] = layout.slack_upper
            row_lower, row_upper = np.append(arrays.row_lower, -math.inf), np.append(arrays.row_upper, math.inf)
        new = _Loaded(layout, starts, index, values, arrays.col_lower, col_upper, row_lower, row_upper, sources)
        self._loaded = None  # until the session holds ``new``
        if loaded is None or not loaded.update(self.session, new):
            self.session.load(
                (starts, index, values), new.col_lower, new.col_upper, new.row_lower, new.row_upper,
                None if self.fixed_plan else arrays.integer, what="a drawn programme",
            )
            self._costs = None
            new.loaded_as_is()
        self._loaded = new
        self._floor_row = arrays.n_rows

    def _floor(self, layout: _Layout, value: float | None) -> None:
        lower = -math.inf if value is None else floor_value(value)
        self.session.set_row_bounds(self._floor_row, lower, math.inf)

    def _run(self, costs: np.ndarray, sense: str) -> str:
        self._set_costs(costs)
        return self.session.run(sense=sense).value

    def _set_costs(self, costs: np.ndarray) -> None:
        """Give the session ``costs``, sending only those that differ from the costs it holds.

        The two stages of a fixed plan's solve alternate between the breach
        weights and the output (nonzero on different columns): half the
        columns are sent each time rather than all.
        """
        held = self._costs
        if held is None or len(held) != len(costs):
            self.session.set_costs(costs)
        else:
            cols = np.flatnonzero(costs != held)
            if len(cols):
                self.session.set_costs(costs[cols], cols=cols)
        self._costs = np.array(costs, dtype=float)

    def _objective(self) -> float:
        return self.session.objective()

    def _values(self) -> np.ndarray:
        return self.session.values()


@dataclass(eq=False)
class _Loaded:
    """The numbers a session stands for: the pattern (column starts, row index) and every value and bound.

    A matrix entry on a fixed column (lower bound = upper bound) adds a
    constant to its row, so when only such entries move the session keeps its
    matrix (``held``) and the rows' limits move instead, by what the new
    entries add beyond the held ones (``shift``, per row): the same
    programme, changed by one call on row limits rather than one call per
    entry. The extra row is never shifted (its limit is set by the solves).
    """

    layout: _Layout
    starts: np.ndarray
    index: np.ndarray
    values: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    sources: tuple[Any, ...] = ()
    """The arrays the bounds were made from (column upper bounds, slack bounds, row limits)."""
    held: np.ndarray | None = None
    shift: np.ndarray | None = None

    def loaded_as_is(self) -> None:
        """The session holds exactly these numbers (a whole load)."""
        self.held = self.values
        self.shift = np.zeros(len(self.row_lower))

    def update(self, session: Session, new: _Loaded) -> bool:
        """Change the numbers in ``session`` from these to ``new``'s; False (nothing changed) if the pattern differs."""
        if new.layout is not self.layout or new.starts is not self.starts or new.index is not self.index:
            return False
        assert self.held is not None and self.shift is not None
        held = self.held
        moved = np.flatnonzero(new.values != held)
        fold = np.zeros(0, dtype=np.int64)
        if len(moved):
            entry_cols = np.searchsorted(self.starts, moved, side="right") - 1
            fixed = new.col_lower[entry_cols] == new.col_upper[entry_cols]
            fixed &= np.isfinite(new.col_lower[entry_cols]) & (self.index[moved] < len(new.row_lower) - 1)
            fold, change, change_cols = moved[fixed], moved[~fixed], entry_cols[~fixed]
            if len(change):
                before, after = held[change], new.values[change]
                if np.any(np.abs(before) <= SMALL_ENTRY) or np.any(np.abs(after) <= SMALL_ENTRY):
                    return False
                session.set_coefficients(self.index[change], change_cols, after)
                held = held.copy()
                held[change] = after
            fold_cols = entry_cols[fixed]
        shift: np.ndarray
        if len(fold):
            shift = np.bincount(self.index[fold], weights=(new.values[fold] - held[fold]) * new.col_lower[fold_cols],
                                minlength=len(new.row_lower))
        else:
            shift = np.zeros(len(new.row_lower))
        new.held, new.shift = held, shift
        changed = shift != self.shift
        if new.row_lower is not self.row_lower or new.row_upper is not self.row_upper:
            changed |= (new.row_lower != self.row_lower) | (new.row_upper != self.row_upper)
        changed[-1] = True  # the extra row: free, as loaded (the solves set its limit)
        rows = np.flatnonzero(changed)
        session.set_row_bounds(rows, new.row_lower[rows] - shift[rows], new.row_upper[rows] - shift[rows])
        if new.col_lower is not self.col_lower or new.col_upper is not self.col_upper:
            cols = np.flatnonzero((new.col_lower != self.col_lower) | (new.col_upper != self.col_upper))
            if len(cols):
                session.set_col_bounds(cols, new.col_lower[cols], new.col_upper[cols])
        return True


class _Layout:
    """Where the extra row goes and, with a fixed plan, the breach slacks' weights and bounds.

    The extra row holds the primary objective on every column (the
    tie-break floor of a re-optimisation), or the breach weights on the
    slack columns (the cap of the least-breach-then-best-output solve).
    """

    def __init__(self, arrays: ProgramArrays, fixed_plan: bool) -> None:
        n_cols = arrays.n_cols
        self.n_cols = n_cols
        self.fixed_plan = fixed_plan
        self.n_slack = len(arrays.slack_rows) if fixed_plan else 0
        self.slack_cols = np.arange(n_cols - self.n_slack, n_cols, dtype=np.int64)
        self.slack_rows = np.asarray(arrays.slack_rows if fixed_plan else (), dtype=np.int64)
        self.kinds = [arrays.kinds[r] for r in self.slack_rows]
        self.hours = np.flatnonzero(np.array([kind == "teacher_hours" for kind in self.kinds], dtype=bool))
        self.extra_cols = self.slack_cols if fixed_plan else np.arange(n_cols, dtype=np.int64)
        self.weights = np.zeros(self.n_slack)
        self.weights_full = np.zeros(n_cols)
        self.slack_upper = np.full(self.n_slack, math.inf)
        self.limits = np.zeros(self.n_slack)
        """The slacks' limits (:func:`slack_limits`) of the programme last given to :meth:`set_limits`."""
        self._limits_of: tuple[np.ndarray, np.ndarray] | None = None
        self._pattern: tuple[Any, ...] | None = None
        self._n_rows = arrays.n_rows
        self._limits: tuple[np.ndarray, np.ndarray] | None = None
        self._entries: tuple[Any, ...] | None = None
        self._fixed_entries: tuple[Any, ...] | None = None

    def set_limits(self, arrays: ProgramArrays) -> None:
        """Breach weights and slack bounds from this programme's limits (the rules of the PuLP model)."""
        if not self.n_slack:
            return
        if self._limits_of is None or not (self._limits_of[0] is arrays.row_lower
                                           and self._limits_of[1] is arrays.row_upper):
            self.limits = slack_limits(arrays)
            self._limits_of = (arrays.row_lower, arrays.row_upper)
        limits = self.limits
        fixed_activity = self._fixed_activity(arrays)
        known = self._limits
        if known is not None and np.array_equal(known[0], limits) and np.array_equal(known[1], fixed_activity):
            return
        self._limits = (limits, fixed_activity)
        self.weights = breach_weights(self.kinds, limits)
        self.weights_full = np.zeros(self.n_cols)
        self.weights_full[self.slack_cols] = self.weights
        self.slack_upper = slack_bounds(self.kinds, limits, fixed_activity)

    def _fixed_activity(self, arrays: ProgramArrays) -> np.ndarray:
        """Each teaching-hours slack row's activity from fixed columns (the plan's units); 0 for other slacks."""
        activity: np.ndarray = np.zeros(self.n_slack)
        if not len(self.hours):
            return activity
        cols, rows, inside = self._hours_entries(arrays)
        cached = self._fixed_entries
        if cached is not None and cached[0] is inside and cached[1] is arrays.col_lower and cached[2] is arrays.col_upper:
            use, use_rows, units = cached[3:]
        else:
            n = arrays.n_cols
            fixed = (arrays.col_lower == arrays.col_upper) & (np.arange(n) < n - self.n_slack)
            use = inside[fixed[cols[inside]]]
            use_rows, units = rows[use], arrays.col_lower[cols[use]]
            self._fixed_entries = (inside, arrays.col_lower, arrays.col_upper, use, use_rows, units)
        sums = np.bincount(use_rows, weights=arrays.a_values[use] * units, minlength=arrays.n_rows)
        activity[self.hours] = sums[self.slack_rows[self.hours]]
        return activity

    def _hours_entries(self, arrays: ProgramArrays) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Column and row of every matrix entry, and which entries lie in teaching-hours slack rows (per pattern)."""
        pattern = (arrays.csc.indices, arrays.csc.indptr)
        cached = self._entries
        if cached is not None and all(
            mine is theirs or np.array_equal(mine, theirs) for mine, theirs in zip(cached[0], pattern)
        ):
            return cached[1], cached[2], cached[3]
        cols, rows = np.divmod(arrays.a_keys, arrays.n_rows)
        inside = np.flatnonzero(np.isin(rows, self.slack_rows[self.hours]))
        self._entries = (pattern, cols, rows, inside)
        return cols, rows, inside

    def extra_values(self, arrays: ProgramArrays) -> np.ndarray:
        if self.fixed_plan:
            return self.weights
        return arrays.cost if arrays.mode == "min_cost" else arrays.output

    def matrix_pattern(self, arrays: ProgramArrays) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Column starts, row indices and the order that puts [matrix, extra row] values column by column.

        Worlds of one fitted programme share the matrix pattern (the same index arrays), so it is
        worked out once.
        """
        pattern = (arrays.csc.indices, arrays.csc.indptr)
        cached = self._pattern
        if cached is not None and all(
            mine is theirs or np.array_equal(mine, theirs) for mine, theirs in zip(cached[0], pattern)
        ):
            return cached[1:]  # type: ignore[return-value]
        matrix_cols, matrix_rows = np.divmod(arrays.a_keys, self._n_rows)
        rows = np.concatenate([matrix_rows, np.full(len(self.extra_cols), self._n_rows)])
        cols = np.concatenate([matrix_cols, self.extra_cols])
        order = np.lexsort((rows, cols))
        counts = np.zeros(self.n_cols + 1, dtype=np.int64)
        np.add.at(counts, cols + 1, 1)
        starts = np.cumsum(counts).astype(np.int32)
        index = rows[order].astype(np.int32)
        self._pattern = (pattern, starts, index, order)
        return starts, index, order


def _failed(status: str, n_measures: int) -> DrawOutcome:
    return DrawOutcome(status, math.nan, math.nan, np.full(n_measures, math.nan))


__all__ = ["ArraySolver", "DrawOutcome", "plan_outcome", "slack_limits"]
