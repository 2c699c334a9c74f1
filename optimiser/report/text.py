"""The terminal summary of a result and its HTML twin for notebooks."""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from ..results import Result

BINDING_SHOWN = 12


def yuan(value: float) -> str:
    return f"{value:,.0f} yuan"


def _num(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def _by_tier_year(values: dict[str, dict[int, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(values).T.sort_index()
    frame.columns = [str(c) for c in frame.columns]
    return frame


def summary_text(result: Result) -> str:
    s = result.summary
    lines = [f"{s.get('name')}  [scenario: {s.get('scenario')}, solver: {s.get('solver')}]", f"status: {result.status.value}"]
    if not result.ok:
        if result.diagnosis:
            lines.append("why:" if result.status.value == "infeasible" else "what grows without limit:")
            lines.extend(f"  - {d.message}" for d in result.diagnosis)
        lines.extend(f"warning: {w}" for w in s.get("warnings", []))
        return "\n".join(lines)
    if s.get("mode") == "min_cost":
        lines.append(f"objective (total cost, minimised): {yuan(result.objective)}")
    else:
        lines.append(f"objective (weighted compound graduates, maximised): {_num(result.objective)}")
    lines.append(f"total cost: {yuan(result.total_cost)}")
    if s.get("lp_bound") is not None:
        lines.extend(_whole_unit_lines(s))
    lines.extend(_cost_lines(s))
    lines.extend(f"note: {n}" for n in s.get("notes", []))
    lines.extend(f"warning: {w}" for w in s.get("warnings", []))

    lines.append("\nspend by lever (yuan):")
    for lever, amount in sorted(result.spend_by_lever().items()):
        lines.append(f"  {lever:<28}{amount:>18,.0f}")
    lines.append("spend by source (yuan):")
    for source, amount in sorted(result.spend_by_source().items()):
        lines.append(f"  {source:<28}{amount:>18,.0f}")
    if not result.funding.empty:
        by_year = result.funding.pivot_table(index="lever", columns="year", values="amount", aggfunc="sum")
        lines.append("spend by lever and year (thousand yuan):")
        lines.append(_indent((by_year / 1000).round(0).to_string()))

    lines.append("\ncompound graduates by tier and year:")
    lines.append(_indent(_by_tier_year(result.compound_output()).round(1).to_string()))
    lines.append("single-skill graduates by tier and year:")
    lines.append(_indent(_by_tier_year(result.single_skill_output()).round(1).to_string()))

    lines.extend(_teacher_lines(result))
    lines.extend(_binding_lines(result))
    lines.extend(_bottleneck_lines(result))
    return "\n".join(lines)


def _whole_unit_lines(s: dict) -> list[str]:
    """An integer plan: the gap it is proven within, and what whole units cost against the LP optimum."""
    min_cost = s.get("mode") == "min_cost"
    show = yuan if min_cost else (lambda v: _num(v, 2))
    lines = []
    gap, bound, target = s.get("gap"), s.get("bound"), s.get("mip_gap")
    if gap is not None and bound is not None:
        aim = f"; target {target:.2%}" if target is not None else ""
        lines.append(
            f"whole units (MILP): proven within {gap:.3%} of the best whole-unit plan (best bound {show(bound)}{aim})"
        )
    else:
        lines.append(f"whole units (MILP): LP bound {show(s['lp_bound'])}")
    cost, share = s.get("integrality_cost"), s.get("integrality_gap")
    if cost is not None:
        what = "yuan more than" if min_cost else "weighted graduates fewer than"
        amount = yuan(cost).removesuffix(" yuan") if min_cost else _num(cost, 2)
        lines.append(
            f"integrality cost: {amount} {what} the LP optimum {show(s['lp_bound'])} with fractional units"
            + (f" ({share:.3%})" if share is not None else "")
        )
    return lines


def _cost_lines(s: dict) -> list[str]:
    """The average and the added cost per graduate, the baseline and what the plan commits, each labelled."""
    lines = []
    per = s.get("cost_per_compound_graduate")
    if per is not None:
        lines.append(
            f"average cost per compound graduate: {yuan(per)}  (total cost / all "
            f"{_num(s.get('compound_graduates', 0.0))} compound graduates over the horizon, with or without the plan)"
        )
    baseline = s.get("baseline_output")
    if baseline is not None:
        added = s.get("added_output") or 0.0
        per_added = s.get("cost_per_added_graduate")
        lines.append(
            f"do-nothing baseline: {_num(baseline)} weighted graduates; the plan adds {_num(added)}"
        )
        lines.append(
            "cost per added weighted graduate: "
            + (f"{yuan(per_added)}  (total cost / output added over the baseline)" if per_added is not None
               else "none (the plan adds no output over the baseline)")
        )
    due = s.get("commitments_after_horizon") or 0.0
    yearly = s.get("commitments_per_year_after_horizon") or 0.0
    if due or yearly:
        text = f"committed after the horizon: {yuan(due)} (subsidies still due, contracts and bases still running)"
        if yearly:
            text += f", and {yuan(yearly)} a year to run bases with no end of life"
        lines.append(text)
    share = s.get("smoothing")
    if share is not None and share > 1e-6:
        lines.append(
            f"steadier plan (smooth: {share:g}): {_num(s.get('output_given_up') or 0.0, 2)} weighted graduates given up"
        )
    return lines


def _teacher_lines(result: Result) -> list[str]:
    """Teachers of each group in the province by year, the plan's beside the do-nothing baseline's."""
    table = result.teachers
    if table.empty:
        return []
    plan = table.pivot_table(index="group", columns="year", values="teachers", aggfunc="sum")
    plan.columns = [str(c) for c in plan.columns]
    plan.index.name = None
    return ["\nteachers by group and year (all institutions; teachers.csv has each institution and the baseline):",
            _indent(plan.round(1).to_string())]


PLANNER_LIMITS = (
    "funding_cap", "total_budget", "target", "demand", "double_qualified_share", "external_ratio",
    "min_per_year", "max_per_year", "conversion_share", "region_max_per_year", "max_total", "intake_cap",
)
"""Limits a planner sets, listed first and in this order."""

MILLION = 1e6
UNITS = {
    "funding_cap": "per M yuan", "total_budget": "per M yuan", "target": "per graduate", "demand": "per graduate",
    "double_qualified_share": "per teacher", "external_ratio": "per teacher", "intake_cap": "per student",
    "enrolment": "per student", "teacher_hours": "per teaching hour", "training_seats": "per seat hour",
    "no_knowledge": "per teaching hour", "no_practice": "per teaching hour", "no_training": "per teaching hour",
    "conversion_stock": "per teacher",
}


def _binding_lines(result: Result) -> list[str]:
    """Binding planner limits one by one; binding capacities counted by kind."""
    binding = result.binding_constraints()
    unit = "yuan" if result.summary.get("mode") == "min_cost" else "graduates"
    lines = [
        f"\nbinding limits (shadow price: the rate at which the objective, in {unit}, changes per unit increase",
        "of the limit; it holds over the limit's allowable range, which `optimiser sensitivity` reports):",
    ]
    limits = binding[binding["kind"].isin(PLANNER_LIMITS)].copy()
    if limits.empty:
        lines.append("  none: no funding, budget, policy, target or lever limit binds")
    else:
        limits["order"] = limits["kind"].map(PLANNER_LIMITS.index)
        limits = limits.sort_values(["order", "shadow_price"], ascending=[True, False], key=lambda c: c if c.name == "order" else c.abs())
        for row in limits.head(BINDING_SHOWN).itertuples(index=False):
            where = ", ".join(str(x) for x in (row.institution, _year(row.year)) if x)
            per = UNITS.get(row.kind, "per unit")
            price = row.shadow_price * (MILLION if per == "per M yuan" else 1.0)
            lines.append(f"  {_price(price):>12} {per:<12} {row.name} [{row.config_path}]" + (f" ({where})" if where else ""))
        if len(limits) > BINDING_SHOWN:
            lines.append(f"  ... {len(limits) - BINDING_SHOWN} more limits")
    capacities = binding[~binding["kind"].isin(PLANNER_LIMITS) & (binding["kind"] != "funding_balance")]
    if not capacities.empty:
        counts = capacities.groupby("name").size().sort_values(ascending=False)
        listed = ", ".join(f"{name} ({count})" for name, count in counts.items())
        lines.append(f"  binding capacities (institution-years): {listed}")
    lines.append("  every constraint with its slack and shadow price: constraints.csv (--out)")
    return lines


def _price(value: float) -> str:
    size = abs(value)
    return f"{value:,.0f}" if size >= 100 else f"{value:,.2f}" if size >= 1 else f"{value:.4g}"


BOTTLENECK_CODES = (("knowledge", "K"), ("practice", "P"), ("training", "T"), ("seats_binding", "S"), ("enrolment_binding", "E"))


def _bottleneck_lines(result: Result) -> list[str]:
    """Institution x year grid of which "no" (and which capacity) binds, in letters."""
    table = result.bottlenecks.copy()
    if table.empty:
        return []
    table["codes"] = [
        "".join(code for column, code in BOTTLENECK_CODES if bool(getattr(row, column))) or "-"
        for row in table.itertuples(index=False)
    ]
    grid = table.pivot(index="institution", columns="year", values="codes")
    grid.columns = [str(c) for c in grid.columns]
    grid.index.name = None
    lines = [
        '\nbottlenecks: which "no" binds where (K no systematic knowledge, P no practical experience,',
        "T no practical-training skill; also S training seats, E enrolment; - none):",
        _indent(grid.to_string()),
    ]
    scarce = table[table["scarce"] != ""]
    for resource, rows in scarce.groupby("scarce", sort=False):
        lines.append(f"  one scarce resource, {resource}: {len(rows)} institution-years")
    if result.model is not None:
        from ..results import lever_relieves

        relieves = lever_relieves(result.model)
        if relieves:
            lines.append("  levers relieve: " + "; ".join(f"{name}: {what}" for name, what in relieves.items()))
    return lines


def _year(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value)


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


def summary_html(result: Result) -> str:
    s = result.summary
    esc = html.escape
    head = f"<b>{esc(str(s.get('name')))}</b> — scenario {esc(str(s.get('scenario')))}, solver {esc(str(s.get('solver')))}"
    if not result.ok:
        items = "".join(f"<li>{esc(d.message)}</li>" for d in result.diagnosis)
        return f"<div>{head}<br>status: <b>{esc(result.status.value)}</b><ul>{items}</ul></div>"
    rows = [
        ("status", result.status.value),
        ("objective", f"{result.objective:,.2f}"),
        ("total cost (yuan)", f"{result.total_cost:,.0f}"),
        ("cost per compound graduate (yuan)", f"{s.get('cost_per_compound_graduate') or float('nan'):,.0f}"),
    ]
    table = "".join(f"<tr><th style='text-align:left'>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    spend = pd.Series(result.spend_by_lever(), name="yuan").to_frame().to_html(float_format=lambda x: f"{x:,.0f}")
    output = _by_tier_year(result.compound_output()).to_html(float_format=lambda x: f"{x:,.1f}")
    return f"<div>{head}<table>{table}</table><p>Spend by lever</p>{spend}<p>Compound graduates by tier and year</p>{output}</div>"
