"""An evaluated plan as terminal text and as files (``evaluate --out``)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ..evaluate import UNFUNDED
from ..i18n import _, aside, money, number
from ..jsonrule import jsonable
from .files import Writer, csv_writer, json_writer
from .summary import bottleneck_records, teachers_by_group
from .text import bottleneck_lines, cost_lines, teacher_lines, tier_year_lines

if TYPE_CHECKING:
    from ..evaluate import Evaluation


def _yuan(value: float) -> str:
    return money(value)


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _graduates(value: float) -> str:
    return _("{value} weighted compound graduates").format(value=number(value))


def gap_sentence(evaluation: Evaluation) -> str:
    """How the plan compares with the optimiser's plan for the same config, in one sentence."""
    ev = evaluation
    if not _finite(ev.optimum_objective):
        status = ev.optimum.status.value if ev.optimum is not None else "unknown"
        return _("no optimum to compare with (the config itself is {status})").format(status=status)
    cost = ev.gap_cost
    spend = (_("the same money") if abs(cost) < 0.5 else
             (_("{amount} more") if cost > 0 else _("{amount} less")).format(amount=_yuan(abs(cost))))
    if ev.mode == "min_cost":
        share = ev.gap_objective / ev.optimum_total_cost if ev.optimum_total_cost else math.nan
        percent = aside(f"{abs(share):.1%}") if _finite(share) else ""
        if abs(cost) < 0.5:
            return _("the plan costs the same as the cheapest plan that meets the targets")
        return _("the plan costs {spend} than the cheapest plan that meets the targets{percent}").format(
            spend=spend, percent=percent)
    gap = ev.gap_objective
    if abs(gap) <= 1e-6 * max(1.0, abs(ev.optimum_output)):
        if abs(cost) >= 0.5:
            return _("the plan delivers the weighted output of the optimiser's plan and spends {spend} than it").format(
                spend=spend)
        return _("the plan delivers the weighted output of the optimiser's plan and spends {spend}").format(spend=spend)
    share = abs(gap) / ev.optimum_output if ev.optimum_output else math.nan
    percent = aside(f"{share:.1%}") if _finite(share) else ""
    sentence = (_("the plan gives {value} fewer weighted compound graduates than the optimiser's plan{percent} and "
                  "spends {spend}")
                if gap > 0 else
                _("the plan gives {value} more weighted compound graduates than the optimiser's plan{percent} and "
                  "spends {spend}"))
    return sentence.format(value=number(abs(gap)), percent=percent, spend=spend)


def evaluation_text(evaluation: Evaluation) -> str:
    """The terminal view of ``evaluate``."""
    ev = evaluation
    summary = ev.result.summary if ev.result is not None else {}
    lines = [_("{name}  [scenario: {scenario}, solver: {solver}]").format(
                 name=summary.get("name"), scenario=summary.get("scenario"), solver=summary.get("solver")),
             _("plan: {source}").format(source=ev.source)]
    count = len(ev.violations)
    if ev.feasible:
        lines.append(_("feasible: yes, the plan keeps every limit"))
    else:
        broken = _("feasible: no, {count} limit broken:") if count == 1 else _("feasible: no, {count} limits broken:")
        lines.append(broken.format(count=count))
    lines.extend(f"  - {message}" for message in ev.violations["message"])
    if ev.mode == "min_cost":
        lines.append(_("objective (total cost of the plan): {amount}").format(amount=_yuan(ev.objective)))
        lines.append(_("best weighted compound output the plan can deliver: {value}").format(
            value=number(ev.weighted_output)))
    else:
        lines.append(_("best output the plan can deliver: {graduates}").format(graduates=_graduates(ev.objective)))
        lines.append(_("total cost: {amount}").format(amount=_yuan(ev.total_cost)))
    lines.extend(cost_lines(summary))
    if _finite(ev.optimum_objective):
        lines.append(_("the optimiser's plan: {graduates} for {amount}").format(
            graduates=_graduates(ev.optimum_output), amount=_yuan(ev.optimum_total_cost)))
        given_up = ev.optimum.summary.get("output_given_up") if ev.optimum is not None else None
        if given_up:
            # smooth a share: the optimiser's plan is steadier than the optimum and delivers less.
            lines.append("  " + _("(the optimum, {optimum}, less {given_up} given up for a steadier plan)").format(
                optimum=_graduates(ev.optimum_objective), given_up=number(given_up)))
    lines.append(_("gap: {sentence}").format(sentence=gap_sentence(ev)))
    yuan = _("yuan")
    for title, values in ((_("spend by lever ({unit}):"), ev.spend_by_lever()),
                          (_("spend by source ({unit}):"), ev.spend_by_source()),
                          (_("spend by year ({unit}):"), ev.spend_by_year())):
        lines.append("\n" + title.format(unit=yuan))
        lines.extend(f"  {_(k) if k == UNFUNDED else k!s:<28}{number(v, 0):>18}" for k, v in values.items())
    compound = ev.compound_output()
    if compound:
        # The table solve draws: thousands separated, aligned for any script.
        lines.append("\n" + _("compound graduates by tier and year:"))
        lines.extend(tier_year_lines(compound, 1))
    if ev.result is not None:
        # The plan's teachers by group and year, and which "no" binds where given the plan, as solve shows them.
        lines.extend(teacher_lines(ev.result))
        lines.extend(bottleneck_lines(ev.result, given_plan=True))
    return "\n".join(lines)


def evaluation_files(evaluation: Evaluation) -> dict[str, Writer]:
    """The files of ``evaluate --out``: summary.json, violations.csv, plan.csv, funding.csv, outputs.csv and,
    as ``solve --out`` writes them for the plan, teachers.csv, bottlenecks.csv and commitments.csv."""
    files = {
        "summary.json": json_writer(evaluation.to_dict()),
        "violations.csv": csv_writer(evaluation.violations),
        "plan.csv": csv_writer(evaluation.plan),
        "funding.csv": csv_writer(evaluation.funding),
        "outputs.csv": csv_writer(evaluation.outputs),
    }
    if evaluation.result is not None:
        files.update({
            "teachers.csv": csv_writer(evaluation.result.teachers),
            "bottlenecks.csv": csv_writer(evaluation.result.bottlenecks),
            "commitments.csv": csv_writer(evaluation.result.commitments),
        })
    return files


ADDED_FIGURES = ("compound_graduates", "baseline_output", "added_output", "cost_per_added_graduate",
                 "commitments_after_horizon", "commitments_per_year_after_horizon")
"""What the plan adds over the do-nothing baseline and what it commits past the horizon, as ``solve`` reports them."""


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
        **{key: jsonable(summary.get(key)) for key in ADDED_FIGURES},
        "violations": [
            {key: jsonable(v) for key, v in row.items()}
            for row in evaluation.violations.to_dict("records")
        ],
        "optimum_status": evaluation.optimum.status.value if evaluation.optimum is not None else None,
        "optimum_objective": jsonable(evaluation.optimum_objective),
        "optimum_output": jsonable(evaluation.optimum_output),
        "optimum_total_cost": jsonable(evaluation.optimum_total_cost),
        "gap_objective": jsonable(evaluation.gap_objective),
        "gap_cost": jsonable(evaluation.gap_cost),
        "compound_output": _by_tier_year(evaluation.compound_output()),
        "single_skill_output": _by_tier_year(evaluation.single_skill_output()),
        "spend_by_lever": evaluation.spend_by_lever(),
        "spend_by_source": evaluation.spend_by_source(),
        "spend_by_year": {str(y): v for y, v in evaluation.spend_by_year().items()},
        "teachers": teachers_by_group(evaluation.result) if evaluation.result is not None else {},
        "bottlenecks": bottleneck_records(evaluation.result) if evaluation.result is not None else [],
        "solver": summary.get("solver"),
    }


def _by_tier_year(values: dict[str, dict[int, float]]) -> dict[str, dict[str, float]]:
    return {tier: {str(year): v for year, v in years.items()} for tier, years in values.items()}
