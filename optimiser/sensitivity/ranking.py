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
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..i18n import N_, _, chinese
from ..i18n import money as yuan
from ..i18n import where as place
from ..i18n.words import group_name
from ..model import Model
from ..model.rows import MONEY_LIMITS, ROW_KINDS, RowInfo
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
GROUPS = {kind.name: kind.group for kind in ROW_KINDS.values() if kind.group is not None}
"""Kinds of limit that enter the ranking, and their group (rank order), from :data:`~optimiser.model.rows.ROW_KINDS`."""


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
        if self.limit_unit == "yuan" and chinese():
            return yuan(value)
        if self.limit_unit == "yuan" and value >= MILLION:
            millions = value / MILLION
            return _("one million yuan") if millions == 1 else _("{count} million yuan").format(count=f"{millions:g}")
        if value == 1 and singular:
            return _("one {unit}").format(unit=_(singular))
        shown = f"{value:,.0f}" if value >= 1 and float(value).is_integer() else f"{value:g}"
        return _("{amount} {unit}").format(amount=shown, unit=_(plural)) if plural else shown


def noun_step(size: float, more: str, of: str, limit_unit: str, per: str, units: tuple[str, str], thing: str) -> Step:
    """A limit counted in a unit: "each extra 0.1 units of {of}", "lowering {thing} by 0.1 units"."""
    return Step(size, more, _("each extra {{amount}} of {of}").format(of=of),
                _("lowering {thing} by {{amount}}").format(thing=thing), limit_unit, per, units)


def verb_step(size: float, thing: str, nominal: str, limit_unit: str, per: str, units: tuple[str, str],
              suffix: str = "") -> Step:
    """A limit one raises: "raising {thing} by {amount}{suffix}", and lowering it."""
    return Step(
        size, _("raising {thing} by {amount}{suffix}").format(thing=thing, amount=nominal, suffix=suffix),
        _("raising {thing} by {{amount}}{suffix}").format(thing=thing, suffix=suffix),
        _("lowering {thing} by {{amount}}{suffix}").format(thing=thing, suffix=suffix), limit_unit, per, units,
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
    """An amount of yuan in a statement: ``6.968 M yuan`` from a million up (Chinese: 万元 and 亿元)."""
    return yuan(value, ",.4g")


def _where(info: RowInfo) -> str:
    return place(info.institution, info.year)


def _at(text: str, where: str) -> str:
    return _("{text} {where}").format(text=text, where=where) if where else text


def _keyed(text: str, key: str) -> str:
    """``text`` followed by the config key it is set by, in brackets of the reader's language."""
    return _("{text} ({key})").format(text=text, key=key)


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
            col = model.column_of[var]
            combined[col] = combined.get(col, 0.0) + coef
    for col, coef in combined.items():
        total += coef * lp.plan[col]
        variable = variable or abs(coef) > 1e-12
    return total, variable


UNITS = (N_("unit"), N_("units"))


def step_for(model: Model, lp: CanonicalLP, info: RowInfo) -> Step:
    """The planner's step for one row."""
    return _STEPS[info.kind](model, lp, info, _where(info), info.detail or "")


def _funding_step(model: Model, lp: CanonicalLP, info: RowInfo, where: str, detail: str) -> Step:
    thing = _at(_("{source} funding").format(source=detail), where)
    return noun_step(MILLION, _("one more million yuan of {thing}").format(thing=thing), thing, "yuan",
                     "million yuan", (N_("yuan"), N_("yuan")), thing)


def _budget_step(model: Model, lp: CanonicalLP, info: RowInfo, where: str, detail: str) -> Step:
    return noun_step(MILLION, _("one more million yuan of total budget"), _("total budget"), "yuan", "million yuan",
                     (N_("yuan"), N_("yuan")), _("the total budget"))


def _target_step(model: Model, lp: CanonicalLP, info: RowInfo, where: str, detail: str) -> Step:
    thing = _at(_("the {tier} target").format(tier=detail), where)
    return noun_step(1.0, _("one more compound graduate of {thing}").format(thing=thing), thing, N_("graduates"),
                     "graduate", (N_("compound graduate"), N_("compound graduates")), thing)


def _demand_step(model: Model, lp: CanonicalLP, info: RowInfo, where: str, detail: str) -> Step:
    demand = _at(_("{tier} demand").format(tier=detail), where)
    return noun_step(1.0, _at(_("one more {tier} graduate of demand").format(tier=detail), where), demand,
                     N_("graduates"), "graduate", (N_("graduate"), N_("graduates")), demand)


def _share_step(model: Model, lp: CanonicalLP, info: RowInfo, where: str, detail: str) -> Step:
    """A policy share moves by :data:`SHARE_STEP`; the row counts it in teachers, so the step is scaled by them."""
    teachers, variable = in_house_teachers(model, lp, info.institution or "", info.year or model.config.horizon.start)
    what = _("the double-qualified floor") if info.kind == "double_qualified_share" else _("the external-teacher ceiling")
    step = verb_step(SHARE_STEP * teachers, _at(what, where), f"{SHARE_STEP:g}", "share",
                     f"{SHARE_STEP:g} of share", ("", ""), _(" (now {value})").format(value=detail))
    step.scale = 1.0 / teachers if teachers else math.nan
    step.approximate = variable
    step.current = float(detail) if detail else None
    step.nominal = SHARE_STEP
    return step


def _max_per_year_step(model: Model, lp: CanonicalLP, info: RowInfo, where: str, detail: str) -> Step:
    of = _at(_("{lever} allowed per year").format(lever=detail), where)
    return noun_step(1.0, _("one more unit of {of}").format(of=of), of, N_("units"), "unit", UNITS,
                     _at(_("the yearly maximum of {lever}").format(lever=detail), where))


def _min_per_year_step(model: Model, lp: CanonicalLP, info: RowInfo, where: str, detail: str) -> Step:
    return verb_step(1.0, _at(_("the minimum of {lever}").format(lever=detail), where), _("one unit"), N_("units"),
                     "unit", UNITS)


def _region_max_step(model: Model, lp: CanonicalLP, info: RowInfo, where: str, detail: str) -> Step:
    of = _at(_("{lever} in the regional maximum").format(lever=detail), where)
    return noun_step(1.0, _("one more unit of {of}").format(of=of), of, N_("units"), "unit", UNITS,
                     _at(_("the regional maximum of {lever}").format(lever=detail), where))


def _max_total_step(model: Model, lp: CanonicalLP, info: RowInfo, where: str, detail: str) -> Step:
    of = _("{lever} in the total allowed over the horizon").format(lever=detail)
    return noun_step(1.0, _("one more unit of {of}").format(of=of), of, N_("units"), "unit", UNITS,
                     _("the total of {lever} allowed over the horizon").format(lever=detail))


def _conversion_share_step(model: Model, lp: CanonicalLP, info: RowInfo, where: str, detail: str) -> Step:
    of = _keyed(_at(_("{lever} allowed per year").format(lever=detail), where), "max_share_per_year")
    return noun_step(1.0, _("one more teacher of {of}").format(of=of), of, N_("teachers"), "teacher",
                     (N_("teacher"), N_("teachers")),
                     _keyed(_at(_("the yearly {lever} allowance").format(lever=detail), where), "max_share_per_year"))


def _intake_cap_step(model: Model, lp: CanonicalLP, info: RowInfo, where: str, detail: str) -> Step:
    of = _keyed(_at(_("{tier} intake").format(tier=detail), where), "max_intake")
    return noun_step(1.0, _("one more place of {of}").format(of=of), of, N_("extra students"), "student",
                     (N_("place"), N_("places")),
                     _keyed(_at(_("the {tier} intake cap").format(tier=detail), where), "max_intake"))


def _teacher_hours_step(model: Model, lp: CanonicalLP, info: RowInfo, where: str, detail: str) -> Step:
    """One more teacher of the group: their yearly hours."""
    hours = model.config.groups[detail].hours
    thing = _at(_("{group} teachers' time").format(group=group_name(detail)), where)
    more = _at(_("one more {group} teacher's hours").format(group=group_name(detail)), where) + _(" ({hours} h)").format(
        hours=f"{hours:g}")
    return noun_step(hours, more, thing, N_("hours"), "teacher", (N_("hour"), N_("hours")), thing)


def _training_seats_step(model: Model, lp: CanonicalLP, info: RowInfo, where: str, detail: str) -> Step:
    """One more baseline seat: the seat hours of the first training-base lever (1,200 without one)."""
    builds = [lever for lever in model.config.levers.values() if lever.kind == "build"]
    seat = builds[0].seat_hours if builds else 1200.0
    thing = _at(_("baseline training seats"), where)
    more = _at(_("one more baseline training seat"), where) + _(" ({hours} seat hours)").format(hours=f"{seat:g}")
    return noun_step(seat, more, thing, N_("seat hours"), "seat", (N_("seat hour"), N_("seat hours")), thing)


def _enrolment_step(model: Model, lp: CanonicalLP, info: RowInfo, where: str, detail: str) -> Step:
    thing = _at(_("{tier} enrolment").format(tier=detail), where)
    return noun_step(1.0, _at(_("one more enrolled {tier} student").format(tier=detail), where), thing,
                     N_("student-years"), "student", (N_("student"), N_("students")), thing)


def _convertible_step(model: Model, lp: CanonicalLP, info: RowInfo, where: str, detail: str) -> Step:
    thing = _at(_("{group} teachers available to convert").format(group=group_name(detail)), where)
    return noun_step(1.0, _at(_("one more {group} teacher available to convert").format(group=group_name(detail)),
                              where), thing,
                     N_("teachers"), "teacher", (N_("teacher"), N_("teachers")), thing)


STEP_MAKERS: dict[str, Callable[[Model, CanonicalLP, RowInfo, str, str], Step]] = {
    "funding": _funding_step,
    "budget": _budget_step,
    "target": _target_step,
    "demand": _demand_step,
    "share": _share_step,
    "max_per_year": _max_per_year_step,
    "min_per_year": _min_per_year_step,
    "region_max": _region_max_step,
    "max_total": _max_total_step,
    "conversion_share": _conversion_share_step,
    "intake_cap": _intake_cap_step,
    "teacher_hours": _teacher_hours_step,
    "training_seats": _training_seats_step,
    "enrolment": _enrolment_step,
    "convertible": _convertible_step,
}
"""How each step a row kind names (:attr:`~optimiser.model.rows.RowKind.step`) is made and worded."""

_STEPS = {kind.name: STEP_MAKERS[kind.step] for kind in ROW_KINDS.values() if kind.step is not None}
"""The step of each ranked kind of row."""


def quoted_step(nominal: float, reach: float) -> float:
    """The step a statement quotes: ``nominal`` when the rate holds that far, else a power of ten within ``reach``.

    >>> quoted_step(1e6, 2.5e6), quoted_step(1e6, 17000.0), quoted_step(0.01, 0.0051)
    (1000000.0, 10000.0, 0.001)
    """
    if reach >= nominal * (1 - STEP_SLACK):
        return nominal
    step = 10.0 ** math.floor(math.log10(reach) + STEP_SLACK)
    return step if step <= reach * (1 + STEP_SLACK) else step / 10


PER_WORDS: dict[str, str] = {
    "million yuan": N_("per million yuan"), "graduate": N_("per graduate"), "unit": N_("per unit"),
    "teacher": N_("per teacher"), "student": N_("per student"), "seat": N_("per seat"),
}
"""What a ranked rate is quoted per (:attr:`Step.per`), for people; a share's step is ``"0.01 of share"``."""
OBJECTIVE_NOUNS = (N_("yuan"), N_("compound graduates"), N_("weighted compound graduates"))
"""What :func:`objective_noun` can name."""


def unit_label(unit: str) -> str:
    """The ``unit`` column of a ranking (``weighted compound graduates per million yuan``, English data, as the CSV
    file keeps it) in the current language; a unit not made here as it is.

    >>> from optimiser.i18n import language
    >>> with language("zh"):
    ...     unit_label("weighted compound graduates per million yuan"), unit_label("yuan per 0.01 of share")
    ('加权复合型毕业生（每100万元）', '元（比例每增加 0.01）')
    >>> unit_label("weighted compound graduates per teacher")
    'weighted compound graduates per teacher'
    """
    noun, per_word, per = unit.partition(" per ")
    if not per_word or noun not in OBJECTIVE_NOUNS:
        return unit
    if per in PER_WORDS:
        words = _(PER_WORDS[per])
    elif per.endswith(" of share"):
        words = _("per {step} of share").format(step=per[:-len(" of share")])
    else:
        return unit
    return _("{noun} {per}").format(noun=_(noun), per=words)


def objective_noun(model: Model) -> str:
    if model.mode == "min_cost":
        return N_("yuan")
    cfg = model.config
    plain = cfg.discount_rate == 0 and all(tier.weight == 1 for tier in cfg.tiers.values())
    return N_("compound graduates") if plain else N_("weighted compound graduates")


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
        span = _span(step, info, ranges.increase[i], ranges.decrease[i])
        quoted_edge = _quoted(step, span)
        if quoted_edge is None:
            continue  # the limit can move neither way at this rate: nothing true to say per step
        quoted, edge = quoted_edge
        effect = value * quoted / step.nominal
        statement = _statement(step, info.kind, quoted, effect, span, edge, _Wording(noun, min_cost, best))
        unit = f"{noun} per {step.per}"  # data, in English: unit_label words it for people
        entries.append((GROUPS[info.kind], -float(f"{abs(value):.9g}"), i, info.config_path, info.institution or "",
                        info.year, statement, value, unit, quoted, effect, span.low, span.high))
    # Equal effects (to nine digits) keep the model's row order, whatever the round-off of the solve.
    entries.sort(key=lambda e: (e[0], e[1], e[2]))
    frame = pd.DataFrame([e[3:] for e in entries], columns=RANKING_COLUMNS)
    frame["year"] = pd.array(list(frame["year"]), dtype="Int64")
    return frame


@dataclass(frozen=True)
class _Span:
    """The range of a limit over which its shadow price holds, in the limit's units."""

    limit: float
    low: float
    high: float
    floor: bool
    """The range stops at 0 (every limit ranked is a non-negative amount)."""
    ceiling: bool
    """The range stops at 1 (a share)."""
    tiny: float
    """A move of the limit smaller than this is round-off."""

    @property
    def up(self) -> float:
        return self.high - self.limit

    @property
    def down(self) -> float:
        return self.limit - self.low


def _span(step: Step, info: RowInfo, increase: float, decrease: float) -> _Span:
    """The row's allowable increase and decrease as a range of the limit the planner sets."""
    scale = step.scale if step.current is not None else 1.0
    limit = step.current if step.current is not None else info.limit
    increase = increase / info.unit_scale * scale
    decrease = decrease / info.unit_scale * scale
    tiny = ROUND_OFF * max(1.0, abs(limit))
    # Every limit ranked here is a non-negative amount (a share at most 1): its range stops there,
    # and so does the statement, with no "then" beyond it.
    low, high = limit - decrease, limit + increase
    floor = low <= tiny
    ceiling = step.current is not None and high >= 1.0 - tiny
    low = 0.0 if floor else low
    high = min(high, 1.0) if step.current is not None else high
    return _Span(limit, low, high, floor, ceiling, tiny)


def _quoted(step: Step, span: _Span) -> tuple[float, bool] | None:
    """The step to quote (negative for a cut) and whether the range ends at 0 or 1 there; None when it cannot move."""
    up, down = span.up, span.down
    if up > span.tiny:
        return quoted_step(step.nominal, up), span.ceiling
    if down > span.tiny:
        return -quoted_step(step.nominal, down), span.floor
    return None


@dataclass(frozen=True)
class _Wording:
    """What the statements count the objective in, and the money a marginal graduate costs (None: not said)."""

    noun: str
    min_cost: bool
    best: float | None


def _statement(step: Step, kind: str, quoted: float, effect: float, span: _Span, edge: bool, wording: _Wording) -> str:
    """The sentence for one limit: the step, what it buys, how far the rate holds, and over which range."""
    statement = _("{step} {effect}").format(step=_phrase(step, quoted), effect=_effect(effect, wording.noun, wording.min_cost))
    statement += _money_note(kind, quoted, effect, wording)
    then = "" if edge else _worse(effect, wording.min_cost)
    return _("{statement}; {validity}").format(
        statement=statement + _reach(quoted, span.up, span.down, step, then), validity=_validity(span.low, span.high, step))


def _money_note(kind: str, quoted: float, effect: float, wording: _Wording) -> str:
    """Money limits: the yuan per added graduate; other limits: what the effect is worth in money."""
    if kind in MONEY_LIMITS:
        if not wording.min_cost and effect != 0:
            return _(" ({amount} each)").format(amount=money(abs(quoted / effect)))
        return ""
    if wording.best is not None:
        return _(" (worth about {amount} at {rate} per marginal graduate)").format(
            amount=money(abs(effect) * wording.best), rate=money(wording.best))
    return ""


def _phrase(step: Step, quoted: float) -> str:
    if quoted == step.nominal:
        return step.more
    template = step.extra if quoted > 0 else step.less
    return template.format(amount=step.amount(abs(quoted)))


def _worse(effect: float, min_cost: bool) -> str:
    """What each further step does past the range (the optimum is concave in a limit, its cost convex)."""
    if min_cost:
        return _("costs more") if effect > 0 else _("saves less")
    return _("buys less") if effect > 0 else _("costs more")


def _reach(quoted: float, up: float, down: float, step: Step, worse: str) -> str:
    """", for up to 17,000 yuan more (then it buys less)": how far the quoted rate holds."""
    reach = up if quoted > 0 else down
    if math.isinf(reach):
        return ""
    then = _(" (then it {worse})").format(worse=worse) if worse else ""
    if quoted > 0:
        return _(", for up to {amount} more{then}").format(amount=_show(reach, step), then=then)
    return _(", for up to {amount} less{then}").format(amount=_show(reach, step), then=then)


def _cheapest_graduate(infos: list[RowInfo], prices: np.ndarray) -> float | None:
    """Yuan per graduate at the best-paying money limit (the cheapest marginal graduate)."""
    rates = [prices[i] for i, info in enumerate(infos) if info.kind in MONEY_LIMITS and prices[i] > 0]
    return 1.0 / max(rates) if rates else None


def _effect(value: float, noun: str, min_cost: bool) -> str:
    if min_cost:
        if value < 0:
            return _("saves {amount} of total cost").format(amount=yuan(-value, small=number))
        return _("costs {amount}").format(amount=yuan(value, small=number))
    if value >= 0:
        return _("buys {count} {noun}").format(count=number(value), noun=_(noun))
    return _("costs {count} {noun}").format(count=number(-value), noun=_(noun))


AMOUNTS = {
    "graduates": N_("{amount} graduates"), "units": N_("{amount} units"), "teachers": N_("{amount} teachers"),
    "extra students": N_("{amount} extra students"), "hours": N_("{amount} hours"),
    "seat hours": N_("{amount} seat hours"), "student-years": N_("{amount} student-years"),
}
"""An amount of a limit in its unit, one message each, so a language can put its measure word in
(``2.06 graduates``, in Chinese ``2.06 名毕业生``)."""


def _show(value: float, step: Step) -> str:
    if step.limit_unit == "yuan":
        return money(value)
    if step.limit_unit == "share":
        return f"{value:.4g}"
    if step.limit_unit in AMOUNTS:
        return _(AMOUNTS[step.limit_unit]).format(amount=number(value))
    return _("{amount} {unit}").format(amount=number(value), unit=_(step.limit_unit))


def _validity(low: float, high: float, step: Step) -> str:
    approx = _(" (approximately: hiring changes the in-house head count)") if step.approximate else ""
    if math.isinf(low) and math.isinf(high):
        return _("valid at any level") + approx
    if math.isinf(high):
        return _("valid from {low} upward").format(low=_show(low, step)) + approx
    if math.isinf(low):
        return _("valid up to {high}").format(high=_show(high, step)) + approx
    first, second = _show(low, step), _show(high, step)
    unit = " " + _(step.limit_unit)
    if step.limit_unit != "share" and first.endswith(unit) and second.endswith(unit):
        first = first[: -len(unit)]
    return _("valid from {low} to {high}").format(low=first, high=second) + approx
