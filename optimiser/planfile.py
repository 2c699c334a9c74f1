"""Read a hand-made plan (CSV or XLSX) and check it against a config.

A plan file has the columns of the ``plan.csv`` that ``optimiser solve
--out`` writes: ``lever``, ``institution``, ``tier``, ``year``, ``units``.
``tier`` is left empty except for tuition-subsidy levers (and the column may
be left out when no row needs it). Rows left out mean zero units; extra
columns (``kind``, ``cost``) are ignored. Every problem is reported at once,
each with the file, the row, the column, the value found and the fix.
"""

from __future__ import annotations

import csv
import io
import math
import re
import warnings
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from .config.checker import choices
from .config.types import Config
from .config.yamlsource import InputRefused, read_input
from .errors import PlanError, PlanNote  # noqa: F401  (PlanNote: importable from here too)
from .files import unguard
from .i18n import N_, _, ngettext, series
from .i18n.headers import english_column, plan_sheet_names
from .i18n.inputs import UndecodableInput, decode_input, is_total_label, parse_number
from .model import PlanKey

REQUIRED = ("lever", "institution", "year", "units")
COLUMNS = ("lever", "institution", "tier", "year", "units")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
PROBLEMS_SHOWN = 20
PROBLEMS_LIMIT = 100
"""Checking a plan stops after this many problems (a file of junk would give millions)."""
MAX_PLAN_BYTES = 50 * 1024 * 1024
"""A plan file larger than this is refused unread."""
MAX_WORKBOOK_UNPACKED = 200 * 1024 * 1024
"""A workbook whose parts unpack to more than this is refused unopened."""
MAX_UNITS = 1e9
"""More units than this in one row is not a plan (lecturers, secondments, seats, places)."""


def read_plan(path: str | PathLike[str], config: Config) -> dict[PlanKey, float]:
    """Read a plan file into ``{(lever, institution, tier, year): units}``.

    CSV (UTF-8, header on line 1) or Excel (the visible sheet named ``Plan``,
    or ``行动方案`` in a workbook written in Chinese, if there is one, else the
    first visible sheet, with a :class:`PlanNote` naming it when there were
    others; a hidden sheet is never read); header on row 1, in English or as a
    Chinese workbook heads it. Row numbers in messages are the file's line or
    sheet row. Raises :class:`~optimiser.PlanError` listing every problem.

    >>> from optimiser import load_config
    >>> plan = read_plan("plan.csv", load_config("configs/zhejiang.yaml"))  # doctest: +SKIP
    >>> plan[("secondments", "Higher vocational colleges", "", 2026)]  # doctest: +SKIP
    86.7
    """
    path = Path(path)
    frame = _read_table(path)
    return plan_from_frame(frame, config, source=str(path), first_row=2)


def _read_table(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise PlanError(
            _("{path}: plan file not found; give the path of a CSV or XLSX file with columns {columns}").format(
                path=path, columns=", ".join(COLUMNS))
        )
    suffix = path.suffix.lower()
    if suffix not in (*EXCEL_SUFFIXES, ".csv", ".txt", ""):
        raise PlanError(_("{path}: unsupported plan file type {suffix!r}; use .csv or .xlsx").format(path=path, suffix=suffix))
    try:
        data = read_input(path, MAX_PLAN_BYTES, N_("plan file"))
    except InputRefused as err:
        raise PlanError(f"{path}: {err.message}") from err
    if suffix in EXCEL_SUFFIXES:
        return _read_workbook(path, data)
    try:
        text, _encoding = decode_input(data, N_("plan file"))
        del data
        _check_row_widths(path, text)
        return _header_row_as_columns(pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False, index_col=False, header=None
        ))
    except UndecodableInput as err:
        raise PlanError(f"{path}:{err.line}: {err.message}") from err
    except pd.errors.EmptyDataError as err:
        raise PlanError(_("{path}: the file is empty; it needs a header row with {columns}").format(
            path=path, columns=", ".join(COLUMNS))) from err
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError, csv.Error) as err:
        raise PlanError(_("{path}: cannot read the plan file ({error}); save it as CSV (UTF-8) or XLSX").format(
            path=path, error=err)) from err


def _read_workbook(path: Path, data: bytes) -> pd.DataFrame:
    """The plan sheet of an Excel workbook, checked to be a zip of sane size before it is opened."""
    resave = _("open it in Excel and save it again as .xlsx, or save the plan as CSV (UTF-8)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
            names = set(archive.namelist())
    except Exception as err:  # zipfile raises several types for a damaged archive
        raise PlanError(_("{path}: this is not an Excel workbook (an .xlsx file is a zip archive; {error}); {fix}").format(
            path=path, error=err, fix=resave)) from err
    if "xl/workbook.xml" not in names:
        raise PlanError(_("{path}: this zip archive holds no Excel workbook (no xl/workbook.xml); {fix}").format(
            path=path, fix=resave))
    if unpacked > MAX_WORKBOOK_UNPACKED:
        raise PlanError(
            _("{path}: the workbook unpacks to more than {size} MB, far more than a plan needs; check that this is "
              "the right file, or save the plan as CSV (UTF-8)").format(path=path, size=MAX_WORKBOOK_UNPACKED // (1024 * 1024))
        )
    try:
        with pd.ExcelFile(io.BytesIO(data), engine="openpyxl") as book:
            sheet, note = _plan_sheet(path, book.book)
            frame = _header_row_as_columns(pd.read_excel(book, sheet_name=sheet, header=None, dtype=object))
            _mark_unread_cells(frame, data, book.book[sheet])
    except PlanError:
        raise
    except Exception as err:  # a damaged workbook can fail anywhere inside the reader
        raise PlanError(_("{path}: cannot read the workbook ({error}); {fix}").format(
            path=path, error=f"{type(err).__name__}: {err}", fix=resave)) from err
    if note:
        warnings.warn(PlanNote(note), stacklevel=3)
    return frame


def _plan_sheet(path: Path, book: Any) -> tuple[str, str | None]:
    """The worksheet of ``book`` (an openpyxl workbook) the plan is read from, and a note naming it when the
    workbook held others to choose from.

    Only a visible sheet is read, even one named as the plan sheet is: a hidden sheet is what its owner put
    out of sight (an old plan kept for reference, a lookup table), and the plan read must be the one on screen.
    """
    sheets = [(sheet.title, sheet.sheet_state) for sheet in book.worksheets]
    visible = [title for title, state in sheets if state == "visible"]
    named = next((name for name in plan_sheet_names() if name in visible), None)
    if named is not None:
        return named, None
    hidden = [_sheet_label(title, state) for title, state in sheets if state != "visible"]
    if not visible:
        raise PlanError(
            _("{path}: the workbook has no visible worksheet to read the plan from (hidden sheets are never read: "
              "{sheets}); unhide the sheet that holds the plan (in Excel or WPS: right-click a sheet tab > Unhide) "
              "and save the workbook, or save the plan as CSV (UTF-8)").format(
                path=path, sheets=series(hidden) or _("none"))
        )
    sheet = visible[0]
    others = [_sheet_label(title, state) for title, state in sheets if title != sheet]
    if not others:
        return sheet, None
    english, chinese = plan_sheet_names()
    return sheet, _(
        "{path}: the plan is read from the sheet {sheet!r}, the first visible one, as no visible sheet is named "
        "{english!r} or {chinese!r}; not read: {others}; to have another sheet read, make it visible and name it "
        "{english!r}"
    ).format(path=path, sheet=sheet, english=english, chinese=chinese, others=series(others))


def _sheet_label(title: str, state: str) -> str:
    """A sheet's name as a note shows it, with its state when it is not visible."""
    if state == "hidden":
        return _("{sheet!r} (hidden)").format(sheet=title)
    if state == "veryHidden":
        return _("{sheet!r} (very hidden: only the VBA editor unhides it)").format(sheet=title)
    return repr(title)


def _header_row_as_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """A table read without a header with its first row made the column names, each as written (two columns
    of one name stay two, for :func:`_column_positions` to refuse; the reader would rename the second)."""
    if len(frame) == 0:
        return frame
    header = ["" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
              for value in frame.iloc[0]]
    body = frame.iloc[1:].reset_index(drop=True)
    body.columns = pd.Index(header, dtype=object)
    return body


class _Formula(str):
    """A workbook cell holding a formula whose value the file does not store (written by a program that
    does not calculate, such as a script): its formula text, so the row's check can say so."""


class _CellError(str):
    """A workbook cell holding a spreadsheet error (``#DIV/0!``, ``#N/A``, ``#VALUE!``, ``#REF!``), as the file
    stores it: its text, so the row's check can say so (the table reader would make it an empty cell)."""


def _mark_unread_cells(frame: pd.DataFrame, data: bytes, sheet: Any) -> None:
    """Put :class:`_CellError` or :class:`_Formula` in each empty cell of ``frame`` whose cell in ``sheet``
    (the openpyxl sheet the values were read from, in the workbook ``data``) holds an error or a formula.

    The table reader makes an error cell empty. A spreadsheet program saves each formula's last value beside
    it, and that value is what the plan reads; a workbook no such program has saved holds the formula alone,
    which would otherwise read as empty too.
    """
    if not frame.isna().to_numpy().any():
        return
    formulas, errors = _holds_unread_cells(data)
    if errors:
        # The values as read, once more: an error is a value, whether typed or left by a formula.
        rows = sheet.iter_rows(min_row=2, max_row=len(frame) + 1, max_col=len(frame.columns))
        for offset, cells in enumerate(rows):
            for column, cell in enumerate(cells):
                if cell.data_type == "e" and pd.isna(frame.iat[offset, column]):
                    frame.iat[offset, column] = _CellError(cell.value)
    if not formulas or not frame.isna().to_numpy().any():
        # No formula in any sheet (a plan the tool wrote), or no empty cell left: nothing for a second reading.
        return
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        rows = book[sheet.title].iter_rows(min_row=2, max_row=len(frame) + 1, max_col=len(frame.columns),
                                           values_only=True)
        for offset, values in enumerate(rows):
            for column, value in enumerate(values):
                if isinstance(value, str) and value.startswith("=") and pd.isna(frame.iat[offset, column]):
                    frame.iat[offset, column] = _Formula(value)
    finally:
        book.close()


_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
"""A cell's formula element in a sheet's XML (``<f>``, ``<f t="shared" .../>``, or with a namespace prefix)."""

_ERROR_CELL = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*\bt\s*=\s*["']e["']""")
"""A cell of type error in a sheet's XML (``<c r="E2" t="e">``, or with a namespace prefix)."""


def _holds_unread_cells(data: bytes) -> tuple[bool, bool]:
    """Whether any worksheet of the workbook ``data`` holds a formula, and whether any holds an error cell
    (a look at its XML, without parsing it)."""
    formulas = errors = False
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name)
                formulas = formulas or bool(_FORMULA_TAG.search(xml))
                errors = errors or bool(_ERROR_CELL.search(xml))
                if formulas and errors:
                    break
    return formulas, errors


def _check_row_widths(path: Path, text: str) -> None:
    """A row with more cells than the header would shift every column; say where."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        return
    problems: list[str] = []
    for row in reader:
        if len(row) > len(header):
            problems.append(
                _("{where}: this row has {cells} cells but the header has {count} columns ({columns}); "
                  "remove the extra cells").format(where=f"{path}:{reader.line_num}", cells=len(row), count=len(header),
                                                   columns=", ".join(header))
            )
            if len(problems) >= PROBLEMS_LIMIT:
                problems.append(_("... and more; checking stopped after {count} problems, fix these first").format(
                    count=PROBLEMS_LIMIT))
                break
    if problems:
        raise PlanError("\n".join(problems))


def plan_from_frame(
    frame: pd.DataFrame, config: Config, source: str = "plan", first_row: int = 1,
    keys: Sequence[object] | None = None,
) -> dict[PlanKey, float]:
    """Check a plan table against ``config`` and return it as ``{(lever, institution, tier, year): units}``.

    ``first_row`` is the number messages give the first data row (2 for a
    file whose header is row 1); ``keys``, when given, name the rows in
    messages instead (a dict plan's keys, one per row).

    >>> frame = pd.DataFrame({"lever": ["secondments"], "institution": ["Higher vocational colleges"],
    ...                       "tier": [""], "year": [2026], "units": [12]})
    >>> plan_from_frame(frame, load_config("configs/zhejiang.yaml"))  # doctest: +SKIP
    {('secondments', 'Higher vocational colleges', '', 2026): 12.0}
    """
    positions = _column_positions(frame, source)
    checker = _RowChecker(config, source, keys, first_row)
    plan: dict[PlanKey, float] = {}
    seen: dict[PlanKey, int] = {}
    stopped = False
    for offset, record in enumerate(frame.itertuples(index=False, name=None)):
        if len(checker.problems) >= PROBLEMS_LIMIT:
            stopped = True
            break
        row = first_row + offset
        cells = _cells(record, positions, checker)
        if not any(cells.values()):
            continue
        # A total row is marked by a label that is not a name the config knows: an institution may be named Total.
        total = next((cells[name] for name in ("lever", "institution")
                      if is_total_label(cells[name]) and cells[name] not in checker.names[name]), None)
        if total is not None:
            note = _("{source}, row {row}: the row marked {total!r} is read as a total and left out").format(
                source=source, row=row, total=total)
            warnings.warn(PlanNote(note), stacklevel=2)
            continue
        unread = [(name, record[positions[name]]) for name in COLUMNS
                  if name in positions and isinstance(record[positions[name]], (_Formula, _CellError))]
        for name, value in unread:
            if isinstance(value, _CellError):
                checker.problem(
                    row, name, _("the cell holds the spreadsheet error {error}").format(error=value),
                    _("correct the formula in the workbook so the cell shows a value, or type the value in the cell"),
                )
            else:
                checker.problem(
                    row, name, _("the cell holds the formula {formula} with no value saved in the file").format(
                        formula=value),
                    _("open the workbook in a spreadsheet program (Excel, WPS) and save it, so the value is stored with "
                      "the formula, or type the value"),
                )
        if not unread:
            _take_row(checker, row, cells, plan, seen)
    if checker.problems:
        raise PlanError(_message(source, checker.problems, stopped))
    return plan


def _column_positions(frame: pd.DataFrame, source: str) -> dict[str, int]:
    """Where each plan column is in ``frame``; all required ones must be there, and none twice.

    Header names are compared trimmed and in lower case, a Chinese workbook's headings (``措施``) as the
    column they name (``lever``).
    """
    positions: dict[str, int] = {}
    twice: dict[str, str] = {}
    for at, column in enumerate(frame.columns):
        name = english_column(str(column)).strip().lower()
        if name not in COLUMNS:
            continue
        if name not in positions:
            positions[name] = at
        elif name not in twice:  # a third time is the same mistake
            first = positions[name]
            twice[name] = (
                _("{source}: column {column!r} is given twice in the header, as {first!r} (column {first_at}) "
                  "and {second!r} (column {second_at}); keep one").format(
                    source=source, column=name, first=str(frame.columns[first]).strip(), first_at=first + 1,
                    second=str(column).strip(), second_at=at + 1)
            )
    if twice:
        raise PlanError("\n".join(twice.values()))
    missing = [c for c in REQUIRED if c not in positions]
    if missing:
        found = series(text for c in frame.columns if (text := str(c).strip())) or _("none")
        raise PlanError(
            ngettext("{source}: missing column {missing} (found: {found}); the header row must name {columns} "
                     "(tier only where a subsidy row needs it)",
                     "{source}: missing columns {missing} (found: {found}); the header row must name {columns} "
                     "(tier only where a subsidy row needs it)", len(missing)).format(
                source=source, missing=series(missing), found=found, columns=series(COLUMNS))
        )
    return positions


def _cells(record: tuple[Any, ...], positions: dict[str, int], checker: _RowChecker) -> dict[str, str]:
    """A row's cells by column name, as text ("" for a column the table lacks); names as written when known."""
    cells = {name: _text(record[positions[name]]) if name in positions else "" for name in COLUMNS}
    for name in ("lever", "institution", "tier"):
        if name in positions:
            cells[name] = _name(record[positions[name]], cells[name], checker.names[name])
    return cells


def _take_row(checker: _RowChecker, row: int, cells: dict[str, str], plan: dict[PlanKey, float],
              seen: dict[PlanKey, int]) -> None:
    """Add a checked row to ``plan``; a row that repeats an earlier one's key is a problem."""
    checked = checker.row(row, cells)
    if checked is None:
        return
    key, units = checked
    if key in seen and checker.keys is not None:
        checker.problem(
            row, None, _("names the same lever, institution, tier and year as the key {key!r}").format(
                key=checker.keys[seen[key] - checker.first_row]),
            _("keep one of the two keys (units are not added up)"),
        )
        return
    if key in seen:
        checker.problem(
            row, None, _("repeats row {row} ({key})").format(row=seen[key], key=_describe(key)),
            _("merge the two rows into one (units are not added up)"),
        )
        return
    seen[key] = row
    plan[key] = units


def plan_from_mapping(plan: Mapping[PlanKey, float], config: Config, source: str = "plan") -> dict[PlanKey, float]:
    """Check a plan given as ``{(lever, institution, tier, year): units}``; rows are numbered from 1.

    Each key is read as a plan file's row is: a tier of ``None`` is no tier, a year may be ``"2025"`` or a
    numpy integer. A key that is not such a 4-tuple, or names a lever, institution, tier or year the config
    lacks, raises :class:`~optimiser.PlanError` naming it and the fix.
    """
    rows = []
    problems = []
    for key, units in plan.items():
        if not isinstance(key, tuple) or len(key) != len(COLUMNS) - 1:
            problems.append(_("the key {key!r} is not (lever, institution, tier, year); write keys such as "
                              "{example!r} (tier \"\" except for tuition subsidies)").format(
                key=key, example=_example_key(config)))
            continue
        lever, inst, tier, year = key
        rows.append({"lever": lever, "institution": inst, "tier": tier, "year": year, "units": units})
    if problems:
        raise PlanError(_message(source, problems))
    return plan_from_frame(pd.DataFrame(rows, columns=list(COLUMNS)), config, source=source, keys=list(plan))


def _example_key(config: Config) -> PlanKey:
    """A plan key of ``config`` to show in a message: its first lever at an institution it applies to, first year."""
    for lever in config.levers.values():
        for inst in config.institutions:
            if lever.applies_to(inst.name):
                tier = next((t for t in lever.tiers if t in inst.tiers), "") if lever.kind == "subsidise" else ""
                return (lever.name, inst.name, tier, config.years[0])
    return ("secondments", "Higher vocational colleges", "", config.years[0])


def checked_plan(plan: Any, config: Config) -> tuple[dict[PlanKey, float], str]:
    """A plan as any entry point takes it, checked against ``config``, and what messages call it.

    ``plan`` is a solved :class:`~optimiser.Result` (its plan), a DataFrame with columns lever, institution,
    tier, year, units, the path of such a CSV or XLSX file, or ``{(lever, institution, tier, year): units}``
    (read by :func:`plan_from_mapping`). Anything else, and a plan that does not fit the config, raises
    :class:`~optimiser.PlanError`.
    """
    from .results import Result

    if isinstance(plan, Result):
        if not plan.ok:
            raise PlanError(_("the result has no plan to test (status {status}); pass a solved, optimal result").format(
                status=plan.status.value))
        return plan_from_frame(plan.plan, config, source="result.plan"), "result.plan"
    if isinstance(plan, pd.DataFrame):
        return plan_from_frame(plan, config, source="plan table"), "plan table"
    if isinstance(plan, (str, PathLike)):
        return read_plan(plan, config), str(plan)
    if isinstance(plan, Mapping):
        return plan_from_mapping(plan, config), "plan"
    raise PlanError(_(
        "a plan is a Result, a DataFrame with columns lever, institution, tier, year, units, a CSV/XLSX path "
        "or a dict {{(lever, institution, tier, year): units}}; got {kind}"
    ).format(kind=type(plan).__name__))


def plan_units(plan: Any, config: Config) -> dict[PlanKey, float]:
    """The units of a plan given in any form :func:`checked_plan` takes, checked against ``config``."""
    return checked_plan(plan, config)[0]


def _text(value: Any) -> str:
    """A cell as text: empty for missing, whole floats without ``.0``, the quote guard removed."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    # Files written with formula-safe names (solve --out) prefix them with "'".
    return unguard(text)


def _name(value: Any, text: str, known: Iterable[str]) -> str:
    """A name cell: exactly as written when that is a known name (names may begin or end with spaces
    or control characters), else as :func:`_text` reads it (spaces trimmed)."""
    if isinstance(value, str):
        exact = unguard(value)
        if exact != text and exact in known:
            return exact
    return text


def _describe(key: PlanKey) -> str:
    lever, inst, tier, year = key
    return series(p for p in (lever, inst, tier, year) if p != "")


def _message(source: str, problems: list[str], stopped: bool = False) -> str:
    if len(problems) == 1 and not stopped:
        return _located(source, problems[0])
    shown = problems[:PROBLEMS_SHOWN]
    hidden = len(problems) - PROBLEMS_SHOWN
    more = "\n  " + _("... and {count} more").format(count=hidden) if hidden > 0 else ""
    if stopped:
        more = "\n  " + _("... and {count} more, and then checking stopped; fix these first").format(count=hidden)
    count = f"{len(problems)}+" if stopped else str(len(problems))
    head = _("{source}: {count} problems:").format(source=source, count=count)
    return head + "\n" + "\n".join(f"  - {_located(source, p)}" for p in shown) + more


def _located(source: str, problem: str) -> str:
    """A problem after the file it is in: ``plan.csv, row 2, column units: ...`` (Chinese: ``plan.csv，第 2 行…``)."""
    return _("{source}, {problem}").format(source=source, problem=problem)


class _RowChecker:
    """Checks one plan row at a time against the config, collecting problems."""

    def __init__(self, config: Config, source: str, keys: Sequence[object] | None = None, first_row: int = 1) -> None:
        self.config = config
        self.source = source
        self.keys = keys
        self.first_row = first_row
        self.problems: list[str] = []
        self.institutions = {inst.name: inst for inst in config.institutions}
        self.names: dict[str, Iterable[str]] = {
            "lever": config.levers, "institution": self.institutions, "tier": config.tiers,
        }

    def problem(self, row: int, column: str | None, what: str, fix: str) -> None:
        if self.keys is not None:
            key = self.keys[row - self.first_row]
            where = (_("key {key!r}, {column}").format(key=key, column=column) if column
                     else _("key {key!r}").format(key=key))
        else:
            where = (_("row {row}, column {column}").format(row=row, column=column) if column
                     else _("row {row}").format(row=row))
        self.problems.append(_("{where}: {what}; {fix}").format(where=where, what=what, fix=fix))

    def row(self, row: int, cells: dict[str, str]) -> tuple[PlanKey, float] | None:
        cfg = self.config
        ok = True
        lever = cfg.levers.get(cells["lever"])
        if lever is None:
            self.problem(
                row, "lever", _("unknown lever {name!r}").format(name=cells["lever"]),
                choices(cells["lever"], cfg.levers, N_("lever"))
            )
            ok = False
        inst = self.institutions.get(cells["institution"])
        if inst is None:
            self.problem(
                row, "institution", _("unknown institution {name!r}").format(name=cells["institution"]),
                choices(cells["institution"], self.institutions, N_("institution")),
            )
            ok = False
        year = self._year(row, cells["year"])
        units = self._units(row, cells["units"])
        if lever is None or inst is None:
            return None
        tier = cells["tier"]
        if not lever.applies_to(inst.name):
            self.problem(
                row, "institution", _("lever {lever!r} does not apply to {institution!r}").format(
                    lever=lever.name, institution=inst.name),
                _("it applies to {institutions} (levers.{lever}.institutions); delete the row").format(
                    institutions=", ".join(lever.institutions or ()), lever=lever.name),
            )
            ok = False
        elif lever.kind == "subsidise":
            ok = self._subsidy_tier(row, lever.name, lever.tiers, inst.tiers, inst.name, tier) and ok
        elif tier:
            self.problem(
                row, "tier", _("tier {tier!r} given for lever {lever!r}, which is not a tuition subsidy").format(
                    tier=tier, lever=lever.name),
                _("leave the tier cell empty for this lever"),
            )
            ok = False
        # Units before a lever's available_from are read: evaluating the plan
        # reports them as a broken lever limit (docs/model.md constraint 7).
        if not ok or year is None or units is None:
            return None
        return (lever.name, inst.name, tier if lever.kind == "subsidise" else "", year), units

    def _subsidy_tier(
        self, row: int, lever: str, allowed: Iterable[str], offered: Iterable[str], inst: str, tier: str
    ) -> bool:
        allowed, offered = list(allowed), list(offered)
        valid = [k for k in allowed if k in offered]
        if not tier:
            self.problem(row, "tier", _("no tier given for subsidy lever {lever!r}").format(lever=lever),
                         _("write one of: {names}").format(names=", ".join(valid)))
            return False
        if tier not in self.config.tiers:
            self.problem(row, "tier", _("unknown tier {tier!r}").format(tier=tier), choices(tier, self.config.tiers, N_("tier")))
            return False
        if tier not in allowed:
            self.problem(
                row, "tier", _("lever {lever!r} does not subsidise tier {tier!r} (levers.{name}.tiers)").format(
                    lever=lever, tier=tier, name=lever),
                _("use one of: {names}").format(names=", ".join(valid) or _("(none at this institution)")),
            )
            return False
        if tier not in offered:
            self.problem(
                row, "tier", _("{institution!r} does not offer tier {tier!r} (institutions.{name}.tiers)").format(
                    institution=inst, tier=tier, name=inst),
                _("use one of: {names}").format(names=", ".join(valid)) if valid
                else _("delete the row: the lever subsidises no tier offered there"),
            )
            return False
        return True

    def _year(self, row: int, text: str) -> int | None:
        years = self.config.years
        span = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
        try:
            number = float(text)
        except ValueError:
            what = _("{text!r} is not a year").format(text=text) if text else _("the year is empty")
            self.problem(row, "year", what, _("write a year in {span}").format(span=span))
            return None
        if not number.is_integer():
            self.problem(row, "year", _("{text!r} is not a whole year").format(text=text),
                         _("write a year in {span}").format(span=span))
            return None
        if int(number) not in years:
            self.problem(
                row, "year", _("year {text} is outside the horizon {span}").format(text=text, span=span),
                _("write a year in {span} or delete the row").format(span=span)
            )
            return None
        return int(number)

    def _units(self, row: int, text: str) -> float | None:
        if not text:
            self.problem(row, "units", _("the units cell is empty"), _("write a number (0 for none) or delete the row"))
            return None
        parsed = parse_number(text)
        if parsed is None and text.strip().casefold().lstrip("+-") in ("inf", "infinity", "nan"):
            parsed = float(text)
        if parsed is None:
            self.problem(row, "units", _("{text!r} is not a number").format(text=text),
                         _("write the number of units, e.g. 12, 12.5 or 2,088"))
            return None
        units = parsed
        if not math.isfinite(units):
            self.problem(row, "units", _("{text!r} is not a finite number").format(text=text),
                         _("write the number of units, e.g. 12 or 12.5"))
            return None
        if units > MAX_UNITS:
            self.problem(row, "units", _("{text} units is implausibly large").format(text=text),
                         _("a plan row counts lecturers, secondments, seats or places; write at most {limit}").format(
                             limit=f"{MAX_UNITS:,.0f}"))
            return None
        if units < 0:
            self.problem(row, "units", _("negative units {text}").format(text=text),
                         _("units are counts of lecturers, secondments, seats or places and cannot be negative; "
                           "write 0 or more"))
            return None
        return units
