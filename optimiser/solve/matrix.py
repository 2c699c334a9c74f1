"""The built programme as sparse arrays: A, row bounds, column bounds."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pulp
import scipy.sparse as sp

from ..model import Model
from ..model.formulation import Terms


@dataclass
class MatrixForm:
    """``row_lower <= A x <= row_upper``, ``col_lower <= x <= col_upper`` (inf where unbounded)."""

    columns: list[pulp.LpVariable]
    a: sp.csc_matrix
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    integer: np.ndarray

    def costs(self, objective: Terms) -> np.ndarray:
        c = np.zeros(len(self.columns))
        for var, coef in objective.items():
            c[var.col] += coef
        return c


def columns_of(model: Model) -> list[pulp.LpVariable]:
    """Every variable of the model in a fixed order, each tagged with its column index."""
    v = model.form.vars
    cols: list[pulp.LpVariable] = [*v.u.values(), *v.us.values(), *v.a.values(), *v.f.values(), *v.p.values()]
    cols.extend(slack for _, slack, _ in model.book.slacks)
    for index, var in enumerate(cols):
        var.col = index  # type: ignore[attr-defined]
    return cols


def matrix_form(model: Model) -> MatrixForm:
    columns = columns_of(model)
    constraints = model.book.constraints
    n_rows = len(constraints)
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    lower = np.full(n_rows, -np.inf)
    upper = np.full(n_rows, np.inf)
    for r, con in enumerate(constraints):
        for var, coef in con.items():
            rows.append(r)
            cols.append(var.col)
            values.append(coef)
        rhs = -con.constant
        if con.sense <= 0:
            upper[r] = rhs
        if con.sense >= 0:
            lower[r] = rhs
    a = sp.csc_matrix((values, (rows, cols)), shape=(n_rows, len(columns)))
    a.sum_duplicates()
    a.sort_indices()
    return MatrixForm(
        columns=columns,
        a=a,
        row_lower=lower,
        row_upper=upper,
        col_lower=np.array([v.lowBound if v.lowBound is not None else -np.inf for v in columns], dtype=float),
        col_upper=np.array([v.upBound if v.upBound is not None else np.inf for v in columns], dtype=float),
        integer=np.array([v.cat == pulp.LpInteger for v in columns], dtype=bool),
    )
