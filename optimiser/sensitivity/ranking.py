"""Shadow prices restated in planner words and money, ranked.

Each binding limit a planner sets becomes one sentence: what one more step
of it (a million yuan, one graduate, 0.01 of a policy share, one lever
unit, one teacher's hours) buys or costs, how far that rate holds, and over
which range of the limit. A sentence never quotes a step its rate does not
hold for: when the allowable increase is shorter than the nominal step, it
quotes the largest power of ten of the limit's unit within it ("each extra
10,000 yuan of ..."). Money first ("what does the next million buy?"), then
targets and demand, policies, lever limits and capacities; within each
group the largest rate first.
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

RANKING_COLUMNS = [
    "config_path", "institution", "year", "statement", "value_per_unit", "unit", "step", "step_effect",
    "valid_from", "valid_to",
]

MILLION = 1e6
SHARE_STEP = 0.01
STEP_SLACK = 1e-9
"""Relative round-off under which a range counts as reaching the nominal step."""
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
    """What "one more" means for a limit, and how to say a smaller step or a cut.

    ``size`` is the nominal step in the row's right-hand-side units; ``scale``
    converts those to ``limit_unit`` (the units of ``valid_from`` and
    ``valid_to``, and of the quoted step). ``more`` raises the limit by the
    nominal step ("one more million yuan of ..."); ``extra`` and ``less`` are
    templates for a raise and a cut of ``{amount}``.
    """

    size: float
    more: str
    extra: str
    less: str
    limit_unit: str
    per: str
    units: tuple[str, str] = ("", "")
    """Singular and plural of the unit an amount of this limit is counted in ("" for shares)."""
    scale: float = 1.0
    """Limit units per unit of the row's right-hand side (shares: 1 / in-house teachers)."""
    approximate: bool = False
    current: float | None = None
    """The limit as the config states it, when it differs from the row's right-hand side (shares)."""
    nominal: float = math.nan
    """The nominal step in limit units (a million yuan, 0.01 of a share, one teacher's hours); ``size`` by default."""

    def __post_init__(self) -> None:
        if math.isnan(self.nominal):
            self.nominal = self.size

    def amount(self, value: float) -> str:
        """``value`` limit units in words: "10,000 yuan", "one million yuan", "0.001", "0.1 graduates"."""
        singular, plural = self.units
        if self.limit_unit == "yuan" and value >= MILLION:
            millions = value / MILLION
            return "one million yuan" if millions == 1 else f"{millions:g} million yuan"
        if value == 1 and singular:
            return f"one {singular}"
        shown = f"{value:,.0f}" if value >= 1 and float(value).is_integer() else f"{value:g}"
        return f"{shown} {plural}" if plural else shown


def noun_step(size: float, more: str, of: str, limit_unit: str, per: str, units: tuple[str, str], thing: str) -> Step:
    """A limit counted in a unit: "each extra 0.1 units of {of}", "lowering {thing} by 0.1 units"."""
    return Step(size, more, f"each extra {{amount}} of {of}", f"lowering {thing} by {{amount}}", limit_unit, per, units)


def verb_step(size: float, thing: str, nominal: str, limit_unit: str, per: str, units: tuple[str, str],
              suffix: str = "") -> Step:
    """A limit one raises: "raising {thing} by {amount}{suffix}", and lowering it."""
    return Step(
        size, f"raising {thing} by {nominal}{suffix}", f"raising {thing} by {{amount}}{suffix}",
        f"lowering {thing} by {{amount}}{suffix}", limit_unit, per, units,
    )


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


def _at(text: str, where: str) -> str:
    return f"{text} {where}" if where else text


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


UNITS = ("unit", "units")


def step_for(model: Model, lp: CanonicalLP, info: RowInfo) -> Step:
    """The planner's step for one row."""
    cfg = model.config
    kind, where, detail = info.kind, _where(info), info.detail or ""
    if kind == "funding_cap":
        thing = _at(f"{detail} funding", where)
        return noun_step(MILLION, f"one more million yuan of {thing}", thing, "yuan", "million yuan", ("yuan", "yuan"), thing)
    if kind == "total_budget":
        return noun_step(MILLION, "one more million yuan of total budget", "total budget", "yuan", "million yuan",
                         ("yuan", "yuan"), "the total budget")
    if kind == "target":
        thing = _at(f"the {detail} target", where)
        return noun_step(1.0, f"one more compound graduate of {thing}", thing, "graduates", "graduate",
                         ("compound graduate", "compound graduates"), thing)
    if kind == "demand":
        return noun_step(1.0, _at(f"one more {detail} graduate of demand", where), _at(f"{detail} demand", where),
                         "graduates", "graduate", ("graduate", "graduates"), _at(f"{detail} demand", where))
    if kind in ("double_qualified_share", "external_ratio"):
        teachers, variable = in_house_teachers(model, lp, info.institution or "", info.year or cfg.horizon.start)
        what = "double-qualified floor" if kind == "double_qualified_share" else "external-teacher ceiling"
        step = verb_step(SHARE_STEP * teachers, _at(f"the {what}", where), f"{SHARE_STEP:g}", "share",
                         f"{SHARE_STEP:g} of share", ("", ""), f" (now {detail})")
        step.scale = 1.0 / teachers if teachers else math.nan
        step.approximate = variable
        step.current = float(detail) if detail else None
        step.nominal = SHARE_STEP
        return step
    if kind == "max_per_year":
        of = _at(f"{detail} allowed per year", where)
        return noun_step(1.0, f"one more unit of {of}", of, "units", "unit", UNITS,
                         _at(f"the yearly maximum of {detail}", where))
    if kind == "min_per_year":
        return verb_step(1.0, _at(f"the minimum of {detail}", where), "one unit", "units", "unit", UNITS)
    if kind == "region_max_per_year":
        of = _at(f"{detail} in the regional maximum", where)
        return noun_step(1.0, f"one more unit of {of}", of, "units", "unit", UNITS,
                         _at(f"the regional maximum of {detail}", where))
    if kind == "max_total":
        of = f"{detail} in the total allowed over the horizon"
        return noun_step(1.0, f"one more unit of {of}", of, "units", "unit", UNITS,
                         f"the total of {detail} allowed over the horizon")
    if kind == "conversion_share":
        of = _at(f"{detail} allowed per year", where) + " (max_share_per_year)"
        return noun_step(1.0, f"one more teacher of {of}", of, "teachers", "teacher", ("teacher", "teachers"),
                         _at(f"the yearly {detail} allowance", where) + " (max_share_per_year)")
    if kind == "intake_cap":
        of = _at(f"{detail} intake", where) + " (max_intake)"
        return noun_step(1.0, f"one more place of {of}", of, "extra students", "student", ("place", "places"),
                         _at(f"the {detail} intake cap", where) + " (max_intake)")
    if kind == "teacher_hours":
        hours = cfg.groups[detail].hours
        thing = _at(f"{detail} teachers' time", where)
        return noun_step(hours, _at(f"one more {detail} teacher's hours", where) + f" ({hours:g} h)", thing, "hours",
                         "teacher", ("hour", "hours"), thing)
    if kind == "training_seats":
        builds = [lever for lever in cfg.levers.values() if lever.kind == "build"]
        seat = builds[0].seat_hours if builds else 1200.0
        thing = _at("baseline training seats", where)
        return noun_step(seat, _at("one more baseline training seat", where) + f" ({seat:g} seat hours)", thing,
                         "seat hours", "seat", ("seat hour", "seat hours"), thing)
    if kind == "enrolment":
        thing = _at(f"{detail} enrolment", where)
        return noun_step(1.0, _at(f"one more enrolled {detail} student", where), thing, "student-years", "student",
                         ("student", "students"), thing)
    thing = _at(f"{detail} teachers available to convert", where)
    return noun_step(1.0, _at(f"one more {detail} teacher available to convert", where), thing, "teachers", "teacher",
                     ("teacher", "teachers"), thing)


def quoted_step(nominal: float, reach: float) -> float:
    """The step a statement quotes: ``nominal`` when the rate holds that far, else a power of ten within ``reach``.

    >>> quoted_step(1e6, 2.5e6), quoted_step(1e6, 17000.0), quoted_step(0.01, 0.0051)
    (1000000.0, 10000.0, 0.001)
    """
    if reach >= nominal * (1 - STEP_SLACK):
        return nominal
    step = 10.0 ** math.floor(math.log10(reach) + STEP_SLACK)
    return step if step <= reach * (1 + STEP_SLACK) else step / 10


def objective_noun(model: Model) -> str:
    if model.mode == "min_cost":
        return "yuan"
    cfg = model.config
    plain = cfg.discount_rate == 0 and all(tier.weight == 1 for tier in cfg.tiers.values())
    return "compound graduates" if plain else "weighted compound graduates"


def ranking_table(model: Model, lp: CanonicalLP, ranges: RowRanges, prices: np.ndarray) -> pd.DataFrame:
    """The ranked statements; ``prices`` are the planner-unit shadow prices of every row.

    Each statement quotes a step over which its rate holds: the nominal
    step (a million yuan, one graduate, 0.01 of a share, ...) when the
    allowable increase reaches that far, else the largest power of ten of
    the limit's unit within it; when the limit cannot rise at that rate at
    all, a cut within the allowable decrease. ``step`` (limit units, negative
    for a cut) and ``step_effect`` (the change of the objective) are that
    step and what it buys, exactly; ``value_per_unit`` is the rate per
    nominal step, for comparing limits.
    """
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
        scale = step.scale if step.current is not None else 1.0
        limit = step.current if step.current is not None else info.limit
        increase = ranges.increase[i] / info.unit_scale * scale
        decrease = ranges.decrease[i] / info.unit_scale * scale
        tiny = ROUND_OFF * max(1.0, abs(limit))
        # Every limit ranked here is a non-negative amount (a share at most 1): its range stops there,
        # and so does the statement, with no "then" beyond it.
        low, high = limit - decrease, limit + increase
        floor = low <= tiny
        ceiling = step.current is not None and high >= 1.0 - tiny
        low = 0.0 if floor else low
        high = min(high, 1.0) if step.current is not None else high
        up, down = high - limit, limit - low
        if up > tiny:
            quoted, edge = quoted_step(step.nominal, up), ceiling
        elif down > tiny:
            quoted, edge = -quoted_step(step.nominal, down), floor
        else:
            continue  # the limit can move neither way at this rate: nothing true to say per step
        effect = value * quoted / step.nominal
        statement = f"{_phrase(step, quoted)} {_effect(effect, noun, min_cost)}"
        if info.kind in ("funding_cap", "total_budget"):
            if not min_cost and effect != 0:
                statement += f" ({money(abs(quoted / effect))} each)"
        elif best is not None:
            statement += f" (worth about {money(abs(effect) * best)} at {money(best)} per marginal graduate)"
        then = "" if edge else _worse(effect, min_cost)
        statement += _reach(quoted, up, down, step, then) + "; " + _validity(low, high, step)
        unit = f"{noun} per {step.per}"
        entries.append((GROUPS[info.kind], -float(f"{abs(value):.9g}"), i, info.config_path, info.institution or "",
                        info.year, statement, value, unit, quoted, effect, low, high))
    # Equal effects (to nine digits) keep the model's row order, whatever the round-off of the solve.
    entries.sort(key=lambda e: (e[0], e[1], e[2]))
    frame = pd.DataFrame([e[3:] for e in entries], columns=RANKING_COLUMNS)
    frame["year"] = pd.array(list(frame["year"]), dtype="Int64")
    return frame


def _phrase(step: Step, quoted: float) -> str:
    if quoted == step.nominal:
        return step.more
    template = step.extra if quoted > 0 else step.less
    return template.format(amount=step.amount(abs(quoted)))


def _worse(effect: float, min_cost: bool) -> str:
    """What each further step does past the range (the optimum is concave in a limit, its cost convex)."""
    if min_cost:
        return "costs more" if effect > 0 else "saves less"
    return "buys less" if effect > 0 else "costs more"


def _reach(quoted: float, up: float, down: float, step: Step, worse: str) -> str:
    """", for up to 17,000 yuan more (then it buys less)": how far the quoted rate holds."""
    reach, more = (up, "more") if quoted > 0 else (down, "less")
    if math.isinf(reach):
        return ""
    then = f" (then it {worse})" if worse else ""
    return f", for up to {_show(reach, step)} {more}{then}"


def _cheapest_graduate(infos: list[RowInfo], prices: np.ndarray) -> float | None:
    """Yuan per graduate at the best-paying money limit (the cheapest marginal graduate)."""
    rates = [prices[i] for i, info in enumerate(infos) if info.kind in ("funding_cap", "total_budget") and prices[i] > 0]
    return 1.0 / max(rates) if rates else None


def _effect(value: float, noun: str, min_cost: bool) -> str:
    if min_cost:
        return f"saves {number(-value)} yuan of total cost" if value < 0 else f"costs {number(value)} yuan"
    return f"buys {number(value)} {noun}" if value >= 0 else f"costs {number(-value)} {noun}"


def _show(value: float, step: Step) -> str:
    if step.limit_unit == "yuan":
        return money(value)
    if step.limit_unit == "share":
        return f"{value:.4g}"
    return f"{number(value)} {step.limit_unit}"


def _validity(low: float, high: float, step: Step) -> str:
    approx = " (approximately: hiring changes the in-house head count)" if step.approximate else ""
    if math.isinf(low) and math.isinf(high):
        return "valid at any level" + approx
    if math.isinf(high):
        return f"valid from {_show(low, step)} upward" + approx
    if math.isinf(low):
        return f"valid up to {_show(high, step)}" + approx
    first, second = _show(low, step), _show(high, step)
    unit = " " + step.limit_unit
    if step.limit_unit != "share" and first.endswith(unit) and second.endswith(unit):
        first = first[: -len(unit)]
    return f"valid from {first} to {second}" + approx
