"""Parameter sweeps: solve a config over a grid of values of one or more key paths."""

from __future__ import annotations

import itertools
import math
import uuid
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from ..config.types import Config
from ..errors import ConfigError, Problem, SolverError
from ..results import without_round_off
from ..solve.engine import given_up
from ..solve.names import SOLVERS
from .executor import run_points
from .fast import WarmEngine, measure_names, measures_of_result
from .parameters import BoundShifts, ParameterEffect, fit_grid, row_shifts
from .points import MAX_POINTS, apply_point, as_config

#: Built models kept per worker process (one per recent sweep).
_LEAN_CACHE: OrderedDict[str, tuple[WarmEngine, dict[str, Any]]] = OrderedDict()
_LEAN_CACHE_SIZE = 2


def sweep(
    config: Config | str | Path,
    params: Mapping[str, Sequence[Any]],
    jobs: int | None = None,
    progress: bool = True,
    solver: str = "highs",
    executor: Any = None,
) -> pd.DataFrame:
    """Solve ``config`` at every point of a grid of parameter values.

    Parameters
    ----------
    config
        A :class:`~optimiser.Config` or the path of a YAML config.
    params
        ``{key path: values}``; the grid is every combination, in the order
        given (the last path varies fastest). Paths are those of
        :meth:`~optimiser.Config.with_changes`; a year key under a series
        (``funding.government.per_year.2026``) changes that one year only.
    jobs
        Processes to use (``None`` or 1: this process). The table is the
        same whatever ``jobs`` is.
    progress
        Show a progress bar on stderr when the sweep takes a while.
    solver
        ``"highs"`` (default) or ``"cbc"``.
    executor
        A :class:`concurrent.futures.Executor` or ``dask.distributed.Client``
        to run the points on (see :func:`~optimiser.analysis.run_points`).

    Returns
    -------
    pandas.DataFrame
        One row per point: a column per path with its value, ``status``,
        ``objective`` (as :func:`optimiser.solve` reports it: the optimum,
        before any output is given up for steadiness), ``output_given_up``
        (weighted output the point's plan gives up below that optimum for a
        steadier plan, ``objective.smooth`` a share; ``max_output`` only),
        then the plan returned: ``total_cost`` (yuan), ``weighted_output``
        (the objective less the output given up), ``compound_<tier>``
        (compound graduates summed over the horizon and institutions) and
        ``spend_<lever>`` (yuan over the horizon). A point's do-nothing
        baseline, and the cost per added graduate, take a solve of their own:
        :func:`optimiser.solve` of that point gives them. Points without an optimum keep their row, with their
        status, NaN numbers and, last, ``diagnosis``: why there is none (the
        limits to relax and by how much, as :func:`optimiser.solve` explains
        an infeasible or unbounded config); empty for solved points.

    Raises
    ------
    ConfigError
        If a path does not exist or a value is invalid there (the message
        names the path, the value and the valid keys).

    Notes
    -----
    When every swept path only moves the limits of some rows (funding,
    total budget, demand, intake ceilings, headcounts, ...), the model is
    built once per process and re-solved in HiGHS with new row bounds and
    every stage :func:`optimiser.solve` runs (the objective, its tie-break
    and the smoothing stage). When the paths move other numbers in
    proportion (a lever's cost, an induced intake, a completion rate), the
    model is built once too and each point changes those coefficients in
    HiGHS and runs every stage :func:`optimiser.solve` runs, smoothing
    included. Paths that change the programme's shape (integer levers, the
    horizon, class sizes) rebuild and solve the model at each point. All give
    the numbers :func:`optimiser.solve` gives (see
    :func:`~optimiser.analysis.parameters.fit_parameters`).

    Examples
    --------
    >>> from optimiser import load_config
    >>> from optimiser.analysis import sweep
    >>> table = sweep(load_config("configs/zhejiang.yaml"),
    ...               {"funding.government.per_year": [3e6, 6e6]}, progress=False)
    >>> table["status"].tolist()
    ['optimal', 'optimal']
    >>> bool(table["objective"].iloc[1] >= table["objective"].iloc[0])
    True
    """
    config = as_config(config, function="sweep")
    if solver not in SOLVERS:
        raise SolverError(f"unknown solver {solver!r}; choose one of: {', '.join(SOLVERS)}")
    paths, grid = _grid(params)
    size = math.prod(len(values) for values in grid)
    if size > MAX_POINTS:
        raise ConfigError([Problem("", f"the grid has {size:,} points, more than a sweep can hold ({MAX_POINTS:,}); use fewer values")])
    points = list(itertools.product(*grid))
    numeric = all(_is_number(value) for values in grid for value in values)
    if not (numeric and _corners_valid(config, paths, grid, len(points))):
        for point in points:
            _check_point(config, paths, point)
    effect = fit_grid(config, paths, grid, apply_point) if solver == "highs" and numeric and points else None
    task = sweep_task(config, paths, solver, effect)
    try:
        rows = run_points(partial(solve_point, task), points, jobs=jobs, executor=executor, progress=progress,
                          desc="sweep")
    finally:
        _LEAN_CACHE.pop(task.token, None)
    columns = [*paths, "status", "objective", "output_given_up", *measure_names(config), "diagnosis"]
    rows = [row | {"output_given_up": _output_given_up(config, row)} for row in rows]
    table = pd.DataFrame([dict(zip(paths, point)) | row for point, row in zip(points, rows)], columns=columns)
    for column in ("total_cost", *(name for name in columns if name.startswith("spend_"))):
        # Money as the plan tables show it: less than a thousandth of a yuan is the solver's round-off.
        table[column] = without_round_off(table[column].to_numpy(dtype=float), 1e-3)
    return table


def _output_given_up(config: Config, row: dict[str, Any]) -> float:
    """Weighted output the point's plan gives up below its optimum for steadiness (``max_output``; as a solve
    reports it, none within the tie-break's 1e-7); NaN in ``min_cost`` mode or without an optimum."""
    objective, output = row.get("objective", math.nan), row.get("weighted_output", math.nan)
    if config.objective.mode == "min_cost" or not (math.isfinite(objective) and math.isfinite(output)):
        return math.nan
    return given_up(objective, output)


@dataclass(frozen=True)
class SweepTask:
    """What a worker needs to solve sweep points (pickled once per batch).

    ``shifts``: the points move row limits only (re-solved by
    :meth:`~optimiser.analysis.fast.WarmEngine.solve`); ``effect``: they move
    other numbers too (coefficients, costs, column bounds), loaded into the
    warm engine and re-solved by its stages. Neither: each point is solved
    in full.
    """

    config: Config
    paths: tuple[str, ...]
    solver: str
    shifts: BoundShifts | None
    token: str
    effect: ParameterEffect | None = None
    origin: Config | None = None


def sweep_task(config: Config, paths: Sequence[str], solver: str, effect: ParameterEffect | None) -> SweepTask:
    """The task of a sweep (or tornado) whose parameters act on the programme as ``effect`` says."""
    token = uuid.uuid4().hex
    if effect is None:
        return SweepTask(config=config, paths=tuple(paths), solver=solver, shifts=None, token=token)
    if effect.bounds_only:
        shifts = row_shifts(effect, config, paths, apply_point)
        return SweepTask(config=config, paths=tuple(paths), solver=solver, shifts=shifts, token=token)
    origin = apply_point(config, dict(zip(paths, effect.origin.tolist())))
    return SweepTask(config=config, paths=tuple(paths), solver=solver, shifts=None, token=token, effect=effect,
                     origin=origin)


def solve_point(task: SweepTask, point: Sequence[Any]) -> dict[str, Any]:
    """Status, objective, measures and (without an optimum) the diagnosis of one sweep point."""
    if task.shifts is not None:
        lean = _lean_model(task)
        lower, upper = task.shifts.bounds_at([float(value) for value in point])
        solution = lean.solve(task.shifts.rows, lower, upper, all_stages=True)
        row = {"status": solution.status.value, "objective": solution.objective, **solution.measures}
        return row | {"diagnosis": "" if solution.status.ok else diagnosis_at(task, point)}
    if task.effect is not None:
        engine, parts = _warm_engine(task)
        engine.set_numbers(task.effect.at([float(value) for value in point]), parts)
        solution = engine.solve_stages()
        row = {"status": solution.status.value, "objective": solution.objective, **solution.measures}
        return row | {"diagnosis": "" if solution.status.ok else diagnosis_at(task, point)}
    from ..api import solve

    result = solve(apply_point(task.config, dict(zip(task.paths, point))), solver=task.solver)
    return {"status": result.status.value, "objective": result.objective, **measures_of_result(result),
            "diagnosis": _diagnosis_text(result.diagnosis)}


def diagnosis_at(task: SweepTask, point: Sequence[Any]) -> str:
    """Why a sweep point has no optimum, from :func:`optimiser.solve`'s diagnosis (empty if it has one)."""
    from ..api import solve

    return _diagnosis_text(solve(apply_point(task.config, dict(zip(task.paths, point))), solver=task.solver).diagnosis)


def _diagnosis_text(diagnosis: Sequence[Any]) -> str:
    return "; ".join(str(item) for item in diagnosis)


def _lean_model(task: SweepTask) -> WarmEngine:
    assert task.shifts is not None
    return _cached(task, task.shifts.config)[0]


def _warm_engine(task: SweepTask) -> tuple[WarmEngine, dict[str, Any]]:
    assert task.effect is not None and task.origin is not None
    return _cached(task, task.origin)


def _cached(task: SweepTask, config: Config) -> tuple[WarmEngine, dict[str, Any]]:
    cached = _LEAN_CACHE.get(task.token)
    if cached is None:
        parts = task.effect.moving_parts() if task.effect is not None else {}
        cached = _LEAN_CACHE[task.token] = (WarmEngine(config), parts)
        while len(_LEAN_CACHE) > _LEAN_CACHE_SIZE:
            _LEAN_CACHE.popitem(last=False)
    return cached


def _grid(params: Mapping[str, Sequence[Any]]) -> tuple[list[str], list[list[Any]]]:
    if not isinstance(params, Mapping) or not params:
        raise ConfigError([_problem("", "give at least one parameter: {key path: [values]}")])
    paths, grid = [], []
    for path, values in params.items():
        if isinstance(values, (str, bytes, Mapping)) or not hasattr(values, "__iter__"):
            raise ConfigError([_problem(str(path), f"expected a list of values, got {values!r}")])
        values = list(values)
        if not values:
            raise ConfigError([_problem(str(path), "the list of values is empty")])
        paths.append(str(path))
        grid.append([_plain(value) for value in values])
    return paths, grid


def _corners_valid(config: Config, paths: Sequence[str], grid: Sequence[Sequence[Any]], size: int) -> bool:
    """Whether every corner of the grid's box is a valid config (then so is every point inside).

    Config rules on numbers are bounds and linear inequalities between
    values, so a box whose corners pass passes everywhere inside. Only
    worth it when the corners are fewer than the points.
    """
    if 2 ** len(paths) >= size:
        return False
    for corner in itertools.product(*[(min(values), max(values)) for values in grid]):
        try:
            apply_point(config, dict(zip(paths, corner)))
        except ConfigError:
            return False
    return True


def _check_point(config: Config, paths: Sequence[str], point: Sequence[Any]) -> None:
    try:
        apply_point(config, dict(zip(paths, point)))
    except ConfigError as err:
        where = ", ".join(f"{path}={value!r}" for path, value in zip(paths, point))
        raise ConfigError([_problem(p.path, f"at sweep point {where}: {p.message}", p.file, p.line)
                           for p in err.problems]) from err


def _problem(path: str, message: str, file: str | None = None, line: int | None = None) -> Any:
    from ..errors import Problem

    return Problem(path, message, file, line)


def _plain(value: Any) -> Any:
    """numpy scalars to Python numbers (so configs and tables hold plain values)."""
    item = getattr(value, "item", None)
    return item() if callable(item) and not isinstance(value, (str, bytes)) else value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
