"""A :class:`~optimiser.sensitivity.SensitivityReport` shown: terminal text, JSON and the CSV files of ``sensitivity --out``."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..i18n import _, money, place_and_year
from ..jsonrule import UNLIMITED, jsonable
from ..model.rows import kind_label
from .analysis_text import table_text
from .files import Writer, csv_writer, write_all

if TYPE_CHECKING:
    from ..sensitivity.report import SensitivityReport

RANGE_COLUMNS = ("allowable_increase", "allowable_decrease", "valid_from", "valid_to")
TEXT_ROWS = 25
RANKED_SHOWN = 30
FILES = ("sensitivity_constraints.csv", "sensitivity_variables.csv", "sensitivity_ranking.csv")


def report_dict(report: SensitivityReport) -> dict[str, Any]:
    """``{"constraints": [...], "variables": [...], "ranking": [...], "note": ...}``, by :mod:`optimiser.jsonrule`."""
    return {
        "constraints": records(report.constraints),
        "variables": records(report.variables),
        "ranking": records(report.ranking),
        "note": report.note,
    }


def report_files(report: SensitivityReport) -> dict[str, Writer]:
    """The CSV files ``sensitivity --out`` writes, for :func:`optimiser.report.files.write_all`."""
    frames = (report.constraints, report.variables, report.ranking)
    return {name: csv_writer(shown(frame)) for name, frame in zip(FILES, frames)}


def write_report(report: SensitivityReport, directory: Path) -> list[Path]:
    """Write the three CSV files into ``directory`` (each whole or not at all)."""
    return write_all(directory, report_files(report))


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
    return "\n".join([*_heading_lines(report), *_ranking_lines(report), *_binding_lines(report)])


def _heading_lines(report: SensitivityReport) -> list[str]:
    """The report's title, its objective and its notes."""
    objective = (
        _("total cost (minimised): {amount}").format(amount=money(report.objective)) if report.mode == "min_cost"
        else _("weighted compound graduates (maximised): {value}").format(value=f"{report.objective:,.1f}")
    )
    lines = [
        _("Sensitivity report: {name}  [scenario: {scenario}, solver: {solver}]").format(
            name=report.name, scenario=report.scenario, solver=report.solver),
        _("objective, {objective}").format(objective=objective),
    ]
    lines.extend(_("note: {text}").format(text=n) for n in report.notes)
    return lines


def _ranking_lines(report: SensitivityReport) -> list[str]:
    """The first :data:`RANKED_SHOWN` ranked statements, numbered."""
    lines = ["\n" + _("What each binding limit is worth, per step within the range where its rate holds (money first, "
                      "then by size):")]
    if report.ranking.empty:
        lines.append("  " + _("no limit a planner sets is binding"))
    for number, statement in enumerate(report.ranking["statement"].head(RANKED_SHOWN), start=1):
        lines.append(f"  {number:>3}. {statement}")
    if len(report.ranking) > RANKED_SHOWN:
        lines.append("  " + _("... {count} more (all of them: --out DIR or --json)").format(
            count=len(report.ranking) - RANKED_SHOWN))
    return lines


def _names(report: SensitivityReport, binding: pd.DataFrame) -> list[str]:
    """The names of the ``binding`` rows of ``report.constraints`` in the current language."""
    if not report.kinds:
        return binding["name"].tolist()
    return [kind_label(report.kinds[row], detail) for row, detail in zip(binding.index, binding["detail"])]


def _binding_lines(report: SensitivityReport) -> list[str]:
    """The first :data:`TEXT_ROWS` binding constraints as a table, with their shadow prices and ranges."""
    binding = report.binding()
    lines = ["\n" + _("Binding constraints ({count}; shadow price = change in the objective per unit increase of the "
                      "limit):").format(count=len(binding))]
    table = pd.DataFrame(
        {
            _("constraint"): _names(report, binding),
            _("where"): [place_and_year(str(i), fmt(y)) for i, y in zip(binding["institution"], binding["year"])],
            _("final value"): [fmt(v) for v in binding["final_value"]],
            _("shadow price"): [fmt(v) for v in binding["shadow_price"]],
            _("rhs"): [fmt(v) for v in binding["rhs"]],
            _("allowable increase"): [fmt(v) for v in binding["allowable_increase"]],
            _("allowable decrease"): [fmt(v) for v in binding["allowable_decrease"]],
        }
    )
    if not table.empty:
        shown_rows = table_text(table.head(TEXT_ROWS), index=False)
        lines.extend("  " + line for line in shown_rows.splitlines())
    if len(table) > TEXT_ROWS:
        lines.append("  " + _("... {count} more (all constraints and variables: --out DIR or --json)").format(
            count=len(table) - TEXT_ROWS))
    return lines
