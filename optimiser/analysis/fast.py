"""Re-solve one built model many times, changing only right-hand sides.

Most questions an analyst sweeps over (a funding source's yearly money, the
total budget, a demand cap, an intake ceiling, a teacher headcount) change
only the limits of some rows of the programme, not its coefficients. For
those, building the PuLP model and loading it into the solver for every point
is wasted work: :class:`LeanModel` builds it once, keeps it loaded in HiGHS,
and for each point changes the row bounds and re-solves from a fixed starting
basis (warm start), including the cheapest-plan tie-break of
:func:`optimiser.solve`.

Which parameters qualify is not written down by hand: :func:`bound_shifts`
builds the model at the lowest and highest value of each parameter (and a
middle one), checks that the coefficients, variable bounds and objective are
identical and that every row limit moves in proportion to the parameter, and
only then hands back the row-bound map. Anything else (a lever's cost, an
induced intake, a policy share, which enter the coefficients) is solved point
by point with :func:`optimiser.solve` on ``config.with_changes(...)``:
correct first, fast where possible.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..config.types import Config
from ..model import Model, build_model
from ..model.formulation import MONEY_SCALE, Terms
from ..solve.backends import HighsBackend
from ..solve.engine import floor_value
from ..solve.matrix import columns_of
from ..solve.status import Status

#: Relative tolerance when checking that a row limit is proportional to a parameter.
AFFINE_TOLERANCE = 1e-9


# -- what a point reports ---------------------------------------------------

def measure_names(config: Config) -> list[str]:
    """Columns every analysis row reports beside status and objective.

    ``total_cost`` (yuan over the horizon), ``compound_<tier>`` (compound
    graduates summed over institutions and years) and ``spend_<lever>``
    (yuan over the horizon).
    """
    return (
        ["total_cost"]
        + [f"compound_{tier}" for tier in config.tiers]
        + [f"spend_{lever}" for lever in config.levers]
    )


def measure_matrix(model: Model) -> np.ndarray:
    """A matrix that turns a solution vector into the :func:`measure_names` values.

    The model's variables must carry column indices (see
    :func:`~optimiser.solve.backends.columns_of`).
    """
    cfg, form = model.config, model.form
    names = measure_names(cfg)
    n_cols = len(form.vars.u) + len(form.vars.us) + len(form.vars.a) + len(form.vars.f) + len(form.vars.p)
    n_cols += len(model.book.slacks)
    matrix = np.zeros((len(names), n_cols))
    row = {name: index for index, name in enumerate(names)}
    for var in form.vars.p.values():
        matrix[row["total_cost"], var.col] = 1.0 / MONEY_SCALE
    for (_, lever, _), var in form.vars.p.items():
        matrix[row[f"spend_{lever}"], var.col] += 1.0 / MONEY_SCALE
    for (inst_name, tier, _), var in form.vars.f.items():
        spec = cfg.tiers[tier]
        matrix[row[f"compound_{tier}"], var.col] += spec.completion_rate / spec.duration
    return matrix


def empty_measures(config: Config) -> dict[str, float]:
    return {name: math.nan for name in measure_names(config)}


# -- which parameters only move row limits ---------------------------------

@dataclass(frozen=True)
class BoundShifts:
    """Row limits as an affine function of the swept parameters.

    For a point ``v`` (one value per path, in ``paths`` order) the solver
    bounds are ``lower + (v - origin) @ lower_slope`` and the same for upper,
    on the rows ``rows`` (solver row indices); every other row keeps the
    limits of ``config``, the config at ``origin``.
    """

    config: Config
    paths: tuple[str, ...]
    origin: np.ndarray
    rows: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    lower_slope: np.ndarray
    upper_slope: np.ndarray

    def bounds_at(self, values: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
        step = np.asarray(values, dtype=float) - self.origin
        return self.lower + step @ self.lower_slope, self.upper + step @ self.upper_slope


def _structure(model: Model) -> tuple[Any, np.ndarray, np.ndarray]:
    """Everything of a model but its row limits, and the limits (solver units)."""
    cols = columns_of(model)
    columns = tuple((var.name, var.lowBound, var.upBound, var.cat) for var in cols)
    rows = tuple(
        (info.kind, con.sense, tuple(sorted((var.name, coef) for var, coef in con.items())))
        for info, con in zip(model.book.rows, model.book.constraints)
    )
    objective = (
        tuple(sorted((var.name, coef) for var, coef in model.output.items())),
        tuple(sorted((var.name, coef) for var, coef in model.cost.items())),
    )
    lower = np.array([-con.constant if con.sense >= 0 else -math.inf for con in model.book.constraints])
    upper = np.array([-con.constant if con.sense <= 0 else math.inf for con in model.book.constraints])
    return (columns, rows, objective, model.mode, model.config.objective.tie_break), lower, upper


def bound_shifts(
    config: Config, paths: Sequence[str], values: Sequence[Sequence[float]], changes_at: Any
) -> BoundShifts | None:
    """The row-bound map of :class:`BoundShifts`, or ``None`` if a parameter changes more than limits.

    Parameters
    ----------
    config
        The config being analysed.
    paths
        The swept key paths.
    values
        For each path, the values it takes.
    changes_at
        ``changes_at(config, {path: value})`` returns the validated config at
        those values (so year keys are interpreted as the analysis does).
    """
    lows = np.array([min(v) for v in values], dtype=float)
    highs = np.array([max(v) for v in values], dtype=float)

    def model_at(point: np.ndarray) -> tuple[Any, np.ndarray, np.ndarray] | None:
        model = build_model(changes_at(config, dict(zip(paths, point.tolist()))))
        if model.book.violated or model.is_mip or model.book.slacks:
            return None
        return _structure(model)

    base = model_at(lows)
    if base is None:
        return None
    structure, lower0, upper0 = base
    n = len(paths)
    lower_slope = np.zeros((n, len(lower0)))
    upper_slope = np.zeros((n, len(upper0)))
    for index in range(n):
        span = highs[index] - lows[index]
        if span == 0:
            continue
        for fraction in (1.0, 0.5):
            point = lows.copy()
            point[index] = lows[index] + fraction * span
            probe = model_at(point)
            if probe is None or probe[0] != structure:
                return None
            _, lower, upper = probe
            if fraction == 1.0:
                lower_slope[index] = _slope(lower, lower0, span)
                upper_slope[index] = _slope(upper, upper0, span)
            elif not (_affine(lower, lower0, lower_slope[index], fraction * span)
                      and _affine(upper, upper0, upper_slope[index], fraction * span)):
                return None
    if n > 1 and np.count_nonzero(highs - lows) > 1:
        # Parameters acting on the same row must add up (no products).
        probe = model_at(highs)
        if probe is None or probe[0] != structure:
            return None
        step = highs - lows
        if not (_close(probe[1], lower0 + step @ lower_slope) and _close(probe[2], upper0 + step @ upper_slope)):
            return None
    moving = np.flatnonzero(np.any(lower_slope != 0, axis=0) | np.any(upper_slope != 0, axis=0))
    return BoundShifts(
        config=changes_at(config, dict(zip(paths, lows.tolist()))),
        paths=tuple(paths),
        origin=lows,
        rows=moving.astype(np.int32),
        lower=lower0[moving],
        upper=upper0[moving],
        lower_slope=lower_slope[:, moving],
        upper_slope=upper_slope[:, moving],
    )


def _slope(at_high: np.ndarray, at_low: np.ndarray, span: float) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        slope = (at_high - at_low) / span
    return np.where(np.isfinite(at_high) & np.isfinite(at_low), slope, 0.0)


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    finite = np.isfinite(a)
    if not np.array_equal(finite, np.isfinite(b)):
        return False
    return bool(np.all(np.abs(a[finite] - b[finite]) <= AFFINE_TOLERANCE * np.maximum(1.0, np.abs(a[finite]))))


def _affine(at: np.ndarray, at_low: np.ndarray, slope: np.ndarray, step: float) -> bool:
    return _close(at, np.where(np.isfinite(at_low), at_low + slope * step, at_low))


# -- the lean re-solve ---------------------------------------------------------

@dataclass
class PointSolution:
    """One re-solve: status, reported objective, the measures and the raw solution."""

    status: Status
    objective: float
    measures: dict[str, float]
    values: np.ndarray | None = None
    duals: np.ndarray | None = None
    activity: np.ndarray | None = None


class LeanModel:
    """A model loaded once into HiGHS and re-solved for new row limits.

    Each :meth:`solve` starts from the optimal basis of the model as built,
    so the answer for a point does not depend on which points were solved
    before it (the same table whatever the order or the number of processes).

    Examples
    --------
    >>> from optimiser import load_config
    >>> lean = LeanModel(load_config("configs/zhejiang.yaml"))
    >>> rows = lean.rows_where("funding_cap", detail="government")  # one row a year, thousands of yuan
    >>> more = lean.solve(rows, upper=np.full(len(rows), 9e3))
    >>> less = lean.solve(rows, upper=np.full(len(rows), 3e3))
    >>> bool(more.objective > less.objective)
    True
    """

    def __init__(self, config: Config, integer: bool | None = None) -> None:
        self.config = config
        self.model = build_model(config, integer=integer)
        self.backend = HighsBackend(self.model)
        self.session = self.backend.session
        self.n_rows = self.backend.n_rows
        n = len(self.backend.columns)
        self.primary = _cost_vector(self.model.cost if self.min_cost else self.model.output, n)
        self.cost = _cost_vector(self.model.cost, n)
        self.measure = measure_matrix(self.model)
        self.tie_break = not self.min_cost and config.objective.tie_break
        self.floor_row = self.n_rows
        self._changed: np.ndarray | None = None
        # The tie-break floor is a permanent row, inactive (free) unless needed,
        # so the basis keeps one shape across points.
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
        return np.array(
            [
                index for index, info in enumerate(self.model.book.rows)
                if info.kind == kind and (detail is None or info.detail == detail) and (year is None or info.year == year)
            ],
            dtype=np.int32,
        )

    def solve(
        self,
        rows: np.ndarray | None = None,
        lower: np.ndarray | None = None,
        upper: np.ndarray | None = None,
        *,
        tie_break: bool | None = None,
        keep_duals: bool = False,
        from_start: bool = True,
    ) -> PointSolution:
        """Solve with new solver-unit bounds on ``rows`` (other rows as built).

        The objective is the config's (weighted output, or cost in
        ``min_cost`` mode); with the tie-break the plan is then the cheapest
        one with that output, as :func:`optimiser.solve` does. ``keep_duals``
        returns the row duals of the first solve (d objective / d limit,
        solver units). ``from_start=False`` warm-starts from the previous
        solve instead of the model's own optimal basis (faster for a search
        along one direction; the plan may then depend on the order of solves
        where several plans are optimal).
        """
        self._reset_bounds()
        if rows is not None and len(rows):
            low = self.base_lower[rows] if lower is None else lower
            high = self.base_upper[rows] if upper is None else upper
            self.session.set_row_bounds(rows, low, high)
            self._changed = rows
        if from_start:
            # Forget what earlier solves left (edge weights, factors) so a
            # point's answer is bit-for-bit the same whatever came before it.
            self.session.clear()
            if self.start_basis is not None:
                self.session.set_basis(self.start_basis)
        sense = "min" if self.min_cost else "max"
        status = self.run(self.primary, sense)
        if status is not Status.OPTIMAL:
            return PointSolution(status, math.nan, empty_measures(self.config))
        objective = self.objective_value()
        duals = self.session.row_duals()[: self.n_rows].copy() if keep_duals else None
        if self.tie_break if tie_break is None else tie_break:
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

    def _reset_bounds(self) -> None:
        changed = self._changed
        if changed is not None and len(changed):
            self.session.set_row_bounds(changed, self.base_lower[changed], self.base_upper[changed])
        self._changed = None
        self.floor(None)

    def run(self, costs: np.ndarray, sense: str) -> Status:
        """Set the objective (a cost per column) and its sense, solve, and return the status."""
        return self.session.run(costs, sense)


def _cost_vector(terms: Terms, n: int) -> np.ndarray:
    costs = np.zeros(n)
    for var, coef in terms.items():
        costs[var.col] += coef
    return costs


def measures_of_result(result: Any) -> dict[str, float]:
    """The :func:`measure_names` values of a :class:`~optimiser.Result` (NaN without an optimum)."""
    if not result.ok:
        return empty_measures(result.config)
    values = measure_matrix(result.model) @ np.asarray(result.solution.values, dtype=float)
    return dict(zip(measure_names(result.config), values.tolist()))
