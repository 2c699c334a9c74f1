"""What the optimum does when an input a planner is unsure of is off: re-solved at both ends of its range.

A shadow price says what the next unit of a limit is worth, and only within
its allowable range; a lever's cost or a completion rate is no limit at all
but a coefficient. :func:`tornado` therefore projects nothing: it sets each
input to the low and the high end of a stated range (by default ±20% of the
config's value), one input at a time, and solves the whole programme again
at each end with the sweep's point solver
(:func:`~optimiser.analysis.sweep.solve_point`). A bar is the difference
between two optima; an end without an optimum says so, with its diagnosis.

The inputs varied by default are those a planner usually has to guess:
every lever's costs (``cost``, ``upfront``, ``capex``, ``opex`` where not
zero) and induced intake, every tier's completion rate and every teacher
group's teaching hours.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..config.load import get_path
from ..config.types import Config, Series
from ..errors import ConfigError, Problem, SolverError
from ..i18n import _
from ..solve.names import SOLVERS
from ..solve.status import Status
from ..views import show
from .executor import run_points
from .parameters import fit_points
from .points import apply_point, as_config, split_year
from .sweep import solve_point, sweep_task

DEFAULT_CHANGE = 0.2
"""Each input's range by default: its value ±20%."""

LEVER_MONEY = ("cost", "upfront", "capex", "opex")
"""The money keys of a lever varied by default (each where the config gives more than zero)."""

HIGHEST = {"completion_rate": 1.0, "induced_intake": 0.99}
"""Ends are kept within the config's rules: a completion rate is at most 1, induced intake stays below 1."""

COLUMNS = [
    "input", "base_value", "low_value", "high_value", "low_objective", "high_objective", "low_change",
    "high_change", "swing", "low_status", "high_status", "low_diagnosis", "high_diagnosis",
]


@dataclass
class Tornado:
    """The optimum re-solved at both ends of each input's range.

    Attributes
    ----------
    table
        One row per input, the largest swing first: ``input`` (its key
        path), ``base_value``, ``low_value`` and ``high_value`` (the ends
        solved), ``low_objective`` and ``high_objective`` (the optimum
        there, as :func:`optimiser.solve` reports it), ``low_change`` and
        ``high_change`` (each less the base optimum), ``swing`` (the larger
        of the two changes in size; infinite when an end has no optimum),
        ``low_status``, ``high_status`` and ``low_diagnosis``,
        ``high_diagnosis`` (why an end has no optimum; empty otherwise).
    base_objective
        The optimum of the config as written.
    mode
        ``max_output`` (objective: weighted graduates) or ``min_cost`` (yuan).
    change
        The share each input moved by when its range was not given.
    """

    table: pd.DataFrame
    base_objective: float
    mode: str
    change: float
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (``optimiser tornado --json``), by :mod:`optimiser.report.analysis_text`."""
        return show(self, "dict")

    def __str__(self) -> str:
        return show(self, "text")


def uncertain_inputs(config: Config) -> list[str]:
    """The key paths :func:`tornado` varies by default, in the config's order.

    >>> from optimiser import load_config
    >>> uncertain_inputs(load_config("configs/zhejiang.yaml"))[:3]
    ['levers.enterprise_lecturers.cost', 'levers.secondments.cost', 'levers.retraining.cost']
    """
    return list(_input_values(config))


def _input_values(config: Config) -> dict[str, float]:
    """The default inputs and their values (read from the loaded config, so defaults count too)."""
    values: dict[str, float] = {}
    for name, lever in config.levers.items():
        values.update({f"levers.{name}.{key}": getattr(lever, key) for key in LEVER_MONEY if getattr(lever, key) > 0})
        if lever.kind == "subsidise" and lever.induced_intake > 0:
            values[f"levers.{name}.induced_intake"] = lever.induced_intake
    values.update({f"tiers.{name}.completion_rate": tier.completion_rate
                   for name, tier in config.tiers.items() if tier.completion_rate > 0})
    values.update({f"teacher_groups.{name}.hours": group.hours for name, group in config.groups.items()})
    return values


def tornado(
    config: Config | str | Path,
    inputs: Sequence[str] | Mapping[str, float | tuple[float, float]] | None = None,
    change: float = DEFAULT_CHANGE,
    solver: str = "highs",
    jobs: int | None = None,
    executor: Any = None,
    progress: bool = False,
) -> Tornado:
    """Re-solve ``config`` with each input at the low and the high end of its range.

    Parameters
    ----------
    config
        A :class:`~optimiser.Config` or the path of a YAML config.
    inputs
        ``None``: :func:`uncertain_inputs`. A list of key paths: each moved
        by ``change``. A mapping: per path, a share to move it by, or its
        ``(low, high)`` values. A year key under a series
        (``funding.government.per_year.2026``) moves that one year.
    change
        The share an input moves either way when its range is not given
        (0.2: ±20%). Ends are kept within the config's rules (a completion
        rate at most 1, induced intake at most 0.99); the table shows the
        values solved.
    solver, jobs, executor, progress
        As for :func:`~optimiser.analysis.sweep`.

    Returns
    -------
    Tornado
        One row per input, the largest swing first.

    Examples
    --------
    >>> from optimiser import load_config
    >>> bars = tornado(load_config("configs/zhejiang.yaml"), inputs=["levers.secondments.cost"], change=0.5)
    >>> bars.table[["low_value", "high_value"]].values.tolist()
    [[5000.0, 15000.0]]
    >>> bool(bars.table["low_change"].iloc[0] > 0 > bars.table["high_change"].iloc[0])
    True
    """
    config = as_config(config, function="tornado")
    if solver not in SOLVERS:
        raise SolverError(f"unknown solver {solver!r}; choose one of: {', '.join(SOLVERS)}")
    file = str(config.source) if config.source else None
    ranges = _ranges(config, uncertain_inputs(config) if inputs is None else inputs, change, file)
    paths = tuple(ranges)
    base = tuple(_base_value(config, path, file) for path in paths)
    points = [base]
    for index, (low, high) in enumerate(ranges.values()):
        for value in (low, high):
            point = base[:index] + (value,) + base[index + 1:]
            _check(config, paths[index], value, dict(zip(paths, point)), file)
            points.append(point)
    effect = None
    if solver == "highs":
        probes = [(high, low) for low, high in ranges.values()]
        effect = fit_points(config, paths, np.array(base, dtype=float), probes, None, apply_point)
    task = sweep_task(config, paths, solver, effect)
    rows = run_points(partial(solve_point, task), points, jobs=jobs, executor=executor, progress=progress,
                      desc="tornado")
    return _tornado(config, paths, base, ranges, rows, change)


def _tornado(
    config: Config, paths: tuple[str, ...], base: tuple[float, ...], ranges: dict[str, tuple[float, float]],
    rows: list[dict[str, Any]], change: float,
) -> Tornado:
    at_base = rows[0]
    notes = []
    if not Status(at_base["status"]).ok:
        notes.append(_("the config as written has no optimum ({status}): {diagnosis}").format(
            status=at_base["status"], diagnosis=at_base["diagnosis"]))
    records = []
    for index, path in enumerate(paths):
        low, high = rows[1 + 2 * index], rows[2 + 2 * index]
        record: dict[str, Any] = {"input": path, "base_value": base[index],
                                  "low_value": ranges[path][0], "high_value": ranges[path][1]}
        for end, row in (("low", low), ("high", high)):
            record[f"{end}_objective"] = row["objective"]
            record[f"{end}_change"] = row["objective"] - at_base["objective"]
            record[f"{end}_status"] = row["status"]
            record[f"{end}_diagnosis"] = row["diagnosis"]
        solved = Status(low["status"]).ok and Status(high["status"]).ok
        record["swing"] = max(abs(record["low_change"]), abs(record["high_change"])) if solved else math.inf
        records.append(record)
    table = pd.DataFrame(records, columns=COLUMNS)
    table = table.sort_values("swing", ascending=False, kind="stable", na_position="last").reset_index(drop=True)
    return Tornado(table, float(at_base["objective"]), config.objective.mode, change, notes)


def _ranges(
    config: Config, inputs: Sequence[str] | Mapping[str, Any], change: float, file: str | None
) -> dict[str, tuple[float, float]]:
    """``{path: (low, high)}`` for each input."""
    if not _share(change):
        raise ConfigError([Problem("tornado change", f"expected a share between 0 and 1 (0.2 for ±20%), got {change!r}")])
    if isinstance(inputs, str) or not isinstance(inputs, (Sequence, Mapping)):
        raise ConfigError([Problem("tornado inputs", f"expected a list of key paths or {{path: share or (low, high)}}, "
                                   f"got {inputs!r}")])
    given = inputs if isinstance(inputs, Mapping) else dict.fromkeys(inputs, change)
    if not given:
        raise ConfigError([Problem("tornado inputs", "no input to vary; give at least one key path")])
    ranges = {}
    for path, spec in given.items():
        path = str(path)
        if _share(spec):
            value = _base_value(config, path, file)
            low, high = value * (1 - spec), value * (1 + spec)
            highest = HIGHEST.get(path.rpartition(".")[2])
            if highest is not None:
                high = min(high, max(highest, value))
        elif isinstance(spec, (tuple, list)) and len(spec) == 2 and all(_number(v) for v in spec):
            low, high = float(spec[0]), float(spec[1])
        else:
            raise ConfigError([Problem(path, f"expected a share between 0 and 1 or (low, high) values, got {spec!r}")])
        ranges[path] = (low, high)
    return ranges


def _base_value(config: Config, path: str, file: str | None) -> float:
    known = _input_values(config)
    if path in known:
        return float(known[path])
    parent, year = split_year(config, path)
    try:
        node = get_path(config.raw, parent)
    except KeyError:
        # Let the config's own check name the path and the keys that exist.
        apply_point(config, {path: 0.0})
        raise ConfigError([Problem(path, "not written in the config: give its range as (low, high)", file)]) from None
    if year is not None:
        return Series.of(node).at(year)
    if not _number(node):
        raise ConfigError([Problem(path, f"a tornado moves one number, but this key holds {node!r}; "
                                   f"give a year ({path}.{config.years[0]}) or a path to a number", file)])
    return float(node)


def _check(config: Config, path: str, value: float, point: dict[str, Any], file: str | None) -> None:
    try:
        apply_point(config, point)
    except ConfigError as err:
        raise ConfigError([Problem(p.path or path, f"tornado end {path}={value:g}: {p.message}; give this input a "
                                   "narrower range", p.file or file, p.line) for p in err.problems]) from err


def _share(value: Any) -> bool:
    return _number(value) and 0 < value < 1


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


__all__ = ["DEFAULT_CHANGE", "Tornado", "tornado", "uncertain_inputs"]
