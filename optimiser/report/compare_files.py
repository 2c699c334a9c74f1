"""A comparison of plans as terminal text, CSV files and an Excel workbook.

``compare --out DIR`` writes ``comparison.csv``, ``deltas.csv`` and
``inputs.csv``; ``compare --xlsx FILE`` a workbook with the sheets
Comparison, Deltas and Inputs. Whatever is asked for is written at once
(:func:`write_comparison`): every file or none. Names from configs can never
become spreadsheet formulas: CSV cells starting with ``= + - @`` get a
leading apostrophe (as :func:`~optimiser.report.files.safe_frame` does), workbook
cells are stored as text with Excel's quote prefix.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..compare import HEADLINE_ROWS, NO_CHANGE, bottleneck_summary, is_numeric_key, measure_label
from ..files import output_folder, remove_made, write_each
from ..i18n import _, colon, ngettext, number
from ..i18n.words import BOTTLENECK_WORDS
from ..jsonrule import jsonable
from .files import Writer, formula_like, neutralise, workbook_writer, write_all, write_atomic, write_csv
from .findings import plan_verdict
from .inert import xlsx_text

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from ..compare import Comparison
    from ..results import Result

YUAN_FORMAT = "#,##0"
COUNT_FORMAT = "#,##0.0"
YUAN_DELTA_FORMAT = "+#,##0;-#,##0;0"
COUNT_DELTA_FORMAT = "+#,##0.0;-#,##0.0;0.0"
MIN_WIDTH, MAX_WIDTH = 8, 60
CSV_FILES = ("comparison.csv", "deltas.csv", "inputs.csv")


# -- frames with labels ---------------------------------------------------------

def labelled(comparison: Comparison, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (indexed by measure) with the columns measure, key and unit in front."""
    keys = dict(zip(comparison.table.index, comparison.keys))
    out = frame.copy()
    out.insert(0, "unit", [comparison.units.get(keys[m], "") for m in frame.index], allow_duplicates=True)
    out.insert(0, "key", [keys[m] for m in frame.index], allow_duplicates=True)
    return out.reset_index()


def comparison_files(comparison: Comparison) -> dict[str, Writer]:
    """The CSV files of ``compare --out``."""
    return {
        "comparison.csv": _csv(labelled(comparison, comparison.table)),
        "deltas.csv": _csv(labelled(comparison, comparison.deltas)),
        "inputs.csv": _csv(comparison.inputs),
    }


def write_comparison_csv(directory: str | Path, comparison: Comparison) -> list[Path]:
    """Write the three CSV files into ``directory`` atomically."""
    return write_all(Path(directory), comparison_files(comparison))


def _csv(frame: pd.DataFrame) -> Writer:
    def write(path: Path) -> None:
        write_csv(text_safe(frame), path)

    return write


def text_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells and headers cannot start a formula, numbers left as they are.

    Like :func:`~optimiser.report.files.safe_frame`, cell by cell, so a column
    mixing whole numbers and missing values keeps ``24000`` (not ``24000.0``).
    """
    columns = [
        pd.Series([neutralise(v) for v in frame.iloc[:, i].tolist()], dtype=object) for i in range(frame.shape[1])
    ]
    out = pd.concat(columns, axis=1, ignore_index=True) if columns else pd.DataFrame(index=range(len(frame)))
    out.columns = [neutralise(str(c)) for c in frame.columns]
    return out


# -- the workbook -------------------------------------------------------------------

def write_comparison(
    comparison: Comparison, directory: str | Path | None = None, xlsx: str | Path | None = None,
) -> list[Path]:
    """The CSV files into ``directory`` and the workbook to ``xlsx`` (either may be None), all or none.

    Every file is written to a temporary name first and only when all are
    finished are they moved into place together, so a workbook that cannot
    be written leaves the folder's earlier files as they were (see
    :func:`optimiser.files.write_each`).
    """
    files: list[tuple[Path, Writer]] = []
    made: list[Path] = []
    if directory is not None:
        folder, made = output_folder(directory)
        files += [(folder / name, writer) for name, writer in comparison_files(comparison).items()]
    if xlsx is not None:
        files.append((Path(xlsx), comparison_workbook(comparison)))
    try:
        return write_each(files)
    except BaseException:
        remove_made(made)  # a folder made for this run holds nothing of it
        raise


def write_comparison_xlsx(path: str | Path, comparison: Comparison) -> Path:
    """Write the workbook (:func:`comparison_workbook`) to ``path`` atomically."""
    return write_atomic(Path(path), comparison_workbook(comparison))


def comparison_workbook(comparison: Comparison) -> Writer:
    """The workbook of ``compare --xlsx``: sheets Comparison, Deltas, Inputs.

    Every sheet has a bold, frozen header row, an autofilter, yuan
    (``#,##0``) and graduate (``#,##0.0``) number formats by row and column
    widths that fit the content.
    """
    from openpyxl import Workbook

    def write(target: Path) -> None:
        book = Workbook()
        sheet = book.active
        sheet.title = _("Comparison")
        table = labelled(comparison, comparison.table)
        add_frame(sheet, _for_reader(table), row_formats=[_format(u) for u in table["unit"]], freeze="D2")
        deltas = labelled(comparison, comparison.deltas)
        delta_formats = [_format(u, delta=True) for u in deltas["unit"]]
        add_frame(book.create_sheet(_("Deltas")), _for_reader(deltas), row_formats=delta_formats, freeze="D2")
        add_frame(book.create_sheet(_("Inputs")), _for_reader(comparison.inputs), freeze="B2")
        workbook_writer(book)(target)

    return write


def _for_reader(frame: pd.DataFrame) -> pd.DataFrame:
    """A workbook sheet in the reader's language: measures, units and headers (in English as the CSV names
    them; the ``key`` column keeps the identifiers programs read)."""
    from ..compare import measure_label
    from ..i18n import chinese
    from ..i18n.words import unit_words
    from .xlsx import header

    if not chinese():
        return frame
    out = frame.copy()
    if "measure" in out.columns and "key" in out.columns:
        out["measure"] = [measure_label(key, label) for key, label in zip(out["key"], out["measure"])]
    if "unit" in out.columns:
        out["unit"] = [unit_words(unit) for unit in out["unit"]]
    return out.rename(columns={column: header(str(column)) for column in out.columns})


def _format(unit: str, delta: bool = False) -> str:
    if unit == "yuan":
        return YUAN_DELTA_FORMAT if delta else YUAN_FORMAT
    if unit in ("graduates", "weighted graduates"):
        return COUNT_DELTA_FORMAT if delta else COUNT_FORMAT
    return "General"


def add_frame(sheet: Worksheet, frame: pd.DataFrame, row_formats: list[str] | None = None, freeze: str = "A2") -> None:
    """Write ``frame`` into ``sheet``: header row, values, formats, filter and widths.

    ``row_formats`` gives a number format per data row (applied to numeric
    cells). Text cells are stored as text; one that starts like a formula
    gets Excel's quote prefix and stays text.
    """
    from openpyxl.styles import Alignment, Font

    widths = [len(str(c)) for c in frame.columns]
    for col, name in enumerate(frame.columns, start=1):
        cell = put(sheet, 1, col, str(name))
        cell.font = Font(bold=True)
    for r, row in enumerate(frame.itertuples(index=False), start=2):
        number_format = row_formats[r - 2] if row_formats else "General"
        for col, value in enumerate(row, start=1):
            cell = put(sheet, r, col, value)
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                cell.number_format = number_format
                shown = len(f"{cell.value:,.1f}")
            else:
                shown = len(str(cell.value or ""))
                if shown > MAX_WIDTH:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            widths[col - 1] = max(widths[col - 1], shown)
    from openpyxl.utils import get_column_letter

    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
    sheet.freeze_panes = freeze
    if len(frame.columns):
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{max(len(frame) + 1, 1)}"


def put(sheet: Worksheet, row: int, col: int, value: Any) -> Any:
    """Set one cell: numbers as numbers, missing as empty, everything else as text."""
    cell = sheet.cell(row=row, column=col)
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        cell.value = None
    elif isinstance(value, bool):
        cell.value = value
    elif isinstance(value, (int, float)) or hasattr(value, "dtype"):
        number = value.item() if hasattr(value, "item") else value
        if isinstance(number, float) and not math.isfinite(number):
            cell.value = None
        else:
            cell.value = number
    else:
        text = str(value)
        cell.value = xlsx_text(text)
        cell.data_type = "s"
        if formula_like(text):
            cell.quotePrefix = True
    return cell


# -- terminal text ---------------------------------------------------------------------

def _no_change(value: float, unit: str) -> bool:
    """A change below half a yuan, or a millionth of a graduate, is tie-break noise."""

    return abs(value) < NO_CHANGE.get(unit, 1e-9)


def _description_lines(comparison: Comparison) -> list[str]:
    """Each plan with what it is: its scenario's description, or the config's name."""
    lines = []
    none = _("(no description)")
    for name, result in comparison.results:
        config = result.config
        text = ""
        if config is not None and config.scenario_name and config.scenario_name in config.scenarios:
            text = config.scenarios[config.scenario_name].description
        elif config is not None and not config.scenario_name:
            text = _("{name}, no scenario applied").format(name=config.name)
        lines.append(f"  {name}{colon()}{text or none}")
    return [_("plans:"), *lines, ""] if lines else []


def _cell(value: Any, unit: str, delta: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if delta and isinstance(value, (int, float)) and _no_change(float(value), unit):
        return _("no change")
    if isinstance(value, (int, float)):
        return number(float(value), 0 if unit == "yuan" else 1, sign=delta)
    return str(value)


def _input(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return f"{value:,.6g}" if isinstance(value, float) and not value.is_integer() else f"{int(value):,}"


def grid(header: list[str], rows: list[list[str]]) -> str:
    """A plain text table: first column left-aligned, the others right-aligned, by display width."""
    from .layout import grid as lines

    return "\n".join(lines(header, rows))


def comparison_text(comparison: Comparison) -> str:
    """The terminal view of ``compare``: values, changes, inputs that differ, bottlenecks, diagnoses."""
    names = comparison.names
    lines = [ngettext("Comparison of {count} plan (changes are against {first})",
                      "Comparison of {count} plans (changes are against {first})", len(names)).format(
        count=len(names), first=names[0]), ""]
    lines.extend(_description_lines(comparison))
    lines.extend(_verdict_lines(comparison))
    lines.append(_values_grid(comparison))
    if len(names) > 1:
        lines.extend(_change_lines(comparison))
        lines.extend(_differing_input_lines(comparison))
    lines.append("\n" + _('which "no" binds where:'))
    lines.extend(_binding_lines(comparison) or ["  " + _("nowhere")])
    lines.extend(_no_optimum_lines(comparison))
    return "\n".join(lines)


def _verdict_lines(comparison: Comparison) -> list[str]:
    verdict = plan_verdict(comparison.results)
    if not verdict:
        return []
    return [_("verdict:"), *(f"  {line}" for line in verdict), ""]


def _values_grid(comparison: Comparison) -> str:
    """Every measure of every plan, leaving bottlenecks and diagnoses to their own sections."""
    table = comparison.table
    rows = [
        [measure_label(key, str(label)), *[_cell(v, comparison.units.get(key, "")) for v in table.loc[label].tolist()]]
        for label, key in zip(table.index, comparison.keys)
        if not (key.startswith("bottleneck.") or key == "diagnosis")
    ]
    return grid(["", *comparison.names], rows)


def _change_lines(comparison: Comparison) -> list[str]:
    """The numbers that change against the first plan, beyond tie-break noise."""
    names = comparison.names
    changed = []
    for label, key in zip(comparison.table.index, comparison.keys):
        if not is_numeric_key(key):
            continue
        values = comparison.deltas.loc[label].tolist()
        unit = comparison.units.get(key, "")
        if any(isinstance(v, float) and not math.isnan(v) and not _no_change(v, unit) for v in values[1:]):
            changed.append([measure_label(key, str(label)), *[_cell(v, unit, delta=True) for v in values[1:]]])
    return [
        "\n" + _("change from {first}:").format(first=names[0]),
        grid(["", *names[1:]], changed) if changed else "  " + _("no number differs"),
    ]


def _differing_input_lines(comparison: Comparison) -> list[str]:
    names = comparison.names
    heading = "\n" + _("inputs that differ:")
    if comparison.inputs.empty:
        return [heading, "  " + _("none (the configs give the same inputs)")]
    rows = [[str(r["key"]), *[_input(r[n]) for n in names]] for _, r in comparison.inputs.iterrows()]
    from .xlsx import header

    return [heading, grid([header("key"), *names], rows)]


def _binding_lines(comparison: Comparison) -> list[str]:
    """Each plan's bottlenecks that bind somewhere, one line per kind and plan, in the reader's language."""
    summaries = [bottleneck_summary(result, local=True) for _name, result in comparison.results]
    binds: list[str] = []
    for kind, words in BOTTLENECK_WORDS.items():
        binds.extend(
            "  " + _("{plan}: {what}: {where}").format(plan=name, what=_(words), where=summary[kind])
            for name, summary in zip(comparison.names, summaries, strict=True)
            if summary.get(kind, "") not in ("", _("none"))
        )
    return binds


def _no_optimum_lines(comparison: Comparison) -> list[str]:
    """Each plan without an optimum, with its diagnosis."""
    lines: list[str] = []
    for name, result in comparison.results:
        if not result.ok:
            lines.append(f"\n{name}{colon()}{result.status.value}")
            lines.extend(f"  - {d.message}" for d in result.diagnosis)
    return lines


# -- JSON ------------------------------------------------------------------------

def comparison_dict(comparison: Comparison) -> dict[str, Any]:
    """The JSON object of ``compare --json``: plans in order, then the inputs that differ."""
    numeric = [key for key in comparison.keys if is_numeric_key(key)]
    plans = []
    for name, result in comparison.results:
        delta = {key: jsonable(comparison.delta(key)[name]) for key in numeric}
        plans.append({**plan_dict(name, result), "delta": delta})
    inputs = [
        {"key": row["key"], "values": {name: jsonable(row[name]) for name in comparison.names}}
        for _, row in comparison.inputs.iterrows()
    ]
    return {"plans": plans, "inputs_that_differ": inputs}


def plan_dict(name: str, result: Result) -> dict[str, Any]:
    """One plan of ``compare --json``."""
    def totals(values: dict[str, dict[int, float]]) -> dict[str, float]:
        return {tier: float(sum(years.values())) for tier, years in values.items()}

    compound = result.compound_output()
    single = result.single_skill_output()
    return {
        "name": name,
        "scenario": result.summary.get("scenario"),
        "config": str(result.config.source) if result.config is not None and result.config.source else None,
        "mode": result.summary.get("mode"),
        "status": result.status.value,
        "objective": jsonable(result.objective),
        "total_cost": jsonable(result.total_cost),
        **{key: jsonable(result.summary.get(key)) if result.ok else None for key, _label, _unit in HEADLINE_ROWS},
        "compound_output": totals(compound),
        "compound_output_by_year": {tier: {str(y): v for y, v in years.items()} for tier, years in compound.items()},
        "single_skill_output": totals(single),
        "single_skill_output_by_year": {tier: {str(y): v for y, v in years.items()} for tier, years in single.items()},
        "spend_by_lever": result.spend_by_lever(),
        "spend_by_source": result.spend_by_source(),
        "bottlenecks": bottleneck_summary(result),
        "diagnosis": [
            {"config_path": d.config_path, "message": d.message, "institution": d.institution, "year": d.year}
            for d in result.diagnosis
        ],
    }
