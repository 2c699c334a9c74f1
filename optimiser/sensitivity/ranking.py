"""Shadow prices restated in planner words and money, ranked.

Each binding limit a planner sets becomes one sentence: what one more step
of it (a million yuan, one graduate, 0.01 of a policy share, one lever
unit, one teacher's hours) buys or costs, and over which range of the limit
that rate holds. Money first ("what does the next million buy?"), then
targets and demand, policies, lever limits and capacities; within each
group the largest effect first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..model import Model
from ..model.rows import RowInfo
from .canonical import ZERO_DUAL, CanonicalLP
from .ranging import ROUND_OFF, RowRanges

RANKING_COLUMNS = ["config_path", "institution", "year", "statement", "value_per_unit", "unit", "valid_from", "valid_to"]

MILLION = 1e6
SHARE_STEP = 0.01
GROUPS = {
    "funding_cap": 0, "total_budget": 0,
    "target": 1, "demand": 1,
    "double_qualified_share": 2, "external_ratio": 2,
    "max_per_year": 3, "min_per_year": 3, "region_max_per_year": 3, "max_total": 3, "conversion_share": 3,
    "intake_cap": 4, "teacher_hours": 4, "training_seats": 4, "enrolment": 4, "conversion_stock": 4,
}
"""Kinds of limit that enter the ranking, and their group (rank order)."""


@dataclass
class Step:
    """What "one more" means for a limit: the step in limit units, its words, the limit's unit."""

    size: float
    words: str
    limit_unit: str
    per: str
    scale: float = 1.0
    """Limit units per unit of the row's right-hand side (shares: 1 / in-house teachers)."""
    approximate: bool = False
    current: float | None = None
    """The limit as the config states it, when it differs from the row's right-hand side (shares)."""


def number(value: float) -> str:
    """A count or rate, with as many decimals as its size needs."""
    size = abs(value)
    if size >= 100:
        return f"{value:,.0f}"
    if size >= 10:
        return f"{value:,.1f}"
    if size >= 0.1:
        return f"{value:,.2f}"
    return f"{value:.3g}"


def money(value: float) -> str:
    return f"{value / MILLION:,.4g} M yuan" if abs(value) >= MILLION else f"{value:,.0f} yuan"


def _where(info: RowInfo) -> str:
    parts = [f"at {info.institution}" if info.institution else "", f"in {info.year}" if info.year is not None else ""]
    return " ".join(p for p in parts if p)


def in_house_teachers(model: Model, lp: CanonicalLP, institution: str, year: int) -> tuple[float, bool]:
    """In-house teachers at ``institution`` in ``year`` at the canonical plan, and whether hiring can change it."""
    cfg = model.config
    inst = next(i for i in cfg.institutions if i.name == institution)
    total, variable = 0.0, False
    combined: dict[int, float] = {}
    for g, spec in cfg.groups.items():
        if spec.external:
            continue
        base, terms = model.form.teachers(inst, g, year)
        total += base
        for var, coef in terms.items():
            combined[var.col] = combined.get(var.col, 0.0) + coef
    for col, coef in combined.items():
        total += coef * lp.plan[col]
        variable = variable or abs(coef) > 1e-12
    return total, variable


def step_for(model: Model, lp: CanonicalLP, info: RowInfo) -> Step:
    """The planner's step for one row."""
    cfg = model.config
    kind, where, detail = info.kind, _where(info), info.detail or ""
    if kind == "funding_cap":
        return Step(MILLION, f"one more million yuan of {detail} funding {where}", "yuan", "million yuan")
    if kind == "total_budget":
        return Step(MILLION, "one more million yuan of total budget", "yuan", "million yuan")
    if kind == "target":
        return Step(1.0, f"one more compound graduate of the {detail} target {where}", "graduates", "graduate")
    if kind == "demand":
        return Step(1.0, f"one more {detail} graduate of demand {where}", "graduates", "graduate")
    if kind in ("double_qualified_share", "external_ratio"):
        teachers, variable = in_house_teachers(model, lp, info.institution or "", info.year or cfg.horizon.start)
        what = "double-qualified floor" if kind == "double_qualified_share" else "external-teacher ceiling"
        current = float(detail) if detail else None
        return Step(
            SHARE_STEP * teachers, f"raising the {what} {where} by {SHARE_STEP:g} (now {detail})", "share",
            f"{SHARE_STEP:g} of share", scale=1.0 / teachers if teachers else math.nan, approximate=variable,
            current=current,
        )
    if kind == "max_per_year":
        return Step(1.0, f"one more unit of {detail} allowed per year {where}", "units", "unit")
    if kind == "min_per_year":
        return Step(1.0, f"raising the minimum of {detail} {where} by one unit", "units", "unit")
    if kind == "region_max_per_year":
        return Step(1.0, f"one more unit of {detail} in the regional maximum {where}", "units", "unit")
    if kind == "max_total":
        return Step(1.0, f"one more unit of {detail} in the total allowed over the horizon", "units", "unit")
    if kind == "conversion_share":
        return Step(1.0, f"one more teacher of {detail} allowed per year {where} (max_share_per_year)", "teachers", "teacher")
    if kind == "intake_cap":
        return Step(1.0, f"one more place of {detail} intake {where} (max_intake)", "extra students", "student")
    if kind == "teacher_hours":
        hours = cfg.groups[detail].hours
        return Step(hours, f"one more {detail} teacher's hours {where} ({hours:g} h)", "hours", "teacher")
    if kind == "training_seats":
        builds = [lever for lever in cfg.levers.values() if lever.kind == "build"]
        seat = builds[0].seat_hours if builds else 1200.0
        return Step(seat, f"one more baseline training seat {where} ({seat:g} seat hours)", "seat hours", "seat")
    if kind == "enrolment":
        return Step(1.0, f"one more enrolled {detail} student {where}", "student-years", "student")
    return Step(1.0, f"one more {detail} teacher available to convert {where}", "teachers", "teacher")


def objective_noun(model: Model) -> str:
    if model.mode == "min_cost":
        return "yuan"
    cfg = model.config
    plain = cfg.discount_rate == 0 and all(tier.weight == 1 for tier in cfg.tiers.values())
    return "compound graduates" if plain else "weighted compound graduates"


def ranking_table(model: Model, lp: CanonicalLP, ranges: RowRanges, prices: np.ndarray) -> pd.DataFrame:
    """The ranked statements; ``prices`` are the planner-unit shadow prices of every row."""
    infos = model.book.rows
    noun = objective_noun(model)
    min_cost = model.mode == "min_cost"
    best = _cheapest_graduate(infos, prices) if not min_cost else None
    entries = []
    for i, info in enumerate(infos):
        if info.kind not in GROUPS or not abs(ranges.price[i]) > ZERO_DUAL:
            continue
        step = step_for(model, lp, info)
        value = prices[i] * step.size
        low = info.limit - ranges.decrease[i] / info.unit_scale
        high = info.limit + ranges.increase[i] / info.unit_scale
        if step.current is not None:
            low = step.current - ranges.decrease[i] / info.unit_scale * step.scale
            high = min(step.current + ranges.increase[i] / info.unit_scale * step.scale, 1.0)
        # Every limit ranked here is a non-negative amount; a range reaching below zero stops at zero.
        low = max(low, 0.0) if low > ROUND_OFF * max(1.0, abs(info.limit)) else 0.0
        statement = f"{step.words} {_effect(value, noun, min_cost)}"
        if info.kind in ("funding_cap", "total_budget") and not min_cost and value > 0:
            statement += f" ({money(MILLION / value)} each)"
        elif best is not None and info.kind not in ("funding_cap", "total_budget"):
            statement += f" (worth about {money(abs(value) * best)} at {money(best)} per marginal graduate)"
        statement += ", " + _validity(low, high, step)
        unit = f"{noun} per {step.per}"
        entries.append((GROUPS[info.kind], -abs(value), info.config_path, info.institution or "", info.year,
                        statement, value, unit, low, high))
    entries.sort(key=lambda e: (e[0], e[1]))
    frame = pd.DataFrame([e[2:] for e in entries], columns=RANKING_COLUMNS)
    frame["year"] = pd.array(list(frame["year"]), dtype="Int64")
    return frame


def _cheapest_graduate(infos: list[RowInfo], prices: np.ndarray) -> float | None:
    """Yuan per graduate at the best-paying money limit (the cheapest marginal graduate)."""
    rates = [prices[i] for i, info in enumerate(infos) if info.kind in ("funding_cap", "total_budget") and prices[i] > 0]
    return 1.0 / max(rates) if rates else None


def _effect(value: float, noun: str, min_cost: bool) -> str:
    if min_cost:
        return f"saves {number(-value)} yuan of total cost" if value < 0 else f"costs {number(value)} yuan"
    return f"buys {number(value)} {noun}" if value >= 0 else f"costs {number(-value)} {noun}"


def _validity(low: float, high: float, step: Step) -> str:
    def show(value: float) -> str:
        if step.limit_unit == "yuan":
            return money(value)
        if step.limit_unit == "share":
            return f"{value:.4g}"
        return f"{number(value)} {step.limit_unit}"

    approx = " (approximately: hiring changes the in-house head count)" if step.approximate else ""
    if math.isinf(low) and math.isinf(high):
        return "valid at any level" + approx
    if math.isinf(high):
        return f"valid from {show(low)} upward" + approx
    if math.isinf(low):
        return f"valid up to {show(high)}" + approx
    first, second = show(low), show(high)
    unit = " " + step.limit_unit
    if step.limit_unit != "share" and first.endswith(unit) and second.endswith(unit):
        first = first[: -len(unit)]
    return f"valid from {first} to {second}" + approx
