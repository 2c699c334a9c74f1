"""Monte Carlo over the config's ``uncertainty:`` section: how robust is a plan, how uncertain the optimum.

:func:`monte_carlo` draws every uncertain value up front from one
``numpy.random.default_rng(seed)`` in the calling process, then evaluates the
drawn worlds (here, in local processes or on a Dask cluster) and returns a
:class:`MonteCarloResult`: one row per draw and percentiles of each figure.

With a fixed ``plan`` each world asks what that plan delivers, exactly as
:func:`optimiser.evaluate` would judge it in that world: the same elastic
programme and two-stage solve, the same status rule (see
:mod:`optimiser.analysis.array_solve`), with HiGHS or CBC; without one, each
world is re-optimised.

Speed: when the drawn values only move numbers of the programme in
proportion (costs, intake effects, completion rates, funding limits; checked,
not assumed), the programme is built once and each world is a re-solve from
arrays (the fit is kept for the last few configs of the process, so running
the same config, keys and plan again builds nothing). Drawn values inside a
box whose deciding corners are valid configs need no validation of their
own (:func:`_valid_box`). Otherwise every world is rebuilt. Either way a world's numbers equal
those of :func:`optimiser.solve` on ``config.with_changes(draw)``. Each
worker keeps the programme loaded in one HiGHS session and per world
changes only the numbers that world moves (see
:mod:`optimiser.analysis.array_solve`); every solve starts from the same
basis, so the table is the same whatever the order, ``jobs`` or cluster.

With a fixed plan the draws of a fitted programme are worked out in runs of
:data:`WORLDS_TOGETHER`: the first item of each run carries the run's
values, and the worker works out every draw's numbers for the session at
once (:meth:`~optimiser.analysis.array_solve.ArraySolver.solve_fitted`);
a draw's numbers are the same as when it is worked out alone, so which
worker ran which draws still changes nothing.

Measured on 1,000 draws of configs/zhejiang_uncertain.yaml with its optimal
plan fixed (one process, medians of 5, ``python benchmarks/warm_sweep.py
--repeat 5 --only montecarlo``, two cores): 0.91-0.95 s of wall time as the
first run of a process (0.87-0.91 s of CPU time), 0.75-0.78 s again on the
same config (the fit kept); 0.35-0.36 s of it inside HiGHS, one solve a draw
(:meth:`~optimiser.analysis.array_solve.ArraySolver._at_once`: the least
breach and the best output keeping it in one solve, checked). Before that
single solve the same run took 1.31 s (two solves a draw, 0.69 s inside
HiGHS), and 2.0 s before the box was validated on covering corners and the
session held only what the plan leaves free; the table is the same to the
solver's tolerance (the tests compare it with the plain path's). The fit
and the box take about 0.15 s of a first run (eleven programmes built
through PuLP, about 10 ms each, and 16 configs validated). What was tried
on the solves and on the bookkeeping, and what did not pay, is listed in
:mod:`optimiser.analysis.array_solve`.
"""

from __future__ import annotations

import itertools
import math
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..config.load import as_config, get_path
from ..config.types import Config
from ..config.uncertainty import (
    INTERIOR,
    Uncertain,
    draw_values,
    no_uncertainty_section,
    parse_uncertainty,
    probe_values,
    without_uncertainty,
)
from ..errors import ConfigError, SolverError
from ..i18n import _
from ..model import PlanKey, build_model
from ..planfile import plan_units
from ..scalars import seed_number, whole_number
from ..solve.status import Status
from ..views import show
from .array_solve import ArraySolver, DrawOutcome, plan_outcome
from .executor import run_points
from .parameters import ParameterEffect, fit_parameters
from .program_arrays import ProgramArrays, arrays_of

PERCENTILES = (5, 25, 50, 75, 95)
"""The percentiles reported, as columns p5 ... p95."""

USABLE = ("optimal", "over_budget", "violates")
"""Statuses whose draws carry numbers (the last two only with a fixed plan)."""


@dataclass
class MonteCarloResult:
    """The drawn worlds and what they give.

    Attributes
    ----------
    draws
        One row per draw: ``draw``, one column per uncertain key path (the
        drawn value), ``status``, ``objective``, ``total_cost`` (yuan),
        ``weighted_output`` (of the plan: re-optimised, the objective less
        what a ``smooth`` share gave up for steadiness; with a fixed plan, the
        objective), with a fixed plan ``overspend`` (yuan) and ``violated`` (the kinds of
        limits the plan breaks), ``compound_<tier>`` (compound graduates over
        the horizon), ``compound_<year>`` (compound graduates that year, all
        tiers) and ``note``.
    percentiles
        Index: ``objective``, ``total_cost``, ``weighted_output`` (and ``overspend``),
        ``compound_<tier>``, ``compound_<year>``; columns ``p5 p25 p50 p75 p95``
        and ``mean``, over the draws with numbers (see :data:`USABLE`).
    """

    draws: pd.DataFrame
    percentiles: pd.DataFrame
    keys: tuple[Uncertain, ...]
    tiers: tuple[str, ...]
    years: tuple[int, ...]
    fixed_plan: bool
    summary: dict[str, Any] = field(default_factory=dict)

    def status_counts(self) -> dict[str, int]:
        """How many draws ended in each status."""
        return {str(k): int(v) for k, v in self.draws["status"].value_counts().sort_index().items()}

    def over_budget(self) -> tuple[int, int]:
        """With a fixed plan: in how many of the judged worlds it needs more money than there is, and of how many.

        A world is over budget when its ``overspend`` is positive (status
        ``over_budget``, or ``violates`` with money among the limits broken);
        judged worlds are those with numbers (:data:`USABLE`). ``(0, 0)``
        when the plan is re-optimised in each world.
        """
        if not self.fixed_plan or "overspend" not in self.draws.columns:
            return 0, 0
        judged = self.draws[self.draws["status"].isin(USABLE)]
        return int((judged["overspend"] > 0).sum()), len(judged)

    def fan(self) -> pd.DataFrame:
        """Percentiles of the yearly compound output: index year, columns ``p5 ... p95, mean``."""
        table = self.percentiles.loc[[f"compound_{year}" for year in self.years]]
        table.index = pd.Index(list(self.years), name="year")
        return table

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (``optimiser montecarlo --json``), by :mod:`optimiser.report.analysis_text`."""
        return show(self, "dict")

    def __str__(self) -> str:
        return show(self, "text")

    def _repr_html_(self) -> str:
        return show(self, "html")


MAX_DRAWS = 1_000_000
"""The most draws one run takes: each is one LP solve (a million take hours even on many cores) and keeps its row."""


def monte_carlo(
    config: Config | str | Path,
    draws: int = 1000,
    seed: int | None = 0,
    plan: Any = None,
    jobs: int | None = None,
    executor: Any = None,
    progress: bool = False,
    solver: str = "highs",
) -> MonteCarloResult:
    """Evaluate ``draws`` worlds drawn from ``config``'s ``uncertainty:`` section.

    Parameters
    ----------
    config
        A config with an ``uncertainty:`` section, or the path of its YAML file.
    draws, seed
        How many worlds (at least 1), and the seed of ``numpy.random.default_rng``
        (a whole number from 0 up, or ``None`` for a fresh one). The
        same seed gives the same table whatever ``jobs`` or ``executor``.
    plan
        ``None``: re-optimise each world. Otherwise the plan to test: a
        :class:`~optimiser.Result`, its ``plan`` table (columns lever,
        institution, tier, year, units), a CSV/XLSX path or a dict
        ``{(lever, institution, tier, year): units}``.
    jobs, executor, progress
        Where the worlds run (see :func:`optimiser.analysis.executor.run_points`):
        ``jobs > 1`` local processes, ``executor`` a
        :class:`concurrent.futures.Executor` or ``dask.distributed.Client``.
    solver
        ``"highs"`` (fast path) or ``"cbc"`` (each world built and solved
        through PuLP: :func:`optimiser.solve`, or with a fixed plan the
        elastic solve of :func:`optimiser.evaluate`; same statuses, same
        numbers, slower).

    Raises
    ------
    ConfigError
        If the config has no ``uncertainty:`` section.
    PlanError
        If ``plan`` is not a plan, or names levers, institutions, tiers or years the config lacks.
    TypeError, ValueError
        If ``config`` is neither a Config nor a path, or ``draws`` or ``seed`` is not a whole number.

    Examples
    --------
    >>> from optimiser import load_config, solve
    >>> config = load_config("configs/zhejiang_uncertain.yaml")
    >>> robust = monte_carlo(config, draws=20, seed=1, plan=solve(config))
    >>> robust.status_counts()
    {'over_budget': 10, 'violates': 10}
    >>> bool(robust.percentiles.loc["objective", "p50"] > 30000)
    True
    """
    started = time.perf_counter()
    config = as_config(config, function="monte_carlo")
    draws = whole_number(draws, "draws", 1)
    seed = seed_number(seed)
    if draws > MAX_DRAWS:
        raise ValueError(_("draws must be at most {most}, got {draws}: each draw is one solve and keeps a row "
                           "(the percentiles settle within a few thousand)").format(
            most=f"{MAX_DRAWS:,}", draws=f"{draws:,}"))
    if solver not in ("highs", "cbc"):
        raise SolverError(_("unknown solver {solver!r}; choose one of: highs, cbc").format(solver=solver))
    keys = parse_uncertainty(config)
    if not keys:
        raise no_uncertainty_section(config.source)
    base = without_uncertainty(config)
    fixed = None if plan is None else plan_units(plan, base)
    values = draw_values(keys, draws, seed)
    job = _prepare(base, keys, fixed, solver, draws, reuse=True)
    items = [(job, index, tuple(float(v) for v in values[index]),
              values[index:index + WORLDS_TOGETHER] if index % WORLDS_TOGETHER == 0 else None)
             for index in range(draws)]
    outcomes = run_points(_evaluate, items, jobs=jobs, executor=executor, progress=progress, desc="Monte Carlo")
    tiers = tuple(base.tiers)
    years = tuple(base.years)
    table = _draws_table(keys, values, outcomes, tiers, years, fixed is not None)
    summary = {
        "name": config.name,
        "scenario": config.scenario_name or "base",
        "mode": config.objective.mode,
        "draws": draws,
        "seed": seed,
        "fixed_plan": fixed is not None,
        "solver": solver,
        "method": job.method,
        "seconds": time.perf_counter() - started,
    }
    return MonteCarloResult(table, percentile_table(table), keys, tiers, years, fixed is not None, summary)


def percentile_table(draws: pd.DataFrame) -> pd.DataFrame:
    """Percentiles ``p5 ... p95`` and the mean of each figure of a draws table.

    Only draws with a status in :data:`USABLE` count; filter ``draws`` first
    for another view (e.g. ``draws[draws.status == "optimal"]``).
    """
    metrics = [c for c in draws.columns
               if c in ("objective", "total_cost", "weighted_output", "overspend") or c.startswith("compound_")]
    usable = draws[draws["status"].isin(USABLE)]
    rows = {}
    for metric in metrics:
        column = usable[metric].to_numpy(dtype=float)
        column = column[np.isfinite(column)]
        if len(column):
            numbers = list(np.percentile(column, PERCENTILES)) + [float(column.mean())]
        else:
            numbers = [math.nan] * (len(PERCENTILES) + 1)
        rows[metric] = numbers
    columns = [f"p{p}" for p in PERCENTILES] + ["mean"]
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns)


# -- preparing and evaluating draws ------------------------------------------

@dataclass
class _Job:
    """Everything a worker needs to evaluate draws (pickled once per batch)."""

    token: str
    method: str  # "affine", "rebuild" or "reference"
    base: Config
    paths: tuple[str, ...]
    plan: dict[PlanKey, float] | None
    solver: str
    affine: ParameterEffect | None = None
    start: ProgramArrays | None = None
    valid_box: tuple[np.ndarray, np.ndarray] | None = None
    """Draws inside this box are known to give valid configs (its corners were validated)."""
    _box: tuple[tuple[float, float], ...] | None = field(default=None, repr=False)

    def known_valid(self, values: tuple[float, ...]) -> bool:
        if self.valid_box is None:
            return False
        if self._box is None:
            self._box = tuple(zip(self.valid_box[0].tolist(), self.valid_box[1].tolist()))
        return all(low <= value <= high for value, (low, high) in zip(values, self._box))


def _prepare(
    base: Config, keys: Sequence[Uncertain], plan: dict[PlanKey, float] | None, solver: str, draws: int,
    reuse: bool = False,
) -> _Job:
    """The job of a run: how the drawn keys move the programme (fitted, or rebuilt per world).

    With ``reuse`` a fit made earlier in this process for the same config, keys and plan is taken
    again (see :data:`_FITTED`).
    """
    paths = tuple(spec.path for spec in keys)
    token = uuid.uuid4().hex
    if solver != "highs":
        return _Job(token, "reference", base, paths, plan, solver)
    origin = np.array([float(get_path(base.raw, path)) for path in paths])

    def build(point: np.ndarray) -> ProgramArrays | None:
        try:
            world = base.with_changes(dict(zip(paths, point.tolist())))
        except ConfigError:
            return None
        return _arrays(world, plan)

    reach = [probe_values(spec)[:2] for spec in keys]
    # One probe per key fixes its slope; two points moving every key at once check the slopes at the
    # key's other end and at an inner value, and that keys acting on one number add up.
    probes = [(_first_other(ends, value),) for ends, value in zip(reach, origin)]
    joint = np.array([[_away_from(spec, value) for spec, value in zip(keys, origin)],
                      [_last_other(ends, value) for ends, value in zip(reach, origin)]])
    corners = _box_corners(len(paths))
    boxed = corners is not None and len(corners) <= draws  # whether _valid_box validates corners
    key = (repr(base.raw), base.scenario_name, paths, None if plan is None else tuple(sorted(plan.items())),
           origin.tobytes(), repr(probes), joint.tobytes(), repr(reach), boxed)
    found = _FITTED.pop(key, None) if reuse else None
    if found is None:
        affine = fit_parameters(build, origin, probes, joint)
        found = (affine, _valid_box(base, paths, reach, draws) if affine is not None else None)
    _FITTED[key] = found
    while len(_FITTED) > FITS_KEPT:
        _FITTED.pop(next(iter(_FITTED)))
    affine, box = found
    if affine is not None:
        return _Job(token, "affine", base, paths, plan, solver, affine=affine, start=affine.base, valid_box=box)
    return _Job(token, "rebuild", base, paths, plan, solver, start=_arrays(base, plan))


FITS_KEPT = 4
"""How many fitted programmes this process keeps (see :data:`_FITTED`)."""

_FITTED: dict[Any, tuple[ParameterEffect | None, tuple[np.ndarray, np.ndarray] | None]] = {}
"""The fit and the validated box of the last few configs (the most recent last), by everything they
depend on: the config as written, the keys' probe values and the plan. A second run on the same config
(another seed, more draws) reuses them; a fit is never changed, so sharing it is safe."""


def _valid_box(
    base: Config, paths: tuple[str, ...], reach: Sequence[Sequence[float]], draws: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """The box of every key's reach, if the corners that decide it are valid configs; else ``None``.

    Config rules on numbers are bounds on one value and linear inequalities
    between two (an intake below its maximum, a lever's least yearly units
    below its most), so a rule holds everywhere in the box when it holds at
    every combination of the ends of the values it reads. The corners tried
    (:func:`covering_corners`) hold every combination of the ends of any
    :data:`BOX_STRENGTH` keys, a margin over the two a rule reads now: 16
    configs for the 8 keys of configs/zhejiang_uncertain.yaml instead of all
    256 corners (measured: 0.04 s instead of 0.6 s, each corner a deep copy
    and a validation of the whole config). Draws in the box need no
    validation of their own. Only worth it when the corners are fewer than
    the draws (and the keys at most :data:`BOX_KEYS`).
    """
    ends = np.array([[min(r), max(r)] for r in reach], dtype=float).reshape(len(reach), 2)
    corners = _box_corners(len(paths))
    if corners is None or len(corners) > draws:
        return None
    for corner in corners:
        try:
            base.with_changes(dict(zip(paths, ends[np.arange(len(paths)), corner].tolist())))
        except ConfigError:
            return None
    return ends[:, 0].copy(), ends[:, 1].copy()


BOX_STRENGTH = 3
"""How many keys' ends :func:`_valid_box` tries in every combination (config rules read at most two values)."""

BOX_KEYS = 30
"""The most keys whose box :func:`_valid_box` validates (beyond, each draw is validated on its own)."""


def _box_corners(keys: int) -> np.ndarray | None:
    """The corners :func:`_valid_box` validates for ``keys`` keys; ``None`` beyond :data:`BOX_KEYS`."""
    return covering_corners(keys, BOX_STRENGTH) if keys <= BOX_KEYS else None


def covering_corners(keys: int, strength: int) -> np.ndarray:
    """Corners of a box (rows of 0 = low end, 1 = high end, one column per key) holding every combination
    of ends of any ``strength`` keys: all ``2**keys`` corners when ``keys <= strength``, else a covering
    array built greedily (each corner added covers the most combinations not yet covered; the first
    candidate wins a tie, so the corners are always the same).
    """
    if keys <= strength:
        return np.array(list(itertools.product((0, 1), repeat=keys)), dtype=np.int64).reshape(-1, keys)
    subsets = np.array(list(itertools.combinations(range(keys), strength)), dtype=np.int64)
    weights = 1 << np.arange(strength)[::-1]
    if keys <= 12:
        candidates = np.array(list(itertools.product((0, 1), repeat=keys)), dtype=np.int64)
    else:
        candidates = np.random.default_rng(0).integers(0, 2, size=(256, keys))
    patterns = candidates[:, subsets] @ weights  # (candidate, subset) -> which combination of ends it holds
    uncovered = np.ones((len(subsets), 2**strength), dtype=bool)
    chosen: list[np.ndarray] = []
    columns = np.arange(len(subsets))
    while uncovered.any():
        gains = uncovered[columns, patterns].sum(axis=1)
        best = int(np.argmax(gains))
        if gains[best] == 0:  # random candidates that miss a combination: add it by hand
            subset, pattern = np.argwhere(uncovered)[0]
            corner = np.zeros(keys, dtype=np.int64)
            corner[subsets[subset]] = (pattern // weights) % 2
        else:
            corner = candidates[best]
        chosen.append(corner)
        uncovered[columns, corner[subsets] @ weights] = False
    return np.array(chosen, dtype=np.int64)


def _first_other(ends: Sequence[float], value: float) -> float:
    """The first of a key's ends that differs from its value (the value itself if none does)."""
    return next((end for end in ends if end != value), value)


def _last_other(ends: Sequence[float], value: float) -> float:
    """The other end of :func:`_first_other`: the last that differs from the value, if not the first."""
    first = _first_other(ends, value)
    return next((end for end in reversed(ends) if end not in (value, first)), value)


def _away_from(spec: Uncertain, value: float) -> float:
    """An inner value of the distribution that differs from the config's own value."""
    for u in (INTERIOR, 1.0 - INTERIOR, 0.5):
        candidate = float(spec.quantile(np.array([u]))[0])
        if candidate != value:
            return candidate
    return value


_WORKER = threading.local()
"""This thread's solver for the job it is running (one job at a time; Dask may run threads)."""


def _solver_for(job: _Job) -> ArraySolver:
    cached = getattr(_WORKER, "solver", None)
    if cached is None or cached[0] != job.token:
        solver = ArraySolver(fixed_plan=job.plan is not None)
        if job.start is not None:
            solver.remember_start(job.start)
        cached = _WORKER.solver = (job.token, solver)
    return cached[1]


WORLDS_TOGETHER = 100
"""Draws whose numbers a worker works out together (:meth:`ArraySolver.solve_fitted`): the first item of
every run of this many carries the run's values."""


def _evaluate(
    item: tuple[_Job, int, tuple[float, ...], np.ndarray | None] | tuple[_Job, int, tuple[float, ...]],
) -> DrawOutcome | tuple[str, str]:
    """One world: its outcome, or ``("invalid", message)`` when the drawn values make no valid config.

    The item is the job, the draw's index and values, and (optionally) the values of the draws from this
    one on that a worker may work out together; the outcome is the same without them.
    """
    job, index, values = item[:3]
    together = item[3] if len(item) > 3 else None
    if together is not None and job.method == "affine":
        assert job.affine is not None
        _solver_for(job).work_out(job.affine, np.asarray(together, dtype=float), index)  # even if this draw is invalid
    world = None
    if not (job.method == "affine" and job.known_valid(values)):
        try:
            world = job.base.with_changes(dict(zip(job.paths, values)))
        except ConfigError as err:
            return ("invalid", "; ".join(str(p) for p in err.problems))
    if job.method == "affine":
        assert job.affine is not None
        return _solver_for(job).solve_fitted(job.affine, np.array([values]), index)
    assert world is not None
    if job.method == "reference":
        if job.plan is not None:
            return elastic_outcome(world, job.plan, job.solver)
        return reference_outcome(world, job.plan, job.solver)
    return _solver_for(job).solve(_arrays(world, job.plan))


def _arrays(world: Config, plan: dict[PlanKey, float] | None) -> ProgramArrays:
    """The programme of a world: the elastic one of :func:`optimiser.evaluate.plan_model` with a plan."""
    from ..evaluate import plan_model

    return arrays_of(build_model(world) if plan is None else plan_model(world, plan))


def elastic_outcome(world: Config, plan: dict[PlanKey, float], solver: str = "highs") -> DrawOutcome:
    """A fixed plan in one world through PuLP and a back end: the solve of :func:`optimiser.evaluate`."""
    from ..evaluate import plan_model, solve_plan

    model = plan_model(world, plan)
    status, backend = solve_plan(model, solver)
    arrays = arrays_of(model)
    if status is not Status.OPTIMAL:
        return DrawOutcome(status.value, math.nan, math.nan, np.full(len(arrays.measures), math.nan))
    return plan_outcome(arrays, backend.values())


def reference_outcome(world: Config, plan: dict[PlanKey, float] | None, solver: str = "highs") -> DrawOutcome:
    """One world through :func:`optimiser.solve` (the slow, plain way; also the benchmark's naive loop)."""
    from ..api import solve

    result = solve(world, solver=solver, plan=plan, diagnose=False)
    measures = [(k, t) for k in world.tiers for t in world.years]
    if not result.ok:
        return DrawOutcome(result.status.value, math.nan, math.nan, np.full(len(measures), math.nan))
    compound = result.outputs.groupby(["tier", "year"])["compound"].sum()
    values = np.array([float(compound.get((k, t), 0.0)) for k, t in measures])
    return DrawOutcome("optimal", float(result.objective), float(result.total_cost), values,
                       weighted_output=float(result.summary["weighted_output"]))


def _draws_table(
    keys: Sequence[Uncertain],
    values: np.ndarray,
    outcomes: Sequence[DrawOutcome | tuple[str, str]],
    tiers: tuple[str, ...],
    years: tuple[int, ...],
    fixed_plan: bool,
) -> pd.DataFrame:
    n_years = len(years)
    columns: dict[str, Any] = {"draw": np.arange(len(outcomes))}
    for index, spec in enumerate(keys):
        columns[spec.path] = values[:, index]
    status, objective, cost, output, overspend, violated, notes = [], [], [], [], [], [], []
    compound = np.full((len(outcomes), len(tiers) * n_years), math.nan)
    for row, outcome in enumerate(outcomes):
        if isinstance(outcome, tuple):
            status.append(outcome[0])
            notes.append(outcome[1])
            objective.append(math.nan)
            cost.append(math.nan)
            output.append(math.nan)
            overspend.append(math.nan)
            violated.append("")
            continue
        status.append(outcome.status)
        notes.append("")
        objective.append(outcome.objective)
        cost.append(outcome.total_cost)
        output.append(outcome.weighted_output)
        overspend.append(outcome.overspend)
        violated.append(", ".join(outcome.violated))
        compound[row] = outcome.compound
    columns.update(status=status, objective=objective, total_cost=cost, weighted_output=output)
    if fixed_plan:
        columns.update(overspend=overspend, violated=violated)
    grid = compound.reshape(len(outcomes), len(tiers), n_years)
    for index, tier in enumerate(tiers):
        columns[f"compound_{tier}"] = grid[:, index, :].sum(axis=1)
    for index, year in enumerate(years):
        columns[f"compound_{year}"] = grid[:, :, index].sum(axis=1)
    columns["note"] = notes
    return pd.DataFrame(columns)


__all__ = ["MonteCarloResult", "elastic_outcome", "monte_carlo", "percentile_table", "plan_units", "reference_outcome"]
