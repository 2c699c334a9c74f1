"""Read a fixed plan from a result, a table, a CSV file or a dict, and check it against a config.

A plan gives the units of every lever: ``{(lever, institution, tier, year): units}``
with tier ``""`` except for subsidies (the form :func:`optimiser.solve`
takes as ``plan=``). A table needs the columns ``lever, institution, tier,
year, units`` (``Result.plan`` and the ``plan.csv`` written by
``optimiser solve --out`` have them).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..config.checker import choices
from ..config.types import Config
from ..errors import PlanError
from ..model import PlanKey
from ..model.formulation import Formulation

PLAN_COLUMNS = ("lever", "institution", "tier", "year", "units")
MAX_LISTED = 5


def read_plan_csv(path: str | Path) -> dict[PlanKey, float]:
    """The plan in a CSV file with columns ``lever, institution, tier, year, units``.

    Raises
    ------
    PlanError
        If the file is missing, lacks a column or holds a value that is not a
        number; the message names the file, the row and the fix.
    """
    path = Path(path)
    try:
        table = pd.read_csv(path, dtype={"lever": str, "institution": str, "tier": str}, keep_default_na=False)
    except FileNotFoundError as err:
        raise PlanError(f"{path}: file not found; check the path") from err
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise PlanError(f"{path}: cannot read the CSV file ({err})") from err
    return plan_from_table(table, source=str(path))


def plan_from_table(table: pd.DataFrame, source: str = "plan") -> dict[PlanKey, float]:
    """``{(lever, institution, tier, year): units}`` from a table such as ``Result.plan``."""
    missing = [column for column in PLAN_COLUMNS if column not in table.columns]
    if missing:
        raise PlanError(
            f"{source}: missing column(s) {', '.join(repr(c) for c in missing)}; a plan has the columns "
            f"{', '.join(PLAN_COLUMNS)} (as in plan.csv written by 'optimiser solve --out')"
        )
    plan: dict[PlanKey, float] = {}
    for number, row in enumerate(table[list(PLAN_COLUMNS)].itertuples(index=False), start=2):
        tier = "" if row.tier is None or (isinstance(row.tier, float) and pd.isna(row.tier)) else str(row.tier)
        year = _number(row.year, source, number, "year")
        units = _number(row.units, source, number, "units")
        if float(year) != int(year):
            raise PlanError(f"{source}: row {number}: year must be a whole year such as 2026, got {row.year!r}")
        if units < 0:
            raise PlanError(f"{source}: row {number}: units must be 0 or more, got {row.units!r}")
        key = (str(row.lever), str(row.institution), tier, int(year))
        if key in plan:
            raise PlanError(f"{source}: row {number}: {_show(key)} is given twice; give each lever, institution, tier and year once")
        plan[key] = float(units)
    return plan


def _number(value: Any, source: str, row: int, column: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if number != number or number in (float("inf"), float("-inf")):
        raise PlanError(f"{source}: row {row}: {column} must be a number, got {value!r}")
    return number


def coerce_plan(plan: Any) -> dict[PlanKey, float]:
    """A plan given as a :class:`~optimiser.Result`, a table or a dict, as a dict."""
    if hasattr(plan, "plan") and isinstance(getattr(plan, "plan"), pd.DataFrame):
        if not getattr(plan, "ok", True):
            raise PlanError(f"the result has no plan to fix (status {plan.status}); solve a feasible config first")
        return plan_from_table(plan.plan, source="result.plan")
    if isinstance(plan, pd.DataFrame):
        return plan_from_table(plan)
    if isinstance(plan, (str, Path)):
        return read_plan_csv(plan)
    if isinstance(plan, Mapping):
        clean: dict[PlanKey, float] = {}
        for key, units in plan.items():
            if not (isinstance(key, tuple) and len(key) == 4):
                raise PlanError(f"plan key {key!r}: expected (lever, institution, tier, year); tier is '' except for subsidies")
            lever, institution, tier, year = key
            clean[(str(lever), str(institution), str(tier or ""), int(year))] = float(units)
        return clean
    raise PlanError(f"a plan is a Result, a DataFrame with columns {', '.join(PLAN_COLUMNS)}, a CSV path or a dict; "
                    f"got {type(plan).__name__}")


def check_plan(plan: Mapping[PlanKey, float], config: Config) -> None:
    """Raise :class:`PlanError` unless every key of ``plan`` is a lever decision of ``config``."""
    form = Formulation(config)
    known = {(lever, inst, "", year) for lever, inst, year in form.vars.u}
    known |= set(form.vars.us)
    unknown = [key for key in plan if key not in known]
    if not unknown:
        return
    lines = [f"{_show(key)}: {_why(key, config, form)}" for key in unknown[:MAX_LISTED]]
    more = f" (and {len(unknown) - MAX_LISTED} more)" if len(unknown) > MAX_LISTED else ""
    raise PlanError(f"{len(unknown)} plan row(s) are not decisions of {config.name!r}{more}:\n  - " + "\n  - ".join(lines))


def _why(key: PlanKey, config: Config, form: Formulation) -> str:
    lever_name, inst_name, tier, year = key
    if lever_name not in config.levers:
        return f"no lever {lever_name!r}; {choices(lever_name, config.levers, 'lever')}"
    names = [inst.name for inst in config.institutions]
    if inst_name not in names:
        return f"no institution {inst_name!r}; {choices(inst_name, names, 'institution')}"
    lever = config.levers[lever_name]
    if not lever.applies_to(inst_name):
        return f"lever {lever_name!r} does not apply to {inst_name!r} (levers.{lever_name}.institutions)"
    if year not in form.years:
        return f"year {year} is outside the horizon {form.years[0]}-{form.years[-1]}"
    if year not in form.lever_years(lever):
        return f"lever {lever_name!r} is available from {lever.available_from}"
    if lever.kind == "subsidise":
        inst = next(i for i in config.institutions if i.name == inst_name)
        offered = [k for k in lever.tiers if k in inst.tiers]
        return f"tier {tier!r} is not subsidised at {inst_name!r}; subsidised tiers there: {', '.join(offered) or '(none)'}"
    return f"tier must be empty for a {lever.kind} lever, got {tier!r}"


def _show(key: PlanKey) -> str:
    lever, inst, tier, year = key
    return f"({lever}, {inst}, {tier or '-'}, {year})"


__all__ = ["PLAN_COLUMNS", "check_plan", "coerce_plan", "plan_from_table", "read_plan_csv"]
