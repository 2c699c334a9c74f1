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
    :func:`~optimiser.model.rows.slack_bounds`), with the answer of its two
    stages to the second stage's tolerance on breach
    (:func:`~optimiser.solve.backends.least_breach_then_best_output`: least
    weighted breach, then the best output with the breach held there).
    A draw first tries both at once (:meth:`ArraySolver._at_once`: breach
    weighed far above output, the plan taken only when its basis is shown
    optimal for the breach alone) and runs the two stages only when that
    cannot be shown. Only the numbers of each world are set here (weights
    and slack bounds follow the world's limits). The status comes from
    :func:`~optimiser.model.rows.judge_breaches`: ``optimal`` with no breach
    (exactly what ``optimiser.solve(world, plan=plan)`` gives),
    ``over_budget`` when only money falls short (by ``overspend`` yuan),
    ``violates`` with the kinds of limit broken otherwise.

The programme stays loaded in one HiGHS session: a world of the shape
loaded changes only the numbers that differ from the world before (matrix
entries, row and column bounds); a new shape or a new matrix pattern loads
it whole. With a fixed plan the session holds the programme without what
the plan alone decides (:class:`_Reduced`: its fixed columns and the rows
left with nothing free but their own slack). Each solve then forgets what
earlier solves left (factors, edge weights) and starts from the same basis
(found once for the programme as written), so a draw's numbers do not
depend on which draws came before it or in which process it ran. (Starting
from the previous draw's basis instead was measured: draws are
independent, so the previous optimum is no nearer than the programme's
own, and the solves took ten times the iterations.)

Measured on 1,000 draws of configs/zhejiang_uncertain.yaml with its optimal
plan fixed (two cores, one process), and not kept:

- skipping HiGHS where an optimal basis already known still holds (the
  least breach needs only its value, unique whatever the basis): the
  first-stage bases of 200 draws (105 different ones) were optimal for only
  57 % of the other 800, and checking them cost more than the solves saved;
  the second stage's optimum is never unique (hundreds of zero reduced
  costs: which source pays, which teachers teach), so a basis found
  elsewhere would not give the plan the solve gives.
- the second stage from the first stage's optimum instead of the
  programme's own second basis: 180 iterations a draw instead of 13.
- starting bases from the world at the distributions' medians or the
  draws' mean instead of the programme as written: no faster.
- keeping the solver's state from one draw to the next (no clearing, the
  starting basis still set): no faster, and the numbers then depend on the
  order of the draws (the same 1,000 draws run forward, backward and
  shuffled gave three different tables).
- HiGHS's Devex or Dantzig pricing instead of its choice, no presolve, no
  scaling: within the noise (a run that needs no iteration still costs
  about 0.17 ms: the factorisation and set-up after the solver's state is
  cleared, which the order-independence above needs).
- fixing the forced slacks at their amounts but keeping them and their
  rows in the session: 6.1 and 12.3 iterations instead of 6.6 and 12.8,
  and no faster (the rows, basic, still cost their share of every
  iteration); leaving them out (:class:`_Reduced`) is what pays: 3.9 and
  7.4 iterations, and 0.73 s inside HiGHS for the 1,000 draws instead of
  1.07 s (the bookkeeping around the solves, about 0.6 s, is now the
  larger part).

The bookkeeping of a fixed plan's draws, measured the same way (CPU time
inside each part, ``time.process_time`` around it, the 1,000 draws; cProfile
makes the small calls look dearer than they are):

- working out the session's numbers (:class:`_Reduced`) and the slack
  bounds one draw at a time took 0.18 s, with the fitted programme of each
  draw built (0.05 s) and its limits set (0.03 s) besides; for a hundred
  draws at once (:meth:`ArraySolver.solve_fitted`, :meth:`_Reduced.block`)
  about 0.04 s in all. The sums are sparse products, which add each draw's
  entries in one order whatever the other draws (a dense product may not),
  so a draw gets the same numbers alone as in a block.
- :meth:`Session.set_row_bounds <optimiser.solve.highs.Session.set_row_bounds>`
  converts its arguments on every call (about 60 µs a call with the
  caches cold after a solve, 0.12 s for the two calls of each draw); the
  block's limits are put in HiGHS's units once and sent straight, as are
  the extra row's limit and the costs that change: 0.03 s.
- judging the breaches (:func:`~optimiser.model.rows.judge_breaches`):
  35 µs a draw to 15 µs timed alone (in the run, with the caches cold after
  each solve, 0.052 s to 0.043 s) with each kind's least breach looked up
  once and the money summed in one pass (the same verdicts and sums).
- the slacks' kinds: a property that walks every row, read once per slack
  when a layout was made (0.02 s a run); now read once.
- two draws of one block compared only where the block's draws differ
  (here 24 row limits of 379 and no matrix entry): 0.066 s to 0.055 s.
- the breach weights cut to the session's columns once per layout instead
  of once per draw, and costs sent without a second copy: 0.049 s to
  0.045 s, within the noise.
- did not pay: the measure and output of every draw of a block made at
  once (a hundred copies of an 18 by 600 table: 0.02 s a run, against
  0.003 s copying one a draw).
- left then: HiGHS's solution read twice a draw (about 20 µs each: it
  comes back as Python lists), two row-limit and two cost changes, the
  clearing and the starting basis, the outcome (:func:`plan_outcome`, about
  30 µs with the judgement): about 0.37 ms a draw in all, against 0.7 ms
  inside HiGHS.

What then paid: one solve a draw instead of two (:meth:`ArraySolver._at_once`).
The two stages took 5.8 and 11.6 iterations a draw on average (counted
again for this change) and 0.34 ms each, of which about 0.1 ms is a run's
fixed cost; minimising ``scale * breach - output`` from its own starting
basis (the programme as written, solved so) takes 11 to 14 iterations in
one run, and all 1,000 draws passed the check that the plan breaches
least: 0.36-0.39 s inside HiGHS instead of 0.69 s, for about 0.08 ms of
checking a draw (one transposed solve with the factors HiGHS keeps, and
the reduced costs of the breach weights, :meth:`Session.still_optimal
<optimiser.solve.highs.Session.still_optimal>`, which now looks only at
entries whose reduced cost is not zero). From the first stage's starting
basis the single solve took 105 to 164 iterations: it needs its own. How
much breach outweighs output (:data:`AT_ONCE_WEIGHT`) hardly matters on
these programmes: every draw tried still passed with a weight of 1e-9; at
1e-12 about half were refused (their plans breached more than the least by
over 1e-7 of it) and ran both stages.
Also: each elastic model's slack weights and bounds worked out for all its
rows at once (:meth:`~optimiser.model.rows.RowBook.settle_slacks`) instead
of with numpy calls per row, and PuLP's warning about its next version no
longer raised per variable: 16 ms to 10 ms a build, 0.20 s to 0.15 s for the
fit's eleven.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..model.formulation import MONEY_SCALE
from ..model.rows import breach_weights, judge_breaches, slack_bounds
from ..solve.backends import least_breach_then_best_output
from ..solve.engine import cost_cap, floor_value, smoothing_limits
from ..solve.highs import INF, PRIMAL_SIMPLEX, Session, finite
from ..solve.matrix import Csc, smoothing_block
from ..solve.status import Status
from .parameters import COLUMN_BOUNDS, ROW_BOUNDS, ParameterEffect
from .program_arrays import ProgramArrays

AT_ONCE_WEIGHT = 10.0
"""How much more than the largest output coefficient a unit of the smallest breach weighs in
:meth:`ArraySolver._at_once`."""
AT_ONCE_LARGEST = 1e9
"""Above this weight on breach the single solve is not tried (costs so far apart strain the solver's tolerances)."""
SMALL_ENTRY = 1e-9
"""HiGHS drops matrix entries this small when a programme is loaded: changing one to or from such a
value changes the matrix's pattern, so the programme is loaded whole instead."""


@dataclass
class DrawOutcome:
    """What one drawn world gives: status, objective, total cost (yuan), compound output per measure, and the
    weighted output of the plan (below a re-optimised objective by what the smoothing stage gave up)."""

    status: str
    objective: float
    total_cost: float
    compound: np.ndarray
    overspend: float = 0.0
    violated: tuple[str, ...] = ()
    basis: Any = field(default=None, repr=False)
    weighted_output: float = math.nan


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
        overspend=breaches.overspend, violated=breaches.kinds, basis=basis, weighted_output=output,
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
        self._last_starts: dict[Any, Any] = {}
        """Where a draw's last solve starts: a fixed plan's single solve (:meth:`_at_once`), a re-optimised
        plan's smoothing stage (:meth:`_smooth`)."""
        self._first_basis: Any = None
        self._second: Any = None
        self._floor_row = 0
        self._loaded: _Loaded | None = None
        self._shape: tuple[tuple[Any, ...], int] | None = None
        self._shapes: dict[Any, int] = {}
        self._keep_bases = False
        self._start_forms: dict[int, tuple[bytes, bytes] | None] = {}
        self._reduced: _Reduced | None = None
        """With a fixed plan: the programme as the session holds it, without what the plan decides."""
        self._held: _Held | None = None
        self._outside: np.ndarray | None = None
        """With a fixed plan: the values of the columns left out of the session (zero on those in it)."""
        self._costs: np.ndarray | None = None
        """The costs the session holds (None: unknown, set them all)."""
        self._cap = np.zeros(2)
        self._cap_lower = np.array([-INF])
        """The extra row and its limit as :meth:`cap_row` sends them, and its lower limit (none)."""
        self._worlds: _Worlds | None = None
        self._kept_costs: tuple[np.ndarray, _Reduced, np.ndarray] | None = None
        """The last costs given to :meth:`solve_costs`, the form they were cut to, and the cut."""
        """The fitted worlds last worked out together (:meth:`solve_fitted`)."""

    # -- public ----------------------------------------------------------
    def solve(self, arrays: ProgramArrays) -> DrawOutcome:
        """Solve ``arrays`` (reoptimise, or evaluate the fixed plan)."""
        return self._solve(arrays)  # without the bases: solver state stays in this process

    def solve_fitted(self, effect: ParameterEffect, values: np.ndarray, world: int, first: int | None = None) -> DrawOutcome:
        """Solve world ``world`` of a fitted programme: ``effect.at(values[world - first])``, the same outcome.

        ``values`` are key values, one row per world, starting at world ``first`` (``None``: ``values`` is
        this world's row alone). With a fixed plan the numbers the session needs (:class:`_Reduced`) are
        worked out for all these worlds at once and kept, so that the next worlds asked for (in ``values``)
        only load and solve; each world's numbers are those it gets alone (:meth:`_Reduced.block`), so
        the outcome does not depend on which worlds were worked out with it.
        """
        rows = np.atleast_2d(np.asarray(values, dtype=float))
        start = world if first is None else first
        return self.work_out(effect, rows, start, world).solve(self, world)

    def work_out(self, effect: ParameterEffect, values: np.ndarray, first: int, world: int | None = None) -> _Worlds:
        """The worlds ``first, first + 1, ...`` of key values ``values`` (one row each) worked out together and
        kept for :meth:`solve_fitted`, unless the worlds kept already hold world ``world`` (default ``first``)
        at its values."""
        world = first if world is None else world
        worlds = self._worlds
        if worlds is None or worlds.effect is not effect or not worlds.holds(world, values[world - first]):
            worlds = self._worlds = _Worlds(self, effect, values, first)
        return worlds

    def _solve(self, arrays: ProgramArrays) -> DrawOutcome:
        n_measures = len(arrays.measures)
        if not self.fixed_plan and arrays.static_violations:
            return _failed("infeasible", n_measures)
        shape = self._shape_of(arrays)
        layout = self._layouts.get(shape)
        if layout is None:
            layout = self._layouts[shape] = _Layout(arrays, self.fixed_plan)
        layout.set_limits(arrays)
        if self.fixed_plan:
            if not self._load_reduced(arrays, layout):
                return _failed(Status.INFEASIBLE.value, n_measures)
        else:
            self._load(arrays, layout)
        # Forget earlier solves (factors, edge weights): the answer is the same whatever came before.
        self.session.clear()
        start = self._starts.get(shape) if self._start_holds(shape) else None
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
        self._last_starts.pop(shape, None)
        self._start_forms.pop(shape, None)
        self._keep_bases = True
        try:
            outcome = self._solve(arrays)
        finally:
            self._keep_bases = False
        if outcome.basis is None:
            return
        if not arrays.integer.any() or self.fixed_plan:
            self._starts[shape], self._second_starts[shape], *last = outcome.basis
            if last and last[0] is not None:
                self._last_starts[shape] = last[0]
            self._start_forms[shape] = None if self._reduced is None else self._reduced.signature

    def _start_holds(self, shape: int) -> bool:
        """Whether the starting bases of ``shape`` are of the programme the session holds now.

        With a fixed plan the session holds the :class:`_Reduced` form; a world
        whose bounds fix other columns has another, and starts afresh.
        """
        form = self._start_forms.get(shape)
        return form is None or (self._reduced is not None and form == self._reduced.signature)

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
        steadier = self._smooth(arrays, x, value, self._last_starts.get(shape) if self._start_holds(shape) else None)
        smoothed = None
        if steadier is not None:
            x, smoothed = steadier
        return DrawOutcome(
            "optimal", value * arrays.objective_scale, float(arrays.cost @ x) / MONEY_SCALE,
            arrays.measure @ x, basis=(basis, second, smoothed) if self._keep_bases else None,
            weighted_output=float(arrays.output @ x),
        )

    def _smooth(
        self, arrays: ProgramArrays, x: np.ndarray, objective: float, start: Any = None,
    ) -> tuple[np.ndarray, Any] | None:
        """The smoothing stage of :func:`optimiser.solve` on a drawn world: the steadiest plan within its share.

        ``x`` is the plan the earlier stages found and ``objective`` the first
        solve's optimum; ``start`` the stage's optimal basis for the programme
        as written (the same for every draw, so no draw depends on another),
        else the stage starts from scratch. Its tie weights make the steadiest
        plan unique, so the start changes only the time: on 300 re-optimised
        draws of configs/zhejiang_uncertain.yaml, 126 iterations a draw and
        2.2 s for the run against 5.1 s from scratch, the same table to 1e-10
        (by the session's primal simplex; dual simplex from the start: 2.7 s).
        Returns the plan and, when bases are kept, the stage's basis (else
        None). The stage's rows and columns are removed after, so the session
        holds the world's programme again. None without a smoothing stage or
        when it finds no plan (the earlier plan stands).
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
        if start is not None:
            session.set_basis(start)
        try:
            found = self._run(costs, "min")
            if found != "optimal" and start is not None:
                # Numerical trouble from the start (the plan found before meets every limit): from scratch.
                session.clear()
                found = self._run(costs, "min")
            if found != "optimal":
                return None
            return self._values()[: arrays.n_cols], session.basis() if self._keep_bases else None
        finally:
            session.delete_rows(np.arange(n_rows, session.n_rows))
            session.delete_cols(np.arange(n, session.n_cols))
            self._costs = None
            session.set_row_bounds(self._floor_row, -math.inf, math.inf)

    def _evaluate(self, arrays: ProgramArrays, layout: _Layout, shape: int) -> DrawOutcome:
        self._first_basis = None
        holds = self._start_holds(shape)
        once = self._last_starts.get(shape) if holds else None
        if once is not None and not self._keep_bases:
            self.session.set_basis(once)
            x = self._at_once(layout.weights_full, arrays.output)
            if x is not None:
                return plan_outcome(arrays, x, None, layout.limits)
            # The single solve could not show its plan breaches least: the two stages, as the plain path.
            self.session.clear()
            start = self._starts.get(shape)
            if start is not None:
                self.session.set_basis(start)
        self._second = self._second_starts.get(shape) if holds else None
        status, _ = least_breach_then_best_output(self, layout.weights_full, arrays.output)
        if status is not Status.OPTIMAL:
            return _failed(status.value, len(arrays.measures))
        x = self.values()
        bases: tuple[Any, ...] | None = None
        if self._keep_bases:
            bases = (self._first_basis, self.session.basis())
            # The single solve's own start, from the second stage's optimum.
            if self._at_once(layout.weights_full, arrays.output) is not None:
                bases = (*bases, self.session.basis())
        return plan_outcome(arrays, x, bases, layout.limits)

    def _at_once(self, weights: np.ndarray, output: np.ndarray) -> np.ndarray | None:
        """:func:`least_breach_then_best_output` in one solve, or ``None`` when one solve cannot show it.

        Minimises ``scale * weights - output`` (the extra row free), then asks
        whether the basis found is optimal for ``weights`` alone
        (:meth:`Session.still_optimal`: one transposed solve with the factors
        HiGHS kept). If it is, the plan breaches least, and of the plans that
        breach that little none delivers more (one would cost less by the
        combined measure), whatever ``scale``: the two stages' answer without
        the tolerance the second stage allows the breach. ``scale`` only makes
        the check pass more often (breach outweighs output). Returns the
        solution, every column of the programme.
        """
        held, reduced = self._held, self._reduced
        if held is None or reduced is None:
            return None
        kept_weights, kept_output = weights[reduced.keep_cols], output[reduced.keep_cols]
        positive = kept_weights[kept_weights > 0]
        scale = AT_ONCE_WEIGHT * max(float(np.abs(kept_output).max(initial=0.0)), 1.0)
        if len(positive):
            scale /= float(positive.min())
        if not math.isfinite(scale) or scale > AT_ONCE_LARGEST:
            return None
        free = np.array([self._floor_row], dtype=np.int32)
        self.session.raw.changeRowsBounds(1, free, self._cap_lower, -self._cap_lower)  # type: ignore[attr-defined]
        self._set_costs(scale * kept_weights - kept_output, own=True)
        if self.session.run(sense="min") is not Status.OPTIMAL:
            return None
        # The numbers held have the extra row free, as it is now.
        a = reduced.matrix.with_data(held.values)
        bounds = (held.col_lower, held.col_upper, held.row_lower, held.row_upper)
        if not self.session.still_optimal(kept_weights, a, *bounds):
            return None
        return self.values()

    # -- the elastic programme (see least_breach_then_best_output) ---------
    def solve_costs(self, costs: np.ndarray, sense: str) -> Status:
        reduced = self._reduced
        if reduced is None:
            self._set_costs(costs)
        else:
            known = self._kept_costs
            if known is not None and known[0] is costs and known[1] is reduced:
                kept = known[2]  # the breach weights: the same array every world of a layout
            else:
                kept = costs[reduced.keep_cols]
                self._kept_costs = (costs, reduced, kept)
            self._set_costs(kept, own=True)
        return self.session.run(sense=sense)

    def cap_row(self, coefs: np.ndarray, upper: float) -> None:
        """Bound the extra row by ``upper``: it was loaded with ``coefs``, the breach weights (see :class:`_Layout`).

        Columns left out of the session (:class:`_Reduced`) add their fixed share of ``coefs`` to the row.
        """
        if self._keep_bases:
            self._first_basis = self.session.basis()
        if self._reduced is not None and self._outside is not None:
            upper -= float(coefs @ self._outside)
        self._cap[0], self._cap[1] = self._floor_row, min(max(upper, -INF), INF)  # as Session.set_row_bounds sends it
        self.session.raw.changeRowsBounds(  # type: ignore[attr-defined]
            1, self._cap[:1].astype(np.int32), self._cap_lower, self._cap[1:])
        if self._second is not None:
            self.session.set_basis(self._second)

    def values(self) -> np.ndarray:
        """The solution, every column of the programme (those left out of the session at their values)."""
        reduced, outside = self._reduced, self._outside
        if reduced is None or outside is None:
            return self._values()
        x = outside.copy()
        x[reduced.keep_cols] = self._values()[: len(reduced.keep_cols)]
        return x

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

    def _load_reduced(self, arrays: ProgramArrays, layout: _Layout) -> bool:
        """Put a fixed plan's elastic programme into the session without what the plan decides (:class:`_Reduced`).

        Only what differs from the numbers the session holds is sent. False
        when a slack the plan decides cannot meet its row within its bounds:
        the elastic programme has no solution (the solve would find it
        infeasible).
        """
        reduced = self._reduced
        if reduced is None or not reduced.fits(arrays, layout):
            reduced = self._reduced = _Reduced(arrays, layout)
            self._held = None
        return self._hold(reduced.numbers(arrays, layout))

    def _hold(self, numbers: _Held | None) -> bool:
        """Put ``numbers`` (of ``self._reduced``) into the session; False when there are none (no solution)."""
        if numbers is None:
            self._outside = None
            return False
        reduced = numbers.form
        held, self._held = self._held, None  # until the session holds ``numbers``
        if held is None or not held.update(self.session, numbers):
            self.session.load(
                (reduced.starts, reduced.index, numbers.values), numbers.col_lower, numbers.col_upper,
                numbers.row_lower, numbers.row_upper, what="a drawn programme",
            )
            self._costs = None
        self._held = numbers
        self._outside = numbers.outside
        self._floor_row = reduced.n_rows
        return True

    def _floor(self, layout: _Layout, value: float | None) -> None:
        lower = -math.inf if value is None else floor_value(value)
        self.session.set_row_bounds(self._floor_row, lower, math.inf)

    def _run(self, costs: np.ndarray, sense: str) -> str:
        self._set_costs(costs)
        return self.session.run(sense=sense).value

    def _set_costs(self, costs: np.ndarray, own: bool = False) -> None:
        """Give the session ``costs``, sending only those that differ from the costs it holds.

        The two stages of a fixed plan's solve alternate between the breach
        weights and the output (nonzero on different columns): half the
        columns are sent each time rather than all.
        """
        held = self._costs
        if not own:  # ``own``: an array of floats nobody changes, kept as it is
            costs = np.array(costs, dtype=float)
        if held is None or len(held) != len(costs):
            self.session.set_costs(costs)
        else:
            cols = np.flatnonzero(costs != held)
            if len(cols):
                self.session.raw.changeColsCost(len(cols), cols.astype(np.int32), costs[cols])
        self._costs = costs

    def _objective(self) -> float:
        return self.session.objective()

    def _values(self) -> np.ndarray:
        return self.session.values()


class _Worlds:
    """Worlds of one fitted programme worked out together for :meth:`ArraySolver.solve_fitted`.

    The moving numbers of every world at once (:meth:`ParameterEffect.moved`) and, with a fixed plan
    whose bounds do not move, the numbers of the session (:meth:`_Reduced.block`); other worlds (a
    re-optimised plan, moving bounds, a forced slack whose entry vanishes) are solved one by one as
    :meth:`ArraySolver.solve` solves them.
    """

    def __init__(self, solver: ArraySolver, effect: ParameterEffect, values: np.ndarray, first: int) -> None:
        self.effect = effect
        self.first, self.stop = first, first + len(values)
        self.values = values
        self.moved = effect.moved(values)
        self.block: _Block | None = None
        self.fits = np.zeros(len(values), dtype=bool)
        self.shape = -1
        self.layout: _Layout | None = None
        base = effect.base
        if not solver.fixed_plan or effect.parts() & (ROW_BOUNDS | COLUMN_BOUNDS):
            return
        self.shape = solver._shape_of(base)
        layout = solver._layouts.get(self.shape)
        if layout is None:
            layout = solver._layouts[self.shape] = _Layout(base, solver.fixed_plan)
        layout.set_limits(base)
        self.layout = layout
        reduced = solver._reduced
        if reduced is None or not reduced.fits(base, layout):
            reduced = _Reduced(base, layout)
        data = self.data = effect.matrix_values(self.moved)
        self.fits = np.all(np.abs(data[:, reduced.forced_entry]) > SMALL_ENTRY, axis=1)
        self.block = reduced.block(base, data, layout.slack_uppers(base, data), layout.weights)

    def holds(self, world: int, values: np.ndarray) -> bool:
        """Whether world ``world``, of key values ``values``, is one of these."""
        return self.first <= world < self.stop and bool((self.values[world - self.first] == values).all())

    def solve(self, solver: ArraySolver, world: int) -> DrawOutcome:
        row = world - self.first
        block = self.block
        if block is None or self.layout is None or not self.fits[row] or solver._layouts.get(self.shape) is not self.layout:
            return solver.solve(self.effect.with_moved(self.moved[row]))
        arrays = self.effect.with_moved(self.moved[row], self.data[row])
        if solver._shape_of(arrays) != self.shape:
            return solver.solve(arrays)
        if solver._reduced is not block.form:
            solver._reduced, solver._held = block.form, None
        if not solver._hold(block.held(row)):
            return _failed(Status.INFEASIBLE.value, len(arrays.measures))
        solver.session.clear()
        start = solver._starts.get(self.shape) if solver._start_holds(self.shape) else None
        if start is not None:
            solver.session.set_basis(start)
        return solver._evaluate(arrays, self.layout, self.shape)


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


@dataclass(eq=False)
class _Held:
    """The numbers of a :class:`_Reduced` programme in the session: matrix values (in pattern order) and bounds."""

    form: _Reduced
    values: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    outside: np.ndarray
    block: _Block | None = None
    """The block of worlds these numbers are a row of."""

    def update(self, session: Session, new: _Held) -> bool:
        """Change the session from these numbers to ``new``'s; False (nothing changed) if an entry crosses
        :data:`SMALL_ENTRY` (the pattern HiGHS keeps would change) or the sizes differ."""
        if new.form is not self.form:
            return False
        block = new.block if new.block is not None and new.block is self.block else None
        if block is not None:
            # Two worlds of one block differ only where the block's worlds do: compare there alone.
            values_at, rows_at, cols_at = block.varying()
            moved = values_at[new.values[values_at] != self.values[values_at]]
        else:
            moved = np.flatnonzero(new.values != self.values)
        if len(moved):
            before, after = self.values[moved], new.values[moved]
            if np.any(np.abs(before) <= SMALL_ENTRY) or np.any(np.abs(after) <= SMALL_ENTRY):
                return False
            session.set_coefficients(self.form.index[moved], self.form.entry_cols[moved], after)
        # The extra row is always sent: free, as loaded (the solves set its limit).
        last = len(new.row_lower) - 1
        if block is not None:
            changed = (new.row_lower[rows_at] != self.row_lower[rows_at]) | (new.row_upper[rows_at] != self.row_upper[rows_at])
            rows = np.append(rows_at[changed], last).astype(np.int32)
        else:
            changed = (new.row_lower != self.row_lower) | (new.row_upper != self.row_upper)
            changed[last] = True
            rows = np.flatnonzero(changed).astype(np.int32)
        # Straight to HiGHS: the bounds are in its units already (see _Reduced.block).
        session.raw.changeRowsBounds(  # type: ignore[attr-defined]
            len(rows), rows, new.row_lower[rows], new.row_upper[rows])
        if block is not None:
            cols = cols_at[(new.col_lower[cols_at] != self.col_lower[cols_at])
                           | (new.col_upper[cols_at] != self.col_upper[cols_at])]
            if len(cols):
                session.set_col_bounds(cols, new.col_lower[cols], new.col_upper[cols])
        elif new.col_lower is not self.col_lower or new.col_upper is not self.col_upper:
            cols = np.flatnonzero((new.col_lower != self.col_lower) | (new.col_upper != self.col_upper))
            if len(cols):
                session.set_col_bounds(cols, new.col_lower[cols], new.col_upper[cols])
        return True


def _grouping(groups: np.ndarray, n_groups: int) -> sp.csr_matrix:
    """The matrix that sums entries into ``groups`` (entry ``j`` into group ``groups[j]``), for :func:`_group_sums`."""
    groups = np.asarray(groups, dtype=np.int64)
    order = np.argsort(groups, kind="stable")
    starts = np.concatenate([[0], np.cumsum(np.bincount(groups, minlength=n_groups))])
    return sp.csr_matrix((np.ones(len(groups)), order, starts), shape=(n_groups, len(groups)))


def _group_sums(products: np.ndarray, grouping: sp.csr_matrix) -> np.ndarray:
    """Each row of ``products`` (worlds by entries) summed into groups (:func:`_grouping`): worlds by groups.

    A sparse product adds a group's entries one after another in entry order for each world apart, so a
    world's sums do not depend on how many worlds are summed with it (a dense product may reorder them).
    """
    if not products.shape[1]:
        return np.zeros((len(products), grouping.shape[0]))
    return np.asarray(grouping @ np.ascontiguousarray(products.T)).T


@dataclass(eq=False)
class _Block:
    """The numbers of a :class:`_Reduced` session for several worlds, one row each (see :meth:`_Reduced.block`)."""

    form: _Reduced
    feasible: np.ndarray
    values: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    outside: np.ndarray

    _varying: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def held(self, world: int) -> _Held | None:
        """World ``world``'s numbers; ``None`` when a forced slack cannot meet its row within its bounds."""
        if not self.feasible[world]:
            return None
        return _Held(self.form, self.values[world], self.col_lower, self.col_upper[world],
                     self.row_lower[world], self.row_upper[world], self.outside[world], self)

    def varying(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Where the worlds' numbers differ: matrix values, rows (the extra row left out) and columns."""
        if self._varying is None:
            def differ(table: np.ndarray) -> np.ndarray:
                return np.flatnonzero(np.any(table != table[:1], axis=0))

            width = self.row_lower.shape[1] - 1
            rows = differ(np.concatenate([self.row_lower[:, :-1], self.row_upper[:, :-1]], axis=1))
            rows = np.unique(rows % width) if width else rows
            self._varying = (differ(self.values), rows, differ(self.col_upper))
        return self._varying


class _Reduced:
    """A fixed plan's elastic programme without what the plan alone decides: the form the session holds.

    With the plan's units fixed, a column fixed by its bounds only adds a
    constant to its rows, and many elastic rows are left with no free
    column but their own slack (a group's teaching hours, a conversion's
    stock, an intake cap: 156 of the 378 rows of configs/zhejiang_uncertain.yaml's
    plan). Such a slack has a positive weight and no other row, so the least
    breach takes it at the least amount its row allows, and the best output
    cannot use more of it. The session holds the rest: the other rows, their
    limits moved by what the left-out columns add, and the columns still
    free; the solution is put back together from both. The same optimum
    (measured on 1,000 draws of that config: the same objectives within
    1e-15, statuses and breaches alike) with a smaller programme: HiGHS took
    about 40 % less time over the two solves of a draw (3.9 and 7.4
    iterations from the starting bases instead of 6.6 and 12.8).

    Computed once per matrix pattern and set of fixed columns: a fitted
    programme's worlds share both, so only their numbers are worked out
    per world (:meth:`numbers`).
    """

    def __init__(self, arrays: ProgramArrays, layout: _Layout) -> None:
        self.layout = layout
        self.key = (arrays.csc.indices, arrays.csc.indptr, arrays.col_lower, arrays.col_upper)
        n_rows, n_cols = arrays.n_rows, arrays.n_cols
        cols, rows = np.divmod(arrays.a_keys, n_rows)
        fixed = arrays.col_lower == arrays.col_upper
        self.fixed_cols = np.flatnonzero(fixed)
        slack_cols, slack_rows = layout.slack_cols, layout.slack_rows
        # Slacks alone in their row: the slack's only entry is in its row, the only free column there.
        per_col = np.bincount(cols, minlength=n_cols)
        free_per_row = np.bincount(rows[~fixed[cols]], minlength=n_rows)
        slack_at = np.full(n_cols, -1, dtype=np.int64)
        slack_at[slack_cols] = np.arange(len(slack_cols))
        row_slack = np.full(n_rows, -1, dtype=np.int64)
        row_slack[slack_rows] = np.arange(len(slack_rows))
        own = np.full(len(slack_cols), -1, dtype=np.int64)
        mine = np.flatnonzero((slack_at[cols] >= 0) & (row_slack[rows] == slack_at[cols]))
        own[slack_at[cols[mine]]] = mine
        alone = (own >= 0) & (per_col[slack_cols] == 1) & (free_per_row[slack_rows] == 1) & ~fixed[slack_cols]
        alone[alone] = np.abs(arrays.a_values[own[alone]]) > SMALL_ENTRY  # a slack that moves its row
        self.forced = np.flatnonzero(alone)
        """Positions in the slack list of the slacks the plan decides."""
        self.forced_cols, self.forced_rows = slack_cols[self.forced], slack_rows[self.forced]
        self.forced_entry = own[self.forced]
        out_col = fixed.copy()
        out_col[self.forced_cols] = True
        out_row = np.zeros(n_rows, dtype=bool)
        out_row[self.forced_rows] = True
        self.keep_cols = np.flatnonzero(~out_col)
        self.keep_rows = np.flatnonzero(~out_row)
        self.signature = (self.keep_rows.tobytes(), self.keep_cols.tobytes())
        """Which rows and columns the session holds (the programme a basis belongs to)."""
        self.n_rows, self.n_cols = len(self.keep_rows), len(self.keep_cols)
        new_row = np.full(n_rows, -1, dtype=np.int64)
        new_row[self.keep_rows] = np.arange(self.n_rows)
        new_col = np.full(n_cols, -1, dtype=np.int64)
        new_col[self.keep_cols] = np.arange(self.n_cols)
        # What the fixed columns add to the forced rows (each forced slack's row), and to the rows kept.
        forced_index = np.full(n_rows, -1, dtype=np.int64)
        forced_index[self.forced_rows] = np.arange(len(self.forced))
        into_forced = np.flatnonzero((forced_index[rows] >= 0) & fixed[cols])
        self.forced_parts = (into_forced, forced_index[rows[into_forced]], cols[into_forced])
        into_kept = np.flatnonzero((new_row[rows] >= 0) & out_col[cols])
        self.kept_parts = (into_kept, new_row[rows[into_kept]], cols[into_kept])
        # The session's matrix: entries in kept rows and columns, then the extra row (breach weights on the
        # slacks kept), column by column.
        self.entries = np.flatnonzero((new_row[rows] >= 0) & (new_col[cols] >= 0))
        self.weighted = np.flatnonzero(new_col[slack_cols] >= 0)
        self.weighted_at = new_col[slack_cols[self.weighted]]
        self._bounds: tuple[Any, ...] | None = None
        self._forced_sums: Any = None
        self._kept_sums: Any = None
        self._forced_limits: tuple[np.ndarray, np.ndarray] = (np.zeros(0), np.zeros(0))
        all_rows = np.concatenate([new_row[rows[self.entries]], np.full(len(self.weighted), self.n_rows)])
        all_cols = np.concatenate([new_col[cols[self.entries]], new_col[slack_cols[self.weighted]]])
        self.order = np.lexsort((all_rows, all_cols))
        counts = np.bincount(all_cols, minlength=self.n_cols)
        self.starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
        self.index = all_rows[self.order].astype(np.int32)
        self.entry_cols = all_cols[self.order]
        self.matrix = Csc(self.starts, self.index, np.zeros(len(self.index)), (self.n_rows + 1, self.n_cols))
        """The session's matrix pattern (the extra row last); :meth:`Csc.with_data` gives a draw's matrix."""
        self.matrix.entry_columns()  # worked out once, shared by every draw's matrix

    def fits(self, arrays: ProgramArrays, layout: _Layout) -> bool:
        """Whether ``arrays`` (of ``layout``'s shape) has the pattern and fixed columns this form was made for."""
        if layout is not self.layout:
            return False
        key = (arrays.csc.indices, arrays.csc.indptr, arrays.col_lower, arrays.col_upper)
        return all(mine is theirs or np.array_equal(mine, theirs) for mine, theirs in zip(self.key, key)) and bool(
            np.all(np.abs(arrays.a_values[self.forced_entry]) > SMALL_ENTRY))

    def numbers(self, arrays: ProgramArrays, layout: _Layout) -> _Held | None:
        """The session's numbers for ``arrays`` (breach weights and slack bounds from ``layout``);
        ``None`` when a forced slack cannot meet its row within its bounds."""
        block = self.block(arrays, arrays.a_values[None, :], layout.slack_upper[None, :], layout.weights)
        return block.held(0)

    def block(self, arrays: ProgramArrays, data: np.ndarray, slack_upper: np.ndarray, weights: np.ndarray) -> _Block:
        """The session's numbers for several worlds at once, one row each: matrix values ``data`` (worlds by
        entries of ``arrays``'s pattern), slack bounds ``slack_upper`` (worlds by slacks) and breach
        ``weights`` (the same for all); the bounds are ``arrays``'s.

        Every number of a world is worked out from that world's row alone, in the same order whatever the
        other rows (sums by :func:`_group_sums`): one world alone gets the very numbers it gets in a block.
        """
        col_lower, col_upper, row_lower, row_upper, ends, outside = self._kept_bounds(arrays)
        worlds = len(data)
        outside = np.repeat(outside[None, :], worlds, axis=0)
        feasible = np.ones(worlds, dtype=bool)
        if len(self.forced):
            entries, owner, cols = self.forced_parts
            if self._forced_sums is None:
                self._forced_sums = _grouping(owner, len(self.forced))
            activity = _group_sums(data[:, entries] * outside[:, cols], self._forced_sums)
            coef = data[:, self.forced_entry]
            lower, upper = self._forced_limits
            slack_lower, slack_most = ends[4], ends[5]
            low_end, high_end = np.where(coef > 0, lower, upper), np.where(coef > 0, upper, lower)
            with np.errstate(invalid="ignore", divide="ignore"):
                least = np.maximum(slack_lower, np.where(np.isfinite(low_end), (low_end - activity) / coef, -math.inf))
                most = np.minimum(np.minimum(slack_upper[:, self.forced], slack_most),
                                  np.where(np.isfinite(high_end), (high_end - activity) / coef, math.inf))
                # Within the solver's feasibility tolerance, as HiGHS would accept the row.
                feasible = np.all(least <= most + 1e-9 * np.maximum(1.0, np.abs(most)), axis=1)
            outside[:, self.forced_cols] = np.minimum(least, most)
        entries, rows, cols = self.kept_parts
        if self._kept_sums is None:
            self._kept_sums = _grouping(rows, self.n_rows + 1)  # the extra row: never shifted
        shift = _group_sums(data[:, entries] * outside[:, cols], self._kept_sums)
        col_upper = np.repeat(col_upper[None, :], worlds, axis=0)
        if len(self.weighted):
            col_upper[:, self.weighted_at] = slack_upper[:, self.weighted]
        values = np.concatenate([data[:, self.entries], np.repeat(weights[self.weighted][None, :], worlds, axis=0)],
                                axis=1)[:, self.order]
        # In HiGHS's units (infinite limits at its infinity), once for every world: what the session is sent.
        return _Block(self, feasible, values, finite(col_lower), finite(col_upper), finite(row_lower - shift),
                      finite(row_upper - shift), outside)

    def _kept_bounds(self, arrays: ProgramArrays) -> tuple[Any, ...]:
        """What follows from the bounds alone, worked out once for the worlds of a fit (they share them).

        The bounds of the columns and rows kept (the extra row free); for the
        forced slacks, the ends of their rows that bound them from below and
        above (by the sign of the slack's entry as first seen), whether those
        are finite, and the slacks' own bounds; the values of the fixed columns.
        """
        sources = (arrays.col_lower, arrays.col_upper, arrays.row_lower, arrays.row_upper)
        cached = self._bounds
        if cached is None or not all(mine is theirs for mine, theirs in zip(cached[0], sources)):
            keep_cols, keep_rows = self.keep_cols, self.keep_rows
            lower, upper = arrays.row_lower[self.forced_rows], arrays.row_upper[self.forced_rows]
            self._forced_limits = (lower, upper)
            coef = arrays.a_values[self.forced_entry]
            low_end, high_end = np.where(coef > 0, lower, upper), np.where(coef > 0, upper, lower)
            outside = np.zeros(arrays.n_cols)
            outside[self.fixed_cols] = arrays.col_lower[self.fixed_cols]
            cached = self._bounds = (sources, (
                arrays.col_lower[keep_cols], arrays.col_upper[keep_cols],
                np.append(arrays.row_lower[keep_rows], -math.inf), np.append(arrays.row_upper[keep_rows], math.inf),
                (low_end, high_end, np.isfinite(low_end), np.isfinite(high_end),
                 arrays.col_lower[self.forced_cols], arrays.col_upper[self.forced_cols]),
                outside))
        return cached[1]  # type: ignore[no-any-return]


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
        kinds = arrays.kinds  # a property that walks every row: once
        self.kinds = [kinds[r] for r in self.slack_rows]
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
        return self.fixed_activity(arrays, arrays.a_values[None, :])[0]

    def fixed_activity(self, arrays: ProgramArrays, data: np.ndarray) -> np.ndarray:
        """:meth:`_fixed_activity` of several worlds at once: matrix values ``data`` (worlds by entries of
        ``arrays``'s pattern; bounds ``arrays``'s); each world's sums in the same order whatever the others."""
        activity: np.ndarray = np.zeros((len(data), self.n_slack))
        if not len(self.hours):
            return activity
        cols, rows, inside = self._hours_entries(arrays)
        cached = self._fixed_entries
        if cached is not None and cached[0] is inside and cached[1] is arrays.col_lower and cached[2] is arrays.col_upper:
            use, units, grouping = cached[3:]
        else:
            n = arrays.n_cols
            fixed = (arrays.col_lower == arrays.col_upper) & (np.arange(n) < n - self.n_slack)
            use = inside[fixed[cols[inside]]]
            units = arrays.col_lower[cols[use]]
            hours_at = np.full(arrays.n_rows, -1, dtype=np.int64)
            hours_at[self.slack_rows[self.hours]] = np.arange(len(self.hours))
            grouping = _grouping(hours_at[rows[use]], len(self.hours))
            self._fixed_entries = (inside, arrays.col_lower, arrays.col_upper, use, units, grouping)
        activity[:, self.hours] = _group_sums(data[:, use] * units, grouping)
        return activity

    def slack_uppers(self, arrays: ProgramArrays, data: np.ndarray) -> np.ndarray:
        """The slacks' upper bounds (:func:`~optimiser.model.rows.slack_bounds`) of several worlds at once,
        one row each (matrix values ``data``, limits those of :meth:`set_limits`'s last programme)."""
        return slack_bounds(self.kinds, self.limits, self.fixed_activity(arrays, data))

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
