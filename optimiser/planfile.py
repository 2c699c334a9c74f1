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
import warnings
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from .config.checker import choices
from .config.types import Config
from .config.yamlsource import InputRefused, read_input
from .errors import PlanError
from .i18n.inputs import UndecodableInput, decode_input, is_total_label, parse_number
from .model import PlanKey
from .report.files import unguard

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


class PlanNote(UserWarning):
    """Something read from a plan file and set aside on purpose (a total row); the command line prints it as a note."""


def read_plan(path: str | Path, config: Config) -> dict[PlanKey, float]:
    """Read a plan file into ``{(lever, institution, tier, year): units}``.

    CSV (UTF-8, header on line 1) or Excel (the sheet named ``Plan`` if there
    is one, else the first sheet; header on row 1). Row numbers in messages
    are the file's line or sheet row. Raises :class:`~optimiser.PlanError`
    listing every problem.

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
            f"{path}: plan file not found; give the path of a CSV or XLSX file with columns {', '.join(COLUMNS)}"
        )
    suffix = path.suffix.lower()
    if suffix not in (*EXCEL_SUFFIXES, ".csv", ".txt", ""):
        raise PlanError(f"{path}: unsupported plan file type {suffix!r}; use .csv or .xlsx")
    try:
        data = read_input(path, MAX_PLAN_BYTES, "plan file")
    except InputRefused as err:
        raise PlanError(f"{path}: {err.message}") from err
    if suffix in EXCEL_SUFFIXES:
        return _read_workbook(path, data)
    try:
        text, _ = decode_input(data, "plan file")
        del data
        _check_row_widths(path, text)
        return pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False, index_col=False
        )
    except UndecodableInput as err:
        raise PlanError(f"{path}:{err.line}: {err.message}") from err
    except pd.errors.EmptyDataError as err:
        raise PlanError(f"{path}: the file is empty; it needs a header row with {', '.join(COLUMNS)}") from err
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError, csv.Error) as err:
        raise PlanError(f"{path}: cannot read the plan file ({err}); save it as CSV (UTF-8) or XLSX") from err


def _read_workbook(path: Path, data: bytes) -> pd.DataFrame:
    """The plan sheet of an Excel workbook, checked to be a zip of sane size before it is opened."""
    resave = "open it in Excel and save it again as .xlsx, or save the plan as CSV (UTF-8)"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
            names = set(archive.namelist())
    except Exception as err:  # zipfile raises several types for a damaged archive
        raise PlanError(f"{path}: this is not an Excel workbook (an .xlsx file is a zip archive; {err}); {resave}") from err
    if "xl/workbook.xml" not in names:
        raise PlanError(f"{path}: this zip archive holds no Excel workbook (no xl/workbook.xml); {resave}")
    if unpacked > MAX_WORKBOOK_UNPACKED:
        raise PlanError(
            f"{path}: the workbook unpacks to more than {MAX_WORKBOOK_UNPACKED // (1024 * 1024)} MB, "
            f"far more than a plan needs; check that this is the right file, or save the plan as CSV (UTF-8)"
        )
    try:
        with pd.ExcelFile(io.BytesIO(data), engine="openpyxl") as book:
            sheet = "Plan" if "Plan" in book.sheet_names else book.sheet_names[0]
            return pd.read_excel(book, sheet_name=sheet, dtype=object)
    except Exception as err:  # a damaged workbook can fail anywhere inside the reader
        raise PlanError(f"{path}: cannot read the workbook ({type(err).__name__}: {err}); {resave}") from err


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
                f"{path}:{reader.line_num}: this row has {len(row)} cells but the header has {len(header)} columns "
                f"({', '.join(header)}); remove the extra cells"
            )
            if len(problems) >= PROBLEMS_LIMIT:
                problems.append(f"... and more; checking stopped after {PROBLEMS_LIMIT} problems, fix these first")
                break
    if problems:
        raise PlanError("\n".join(problems))


def plan_from_frame(
    frame: pd.DataFrame, config: Config, source: str = "plan", first_row: int = 1
) -> dict[PlanKey, float]:
    """Check a plan table against ``config`` and return it as ``{(lever, institution, tier, year): units}``.

    ``first_row`` is the number messages give the first data row (2 for a
    file whose header is row 1).

    >>> frame = pd.DataFrame({"lever": ["secondments"], "institution": ["Higher vocational colleges"],
    ...                       "tier": [""], "year": [2026], "units": [12]})
    >>> plan_from_frame(frame, load_config("configs/zhejiang.yaml"))  # doctest: +SKIP
    {('secondments', 'Higher vocational colleges', '', 2026): 12.0}
    """
    columns = {str(c).strip().lower(): c for c in frame.columns}
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        found = ", ".join(str(c) for c in frame.columns) or "none"
        raise PlanError(
            f"{source}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} (found: {found}); "
            f"the header row must name {', '.join(COLUMNS)} (tier only where a subsidy row needs it)"
        )
    checker = _RowChecker(config, source)
    plan: dict[PlanKey, float] = {}
    seen: dict[PlanKey, int] = {}
    positions = {name: list(frame.columns).index(columns[name]) for name in COLUMNS if name in columns}
    stopped = False
    for offset, record in enumerate(frame.itertuples(index=False, name=None)):
        if len(checker.problems) >= PROBLEMS_LIMIT:
            stopped = True
            break
        row = first_row + offset
        cells = {name: _text(record[positions[name]]) if name in positions else "" for name in COLUMNS}
        for name in ("lever", "institution", "tier"):
            if name in positions:
                cells[name] = _name(record[positions[name]], cells[name], checker.names[name])
        if not any(cells.values()):
            continue
        total = next((cells[name] for name in ("lever", "institution") if is_total_label(cells[name])), None)
        if total is not None:
            warnings.warn(PlanNote(f"{source}, row {row}: the row marked {total!r} is read as a total and left out"),
                          stacklevel=2)
            continue
        checked = checker.row(row, cells)
        if checked is None:
            continue
        key, units = checked
        if key in seen:
            checker.problem(
                row, None, f"repeats row {seen[key]} ({_describe(key)})",
                "merge the two rows into one (units are not added up)",
            )
            continue
        seen[key] = row
        plan[key] = units
    if checker.problems:
        raise PlanError(_message(source, checker.problems, stopped))
    return plan


def plan_from_mapping(plan: Mapping[PlanKey, float], config: Config, source: str = "plan") -> dict[PlanKey, float]:
    """Check a plan given as ``{(lever, institution, tier, year): units}``; rows are numbered from 1."""
    rows = [
        {"lever": lever, "institution": inst, "tier": tier, "year": year, "units": units}
        for (lever, inst, tier, year), units in plan.items()
    ]
    return plan_from_frame(pd.DataFrame(rows, columns=list(COLUMNS)), config, source=source)


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
    return ", ".join(str(p) for p in (lever, inst, tier, year) if p != "")


def _message(source: str, problems: list[str], stopped: bool = False) -> str:
    if len(problems) == 1 and not stopped:
        return f"{source}, {problems[0]}"
    shown = problems[:PROBLEMS_SHOWN]
    more = f"\n  ... and {len(problems) - PROBLEMS_SHOWN} more" if len(problems) > PROBLEMS_SHOWN else ""
    if stopped:
        more = f"\n  ... and {len(problems) - PROBLEMS_SHOWN} more, and then checking stopped; fix these first"
    count = f"{len(problems)}+" if stopped else str(len(problems))
    return f"{source}: {count} problems:\n" + "\n".join(f"  - {source}, {p}" for p in shown) + more


class _RowChecker:
    """Checks one plan row at a time against the config, collecting problems."""

    def __init__(self, config: Config, source: str) -> None:
        self.config = config
        self.source = source
        self.problems: list[str] = []
        self.institutions = {inst.name: inst for inst in config.institutions}
        self.names: dict[str, Iterable[str]] = {
            "lever": config.levers, "institution": self.institutions, "tier": config.tiers,
        }

    def problem(self, row: int, column: str | None, what: str, fix: str) -> None:
        where = f"row {row}, column {column}" if column else f"row {row}"
        self.problems.append(f"{where}: {what}; {fix}")

    def row(self, row: int, cells: dict[str, str]) -> tuple[PlanKey, float] | None:
        cfg = self.config
        ok = True
        lever = cfg.levers.get(cells["lever"])
        if lever is None:
            self.problem(
                row, "lever", f"unknown lever {cells['lever']!r}", choices(cells["lever"], cfg.levers, "lever")
            )
            ok = False
        inst = self.institutions.get(cells["institution"])
        if inst is None:
            self.problem(
                row, "institution", f"unknown institution {cells['institution']!r}",
                choices(cells["institution"], self.institutions, "institution"),
            )
            ok = False
        year = self._year(row, cells["year"])
        units = self._units(row, cells["units"])
        if lever is None or inst is None:
            return None
        tier = cells["tier"]
        if not lever.applies_to(inst.name):
            self.problem(
                row, "institution", f"lever {lever.name!r} does not apply to {inst.name!r}",
                f"it applies to {', '.join(lever.institutions or ())} "
                f"(levers.{lever.name}.institutions); delete the row",
            )
            ok = False
        elif lever.kind == "subsidise":
            ok = self._subsidy_tier(row, lever.name, lever.tiers, inst.tiers, inst.name, tier) and ok
        elif tier:
            self.problem(
                row, "tier", f"tier {tier!r} given for lever {lever.name!r}, which is not a tuition subsidy",
                "leave the tier cell empty for this lever",
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
            self.problem(row, "tier", f"no tier given for subsidy lever {lever!r}", f"write one of: {', '.join(valid)}")
            return False
        if tier not in self.config.tiers:
            self.problem(row, "tier", f"unknown tier {tier!r}", choices(tier, self.config.tiers, "tier"))
            return False
        if tier not in allowed:
            self.problem(
                row, "tier", f"lever {lever!r} does not subsidise tier {tier!r} (levers.{lever}.tiers)",
                f"use one of: {', '.join(valid) or '(none at this institution)'}",
            )
            return False
        if tier not in offered:
            self.problem(
                row, "tier", f"{inst!r} does not offer tier {tier!r} (institutions.{inst}.tiers)",
                f"use one of: {', '.join(valid)}" if valid
                else "delete the row: the lever subsidises no tier offered there",
            )
            return False
        return True

    def _year(self, row: int, text: str) -> int | None:
        years = self.config.years
        span = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
        try:
            number = float(text)
        except ValueError:
            what = f"{text!r} is not a year" if text else "the year is empty"
            self.problem(row, "year", what, f"write a year in {span}")
            return None
        if not number.is_integer() or int(number) not in years:
            self.problem(
                row, "year", f"year {text} is outside the horizon {span}", f"write a year in {span} or delete the row"
            )
            return None
        return int(number)

    def _units(self, row: int, text: str) -> float | None:
        if not text:
            self.problem(row, "units", "the units cell is empty", "write a number (0 for none) or delete the row")
            return None
        parsed = parse_number(text)
        if parsed is None and text.strip().casefold().lstrip("+-") in ("inf", "infinity", "nan"):
            parsed = float(text)
        if parsed is None:
            self.problem(row, "units", f"{text!r} is not a number", "write the number of units, e.g. 12, 12.5 or 2,088")
            return None
        units = parsed
        if not math.isfinite(units):
            self.problem(row, "units", f"{text!r} is not a finite number", "write the number of units, e.g. 12 or 12.5")
            return None
        if units > MAX_UNITS:
            self.problem(row, "units", f"{text} units is implausibly large",
                         f"a plan row counts lecturers, secondments, seats or places; write at most {MAX_UNITS:,.0f}")
            return None
        if units < 0:
            self.problem(row, "units", f"negative units {text}", "units are counts of lecturers, secondments, seats "
                         "or places and cannot be negative; write 0 or more")
            return None
        return units
