"""An evaluated plan as terminal text and as files (``evaluate --out``)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..jsonrule import jsonable
from .files import Writer, csv_writer, json_writer

if TYPE_CHECKING:
    from ..evaluate import Evaluation


def _yuan(value: float) -> str:
    return f"{value:,.0f} yuan"


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def gap_sentence(evaluation: Evaluation) -> str:
    """How the plan compares with the optimum, in one sentence."""
    ev = evaluation
    if not _finite(ev.optimum_objective):
        status = ev.optimum.status.value if ev.optimum is not None else "unknown"
        return f"no optimum to compare with (the config itself is {status})"
    cost = ev.gap_cost
    spend = "the same money" if abs(cost) < 0.5 else f"{_yuan(abs(cost))} {'more' if cost > 0 else 'less'}"
    if ev.mode == "min_cost":
        share = ev.gap_objective / ev.optimum_objective if ev.optimum_objective else math.nan
        percent = f" ({abs(share):.1%})" if _finite(share) else ""
        if abs(cost) < 0.5:
            return "the plan costs the same as the cheapest plan that meets the targets"
        return f"the plan costs {spend} than the cheapest plan that meets the targets{percent}"
    gap = ev.gap_objective
    if abs(gap) <= 1e-6 * max(1.0, abs(ev.optimum_objective)):
        than = " than it" if abs(cost) >= 0.5 else ""
        return f"the plan reaches the optimum's weighted output and spends {spend}{than}"
    share = abs(gap) / ev.optimum_objective if ev.optimum_objective else math.nan
    percent = f" ({share:.1%})" if _finite(share) else ""
    fewer = "fewer" if gap > 0 else "more"
    return (
        f"the plan gives {abs(gap):,.1f} {fewer} weighted compound graduates than the optimum{percent} "
        f"and spends {spend}"
    )


def evaluation_text(evaluation: Evaluation) -> str:
    """The terminal view of ``evaluate``."""
    ev = evaluation
    summary = ev.result.summary if ev.result is not None else {}
    lines = [f"{summary.get('name')}  [scenario: {summary.get('scenario')}, solver: {summary.get('solver')}]",
             f"plan: {ev.source}"]
    count = len(ev.violations)
    lines.append("feasible: yes, the plan keeps every limit" if ev.feasible
                 else f"feasible: no, {count} limit{'s' if count != 1 else ''} broken:")
    lines.extend(f"  - {message}" for message in ev.violations["message"])
    if ev.mode == "min_cost":
        lines.append(f"objective (total cost of the plan): {_yuan(ev.objective)}")
        lines.append(f"best weighted compound output the plan can deliver: {ev.weighted_output:,.1f}")
    else:
        lines.append(f"best output the plan can deliver: {ev.objective:,.1f} weighted compound graduates")
        lines.append(f"total cost: {_yuan(ev.total_cost)}")
    per = ev.cost_per_compound_graduate
    if per is not None:
        lines.append(f"cost per compound graduate: {_yuan(per)}")
    if _finite(ev.optimum_objective):
        best = (
            _yuan(ev.optimum_objective) if ev.mode == "min_cost"
            else f"{ev.optimum_objective:,.1f} weighted compound graduates"
        )
        lines.append(f"optimum: {best} for {_yuan(ev.optimum_total_cost)}")
    lines.append(f"gap: {gap_sentence(ev)}")
    for title, values in (("spend by lever", ev.spend_by_lever()), ("spend by source", ev.spend_by_source()),
                          ("spend by year", ev.spend_by_year())):
        lines.append(f"\n{title} (yuan):")
        lines.extend(f"  {k!s:<28}{v:>18,.0f}" for k, v in values.items())
    compound = ev.compound_output()
    if compound:
        frame = pd.DataFrame(compound).T.sort_index()
        frame.columns = [str(c) for c in frame.columns]
        lines.append("\ncompound graduates by tier and year:")
        lines.extend("  " + line for line in frame.round(1).to_string().splitlines())
    return "\n".join(lines)


def evaluation_files(evaluation: Evaluation) -> dict[str, Writer]:
    """The files of ``evaluate --out``: summary.json, violations.csv, plan.csv, funding.csv, outputs.csv."""
    return {
        "summary.json": json_writer(evaluation.to_dict()),
        "violations.csv": csv_writer(evaluation.violations),
        "plan.csv": csv_writer(evaluation.plan),
        "funding.csv": csv_writer(evaluation.funding),
        "outputs.csv": csv_writer(evaluation.outputs),
    }


def evaluation_dict(evaluation: Evaluation) -> dict[str, Any]:
    """The JSON object of ``evaluate --json``."""
    summary = evaluation.result.summary if evaluation.result is not None else {}
    return {
        "name": summary.get("name"),
        "scenario": summary.get("scenario"),
        "plan": evaluation.source,
        "mode": evaluation.mode,
        "feasible": evaluation.feasible,
        "status": evaluation.status,
        "objective": jsonable(evaluation.objective),
        "weighted_output": jsonable(evaluation.weighted_output),
        "total_cost": jsonable(evaluation.total_cost),
        "cost_per_compound_graduate": jsonable(evaluation.cost_per_compound_graduate),
        "violations": [
            {key: jsonable(v) for key, v in row.items()}
            for row in evaluation.violations.to_dict("records")
        ],
        "optimum_status": evaluation.optimum.status.value if evaluation.optimum is not None else None,
        "optimum_objective": jsonable(evaluation.optimum_objective),
        "optimum_total_cost": jsonable(evaluation.optimum_total_cost),
        "gap_objective": jsonable(evaluation.gap_objective),
        "gap_cost": jsonable(evaluation.gap_cost),
        "compound_output": _by_tier_year(evaluation.compound_output()),
        "single_skill_output": _by_tier_year(evaluation.single_skill_output()),
        "spend_by_lever": evaluation.spend_by_lever(),
        "spend_by_source": evaluation.spend_by_source(),
        "spend_by_year": {str(y): v for y, v in evaluation.spend_by_year().items()},
        "solver": summary.get("solver"),
    }


def _by_tier_year(values: dict[str, dict[int, float]]) -> dict[str, dict[str, float]]:
    return {tier: {str(year): v for year, v in years.items()} for tier, years in values.items()}
