"""The planning programme as plain arrays, and its numbers as a function of config values.

Monte Carlo draws change numbers in a config (a cost, an induced intake, a
completion rate), not its shape. Building the PuLP model for every draw is
most of the time a solve takes, so this module:

- reads a built :class:`~optimiser.model.Model` into :class:`ProgramArrays`
  (constraint matrix, bounds, objective and measurement vectors, solver units);
- finds, with :func:`fit_affine`, how those arrays move with the uncertain
  values: it builds the model at probe values of each key and checks that
  every number moves in proportion (no products of two keys, no ``1/x``, no
  change of shape). Only then is :class:`AffineProgram` used; anything else is
  rebuilt draw by draw. Each number of a cost, intake effect, completion rate
  or funding limit enters the programme linearly, so the usual keys qualify.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pulp

from ..model import Model
from ..model.formulation import Terms
from ..solve.backends import columns_of

#: Relative tolerance of the proportionality check.
AFFINE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class ProgramArrays:
    """One built programme in solver units.

    The matrix is held as sorted keys ``row * n_cols + col`` with values.
    ``output`` is the weighted compound output (the ``max_output``
    objective), ``cost`` the total cost in thousands of yuan, and each row of
    ``measure`` turns a solution into compound graduates of one (tier, year)
    of ``measures``. ``kinds``/``senses`` describe the rows;
    ``static_violations`` lists the kinds of rows no decision can satisfy.
    In an elastic model (a fixed plan) the last ``len(slack_rows)`` columns
    are breach slacks, ``slack_rows`` the row of each; their bounds here are
    ``[0, inf)``, the solver sets the upper ones per programme with
    :func:`~optimiser.model.rows.slack_bounds`, as the PuLP model has them.
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    kinds: tuple[str, ...]
    senses: tuple[str, ...]
    integer: np.ndarray
    a_keys: np.ndarray
    a_values: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    output: np.ndarray
    cost: np.ndarray
    measure: np.ndarray
    measures: tuple[tuple[str, int], ...]
    mode: str
    tie_break: bool
    objective_scale: float
    static_violations: tuple[str, ...] = ()
    slack_rows: tuple[int, ...] = ()

    @property
    def n_cols(self) -> int:
        return len(self.columns)

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    def shape_key(self) -> tuple[Any, ...]:
        """Everything that must agree for two programmes to differ only in numbers."""
        return (self.columns, self.rows, self.measures, self.mode, self.tie_break, self.objective_scale,
                self.static_violations, self.slack_rows, self.integer.tobytes())

    def layout(self) -> list[tuple[str, int]]:
        """The sections of :meth:`flat`, in order, with their lengths."""
        return [
            ("a_values", len(self.a_values)), ("row_lower", self.n_rows), ("row_upper", self.n_rows),
            ("col_lower", self.n_cols), ("col_upper", self.n_cols), ("output", self.n_cols),
            ("cost", self.n_cols), ("measure", self.measure.size),
        ]

    def flat(self) -> np.ndarray:
        """Every number of the programme in one vector (see :meth:`layout`)."""
        return np.concatenate([np.ravel(getattr(self, name)) for name, _ in self.layout()])

    def with_flat(self, data: np.ndarray) -> ProgramArrays:
        """A copy whose numbers are ``data`` (same layout, same shape)."""
        parts: dict[str, Any] = {}
        start = 0
        for name, length in self.layout():
            parts[name] = data[start:start + length]
            start += length
        parts["measure"] = parts["measure"].reshape(self.measure.shape)
        return replace(self, **parts)

    def on_keys(self, keys: np.ndarray) -> ProgramArrays:
        """The same programme with its matrix spread over ``keys`` (a superset; missing entries 0)."""
        values = np.zeros(len(keys))
        values[np.searchsorted(keys, self.a_keys)] = self.a_values
        return replace(self, a_keys=keys, a_values=values)


def arrays_of(model: Model) -> ProgramArrays:
    """Read a built model into :class:`ProgramArrays`."""
    columns = columns_of(model)
    n = len(columns)
    keys: list[int] = []
    values: list[float] = []
    lower = np.full(len(model.book.constraints), -math.inf)
    upper = np.full(len(model.book.constraints), math.inf)
    for r, con in enumerate(model.book.constraints):
        for var, coef in con.items():
            keys.append(r * n + var.col)
            values.append(coef)
        if con.sense <= 0:
            upper[r] = -con.constant
        if con.sense >= 0:
            lower[r] = -con.constant
    key_array = np.asarray(keys, dtype=np.int64)
    order = np.argsort(key_array, kind="stable")
    form, cfg = model.form, model.config
    measures = tuple((k, t) for k in cfg.tiers for t in form.years)
    index = {key: i for i, key in enumerate(measures)}
    measure = np.zeros((len(measures), n))
    for (_, tier, year), var in form.vars.f.items():
        spec = cfg.tiers[tier]
        measure[index[tier, year], var.col] += spec.completion_rate / spec.duration
    infos = model.book.rows
    row_of = {info.id: r for r, info in enumerate(infos)}
    slack_rows = tuple(row_of[info.id] for info, _, _ in model.book.slacks)
    col_upper = np.array([math.inf if v.upBound is None else float(v.upBound) for v in columns])
    col_upper[n - len(slack_rows):] = math.inf
    return ProgramArrays(
        columns=tuple(var.name for var in columns),
        rows=tuple((info.kind, info.institution, info.year, info.detail, info.sense) for info in infos),
        kinds=tuple(info.kind for info in infos),
        senses=tuple(info.sense for info in infos),
        integer=np.array([var.cat == pulp.LpInteger for var in columns], dtype=bool),
        a_keys=key_array[order],
        a_values=np.asarray(values, dtype=float)[order],
        row_lower=lower,
        row_upper=upper,
        col_lower=np.array([-math.inf if v.lowBound is None else float(v.lowBound) for v in columns]),
        col_upper=col_upper,
        output=_dense(model.output, n),
        cost=_dense(model.cost, n),
        measure=measure,
        measures=measures,
        mode=model.mode,
        tie_break=cfg.objective.tie_break,
        objective_scale=model.objective_scale,
        static_violations=tuple(sorted({info.kind for info in model.book.violated})),
        slack_rows=slack_rows,
    )


def _dense(terms: Terms, n: int) -> np.ndarray:
    vector = np.zeros(n)
    for var, coef in terms.items():
        vector[var.col] += coef
    return vector


@dataclass(frozen=True)
class AffineProgram:
    """Programme numbers as ``base + (values - origin) @ slopes`` on the positions that move.

    ``base`` is the programme at ``origin`` (one value per key, in key
    order), spread over the union of the matrix patterns seen while fitting.
    """

    base: ProgramArrays
    origin: np.ndarray
    moving: np.ndarray
    slopes: np.ndarray

    def at(self, values: Sequence[float]) -> ProgramArrays:
        """The programme for one vector of key values."""
        data = self.base.flat()
        step = np.asarray(values, dtype=float) - self.origin
        data[self.moving] = data[self.moving] + step @ self.slopes
        return self.base.with_flat(data)


def fit_affine(
    build: Callable[[np.ndarray], ProgramArrays | None],
    origin: np.ndarray,
    probes: Sequence[Sequence[float]],
    joint: np.ndarray,
) -> AffineProgram | None:
    """Fit :class:`AffineProgram`, or return ``None`` if the numbers are not affine in the keys.

    Parameters
    ----------
    build
        The programme at a vector of key values (``None`` if those values
        make no valid config).
    origin
        The values as written in the config.
    probes
        For each key, two further values it can take (its range's ends, say).
        The first fixes the slope, the second checks it.
    joint
        A point moving every key at once: checks that keys acting on the same
        number add up (no products).
    """
    base = build(origin)
    if base is None:
        return None
    programs: list[tuple[np.ndarray, ProgramArrays]] = []
    for index, values in enumerate(probes):
        for value in values:
            point = origin.copy()
            point[index] = value
            programs.append((point, build(point)))  # type: ignore[arg-type]
    programs.append((np.asarray(joint, dtype=float), build(np.asarray(joint, dtype=float))))  # type: ignore[arg-type]
    if any(program is None or program.shape_key() != base.shape_key() for _, program in programs):
        return None
    keys = base.a_keys
    for _, program in programs:
        keys = np.union1d(keys, program.a_keys)
    base = base.on_keys(keys)
    data0 = base.flat()
    flats = [(point, program.on_keys(keys).flat()) for point, program in programs]
    finite = np.isfinite(data0)
    for _, data in flats:
        if not np.array_equal(np.isfinite(data), finite) or not np.array_equal(data[~finite], data0[~finite]):
            return None
    slopes = np.zeros((len(origin), len(data0)))
    cursor = 0
    for index, values in enumerate(probes):
        first, second = flats[cursor], flats[cursor + 1]
        cursor += 2
        step = first[0][index] - origin[index]
        if step == 0:
            step_second = second[0][index] - origin[index]
            if step_second == 0:
                continue
            first, step = second, step_second
        slopes[index, finite] = (first[1][finite] - data0[finite]) / step
    for point, data in flats:
        predicted = data0 + (point - origin) @ slopes
        if not _close(data[finite], predicted[finite]):
            return None
    moving = np.flatnonzero(np.any(slopes != 0.0, axis=0))
    return AffineProgram(base, np.asarray(origin, dtype=float), moving, slopes[:, moving])


def _close(actual: np.ndarray, predicted: np.ndarray) -> bool:
    scale = np.maximum(1.0, np.abs(actual))
    return bool(np.all(np.abs(actual - predicted) <= AFFINE_TOLERANCE * scale))


__all__ = ["AffineProgram", "ProgramArrays", "arrays_of", "fit_affine"]
