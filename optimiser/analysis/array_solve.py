"""Solve a :class:`~optimiser.analysis.program_arrays.ProgramArrays` with HiGHS, as a plan or a fixed plan.

Two questions are asked of one drawn world:

``reoptimise``
    The optimum, exactly as :func:`optimiser.solve` finds it: the config's
    objective, then (``max_output`` with ``tie_break``) the cheapest plan
    with that output.

``evaluate`` (a fixed plan)
    What the plan delivers, judged as :func:`optimiser.evaluate` judges a
    hand-made plan. Every lever's units are fixed, so the limits the plan
    may no longer meet in that world (funding, the total budget, intake
    caps, lever limits, policy floors and ceilings, demand, min_cost
    targets, the teachers a secondment draws on) are made elastic. First
    the breaches are made as small as they can be (teaching, training and
    money free), then, holding them there, the weighted compound output is
    maximised. A world with no breach gives exactly what
    ``optimiser.solve(world, plan=plan)`` gives; a world where only money
    falls short says ``over_budget`` and by how many yuan (``overspend``);
    any other breach says ``violates`` and which kinds of limit.

Each solve starts from the same basis (found once for the programme as
written), so a draw's numbers do not depend on which draws came before it
or in which process it ran.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..model.formulation import MONEY_SCALE
from ..solve.backends import run_highs
from ..solve.engine import TIE_BREAK_TOLERANCE
from .program_arrays import ProgramArrays

ELASTIC_FOR_PLANS = frozenset(
    {
        "conversion_stock", "intake_cap", "min_per_year", "max_per_year", "conversion_share",
        "region_max_per_year", "max_total", "double_qualified_share", "external_ratio", "target", "demand",
        "teacher_hours", "funding_balance", "funding_cap", "total_budget",
    }
)
"""Rows a fixed plan may breach in a drawn world (``teacher_hours`` only as far as over-seconding forces)."""

MONEY_KINDS = frozenset({"funding_balance", "funding_cap", "total_budget"})
"""Breaches of these are overspending, reported in yuan."""

BREACH_TOLERANCE = 1e-6
"""A slack counts as a breach above this share of its limit (at least of one unit)."""


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


class ArraySolver:
    """Solves programmes of one shape, reusing one HiGHS object and one starting basis."""

    def __init__(self, fixed_plan: bool) -> None:
        import highspy

        from ..solve.quiet import quiet_stdout

        self._hs = highspy
        self.fixed_plan = fixed_plan
        with quiet_stdout():
            self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self._starts: dict[Any, Any] = {}
        self._layouts: dict[Any, _Layout] = {}
        self._second_starts: dict[Any, Any] = {}

    # -- public ----------------------------------------------------------
    def solve(self, arrays: ProgramArrays) -> DrawOutcome:
        """Solve ``arrays`` (reoptimise, or evaluate the fixed plan)."""
        outcome = self._solve(arrays)
        outcome.basis = None  # solver state stays in this process
        return outcome

    def _solve(self, arrays: ProgramArrays) -> DrawOutcome:
        n_measures = len(arrays.measures)
        if not self.fixed_plan and arrays.static_violations:
            return _failed("infeasible", n_measures)
        shape = arrays.shape_key()
        layout = self._layouts.get(shape)
        if layout is None:
            layout = self._layouts[shape] = _Layout(arrays, self.fixed_plan)
        layout.set_limits(arrays)
        self._load(arrays, layout)
        start = self._starts.get(shape)
        if start is not None:
            self.highs.setBasis(start)
        if self.fixed_plan:
            return self._evaluate(arrays, layout)
        return self._reoptimise(arrays, layout)

    def remember_start(self, arrays: ProgramArrays) -> None:
        """Solve ``arrays`` once; later programmes of its shape start from its optimal basis.

        Only this basis is ever reused, so a draw's answer does not depend on
        the draws solved before it.
        """
        shape = arrays.shape_key()
        self._starts.pop(shape, None)
        self._second_starts.pop(shape, None)
        outcome = self._solve(arrays)
        if outcome.basis is None:
            return
        if self.fixed_plan:
            self._starts[shape], self._second_starts[shape] = outcome.basis
        elif not arrays.integer.any():
            self._starts[shape] = outcome.basis

    # -- the two questions ----------------------------------------------
    def _reoptimise(self, arrays: ProgramArrays, layout: _Layout) -> DrawOutcome:
        min_cost = arrays.mode == "min_cost"
        primary = arrays.cost if min_cost else arrays.output
        sense = "min" if min_cost else "max"
        status = self._run(layout.costs(primary), sense)
        if status != "optimal":
            return _failed(status, len(arrays.measures))
        basis = self.highs.getBasis()
        value = self._objective()
        if not min_cost and arrays.tie_break:
            self._floor(layout, value)
            if self._run(layout.costs(arrays.cost), "min") != "optimal":
                self._floor(layout, None)
                self._run(layout.costs(primary), sense)
        x = self._values()[: arrays.n_cols]
        return DrawOutcome(
            "optimal", value * arrays.objective_scale, float(arrays.cost @ x) / MONEY_SCALE,
            arrays.measure @ x, basis=basis,
        )

    def _evaluate(self, arrays: ProgramArrays, layout: _Layout) -> DrawOutcome:
        status = self._run(layout.breach_costs(), "min")
        if status != "optimal":
            return _failed(status, len(arrays.measures))
        basis = self.highs.getBasis()
        least = self._values()[arrays.n_cols:]
        # Hold each breach at its least amount (a hair above, for round-off), then use the plan to the full.
        held = np.minimum(least + 1e-9 * np.maximum(1.0, least), layout.slack_upper)
        slack_cols = np.arange(arrays.n_cols, arrays.n_cols + layout.n_slack, dtype=np.int32)
        self.highs.changeColsBounds(layout.n_slack, slack_cols, np.zeros(layout.n_slack), held)
        second = self._second_starts.get(arrays.shape_key())
        if second is not None:
            self.highs.setBasis(second)
        status = self._run(layout.costs(arrays.output), "max")
        if status != "optimal":
            return _failed(status, len(arrays.measures))
        second_basis = self.highs.getBasis()
        output = self._objective()
        x = self._values()
        slack = x[arrays.n_cols:]
        kinds = set(arrays.static_violations) | {layout.kinds[j] for j in np.flatnonzero(slack > layout.tolerance)}
        if "conversion_stock" in kinds:
            kinds.discard("teacher_hours")  # negative hours follow from seconding more teachers than there are
        unfunded = float(slack[layout.unfunded].sum())
        total_cost = (float(arrays.cost @ x[: arrays.n_cols]) + unfunded) / MONEY_SCALE
        short = float(slack[layout.short_sources].sum()) + unfunded
        over_total = float(slack[layout.over_total].sum())
        overspend = max(short, over_total) / MONEY_SCALE if kinds & MONEY_KINDS else 0.0
        if not kinds:
            status = "optimal"
        elif kinds <= MONEY_KINDS:
            status = "over_budget"
        else:
            status = "violates"
        objective = total_cost if arrays.mode == "min_cost" else output * arrays.objective_scale
        return DrawOutcome(
            status, objective, total_cost, arrays.measure @ x[: arrays.n_cols],
            overspend=overspend, violated=tuple(sorted(kinds)), basis=(basis, second_basis),
        )

    # -- HiGHS -----------------------------------------------------------
    def _load(self, arrays: ProgramArrays, layout: _Layout) -> None:
        hs = self._hs
        n_cols = arrays.n_cols
        starts, index, order = layout.matrix_pattern(arrays.a_keys)
        values = np.concatenate([arrays.a_values, layout.extra_values(arrays)])[order]
        total_cols = n_cols + layout.n_slack
        lp = hs.HighsLp()
        lp.num_col_ = total_cols
        lp.num_row_ = arrays.n_rows + 1
        lp.col_cost_ = np.zeros(total_cols)
        lp.col_lower_ = _finite(np.concatenate([arrays.col_lower, np.zeros(layout.n_slack)]))
        lp.col_upper_ = _finite(np.concatenate([arrays.col_upper, layout.slack_upper]))
        lp.row_lower_ = _finite(np.append(arrays.row_lower, -math.inf))
        lp.row_upper_ = _finite(np.append(arrays.row_upper, math.inf))
        lp.a_matrix_.format_ = hs.MatrixFormat.kColwise
        lp.a_matrix_.start_ = starts
        lp.a_matrix_.index_ = index
        lp.a_matrix_.value_ = values
        if not self.fixed_plan and arrays.integer.any():
            lp.integrality_ = [hs.HighsVarType.kInteger if flag else hs.HighsVarType.kContinuous for flag in arrays.integer]
        self.highs.passModel(lp)
        self._floor_row = arrays.n_rows

    def _floor(self, layout: _Layout, value: float | None) -> None:
        inf = self._hs.kHighsInf
        if value is None:
            self.highs.changeRowBounds(self._floor_row, -inf, inf)
        else:
            lower = value * (1.0 - TIE_BREAK_TOLERANCE) if value > 0 else value
            self.highs.changeRowBounds(self._floor_row, lower, inf)

    def _run(self, costs: np.ndarray, sense: str) -> str:
        return run_highs(self.highs, costs, sense).value

    def _objective(self) -> float:
        return float(self.highs.getInfo().objective_function_value)

    def _values(self) -> np.ndarray:
        return np.asarray(self.highs.getSolution().col_value, dtype=float)


class _Layout:
    """Where the extra columns (breach slacks) and the floor row go, for programmes of one shape."""

    def __init__(self, arrays: ProgramArrays, fixed_plan: bool) -> None:
        n_cols, n_rows = arrays.n_cols, arrays.n_rows
        self.n_cols = n_cols
        self.elastic = np.array(
            [r for r, kind in enumerate(arrays.kinds) if fixed_plan and kind in ELASTIC_FOR_PLANS], dtype=np.int64
        )
        self.n_slack = len(self.elastic)
        self.kinds = [arrays.kinds[r] for r in self.elastic]
        sign = {"<=": -1.0, ">=": 1.0, "==": 1.0}
        extra_rows = list(self.elastic)
        extra_cols = [n_cols + j for j in range(self.n_slack)]
        extra_values = [sign[arrays.senses[r]] for r in self.elastic]
        budget_rows = [r for r, kind in enumerate(arrays.kinds) if kind == "total_budget"]
        for j, r in enumerate(self.elastic):
            if arrays.kinds[r] == "funding_balance":
                # Money no source pays still counts against the total budget.
                for b in budget_rows:
                    extra_rows.append(b)
                    extra_cols.append(n_cols + j)
                    extra_values.append(1.0)
        self.slack_rows = np.asarray(extra_rows, dtype=np.int64)
        self.slack_cols = np.asarray(extra_cols, dtype=np.int64)
        self.slack_values = np.asarray(extra_values, dtype=float)
        self.min_cost_primary = arrays.mode == "min_cost" and not fixed_plan
        # The floor row holds the primary objective on every column it may touch.
        self.floor_cols = np.arange(n_cols, dtype=np.int64)
        kinds = np.array(self.kinds, dtype=object)
        self.money = np.isin(kinds, list(MONEY_KINDS)) if self.n_slack else np.zeros(0, dtype=bool)
        self.unfunded = np.flatnonzero(kinds == "funding_balance")
        self.short_sources = np.flatnonzero(kinds == "funding_cap")
        self.over_total = np.flatnonzero(kinds == "total_budget")
        self.hours = np.flatnonzero(kinds == "teacher_hours")
        self.tolerance = np.zeros(self.n_slack)
        self.weights = np.zeros(self.n_slack)
        self.slack_upper = np.full(self.n_slack, math.inf)
        self._pattern: tuple[Any, ...] | None = None
        self._n_rows = n_rows

    def set_limits(self, arrays: ProgramArrays) -> None:
        """Breach tolerances, weights and slack bounds from this programme's numbers."""
        if not self.n_slack:
            return
        upper, lower = arrays.row_upper[self.elastic], arrays.row_lower[self.elastic]
        limits = np.abs(np.where(np.isfinite(upper), upper, lower))
        self.tolerance = BREACH_TOLERANCE * np.maximum(1.0, limits)
        # Money in thousands of yuan, one for one, so the least breach is the least overspend;
        # other limits relative to their size. Money no source may pay is the last resort.
        self.weights = np.where(self.money, 1.0, 1.0 / np.maximum(limits, 1.0))
        self.weights[self.unfunded] = 2.0
        self.slack_upper = np.full(self.n_slack, math.inf)
        if len(self.hours):
            # A group's hours may go below zero only as far as over-seconding forces (never phantom hours).
            fixed = arrays.col_lower == arrays.col_upper
            rows, cols = arrays.a_keys // arrays.n_cols, arrays.a_keys % arrays.n_cols
            use = fixed[cols]
            fixed_activity = np.bincount(rows[use], weights=arrays.a_values[use] * arrays.col_lower[cols[use]],
                                         minlength=arrays.n_rows)
            hours = arrays.row_upper[self.elastic[self.hours]] - fixed_activity[self.elastic[self.hours]]
            self.slack_upper[self.hours] = np.maximum(0.0, -hours)

    def extra_values(self, arrays: ProgramArrays) -> np.ndarray:
        primary = arrays.cost if self.min_cost_primary else arrays.output
        return np.concatenate([self.slack_values, primary])

    def matrix_pattern(self, a_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Column starts, row indices and the order that puts [matrix, extras] values column by column."""
        if self._pattern is not None and self._pattern[0] is a_keys:
            return self._pattern[1:]  # type: ignore[return-value]
        rows = np.concatenate([a_keys // self.n_cols, self.slack_rows, np.full(self.n_cols, self._n_rows)])
        cols = np.concatenate([a_keys % self.n_cols, self.slack_cols, self.floor_cols])
        order = np.lexsort((rows, cols))
        counts = np.zeros(self.n_cols + self.n_slack + 1, dtype=np.int64)
        np.add.at(counts, cols + 1, 1)
        starts = np.cumsum(counts).astype(np.int32)
        self._pattern = (a_keys, starts, rows[order].astype(np.int32), order)
        return starts, rows[order].astype(np.int32), order

    def costs(self, objective: np.ndarray) -> np.ndarray:
        return np.concatenate([objective, np.zeros(self.n_slack)])

    def breach_costs(self) -> np.ndarray:
        return np.concatenate([np.zeros(self.n_cols), self.weights])


def _finite(values: np.ndarray) -> np.ndarray:
    """HiGHS's infinity for unbounded sides."""
    import highspy

    return np.clip(values, -highspy.kHighsInf, highspy.kHighsInf)


def _failed(status: str, n_measures: int) -> DrawOutcome:
    return DrawOutcome(status, math.nan, math.nan, np.full(n_measures, math.nan))


__all__ = ["ELASTIC_FOR_PLANS", "MONEY_KINDS", "ArraySolver", "DrawOutcome"]
