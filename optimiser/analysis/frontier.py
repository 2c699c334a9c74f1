"""The exact budget frontier: best output as a function of one budget, with its kinks.

The optimum of a linear programme as a function of one right-hand side is
piecewise linear and concave. :func:`frontier` finds its breakpoints exactly
rather than by sampling. At a budget ``b`` one solve gives the optimum
``z(b)`` and, from the duals of the budget rows, a slope ``s(b)`` of a line
that touches the frontier there and lies above it everywhere. Between two
budgets with touching lines of different slopes, the lines cross at
``b*``; if the frontier reaches the crossing point, it is exactly those two
lines on the interval and ``b*`` is a breakpoint, otherwise ``b*`` is a new
point and both halves are searched again. Each solve either confirms a
breakpoint or adds a new touching line, so the search ends after about two
solves per breakpoint.

The search runs on the optimum alone: the objective :func:`optimiser.solve`
reports (the first solve), which the later stages do not change. Only the
breakpoints found are then given their plans, each the plan
:func:`optimiser.solve` returns at that budget: the cheapest plan keeping the
optimum, then, with ``objective.smooth``, the steadiest plan within the
smoothing stage's limits, in one session, each from the one before.

Speed, measured on configs/zhejiang.yaml over the government's yearly money
(119 breakpoints, two cores, ``python benchmarks/warm_sweep.py --only
frontier``): about 0.27 s, of which 0.18 s inside HiGHS for 412 solves: 167
for the search (1.4 a breakpoint, 5 pivots each on average; 27 of them
needed none), 119 cheapest plans (3.6 pivots on average; 8 without one),
119 steadiest plans (5.3; 70 without one), and a few for the ends and the
caps; the three model builds (the programme, and the fit of the budget's
rows at two more budgets) take most of the rest. On this programme (324
columns, 378 rows) a run costs about 0.1 ms with no pivot and 0.29 ms
after a bound change that needs 2.5. Every breakpoint needs its own basis, so
the search cannot do with much fewer than one solve a breakpoint (at best
some 50 fewer solves), and the plans need their two solves each; a solve
that needs no iteration still costs about a quarter of a millisecond
(factorising the basis), so telling those apart beforehand would save some
0.03 s. Not done: neither brings the frontier near 0.1 s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..config.checker import choices
from ..config.types import Config
from ..errors import ConfigError, Problem, SolverError
from ..i18n import _
from ..model import build_model
from ..model.formulation import MONEY_SCALE
from ..model.rows import MONEY_LIMITS
from ..results import without_round_off
from ..scalars import plain
from ..solve.engine import TIE_BREAK_TOLERANCE, floor_value, given_up, smoothing_limits
from ..solve.names import SOLVERS
from ..solve.status import Status
from ..views import show
from .fast import WarmEngine, measure_names
from .parameters import fit_parameters
from .points import apply_point, as_config
from .program_arrays import ProgramArrays, arrays_of
from .steady import SteadyStage, smoothing_share


def budget_with_a_plan(budget: float) -> int:
    """The smallest feasible ``budget`` as a whole yuan that still has a plan: rounded up (what a planner reads
    off a table must be enough), its solver round-off (a millionth of a yuan) aside."""
    return math.ceil(budget - 1e-6)


BREAKPOINT_COLUMNS = [
    "budget", "objective", "output_given_up", "weighted_output", "spent", "spent_total", "total_cost", "cheapest_cost",
]
SEGMENT_COLUMNS = [
    "budget_from", "budget_to", "objective_from", "objective_to", "marginal_output_per_yuan",
    "yuan_per_extra_output", "cost_per_extra_output", "marginal_levers",
]
CAP_COLUMNS = ["limit", "cap", "unit", "year", "output_per_million", "output_if_unlimited"]
#: A crossing point counts as on the frontier within this share of the objective.
EXACTNESS = 1e-9
#: A plan moved along its basis is feasible within this share of each bound (at least 1 unit: yuan in thousands, people).
FEASIBILITY = 1e-9
#: Solves allowed before the search gives up (a safeguard; a search takes ~2 per breakpoint).
MAX_SOLVES = 5000


@dataclass
class Frontier:
    """The exact frontier of the optimum over one budget.

    Attributes
    ----------
    over
        The budget varied: ``total_budget``, ``funding.<source>.per_year`` or
        ``funding.<source>.per_year.<year>``.
    unit
        What one unit of ``budget`` is (yuan over the horizon, or yuan a year).
    breakpoints
        One row per breakpoint, budgets ascending: ``budget`` (yuan),
        ``objective`` (the optimum, weighted graduates as
        :func:`optimiser.solve` reports it: the breakpoints and slopes are
        those of the optimum), then the plan :func:`optimiser.solve` returns
        at that budget (the cheapest plan with the optimum, made the
        steadiest by the smoothing stage when the config smooths):
        ``output_given_up`` (weighted graduates below the optimum that plan
        gives up for steadiness, as the result of a solve reports it: 1e-7 of
        the optimum at most with ``smooth: true``, up to the share ``s`` with
        ``smooth: s``, none with ``smooth: false``), ``spent`` (money of this budget the plan uses, in the
        unit of ``budget``: the total cost for ``total_budget``, the source's
        largest yearly draw for ``per_year``, that year's draw for one year),
        ``spent_total`` (that money summed over the horizon), ``total_cost``
        (all sources, yuan), ``cheapest_cost`` (the least total cost of the
        optimum at that budget: the tie-break's plan, before smoothing), ``compound_<tier>`` (compound graduates over the
        horizon) and ``spend_<lever>`` (yuan over the horizon). The first row
        is the smallest budget with a feasible plan (zero when nothing must
        be bought), the last the saturation point: more money buys nothing.
    segments
        One row per linear piece between consecutive breakpoints:
        ``budget_from``, ``budget_to``, ``objective_from``, ``objective_to``,
        ``marginal_output_per_yuan`` (the slope, per unit of ``budget``: per
        yuan a year for a ``per_year`` budget), ``yuan_per_extra_output``
        (its inverse), ``cost_per_extra_output`` (the least total cost over
        the horizon, all sources, that each extra weighted graduate of the
        optimum adds between the two ends, from ``cheapest_cost``: what a
        graduate costs, whatever the unit of ``budget``) and ``marginal_levers`` (levers whose spending grows
        along the piece between the plans of its two ends, largest growth
        first, comma-separated).
    status
        ``optimal``, or ``infeasible`` when no budget gives a feasible plan
        (then the tables are empty).
    saturated
        False when the search stopped at ``upto`` before more money stopped helping.
    notes
        Anything the reader should know (e.g. a ``min_cost`` config analysed
        in ``max_output`` mode).
    caps
        Past saturation, why more of this budget buys nothing: one row per
        other money limit that still binds there (another funding source,
        other years of the same source, the total budget), with ``limit``
        (its key path), ``cap`` (yuan, in ``year``), ``unit``, ``year`` (the
        year its next yuan is worth most), ``output_per_million`` (what the
        next million yuan of it buys there, from its shadow price) and
        ``output_if_unlimited`` (the output gained were it lifted, re-solved).
        Empty when no money limit binds: then nothing more money could buy
        raises the output (teachers, seats, intake or policies cap it).
    """

    over: str
    unit: str
    breakpoints: pd.DataFrame
    segments: pd.DataFrame
    status: Status = Status.OPTIMAL
    saturated: bool = True
    notes: list[str] = field(default_factory=list)
    solves: int = 0
    caps: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CAP_COLUMNS))

    def value_at(self, budget: Any) -> Any:
        """The optimum at ``budget`` by linear interpolation between breakpoints.

        Flat beyond saturation; NaN below the smallest feasible budget.
        """
        b = np.asarray(budget, dtype=float)
        x = self.breakpoints["budget"].to_numpy(dtype=float)
        y = self.breakpoints["objective"].to_numpy(dtype=float)
        if len(x) == 0:
            return np.full_like(b, np.nan) if b.ndim else math.nan
        value = np.interp(b, x, y)
        value = np.where(b < x[0] - 1e-9 * max(1.0, abs(x[0])), np.nan, value)
        return value if b.ndim else float(value)

    @property
    def saturation(self) -> float:
        """The budget beyond which more money buys nothing (NaN if not reached)."""
        if self.breakpoints.empty or not self.saturated:
            return math.nan
        return float(self.breakpoints["budget"].iloc[-1])

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (``optimiser frontier --json``), by :mod:`optimiser.report.analysis_text`."""
        return show(self, "dict")

    def __str__(self) -> str:
        return show(self, "text")

    def last_breakpoint_says(self) -> str:
        """What lies past the last breakpoint: nothing to buy, another cap that binds, or an unsearched rest."""
        return show(self, "last_breakpoint")

    def _repr_html_(self) -> str:
        return show(self, "html")


def frontier(
    config: Config | str | Path,
    over: str = "total_budget",
    solver: str = "highs",
    upto: float | None = None,
) -> Frontier:
    """The exact frontier of the optimum as a function of one budget.

    Parameters
    ----------
    config
        A :class:`~optimiser.Config` or the path of a YAML config. A
        ``min_cost`` config is analysed in ``max_output`` mode (its targets
        dropped): the frontier is the most output each budget buys; a note
        says so.
    over
        ``"total_budget"`` (the cap on total cost over the horizon; a config
        without one is analysed from zero), ``"funding.<source>.per_year"``
        (that source's money in every year) or
        ``"funding.<source>.per_year.<year>"`` (that one year only; the
        other years keep their money).
    solver
        Only ``"highs"``: the search reads duals from the solver it keeps loaded.
    upto
        Stop at this budget. Needed only when output would keep growing
        without limit as this budget grows.

    Levers marked ``integer`` are taken as continuous (the frontier of a
    mixed-integer programme is a step function with no exact slopes); a
    note says so.

    The frontier is that of the optimum, the ``objective`` a solve reports.
    Each breakpoint's plan is the one :func:`optimiser.solve` returns at its
    budget, the smoothing stage (``objective.smooth``) included. With
    ``smooth: true`` that plan keeps the optimum (within 1e-7); with a share
    ``s`` (``smooth: 0.01``) it may give up to ``s`` of it for a steadier
    plan: ``output_given_up`` says how much, and a note says so. Its cost and
    spending are those of that steadier plan, so ``spent`` may be below the
    budget where the optimum uses it all. (A config with ``tie_break:
    false`` is given the cheapest plan with the optimum before smoothing.)

    Returns
    -------
    Frontier
        Breakpoints (``budget``, ``objective``, ``output_given_up``,
        ``spent``, ...) and segments (slope and the levers bought at the
        margin).

    Examples
    --------
    >>> from optimiser import load_config
    >>> from optimiser.analysis import frontier
    >>> front = frontier(load_config("configs/zhejiang.yaml"), over="funding.government.per_year")
    >>> float(front.breakpoints["budget"].iloc[0])
    0.0
    >>> bool((front.segments["marginal_output_per_yuan"].diff().dropna() <= 1e-12).all())  # concave
    True
    """
    if solver != "highs":
        choices_text = ", ".join(SOLVERS)
        raise SolverError(
            f"frontier needs the HiGHS solver (it reads duals from a loaded model); got {solver!r} "
            f"(solvers: {choices_text}); use solver='highs'"
        )
    config = as_config(config, function="frontier")
    if not isinstance(over, str):
        raise TypeError(_("frontier: over must be the dotted key path of a budget (str), \"total_budget\" or "
                          "\"funding.<source>.per_year\"; got {kind}").format(kind=type(over).__name__))
    upto = plain(upto)
    if upto is not None and (isinstance(upto, bool) or not isinstance(upto, (int, float)) or not math.isfinite(upto)):
        raise ConfigError([Problem("frontier upto", f"expected a finite budget in yuan, got {upto!r}; give a number "
                                   "such as 5e6, or leave upto out to search until more money stops helping")])
    notes: list[str] = []
    if config.objective.mode == "min_cost":
        config = config.with_changes({"objective": {"mode": "max_output", "tie_break": True}})
        notes.append(_(
            "the config is in min_cost mode; the frontier is that of max_output (most weighted output per budget), "
            "with the targets dropped"
        ))
    config, budget = _budget_over(config, over)
    if any(lever.integer for lever in config.levers.values()):
        notes.append(_("levers marked integer are taken as continuous: this is the frontier of the linear relaxation"))
    share = config.objective.smooth
    if share is not None and share > TIE_BREAK_TOLERANCE:
        notes.append(_(
            "objective.smooth is {share}: the frontier is that of the optimum; each breakpoint's plan is the "
            "steadier one solve returns, which may give up to {share} of it (output_given_up)"
        ).format(share=f"{share:g}"))
    # Built with more of this budget than all the money there is: the fit of the rows it moves starts there.
    plenty = sum(s.per_year.at(t) for s in config.funding.values() for t in config.years) + 1.0
    lean = WarmEngine(apply_point(config, {over: plenty}), integer=False)
    rows = _moved_rows(config, over, lean, plenty)
    if len(rows) == 0:
        raise ConfigError([Problem(over, f"funding source {budget.source!r} pays for no lever, so its budget changes nothing",
                                   str(config.source) if config.source else None)])
    search = _Search(lean, rows, budget)
    return search.run(over, upto, notes)


@dataclass(frozen=True)
class _Budget:
    source: str | None
    unit: str


def _moved_rows(config: Config, over: str, lean: WarmEngine, plenty: float) -> np.ndarray:
    """The rows whose limits the budget ``over`` moves, as a sweep or Monte Carlo finds them (:func:`fit_parameters`).

    The search sets the upper limit of each to the budget (in solver units):
    the fit, at budgets above all the money there is (from ``plenty``, the
    budget ``lean`` was built with), checks that the budget moves those
    limits and nothing else, in that proportion.
    """

    def build(point: np.ndarray) -> ProgramArrays:
        if float(point[0]) == plenty:
            return arrays_of(lean.model)
        return arrays_of(build_model(apply_point(config, {over: float(point[0])}), integer=False))

    effect = fit_parameters(build, np.array([plenty]), [(2 * plenty, 3 * plenty)])
    if effect is not None and effect.parts() <= {"row_upper"}:
        rows, limits, slopes = effect.section("row_upper")
        if np.allclose(limits, plenty * MONEY_SCALE) and np.allclose(slopes, MONEY_SCALE):
            return rows.astype(np.int32)
    raise SolverError(f"{over} moves more of the programme than the limits of its money rows; no frontier over it")


def _budget_over(config: Config, over: str) -> tuple[Config, _Budget]:
    file = str(config.source) if config.source else None
    parts = over.split(".")
    if over == "total_budget":
        if config.total_budget is None:
            # A cap that never binds, so the model has the row to vary.
            cap = sum(s.per_year.at(t) for s in config.funding.values() for t in config.years) + 1.0
            config = config.with_changes({"total_budget": cap})
        return config, _Budget(None, "yuan over the horizon")
    if len(parts) in (3, 4) and parts[0] == "funding" and parts[2] == "per_year":
        source = parts[1]
        if source not in config.funding:
            raise ConfigError([Problem(over, f"no funding source {source!r}; {choices(source, config.funding, 'source')}", file)])
        if len(parts) == 3:
            return config, _Budget(source, "yuan a year")
        year = int(parts[3]) if parts[3].isdigit() else None
        if year is None or year not in config.years:
            first, last = config.years[0], config.years[-1]
            raise ConfigError([Problem(over, f"expected a year of the horizon {first}-{last} after per_year, got {parts[3]!r}", file)])
        return config, _Budget(source, f"yuan in {year}")
    sources = ", ".join(f"funding.{name}.per_year" for name in config.funding)
    raise ConfigError([Problem(
        over, "a frontier is drawn over total_budget, funding.<source>.per_year or funding.<source>.per_year.<year>; "
        f"valid here: total_budget, {sources}", file,
    )])


@dataclass
class _Point:
    budget: float
    objective: float
    slope: float  # graduates per yuan
    optimum: float = math.nan  # the objective in solver units
    plan: np.ndarray | None = field(default=None, repr=False)  # the optimal plan found (solver units)
    direction: np.ndarray | None = field(default=None, repr=False)  # how it moves per yuan, its basis kept


class _Search:
    """The breakpoint search along one budget direction."""

    def __init__(self, lean: WarmEngine, rows: np.ndarray, budget: _Budget) -> None:
        self.lean = lean
        self.rows = rows
        self.budget = budget
        self.solves = 0
        # What :meth:`along` checks a plan against, widened once: the bounds, and the limits of the rows
        # (of the budget's rows the lower ones: their upper ones move with the budget).
        self.col_range = _widened(lean.form.col_lower, lean.form.col_upper)
        row_lower, row_upper = _widened(lean.base_lower, lean.base_upper)
        row_upper[rows] = math.inf
        self.row_range = row_lower, row_upper
        self.budget_rows = lean.form.a.tocsr()[rows]

    # -- one budget ---------------------------------------------------------
    def point(self, budget: float) -> _Point | None:
        """The optimum at ``budget`` (from the solve before), its touching line and how its plan moves along it."""
        self.solves += 1
        if self.solves > MAX_SOLVES:
            raise SolverError(f"the frontier search did not finish within {MAX_SOLVES} solves")
        lean = self.lean
        session = lean.session
        self.limit(budget, (-math.inf, math.inf))
        if lean.run(lean.primary, "max") is not Status.OPTIMAL:
            return None
        slope = float(np.sum(session.row_duals()[self.rows])) * MONEY_SCALE
        optimum = lean.objective_value()
        moved = np.zeros(session.n_rows)
        moved[self.rows] = MONEY_SCALE
        return _Point(budget, optimum * lean.model.objective_scale, max(slope, 0.0), optimum,
                      session.values()[: lean.n_cols], session.basis_solve(moved)[: lean.n_cols])

    def along(self, near: _Point, budget: float) -> _Point | None:
        """The optimum at ``budget`` without a solve, where the optimal basis of ``near`` still holds.

        With that basis kept, the plan moves along ``near.direction`` as the budget moves. If the plan
        it reaches at ``budget`` is feasible there (within :data:`FEASIBILITY`), its output lies on the
        line touching the frontier at ``near``, which bounds the frontier from above: it is the optimum.
        ``None`` when the basis no longer holds (a solve decides).
        """
        if near.plan is None or near.direction is None:
            return None
        lean = self.lean
        x = near.plan + (budget - near.budget) * near.direction
        if not _within(x, *self.col_range):
            return None
        if not _within(lean.form.a @ x, *self.row_range):
            return None
        limit = budget * MONEY_SCALE
        if not np.all(self.budget_rows @ x <= limit + FEASIBILITY * max(1.0, abs(limit))):
            return None
        optimum = float(lean.primary @ x)
        return _Point(budget, optimum * lean.model.objective_scale, near.slope, optimum)

    # -- the whole frontier ---------------------------------------------------
    def run(self, over: str, upto: float | None, notes: list[str]) -> Frontier:
        empty = Frontier(over, self.budget.unit, pd.DataFrame(columns=BREAKPOINT_COLUMNS),
                         pd.DataFrame(columns=SEGMENT_COLUMNS), notes=notes)
        low = self.smallest_budget()
        if low is None:
            empty.status = Status.INFEASIBLE
            empty.notes.append(_(
                "no budget gives a feasible plan: other limits conflict (run `optimiser solve` for a diagnosis)"))
            return empty
        high, saturated = self.largest_budget(low, upto, over)
        first = self.point(low)
        last = self.point(high)
        if first is None or last is None:
            raise SolverError(f"the solver found no optimum at budget {low if first is None else high:,.0f}")
        points = self.search(first, last)
        kinks = _merge(points)
        if saturated:
            kinks = _drop_flat_tail(kinks)
        table = self.breakpoint_table(kinks)
        result = Frontier(over, self.budget.unit, table, _segments(table, self.lean.config),
                          saturated=saturated, notes=notes)
        if saturated:
            result.caps = self.binding_caps()
        result.solves = self.solves
        return result

    def binding_caps(self) -> pd.DataFrame:
        """The other money limits that bind once this budget no longer does (see :attr:`Frontier.caps`).

        A limit binds when lifting it (with this budget unlimited too) raises
        the optimum: a re-solve decides, not the shadow price alone, which can
        be positive on a degenerate optimum where more money buys nothing.
        """
        unlimited = np.full(len(self.rows), math.inf)
        relaxed = self.lean.solve(self.rows, upper=unlimited, tie_break=False, keep_duals=True)
        if relaxed.status is not Status.OPTIMAL or relaxed.duals is None:
            return pd.DataFrame(columns=CAP_COLUMNS)
        varied = set(self.rows.tolist())
        groups: dict[str, list[int]] = {}
        for index, info in enumerate(self.lean.model.book.rows):
            if info.kind in MONEY_LIMITS and index not in varied:
                groups.setdefault(info.config_path, []).append(index)
        records = []
        for limit, indices in groups.items():
            prices = relaxed.duals[indices] * MONEY_SCALE
            best = int(np.argmax(prices))
            if prices[best] <= 0:
                continue
            lifted = np.concatenate([self.rows, np.asarray(indices, dtype=self.rows.dtype)])
            self.solves += 1
            wider = self.lean.solve(lifted, upper=np.full(len(lifted), math.inf), tie_break=False)
            gain = math.inf if wider.status is Status.UNBOUNDED else wider.objective - relaxed.objective
            if not gain > 1e-7 * max(1.0, abs(relaxed.objective)):
                continue
            info = self.lean.model.book.rows[indices[best]]
            if info.detail == self.budget.source:
                limit += " (other years)"
            records.append({
                "limit": limit, "cap": info.limit, "year": info.year,
                "unit": "yuan over the horizon" if info.kind == "total_budget" else "yuan a year",
                "output_per_million": float(prices[best]) * 1e6, "output_if_unlimited": gain,
            })
        return pd.DataFrame(records, columns=CAP_COLUMNS)

    def smallest_budget(self) -> float | None:
        """0 if a plan with no money from this budget is feasible, else the least budget that allows one."""
        if self.point(0.0) is not None:
            return 0.0
        session = self.lean.session.copy()
        n = session.n_cols
        session.set_costs(np.zeros(n))
        # A budget column b: row activity <= b on every budget row.
        session.set_row_bounds(self.rows, -math.inf, 0.0)
        budget = session.add_column(1.0, 0.0, math.inf, self.rows, np.full(len(self.rows), -1.0))
        if session.run(sense="min") is not Status.OPTIMAL:
            return None
        low = float(session.values()[budget]) / MONEY_SCALE
        # The least budget, nudged so the solver's tolerances accept it.
        return low * (1 + 1e-9) + 1e-6

    def largest_budget(self, low: float, upto: float | None, over: str) -> tuple[float, bool]:
        """A budget past saturation (or ``upto``), and whether it is past saturation."""
        if upto is not None:
            if upto <= low:
                raise ConfigError([Problem(over, f"upto={upto:,.0f} is not above the smallest feasible budget "
                                                 f"{budget_with_a_plan(low):,}")])
            return float(upto), False
        relaxed = self.lean.solve(self.rows, upper=np.full(len(self.rows), math.inf), tie_break=True)
        if relaxed.status is Status.UNBOUNDED:
            raise ConfigError([Problem(
                over, "output grows without limit as this budget grows (nothing else caps the levers it pays for); "
                "give an upper budget (upto=... or --upto)",
            )])
        if relaxed.status is not Status.OPTIMAL:
            raise SolverError(f"the solver found no optimum with {over} unlimited: {relaxed.status.value}")
        assert relaxed.activity is not None
        needed = float(np.max(relaxed.activity[self.rows])) / MONEY_SCALE
        return max(needed, low) * 1.25 + 1000.0, True

    def search(self, first: _Point, last: _Point) -> list[_Point]:
        """Every breakpoint between two points (and the two points), by crossing touching lines."""
        found = [first, last]
        stack = [(first, last)]
        while stack:
            left, right = stack.pop()
            if left.slope - right.slope <= 1e-15 or right.budget - left.budget <= 1e-6:
                continue
            cross = (right.objective - left.objective + left.slope * left.budget - right.slope * right.budget) / (
                left.slope - right.slope
            )
            cross = min(max(cross, left.budget), right.budget)
            if cross - left.budget <= 1e-6 or right.budget - cross <= 1e-6:
                continue
            expected = left.objective + left.slope * (cross - left.budget)
            middle = self.along(left, cross) or self.along(right, cross) or self.point(cross)
            if middle is None:
                raise SolverError(f"the solver found no optimum at budget {cross:,.0f}")
            found.append(middle)
            if expected - middle.objective > EXACTNESS * max(1.0, abs(expected)):
                stack.append((left, middle))
                stack.append((middle, right))
        return sorted(found, key=lambda p: p.budget)

    def breakpoint_table(self, kinks: list[_Point]) -> pd.DataFrame:
        """Each breakpoint with the plan :func:`optimiser.solve` returns at its budget.

        In the one session, in budget order, each from the one before: the
        cheapest plans keeping the optimum the search found at each budget
        (the tie-break), then, when the config smooths, the steadiest plans
        within the smoothing stage's limits
        (:class:`~optimiser.analysis.steady.SteadyStage`), the first from the
        first cheapest plan, as :func:`optimiser.solve` starts it. One
        objective for all the plans of a stage: each solve changes only limits.
        """
        lean = self.lean
        session = lean.session
        # From the optimal basis of the programme as built, not from wherever the search ended: the plans
        # depend on the breakpoints alone (where several plans are equally good, on the path to them).
        session.clear()
        if lean.start_basis is not None:
            session.set_basis(lean.start_basis)
        try:
            plans, first = [], None
            for kink in kinks:
                plans.append(self.cheapest_at(kink))
                first = session.basis() if first is None and smoothing_share(lean) is not None else first
            cheapest = [float(lean.cost @ x) / MONEY_SCALE for x in plans]
            if first is not None:
                session.set_basis(first)
                steady = SteadyStage(lean, plans[0])
                try:
                    plans = [self.steadiest_at(kink, steady, x) for kink, x in zip(kinks, plans, strict=True)]
                finally:
                    steady.close()
        finally:
            session.set_row_bounds(self.rows, lean.base_lower[self.rows], lean.base_upper[self.rows])
            lean.floor(None)
        return self.table_of(kinks, plans, cheapest)

    def cheapest_at(self, kink: _Point) -> np.ndarray:
        """The cheapest plan keeping the optimum at the budget of ``kink`` (from the solve before)."""
        lean = self.lean
        self.solves += 1
        self.limit(kink.budget, (floor_value(kink.optimum), math.inf))
        if lean.run(lean.cost, "min") is not Status.OPTIMAL:
            lean.session.clear()
            if lean.run(lean.cost, "min") is not Status.OPTIMAL:
                raise SolverError(f"the solver found no cheapest plan at budget {kink.budget:,.0f}")
        return lean.session.values()[: lean.n_cols]

    def steadiest_at(self, kink: _Point, steady: SteadyStage, cheapest: np.ndarray) -> np.ndarray:
        """The smoothing stage at the budget of ``kink`` from its ``cheapest`` plan; that plan if it finds none."""
        lean = self.lean
        self.solves += 1
        assert steady.share is not None
        primary, cost = smoothing_limits(False, kink.optimum, float(lean.primary @ cheapest), float(lean.cost @ cheapest),
                                         steady.share)
        self.limit(kink.budget, primary)
        found = steady.steadiest(cost)
        return cheapest if found is None else found

    def limit(self, budget: float, output: tuple[float, float]) -> None:
        """The budget's rows at ``budget`` and the limits ``output`` on the objective's row, in one call."""
        rows = np.append(self.rows, self.lean.floor_row)
        lower = np.append(self.lean.base_lower[self.rows], output[0])
        upper = np.append(np.full(len(self.rows), budget * MONEY_SCALE), output[1])
        self.lean.session.set_row_bounds(rows, lower, upper)

    def table_of(self, kinks: list[_Point], plans: list[np.ndarray], cheapest: list[float]) -> pd.DataFrame:
        """The breakpoints table: each breakpoint's budget and optimum, its plan's measures, its least cost."""
        lean = self.lean
        levers = list(lean.config.levers)
        tiers = list(lean.config.tiers)
        names = measure_names(lean.config)
        records = []
        # As a solve reports it: output given up for steadiness, none without a smoothing stage (the
        # tie-break's room of 1e-7 is not given up for anything a planner asked).
        smooths = smoothing_share(lean) is not None
        for kink, x, least in zip(kinks, plans, cheapest, strict=True):
            measures = dict(zip(names, (lean.measure @ x).tolist()))
            drawn = self.budget_rows @ x / MONEY_SCALE
            records.append({
                "budget": kink.budget,
                "objective": kink.objective,
                "output_given_up": (given_up(kink.optimum, float(lean.primary @ x)) * lean.model.objective_scale
                                    if smooths else 0.0),
                "weighted_output": measures["weighted_output"],
                "spent": float(np.max(drawn)),
                "spent_total": float(np.sum(drawn)),
                "total_cost": measures["total_cost"],
                "cheapest_cost": least,
                **{f"compound_{tier}": measures[f"compound_{tier}"] for tier in tiers},
                **{f"spend_{lever}": measures[f"spend_{lever}"] for lever in levers},
            })
        table = pd.DataFrame(records, columns=[*BREAKPOINT_COLUMNS, *(f"compound_{tier}" for tier in tiers),
                                               *(f"spend_{lever}" for lever in levers)])
        # Money as the plan tables show it: solver round-off under a thousandth of a yuan is none.
        for column in ("spent", "spent_total", "total_cost", "cheapest_cost", *(f"spend_{lever}" for lever in levers)):
            table[column] = without_round_off(table[column].to_numpy(dtype=float), 1e-3)
        return table


def _widened(lower: np.ndarray, upper: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``lower`` and ``upper`` widened by :data:`FEASIBILITY` (relative to the bound, at least 1); infinite ones stay."""
    lower, upper = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    with np.errstate(invalid="ignore"):
        return (lower - FEASIBILITY * np.maximum(1.0, np.abs(lower)),
                upper + FEASIBILITY * np.maximum(1.0, np.abs(upper)))


def _within(values: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> bool:
    """Whether ``lower <= values <= upper`` (bounds already :func:`_widened`)."""
    return bool(np.all(values >= lower) and np.all(values <= upper))


def _merge(points: list[_Point]) -> list[_Point]:
    """Drop points that lie on the line through their neighbours (not kinks)."""
    kept: list[_Point] = []
    for p in points:
        if kept and p.budget - kept[-1].budget <= 1e-6:
            continue
        while len(kept) >= 2:
            a, b = kept[-2], kept[-1]
            on_line = a.objective + (p.objective - a.objective) * (b.budget - a.budget) / (p.budget - a.budget)
            if abs(on_line - b.objective) <= EXACTNESS * 10 * max(1.0, abs(b.objective)):
                kept.pop()
            else:
                break
        kept.append(p)
    return kept


def _drop_flat_tail(points: list[_Point]) -> list[_Point]:
    """End at the saturation point: drop the flat piece past it."""
    while len(points) >= 2 and points[-1].objective - points[-2].objective <= EXACTNESS * 10 * max(1.0, abs(points[-1].objective)):
        points = points[:-1]
    return points


def _segments(table: pd.DataFrame, config: Config) -> pd.DataFrame:
    levers = list(config.levers)
    budget = table["budget"].to_numpy(dtype=float)
    objective = table["objective"].to_numpy(dtype=float)
    spend = table[[f"spend_{lever}" for lever in levers]].to_numpy(dtype=float)
    cost = table["cheapest_cost"].to_numpy(dtype=float)
    records = []
    for a in range(len(table) - 1):
        b = a + 1
        width = budget[b] - budget[a]
        slope = (objective[b] - objective[a]) / width
        growth = spend[b] - spend[a]
        threshold = max(1.0, 1e-6 * width)
        order = sorted(range(len(levers)), key=lambda i: -growth[i])
        marginal = [levers[i] for i in order if growth[i] > threshold]
        records.append({
            "budget_from": budget[a], "budget_to": budget[b],
            "objective_from": objective[a], "objective_to": objective[b],
            "marginal_output_per_yuan": slope,
            "yuan_per_extra_output": 1.0 / slope if slope > 0 else math.inf,
            "cost_per_extra_output": (cost[b] - cost[a]) / (objective[b] - objective[a])
            if objective[b] > objective[a] else math.inf,
            "marginal_levers": ", ".join(marginal),
        })
    return pd.DataFrame(records, columns=SEGMENT_COLUMNS)
