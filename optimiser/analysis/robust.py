"""Robust plans: one lever plan for many drawn worlds (a two-stage programme, sample average approximation).

:func:`robust` draws ``N`` worlds from the config's ``uncertainty:`` section
and solves one linear programme over all of them. Its columns are:

- the **lever units** ``u`` (first stage): one plan for every world;
- for each world ``w`` its own teaching hours, trained student-years and
  payments (second stage): they adapt to what that world turned out to be.

Each world contributes a copy of the core programme of docs/model.md, built
by :func:`optimiser.model.build_model` on ``config.with_changes(draw)`` (or,
when the drawn values only move numbers in proportion, from the same arrays
moved along checked slopes, as :func:`optimiser.monte_carlo` does), and the
copies are joined into one block programme whose lever columns are shared.
Funding and policy limits hold in every world (``budget="every"``), or on
average over the worlds (``budget="expected"``: each world's overrun is
reported). The objective, with ``out_w`` the weighted output of world ``w``:

=============  ==========================================================
``expected``   max (1/N) Σ_w out_w
``cvar``       max η − 1/(α N) Σ_w s_w,  s_w ≥ η − out_w,  s_w ≥ 0
               (the mean of the worst α share of worlds)
``worst``      max z,  z ≤ out_w for every w
=============  ==========================================================

In ``min_cost`` mode the targets hold in every world and the same measures
apply to the cost (its mean, the mean of the costliest α share, the
costliest world). With ``tie_break`` (the default) a second solve in the
same HiGHS instance picks, among plans within 1e-7 of that optimum, the one
with the least expected cost (most expected output in ``min_cost`` mode).

:func:`robust` also tests the plan out of sample, on fresh draws (another
seed), with the fixed-plan Monte Carlo of :func:`optimiser.monte_carlo`,
beside the plan for the mean world (every uncertain value at its mean): the
expected objective, its bad tail, the share of worlds over budget or breaking
a limit, and the value of the stochastic solution with its standard error.
:func:`robust_convergence` shows the robust objective as the draws grow.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..config.load import as_config, get_path
from ..config.types import Config
from ..config.uncertainty import (
    Uncertain,
    draw_values,
    no_uncertainty_section,
    parse_uncertainty,
    probe_values,
    without_uncertainty,
)
from ..errors import ConfigError, Problem
from ..i18n import N_, _
from ..jsonrule import jsonable
from ..model import PlanKey, build_model
from ..model.formulation import MONEY_SCALE
from ..scalars import seed_number, whole_number
from ..solve.engine import TIE_BREAK_TOLERANCE
from ..solve.status import Status
from ..views import show
from .parameters import ParameterEffect, fit_parameters
from .program_arrays import ProgramArrays, arrays_of

RISKS = ("expected", "cvar", "worst")
MAX_DRAWS = 2_000
"""Most worlds one robust plan is found for: the programme holds a copy of the province per world
(200 draws of the Zhejiang config make 75,600 rows and 43,308 columns), so memory grows with draws."""
BUDGETS = ("every", "expected")

AVERAGED_KINDS = (
    "funding_cap", "total_budget", "double_qualified_share", "external_ratio", "conversion_share",
    "min_per_year", "max_per_year", "region_max_per_year", "max_total",
)
"""Rows that hold on average over the worlds with ``budget="expected"``: funding and policy limits."""

TAIL = 10
"""The percentile of the bad tail reported out of sample (10th of output; 90th of cost)."""


@dataclass
class RobustResult:
    """A robust plan and what it gives, in sample and out of sample.

    Attributes
    ----------
    status
        ``optimal``, or the solver's status for the block programme.
    objective
        The optimum of the chosen risk measure: weighted graduates
        (``max_output``) or yuan (``min_cost``).
    plan
        Lever units: ``lever, kind, institution, tier, year, units`` (the
        columns of a ``plan.csv``; :func:`optimiser.evaluate` and
        ``optimiser montecarlo --plan`` read it).
    worlds
        One row per drawn world: the drawn values, ``output`` (weighted
        graduates), ``total_cost`` (yuan), with ``budget="expected"``
        ``overrun`` (yuan above the world's funding limits) and ``broken``
        (the kinds of limit the world breaks).
    out_of_sample
        Index ``robust``, ``mean world``; columns ``expected``, ``tail``
        (10th percentile of output, 90th of cost), and as shares of the
        fresh draws ``holds`` (the plan keeps every limit and its funding),
        ``over_budget`` (it needs more money than there is, whatever else it
        breaks), ``breaks_limit`` (it breaks a limit other than money),
        ``no_numbers``; and ``draws``. Empty when not asked for
        (``test_draws=0``).
    summary
        Settings, timings, notes and, after the out-of-sample test: ``holds``
        and ``mean_world_holds`` (the share of fresh worlds each plan holds
        in), the value of the stochastic solution ``vss`` with its standard
        error ``vss_se`` (positive: the robust plan does better than the
        mean-world plan on the fresh draws) and ``vss_share``, ``vss`` as a
        share of the mean-world plan's expected objective (``-0.02``: the
        robust plan gives up 2% of expected output for holding in more worlds;
        in ``min_cost`` mode a positive share is cost saved).
    """

    status: str
    objective: float
    plan: pd.DataFrame
    worlds: pd.DataFrame
    out_of_sample: pd.DataFrame = field(default_factory=pd.DataFrame)
    summary: dict[str, Any] = field(default_factory=dict)
    units: dict[PlanKey, float] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return self.status == "optimal"

    def plan_dict(self) -> dict[PlanKey, float]:
        """``{(lever, institution, tier, year): units}``: the plan for :func:`optimiser.solve` or ``monte_carlo``."""
        return dict(self.units)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (``optimiser robust --json``), by :mod:`optimiser.jsonrule`."""
        return jsonable({
            **self.summary,
            "status": self.status,
            "objective": self.objective,
            "out_of_sample": {str(name): dict(row.items()) for name, row in self.out_of_sample.iterrows()},
            "plan": self.plan,
        })

    def __str__(self) -> str:
        return show(self, "text")


# -- the programme over many worlds --------------------------------------------

@dataclass
class Worlds:
    """The programme of every world, as arrays of one shape, and the lever columns they share."""

    programs: list[ProgramArrays]
    values: np.ndarray
    keys: tuple[Uncertain, ...]
    plan_keys: list[PlanKey]
    plan_kinds: list[str]
    n_levers: int
    method: str
    dropped: list[int] = field(default_factory=list)
    drawn: list[int] = field(default_factory=list)
    """The draw number of each world kept."""


def build_worlds(base: Config, keys: Sequence[Uncertain], values: np.ndarray) -> Worlds:
    """Build the programme of each drawn world (``values``: one row per world, one column per key).

    When every number moves in proportion to the drawn values (checked, as
    :func:`optimiser.monte_carlo` checks it) the worlds come from one fitted
    :class:`~optimiser.analysis.parameters.ParameterEffect`; otherwise
    each world is built with :func:`~optimiser.model.build_model`. Worlds
    whose values make no valid config are left out (``dropped``).
    """
    paths = tuple(spec.path for spec in keys)
    plan_keys, kinds = _lever_columns(base)
    n_levers = len(plan_keys)
    affine, box = _fit_worlds(base, keys, paths, len(values))
    programs: list[ProgramArrays] = []
    kept: list[int] = []
    dropped: list[int] = []
    for index, row in enumerate(values):
        program = _world_program(base, paths, np.asarray(row, dtype=float), affine, box)
        if program is None:
            dropped.append(index)
            continue
        programs.append(program)
        kept.append(index)
    if not programs:
        raise ConfigError([Problem("uncertainty", _("no drawn world makes a valid config; narrow the distributions"),
                                   str(base.source) if base.source else None, None)])
    head = programs[0].names[:n_levers]
    if any(program.names[:n_levers] != head for program in programs):
        raise ConfigError([Problem("uncertainty", _("the drawn values change which lever units exist; a robust "
                                                    "plan needs the same levers in every world"), None, None)])
    return Worlds(programs, values[kept], tuple(keys), plan_keys, kinds, n_levers,
                  "affine" if affine is not None else "rebuild", dropped, kept)


def _lever_columns(base: Config) -> tuple[list[PlanKey], list[str]]:
    """The lever units every world shares (the first columns of each world's programme), and each one's kind."""
    model = build_model(base)
    plan_keys: list[PlanKey] = [(lever, inst, "", t) for (lever, inst, t) in model.form.vars.u]
    plan_keys += list(model.form.vars.us)
    return plan_keys, [base.levers[key[0]].kind for key in plan_keys]


Box = tuple[np.ndarray, np.ndarray]
"""The lowest and highest drawn value of each key within which every corner is a valid config."""


def _fit_worlds(
    base: Config, keys: Sequence[Uncertain], paths: tuple[str, ...], draws: int
) -> tuple[ParameterEffect | None, Box | None]:
    """The worlds' programmes as one fitted effect of the drawn values, and the box where it holds;
    ``(None, None)`` when a key does more than move numbers in proportion."""
    from .montecarlo import _away_from, _valid_box

    def build(point: np.ndarray) -> ProgramArrays | None:
        try:
            world = base.with_changes(dict(zip(paths, point.tolist())))
        except ConfigError:
            return None
        return arrays_of(build_model(world))

    origin = np.array([float(get_path(base.raw, path)) for path in paths])
    probes = [probe_values(spec)[:2] for spec in keys]
    joint = np.array([_away_from(spec, value) for spec, value in zip(keys, origin)])
    affine = fit_parameters(build, origin, probes, joint) if len(keys) else None
    box = _valid_box(base, paths, probes, draws) if affine is not None else None
    return affine, box


def _world_program(
    base: Config, paths: tuple[str, ...], point: np.ndarray, affine: ParameterEffect | None, box: Box | None
) -> ProgramArrays | None:
    """The programme of the world at ``point``; ``None`` when its values make no valid config."""
    inside = box is not None and bool(np.all(point >= box[0]) and np.all(point <= box[1]))
    if affine is not None and inside:
        return affine.at(point.tolist())
    try:
        world = base.with_changes(dict(zip(paths, point.tolist())))
    except ConfigError:
        return None
    return affine.at(point.tolist()) if affine is not None else arrays_of(build_model(world))


@dataclass
class BlockProgramme:
    """The block programme: shared lever columns, one block per world, the risk columns last."""

    n_cols: int
    a_rows: np.ndarray
    a_cols: np.ndarray
    a_vals: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    integer: np.ndarray
    objective: np.ndarray
    secondary: np.ndarray
    world_cols: list[np.ndarray]
    estimate: float
    """A lower estimate of the optimal risk measure (max_output; 0 when unknown)."""
    averaged: list[tuple[tuple[Any, ...], list[tuple[int, int]]]]


def world_columns(worlds: Worlds, w: int) -> np.ndarray:
    """Global column of each column of world ``w``'s programme."""
    n = worlds.programs[w].n_cols
    k = worlds.n_levers
    offset = k + sum(p.n_cols - k for p in worlds.programs[:w])
    return np.concatenate([np.arange(k), offset + np.arange(n - k)])


def block_programme(
    worlds: Worlds, mode: str, risk: str, alpha: float, budget: str, estimate: float = 0.0
) -> BlockProgramme:
    """Join the worlds' programmes into one, sharing the lever columns (see the module text)."""
    n_worlds = len(worlds.programs)
    k = worlds.n_levers
    n_main = k + sum(p.n_cols - k for p in worlds.programs)
    extra = {"expected": 0, "cvar": 1 + n_worlds, "worst": 1}[risk]
    n_cols = n_main + extra
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    lower: list[np.ndarray] = []
    upper: list[np.ndarray] = []
    col_lower = np.zeros(n_cols)
    col_upper = np.full(n_cols, math.inf)
    integer = np.zeros(n_cols, dtype=bool)
    measure = np.zeros((n_worlds, n_cols))  # output (or cost) of each world
    other = np.zeros((n_worlds, n_cols))  # cost (or output) of each world, for the tie-break
    world_cols: list[np.ndarray] = []
    averaged: dict[tuple[Any, ...], list[tuple[int, int]]] = {}
    next_row = 0
    for w, program in enumerate(worlds.programs):
        gcols = world_columns(worlds, w)
        world_cols.append(gcols)
        col_lower[gcols] = np.maximum(col_lower[gcols], program.col_lower) if w else program.col_lower
        col_upper[gcols] = np.minimum(col_upper[gcols], program.col_upper) if w else program.col_upper
        integer[gcols] |= program.integer
        primary, secondary = (program.cost, program.output) if mode == "min_cost" else (program.output, program.cost)
        measure[w, gcols] = primary
        other[w, gcols] = secondary
        keep = np.ones(program.n_rows, dtype=bool)
        if budget == "expected":
            for r, kind in enumerate(program.kinds):
                if kind in AVERAGED_KINDS:
                    keep[r] = False
                    averaged.setdefault(program.rows[r], []).append((w, r))
        row_index = np.full(program.n_rows, -1)
        row_index[keep] = next_row + np.arange(int(keep.sum()))
        next_row += int(keep.sum())
        c_of, r_of = np.divmod(program.a_keys, program.n_rows)
        use = keep[r_of]
        rows.append(row_index[r_of[use]])
        cols.append(gcols[c_of[use]])
        vals.append(program.a_values[use])
        lower.append(program.row_lower[keep])
        upper.append(program.row_upper[keep])
    # Averaged rows: (1/N) Σ_w A_w[r] x_w within the mean of the worlds' limits.
    by_rows: dict[int, Any] = {}
    for entries in averaged.values():
        share = 1.0 / len(entries)
        lo = hi = 0.0
        for w, r in entries:
            program = worlds.programs[w]
            by_row = by_rows.setdefault(w, program.a.tocsr())
            start, stop = by_row.indptr[r], by_row.indptr[r + 1]
            rows.append(np.full(stop - start, next_row))
            cols.append(world_cols[w][by_row.indices[start:stop]])
            vals.append(share * by_row.data[start:stop])
            lo += share * program.row_lower[r]
            hi += share * program.row_upper[r]
        lower.append(np.array([lo]))
        upper.append(np.array([hi]))
        next_row += 1
    # The risk measure, maximised: of the output, or of minus the cost in min_cost mode.
    value = measure if mode != "min_cost" else -measure
    objective = np.zeros(n_cols)
    if risk == "expected":
        objective[:] = value.sum(axis=0) / n_worlds
    else:
        head = n_main  # z (worst) or eta (cvar): free
        col_lower[head] = -math.inf
        objective[head] = 1.0
        for w in range(n_worlds):
            nz = np.flatnonzero(value[w])
            if risk == "worst":  # value_w - z >= 0
                extra_cols, extra_vals = [head], [-1.0]
            else:  # s_w - eta + value_w >= 0, objective eta - 1/(alpha N) sum s_w
                s = n_main + 1 + w
                objective[s] = -1.0 / (alpha * n_worlds)
                extra_cols, extra_vals = [head, s], [-1.0, 1.0]
            rows.append(np.full(len(nz) + len(extra_cols), next_row))
            cols.append(np.concatenate([nz, extra_cols]))
            vals.append(np.concatenate([value[w, nz], extra_vals]))
            lower.append(np.array([0.0]))
            upper.append(np.array([math.inf]))
            next_row += 1
    return BlockProgramme(
        n_cols=n_cols,
        a_rows=np.concatenate(rows).astype(np.int64),
        a_cols=np.concatenate(cols).astype(np.int64),
        a_vals=np.concatenate(vals),
        row_lower=np.concatenate(lower),
        row_upper=np.concatenate(upper),
        col_lower=col_lower,
        col_upper=col_upper,
        integer=integer,
        objective=objective,
        secondary=other.sum(axis=0) / n_worlds,
        world_cols=world_cols,
        estimate=estimate,
        averaged=list(averaged.items()),
    )


def solve_block(block: BlockProgramme, mode: str, tie_break: bool, cost_bound: float | None = None) -> tuple[str, float, np.ndarray]:
    """Solve the block programme with HiGHS on arrays: the risk measure, then the tie-break.

    Returns the status, the optimum in solver units and the solution. In
    ``max_output`` mode with a finite ``cost_bound`` (the most the mean cost
    can be, in thousands of yuan) the tie-break is folded into the one solve:
    the objective is the risk measure minus ``ε`` times the expected cost,
    ``ε = 1e-7 · |measure| / cost_bound`` with the measure estimated from
    below, so the output given up for a cheaper plan is at most 1e-7 of the
    optimum, as in the two-stage tie-break of :func:`optimiser.solve` (and
    no money is spent that buys less than ``1/ε`` graduates per thousand
    yuan). Otherwise a second solve in the same instance adds the floor row.
    """
    import scipy.sparse as sp

    from ..solve.highs import PRIMAL_SIMPLEX, Session

    n_rows = len(block.row_lower)
    a = sp.csc_matrix((block.a_vals, (block.a_rows, block.a_cols)), shape=(n_rows, block.n_cols))
    a.sum_duplicates()
    a.sort_indices()
    session = Session()
    session.load(a, block.col_lower, block.col_upper, block.row_lower, block.row_upper, block.integer,
                 what="the robust programme")
    min_cost = mode == "min_cost"
    folded = tie_break and not min_cost and cost_bound is not None and cost_bound > 0 and block.estimate > 0
    costs = block.objective
    if folded:
        assert cost_bound is not None
        costs = block.objective - TIE_BREAK_TOLERANCE * block.estimate / cost_bound * block.secondary
    # Always maximised: the risk measure of the output, or of minus the cost (see block_programme).
    status = session.run(costs, "max").value
    if status != "optimal":
        return status, math.nan, np.zeros(block.n_cols)
    x = session.values()
    value = float(block.objective @ x)
    if tie_break and not folded:
        index = np.flatnonzero(block.objective).astype(np.int32)
        floor = value - TIE_BREAK_TOLERANCE * abs(value) - (MONEY_SCALE if min_cost else 0.0)
        session.add_row(floor, math.inf, block.objective[index], index)
        session.set_option("simplex_strategy", PRIMAL_SIMPLEX)  # the optimal basis stays primal feasible
        if session.run(block.secondary, "max" if min_cost else "min") is Status.OPTIMAL:
            x = session.values()
    return status, value, x


def output_estimate(worlds: Worlds, mode: str) -> float:
    """Half the optimum of the first world alone: a lower estimate of the risk measure's optimum (max_output)."""
    if mode == "min_cost":
        return 0.0
    first = Worlds(worlds.programs[:1], worlds.values[:1], worlds.keys, worlds.plan_keys, worlds.plan_kinds,
                   worlds.n_levers, worlds.method)
    status, value, _ = solve_block(block_programme(first, mode, "expected", 1.0, "every"), mode, False)
    return 0.5 * value if status == "optimal" and value > 0 else 0.0


def cost_bound(worlds: Worlds) -> float | None:
    """The most the mean cost over the worlds can be (thousands of yuan): their funding limits; None if unlimited."""
    bounds = []
    for program in worlds.programs:
        caps = [program.row_upper[r] for r, kind in enumerate(program.kinds) if kind == "funding_cap"]
        total = [program.row_upper[r] for r, kind in enumerate(program.kinds) if kind == "total_budget"]
        limits = [float(sum(caps))] if caps and all(math.isfinite(c) for c in caps) else []
        limits += [float(t) for t in total if math.isfinite(t)]
        if not limits:
            return None
        bounds.append(min(limits))
    return max(bounds)


def robust(
    config: Config | str | Path,
    draws: int = 100,
    seed: int | None = 0,
    risk: str = "expected",
    alpha: float = 0.1,
    budget: str = "every",
    *,
    worlds: Sequence[Mapping[str, float]] | None = None,
    test_draws: int = 200,
    test_seed: int | None = None,
    jobs: int | None = None,
    executor: Any = None,
    progress: bool = False,
) -> RobustResult:
    """One lever plan for ``draws`` worlds drawn from ``config``'s ``uncertainty:`` section.

    Parameters
    ----------
    config
        A config with an ``uncertainty:`` section (or pass ``worlds``), or the path of its YAML file.
    draws, seed
        How many worlds to plan for, and the seed of ``numpy.random.default_rng``.
    risk
        ``"expected"`` (the mean over the worlds), ``"cvar"`` (the mean of the
        worst ``alpha`` share of worlds; ``alpha=1`` is the mean, ``alpha <=
        1/draws`` the worst world) or ``"worst"``.
    alpha
        The tail share of ``"cvar"``, in (0, 1].
    budget
        ``"every"``: funding and policy limits hold in every world.
        ``"expected"``: they hold on average over the worlds; each world's
        overrun is reported in :attr:`RobustResult.worlds`.
    worlds
        Instead of drawing: the worlds as ``{key path: value}`` changes of
        ``config`` (every world gives the same keys). Out of sample testing
        then needs an ``uncertainty:`` section; without one it is skipped.
    test_draws, test_seed
        Fresh draws to test the plan on, beside the plan for the mean world
        (``0``: no test). ``test_seed`` defaults to ``seed + 1``.
    jobs, executor, progress
        Where the out-of-sample Monte Carlo runs (see :func:`optimiser.monte_carlo`).

    Raises
    ------
    ConfigError
        If the config has no ``uncertainty:`` section and no ``worlds`` are given.
    ValueError
        For an unknown ``risk`` or ``budget``, ``alpha`` outside (0, 1] or
        ``draws`` below 1.

    Examples
    --------
    >>> from optimiser import load_config
    >>> config = load_config("configs/zhejiang_uncertain.yaml")
    >>> plan = robust(config, draws=20, seed=1, test_draws=0)
    >>> plan.status, bool(plan.worlds["output"].min() > 25000)
    ('optimal', True)
    """
    started = time.perf_counter()
    config = as_config(config, function="robust")
    draws, test_draws = _whole(draws), _whole(test_draws)  # numpy integers too
    seed, test_seed = seed_number(seed), seed_number(test_seed)
    _check_arguments(draws, risk, alpha, budget, test_draws)
    keys = parse_uncertainty(config)
    base = without_uncertainty(config)
    sampled = _worlds_to_plan_for(config, base, keys, draws, seed, worlds)
    mode = base.objective.mode
    block = block_programme(sampled, mode, risk, alpha, budget, output_estimate(sampled, mode))
    built = time.perf_counter()
    status, value, x = solve_block(block, mode, base.objective.tie_break, cost_bound(sampled))
    solved = time.perf_counter()
    notes: list[str] = []
    if sampled.dropped:
        notes.append(_("{count} drawn worlds make no valid config and were left out").format(count=len(sampled.dropped)))
    summary: dict[str, Any] = {
        "name": config.name, "scenario": config.scenario_name or "base", "mode": mode, "risk": risk,
        "alpha": alpha if risk == "cvar" else None, "budget": budget, "draws": len(sampled.programs),
        "seed": seed if worlds is None else None,
        "method": sampled.method, "rows": len(block.row_lower), "columns": block.n_cols,
        "build_seconds": built - started, "solve_seconds": solved - built,
    }
    if status != "optimal":
        notes.append(_why_no_optimum(sampled, mode, budget, status))
        summary.update(notes=notes, seconds=time.perf_counter() - started)
        empty = pd.DataFrame(columns=["lever", "kind", "institution", "tier", "year", "units"])
        return RobustResult(status, math.nan, empty, pd.DataFrame(), summary=summary)
    result = _optimal_result(base, sampled, block, value, x, budget, summary, drawn=worlds is None)
    if test_draws and keys:
        test_seed = (0 if seed is None else seed) + 1 if test_seed is None else test_seed
        if worlds is None and seed is not None and test_seed == seed:
            notes.append(_("the test seed is the planning seed ({seed}): the test draws reuse the random numbers of "
                           "the worlds planned for (the same worlds when as many), so the test is not out of sample; "
                           "give another test seed").format(seed=seed))
        _test_out_of_sample(result, config, base, keys, test_draws, test_seed, jobs, executor, progress, notes)
    summary.update(notes=notes, seconds=time.perf_counter() - started)
    return result


def _worlds_to_plan_for(
    config: Config, base: Config, keys: tuple[Uncertain, ...], draws: int, seed: int | None,
    worlds: Sequence[Mapping[str, float]] | None,
) -> Worlds:
    """The worlds given, or ``draws`` worlds drawn from the config's ``uncertainty:`` section."""
    if worlds is not None:
        specs, values = _given_values(worlds)
        return _given_worlds(base, specs, values)
    if not keys:
        raise no_uncertainty_section(config.source)
    return build_worlds(base, keys, draw_values(keys, draws, seed))


def _given_values(worlds: Sequence[Mapping[str, float]]) -> tuple[tuple[Uncertain, ...], np.ndarray]:
    """The key paths of worlds given as ``{key path: value}``, and their values (one row per world)."""
    if not worlds:
        raise ValueError(_("worlds must list at least one world"))
    paths = list(worlds[0])
    if any(list(world) != paths for world in worlds):
        raise ValueError(_("every world must give the same key paths, in the same order"))
    specs = tuple(Uncertain(path, "uniform", {"low": 0.0, "high": 1.0}) for path in paths)
    values = np.array([[float(world[path]) for path in paths] for world in worlds], dtype=float).reshape(
        len(worlds), len(paths))
    return specs, values


def _optimal_result(
    base: Config, sampled: Worlds, block: BlockProgramme, value: float, x: np.ndarray, budget: str,
    summary: dict[str, Any], drawn: bool,
) -> RobustResult:
    """The plan of an optimal block programme, with what each world gives (and, budget ``expected``, overruns)."""
    mode = base.objective.mode
    objective = -value / MONEY_SCALE if mode == "min_cost" else value
    units = {key: float(max(x[c], 0.0)) for c, key in enumerate(sampled.plan_keys)}
    plan = pd.DataFrame(
        [(key[0], kind, key[1], key[2], key[3], units[key]) for key, kind in zip(sampled.plan_keys, sampled.plan_kinds)],
        columns=["lever", "kind", "institution", "tier", "year", "units"],
    )
    table = _worlds_table(sampled, block, x, budget)
    if budget == "expected":
        table["overrun"], table["broken"] = _overruns(base, sampled, units, drawn)
    summary.update(
        mean_output=float(table["output"].mean()), worst_output=float(table["output"].min()),
        mean_cost=float(table["total_cost"].mean()), worst_cost=float(table["total_cost"].max()),
    )
    if budget == "expected":
        over = table["overrun"].fillna(0.0) > 1.0
        summary.update(worlds_over_budget=int(over.sum()), largest_overrun=float(table["overrun"].max()),
                       worlds_breaking_a_limit=int((table["broken"] != "").sum()))
    return RobustResult("optimal", objective, plan, table, summary=summary, units=units)


def _why_no_optimum(worlds: Worlds, mode: str, budget: str, status: str) -> str:
    """What to do when the programme over the worlds has no optimum: which worlds have none on their own."""
    if status != "infeasible":
        return _("the programme over the worlds ended {status}; `optimiser solve` on the config explains its own "
                 "plan").format(status=status)
    alone = []
    for w, program in enumerate(worlds.programs):
        if budget == "expected":  # the limits held on average may be broken by a world alone: leave them out
            free = np.array([kind in AVERAGED_KINDS for kind in program.kinds], dtype=bool)
            program = dataclasses.replace(program, row_lower=np.where(free, -math.inf, program.row_lower),
                                          row_upper=np.where(free, math.inf, program.row_upper))
        one = Worlds([program], worlds.values[w:w + 1], worlds.keys, worlds.plan_keys,
                     worlds.plan_kinds, worlds.n_levers, worlds.method)
        if solve_block(block_programme(one, mode, "expected", 1.0, "every"), mode, False)[0] != "optimal":
            alone.append(w)
    if alone:
        first = ", ".join(f"{spec.path} = {value:,.6g}" for spec, value in zip(worlds.keys, worlds.values[alone[0]]))
        return _(NO_PLAN_ALONE[budget == "expected"]).format(
            count=len(alone), total=len(worlds.programs), world=alone[0], values=first)
    return _(NO_ONE_PLAN[mode == "min_cost", budget == "expected"])


NO_PLAN_ALONE = {
    False: N_("{count} of {total} drawn worlds have no plan even on their own (the first, world {world}: {values}); "
              "narrow the distributions, or ask less of every world (budget \"expected\" holds the limits on average)"),
    True: N_("{count} of {total} drawn worlds have no plan even on their own with only the limits that hold in every "
             "world (the first, world {world}: {values}); narrow the distributions, or ask less of every world"),
}
"""Why the worlds have no robust plan when some have none on their own, by whether limits hold on average."""

NO_ONE_PLAN = {
    (False, False): N_("each drawn world has a plan on its own, but no one lever plan keeps the limits in all of them; "
                       "budget \"expected\" holds the limits on average"),
    (False, True): N_("each drawn world has a plan on its own, but no one lever plan keeps the limits in all of them "
                      "within the limits held on average"),
    (True, False): N_("each drawn world has a plan on its own, but no one lever plan meets the targets in all of them; "
                      "budget \"expected\" holds the limits on average"),
    (True, True): N_("each drawn world has a plan on its own, but no one lever plan meets the targets in all of them "
                     "within the limits held on average"),
}
"""Why the worlds have no robust plan when each has one on its own, by (min_cost mode, limits held on average)."""


def _whole(value: Any) -> Any:
    """``value`` as an ``int`` when it is a whole number of any integer type (not a bool); else unchanged."""
    return int(value) if isinstance(value, numbers.Integral) and not isinstance(value, bool) else value


def _check_arguments(draws: int, risk: str, alpha: float, budget: str, test_draws: int) -> None:
    draws = whole_number(draws, "draws", 1)
    if draws > MAX_DRAWS:
        raise ValueError(_(
            "draws must be at most {most} for a robust plan, got {draws}: the plan is one linear programme "
            "with a copy of the province per world; test a plan on more worlds with monte_carlo"
        ).format(most=f"{MAX_DRAWS:,}", draws=f"{draws:,}"))
    if risk not in RISKS:
        raise ValueError(_("unknown risk {risk!r}; choose one of: {choices}").format(risk=risk, choices=", ".join(RISKS)))
    if not (isinstance(alpha, (int, float)) and 0.0 < float(alpha) <= 1.0):
        raise ValueError(_("alpha is the share of worst worlds of cvar, in (0, 1]; got {alpha!r}").format(alpha=alpha))
    if budget not in BUDGETS:
        raise ValueError(_("unknown budget {budget!r}; choose one of: {choices}").format(
            budget=budget, choices=", ".join(BUDGETS)))
    whole_number(test_draws, "test_draws", 0)


def _given_worlds(base: Config, specs: tuple[Uncertain, ...], values: np.ndarray) -> Worlds:
    """Worlds given explicitly: each built with build_model (no affine shortcut needed for a few)."""
    paths = [spec.path for spec in specs]
    plan_keys, kinds = _lever_columns(base)
    programs = [arrays_of(build_model(base.with_changes(dict(zip(paths, row.tolist()))))) for row in values]
    head = programs[0].names[:len(plan_keys)]
    if any(p.names[:len(plan_keys)] != head for p in programs):
        raise ConfigError([Problem("worlds", _("the worlds differ in which lever units exist"), None, None)])
    return Worlds(programs, values, specs, plan_keys, kinds, len(plan_keys), "rebuild", [], list(range(len(values))))


def _worlds_table(worlds: Worlds, block: BlockProgramme, x: np.ndarray, budget: str) -> pd.DataFrame:
    columns: dict[str, Any] = {"world": np.arange(len(worlds.programs))}
    for index, spec in enumerate(worlds.keys):
        columns[spec.path] = worlds.values[:, index]
    outputs, costs = [], []
    for w, program in enumerate(worlds.programs):
        xw = x[block.world_cols[w]]
        outputs.append(float(program.output @ xw))
        costs.append(float(program.cost @ xw) / MONEY_SCALE)
    columns["output"] = outputs
    columns["total_cost"] = costs
    return pd.DataFrame(columns)


def _overruns(base: Config, worlds: Worlds, units: dict[PlanKey, float], drawn: bool) -> tuple[list[float], list[str]]:
    """Each world's overrun (yuan) and the limits it breaks with the plan fixed: the judgement of
    :func:`optimiser.evaluate` (least breach, money first), as the fixed-plan Monte Carlo makes it."""
    from .array_solve import ArraySolver
    from .montecarlo import _arrays, _evaluate, _prepare

    paths = [spec.path for spec in worlds.keys]
    overrun: list[float] = []
    broken: list[str] = []
    job = _prepare(base, worlds.keys, units, "highs", len(worlds.programs)) if drawn else None
    solver = ArraySolver(fixed_plan=True)
    for index, row in enumerate(worlds.values):
        values = tuple(float(v) for v in row)
        if job is not None:
            outcome = _evaluate((job, index, values))
        else:
            outcome = solver.solve(_arrays(base.with_changes(dict(zip(paths, values))), units))
        if isinstance(outcome, tuple):
            overrun.append(math.nan)
            broken.append(outcome[0])
            continue
        overrun.append(float(outcome.overspend))
        broken.append(", ".join(outcome.violated))
    return overrun, broken


# -- out of sample ---------------------------------------------------------------

def distribution_mean(spec: Uncertain, points: int = 1 << 16) -> float:
    """The mean of a (possibly truncated) distribution: the average of its quantile function.

    Midpoint rule on ``points`` equal steps of the probability.

    >>> distribution_mean(Uncertain("x", "triangular", {"low": 0.1, "mode": 0.25, "high": 0.5}))  # (0.1+0.25+0.5)/3
    0.28333...
    """
    u = (np.arange(points) + 0.5) / points
    return float(np.mean(spec.quantile(u)))


def mean_world(config: Config) -> dict[str, float]:
    """Every uncertain value of ``config`` at its mean: ``{key path: mean}``."""
    return {spec.path: distribution_mean(spec) for spec in parse_uncertainty(config)}


def _test_out_of_sample(
    result: RobustResult, config: Config, base: Config, keys: Sequence[Uncertain], test_draws: int, test_seed: int,
    jobs: int | None, executor: Any, progress: bool, notes: list[str],
) -> None:
    from ..api import solve
    from .montecarlo import monte_carlo

    mode = base.objective.mode
    rows: dict[str, dict[str, float]] = {}
    objectives: dict[str, pd.Series] = {}
    mc = monte_carlo(config, draws=test_draws, seed=test_seed, plan=result.units, jobs=jobs, executor=executor,
                     progress=progress)
    rows["robust"], objectives["robust"] = _oos_row(mc.draws, mode)
    result.summary["holds"] = rows["robust"]["holds"]
    means = mean_world(config)
    try:
        deterministic = solve(base.with_changes(means), diagnose=False)
    except ConfigError as err:
        deterministic = None
        notes.append(_("the mean world is not a valid config ({problem}); no value of the stochastic solution").format(
            problem=err.problems[0]))
    if deterministic is not None and deterministic.ok:
        mc_mean = monte_carlo(config, draws=test_draws, seed=test_seed, plan=deterministic, jobs=jobs,
                              executor=executor, progress=progress)
        rows["mean world"], objectives["mean world"] = _oos_row(mc_mean.draws, mode)
        result.summary["mean_world_objective"] = float(deterministic.objective)
        both = objectives["robust"].notna() & objectives["mean world"].notna()
        gain = objectives["robust"][both] - objectives["mean world"][both]
        if mode == "min_cost":
            gain = -gain
        result.summary["mean_world_holds"] = rows["mean world"]["holds"]
        if len(gain) > 1:
            result.summary["vss"] = float(gain.mean())
            result.summary["vss_se"] = float(gain.std(ddof=1) / math.sqrt(len(gain)))
            reference = abs(rows["mean world"]["expected"])
            result.summary["vss_share"] = result.summary["vss"] / reference if reference > 0 else math.nan
    elif deterministic is not None:
        notes.append(_("the mean world has no optimal plan ({status}); no value of the stochastic solution").format(
            status=deterministic.status.value))
    result.summary.update(test_draws=test_draws, test_seed=test_seed)
    result.out_of_sample = pd.DataFrame.from_dict(rows, orient="index")


def _oos_row(draws: pd.DataFrame, mode: str) -> tuple[dict[str, float], pd.Series]:
    from .montecarlo import USABLE

    usable = draws["status"].isin(USABLE)
    objective = draws["objective"].where(usable)
    values = objective.dropna().to_numpy(dtype=float)
    tail = 100 - TAIL if mode == "min_cost" else TAIL
    n = len(draws)
    # Over budget as MonteCarloResult.over_budget counts it: money short, whether or not another limit breaks too.
    overspent = draws["overspend"].fillna(0.0) > 0 if "overspend" in draws else draws["status"] == "over_budget"
    row = {
        "expected": float(values.mean()) if len(values) else math.nan,
        "tail": float(np.percentile(values, tail)) if len(values) else math.nan,
        "holds": float((draws["status"] == "optimal").sum() / n),
        "over_budget": float(overspent.sum() / n),
        "breaks_limit": float((draws["status"] == "violates").sum() / n),
        "no_numbers": float((~usable).sum() / n),
        "draws": float(n),
    }
    return row, objective


def robust_convergence(
    config: Config | str | Path,
    sizes: Sequence[int] = (25, 50, 100, 200),
    seed: int | None = 0,
    risk: str = "expected",
    alpha: float = 0.1,
    budget: str = "every",
) -> pd.DataFrame:
    """The robust objective as the draws grow: one row per size.

    The worlds of each size are the first ``n`` of one sample of
    ``max(sizes)`` draws, so each set contains the one before. Columns:
    ``draws``, ``objective``, ``change`` (against the size before, as a share
    of it), ``mean_output``, ``worst_output``, ``mean_cost``, ``worst_cost`` and ``seconds``;
    ``attrs["mode"]`` names the objective's mode.
    When ``change`` stays within the spread an analyst accepts, N is enough.

    >>> from optimiser import load_config
    >>> table = robust_convergence(load_config("configs/zhejiang_uncertain.yaml"), sizes=(5, 10))
    >>> list(table["draws"])
    [5, 10]
    """
    config = as_config(config, function="robust_convergence")
    seed = seed_number(seed)
    sizes = sorted({int(n) for n in sizes})
    if not sizes or sizes[0] < 1:
        raise ValueError(_("sizes must be positive whole numbers, got {sizes!r}").format(sizes=sizes))
    _check_arguments(sizes[-1], risk, alpha, budget, 0)
    keys = parse_uncertainty(config)
    if not keys:
        raise no_uncertainty_section(config.source)
    base = without_uncertainty(config)
    values = draw_values(keys, sizes[-1], seed)
    everything = build_worlds(base, keys, values)
    records = []
    previous = math.nan
    for n in sizes:
        started = time.perf_counter()
        kept = [w for w, drawn in enumerate(everything.drawn) if drawn < n]
        sub = Worlds([everything.programs[w] for w in kept], everything.values[kept], everything.keys,
                     everything.plan_keys, everything.plan_kinds, everything.n_levers, everything.method)
        block = block_programme(sub, base.objective.mode, risk, alpha, budget, output_estimate(sub, base.objective.mode))
        status, value, x = solve_block(block, base.objective.mode, base.objective.tie_break, cost_bound(sub))
        objective = (-value / MONEY_SCALE if base.objective.mode == "min_cost" else value) if status == "optimal" else math.nan
        table = _worlds_table(sub, block, x, "every")
        records.append({
            "draws": n, "status": status, "objective": objective,
            "change": (objective - previous) / abs(previous) if previous and math.isfinite(previous) else math.nan,
            "mean_output": float(table["output"].mean()), "worst_output": float(table["output"].min()),
            "mean_cost": float(table["total_cost"].mean()), "worst_cost": float(table["total_cost"].max()),
            "seconds": time.perf_counter() - started,
        })
        previous = objective
    table = pd.DataFrame(records)
    table.attrs["mode"] = base.objective.mode
    return table


__all__ = [
    "AVERAGED_KINDS", "RISKS", "RobustResult", "block_programme", "build_worlds", "distribution_mean", "mean_world",
    "robust", "robust_convergence", "solve_block",
]
