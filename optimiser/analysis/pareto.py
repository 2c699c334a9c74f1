"""Trade-offs between tiers: the ε-constraint frontier of one tier's output against another's."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..config.checker import choices
from ..config.types import Config
from ..errors import ConfigError, Problem, SolverError
from ..i18n import _
from ..scalars import plain
from ..solve.engine import TIE_BREAK_TOLERANCE, floor_value, smoothing_limits
from ..solve.status import Status
from .fast import WarmEngine, measure_names
from .points import MAX_POINTS, as_config
from .steady import SteadyStage, smoothing_share

PARETO_COLUMNS = ["x_tier", "y_tier", "epsilon", "x_output", "y_output", "status", "total_cost", "objective"]
#: Share of an optimum a later stage may give up (as the tie-break of :func:`optimiser.solve`).
SLACK = 1e-7


def pareto(
    config: Config | str | Path,
    x: str = "basic",
    y: str = "senior",
    points: int = 20,
    solver: str = "highs",
    hold_others: bool = False,
) -> pd.DataFrame:
    """What more of tier ``x`` costs in tier ``y`` under the config's budgets (ε-constraint).

    Output here is plain compound graduates of a tier summed over the
    horizon and the institutions: no tier weight and no discounting, so each
    axis reads in graduates. For ``points`` levels ``ε`` evenly spaced from
    the ``x`` output of the plan that maximises ``y`` up to the most ``x``
    output possible, the programme maximises ``y`` subject to ``x >= ε``,
    then takes the most ``x`` with that ``y`` (so every row is efficient: more
    ``x`` never comes with more ``y``), then the cheapest plan with both,
    then, as :func:`optimiser.solve` ends, the smoothing stage
    (``objective.smooth``): the steadiest plan keeping each of the two
    outputs within the smoothing share of its optimum (the level ``ε`` itself
    is a limit, kept whole) and the cost within the cheapest plan's.

    The axes (``x_output``, ``y_output``) are the front, the optima of the
    first two stages, as a solve's ``objective`` is its optimum; every other
    column is the plan the stages return. With ``smooth: true`` that plan
    keeps the front (within 1e-7); with a share ``s`` it may give up to ``s``
    of each axis for a steadier plan (``output_<tier>`` then shows it).

    Levers marked ``integer`` are taken as continuous (noted in
    ``table.attrs["notes"]``).

    Parameters
    ----------
    config
        A :class:`~optimiser.Config` or the path of a YAML config. All its
        limits hold (budgets, policies, and in ``min_cost`` mode the targets).
    x, y
        Two different tier names.
    points
        Number of levels ``ε`` (at least 2).
    solver
        Only ``"highs"``.
    hold_others
        Hold every other tier at least at its compound output in the
        config's optimum (the plan of the most weighted output), so the front
        is not bought by giving them up. Without it, the other tiers get what
        the cheapest plan for ``x`` and ``y`` leaves them, which may be none.

    Returns
    -------
    pandas.DataFrame
        One row per level: ``x_tier``, ``y_tier``, ``epsilon`` (the level
        asked for), ``x_output``, ``y_output`` (the front, graduates over the
        horizon), ``status``, then the level's plan: ``total_cost`` (yuan),
        ``objective`` (the config's weighted output of that plan),
        ``output_<tier>`` for every tier (graduates over the horizon), so
        what the other tiers get is never hidden, and ``spend_<lever>``
        (yuan over the horizon).

    Examples
    --------
    >>> from optimiser import load_config
    >>> from optimiser.analysis import pareto
    >>> table = pareto(load_config("configs/zhejiang.yaml"), x="basic", y="professional", points=5)
    >>> bool(table["y_output"].is_monotonic_decreasing)
    True
    """
    if solver != "highs":
        raise SolverError(f"pareto needs the HiGHS solver; got {solver!r}; use solver='highs'")
    config = as_config(config, function="pareto")
    points = plain(points)
    _check(config, x, y, points)
    lean = WarmEngine(config, integer=False)
    axes = _Axes(x, y, _tier_vector(lean, x), _tier_vector(lean, y), _objective_vector(lean),
                 {tier: _tier_vector(lean, tier) for tier in config.tiers})
    columns = [*PARETO_COLUMNS, *(f"output_{tier}" for tier in config.tiers), *(f"spend_{lever}" for lever in config.levers)]
    if hold_others and not _hold_other_tiers(lean, axes):
        return pd.DataFrame([_row(x, y, math.nan, Status.INFEASIBLE) for _ in range(points)], columns=columns)
    rows = _LevelRows(lean, axes.tier_x, axes.tier_y)
    first = lean.run(axes.tier_y, "max")
    if first is not Status.OPTIMAL:
        return pd.DataFrame([_row(x, y, math.nan, first) for _ in range(points)], columns=columns)
    levels = _levels(lean, rows, axes, points)
    _smooth_levels(lean, rows, axes, levels)
    records = [_record(lean, axes, level) for level in levels]
    table = pd.DataFrame(records, columns=columns)
    notes = _notes(config, hold_others)
    if len(levels) == 1 and points > 1 and levels[0].plan is not None:
        notes.insert(0, _("no trade-off: the most {x} output and the most {y} output are reached by the same plan, so "
                          "the front is one point").format(x=x, y=y))
    if notes:
        table.attrs["notes"] = notes
    return table


NO_TRADE_OFF = TIE_BREAK_TOLERANCE
"""The x outputs of the plan with the most y and of the plan with the most x within this share of the most x
(the tie-break's tolerance): one plan has both, and the front is a single point."""


def _levels(lean: WarmEngine, rows: _LevelRows, axes: _Axes, points: int) -> list[_Level]:
    """The front's ``points`` levels of ``x``, each solved up to its cheapest plan (smoothing comes after)."""
    x_low, x_best = _x_span(lean, rows, axes.tier_x)
    if x_best - x_low <= NO_TRADE_OFF * max(1.0, abs(x_best)):
        # The most y is reached with the most x: the front is one point, not ``points`` copies of it.
        points = 1
    levels: list[_Level] = []
    for epsilon in np.linspace(x_low, x_best, points):
        level = _level(lean, rows, axes, float(epsilon))
        if level.plan is not None and all(before.plan is None for before in levels):
            level.basis = lean.session.basis()  # where the smoothing stage starts
        levels.append(level)
    return levels


def _notes(config: Config, hold_others: bool) -> list[str]:
    """What the front holds besides the config's limits, and what it relaxes."""
    notes = []
    if hold_others:
        notes.append(_("the other tiers are held at least at their output in the config's optimum"))
    if any(lever.integer for lever in config.levers.values()):
        notes.append(_("levers marked integer are taken as continuous (the linear relaxation)"))
    share = config.objective.smooth
    if share is not None and share > TIE_BREAK_TOLERANCE:
        notes.append(_(
            "objective.smooth is {share}: x_output and y_output are the front; each level's plan is the "
            "steadier one solve's stages return, which may give up to {share} of each (output_<tier>)"
        ).format(share=f"{share:g}"))
    return notes


@dataclass
class _Axes:
    """The two tiers traded off, and per column the outputs a row of the front reports."""

    x: str
    y: str
    tier_x: np.ndarray
    tier_y: np.ndarray
    weighted: np.ndarray
    tiers: dict[str, np.ndarray]


def _hold_other_tiers(lean: WarmEngine, axes: _Axes) -> bool:
    """Hold every tier but x and y at least at its output in the config's optimum; False when it has none."""
    if lean.run(axes.weighted, "max") is not Status.OPTIMAL:
        return False
    best = lean.session.values()
    for tier, vector in axes.tiers.items():
        if tier not in (axes.x, axes.y):
            lean.session.add_row(_below(float(vector @ best)), math.inf, vector)
    return True


def _x_span(lean: WarmEngine, rows: _LevelRows, tier_x: np.ndarray) -> tuple[float, float]:
    """The x output of the plan with the most y (y held there), and the most x output possible."""
    rows.set(y_floor=_below(lean.objective_value()))
    lean.run(tier_x, "max")
    x_low = lean.objective_value()
    rows.set()
    lean.run(tier_x, "max")
    return x_low, max(lean.objective_value(), x_low)


@dataclass
class _Level:
    """One level of the front: the level asked for, its status, the two optima, the plan (and its basis, for the first)."""

    epsilon: float
    status: Status
    y_most: float = math.nan
    x_most: float = math.nan
    plan: np.ndarray | None = None
    basis: Any = None


def _level(lean: WarmEngine, rows: _LevelRows, axes: _Axes, level: float) -> _Level:
    """The most y with x at least ``level``, then the most x with that y, then the cheapest plan with both."""
    rows.set(x_floor=_below(level))
    status = lean.run(axes.tier_y, "max")
    if status is not Status.OPTIMAL:
        return _Level(level, status)
    y_most = lean.objective_value()
    rows.set(x_floor=_below(level), y_floor=_below(y_most))
    lean.run(axes.tier_x, "max")
    x_most = lean.objective_value()
    rows.set(x_floor=_below(x_most), y_floor=_below(y_most))
    lean.run(lean.cost, "min")
    return _Level(level, Status.OPTIMAL, y_most, x_most, lean.session.values()[: lean.n_cols])


def _smooth_levels(lean: WarmEngine, rows: _LevelRows, axes: _Axes, levels: list[_Level]) -> None:
    """With ``objective.smooth``, each level's plan made the steadiest within the smoothing stage's limits.

    As solve's smoothing stage: each of the two outputs kept within the share
    of its optimum (the level asked for is a limit, kept whole), the cost
    within the cheapest plan's. The levels in turn, in one session: the first
    from its cheapest plan, each later one from the steadiest plan before.
    """
    share = smoothing_share(lean)
    solved = [level for level in levels if level.plan is not None]
    if share is None or not solved:
        return
    first = solved[0]
    assert first.plan is not None and first.basis is not None
    lean.session.set_basis(first.basis)  # its cheapest plan, to start from it as solve does
    steady = SteadyStage(lean, first.plan)
    try:
        for level in solved:
            assert level.plan is not None
            (y_floor, _), cost = smoothing_limits(False, level.y_most, float(axes.tier_y @ level.plan),
                                                  float(lean.cost @ level.plan), share)
            rows.set(x_floor=max(_below(level.epsilon), floor_value(level.x_most, share)), y_floor=y_floor)
            found = steady.steadiest(cost)
            if found is not None:
                level.plan = found
    finally:
        steady.close()


def _record(lean: WarmEngine, axes: _Axes, level: _Level) -> dict[str, object]:
    """A row of the table: the level, the front there and the level's plan."""
    if level.plan is None:
        return _row(axes.x, axes.y, level.epsilon, level.status)
    values = level.plan
    measures = dict(zip(measure_names(lean.config), (lean.measure @ values).tolist()))
    return {
        "x_tier": axes.x, "y_tier": axes.y, "epsilon": level.epsilon,
        "x_output": level.x_most, "y_output": level.y_most,
        "status": Status.OPTIMAL.value,
        "total_cost": measures["total_cost"],
        "objective": float(axes.weighted @ values),
        **{f"output_{tier}": float(vector @ values) for tier, vector in axes.tiers.items()},
        **{f"spend_{lever}": measures[f"spend_{lever}"] for lever in lean.config.levers},
    }


class _LevelRows:
    """Two extra rows: x output at least a level, y output at least a level."""

    def __init__(self, lean: WarmEngine, tier_x: np.ndarray, tier_y: np.ndarray) -> None:
        self.session = lean.session
        self.x_row = self.session.add_row(-math.inf, math.inf, tier_x)
        self.y_row = self.session.add_row(-math.inf, math.inf, tier_y)

    def set(self, x_floor: float | None = None, y_floor: float | None = None) -> None:
        self.session.set_row_bounds(
            [self.x_row, self.y_row],
            [-math.inf if x_floor is None else x_floor, -math.inf if y_floor is None else y_floor], math.inf,
        )


def _below(value: float) -> float:
    """A floor just under an optimum, so the next stage stays feasible within solver tolerances."""
    return value - SLACK * max(1.0, abs(value))


def _tier_vector(lean: WarmEngine, tier: str) -> np.ndarray:
    """Compound graduates of ``tier`` over the horizon, per column."""
    form = lean.form
    return np.sum([form.measure[i] for i, (k, _) in enumerate(form.measures) if k == tier], axis=0)


def _objective_vector(lean: WarmEngine) -> np.ndarray:
    return lean.form.output.copy()


def _check(config: Config, x: str, y: str, points: int) -> None:
    file = str(config.source) if config.source else None
    problems = []
    for name, tier in (("x", x), ("y", y)):
        if tier not in config.tiers:
            problems.append(Problem(f"pareto {name}", f"no tier {tier!r}; {choices(tier, config.tiers, 'tier')}", file))
    if x == y and x in config.tiers:
        problems.append(Problem("pareto y", f"x and y are both {x!r}; choose two different tiers", file))
    if not isinstance(points, int) or isinstance(points, bool) or points < 2:
        problems.append(Problem("pareto points", f"expected a whole number of at least 2, got {points!r}", file))
    elif points > MAX_POINTS:
        problems.append(Problem("pareto points", f"expected at most {MAX_POINTS:,} points (the most a sweep holds; "
                                f"each is one solve), got {points:,}", file))
    if problems:
        raise ConfigError(problems)


def _row(x: str, y: str, level: float, status: Status) -> dict[str, object]:
    return {"x_tier": x, "y_tier": y, "epsilon": level, "x_output": math.nan, "y_output": math.nan,
            "status": status.value, "total_cost": math.nan, "objective": math.nan}

