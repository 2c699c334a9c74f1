"""The :class:`SensitivityReport` and how it is shown: terminal text, JSON, CSV files."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..i18n import _
from ..jsonrule import UNLIMITED as JSON_UNLIMITED
from ..jsonrule import jsonable
from ..report.files import Writer, csv_writer

UNLIMITED = JSON_UNLIMITED
"""How an unlimited allowable increase or decrease is written in text, CSV and JSON."""
RANGE_COLUMNS = ("allowable_increase", "allowable_decrease", "valid_from", "valid_to")
TEXT_ROWS = 25
RANKED_SHOWN = 30
FILES = ("sensitivity_constraints.csv", "sensitivity_variables.csv", "sensitivity_ranking.csv")


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

    def binding(self) -> pd.DataFrame:
        """Constraints with a non-zero shadow price, largest first."""
        prices = self.constraints["shadow_price"]
        live = self.constraints[prices.notna() & (prices != 0)]
        return live.reindex(live["shadow_price"].abs().sort_values(ascending=False).index)

    def to_dict(self) -> dict[str, Any]:
        """``{"constraints": [...], "variables": [...], "ranking": [...], "note": ...}``, JSON-ready."""
        return {
            "constraints": records(self.constraints),
            "variables": records(self.variables),
            "ranking": records(self.ranking),
            "note": self.note,
        }

    def files(self) -> dict[str, Writer]:
        """The CSV files ``sensitivity --out`` writes, for :func:`optimiser.report.files.write_all`."""
        frames = (self.constraints, self.variables, self.ranking)
        return {name: csv_writer(shown(frame)) for name, frame in zip(FILES, frames)}

    def __str__(self) -> str:
        return report_text(self)


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with infinite ranges written as ``"unlimited"``."""
    out = frame.copy()
    for column in RANGE_COLUMNS:
        if column in out.columns:
            out[column] = [UNLIMITED if _is_inf(v) else v for v in out[column]]
    return out


def _is_inf(value: Any) -> bool:
    return isinstance(value, float) and math.isinf(value)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts of plain Python values; unlimited ranges as ``"unlimited"``."""
    columns = list(frame.columns)
    return [{c: jsonable(v) for c, v in zip(columns, row)} for row in frame.itertuples(index=False, name=None)]


def fmt(value: Any, digits: int = 6) -> str:
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float):
        if math.isinf(value):
            return UNLIMITED
        if math.isnan(value):
            return ""
        if value == 0:
            return "0"
        return f"{value:,.0f}" if abs(value) >= 1e5 else f"{value:,.{digits}g}"
    return str(value)


def report_text(report: SensitivityReport) -> str:
    """The terminal text: ranking first, then the binding constraints."""
    objective = (
        _("total cost (minimised): {amount} yuan").format(amount=f"{report.objective:,.0f}") if report.mode == "min_cost"
        else _("weighted compound graduates (maximised): {value}").format(value=f"{report.objective:,.1f}")
    )
    lines = [
        _("Sensitivity report: {name}  [scenario: {scenario}, solver: {solver}]").format(
            name=report.name, scenario=report.scenario, solver=report.solver),
        _("objective, {objective}").format(objective=objective),
    ]
    lines.extend(_("note: {text}").format(text=n) for n in report.notes)
    lines.append("\n" + _("What each binding limit is worth, per step within the range where its rate holds (money first, "
                          "then by size):"))
    if report.ranking.empty:
        lines.append("  " + _("no limit a planner sets is binding"))
    for number, statement in enumerate(report.ranking["statement"].head(RANKED_SHOWN), start=1):
        lines.append(f"  {number:>3}. {statement}")
    if len(report.ranking) > RANKED_SHOWN:
        lines.append("  " + _("... {count} more (all of them: --out DIR or --json)").format(
            count=len(report.ranking) - RANKED_SHOWN))
    binding = report.binding()
    lines.append("\n" + _("Binding constraints ({count}; shadow price = change in the objective per unit increase of the "
                          "limit):").format(count=len(binding)))
    table = pd.DataFrame(
        {
            _("constraint"): binding["name"],
            _("where"): [", ".join(x for x in (str(i), fmt(y)) if x) for i, y in zip(binding["institution"], binding["year"])],
            _("final value"): [fmt(v) for v in binding["final_value"]],
            _("shadow price"): [fmt(v) for v in binding["shadow_price"]],
            _("rhs"): [fmt(v) for v in binding["rhs"]],
            _("allowable increase"): [fmt(v) for v in binding["allowable_increase"]],
            _("allowable decrease"): [fmt(v) for v in binding["allowable_decrease"]],
        }
    )
    if not table.empty:
        shown_rows = table.head(TEXT_ROWS).to_string(index=False)
        lines.extend("  " + line for line in shown_rows.splitlines())
    if len(table) > TEXT_ROWS:
        lines.append("  " + _("... {count} more (all constraints and variables: --out DIR or --json)").format(
            count=len(table) - TEXT_ROWS))
    return "\n".join(lines)


def write_report(report: SensitivityReport, directory: Path) -> list[Path]:
    """Write the three CSV files into ``directory`` (each whole or not at all)."""
    from ..report.files import write_all

    return write_all(directory, report.files())
