"""The warm engine: one built programme kept loaded in HiGHS and re-solved point by point.

Most questions an analyst sweeps over change numbers of the programme, not
its shape: a funding source's yearly money, the total budget, a demand cap
or a headcount move row limits; a lever's cost, an induced intake or a
completion rate move coefficients and costs. Building the PuLP model and
loading it into the solver for every point is then wasted work:
:class:`WarmEngine` builds the programme once (its
:class:`~optimiser.solve.matrix.MatrixForm`), keeps it loaded in one
:class:`~optimiser.solve.highs.Session`, and for each point changes only what
the point changes (row bounds, column bounds, matrix coefficients, costs)
before solving again from a fixed starting basis.

What a parameter changes is not written down by hand:
:func:`~optimiser.analysis.parameters.fit_parameters` builds the programme at
a few values of each parameter and checks that its numbers move in
proportion. Parameters that change the programme's shape are solved point
by point with :func:`optimiser.solve` on ``config.with_changes(...)``:
correct first, fast where possible.

Two ways to solve a point:

:meth:`WarmEngine.solve`
    new limits on some rows; the config's objective, then (``max_output``
    with ``tie_break``) the cheapest plan with that output. Sweeps over row
    limits, the frontier and Pareto use it.
:meth:`WarmEngine.solve_stages`
    the numbers of a point (:meth:`WarmEngine.set_numbers`), then the stages
    :func:`optimiser.solve` runs on a linear programme: the objective, the
    tie-break of either mode, and the smoothing stage when the config asks
    for it. Sweeps and tornados over coefficients use it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..config.types import Config
from ..model import Model, build_model
from ..model.formulation import MONEY_SCALE
from ..solve.backends import afresh_by_interior_point
from ..solve.engine import WARM_SMOOTHING_COLUMNS, cost_cap, floor_value, smoothing_limits
from ..solve.highs import DUAL_SIMPLEX, PRIMAL_SIMPLEX, Session
from ..solve.matrix import MatrixForm, matrix_form, smoothing_block
from ..solve.status import Status

# -- what a point reports ---------------------------------------------------

def measure_names(config: Config) -> list[str]:
    """Columns every analysis row reports beside status and objective.

    ``total_cost`` (yuan over the horizon), ``weighted_output`` (the weighted
    compound output of the plan returned, discounted as the objective is:
    below the objective by what the smoothing stage gave up for steadiness),
    ``compound_<tier>`` (compound graduates summed over institutions and
    years) and ``spend_<lever>`` (yuan over the horizon), all of the plan
    returned.
    """
    return (
        ["total_cost", "weighted_output"]
        + [f"compound_{tier}" for tier in config.tiers]
        + [f"spend_{lever}" for lever in config.levers]
    )


def measure_matrix(model: Model, form: MatrixForm | None = None) -> np.ndarray:
    """A matrix that turns a solution vector into the :func:`measure_names` values.

    ``form`` is the model's :class:`~optimiser.solve.matrix.MatrixForm`, or
    one of its shape with other numbers (a point of a sweep): its compound
    output per (tier, year) gives the ``compound_<tier>`` rows.
    """
    cfg = model.config
    form = form if form is not None else matrix_form(model)
    names = measure_names(cfg)
    matrix = np.zeros((len(names), form.n_cols))
    column = form.column
    for (_, lever, _), var in model.form.vars.p.items():
        matrix[0, column[var.name]] = 1.0 / MONEY_SCALE
        matrix[names.index(f"spend_{lever}"), column[var.name]] += 1.0 / MONEY_SCALE
    return with_compound(matrix, form, names)


def with_compound(matrix: np.ndarray, form: MatrixForm, names: list[str]) -> np.ndarray:
    """``matrix`` with its ``weighted_output`` row and its ``compound_<tier>`` rows (summed over years) from
    ``form``'s output."""
    matrix[names.index("weighted_output")] = form.output
    for index, (tier, _) in enumerate(form.measures):
        matrix[names.index(f"compound_{tier}")] = 0.0
    for index, (tier, _) in enumerate(form.measures):
        matrix[names.index(f"compound_{tier}")] += form.measure[index]
    return matrix


def empty_measures(config: Config) -> dict[str, float]:
    return {name: math.nan for name in measure_names(config)}


# -- the warm engine -----------------------------------------------------------

@dataclass
class PointSolution:
    """One re-solve: status, reported objective, the measures and the raw solution."""

    status: Status
    objective: float
    measures: dict[str, float]
    values: np.ndarray | None = None
    duals: np.ndarray | None = None
    activity: np.ndarray | None = None


class WarmEngine:
    """A programme loaded once into HiGHS and re-solved for new limits or new numbers.

    Each solve starts from the optimal basis of the programme as built, so
    the answer for a point does not depend on which points were solved
    before it (the same table whatever the order or the number of processes).

    Examples
    --------
    >>> from optimiser import load_config
    >>> lean = WarmEngine(load_config("configs/zhejiang.yaml"))
    >>> rows = lean.rows_where("funding_cap", detail="government")  # one row a year, thousands of yuan
    >>> more = lean.solve(rows, upper=np.full(len(rows), 9e3))
    >>> less = lean.solve(rows, upper=np.full(len(rows), 3e3))
    >>> bool(more.objective > less.objective)
    True
    """

    def __init__(self, config: Config, integer: bool | None = None) -> None:
        self.config = config
        self.model = build_model(config, integer=integer)
        self.form = matrix_form(self.model)
        self.session = Session()
        self.session.load_form(self.form)
        self.n_rows = self.form.n_rows
        self.n_cols = self.form.n_cols
        self.primary = (self.form.cost if self.min_cost else self.form.output).copy()
        self.cost = self.form.cost.copy()
        self.output = self.form.output.copy()
        self.measure = measure_matrix(self.model, self.form)
        self.tie_break = not self.min_cost and config.objective.tie_break
        self.floor_row = self.n_rows
        self._changed: np.ndarray | None = None
        self._numbers = self.form
        self._smooth_basis: Any = None
        self._keep_smooth_basis = False
        # The row of the primary objective (the tie-break's floor or cap) is
        # permanent, inactive (free) unless needed, so the basis keeps one
        # shape across points.
        self.session.add_row(-math.inf, math.inf, self.primary)
        row_lower, row_upper = self.session.row_bounds()
        self.base_lower, self.base_upper = row_lower[: self.n_rows], row_upper[: self.n_rows]
        self.start_basis = None
        if self.run(self.primary, "max" if not self.min_cost else "min") is Status.OPTIMAL:
            self.start_basis = self.session.basis()

    @property
    def min_cost(self) -> bool:
        return self.model.mode == "min_cost"

    def rows_where(self, kind: str, detail: str | None = None, year: int | None = None) -> np.ndarray:
        """Solver indices of the rows of ``kind`` (and ``detail``, ``year`` when given)."""
        return self.form.rows_where(kind, detail, year)

    # -- new limits --------------------------------------------------------------
    def solve(
        self,
        rows: np.ndarray | None = None,
        lower: np.ndarray | None = None,
        upper: np.ndarray | None = None,
        *,
        tie_break: bool | None = None,
        keep_duals: bool = False,
        from_start: bool = True,
        optimum: float | None = None,
        all_stages: bool = False,
    ) -> PointSolution:
        """Solve with new solver-unit bounds on ``rows`` (other rows as built).

        ``all_stages``: run every stage :func:`optimiser.solve` runs, the
        smoothing stage included (:meth:`solve_stages`), so the plan and its
        measures are those of a plain solve; the other options then do not apply.

        The objective is the config's (weighted output, or cost in
        ``min_cost`` mode); with the tie-break the plan is then the cheapest
        one with that output, as :func:`optimiser.solve` does. ``keep_duals``
        returns the row duals of the first solve (d objective / d limit,
        solver units). ``from_start=False`` warm-starts from the previous
        solve instead of the model's own optimal basis (faster for a search
        along one direction; the plan may then depend on the order of solves
        where several plans are optimal). ``optimum`` is the objective at
        these limits (solver units) when already known, as from an earlier
        solve of the same point: with the tie-break, only the tie-break is
        solved (``keep_duals`` then gives no duals).
        """
        self._reset_bounds(keep=rows)
        if rows is not None and len(rows):
            low = self.base_lower[rows] if lower is None else lower
            high = self.base_upper[rows] if upper is None else upper
            self.session.set_row_bounds(rows, low, high)
            self._changed = rows
        if all_stages:
            return self.solve_stages()
        if from_start:
            self._from_start()
        sense = "min" if self.min_cost else "max"
        tie = self.tie_break if tie_break is None else tie_break
        duals = None
        if optimum is not None and tie:
            status, objective = Status.OPTIMAL, optimum
        else:
            status = self.run(self.primary, sense)
            if status is not Status.OPTIMAL:
                return PointSolution(status, math.nan, empty_measures(self.config))
            objective = self.objective_value()
            duals = self.session.row_duals()[: self.n_rows].copy() if keep_duals else None
        if tie:
            self.floor(objective)
            if self.run(self.cost, "min") is not Status.OPTIMAL:
                self.floor(None)
                self.run(self.primary, sense)
        values = self.session.values()
        activity = self.session.row_values()[: self.n_rows]
        measures = dict(zip(measure_names(self.config), (self.measure @ values).tolist()))
        return PointSolution(status, objective * self.model.objective_scale, measures, values, duals, activity)

    def objective_value(self) -> float:
        return self.session.objective()

    def floor(self, objective: float | None) -> None:
        """Keep the primary objective at least ``objective`` (within the tie-break tolerance); None: no floor."""
        self.session.set_row_bounds(self.floor_row, -math.inf if objective is None else floor_value(objective), math.inf)

    def _reset_bounds(self, keep: np.ndarray | None = None) -> None:
        """Rows as built and the objective row free; rows changed last that ``keep`` names again are left to it."""
        changed = self._changed
        if changed is not None and len(changed) and not (keep is not None and np.array_equal(changed, keep)):
            self.session.set_row_bounds(changed, self.base_lower[changed], self.base_upper[changed])
        self._changed = None
        self.session.set_row_bounds(self.floor_row, -math.inf, math.inf)

    def _from_start(self) -> None:
        # Forget what earlier solves left (edge weights, factors) so a
        # point's answer is bit-for-bit the same whatever came before it.
        self.session.clear()
        if self.start_basis is not None:
            self.session.set_basis(self.start_basis)

    def run(self, costs: np.ndarray, sense: str) -> Status:
        """Set the objective (a cost per column) and its sense, solve, and return the status."""
        return self.session.run(costs, sense)

    # -- new numbers -----------------------------------------------------------------
    def set_numbers(self, numbers: MatrixForm, parts: dict[str, np.ndarray]) -> None:
        """Load the numbers of a point: ``numbers`` (this programme's shape) at the positions ``parts`` moves.

        ``parts`` maps a section of :meth:`~optimiser.solve.matrix.MatrixForm.layout`
        to the positions in it that may move (see
        :meth:`~optimiser.analysis.parameters.ParameterEffect.moving_parts`);
        only those are sent to HiGHS. Row limits set here stay until the next
        call (:meth:`solve` starts from them).
        """
        if self._smooth_basis is None and self._numbers is self.form:
            self._remember_smoothing()
        self._reset_bounds()
        session = self.session
        index = parts.get("a_values")
        if index is not None and len(index):
            cols, rows = np.divmod(numbers.a_keys[index], numbers.n_rows)
            values = numbers.a_values[index]
            for row, col, value in zip(rows.tolist(), cols.tolist(), values.tolist()):
                session.set_coefficient(row, col, value)
        rows_moved = np.union1d(parts.get("row_lower", []), parts.get("row_upper", [])).astype(np.int32)
        if len(rows_moved):
            session.set_row_bounds(rows_moved, numbers.row_lower[rows_moved], numbers.row_upper[rows_moved])
            self.base_lower = self.base_lower.copy()
            self.base_upper = self.base_upper.copy()
            self.base_lower[rows_moved] = numbers.row_lower[rows_moved]
            self.base_upper[rows_moved] = numbers.row_upper[rows_moved]
        cols_moved = np.union1d(parts.get("col_lower", []), parts.get("col_upper", [])).astype(np.int32)
        if len(cols_moved):
            session.set_col_bounds(cols_moved, numbers.col_lower[cols_moved], numbers.col_upper[cols_moved])
        self.output, self.cost = numbers.output, numbers.cost
        primary = self.cost if self.min_cost else self.output
        moved = np.flatnonzero(primary != self.primary)
        for col in moved.tolist():
            session.set_coefficient(self.floor_row, col, float(primary[col]))
        self.primary = primary.copy()
        if "measure" in parts or np.any(self.measure[measure_names(self.config).index("weighted_output")] != numbers.output):
            self.measure = with_compound(self.measure.copy(), numbers, measure_names(self.config))
        self._numbers = numbers

    def _remember_smoothing(self) -> None:
        """Solve the stages of the programme as built and keep the smoothing stage's optimal basis."""
        form = self.form
        if not form.smooths:
            return
        self._keep_smooth_basis = True
        try:
            self.solve_stages()
        finally:
            self._keep_smooth_basis = False

    def solve_stages(self) -> PointSolution:
        """The stages :func:`optimiser.solve` runs on a linear programme, on the numbers loaded now.

        The config's objective; with ``tie_break`` the cheapest plan keeping
        the output (``max_output``) or the most output at the least cost
        (``min_cost``); with ``smooth`` the steadiest plan within the
        engine's limits. Rows and columns the stages add are removed after.
        """
        form = self._numbers
        sense = "min" if self.min_cost else "max"
        self._from_start()
        self.session.set_option("simplex_strategy", DUAL_SIMPLEX)
        try:
            status = self.run(self.primary, sense)
            if status is not Status.OPTIMAL:
                return PointSolution(status, math.nan, empty_measures(self.config))
            objective = self.objective_value()
            values = self.session.values()
            if self.config.objective.tie_break:
                if self.min_cost:
                    self.session.set_row_bounds(self.floor_row, -math.inf, cost_cap(objective))
                    found = self._stage(self.output, "max")
                else:
                    self.session.set_row_bounds(self.floor_row, floor_value(objective), math.inf)
                    found = self._stage(self.cost, "min")
                if found is not None:
                    values = found
                else:
                    self.session.set_row_bounds(self.floor_row, -math.inf, math.inf)
            smooth = form.smooth
            if smooth is not None and form.smooths:
                found = self._smooth(form, values, objective, smooth)
                if found is not None:
                    values = found
            measures = dict(zip(measure_names(self.config), (self.measure @ values).tolist()))
            return PointSolution(status, objective * self.model.objective_scale, measures, values)
        finally:
            self._drop_stages()

    def _stage(self, costs: np.ndarray, sense: str) -> np.ndarray | None:
        """One later stage from the plan found so far; its plan, or None where it found none."""
        self.session.set_option("simplex_strategy", PRIMAL_SIMPLEX)
        status = self.run(costs, sense)
        if status in (Status.UNBOUNDED, Status.INFEASIBLE, Status.NOT_SOLVED):
            self.session.clear()
            self.session.set_option("simplex_strategy", DUAL_SIMPLEX)
            status = self.run(costs, sense)
        return self.session.values()[: self.n_cols] if status is Status.OPTIMAL else None

    def _smooth(self, form: MatrixForm, x: np.ndarray, objective: float, smooth: float) -> np.ndarray | None:
        """The smoothing stage: the least priced year-to-year change, as :func:`optimiser.solve` runs it."""
        session = self.session
        output_before, cost_before = float(self.output @ x), float(self.cost @ x)
        primary_limits, (lower, upper) = smoothing_limits(self.min_cost, objective, output_before, cost_before, smooth)
        session.set_row_bounds(self.floor_row, *primary_limits)
        first, limit, costs = self.add_smoothing(form, self.output if self.min_cost else self.cost)
        session.set_row_bounds(limit, lower, upper)
        if self._smooth_basis is not None:
            # The steadiest plan of the programme as built: every point starts
            # its smoothing stage there (measured: half the time of starting
            # from the point's own plan), whatever the points solved before.
            session.set_basis(self._smooth_basis)
            session.set_option("simplex_strategy", DUAL_SIMPLEX)
            if self.run(costs, "min") is Status.OPTIMAL:
                return session.values()[: self.n_cols]
        if self.start_smoothing(form, x, first):
            found = self._stage(costs, "min")
        else:
            # From scratch as solve starts a large programme's stage: dual
            # simplex, or interior point with crossover for the largest.
            status = Status.NOT_SOLVED
            if afresh_by_interior_point(session.n_cols):
                status = session.run_interior_point(costs, "min")
            if status is Status.NOT_SOLVED:
                session.clear()
                status = self.run(costs, "min")
            found = session.values()[: self.n_cols] if status is Status.OPTIMAL else None
        if found is not None and self._keep_smooth_basis:
            self._smooth_basis = session.basis()
        return found

    def add_smoothing(self, form: MatrixForm, other: np.ndarray) -> tuple[int, int, np.ndarray]:
        """Add the smoothing stage's columns and rows (:func:`~optimiser.solve.matrix.smoothing_block`) to the session.

        Also adds a free row over ``other`` (the measure the stage keeps within
        a limit: cost, or output in ``min_cost`` mode) for the caller to bound.
        Returns the first change row, that limit row and the stage's costs.
        """
        assert form.changes is not None
        session, m = self.session, form.changes.shape[0]
        rows, costs = smoothing_block(form, session.n_cols)
        session.add_columns(2 * m)
        first = session.add_rows(np.zeros(m), np.zeros(m), rows.indptr[:-1], rows.indices, rows.data)
        limit = session.add_row(-math.inf, math.inf, other)
        return first, limit, costs

    def start_smoothing(self, form: MatrixForm, x: np.ndarray, first: int) -> bool:
        """Start the stage added at ``first`` as :func:`optimiser.solve` does; whether it continues from ``x``.

        A small programme continues from the plan ``x`` (each change row met
        with its change on one side: primal simplex); a large one starts
        afresh by dual simplex (see :data:`~optimiser.solve.engine.WARM_SMOOTHING_COLUMNS`), or
        by interior point when it is very large
        (:func:`~optimiser.solve.backends.afresh_by_interior_point`; the caller runs it).
        """
        assert form.changes is not None
        session, n, m = self.session, self.n_cols, form.changes.shape[0]
        if n < WARM_SMOOTHING_COLUMNS:
            change = form.changes @ x[: form.changes.shape[1]]
            basic = np.where(change >= 0, session.n_cols - 2 * m + np.arange(m), session.n_cols - m + np.arange(m))
            session.seed_basis(basic.tolist(), list(range(first, first + m)))
            return True
        session.clear()
        session.set_option("simplex_strategy", DUAL_SIMPLEX)
        return False

    def _drop_stages(self) -> None:
        """Remove the smoothing stage's rows and columns and free the objective row."""
        session = self.session
        session.delete_rows(np.arange(self.n_rows + 1, session.n_rows))
        session.delete_cols(np.arange(self.n_cols, session.n_cols))
        session.set_row_bounds(self.floor_row, -math.inf, math.inf)
        session.set_option("simplex_strategy", DUAL_SIMPLEX)



def measures_of_result(result: Any) -> dict[str, float]:
    """The :func:`measure_names` values of a :class:`~optimiser.Result` (NaN without an optimum)."""
    if not result.ok:
        return empty_measures(result.config)
    values = measure_matrix(result.model) @ np.asarray(result.solution.values, dtype=float)
    return dict(zip(measure_names(result.config), values.tolist()))
