"""The :class:`SensitivityReport`: data only. Its text, JSON and CSV files are :mod:`optimiser.report.sensitivity_text`."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..jsonrule import UNLIMITED as JSON_UNLIMITED
from ..views import show

UNLIMITED = JSON_UNLIMITED
"""How an unlimited allowable increase or decrease is written in text, CSV and JSON."""


@dataclass
class SensitivityReport:
    """Excel's Sensitivity Report for a solved plan, and the shadow prices in planner words.

    ``constraints``: one row per limit (``name, config_path, institution,
    year, detail, final_value, shadow_price, rhs, allowable_increase,
    allowable_decrease``). ``variables``: one row per lever unit and fully
    trained student-year (``variable, lever, institution, tier, year,
    final_value, reduced_cost, objective_coefficient, allowable_increase,
    allowable_decrease``; ``lever`` is empty for student-years).
    ``ranking``: the binding limits restated in planner words
    (``config_path, institution, year, statement, value_per_unit, unit,
    valid_from, valid_to``). Unlimited ranges are ``float('inf')`` in the
    frames and ``"unlimited"`` in text, CSV and JSON. ``note`` says what the
    report is for (an integer plan, a degenerate LP).

    >>> report = sensitivity(solve(load_config("tests/cases/small.yaml")))  # doctest: +SKIP
    >>> report.ranking["statement"].iloc[0]  # doctest: +SKIP
    'one more million yuan of government funding in 2025 buys ...'
    """

    constraints: pd.DataFrame
    variables: pd.DataFrame
    ranking: pd.DataFrame
    note: str = ""
    objective: float = math.nan
    mode: str = "max_output"
    solver: str = "highs"
    scenario: str = "base"
    name: str = ""
    notes: list[str] = field(default_factory=list)
    kinds: tuple[str, ...] = ()
    """The row kind of each constraint, in the order of ``constraints``' rows, to name them in the current
    language (:func:`~optimiser.model.rows.kind_label`); not in the CSV or JSON. Empty: the names as they are."""

    def binding(self) -> pd.DataFrame:
        """Constraints with a non-zero shadow price, largest first."""
        prices = self.constraints["shadow_price"]
        live = self.constraints[prices.notna() & (prices != 0)]
        return live.reindex(live["shadow_price"].abs().sort_values(ascending=False).index)

    def to_dict(self) -> dict[str, Any]:
        """``{"constraints": [...], "variables": [...], "ranking": [...], "note": ...}``, JSON-ready."""
        return show(self, "dict")

    def files(self) -> dict[str, Any]:
        """The CSV files ``sensitivity --out`` writes, for :func:`optimiser.report.files.write_all`."""
        return show(self, "files")

    def __str__(self) -> str:
        return show(self, "text")


def write_report(report: SensitivityReport, directory: Path) -> list[Path]:
    """Write the three CSV files into ``directory`` (each whole or not at all)."""
    return show(report, "write", directory=directory)
