"""The terminal summary of a result and its HTML twin for notebooks.

The summary says what to do first: per institution and year, the units of
each lever to start, in whole numbers, with their cost; then the money, the
graduates, the teachers, the limits that bind and where the "three no" bind.
Its words follow the chosen language (:mod:`optimiser.i18n`); the numbers in
tables stay in yuan, the money in prose reads 万元 / 亿元 in Chinese.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..i18n import N_, _, aside, clauses, colon, language, money, number, place_and_year, series
from ..i18n.words import COURSE_NO, PER_UNIT, relief_words
from ..model.rows import MONEY_LIMITS, PLANNER_LIMITS, PRICE_UNITS, kind_label
from .layout import display_width, grid, pad
from .summary import ordered_binding

if TYPE_CHECKING:
    from ..config.types import Config, Lever
    from ..results import Result

BINDING_SHOWN = 12


def yuan(value: float) -> str:
    """Money in prose, in the current language."""
    return money(value)


def _num(value: float, digits: int = 1) -> str:
    return number(value, digits)


def _by_tier_year(values: dict[str, dict[int, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(values).T.sort_index()
    frame.columns = [str(c) for c in frame.columns]
    return frame


def tier_year_lines(values: dict[str, dict[int, float]], digits: int) -> list[str]:
    """The table of :func:`_by_tier_year`, drawn from the dict itself: tiers sorted, years as first met."""
    years = list(dict.fromkeys(year for by_year in values.values() for year in by_year))
    return _table_lines(sorted(values), years, lambda tier, year: values[tier].get(year), digits)


def _columns(frame: pd.DataFrame, *names: str) -> list[list[Any]]:
    """The values of ``names`` in ``frame``, one plain list per column (rows stay in the frame's order)."""
    return [frame[name].tolist() for name in names]


def _pivot_sum_lines(frame: pd.DataFrame, index: str, column: str, value: str, digits: int) -> list[str]:
    """``frame.pivot_table(index, columns, values, aggfunc="sum")`` drawn as :func:`_frame_lines` draws it."""
    sums: dict[tuple[Any, Any], list[float]] = {}
    for key, col, amount in zip(*_columns(frame, index, column, value)):
        sums.setdefault((key, col), []).append(float(amount))
    totals = {key: math.fsum(amounts) for key, amounts in sums.items()}
    keys = sorted({key for key, _col in totals})
    columns = sorted({col for _key, col in totals})
    return _table_lines(keys, columns, lambda key, col: totals.get((key, col)), digits)


def summary_text(result: Result, lang: str | None = None) -> str:
    """The summary a terminal shows, in ``lang`` ("en", "zh"; None: the current language)."""
    with language(lang):
        return _summary_text(result)


def _summary_text(result: Result) -> str:
    s = result.summary
    lines = [
        _("{name}  [scenario: {scenario}, solver: {solver}]").format(
            name=s.get("name"), scenario=s.get("scenario"), solver=s.get("solver")),
        _("status: {status}").format(status=result.status.value),
    ]
    if not result.ok:
        if result.diagnosis:
            lines.append(_("why:") if result.status.value == "infeasible" else _("what grows without limit:"))
            lines.extend(f"  - {d.message}" for d in result.diagnosis)
        else:  # no plan and no diagnosis: the notes say what went wrong
            lines.extend(_("note: {text}").format(text=n) for n in s.get("notes", []))
        lines.extend(_("warning: {text}").format(text=w) for w in s.get("warnings", []))
        return "\n".join(lines)
    if s.get("mode") == "min_cost":
        lines.append(_("objective (total cost, minimised): {amount}").format(amount=yuan(result.objective)))
    else:
        lines.append(_("objective (weighted compound graduates, maximised): {value}").format(
            value=_num(result.objective)))
    lines.append(_("total cost: {amount}").format(amount=yuan(result.total_cost)))
    if s.get("lp_bound") is not None:
        lines.extend(_whole_unit_lines(s))
    lines.extend(cost_lines(s))
    lines.extend(_time_lines(s))
    lines.extend(_("note: {text}").format(text=n) for n in s.get("notes", []))
    lines.extend(_("warning: {text}").format(text=w) for w in s.get("warnings", []))

    lines.extend(_action_lines(result))
    lines.extend(_spend_lines(result))

    lines.append("\n" + _("compound graduates by tier and year:"))
    lines.extend(tier_year_lines(result.compound_output(), 1))
    lines.append(_("single-skill graduates by tier and year:"))
    lines.extend(tier_year_lines(result.single_skill_output(), 1))

    lines.extend(teacher_lines(result))
    lines.extend(_binding_lines(result))
    lines.extend(bottleneck_lines(result))
    return "\n".join(lines)


def _frame_lines(frame: pd.DataFrame, digits: int) -> list[str]:
    """A numeric frame as an aligned table: the index first, numbers with thousands separators."""
    header = ["", *[str(c) for c in frame.columns]]
    rows = [[str(index), *[_cell(v, digits) for v in row]] for index, row in zip(frame.index, frame.to_numpy())]
    return grid(header, rows)


def _table_lines(keys: list[Any], columns: list[Any], value: Callable[[Any, Any], Any], digits: int) -> list[str]:
    """The table :func:`_frame_lines` draws, from row keys, column keys and the value of each cell (None: none)."""
    header = ["", *[str(c) for c in columns]]
    rows = [[str(key), *[_cell(value(key, col), digits) for col in columns]] for key in keys]
    return grid(header, rows)


def _cell(value: Any, digits: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return number(float(value), digits)


def _whole_unit_lines(s: dict) -> list[str]:
    """An integer plan: the gap it is proven within, and what whole units cost against the LP optimum."""
    min_cost = s.get("mode") == "min_cost"
    show: Callable[[float], str] = yuan if min_cost else (lambda v: _num(v, 2))
    lines = []
    gap, bound, target = s.get("gap"), s.get("bound"), s.get("mip_gap")
    if gap is not None and bound is not None:
        aim = _("; target {target}").format(target=f"{target:.2%}") if target is not None else ""
        lines.append(_("whole units (MILP): proven within {gap} of the best whole-unit plan (best bound {bound}{aim})")
                     .format(gap=f"{gap:.3%}", bound=show(bound), aim=aim))
    else:
        lines.append(_("whole units (MILP): LP bound {bound}").format(bound=show(s["lp_bound"])))
    cost, share = s.get("integrality_cost"), s.get("integrality_gap")
    if cost is not None:
        share_text = aside(f"{share:.3%}") if share is not None else ""
        if min_cost:
            text = _("integrality cost: {amount} more than the LP optimum {bound} with fractional units{share}")
            amount = yuan(cost)
        else:
            text = _("integrality cost: {amount} weighted graduates fewer than the LP optimum {bound} "
                     "with fractional units{share}")
            amount = _num(cost, 2)
        lines.append(text.format(amount=amount, bound=show(s["lp_bound"]), share=share_text))
    return lines


def cost_lines(s: dict) -> list[str]:
    """The average and the added cost per graduate, the baseline and what the plan commits, each labelled."""
    lines = []
    per = s.get("cost_per_compound_graduate")
    if per is not None:
        lines.append(_("average cost per compound graduate: {amount}  (total cost / all {count} compound graduates "
                       "over the horizon, with or without the plan)").format(
            amount=yuan(per), count=_num(s.get("compound_graduates", 0.0))))
    baseline = s.get("baseline_output")
    if baseline is not None:
        added = s.get("added_output") or 0.0
        per_added = s.get("cost_per_added_graduate")
        delivered = s.get("weighted_output")
        if delivered is not None and s.get("output_given_up"):
            # A steadier plan delivers less than the objective: the sum that reconciles baseline and added.
            lines.append(_("do-nothing baseline: {baseline} weighted graduates; the plan delivers {delivered} and adds "
                           "{added}").format(baseline=_num(baseline), delivered=_num(delivered), added=_num(added)))
        else:
            lines.append(_("do-nothing baseline: {baseline} weighted graduates; the plan adds {added}").format(
                baseline=_num(baseline), added=_num(added)))
        lines.append(
            _("cost per added weighted graduate: {amount}  (total cost / output added over the baseline)").format(
                amount=yuan(per_added)) if per_added is not None
            else _("cost per added weighted graduate: none (the plan adds no output over the baseline)")
        )
    due = s.get("commitments_after_horizon") or 0.0
    yearly = s.get("commitments_per_year_after_horizon") or 0.0
    if due or yearly:
        text = _("committed after the horizon: {amount} (subsidies still due, contracts and bases still running)") \
            .format(amount=yuan(due))
        if yearly:
            text += _(", and {amount} a year to run bases with no end of life").format(amount=yuan(yearly))
        lines.append(text)
    share = s.get("smoothing")
    if share is not None and share > 1e-6:
        lines.append(_("steadier plan (smooth: {share}): {given} weighted graduates given up").format(
            share=f"{share:g}", given=_num(s.get("output_given_up") or 0.0, 2)))
        extra = s.get("steadiness_cost")
        # The solve stores 0 for an amount within the smoothing stage's cost cap (its round-off).
        if extra is not None and extra > 0:
            lines.append(_("  and {amount} spent for steadiness: the cheapest plan with the same output, less steady, "
                           "costs that much less").format(amount=yuan(extra)))
    return lines


SLOW_SOLVE_SECONDS = 10.0
"""A solve at least this long says where its time went (a national config: the smoothing stage can take most)."""

STAGE_NAMES = {
    "main": N_("main solve"), "tie_break": N_("tie-break"), "smoothing": N_("smoothing"),
    "steadiness_cost": N_("cost of steadiness"),
    "shadow_prices": N_("shadow prices"), "baseline": N_("do-nothing baseline"),
}
"""The stages of a solve, as the time line names them."""


def _time_lines(s: dict) -> list[str]:
    """For a long solve: the seconds of each stage that ran and their sum, and how to skip the smoothing stage
    when it took the most."""
    stages = s.get("stage_seconds") or {}
    total = math.fsum(stages.values())
    if total < SLOW_SOLVE_SECONDS:
        return []
    parts = [_("{stage} {seconds} s").format(stage=_(STAGE_NAMES.get(stage, stage)), seconds=f"{seconds:,.1f}")
             for stage, seconds in stages.items()]
    lines = [_("solve time: {total} s, the sum of these stages ({stages}); building the model is not counted")
             .format(total=f"{total:,.1f}", stages=_("; ").join(parts))]
    if s.get("smoothing_applied") and max(stages, key=lambda stage: stages[stage]) == "smoothing":
        lines.append(_("most of it went to the smoothing stage: objective.smooth: false skips it (the plan is "
                       "then optimal but not the steadiest: its split between years, institutions and sources is "
                       "whichever the solver finds)"))
    return lines


# --- what to do --------------------------------------------------------------------------------------------------

KIND_VERBS = {"hire": N_("hire"), "convert": N_("convert"), "build": N_("build"), "subsidise": N_("subsidise")}
"""The verb of each lever kind."""

NAMED_VERBS = {
    "recruit": "recruit", "recruitment": "recruit", "recruiting": "recruit",
    "retrain": "retrain", "retraining": "retrain",
    "second": "second", "secondment": "second", "secondments": "second",
}
"""A lever whose name's first word says what it does (recruitment, retraining, secondments) keeps that verb."""

PHRASES = {
    "hire": N_("hire {units} {noun}"), "recruit": N_("recruit {units} {noun}"), "retrain": N_("retrain {units} {noun}"),
    "second": N_("second {units} {noun}"),
    "convert": N_("convert {units} {noun}"), "build": N_("build {units} {noun}"),
    "subsidise": N_("subsidise {units} {noun}"),
}
"""The statement of each verb; in Chinese the order and the measure word differ."""

GROUP_NOUNS = {
    "enterprise_lecturer": (N_("enterprise lecturer"), N_("enterprise lecturers")),
    "double_qualified": (N_("double-qualified teacher"), N_("double-qualified teachers")),
    "academic": (N_("academic teacher"), N_("academic teachers")),
    "three_no": (N_('"three no" teacher'), N_('"three no" teachers')),
}
"""Nouns of the teacher groups the shipped configs declare; other groups are named by their key."""

PERSON_WORDS = ("lecturer", "teacher", "instructor", "tutor", "mentor", "professor", "expert", "trainer", "staff")


def lever_verb(lever: Lever) -> str:
    """The verb of ``lever``: its own when its name says it (``recruitment`` recruits), else its kind's."""
    first = lever.name.lower().replace("-", "_").replace(" ", "_").split("_")[0]
    return NAMED_VERBS.get(first, lever.kind)


def _group_noun(group: str, count: float) -> str:
    one = abs(count - 1) < 0.5
    if group in GROUP_NOUNS:
        singular, plural = GROUP_NOUNS[group]
        return _(singular if one else plural)
    words = group.replace("_", " ").strip()
    if any(words.lower().endswith(word) or words.lower().endswith(word + "s") for word in PERSON_WORDS):
        base = words[:-1] if words.lower().endswith("s") else words
        return base if one else base + "s"
    return _("{group} teacher").format(group=words) if one else _("{group} teachers").format(group=words)


def lever_noun(lever: Lever, tier: str, count: float) -> str:
    """What ``count`` units of ``lever`` are: lecturers, teachers, seats, places."""
    noun_of = KIND_NOUNS.get(lever.kind)
    noun = noun_of(lever, tier, count) if noun_of is not None else None
    return lever.name if noun is None else noun


def _hire_noun(lever: Lever, tier: str, count: float) -> str | None:
    return _group_noun(lever.group, count) if lever.group else None


def _convert_noun(lever: Lever, tier: str, count: float) -> str | None:
    if not lever.source_group:
        return None
    noun = _group_noun(lever.source_group, count)
    if not lever.target_group:
        return noun
    target = _(GROUP_NOUNS[lever.target_group][1]) if lever.target_group in GROUP_NOUNS else lever.target_group
    return _("{noun} (to {target})").format(noun=noun, target=target)


def _build_noun(lever: Lever, tier: str, count: float) -> str:
    one = abs(count - 1) < 0.5
    if lever.seats_per_unit == 1:
        return _("training seat") if one else _("training seats")
    return (_("training base of {seats} seats") if one else _("training bases of {seats} seats")).format(
        seats=f"{lever.seats_per_unit:g}")


def _subsidise_noun(lever: Lever, tier: str, count: float) -> str:
    one = abs(count - 1) < 0.5
    if not tier:
        return _("place") if one else _("places")
    return (_("{tier} place") if one else _("{tier} places")).format(tier=tier)


KIND_NOUNS: dict[str, Callable[[Lever, str, float], str | None]] = {
    "hire": _hire_noun,
    "convert": _convert_noun,
    "build": _build_noun,
    "subsidise": _subsidise_noun,
}
"""The noun of each lever kind's units; ``None`` (or a kind not listed) means the lever's own name."""


def whole(units: float) -> str:
    """Units in whole numbers; a start of less than half a unit shows as ``<1``."""
    if 0 < units < 0.5:
        return "<1"
    return f"{math.floor(units + 0.5):,}"


def action_statement(lever: Lever, units: float, tier: str = "") -> str:
    """``hire 178 enterprise lecturers``: what to start, in the current language."""
    verb = lever_verb(lever)
    rounded = math.floor(units + 0.5)
    return _(PHRASES[verb]).format(units=whole(units), noun=lever_noun(lever, tier, rounded))


def _action_lines(result: Result) -> list[str]:
    """Per institution and year, the units of each lever to start and their cost."""
    plan, config = result.plan, result.config
    if plan.empty or config is None:
        return []
    started = plan[plan["units"] > 1e-6]
    lines = ["\n" + _("what to do (units to start in each year, shown in whole numbers; cost in yuan):")]
    if started.empty:
        return [*lines, "  " + _("nothing: the plan starts no lever")]
    order = {inst.name: i for i, inst in enumerate(config.institutions)}
    levers = list(config.levers)
    groups: dict[tuple[Any, Any], list[tuple[Any, Any, Any, Any]]] = {}
    for lever, inst, tier, year, units, cost in zip(
            *_columns(started, "lever", "institution", "tier", "year", "units", "cost")):
        groups.setdefault((inst, year), []).append((lever, tier, units, cost))
    rows: list[tuple[str, str, str, str]] = []
    # Institutions in config order, years ascending; in each, levers in config order (sorted as pandas sorts).
    for inst, year in sorted(sorted(groups), key=lambda key: (order.get(key[0], len(order)), key[1])):
        group = groups[inst, year]
        rank = np.array([levers.index(lever) if lever in levers else 0 for lever, *_rest in group], dtype=np.int64)
        for index in rank.argsort(kind="quicksort").tolist():
            lever, tier, units, cost = group[index]
            statement = action_statement(config.levers[lever], float(units), str(tier or ""))
            rows.append((str(inst), str(year), statement, number(float(cost), 0)))
    return lines + _action_rows(rows)


def _action_rows(rows: list[tuple[str, str, str, str]]) -> list[str]:
    """``(institution, year, statement, cost)`` rows as lines: each institution and year named once, costs aligned."""
    lines = []
    width = max(display_width(statement) for _i, _y, statement, _c in rows)
    cost_width = max(len(cost) for *_rest, cost in rows)
    shown_inst = shown_year = None
    for inst, year, statement, cost in rows:
        if inst != shown_inst:
            lines.append(f"  {inst}")
            shown_inst, shown_year = inst, None
        label = year if year != shown_year else ""
        shown_year = year
        lines.append(f"    {label:<6}{pad(statement, width)}  {cost:>{cost_width}}")
    return lines


def _spend_lines(result: Result) -> list[str]:
    unit = _("yuan")
    lines = ["\n" + _("spend by lever ({unit}):").format(unit=unit)]
    lines.extend(grid(["", ""], [[lever, number(amount, 0)] for lever, amount in sorted(result.spend_by_lever().items())])[1:])
    lines.append(_("spend by source ({unit}):").format(unit=unit))
    lines.extend(grid(["", ""], [[source, number(amount, 0)]
                                 for source, amount in sorted(result.spend_by_source().items())])[1:])
    if not result.funding.empty:
        lines.append(_("spend by lever and year ({unit}):").format(unit=unit))
        lines.extend(_pivot_sum_lines(result.funding, "lever", "year", "amount", 0))
    return lines


def teacher_lines(result: Result) -> list[str]:
    """Teachers of each group in the province by year, the plan's beside the do-nothing baseline's."""
    table = result.teachers
    if table.empty:
        return []
    return ["\n" + _("teachers by group and year (all institutions; teachers.csv has each institution and the "
                     "baseline):"), *_pivot_sum_lines(table, "group", "year", "teachers", 1)]


# --- binding limits -----------------------------------------------------------------------------------------------

MILLION = 1e6


def next_million_lines(binding: pd.DataFrame, min_cost: bool) -> list[str]:
    """One line per distinct rate per million yuan of the binding funding and budget limits.

    The rates are shadow prices: what money buys at the margin, over each
    limit's allowable range only (``optimiser sensitivity`` reports it).
    Sources that buy the same at the same price in the same years are listed
    together.
    """
    prices: dict[Any, list[tuple[str, float]]] = {}  # by name (in the current language), in order of first appearance
    for kind, detail, year, price in zip(*_columns(binding, "kind", "detail", "year", "shadow_price")):
        if kind in MONEY_LIMITS:
            prices.setdefault(kind_label(kind, detail), []).append((_year(year), round(float(price) * MILLION, 2)))
    profiles: dict[tuple, list[str]] = {}
    for name, values in prices.items():
        profiles.setdefault(tuple(sorted(values)), []).append(str(name))
    lines = []
    for profile, names in sorted(profiles.items(), key=lambda item: -max(abs(p) for _y, p in item[0])):
        values = [(year, price) for year, price in profile]
        if min_cost:
            parts = [_("{amount} yuan less").format(amount=f"{abs(price):,.0f}") if not year
                     else _("{amount} yuan less in {year}").format(amount=f"{abs(price):,.0f}", year=year)
                     for year, price in values]
            text = _("more money from {sources} lowers the total cost, at the margin, per million yuan by: {values} "
                     "(each rate holds only as far as `optimiser sensitivity` says)")
        else:
            parts = [_price(price) if not year else _("{value} in {year}").format(value=_price(price), year=year)
                     for year, price in values]
            text = _("more money from {sources} buys, at the margin, this many weighted graduates per million yuan: "
                     "{values} (each rate holds only as far as `optimiser sensitivity` says)")
        lines.append("  " + text.format(sources=_or(names), values=_(", ").join(parts)))
    return lines


def _or(names: list[str]) -> str:
    names = sorted(names)
    if len(names) == 1:
        return names[0]
    return _("{first} or {last}").format(first=_(", ").join(names[:-1]), last=names[-1])


def _binding_lines(result: Result) -> list[str]:
    """The next million yuan; other binding planner limits one by one; binding capacities counted by kind."""
    binding = ordered_binding(result)
    min_cost = result.summary.get("mode") == "min_cost"
    unit = _("yuan") if min_cost else _("graduates")
    lines = [
        "\n" + _("binding limits (shadow price: the rate at which the objective, in {unit}, changes per unit increase "
                 "of the limit; it holds over the limit's allowable range, which `optimiser sensitivity` reports):")
        .format(unit=unit),
    ]
    if result.summary.get("output_given_up"):
        lines.append("  " + _("the plan returned gives output up for steadiness: a limit is listed where it binds in "
                              "this plan, and its price is what it is worth at the optimum"))
    kinds, details = _columns(binding, "kind", "detail") if len(binding) else ([], [])
    names = [kind_label(kind, detail) for kind, detail in zip(kinds, details)]
    rows = list(zip(kinds, names, *_columns(binding, "config_path", "institution", "year", "shadow_price")))
    limits = [row for row in rows if row[0] in PLANNER_LIMITS]
    if not limits:
        lines.append("  " + _("none: no funding, budget, policy, target or lever limit binds"))
    else:
        lines.extend(next_million_lines(binding, min_cost))
        lines.extend(_limit_lines([row for row in limits if row[0] not in MONEY_LIMITS]))
    lines.extend(_capacity_lines(rows))
    lines.append("  " + _("every constraint with its slack and shadow price: constraints.csv (--out)"))
    return lines


def _limit_lines(others: list[tuple[Any, ...]]) -> list[str]:
    """The binding planner limits other than money, one a line (the first :data:`BINDING_SHOWN`)."""
    lines = []
    for kind, name, config_path, institution, year, shadow_price in others[:BINDING_SHOWN]:
        where = place_and_year(institution, _year(year))
        per = _(PRICE_UNITS.get(kind, PER_UNIT))
        lines.append(f"  {_price(shadow_price):>12} {pad(per, 12)} {name} [{config_path}]"
                     + (aside(where) if where else ""))
    if len(others) > BINDING_SHOWN:
        lines.append("  " + _("... {count} more limits").format(count=len(others) - BINDING_SHOWN))
    return lines


def _capacity_lines(rows: list[tuple[Any, ...]]) -> list[str]:
    """Binding capacities (not planner limits) counted by name, most first, on one line."""
    capacities: dict[Any, int] = {}
    for kind, name, *_rest in rows:
        if kind not in PLANNER_LIMITS and kind != "funding_balance":
            capacities[name] = capacities.get(name, 0) + 1
    if not capacities:
        return []
    listed = series(f"{name}{aside(count)}" for name, count in _most_first(capacities))
    return ["  " + _("binding capacities (institution-years): {listed}").format(listed=listed)]


def _most_first(counts: dict[Any, int]) -> list[tuple[Any, int]]:
    """``counts`` by name, largest first, ties in the order ``Series.sort_values(ascending=False)`` leaves them
    for a count per name in name order (as ``groupby("name").size()`` gives it)."""
    names = sorted(counts)
    values = np.array([counts[name] for name in names], dtype=np.int64)
    reverse = np.arange(len(names))[::-1]
    order = reverse[values[::-1].argsort(kind="quicksort")][::-1]
    return [(names[index], counts[names[index]]) for index in order.tolist()]


def _price(value: float) -> str:
    size = abs(value)
    return f"{value:,.0f}" if size >= 100 else f"{value:,.2f}" if size >= 1 else f"{value:.4g}"


# --- bottlenecks --------------------------------------------------------------------------------------------------

BOTTLENECK_CODES = (("knowledge", "K"), ("practice", "P"), ("training", "T"), ("seats_binding", "S"), ("enrolment_binding", "E"))


def _codes(row: dict[str, Any]) -> str:
    no = "".join(code for column, code in BOTTLENECK_CODES[:3] if bool(row[column]))
    capacity = "".join(code for column, code in BOTTLENECK_CODES[3:] if bool(row[column]))
    return " ".join(part for part in (no, capacity) if part) or "-"


def bottleneck_lines(result: Result, given_plan: bool = False) -> list[str]:
    """Institution x year grid of which "no" (and which capacity) binds, in letters, aligned by display width.

    ``given_plan``: the result is a fixed plan's (``evaluate``), whose grid says what binds with the plan's
    units held, not what binds at the optimum.
    """
    table = result.bottlenecks
    if table.empty:
        return []
    names = ["institution", "year", *(column for column, _code in BOTTLENECK_CODES)]
    records = [dict(zip(names, values)) for values in zip(*_columns(table, *names))]
    codes = {(row["institution"], row["year"]): _codes(row) for row in records}
    years = sorted({year for _inst, year in codes})
    header = ["", *[str(c) for c in years]]
    rows = [[str(inst), *[codes.get((inst, year), "nan") for year in years]]
            for inst in sorted({inst for inst, _year in codes})]
    title = (_('bottlenecks given the plan: which "no" binds where with its units held (not at the optimum)')
             if given_plan else _('bottlenecks: which "no" binds where'))
    lines = [
        "\n" + title,
        "  " + _('the three "no": {legend}').format(legend=_(", ").join(
            f"{code} {_(COURSE_NO[course])}" for course, code in BOTTLENECK_CODES[:3])),
        "  " + _("capacities (after a space): S training seats, E enrolment; - nothing binds"),
        *grid(header, rows, align="<" + "<" * (len(header) - 1)),
    ]
    return lines + _scarce_lines(result, records) + _relief_lines(result)


def _scarce_lines(result: Result, records: list[dict[str, Any]]) -> list[str]:
    """One line per resource that binds several "no" at once, with the institution-years it does."""
    from ..results import scarce_resources

    found = scarce_resources(result.config, result.constraints)
    scarce: dict[Any, int] = {}
    for row in records:
        resource = found.get((row["institution"], int(row["year"])))
        if resource is not None:
            scarce[resource] = scarce.get(resource, 0) + 1
    return ["  " + _("one scarce resource, {resource}: {count} institution-years").format(
        resource=resource.words(), count=count) for resource, count in scarce.items()]


def _relief_lines(result: Result) -> list[str]:
    """Which "no" each lever relieves, on one line (none without a model)."""
    if result.model is None:
        return []
    from ..results import lever_relieves

    relieves = lever_relieves(result.model)
    if not relieves:
        return []
    return ["  " + _("levers relieve: {list}").format(list=clauses(
        f"{name}{colon()}{relief_words(what)}" for name, what in relieves.items()))]


def _year(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(int(value)) if isinstance(value, float) else str(value)


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


def config_of(result: Result) -> Config | None:
    return result.config


def summary_html(result: Result, lang: str | None = None) -> str:
    with language(lang):
        return _summary_html(result)


def _summary_html(result: Result) -> str:
    s = result.summary
    esc = html.escape
    head = "<b>{}</b> — {}".format(esc(str(s.get("name"))), esc(_("scenario {scenario}, solver {solver}").format(
        scenario=s.get("scenario"), solver=s.get("solver"))))
    if not result.ok:
        items = "".join(f"<li>{esc(d.message)}</li>" for d in result.diagnosis)
        status = _("status")
        return f"<div>{head}<br>{esc(status)}{esc(colon())}<b>{esc(result.status.value)}</b><ul>{items}</ul></div>"
    rows = [
        (_("status"), result.status.value),
        (_("objective"), f"{result.objective:,.2f}"),
        (_("total cost (yuan)"), f"{result.total_cost:,.0f}"),
        (_("average cost per compound graduate (yuan)"), f"{s.get('cost_per_compound_graduate') or float('nan'):,.0f}"),
        (_("cost per added weighted graduate (yuan)"), f"{s.get('cost_per_added_graduate') or float('nan'):,.0f}"),
    ]
    table = "".join(f"<tr><th style='text-align:left'>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    spend = pd.Series(result.spend_by_lever(), name="yuan").to_frame().to_html(float_format=lambda x: f"{x:,.0f}")
    output = _by_tier_year(result.compound_output()).to_html(float_format=lambda x: f"{x:,.1f}")
    spend_title, output_title = _("Spend by lever"), _("Compound graduates by tier and year")
    return (f"<div>{head}<table>{table}</table><p>{esc(spend_title)}</p>{spend}"
            f"<p>{esc(output_title)}</p>{output}</div>")
