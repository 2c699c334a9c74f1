"""The sentences a report leads with: which plan is better, by how much,
where each plan is bottlenecked, and what the next million buys.

The workbook (:mod:`optimiser.report.xlsx`) and the HTML page
(:mod:`optimiser.report.html`) both open with these lines, so the two say
the same thing in the same words.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeGuard

import pandas as pd

from ..i18n import _, aside, clauses, money, series
from ..i18n.words import COURSE_NO, unit_words

if TYPE_CHECKING:
    from ..results import Result

NEXT_MILLION_SHOWN = 3
"""How many ranked sensitivity statements a summary repeats."""
VIOLATIONS_SHOWN = 3
"""How many broken limits of a hand-made plan the verdict names."""


def objective_words(result: Result) -> str:
    """What the objective of ``result`` counts, in planner words."""
    if result.summary.get("mode") == "min_cost":
        return _("total cost (yuan, minimised)")
    return _("weighted compound graduates (maximised)")


def _finite(value: Any) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and math.isfinite(value)


def _million(amount: float) -> str:
    """Money in million yuan; amounts under 100,000 yuan in yuan (0.00 M would hide them); Chinese in 万元."""
    return money(amount, ",.2f", 1e5)


def _percent(share: float) -> str:
    return f"{share:+.2%}" if abs(share) < 1e-3 else f"{share:+.1%}"


def plan_verdict(results: Sequence[tuple[str, Result]]) -> list[str]:
    """Which of the compared plans is best, and how far each other plan is from it.

    Plans without an optimum, and hand-made plans that break a limit (their
    ``summary["violations"]``), are named with the reason and left out of the
    ranking. In ``max_output`` mode the plan that delivers the most weighted
    graduates wins (ties go to the cheaper one): plans are compared by the
    weighted output of the plans returned (``summary["weighted_output"]``,
    the optimum less any output given up for steadiness), as the added
    output is; in ``min_cost`` mode the cheapest wins.

    >>> plan_verdict([("base", base), ("austerity", lean)])  # doctest: +SKIP
    ['Best plan by the objective: base (it delivers 30,926.8 weighted compound graduates, 95.44 M yuan).',
     'austerity: 832.6 fewer weighted compound graduates than base (-2.7%), 30.08 M yuan cheaper.']
    """
    if not results:
        return []
    broken, solved = _broken_and_solved(results)
    if not solved:
        return [_nothing_to_carry_out(results, broken)]
    if len({r.summary.get("mode") for _, r in solved}) > 1:
        return _mixed_verdict(results, solved, broken)
    if len(results) == 1:
        return []
    min_cost = solved[0][1].summary.get("mode") == "min_cost"
    best_name, best = _best_by_objective(solved, min_cost)
    lines = [_best_line(best_name, best, min_cost)]
    if not min_cost:
        lines += _lowest_cost_per_graduate_line(solved, best_name, best)
    lines += [
        _verdict_line(name, result, broken[name], best, best_name, min_cost)
        for name, result in results
        if not (name == best_name and result is best)
    ]
    return lines


def _broken_and_solved(
    results: Sequence[tuple[str, Result]],
) -> tuple[dict[str, list[str]], list[tuple[str, Result]]]:
    """The limits each plan breaks, and the plans with an optimum that break none."""
    broken = {name: list(r.summary.get("violations") or []) for name, r in results}
    solved = [(name, r) for name, r in results if r.ok and _finite(r.objective) and not broken[name]]
    return broken, solved


def _nothing_to_carry_out(results: Sequence[tuple[str, Result]], broken: dict[str, list[str]]) -> str:
    reasons = [
        _("{name} breaks {count} limits").format(name=name, count=len(broken[name])) if broken[name]
        else _("{name} is {status}").format(name=name, status=r.status.value)
        for name, r in results
    ]
    return _("No plan can be carried out: {reasons}.").format(reasons=series(reasons))


def _best_by_objective(solved: list[tuple[str, Result]], min_cost: bool) -> tuple[str, Result]:
    """The cheapest plan in ``min_cost`` mode; else the most weighted output delivered, ties to the cheaper."""
    if min_cost:
        return min(solved, key=lambda item: item[1].objective)
    return max(solved, key=lambda item: (_output(item[1]), -item[1].total_cost))


def _best_line(best_name: str, best: Result, min_cost: bool) -> str:
    if min_cost:
        return _("Best plan by the objective: {name} (the cheapest, {cost}).").format(
            name=best_name, cost=_million(best.total_cost))
    return _("Best plan by the objective: {name} (it delivers {value} weighted compound graduates, {cost}).").format(
        name=best_name, value=f"{_output(best):,.1f}", cost=_million(best.total_cost))


def _lowest_cost_per_graduate_line(solved: list[tuple[str, Result]], best_name: str, best: Result) -> list[str]:
    """The plan with the lowest cost per added graduate (over the do-nothing baseline), when it is not the best.

    The average cost per compound graduate would flatter every plan by the
    graduates the institutions produce anyway; plans are ranked by what they add.
    """
    cheapest = min(
        ((name, r) for name, r in solved if _finite(r.summary.get("cost_per_added_graduate"))),
        key=lambda item: item[1].summary["cost_per_added_graduate"], default=None,
    )
    if cheapest is None or cheapest[0] == best_name:
        return []
    return [_("Lowest cost per added weighted graduate: {name} ({cost}, against {best_cost} in {best}).").format(
        name=cheapest[0], cost=money(cheapest[1].summary["cost_per_added_graduate"]),
        best_cost=money(best.summary.get("cost_per_added_graduate") or math.nan), best=best_name)]


def _verdict_line(
    name: str, result: Result, broken: list[str], best: Result, best_name: str, min_cost: bool
) -> str:
    """How far one plan is from the best: its breaches, its status, or its gap."""
    if broken:
        return _breaches_line(name, result, broken, best, best_name, min_cost)
    if not (result.ok and _finite(result.objective)):
        return _("{name}: {status}, no plan to compare.").format(name=name, status=result.status.value)
    return _("{name}: {gap}.").format(name=name, gap=_gap(result, best, best_name, min_cost))


def _breaches_line(
    name: str, result: Result, broken: list[str], best: Result, best_name: str, min_cost: bool
) -> str:
    """A hand-made plan that breaks limits: the first few, and its gap were they allowed."""
    count = len(broken)
    shown = clauses(broken[:VIOLATIONS_SHOWN])
    more = _("; and {count} more").format(count=count - VIOLATIONS_SHOWN) if count > VIOLATIONS_SHOWN else ""
    gap = ""
    if _finite(result.objective):
        gap = _("; even with those breaches: {gap}").format(gap=_gap(result, best, best_name, min_cost))
    text = _("{name}: breaks {count} limit ({shown}{more}), so it cannot be carried out as drawn{gap}.") \
        if count == 1 else \
        _("{name}: breaks {count} limits ({shown}{more}), so it cannot be carried out as drawn{gap}.")
    return text.format(name=name, count=count, shown=shown, more=more, gap=gap)


def _output(result: Result) -> float:
    value = result.summary.get("weighted_output")
    return float(value) if _finite(value) else math.nan


def _mixed_verdict(
    results: Sequence[tuple[str, Result]], solved: list[tuple[str, Result]], broken: dict[str, list[str]]
) -> list[str]:
    """Plans that minimise cost beside plans that maximise output: no one objective decides, so they are
    compared by output and by cost, each in its own unit; a plan best on both is named best."""
    modes = series(f"{name} {r.summary.get('mode')}" for name, r in solved)
    most_name, most = max(solved, key=lambda item: (_output(item[1]), -item[1].total_cost))
    cheap_name, cheap = min(solved, key=lambda item: (item[1].total_cost, -_output(item[1])))
    lines = [_("The plans optimise different objectives ({modes}): compared by weighted compound graduates "
               "and by total cost, each on its own.").format(modes=modes)]
    if most_name == cheap_name or (abs(_output(cheap) - _output(most)) < 1e-6 * max(1.0, abs(_output(most)))):
        best_name, best = (cheap_name, cheap)
        lines.append(_("Best plan: {name} (the most weighted compound graduates, {output}, at the lowest cost, "
                       "{cost}).").format(name=best_name, output=f"{_output(best):,.1f}", cost=_million(best.total_cost)))
    else:
        lines.append(_("No plan is best on both: {most} gives the most weighted compound graduates ({output}, {cost}); "
                       "{cheap} costs least ({cheap_cost}, {cheap_output} weighted compound graduates).").format(
            most=most_name, output=f"{_output(most):,.1f}", cost=_million(most.total_cost), cheap=cheap_name,
            cheap_cost=_million(cheap.total_cost), cheap_output=f"{_output(cheap):,.1f}"))
        best_name, best = most_name, most
    for name, result in results:
        if result is best:
            continue
        if broken[name] or not (result.ok and _finite(result.objective)):
            reason = _("breaks {count} limits").format(count=len(broken[name])) if broken[name] else result.status.value
            lines.append(_("{name}: {status}, no plan to compare.").format(name=name, status=reason))
            continue
        lines.append(_("{name}: {gap}.").format(name=name, gap=_gap_by_output(result, best, best_name)))
    return lines


def _gap_by_output(result: Result, best: Result, best_name: str) -> str:
    cost_gap = result.total_cost - best.total_cost
    cost = _cost_words(cost_gap)
    gap = _output(best) - _output(result)
    if abs(gap) < 1e-6 * max(1.0, abs(_output(best))):
        return _("the same output as {best}, {cost}").format(best=best_name, cost=cost)
    text = _("{gap} fewer weighted compound graduates than {best}, {cost}") if gap > 0 else \
        _("{gap} more weighted compound graduates than {best}, {cost}")
    return text.format(gap=f"{abs(gap):,.1f}", best=best_name, cost=cost)


def _gap(result: Result, best: Result, best_name: str, min_cost: bool) -> str:
    cost_gap = result.total_cost - best.total_cost
    cost = _cost_words(cost_gap)
    if min_cost:
        share = cost_gap / best.total_cost if best.total_cost else math.nan
        percent = aside(_percent(share)) if _finite(share) else ""
        return _("{cost} than {best}{percent}").format(cost=cost, best=best_name, percent=percent)
    # The weighted output each plan delivers, as the added output counts it (not the optimum before steadiness).
    gap = _output(best) - _output(result)
    if abs(gap) < 1e-6 * max(1.0, abs(_output(best))):
        return _("the same output as {best}, {cost}").format(best=best_name, cost=cost)
    if gap < 0:  # only a plan that breaks limits can beat the best plan
        return _("{gap} more weighted compound graduates than {best}, {cost}").format(
            gap=f"{-gap:,.1f}", best=best_name, cost=cost)
    share = -gap / _output(best) if _output(best) else math.nan
    percent = aside(_percent(share)) if _finite(share) else ""
    rate = ""
    if cost_gap < -0.5 and gap > 0:
        rate = _(" ({amount} saved per weighted graduate given up)").format(amount=money(-cost_gap / gap))
    return _("{gap} fewer weighted compound graduates than {best}{percent}, {cost}{rate}").format(
        gap=f"{gap:,.1f}", best=best_name, percent=percent, cost=cost, rate=rate)


def _cost_words(cost_gap: float) -> str:
    if abs(cost_gap) < 0.5:
        return _("the same cost")
    if cost_gap > 0:
        return _("{amount} dearer").format(amount=_million(abs(cost_gap)))
    return _("{amount} cheaper").format(amount=_million(abs(cost_gap)))


Figure = tuple[str, Any, str]
"""(item, value, unit): one row of :func:`key_figures`."""


def key_figures(result: Result) -> list[tuple[str, Any, str]]:
    """The summary numbers of one plan as ``(item, value, unit)`` rows."""
    s = result.summary
    rows: list[Figure] = [
        (_("plan"), s.get("name"), ""),
        (_("scenario"), s.get("scenario"), ""),
        (_("objective mode"), s.get("mode"), ""),
        (_("status"), result.status.value, ""),
        (_("solver"), s.get("solver"), ""),
    ]
    if not result.ok:
        return rows
    compound = float(result.outputs["compound"].sum()) if not result.outputs.empty else 0.0
    single = float(result.outputs["single_skill"].sum()) if not result.outputs.empty else 0.0
    return [
        *rows,
        *_objective_figures(result),
        (_("total cost"), float(result.total_cost), "yuan"),
        (_("compound graduates over the horizon"), compound, "graduates"),
        (_("single-skill graduates over the horizon"), single, "graduates"),
        *_per_graduate_figures(s),
        *_baseline_figures(s),
        *_commitment_figures(s),
        *_smoothing_figures(s),
        *([(_("compound share of all graduates"), compound / (compound + single), "share")]
          if compound + single > 0 else []),
        *[(_("spend on {lever}").format(lever=lever), amount, "yuan")
          for lever, amount in sorted(result.spend_by_lever().items())],
        *[(_("paid by {source}").format(source=source), amount, "yuan")
          for source, amount in sorted(result.spend_by_source().items())],
    ]


def _objective_figures(result: Result) -> list[Figure]:
    """The objective, and for a whole-unit plan its LP bound and integrality gap."""
    s = result.summary
    unit = "yuan" if s.get("mode") == "min_cost" else "weighted graduates"
    rows: list[Figure] = [(_("objective: {words}").format(words=objective_words(result)), float(result.objective), unit)]
    bound = s.get("lp_bound")
    if not _finite(bound):
        return rows
    rows.append((_("LP bound (the same plan in fractional units)"), float(bound), unit))
    gap = s.get("integrality_gap")
    if _finite(gap):
        rows.append((_("integrality gap (whole units against the LP bound)"), float(gap), "share"))
    return rows


def _per_graduate_figures(s: dict[str, Any]) -> list[Figure]:
    per = s.get("cost_per_compound_graduate")
    if not _finite(per):
        return []
    return [(_("average cost per compound graduate (total cost / every compound graduate)"), float(per), "yuan")]


def _baseline_figures(s: dict[str, Any]) -> list[Figure]:
    """What the plan adds over doing nothing, and at what cost per added graduate."""
    baseline = s.get("baseline_output")
    if not _finite(baseline):
        return []
    added_cost = s.get("cost_per_added_graduate")
    return [
        (_("do-nothing baseline (weighted graduates with no plan)"), float(baseline), "weighted graduates"),
        (_("added by the plan over the baseline"), float(s.get("added_output") or 0.0), "weighted graduates"),
        (_("cost per added weighted graduate (total cost / added over the baseline)"),
         float(added_cost) if _finite(added_cost) else _("none: the plan adds nothing"), "yuan"),
    ]


def _commitment_figures(s: dict[str, Any]) -> list[Figure]:
    rows: list[Figure] = [
        (_("committed after the horizon (subsidies still due, contracts and bases still running)"),
         float(s.get("commitments_after_horizon") or 0.0), "yuan"),
    ]
    if s.get("commitments_per_year_after_horizon"):
        rows.append((_("running cost of built units with no end, every year after the horizon"),
                     float(s["commitments_per_year_after_horizon"]), "yuan"))
    return rows


def _smoothing_figures(s: dict[str, Any]) -> list[Figure]:
    share = s.get("smoothing")
    if not (isinstance(share, float) and share > 1e-6):
        return []
    rows: list[Figure] = [(_("output given up for a steadier plan (smooth: {share})").format(share=f"{share:g}"),
                           float(s.get("output_given_up") or 0.0), "weighted graduates")]
    extra = s.get("steadiness_cost")
    if _finite(extra):
        rows.append((_("money spent for steadiness (above the cheapest plan with the same output)"),
                     float(extra), "yuan"))
    return rows


def bottleneck_lines(result: Result) -> list[str]:
    """Per institution, which "no" binds and in how many of the years."""
    table = result.bottlenecks
    if table.empty:
        return []
    lines = []
    for institution, rows in table.groupby("institution", sort=False):
        years = len(rows)
        parts = [
            _("{no} in {count} of {years} years").format(no=_(words), count=int(rows[q].sum()), years=years)
            for q, words in COURSE_NO.items()
            if rows[q].any()
        ]
        lines.append(_("{institution}: {parts}").format(
            institution=institution, parts=clauses(parts) if parts else _('no "no" binds in any year')))
    return lines


def next_million_lines(sensitivity: Any, count: int = NEXT_MILLION_SHOWN) -> list[str]:
    """The first ``count`` ranked statements of a sensitivity report, word for word.

    Each statement quotes a step its rate holds for: a million yuan, or a
    smaller round amount when the rate holds for less ("each extra 10,000
    yuan of government funding in 2025 buys 0.33 ..."), so the summary never
    claims more than a re-solve would give.
    """
    if sensitivity is None:
        return []
    ranking = getattr(sensitivity, "ranking", None)
    if ranking is None or ranking.empty:
        return []
    return [str(s) for s in ranking["statement"].head(count)]


def comparison_frame(comparison: Any) -> tuple[pd.DataFrame, list[str]]:
    """The comparison as one table, and the unit of each of its rows.

    Rows: first the config inputs that differ between the plans
    (``input: funding.government.per_year``), then every measure of
    :attr:`Comparison.table`. Columns: ``measure``, ``unit``, one per plan,
    then for every plan after the first its change against the first
    (``change: NAME``) and that change as a share of the first plan's value
    (``change %: NAME``). A measure is named in the current language
    (:func:`optimiser.compare.measure_label`), as ``compare`` prints it.
    """
    from ..compare import measure_label
    from ..i18n import chinese

    table = comparison.table
    plans = [str(c) for c in table.columns]
    others = plans[1:]
    keys = list(getattr(comparison, "keys", []) or [str(i) for i in table.index])
    units = dict(getattr(comparison, "units", {}) or {})
    deltas = getattr(comparison, "deltas", None)
    if not isinstance(deltas, pd.DataFrame):
        deltas = pd.DataFrame()
    rows = _input_rows(getattr(comparison, "inputs", None), len(others))
    row_units = ["config value"] * len(rows)
    places = _bottleneck_places(comparison, len(plans)) if chinese() else []
    for n, label in enumerate(table.index):
        key = keys[n] if n < len(keys) else str(label)
        unit = units.get(key, "")
        values = table.iloc[n].tolist()
        changes, shares = _changes(deltas.loc[label] if label in deltas.index else None, values[0], len(others))
        head, _dot, kind = key.partition(".")
        if head == "bottleneck" and places and all(kind in place for place in places):
            values = [place[kind] for place in places]
        label = measure_label(key, str(label)) if chinese() else str(label)
        rows.append([label, unit_words(unit), *values, *changes, *shares])
        row_units.append(unit)
    columns = ["measure", "unit", *plans, *[f"change: {p}" for p in others], *[f"change %: {p}" for p in others]]
    return pd.DataFrame(rows, columns=columns, dtype=object), row_units


def _bottleneck_places(comparison: Any, plans: int) -> list[dict[str, str]]:
    """Where each bottleneck binds in every plan, worded in the current language (none if the plans are not known)."""
    from ..compare import bottleneck_summary

    results = list(getattr(comparison, "results", []) or [])
    if len(results) != plans:
        return []
    return [bottleneck_summary(result, local=True) for _name, result in results]


def _input_rows(inputs: Any, others: int) -> list[list[Any]]:
    """One row per config input that differs, with blank change columns."""
    if not isinstance(inputs, pd.DataFrame) or inputs.empty:
        return []
    return [
        [_("input: {key}").format(key=record[0]), unit_words("config value"), *list(record)[1:]] + [None] * (2 * others)
        for record in inputs.itertuples(index=False)
    ]


def _changes(delta: pd.Series | None, first_value: Any, others: int) -> tuple[list[Any], list[Any]]:
    """Each later plan's change against the first, and that change as a share of the first plan's value."""
    changes: list[Any] = [None] * others
    shares: list[Any] = [None] * others
    if delta is None:
        return changes, shares
    first = _float(first_value)
    for j in range(1, others + 1):
        change = _float(delta.iloc[j]) if j < len(delta) else math.nan
        if not math.isfinite(change):
            continue
        changes[j - 1] = change
        if math.isfinite(first) and abs(first) > 1e-12:
            shares[j - 1] = change / abs(first)
    return changes, shares


def _float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan
