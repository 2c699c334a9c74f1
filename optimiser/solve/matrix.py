"""The built programme as arrays: the one array form every solve and analysis uses.

:class:`MatrixForm` holds ``row_lower <= A x <= row_upper``,
``col_lower <= x <= col_upper`` with its row and column index (each row's
kind, institution, year, detail and sense; each column's name), the
objective vectors (weighted compound output, total cost), the compound
output of each (tier, year), and what the smoothing stage prices (the
year-to-year changes in what each lever starts). The solve back end loads
it into HiGHS; Monte Carlo, the robust plan, sweeps, the frontier, Pareto
and the tornado re-solve it with new numbers
(:func:`~optimiser.analysis.parameters.fit_parameters` says which).

The matrix is column-wise, with sorted indices, held in plain numpy
arrays (:class:`Csc`, the layout HiGHS loads) with the products the solve
needs, so that a plain solve never loads scipy; :attr:`MatrixForm.a` is the
same matrix as ``scipy.sparse.csc_matrix``, built on first use, for the
analyses that slice and stack it. Its entries, in storage order, have the
keys ``col * n_rows + row`` (:attr:`MatrixForm.a_keys`), which is how two
programmes of one shape are compared number by number (:meth:`flat`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import chain
from typing import TYPE_CHECKING, Any

import numpy as np
import pulp

from ..model import Model, collector_paused
from ..model.formulation import MONEY_SCALE, Terms

if TYPE_CHECKING:
    import scipy.sparse as sp

SMOOTH_TIE = 1e-6
"""Weight, relative to a lever's price, of the term that settles ties in the smoothing stage."""

MONEY_TIE = 5e-7
"""Weight per solver unit of money (a thousand yuan) of the smoothing stage's term that settles which source pays."""

OUTPUT_TIE = 1e-3
"""Reward per weighted graduate in the smoothing stage's objective (solver units: one yuan of year-to-year change).

Every other tie-settling weight rewards doing less; without this, a stage
allowed to give up output (``smooth`` a share s > 0) gave it up to its floor
for nothing once the plan could get no steadier (a one-year plan at
``smooth: 0.05`` gave up 5%). It outweighs the weights a graduate's worth of
spending carries (at 30,000 yuan a graduate, about a tenth of it with three
sources, two fifths with twenty-five), and a plan it keeps is at most a yuan
of change per graduate kept less steady than the steadiest.
"""


class Csc:
    """A column-wise sparse matrix in plain numpy arrays, as ``scipy.sparse.csc_matrix`` stores it.

    Column ``j`` holds ``data[indptr[j]:indptr[j + 1]]`` in the rows
    ``indices[indptr[j]:indptr[j + 1]]``. The few operations the solve needs
    are written here once: ``A @ x``, ``A.T @ y``, the transpose, column and
    row selections and side-by-side joins. Products add up each row's (each
    column's) terms in storage order, as scipy does, so they give the same
    numbers to the last bit (:meth:`sparse_transpose_times`, for tests with a
    tolerance, adds them in row order). :meth:`scipy` gives the scipy matrix. (A plain
    class, not a dataclass: defining a dataclass costs milliseconds at every
    start of the command line.)
    """

    __slots__ = ("_by_row", "_entry_columns", "data", "indices", "indptr", "shape")

    def __init__(self, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, shape: tuple[int, int]) -> None:
        self.indptr = indptr
        self.indices = indices
        self.data = data
        self.shape = shape
        self._entry_columns: np.ndarray | None = None
        self._by_row: Csc | None = None

    def __reduce__(self) -> tuple[type[Csc], tuple[np.ndarray, np.ndarray, np.ndarray, tuple[int, int]]]:
        return Csc, (self.indptr, self.indices, self.data, self.shape)  # the entry columns are worked out again

    def with_data(self, data: np.ndarray) -> Csc:
        """The same pattern with the values ``data``."""
        other = Csc(self.indptr, self.indices, data, self.shape)
        other._entry_columns = self._entry_columns
        return other

    @classmethod
    def from_triplets(cls, rows: np.ndarray, cols: np.ndarray, values: np.ndarray, shape: tuple[int, int]) -> Csc:
        """The matrix with ``values`` at (``rows``, ``cols``): sorted by column, then row; duplicates summed."""
        n_rows, n_cols = shape
        keys = np.asarray(cols, dtype=np.int64) * n_rows + np.asarray(rows, dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        keys, values = keys[order], np.asarray(values, dtype=float)[order]
        first = np.ones(len(keys), dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        if not first.all():
            values = np.add.reduceat(values, np.flatnonzero(first))
            keys = keys[first]
        entry_cols, entry_rows = np.divmod(keys, n_rows)
        indptr = np.searchsorted(entry_cols, np.arange(n_cols + 1)).astype(np.int32)
        return cls(indptr, entry_rows.astype(np.int32), values, (n_rows, n_cols))

    @property
    def nnz(self) -> int:
        return len(self.data)

    @property
    def T(self) -> _Transposed:  # noqa: N802 (as scipy and numpy name it)
        """``A.T``, for ``A.T @ y``."""
        return _Transposed(self)

    def entry_columns(self) -> np.ndarray:
        """The column of each stored entry (worked out once: the pattern does not change)."""
        if self._entry_columns is None:
            self._entry_columns = np.repeat(np.arange(self.shape[1], dtype=np.int32), np.diff(self.indptr))
        return self._entry_columns

    def sparse_transpose_times(self, y: np.ndarray) -> np.ndarray:
        """``A.T @ y`` for a ``y`` that is mostly zeros: only the rows where it is not are read.

        From the row-wise arrays (:meth:`transposed`, kept after the first
        call); a ``y`` with more than a twentieth of its entries non-zero takes
        ``A.T @ y``. Each column's terms are added in row order, so the last
        bit may differ from ``A.T @ y``: for tests with a tolerance. (The
        reduced costs of one basis row in the shadow-price choice: 0.3% of the
        duals are non-zero at 300 generated institutions, and the product
        over every entry was a third of each optimality check.)
        """
        y = np.asarray(y, dtype=float)
        rows = np.flatnonzero(y)
        if 20 * len(rows) > len(y):
            return self.T @ y
        if self._by_row is None:
            self._by_row = self.transposed()
        by_row = self._by_row
        starts, counts = by_row.indptr[rows], np.diff(by_row.indptr)[rows]
        first = np.cumsum(counts) - counts
        take = np.repeat(starts - first, counts) + np.arange(int(counts.sum()))
        weights = by_row.data[take] * np.repeat(y[rows], counts)
        return np.bincount(by_row.indices[take], weights=weights, minlength=self.shape[1])

    def __matmul__(self, x: np.ndarray) -> np.ndarray:
        """``A @ x``."""
        x = np.asarray(x)
        return np.bincount(self.indices, weights=self.data * x[self.entry_columns()], minlength=self.shape[0])

    def __abs__(self) -> Csc:
        return self.with_data(np.abs(self.data))

    def __neg__(self) -> Csc:
        return self.with_data(-self.data)

    def transposed(self) -> Csc:
        """``A.T`` column-wise (the row-wise arrays of ``A``), indices sorted."""
        order = np.argsort(self.indices, kind="stable")
        counts = np.bincount(self.indices, minlength=self.shape[0])
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
        return Csc(indptr, self.entry_columns()[order], self.data[order], (self.shape[1], self.shape[0]))

    def columns(self, index: np.ndarray) -> Csc:
        """``A[:, index]`` (``index``: column numbers, or a mask over the columns)."""
        index = np.asarray(index)
        if index.dtype == bool:
            index = np.flatnonzero(index)
        starts, counts = self.indptr[index], np.diff(self.indptr)[index]
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
        take = np.repeat(starts - indptr[:-1], counts) + np.arange(indptr[-1])
        return Csc(indptr, self.indices[take], self.data[take], (self.shape[0], len(index)))

    def rows(self, mask: np.ndarray) -> Csc:
        """``A[mask, :]`` for a mask over the rows (the kept rows renumbered in order)."""
        mask = np.asarray(mask, dtype=bool)
        keep = mask[self.indices]
        counts = np.bincount(self.entry_columns()[keep], minlength=self.shape[1])
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
        number = np.cumsum(mask) - 1
        return Csc(indptr, number[self.indices[keep]].astype(np.int32), self.data[keep],
                   (int(np.count_nonzero(mask)), self.shape[1]))

    def join(self, other: Csc) -> Csc:
        """``[A, B]``: ``other``'s columns after these (the same number of rows)."""
        indptr = np.concatenate([self.indptr, other.indptr[1:] + self.indptr[-1]]).astype(np.int32)
        return Csc(indptr, np.concatenate([self.indices, other.indices]), np.concatenate([self.data, other.data]),
                   (self.shape[0], self.shape[1] + other.shape[1]))

    def scipy(self) -> sp.csc_matrix:
        """The same matrix as ``scipy.sparse.csc_matrix`` (sharing the arrays)."""
        import scipy.sparse as sp

        return sp.csc_matrix((self.data, self.indices, self.indptr), shape=self.shape)


class _Transposed:
    """``A.T`` of a :class:`Csc`, for products."""

    __slots__ = ("of",)

    def __init__(self, of: Csc) -> None:
        self.of = of

    def __matmul__(self, y: np.ndarray) -> np.ndarray:
        """``A.T @ y``."""
        a = self.of
        return np.bincount(a.entry_columns(), weights=a.data * np.asarray(y)[a.indices], minlength=a.shape[1])


@dataclass(frozen=True)
class MatrixForm:
    """One built programme in solver units (inf where a bound is absent).

    ``names`` and ``rows`` index the columns and rows (``rows[r]`` is
    ``(kind, institution, year, detail, sense)``); ``column`` maps a
    column's name to its index. ``output`` is the weighted compound output
    (the ``max_output`` objective), ``cost`` the total cost in thousands of
    yuan; each row of ``measure`` turns a solution into compound graduates
    of one (tier, year) of ``measures``. ``static_violations`` lists the
    kinds of rows no decision can satisfy. In an elastic model (a fixed
    plan) the last ``len(slack_rows)`` columns are breach slacks,
    ``slack_rows`` the row of each. ``changes`` (one row per year-to-year
    change in what a lever starts), ``change_price`` and ``tie`` are the
    smoothing stage's rows and objective (see :func:`optimiser.solve`).
    ``csc`` holds the matrix and ``change_rows`` the changes' row-wise arrays
    (``indptr``, ``indices``, ``values``); :attr:`a` and :attr:`changes` are
    them as scipy matrices, built on first use (for the analyses: a plain
    solve uses the arrays). ``variables`` are the PuLP variables of the
    columns and ``column_of`` the column of each, where the form was read
    from a model in this process (neither is pickled).
    """

    csc: Csc
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    integer: np.ndarray
    names: tuple[str, ...] = ()
    rows: tuple[tuple[Any, ...], ...] = ()
    output: np.ndarray = field(default_factory=lambda: np.zeros(0))
    cost: np.ndarray = field(default_factory=lambda: np.zeros(0))
    measure: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    measures: tuple[tuple[str, int], ...] = ()
    mode: str = "max_output"
    tie_break: bool = False
    smooth: float | None = None
    objective_scale: float = 1.0
    static_violations: tuple[str, ...] = ()
    slack_rows: tuple[int, ...] = ()
    change_rows: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    change_price: np.ndarray = field(default_factory=lambda: np.zeros(0))
    tie: np.ndarray = field(default_factory=lambda: np.zeros(0))
    variables: list[pulp.LpVariable] = field(default_factory=list, repr=False, compare=False)
    column_of: dict[pulp.LpVariable, int] = field(default_factory=dict, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        # PuLP variables stay in the process that built them
        state["variables"] = []
        state["column_of"] = {}
        # the scipy matrices are built again where asked for
        state.pop("a", None)
        state.pop("changes", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    # -- the matrices as scipy builds them --------------------------------------
    @cached_property
    def a(self) -> sp.csc_matrix:
        """The matrix as ``scipy.sparse.csc_matrix`` (sharing :attr:`csc`'s arrays), built on first use."""
        return self.csc.scipy()

    @property
    def smooths(self) -> bool:
        """Whether the smoothing stage runs: ``smooth`` is set and there are changes to price or ties to settle."""
        return self.smooth is not None and self.change_rows is not None and (
            len(self.change_rows[0]) > 1 or bool(self.tie.any()))

    @cached_property
    def changes(self) -> sp.csr_matrix | None:
        """The smoothing stage's change rows as ``scipy.sparse.csr_matrix`` (None without smoothing)."""
        if self.change_rows is None:
            return None
        import scipy.sparse as sp

        indptr, indices, values = self.change_rows
        return sp.csr_matrix((values, indices, indptr), shape=(len(indptr) - 1, self.n_cols))

    # -- the index -------------------------------------------------------------
    @property
    def columns(self) -> list[pulp.LpVariable]:
        """The PuLP variables of the columns, in order (a form read from a model in this process)."""
        return self.variables

    @property
    def n_cols(self) -> int:
        return int(self.csc.shape[1])

    @property
    def n_rows(self) -> int:
        return int(self.csc.shape[0])

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(row[0] for row in self.rows)

    @property
    def senses(self) -> tuple[str, ...]:
        return tuple(row[4] for row in self.rows)

    @property
    def column(self) -> dict[str, int]:
        """Column index by variable name."""
        return {name: index for index, name in enumerate(self.names)}

    def rows_where(self, kind: str, detail: str | None = None, year: int | None = None) -> np.ndarray:
        """Indices of the rows of ``kind`` (and ``detail``, ``year`` when given)."""
        return np.array(
            [index for index, row in enumerate(self.rows)
             if row[0] == kind and (detail is None or row[3] == detail) and (year is None or row[2] == year)],
            dtype=np.int32,
        )

    def costs(self, objective: Terms) -> np.ndarray:
        """A cost per column from PuLP terms."""
        return dense(objective, self.column_of, self.n_cols)

    # -- numbers of one shape --------------------------------------------------------
    @property
    def a_keys(self) -> np.ndarray:
        """The key ``col * n_rows + row`` of each stored matrix entry (ascending)."""
        cols = self.csc.entry_columns().astype(np.int64)
        return cols * self.n_rows + self.csc.indices.astype(np.int64)

    @property
    def a_values(self) -> np.ndarray:
        return np.asarray(self.csc.data, dtype=float)

    def shape_key(self) -> tuple[Any, ...]:
        """Everything that must agree for two programmes to differ only in numbers."""
        changes = b"" if self.change_rows is None else self.change_rows[1].tobytes() + self.change_rows[0].tobytes()
        return (self.names, self.rows, self.measures, self.mode, self.tie_break, self.smooth, self.objective_scale,
                self.static_violations, self.slack_rows, self.integer.tobytes(), changes)

    def layout(self) -> list[tuple[str, int]]:
        """The sections of :meth:`flat`, in order, with their lengths."""
        return [
            ("a_values", self.csc.nnz), ("row_lower", self.n_rows), ("row_upper", self.n_rows),
            ("col_lower", self.n_cols), ("col_upper", self.n_cols), ("output", len(self.output)),
            ("cost", len(self.cost)), ("measure", self.measure.size), ("change_price", len(self.change_price)),
            ("tie", len(self.tie)),
        ]

    def flat(self) -> np.ndarray:
        """Every number of the programme in one vector (see :meth:`layout`)."""
        parts = [self.a_values, self.row_lower, self.row_upper, self.col_lower, self.col_upper, self.output,
                 self.cost, np.ravel(self.measure), self.change_price, self.tie]
        return np.concatenate([np.asarray(part, dtype=float) for part in parts])

    def with_flat(self, data: np.ndarray) -> MatrixForm:
        """A copy whose numbers are ``data`` (same layout, same shape)."""
        parts: dict[str, Any] = {}
        start = 0
        for name, length in self.layout():
            parts[name] = data[start:start + length]
            start += length
        csc = self.csc.with_data(parts.pop("a_values"))
        parts["measure"] = parts["measure"].reshape(self.measure.shape)
        return replace(self, csc=csc, **parts)

    def on_keys(self, keys: np.ndarray) -> MatrixForm:
        """The same programme with its matrix spread over ``keys`` (a superset; missing entries 0)."""
        values = np.zeros(len(keys))
        values[np.searchsorted(keys, self.a_keys)] = self.a_values
        cols, rows = np.divmod(keys, self.n_rows)
        indptr = np.searchsorted(cols, np.arange(self.n_cols + 1)).astype(np.int32)
        return replace(self, csc=Csc(indptr, rows.astype(np.int32), values, self.csc.shape))


def dense(terms: Terms, column_of: dict[pulp.LpVariable, int], n: int) -> np.ndarray:
    """PuLP terms as a vector over the ``n`` columns of the programme (``column_of``: each variable's column)."""
    vector = np.zeros(n)
    # Each variable appears once in the terms, so no column is written twice.
    vector[np.fromiter(map(column_of.__getitem__, terms), dtype=np.intp, count=len(terms))] += list(terms.values())
    return vector


def value_of(terms: Terms, x: np.ndarray, column_of: dict[pulp.LpVariable, int]) -> float:
    """The value of PuLP terms at the column values ``x`` (``column_of``: each variable's column)."""
    return float(sum(coef * x[column_of[var]] for var, coef in terms.items()))


def matrix_form(model: Model) -> MatrixForm:
    """Read a built model into :class:`MatrixForm`."""
    with collector_paused():
        return _matrix_form(model)


def _matrix_form(model: Model) -> MatrixForm:
    columns = model.columns
    column_of = model.column_of
    n = len(columns)
    csc, lower, upper = _constraint_matrix(model, columns)
    cfg = model.config
    measures, measure = _measures(model, column_of, n)
    infos = model.book.rows
    row_of = {info.id: r for r, info in enumerate(infos)}
    changes, price, tie = _smoothing(model, column_of, n)
    return MatrixForm(
        csc=csc,
        row_lower=lower,
        row_upper=upper,
        col_lower=np.array([v.lowBound if v.lowBound is not None else -np.inf for v in columns], dtype=float),
        col_upper=np.array([v.upBound if v.upBound is not None else np.inf for v in columns], dtype=float),
        integer=np.array([v.cat == pulp.LpInteger for v in columns], dtype=bool),
        names=tuple(var.name for var in columns),
        rows=tuple((info.kind, info.institution, info.year, info.detail, info.sense) for info in infos),
        output=dense(model.output, column_of, n),
        cost=dense(model.cost, column_of, n),
        measure=measure,
        measures=measures,
        mode=model.mode,
        tie_break=cfg.objective.tie_break,
        smooth=cfg.objective.smooth,
        objective_scale=model.objective_scale,
        static_violations=tuple(sorted({info.kind for info in model.book.violated})),
        slack_rows=tuple(row_of[info.id] for info, _, _ in model.book.slacks),
        change_rows=changes,
        change_price=price,
        tie=tie,
        variables=columns,
        column_of=column_of,
    )


def _columns_by_identity(
    columns: list[pulp.LpVariable], variables: Iterable[pulp.LpVariable], count: int,
) -> np.ndarray:
    """The column of each of ``count`` variables (their places in ``columns``), found all at once.

    The same columns :attr:`Model.column_of <optimiser.model.Model.column_of>` gives one at a time, found by
    the variables' identity in sorted arrays: a dict lookup per entry calls PuLP's hash, a Python method, which
    over a national programme's million matrix entries costs more than the rest of reading the matrix.
    """
    ids = np.fromiter(map(id, columns), dtype=np.uintp, count=len(columns))
    order = np.argsort(ids)
    ordered = ids[order]
    wanted = np.fromiter(map(id, variables), dtype=np.uintp, count=count)
    at = np.minimum(np.searchsorted(ordered, wanted), max(len(ordered) - 1, 0))
    if count and (not len(ordered) or not np.array_equal(ordered[at], wanted)):
        raise KeyError("a variable that is not a column of the model")
    return order[at]


def _constraint_matrix(model: Model, columns: list[pulp.LpVariable]) -> tuple[Csc, np.ndarray, np.ndarray]:
    """The model's constraints as a column-wise matrix (sorted, duplicates summed) and row limits."""
    constraints = model.book.constraints
    n_rows = len(constraints)
    lengths = np.fromiter(map(len, constraints), dtype=np.intp, count=n_rows)
    count = int(lengths.sum())
    rows = np.repeat(np.arange(n_rows), lengths)
    cols = _columns_by_identity(columns, chain.from_iterable(constraints), count)
    values = np.fromiter(chain.from_iterable(con.values() for con in constraints), dtype=float, count=count)
    lower = np.full(n_rows, -np.inf)
    upper = np.full(n_rows, np.inf)
    for r, con in enumerate(constraints):
        rhs = -con.constant
        if con.sense <= 0:
            upper[r] = rhs
        if con.sense >= 0:
            lower[r] = rhs
    return Csc.from_triplets(rows, cols, values, (n_rows, len(columns))), lower, upper


def _measures(
    model: Model, column_of: dict[pulp.LpVariable, int], n: int,
) -> tuple[tuple[tuple[str, int], ...], np.ndarray]:
    """The (tier, year) pairs measured and the matrix turning a solution into compound graduates of each."""
    form, cfg = model.form, model.config
    measures = tuple((k, t) for k in cfg.tiers for t in form.years)
    where = {key: i for i, key in enumerate(measures)}
    measure = np.zeros((len(measures), n))
    for (_, tier, year), var in form.vars.f.items():
        spec = cfg.tiers[tier]
        measure[where[tier, year], column_of[var]] += spec.completion_rate / spec.duration
    return measures, measure


def _smoothing(
    model: Model, column_of: dict[pulp.LpVariable, int], n: int,
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray] | None, np.ndarray, np.ndarray]:
    """The smoothing stage's change rows (row-wise arrays), their prices (solver units) and its tie-settling term per column.

    The same terms as the stage :func:`optimiser.solve` runs: changes between
    units fixed in advance are left out; the tie term is :func:`smoothing_ties`.
    """
    if model.config.objective.smooth is None:
        return None, np.zeros(0), np.zeros(0)
    changes = [(terms, price) for terms, price in model.form.plan_changes()
               if any(var.lowBound != var.upBound for var in terms)]
    starts: list[int] = [0]
    index: list[int] = []
    values: list[float] = []
    for terms, _ in changes:
        index.extend(map(column_of.__getitem__, terms))
        values.extend(terms.values())
        starts.append(len(index))
    matrix = (np.array(starts, dtype=np.int32), np.array(index, dtype=np.int32), np.array(values, dtype=float))
    price = np.array([p * MONEY_SCALE for _, p in changes], dtype=float)
    tie = np.zeros(n)
    for var, weight in smoothing_ties(model):
        tie[column_of[var]] += weight
    return matrix, price, tie


def smoothing_block(form: MatrixForm, n_cols: int) -> tuple[sp.csr_matrix, np.ndarray]:
    """The smoothing stage over a session of ``n_cols`` columns that starts with the form's.

    Returns its rows and its costs: one row per priced change, ``change - rise
    + fall = 0``, over the ``n_cols`` columns and ``2m`` new ones (the rises,
    then the falls); the costs settle ties on the form's columns and price
    each rise and fall. The one assembly of the stage for every session that
    adds it (:class:`~optimiser.analysis.fast.WarmEngine`, the Monte Carlo
    solver of drawn worlds).
    """
    import scipy.sparse as sp

    assert form.changes is not None
    changes = form.changes
    m = changes.shape[0]
    if changes.shape[1] < n_cols:
        changes = sp.hstack([changes, sp.csr_matrix((m, n_cols - changes.shape[1]))], format="csr")
    eye = sp.identity(m, format="csr")
    rows = sp.hstack([changes, -eye, eye], format="csr")
    tie = np.concatenate([form.tie, np.zeros(n_cols - len(form.tie))])
    return rows, np.concatenate([tie, form.change_price, form.change_price])


def smoothing_ties(
    model: Model, free: Callable[[pulp.LpVariable], bool] | None = None,
) -> list[tuple[pulp.LpVariable, float]]:
    """The smoothing stage's tie-settling weight of each column it settles (solver units), for columns ``free`` to move.

    Plans exactly as steady may still differ, and a solver returns whichever
    it reaches first; these weights pick one, the same for every solver:

    - a lever's unit: a millionth (:data:`SMOOTH_TIE`) of the lever's price
      per unit, times 1 to 2 by the unit's place in the programme
      (:func:`tie_spread`). The spread is not a sum of a part per
      institution and a part per year, so it also tells apart plans that
      swap units between two institutions and two years;
    - money a source pays for a lever (:data:`MONEY_TIE` per solver unit of
      money, a thousand yuan): ``1 + p + (p / S) * (1 - l / L)`` for the
      source's place ``p`` of ``S`` in funding and the lever's place ``l`` of
      ``L``. A source's weights all lie below the next source's, so where
      several splits of the money pay for the same plan, the sources listed
      first pay first; and of two sources that could each pay for two levers,
      the one listed first pays for the lever listed first (the product
      ``p * l``, unlike a sum, prices that exchange). The weights grow only in
      step with the number of sources (with ``2 ** p`` they reached the
      stage's price of change at about twenty sources);
    - each weighted graduate: a reward of :data:`OUTPUT_TIE`, so that of plans
      as steady the one with the most output is taken, not one that saves
      weights by doing less.

    Beside the stage's price of change (one solver unit per thousand yuan),
    these are small: the reward one yuan of change per graduate, a unit's
    weight two millionths of its price at most, money's a few millionths of
    it per source. So they only choose among plans the stage finds equally
    steady (or steadier by less than that). By default a column is free when
    its bounds differ.
    """
    movable = free or (lambda var: var.lowBound != var.upBound)
    levers = model.config.levers
    vars_ = model.form.vars
    units = [*vars_.u.items(), *vars_.us.items()]
    spread = tie_spreads(np.arange(len(units))).tolist()
    ties = []
    for rank, (key, var) in enumerate(units):
        lever = levers[str(key[0])]
        unit_price = lever.capex if lever.kind == "build" else lever.cost
        if unit_price and movable(var):
            ties.append((var, unit_price * MONEY_SCALE * SMOOTH_TIE * (1.0 + spread[rank])))
    sources = {name: n for n, name in enumerate(model.config.funding)}
    lever_place = {name: n / len(levers) for n, name in enumerate(levers)}
    for (source, lever_name, _), var in vars_.p.items():
        if movable(var):
            place = sources[source]
            ties.append((var, MONEY_TIE * (1.0 + place + place / len(sources) * (1.0 - lever_place[lever_name]))))
    for var, coef in model.output.items():
        if movable(var):
            ties.append((var, -OUTPUT_TIE * coef))
    return ties


_MASK = (1 << 64) - 1


def tie_spread(rank: int) -> float:
    """A fixed number in [0, 1) for the column of place ``rank``: the splitmix64 mix of it, over 2**64.

    A weight that grows in step with the place, or any other that is a sum of
    a part per institution and a part per year, prices a ``2 x 2`` exchange of
    units between two institutions and two years at exactly zero; the mix,
    not linear in the place, prices every exchange differently. It is the same
    on every machine (integer arithmetic). :func:`tie_spreads` gives many at once.
    """
    z = (rank + 0x9E3779B97F4A7C15) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return (z ^ (z >> 31)) / 2.0**64


def tie_spreads(ranks: np.ndarray) -> np.ndarray:
    """:func:`tie_spread` of every place in ``ranks`` (whole numbers >= 0), the same numbers, in one pass.

    Unsigned 64-bit products wrap around as the mask of the single version does.
    """
    z = np.asarray(ranks, dtype=np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return np.asarray((z ^ (z >> np.uint64(31))) / 2.0**64, dtype=float)


def analysis_form(model: Model) -> MatrixForm:
    """:func:`matrix_form` with the breach slacks' upper bounds left open.

    Those bounds follow the world's limits by a rule that is not linear
    (:func:`~optimiser.model.rows.slack_bounds`); a solver of drawn worlds
    sets them per world, as the PuLP model has them.
    """
    form = matrix_form(model)
    if not form.slack_rows:
        return form
    col_upper = form.col_upper.copy()
    col_upper[form.n_cols - len(form.slack_rows):] = math.inf
    return replace(form, col_upper=col_upper)


__all__ = ["Csc", "MatrixForm", "analysis_form", "dense", "matrix_form", "value_of"]
