"""Excel-style sensitivity tables in planner units.

Converts the max-form, solver-unit numbers of :mod:`.ranging` into the
units a planner reads: the shadow price of a funding row in graduates per
yuan (yuan per yuan in ``min_cost`` mode), its range in yuan; a lever's
objective coefficient in graduates (or yuan) per unit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..i18n import _
from ..model import Model
from .canonical import CanonicalLP
from .ranging import ColumnRanges, RowRanges

CONSTRAINT_COLUMNS = [
    "name", "config_path", "institution", "year", "detail", "final_value", "shadow_price", "rhs",
    "allowable_increase", "allowable_decrease",
]
VARIABLE_COLUMNS = [
    "variable", "lever", "institution", "tier", "year", "final_value", "reduced_cost", "objective_coefficient",
    "allowable_increase", "allowable_decrease",
]


def _clean(values: np.ndarray, tol: float = 1e-12) -> np.ndarray:
    """``values`` with those under ``tol`` in size, and ``-0.0``, written as ``0.0``."""
    values = np.asarray(values, dtype=float)
    return np.where(np.abs(values) <= tol, 0.0, values)


def constraint_table(model: Model, lp: CanonicalLP, ranges: RowRanges, activity: np.ndarray) -> pd.DataFrame:
    """One row per constraint: final value (the solver's), shadow price, limit and its allowable range.

    ``activity`` is the solved plan's row activity in solver units.
    """
    infos = model.book.rows
    scale = np.array([info.unit_scale for info in infos])
    price = lp.sign * ranges.price * scale * model.objective_scale
    rhs = np.array([info.limit for info in infos], dtype=float)
    decrease = ranges.decrease / scale
    # A range that reaches zero exactly should say so, not 6,000,000.00000001.
    decrease = np.where(np.abs(decrease - rhs) <= 1e-9 * np.abs(rhs), rhs, decrease)
    return pd.DataFrame(
        {
            "name": [info.label for info in infos],
            "config_path": [info.config_path for info in infos],
            "institution": [info.institution or "" for info in infos],
            "year": pd.array([info.year for info in infos], dtype="Int64"),
            "detail": [info.detail or "" for info in infos],
            "final_value": _clean(activity / scale, 1e-9),
            "shadow_price": _clean(price),
            "rhs": rhs,
            "allowable_increase": _clean(ranges.increase / scale, 0.0),
            "allowable_decrease": _clean(decrease, 0.0),
        },
        columns=CONSTRAINT_COLUMNS,
    )


def decision_columns(model: Model) -> list[tuple[int, str, str, str, int, str]]:
    """(column, lever, institution, tier, year, readable name) of every lever unit and trained student-year."""
    v, column_of = model.form.vars, model.column_of
    rows: list[tuple[int, str, str, str, int, str]] = []
    for (lever, inst, t), var in v.u.items():
        rows.append((column_of[var], lever, inst, "", t, _("{lever} at {institution} in {year}").format(
            lever=lever, institution=inst, year=t)))
    for (lever, inst, k, t), var in v.us.items():
        rows.append((column_of[var], lever, inst, k, t, _("{lever} for {tier} places at {institution} in {year}").format(
            lever=lever, tier=k, institution=inst, year=t)))
    for (inst, k, t), var in v.f.items():
        rows.append((column_of[var], "", inst, k, t, _("fully trained {tier} student-years at {institution} in {year}").format(
            tier=k, institution=inst, year=t)))
    return rows


def variable_table(
    model: Model, lp: CanonicalLP, columns: list[tuple[int, str, str, str, int, str]], ranges: ColumnRanges,
    values: np.ndarray,
) -> pd.DataFrame:
    """One row per decision variable: final value (the solver's), reduced cost, objective coefficient and its range.

    In ``min_cost`` mode the planner's coefficient is the negated max-form
    one, so its increase is the max-form decrease and the other way round.
    """
    cols = np.array([c[0] for c in columns], dtype=int)
    scale = model.objective_scale
    up, down = (ranges.increase, ranges.decrease) if lp.sign > 0 else (ranges.decrease, ranges.increase)
    return pd.DataFrame(
        {
            "variable": [c[5] for c in columns],
            "lever": [c[1] for c in columns],
            "institution": [c[2] for c in columns],
            "tier": [c[3] for c in columns],
            "year": pd.array([c[4] for c in columns], dtype="Int64"),
            "final_value": _clean(values[cols] if len(cols) else np.zeros(0), 1e-9),
            "reduced_cost": _clean(lp.sign * ranges.reduced_cost * scale),
            "objective_coefficient": _clean(lp.sign * lp.cost[cols] * scale if len(cols) else np.zeros(0)),
            "allowable_increase": _clean(up * scale, 0.0),
            "allowable_decrease": _clean(down * scale, 0.0),
        },
        columns=VARIABLE_COLUMNS,
    )
