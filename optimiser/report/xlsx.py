"""The Excel workbook a budget officer passes upward.

One table per sheet: Summary, Plan, Funding, Outputs, Bottlenecks,
Constraints, Sensitivity (constraint ranging, as in Excel's Sensitivity
Report), Sensitivity variables, Ranking (what one more unit of each limit
buys, in planner words) and Comparison. Every sheet has its header on row 1
(frozen, with an autofilter over the table), yuan (``#,##0``) and percent
number formats and column widths that fit the content; the Summary says
what each sheet holds and in which units. With the header on row 1 a sheet
reads back as it is: ``pandas.read_excel(path, sheet_name="Plan")``, and the
Plan sheet, edited, is a plan ``optimiser evaluate --plan`` accepts.

Text from configs (institution, scenario, lever names) is stored as text
cells with Excel's quote prefix, so a name such as ``=HYPERLINK(...)`` stays
a name and never becomes a formula.

>>> from optimiser import load_config, solve
>>> from optimiser.report.xlsx import write_xlsx
>>> result = solve(load_config("configs/zhejiang.yaml"))
>>> write_xlsx("report.xlsx", result)  # doctest: +SKIP
PosixPath('report.xlsx')
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..i18n import N_, _, chinese
from ..i18n.headers import PER_MILLION, SHEETS, header, sheet_title
from ..i18n.words import COURSE_NO, unit_words
from ..model.rows import MONEY_KINDS, kind_label
from .files import formula_like, workbook_writer, write_atomic
from .findings import bottleneck_lines, comparison_frame, key_figures, next_million_lines, plan_verdict
from .inert import xlsx_text

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from ..results import Result

YUAN = "#,##0"
PERCENT = "0.0%"
COUNT = "#,##0.0"
UNITS = "#,##0.00"
PRICE = "0.000000"
MONEY_RATE = "#,##0.00"
"""What a million yuan more buys (graduates per million yuan): shadow prices of money limits scaled up."""
PER_YUAN = "0.000000000"
"""A shadow price per yuan, written out in full rather than as 3.3256E-05."""
LINE_HEIGHT = 15.0
"""Points per line of a wrapped cell: row heights are set so that wrapped text shows whole in print."""
GENERAL = "General"
UNLIMITED = N_("unlimited")

"""Constraint kinds whose limit, activity and slack are yuan."""



MIN_WIDTH, MAX_WIDTH = 8, 70
WRAP_WIDTH = 90
"""Columns of wrapped text (findings, statements) are this wide: a key figure's name fits on one line."""

CellFormat = str | Callable[[int], str]
"""A number format for a whole column, or one chosen per data row (0-based)."""


@dataclass
class Table:
    """A DataFrame, what it holds (``title``, listed on the Summary) and number formats for its columns."""

    title: str
    frame: pd.DataFrame
    formats: dict[str, CellFormat] = field(default_factory=dict)
    wrap: Sequence[str] = ()


def write_xlsx(path: str | Path, result: Result, sensitivity: Any = None, comparison: Any = None) -> Path:
    """Write the workbook for ``result`` to ``path`` atomically and return the path.

    ``sensitivity`` is an :func:`optimiser.sensitivity.sensitivity` report of
    ``result`` and ``comparison`` an :func:`optimiser.compare.compare` result;
    either may be ``None`` (its sheets then say why they are empty).

    >>> write_xlsx("report.xlsx", result, sensitivity(result))  # doctest: +SKIP
    PosixPath('report.xlsx')
    """
    book = workbook(result, sensitivity, comparison)
    return write_atomic(Path(path), workbook_writer(book))


def workbook(result: Result, sensitivity: Any = None, comparison: Any = None) -> Workbook:
    """The report as an :class:`openpyxl.Workbook` (not yet saved)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    tables = {
        "Plan": plan_table(result),
        "Funding": funding_table(result),
        "Outputs": outputs_table(result),
        "Bottlenecks": bottlenecks_table(result),
        "Teachers": teachers_table(result),
        "Commitments": commitments_table(result),
        "Constraints": constraints_table(result),
        "Sensitivity": sensitivity_constraints_table(sensitivity),
        "Sensitivity variables": sensitivity_variables_table(sensitivity),
        "Ranking": ranking_table(sensitivity),
        "Comparison": comparison_table(comparison),
    }
    contents = [(sheet_title(name), table.title) for name, table in tables.items()]
    tables["Summary"] = summary_table(result, sensitivity, comparison, contents)
    for name in SHEETS:
        put_table(book.create_sheet(sheet_title(name)), tables[name])
    book.properties.title = xlsx_text(result.summary.get("name") or _("plan report"))
    book.properties.creator = "optimiser"
    return book


# ----------------------------------------------------------------- cells


def cell_value(value: Any) -> Any:
    """A Python value openpyxl stores as-is: numbers, text, booleans or empty.

    NaN and missing values become empty cells; infinite values (unlimited
    allowable ranges) become the word ``unlimited``, not 1E+30.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        if math.isnan(number):
            return None
        if math.isinf(number):
            return _(UNLIMITED) if number > 0 else f"-{_(UNLIMITED)}"
        return number
    return str(value)


def put(ws: Worksheet, row: int, column: int, value: Any, number_format: str | None = None) -> None:
    """Write one cell; text is always a text cell, never a formula."""
    cell = ws.cell(row=row, column=column)
    value = cell_value(value)
    if isinstance(value, str):
        # Control characters cannot be stored in the file format at all.
        cell.value = xlsx_text(value)
        cell.data_type = "s"  # openpyxl reads a leading "=" as a formula: undo that
        if formula_like(value):
            cell.quotePrefix = True
    else:
        cell.value = value
        if number_format and value is not None and not isinstance(value, bool):
            cell.number_format = number_format


def _display_width(value: Any, number_format: str | None) -> int:
    if value is None:
        return 0
    if isinstance(value, float):
        if number_format == PERCENT:
            return len(f"{value:.1%}")
        if number_format == YUAN:
            return len(f"{value:,.0f}")
        if number_format in (COUNT, UNITS):
            return len(f"{value:,.2f}")
        return min(len(f"{value:.6g}"), 12)
    return len(str(value))


def put_table(ws: Worksheet, table: Table) -> None:
    """Header in row 1 (frozen, with an autofilter), data below.

    The header is on the first row so that ``pandas.read_excel`` and
    ``optimiser evaluate --plan`` read a sheet as it is; what each sheet
    holds is said on the Summary sheet.
    """
    from openpyxl.utils import get_column_letter

    frame = table.frame
    columns = [str(c) for c in frame.columns] or ["(empty)"]
    widths = _put_header(ws, frame)
    for j, column in enumerate(frame.columns, start=1):
        width = _put_column(ws, table, j, column)
        widths[j - 1] = max(widths[j - 1], width)
    final = [max(MIN_WIDTH, min(WRAP_WIDTH if str(column) in table.wrap else MAX_WIDTH, width))
             for column, width in zip(columns, widths)]
    for j, width in enumerate(final, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    _fit_wrapped_rows(ws, table, final)
    last_row = max(1, len(frame) + 1)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last_row}"
    ws.freeze_panes = "A2"
    page_setup(ws)


def _put_header(ws: Worksheet, frame: pd.DataFrame) -> list[int]:
    """The bold, shaded header row; returns the width each header needs."""
    from openpyxl.styles import Font, PatternFill

    from .layout import display_width

    header_fill = PatternFill("solid", fgColor="DDE6EE")
    headers = [header(str(c)) for c in frame.columns] if len(frame.columns) else [_("(empty)")]
    for j, name in enumerate(headers, start=1):
        put(ws, 1, j, name)
        cell = ws.cell(row=1, column=j)
        cell.font = Font(bold=True)
        cell.fill = header_fill
    return [display_width(h) + 3 for h in headers]


def _put_column(ws: Worksheet, table: Table, j: int, column: Any) -> int:
    """The data of column ``j`` below the header; returns the width its widest value needs."""
    from openpyxl.styles import Alignment

    # A row's other cells beside a wrapped one start on its first line.
    alignment = Alignment(wrap_text=True, vertical="top") if str(column) in table.wrap else \
        Alignment(vertical="top") if table.wrap else None
    fmt = table.formats.get(str(column))
    width = 0
    for i, value in enumerate(table.frame.iloc[:, j - 1].tolist()):
        number_format = fmt(i) if callable(fmt) else fmt
        put(ws, i + 2, j, value, number_format)
        if alignment is not None:
            ws.cell(row=i + 2, column=j).alignment = alignment
        width = max(width, _display_width(cell_value(value), number_format) + 2)
    return width


def _fit_wrapped_rows(ws: Worksheet, table: Table, widths: list[int]) -> None:
    """Rows tall enough that their wrapped text shows whole in print."""
    frame = table.frame
    wrapped = [j for j, column in enumerate(frame.columns) if str(column) in table.wrap]
    for i in range(len(frame)):
        lines = max((_wrapped_lines(frame.iat[i, j], widths[j]) for j in wrapped), default=1)
        if lines > 1:
            ws.row_dimensions[i + 2].height = LINE_HEIGHT * lines


def page_setup(ws: Worksheet) -> None:
    """Print on A4 landscape, one page wide (as many pages long as needed), the header row on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.center.text = _("&A, page &P of &N")


def _wrapped_lines(value: Any, width: float) -> int:
    """Lines a wrapped cell of ``width`` characters takes (a Chinese character counts two)."""
    from .layout import display_width

    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    if not text:
        return 1
    usable = max(1.0, width - 1.5)
    return sum(max(1, math.ceil(display_width(part) / usable)) for part in text.split("\n"))


# ----------------------------------------------------------------- sheets


def summary_table(
    result: Result, sensitivity: Any = None, comparison: Any = None, contents: Sequence[tuple[str, str]] = ()
) -> Table:
    """Findings first (verdict, next million, bottlenecks), then the key figures, then what each sheet holds."""
    rows: list[tuple[str, str, Any, str]] = []
    results = list(getattr(comparison, "results", []) or [])
    for line in plan_verdict(results):
        rows.append((_("which plan is better"), line, None, ""))
    for line in next_million_lines(sensitivity):
        rows.append((_("what the next unit buys"), line, None, ""))
    for line in bottleneck_lines(result):
        rows.append((_("where the \"three no\" bind"), line, None, ""))
    for d in result.diagnosis:
        rows.append((_("why there is no plan"), d.message, None, ""))
    for item, value, unit in key_figures(result):
        rows.append((_("key figures"), item, value, unit))
    for note in result.summary.get("notes", []):
        rows.append((_("note"), str(note), None, ""))
    if sensitivity is not None and getattr(sensitivity, "note", None):
        rows.append((_("note"), str(sensitivity.note), None, ""))
    for warning in result.summary.get("warnings", []):
        rows.append((_("warning"), str(warning), None, ""))
    for name, title in contents:
        rows.append((_("sheet {name}").format(name=name), title, None, ""))
    frame = pd.DataFrame(rows, columns=["section", "finding", "value", "unit"])
    units = frame["unit"].tolist()
    formats: dict[str, CellFormat] = {"value": lambda i: {"yuan": YUAN, "share": PERCENT}.get(units[i], COUNT)}
    frame["unit"] = [unit_words(unit) for unit in units]
    return Table(_("the findings, the key figures and what each sheet holds"), frame, formats, wrap=("finding",))


def plan_table(result: Result) -> Table:
    return Table(
        _("units of each lever started per institution, tier (subsidies) and year; cost in yuan over the horizon"),
        result.plan, {"units": UNITS, "cost": YUAN},
    )


def funding_table(result: Result) -> Table:
    return Table(_("yuan each source pays for each lever and year"), result.funding, {"amount": YUAN})


def outputs_table(result: Result) -> Table:
    frame = result.outputs.copy()
    total = frame["compound"] + frame["single_skill"]
    frame["compound_share"] = (frame["compound"] / total.where(total > 0)).astype(float)
    return Table(
        _("students enrolled, compound and single-skill graduates per year; compound share of graduates"),
        frame, {"enrolled": COUNT, "compound": COUNT, "single_skill": COUNT, "compound_share": PERCENT},
    )


def teachers_table(result: Result) -> Table:
    return Table(
        _("teachers of each group by institution and year: with the plan, and with no plan (baseline, after turnover)"),
        result.teachers, {"teachers": COUNT, "baseline": COUNT},
    )


def commitments_table(result: Result) -> Table:
    return Table(
        _("yuan the plan binds after the horizon: subsidies still due, contracts and bases still running "
          "(due_per_year: every year, for bases with no end of life)"),
        result.commitments, {"units": UNITS, "due": YUAN, "due_per_year": YUAN},
    )


def bottlenecks_table(result: Result) -> Table:
    frame = result.bottlenecks
    if chinese() and "binding" in frame:
        frame = frame.copy()
        frame["binding"] = [_binding_words(text) for text in frame["binding"]]
        if "scarce" in frame:
            frame["scarce"] = scarce_words(result)
    return Table(
        _("which \"no\" binds at each institution and year (shadow prices in objective units per hour)"),
        frame,
        {"knowledge_price": PRICE, "practice_price": PRICE, "training_price": PRICE},
    )


def scarce_words(result: Result) -> list[str]:
    """The Bottlenecks table's ``scarce`` column in the current language, from the result's constraints
    (:func:`optimiser.results.scarce_resources`): the one scarce resource of each row, or ``""``."""
    from ..results import scarce_resources

    found = scarce_resources(result.config, result.constraints)
    table = result.bottlenecks
    return [found[key].words() if (key := (inst, int(year))) in found else ""
            for inst, year in zip(table["institution"], table["year"])]


def _binding_words(text: Any) -> Any:
    """The "no"s a bottleneck row says bind (``"no practical experience; no practical-training skill"`` or
    ``"none"``), in the current language."""
    if text == "none":
        return _("none")
    if not isinstance(text, str) or not text:
        return text
    known = set(COURSE_NO.values())
    return _("; ").join(_(part) if part in known else part for part in text.split("; "))


def with_names(frame: pd.DataFrame, kinds: Sequence[str]) -> pd.DataFrame:
    """``frame`` with its ``name`` column, one limit per row of kind ``kinds[i]``, in the current language.

    A Chinese workbook names each limit as the terminal text does (:func:`~optimiser.model.rows.kind_label`
    of its kind and ``detail``); an English one keeps the names as the CSV files have them, and so does a
    table whose kinds are not known.
    """
    if not chinese() or "name" not in frame or len(kinds) != len(frame) or frame.empty:
        return frame
    out = frame.copy()
    details = out["detail"].tolist() if "detail" in out else [None] * len(out)
    out["name"] = [kind_label(kind, detail) for kind, detail in zip(kinds, details)]
    return out


def constraints_table(result: Result) -> Table:
    frame = result.constraints
    kinds = frame["kind"].tolist() if "kind" in frame else []
    frame = with_names(frame, kinds)

    def amount(i: int) -> str:
        return YUAN if kinds[i] in MONEY_KINDS else UNITS

    money = [kind in MONEY_KINDS for kind in kinds]
    return Table(
        _("limit, activity and slack in planner units (yuan for funding rows); "
          "shadow price = change in the objective per unit increase of the limit; for money limits also per "
          "million yuan (graduates, or yuan, per million yuan more)"),
        with_money_rate(frame, money),
        {"limit": amount, "activity": amount, "slack": amount, "shadow_price": lambda i: PER_YUAN if money[i] else GENERAL,
         PER_MILLION: MONEY_RATE},
    )


def with_money_rate(frame: pd.DataFrame, money: Sequence[bool]) -> pd.DataFrame:
    """``frame`` with the shadow price of each money row per million yuan beside it (empty for other rows)."""
    if "shadow_price" not in frame or frame.empty:
        return frame
    out = frame.copy()
    rate = [float(price) * 1e6 if is_money else None for price, is_money in zip(out["shadow_price"], money)]
    out.insert(list(out.columns).index("shadow_price") + 1, PER_MILLION, pd.Series(rate, index=out.index, dtype=object))
    return out


def _missing(why: str) -> Table:
    return Table(_(why), pd.DataFrame({"note": [_(why)]}))


SENSITIVITY_MISSING = N_("no sensitivity report (made only for a plan with an optimum)")


def sensitivity_constraints_table(sensitivity: Any) -> Table:
    if sensitivity is None:
        return _missing(SENSITIVITY_MISSING)
    frame = with_names(sensitivity.constraints, getattr(sensitivity, "kinds", ()))
    scales = _row_formats(frame)
    paths = frame["config_path"].astype(str).tolist() if "config_path" in frame else []
    money = [path.startswith(("funding.", "total_budget")) for path in paths]
    frame = with_money_rate(frame, money)
    return Table(
        _("Excel's Sensitivity Report for constraints: final value, shadow price, right-hand side and its "
          "allowable increase and decrease, in planner units (yuan for funding rows); 'unlimited' has no bound"),
        frame,
        {"final_value": scales, "rhs": scales, "allowable_increase": scales, "allowable_decrease": scales,
         "shadow_price": lambda i: PER_YUAN if money[i] else GENERAL, PER_MILLION: MONEY_RATE},
    )


def _row_formats(frame: pd.DataFrame) -> Callable[[int], str]:
    """Yuan for money rows (their config path names funding or a budget), else plain numbers."""
    paths = frame["config_path"].astype(str).tolist() if "config_path" in frame else []

    def fmt(i: int) -> str:
        path = paths[i] if i < len(paths) else ""
        return YUAN if path.startswith(("funding.", "total_budget")) else UNITS

    return fmt


def sensitivity_variables_table(sensitivity: Any) -> Table:
    if sensitivity is None:
        return _missing(SENSITIVITY_MISSING)
    return Table(
        _("Excel's Sensitivity Report for decision variables: final value, reduced cost, objective coefficient "
          "and its allowable increase and decrease; 'unlimited' has no bound"),
        sensitivity.variables,
        {"final_value": UNITS, "reduced_cost": GENERAL, "objective_coefficient": GENERAL,
         "allowable_increase": GENERAL, "allowable_decrease": GENERAL},
    )


def ranking_table(sensitivity: Any) -> Table:
    if sensitivity is None:
        return _missing(SENSITIVITY_MISSING)
    from ..sensitivity.ranking import unit_label

    frame = sensitivity.ranking
    if chinese() and "unit" in frame:
        frame = frame.copy()
        frame["unit"] = [unit_label(str(unit)) for unit in frame["unit"]]
    return Table(
        _("what one more unit of each binding limit buys (or costs), in planner words, and the range "
          "of the limit over which that rate holds"),
        frame,
        {"value_per_unit": GENERAL, "valid_from": _row_formats(frame), "valid_to": _row_formats(frame)},
        wrap=("statement",),
    )


def comparison_table(comparison: Any) -> Table:
    """Inputs that differ, then one column per plan and its change against the first plan."""
    if comparison is None:
        return _missing(N_("no comparison was asked for"))
    frame, units = comparison_frame(comparison)
    plans = [str(c) for c in comparison.table.columns]

    def by_unit(i: int) -> str:
        return {"yuan": YUAN, "graduates": COUNT, "weighted graduates": COUNT}.get(units[i], GENERAL)

    formats: dict[str, CellFormat] = {}
    for j, column in enumerate(frame.columns):
        if j >= 2:
            formats[str(column)] = PERCENT if str(column).startswith("change %: ") and j >= 2 + len(plans) else by_unit
    first = plans[0] if plans else _("the first plan")
    return Table(
        _("plans side by side (inputs that differ first); changes are against {first}").format(first=first),
        frame, formats, wrap=[str(c) for c in frame.columns[2:2 + len(plans)]],
    )
