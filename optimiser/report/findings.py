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

from ..i18n import _
from ..i18n.words import COURSE_NO

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
    """Money in million yuan; amounts under 100,000 yuan in yuan (0.00 M would hide them)."""
    from ..i18n import chinese, money

    if chinese():
        return money(amount)
    if abs(amount) < 1e5:
        return f"{amount:,.0f} yuan"
    return f"{amount / 1e6:,.2f} M yuan"


def _percent(share: float) -> str:
    return f"{share:+.2%}" if abs(share) < 1e-3 else f"{share:+.1%}"


def plan_verdict(results: Sequence[tuple[str, Result]]) -> list[str]:
    """Which of the compared plans is best, and how far each other plan is from it.

    Plans without an optimum, and hand-made plans that break a limit (their
    ``summary["violations"]``), are named with the reason and left out of the
    ranking. In ``max_output`` mode the plan with the most weighted graduates
    wins (ties go to the cheaper one); in ``min_cost`` mode the cheapest wins.

    >>> plan_verdict([("base", base), ("austerity", lean)])  # doctest: +SKIP
    ['Best plan: base (34,155.9 weighted compound graduates (maximised), 72.00 M yuan).',
     'austerity: 673.7 fewer weighted compound graduates than base (-2.0%), 18.00 M yuan cheaper.']
    """
    if not results:
        return []
    broken = {name: list(r.summary.get("violations") or []) for name, r in results}
    solved = [(name, r) for name, r in results if r.ok and _finite(r.objective) and not broken[name]]
    lines: list[str] = []
    if not solved:
        reasons = [
            _("{name} breaks {count} limits").format(name=name, count=len(broken[name])) if broken[name]
            else _("{name} is {status}").format(name=name, status=r.status.value)
            for name, r in results
        ]
        return [_("No plan can be carried out: {reasons}.").format(reasons=", ".join(reasons))]
    if len({r.summary.get("mode") for _, r in solved}) > 1:
        return _mixed_verdict(results, solved, broken)
    min_cost = solved[0][1].summary.get("mode") == "min_cost"
    if min_cost:
        best_name, best = min(solved, key=lambda item: item[1].objective)
    else:
        best_name, best = max(solved, key=lambda item: (item[1].objective, -item[1].total_cost))
    if len(results) == 1:
        return []
    if min_cost:
        lines.append(_("Best plan by the objective: {name} (the cheapest, {cost}).").format(
            name=best_name, cost=_million(best.total_cost)))
    else:
        lines.append(_("Best plan by the objective: {name} ({value} {words}, {cost}).").format(
            name=best_name, value=_objective_value(best), words=objective_words(best), cost=_million(best.total_cost)))
    cheapest = min(
        ((name, r) for name, r in solved if _finite(r.summary.get("cost_per_compound_graduate"))),
        key=lambda item: item[1].summary["cost_per_compound_graduate"], default=None,
    )
    if cheapest is not None and not min_cost and cheapest[0] != best_name:
        lines.append(_("Lowest cost per compound graduate: {name} ({cost} yuan, against {best_cost} yuan in "
                       "{best}).").format(
            name=cheapest[0], cost=f"{cheapest[1].summary['cost_per_compound_graduate']:,.0f}",
            best_cost=f"{best.summary.get('cost_per_compound_graduate') or math.nan:,.0f}", best=best_name))
    for name, result in results:
        if name == best_name and result is best:
            continue
        if broken[name]:
            count = len(broken[name])
            shown = "; ".join(broken[name][:VIOLATIONS_SHOWN])
            more = _("; and {count} more").format(count=count - VIOLATIONS_SHOWN) if count > VIOLATIONS_SHOWN else ""
            gap = ""
            if _finite(result.objective):
                gap = _("; even with those breaches: {gap}").format(gap=_gap(result, best, best_name, min_cost))
            text = _("{name}: breaks {count} limit ({shown}{more}), so it cannot be carried out as drawn{gap}.") \
                if count == 1 else \
                _("{name}: breaks {count} limits ({shown}{more}), so it cannot be carried out as drawn{gap}.")
            lines.append(text.format(name=name, count=count, shown=shown, more=more, gap=gap))
            continue
        if not (result.ok and _finite(result.objective)):
            lines.append(_("{name}: {status}, no plan to compare.").format(name=name, status=result.status.value))
            continue
        lines.append(_("{name}: {gap}.").format(name=name, gap=_gap(result, best, best_name, min_cost)))
    return lines


def _output(result: Result) -> float:
    value = result.summary.get("weighted_output")
    return float(value) if _finite(value) else math.nan


def _mixed_verdict(
    results: Sequence[tuple[str, Result]], solved: list[tuple[str, Result]], broken: dict[str, list[str]]
) -> list[str]:
    """Plans that minimise cost beside plans that maximise output: no one objective decides, so they are
    compared by output and by cost, each in its own unit; a plan best on both is named best."""
    modes = ", ".join(f"{name} {r.summary.get('mode')}" for name, r in solved)
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


def _objective_value(result: Result) -> str:
    if result.summary.get("mode") == "min_cost":
        return f"{result.objective:,.0f}"
    return f"{result.objective:,.1f}"


def _gap(result: Result, best: Result, best_name: str, min_cost: bool) -> str:
    cost_gap = result.total_cost - best.total_cost
    cost = _cost_words(cost_gap)
    if min_cost:
        share = cost_gap / best.total_cost if best.total_cost else math.nan
        percent = f" ({_percent(share)})" if _finite(share) else ""
        return _("{cost} than {best}{percent}").format(cost=cost, best=best_name, percent=percent)
    gap = best.objective - result.objective
    if abs(gap) < 1e-6 * max(1.0, abs(best.objective)):
        return _("the same output as {best}, {cost}").format(best=best_name, cost=cost)
    if gap < 0:  # only a plan that breaks limits can beat the best plan
        return _("{gap} more weighted compound graduates than {best}, {cost}").format(
            gap=f"{-gap:,.1f}", best=best_name, cost=cost)
    share = -gap / best.objective if best.objective else math.nan
    percent = f" ({_percent(share)})" if _finite(share) else ""
    rate = ""
    if cost_gap < -0.5 and gap > 0:
        rate = _(" ({amount} yuan saved per weighted graduate given up)").format(amount=f"{-cost_gap / gap:,.0f}")
    return _("{gap} fewer weighted compound graduates than {best}{percent}, {cost}{rate}").format(
        gap=f"{gap:,.1f}", best=best_name, percent=percent, cost=cost, rate=rate)


def _cost_words(cost_gap: float) -> str:
    if abs(cost_gap) < 0.5:
        return _("the same cost")
    if cost_gap > 0:
        return _("{amount} dearer").format(amount=_million(abs(cost_gap)))
    return _("{amount} cheaper").format(amount=_million(abs(cost_gap)))


def key_figures(result: Result) -> list[tuple[str, Any, str]]:
    """The summary numbers of one plan as ``(item, value, unit)`` rows."""
    s = result.summary
    rows: list[tuple[str, Any, str]] = [
        (_("plan"), s.get("name"), ""),
        (_("scenario"), s.get("scenario"), ""),
        (_("objective mode"), s.get("mode"), ""),
        (_("status"), result.status.value, ""),
        (_("solver"), s.get("solver"), ""),
    ]
    if not result.ok:
        return rows
    unit = "yuan" if s.get("mode") == "min_cost" else "weighted graduates"
    rows.append((_("objective: {words}").format(words=objective_words(result)), float(result.objective), unit))
    bound = s.get("lp_bound")
    if isinstance(bound, (int, float)) and math.isfinite(bound):
        rows.append((_("LP bound (the same plan in fractional units)"), float(bound), unit))
        gap = s.get("integrality_gap")
        if isinstance(gap, (int, float)) and math.isfinite(gap):
            rows.append((_("integrality gap (whole units against the LP bound)"), float(gap), "share"))
    rows.append((_("total cost"), float(result.total_cost), "yuan"))
    compound = float(result.outputs["compound"].sum()) if not result.outputs.empty else 0.0
    single = float(result.outputs["single_skill"].sum()) if not result.outputs.empty else 0.0
    rows.append((_("compound graduates over the horizon"), compound, "graduates"))
    rows.append((_("single-skill graduates over the horizon"), single, "graduates"))
    per = s.get("cost_per_compound_graduate")
    if isinstance(per, (int, float)) and math.isfinite(per):
        rows.append((_("average cost per compound graduate (total cost / every compound graduate)"), float(per), "yuan"))
    baseline = s.get("baseline_output")
    if isinstance(baseline, (int, float)) and math.isfinite(baseline):
        rows.append((_("do-nothing baseline (weighted graduates with no plan)"), float(baseline), "weighted graduates"))
        rows.append((_("added by the plan over the baseline"), float(s.get("added_output") or 0.0), "weighted graduates"))
        added_cost = s.get("cost_per_added_graduate")
        rows.append((_("cost per added weighted graduate (total cost / added over the baseline)"),
            float(added_cost) if isinstance(added_cost, (int, float)) and math.isfinite(added_cost)
            else _("none: the plan adds nothing"), "yuan",
        ))
    rows.append((_("committed after the horizon (subsidies still due, contracts and bases still running)"),
                 float(s.get("commitments_after_horizon") or 0.0), "yuan"))
    if s.get("commitments_per_year_after_horizon"):
        rows.append((_("running cost of built units with no end, every year after the horizon"),
                     float(s["commitments_per_year_after_horizon"]), "yuan"))
    share = s.get("smoothing")
    if isinstance(share, float) and share > 1e-6:
        rows.append((_("output given up for a steadier plan (smooth: {share})").format(share=f"{share:g}"), float(s.get("output_given_up") or 0.0),
                     "weighted graduates"))
    if compound + single > 0:
        rows.append((_("compound share of all graduates"), compound / (compound + single), "share"))
    for lever, amount in sorted(result.spend_by_lever().items()):
        rows.append((_("spend on {lever}").format(lever=lever), amount, "yuan"))
    for source, amount in sorted(result.spend_by_source().items()):
        rows.append((_("paid by {source}").format(source=source), amount, "yuan"))
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
            institution=institution, parts="; ".join(parts) if parts else _('no "no" binds in any year')))
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
    (``change %: NAME``).
    """
    table = comparison.table
    plans = [str(c) for c in table.columns]
    others = plans[1:]
    keys = list(getattr(comparison, "keys", []) or [str(i) for i in table.index])
    units = dict(getattr(comparison, "units", {}) or {})
    deltas = getattr(comparison, "deltas", None)
    if not isinstance(deltas, pd.DataFrame):
        deltas = pd.DataFrame()
    rows: list[list[Any]] = []
    row_units: list[str] = []
    inputs = getattr(comparison, "inputs", None)
    if isinstance(inputs, pd.DataFrame) and not inputs.empty:
        for record in inputs.itertuples(index=False):
            values = list(record)[1:]
            rows.append([f"input: {record[0]}", "config value", *values] + [None] * (2 * len(others)))
            row_units.append("config value")
    for n, label in enumerate(table.index):
        key = keys[n] if n < len(keys) else str(label)
        unit = units.get(key, "")
        values = table.iloc[n].tolist()
        changes: list[Any] = [None] * len(others)
        shares: list[Any] = [None] * len(others)
        if label in deltas.index:
            delta = deltas.loc[label]
            first = _float(values[0])
            for j, plan in enumerate(others, start=1):
                change = _float(delta.iloc[j]) if j < len(delta) else math.nan
                if math.isfinite(change):
                    changes[j - 1] = change
                    if math.isfinite(first) and abs(first) > 1e-12:
                        shares[j - 1] = change / abs(first)
        rows.append([str(label), unit, *values, *changes, *shares])
        row_units.append(unit)
    columns = ["measure", "unit", *plans, *[f"change: {p}" for p in others], *[f"change %: {p}" for p in others]]
    return pd.DataFrame(rows, columns=columns, dtype=object), row_units


def _float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan
