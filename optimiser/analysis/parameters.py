"""What a parameter changes in the programme, fitted once for every analysis.

A sweep, a frontier, a tornado, a Monte Carlo run and the robust plan all
solve one programme at many values of some config keys. Most keys change
numbers only (a funding limit, a lever's cost, an induced intake, a
completion rate): the programme keeps its rows and columns, and each
number moves in proportion to the key. For those, building the PuLP model
at every point is wasted work. :func:`fit_parameters` builds the programme
at a few probe values of each key and checks, with one tolerance
(:data:`PARAMETER_TOLERANCE`), that

- the shape is the same (the same rows and columns, by name and kind; see
  :meth:`~optimiser.solve.matrix.MatrixForm.shape_key`),
- every number (matrix coefficient, row or column bound, objective,
  measurement) moves in proportion to each key, and keys acting on the same
  number add up (no products, no ``1/x``).

It then returns :class:`ParameterEffect`, the programme as
``base + (values - origin) @ slopes``, which says which parts move:
row bounds, column bounds, or coefficients (matrix, costs, output). A key
that changes the shape (a horizon, a lever made integer, a policy that adds
rows) gets ``None`` and is rebuilt point by point.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np

from ..config.types import Config
from ..model import build_model
from .program_arrays import ProgramArrays, arrays_of

PARAMETER_TOLERANCE = 1e-9
"""Relative tolerance of the proportionality check (on ``max(1, |number|)``)."""

ROW_BOUNDS = frozenset({"row_lower", "row_upper"})
COLUMN_BOUNDS = frozenset({"col_lower", "col_upper"})


@dataclass(frozen=True)
class ParameterEffect:
    """Programme numbers as ``base + (values - origin) @ slopes`` on the positions that move.

    ``base`` is the programme at ``origin`` (one value per key, in key
    order), spread over the union of the matrix patterns seen while fitting;
    ``moving`` indexes :meth:`~ProgramArrays.flat`.
    """

    base: ProgramArrays
    origin: np.ndarray
    moving: np.ndarray
    slopes: np.ndarray

    def at(self, values: Sequence[float]) -> ProgramArrays:
        """The programme for one vector of key values.

        Sections that do not move are ``base``'s own arrays (shared, not
        copied): treat the programme as read-only.
        """
        step = np.asarray(values, dtype=float) - self.origin
        return self.with_moved(self._moving_values + step @ self.slopes)

    def moved(self, values: np.ndarray) -> np.ndarray:
        """The moving numbers for many vectors of key values at once (one row each, worlds by ``moving``).

        Each number is the base value plus each key's step times its slope, added key by key, so a row
        is the same whatever rows are computed with it (a matrix product may add them in another order);
        :meth:`with_moved` makes the programme of a row.
        """
        steps = np.atleast_2d(np.asarray(values, dtype=float)) - self.origin
        moved = np.repeat(self._moving_values[None, :], len(steps), axis=0)
        for key in range(steps.shape[1]):
            moved += steps[:, key, None] * self.slopes[key]
        return moved

    def matrix_values(self, moved: np.ndarray) -> np.ndarray:
        """The matrix values (``base``'s pattern) of each row of :meth:`moved`: worlds by entries."""
        data = np.repeat(self.base.a_values[None, :], len(moved), axis=0)
        for name, index, select in self._sections:
            if name == "a_values":
                data[:, index] = moved[:, select]
        return data

    def with_moved(self, moved: np.ndarray, matrix: np.ndarray | None = None) -> ProgramArrays:
        """The programme whose moving numbers are ``moved`` (one row of :meth:`moved`); read-only, as :meth:`at`.

        ``matrix``: its matrix values when the caller has them (the row of :meth:`matrix_values`).
        """
        changes: dict[str, Any] = {}
        for name, index, select in self._sections:
            if name == "a_values":
                if matrix is None:
                    matrix = self.base.a_values.copy()
                    matrix[index] = moved[select]
                changes["csc"] = self.base.csc.with_data(matrix)
                continue
            array = np.array(getattr(self.base, name), dtype=float)
            array.reshape(-1)[index] = moved[select]
            changes[name] = array
        return replace(self.base, **changes)

    @cached_property
    def _moving_values(self) -> np.ndarray:
        return self.base.flat()[self.moving]

    @cached_property
    def _sections(self) -> list[tuple[str, np.ndarray, np.ndarray]]:
        """Each section that moves: its name, the positions in it that move, and where they are in ``moving``."""
        sections = []
        start = 0
        for name, length in self.base.layout():
            select = np.flatnonzero((self.moving >= start) & (self.moving < start + length))
            if len(select):
                sections.append((name, self.moving[select] - start, select))
            start += length
        return sections

    def parts(self) -> frozenset[str]:
        """Which sections of the programme move (names of :meth:`ProgramArrays.layout`)."""
        moved: set[str] = set()
        start = 0
        for name, length in self.base.layout():
            if np.any((self.moving >= start) & (self.moving < start + length)):
                moved.add(name)
            start += length
        return frozenset(moved)

    def moving_parts(self) -> dict[str, np.ndarray]:
        """For each section that moves, the positions in it that do (what a warm re-solve must change)."""
        parts: dict[str, np.ndarray] = {}
        start = 0
        for name, length in self.base.layout():
            inside = (self.moving >= start) & (self.moving < start + length)
            if inside.any():
                parts[name] = self.moving[inside] - start
            start += length
        return parts

    @property
    def bounds_only(self) -> bool:
        """Whether only row limits move (the matrix, column bounds, costs and measures stay)."""
        return self.parts() <= ROW_BOUNDS

    def section(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The moving positions of one section: (index within it, value at ``origin``, slopes)."""
        start = 0
        for part, length in self.base.layout():
            if part == name:
                inside = (self.moving >= start) & (self.moving < start + length)
                index = self.moving[inside] - start
                return index, self.base.flat()[self.moving[inside]], self.slopes[:, inside]
            start += length
        raise KeyError(name)


# Monte Carlo and the robust plan knew this as an affine programme.
AffineProgram = ParameterEffect


def fit_parameters(
    build: Callable[[np.ndarray], ProgramArrays | None],
    origin: np.ndarray,
    probes: Sequence[Sequence[float]],
    joint: np.ndarray | None = None,
) -> ParameterEffect | None:
    """Fit :class:`ParameterEffect`, or return ``None`` if a key does more than move numbers in proportion.

    Parameters
    ----------
    build
        The programme at a vector of key values (``None`` if those values
        make no valid config).
    origin
        The values the fit starts from (as written in the config, or the
        lowest of a sweep).
    probes
        For each key, further values it can take (two: the first fixes the
        slope, the second checks it).
    joint
        A point moving every key at once (or several such points, one per
        row): checks that keys acting on the same number add up (no
        products), and is one more check of each slope. A key may then have
        one probe only: its slope is checked at the joint points instead
        (``(low,)`` per key with joint points at inner and high values checks
        each key at the same values as ``(low, high)`` and one inner joint
        point, in fewer builds).
    """
    origin = np.asarray(origin, dtype=float)
    base = build(origin)
    if base is None:
        return None
    programs, spans = _probe_programs(build, origin, probes, joint)
    if any(program is None or program.shape_key() != base.shape_key() for _, program in programs):
        return None
    built = [(point, program) for point, program in programs if program is not None]
    keys = base.a_keys
    for _, program in built:
        keys = np.union1d(keys, program.a_keys)
    base = base.on_keys(keys)
    data0 = base.flat()
    flats = [(point, program.on_keys(keys).flat()) for point, program in built]
    finite = np.isfinite(data0)
    if not _same_infinities(data0, finite, flats):
        return None
    slopes = _slopes(origin, data0, finite, flats, spans)
    for point, data in flats:
        predicted = data0 + (point - origin) @ slopes
        if not _close(data[finite], predicted[finite]):
            return None
    moving = np.flatnonzero(np.any(slopes != 0.0, axis=0))
    return ParameterEffect(base, origin, moving, slopes[:, moving])


def _probe_programs(
    build: Callable[[np.ndarray], ProgramArrays | None],
    origin: np.ndarray,
    probes: Sequence[Sequence[float]],
    joint: np.ndarray | None,
) -> tuple[list[tuple[np.ndarray, ProgramArrays | None]], list[tuple[int, int]]]:
    """The programme at each probe (one key moved) and at ``joint``; for each key, the span of its probes."""
    programs: list[tuple[np.ndarray, ProgramArrays | None]] = []
    spans: list[tuple[int, int]] = []
    for index, values in enumerate(probes):
        first = len(programs)
        for value in values:
            point = origin.copy()
            point[index] = value
            programs.append((point, build(point)))
        spans.append((first, len(programs)))
    for point in np.atleast_2d(np.asarray(joint, dtype=float)) if joint is not None else ():
        if not any(np.array_equal(point, seen) for seen, _ in programs):
            programs.append((point, build(point)))
    return programs, spans


def _same_infinities(data0: np.ndarray, finite: np.ndarray, flats: list[tuple[np.ndarray, np.ndarray]]) -> bool:
    """Whether every probe has its infinite numbers (absent bounds) where the origin has them, with the same sign."""
    return all(
        np.array_equal(np.isfinite(data), finite) and np.array_equal(data[~finite], data0[~finite])
        for _, data in flats
    )


def _slopes(
    origin: np.ndarray, data0: np.ndarray, finite: np.ndarray, flats: list[tuple[np.ndarray, np.ndarray]],
    spans: list[tuple[int, int]],
) -> np.ndarray:
    """Each key's slope per number, from the first of its probes that moves it."""
    slopes = np.zeros((len(origin), len(data0)))
    for index, (first, stop) in enumerate(spans):
        for point, data in flats[first:stop]:
            step = point[index] - origin[index]
            if step != 0:
                slopes[index, finite] = (data[finite] - data0[finite]) / step
                break
    return slopes


def _close(actual: np.ndarray, predicted: np.ndarray) -> bool:
    scale = np.maximum(1.0, np.abs(actual))
    return bool(np.all(np.abs(actual - predicted) <= PARAMETER_TOLERANCE * scale))


# -- sweeps: the fit over a grid of values ----------------------------------------

def fit_grid(
    config: Config, paths: Sequence[str], values: Sequence[Sequence[float]], changes_at: Any,
    integer: bool | None = None,
) -> ParameterEffect | None:
    """:func:`fit_parameters` over the values a sweep takes (origin: the lowest of each path).

    ``changes_at(config, {path: value})`` returns the validated config at
    those values (so year keys are interpreted as the analysis does).
    """
    lows = np.array([min(v) for v in values], dtype=float)
    highs = np.array([max(v) for v in values], dtype=float)
    probes = [(high, low + 0.5 * (high - low)) for low, high in zip(lows, highs)]
    return fit_points(config, paths, lows, probes, highs, changes_at, integer)


def fit_points(
    config: Config, paths: Sequence[str], origin: np.ndarray, probes: Sequence[Sequence[float]],
    joint: np.ndarray | None, changes_at: Any, integer: bool | None = None,
) -> ParameterEffect | None:
    """:func:`fit_parameters` on the linear programme of ``config`` with ``paths`` set by ``changes_at``.

    Programmes with integer columns, breach slacks or rows no decision can
    meet are left to the full solve (``None``), as are probes that make no
    valid config.
    """
    from ..errors import ConfigError

    def build(point: np.ndarray) -> ProgramArrays | None:
        try:
            world = changes_at(config, dict(zip(paths, point.tolist())))
        except ConfigError:
            return None
        arrays = arrays_of(build_model(world, integer=integer))
        if arrays.static_violations or arrays.integer.any() or arrays.slack_rows:
            return None
        return arrays

    return fit_parameters(build, np.asarray(origin, dtype=float), probes, joint)


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


def bound_shifts(
    config: Config, paths: Sequence[str], values: Sequence[Sequence[float]], changes_at: Any
) -> BoundShifts | None:
    """The row-limit view of :func:`fit_grid`: ``None`` unless the paths move row limits only."""
    effect = fit_grid(config, paths, values, changes_at)
    if effect is None or not effect.bounds_only:
        return None
    return row_shifts(effect, config, paths, changes_at)


def row_shifts(effect: ParameterEffect, config: Config, paths: Sequence[str], changes_at: Any) -> BoundShifts:
    """The row limits of ``effect`` as :class:`BoundShifts` (rows whose limits move)."""
    low_index, _, low_slopes = effect.section("row_lower")
    high_index, _, high_slopes = effect.section("row_upper")
    rows = np.union1d(low_index, high_index).astype(np.int32)
    n = len(effect.origin)
    lower_slope = np.zeros((n, len(rows)))
    upper_slope = np.zeros((n, len(rows)))
    lower_slope[:, np.searchsorted(rows, low_index)] = low_slopes
    upper_slope[:, np.searchsorted(rows, high_index)] = high_slopes
    return BoundShifts(
        config=changes_at(config, dict(zip(paths, effect.origin.tolist()))),
        paths=tuple(paths),
        origin=effect.origin,
        rows=rows,
        lower=effect.base.row_lower[rows].copy(),
        upper=effect.base.row_upper[rows].copy(),
        lower_slope=lower_slope,
        upper_slope=upper_slope,
    )


__all__ = [
    "PARAMETER_TOLERANCE", "AffineProgram", "BoundShifts", "ParameterEffect", "bound_shifts", "fit_grid",
    "fit_parameters", "fit_points", "row_shifts",
]
