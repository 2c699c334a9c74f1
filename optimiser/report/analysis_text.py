"""The analyses shown: Monte Carlo draws, the budget frontier, the tornado, the room around the optimum,
the Pareto front and what a sweep wrote.

Terminal text (``str()``), notebook HTML (``_repr_html_``) and the JSON object (``to_dict()``) of
:class:`~optimiser.analysis.montecarlo.MonteCarloResult`, :class:`~optimiser.analysis.frontier.Frontier`,
:class:`~optimiser.analysis.tornado.Tornado` and :class:`~optimiser.analysis.alternatives.Alternatives`,
found through :data:`optimiser.views.VIEWS`. Headings and sentences follow the language
(:mod:`optimiser.i18n`); numbers, status words, key paths and JSON keys stay as they are.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..analysis.output import records
from ..i18n import N_, _, aside, chinese, clauses, money, series
from ..jsonrule import jsonable
from ..solve.engine import TIE_BREAK_TOLERANCE
from ..solve.status import Status
from .layout import pad

if TYPE_CHECKING:
    import pandas as pd

    from ..analysis.alternatives import Alternatives
    from ..analysis.frontier import Frontier
    from ..analysis.montecarlo import MonteCarloResult
    from ..analysis.tornado import Tornado

ENDS = {"low": N_("low"), "high": N_("high")}
"""The two ends of a tornado input's range, as a planner reads them."""

UNITS = {"yuan over the horizon": N_("yuan over the horizon"), "yuan a year": N_("yuan a year")}
"""What one unit of a frontier's budget is (:attr:`~optimiser.analysis.frontier.Frontier.unit`)."""


VERDICTS = {"forced": N_("forced"), "choice": N_("choice"), "unused": N_("unused")}
"""What the room around the optimum says of a lever: every near-optimal plan needs about as much of it (forced),
plans differ in it (choice), or none uses it (unused)."""

ALTERNATIVES_HEADINGS = {
    "lever": N_("lever"), "institution": N_("institution"), "low": N_("low"), "high": N_("high"),
    "optimal": N_("optimal"), "width": N_("width"), "verdict": N_("verdict"),
    "output": N_("output"), "total_cost": N_("total_cost"), "distance": N_("distance"), "plan": N_("plan"),
}
"""The columns of the ranges and of the plans' summary, and the optimal plan's name."""

ALL = N_("all")
"""The ``institution`` of a lever's range over every institution it applies to."""

ALTERNATIVE = N_("alternative {number}")
"""An alternative plan's name (``alternative 1``, ...) in the plans' summary."""

PARETO_HEADINGS = {
    "x_tier": N_("x_tier"), "y_tier": N_("y_tier"), "epsilon": N_("epsilon"), "x_output": N_("x_output"),
    "y_output": N_("y_output"), "status": N_("status"), "total_cost": N_("total_cost"), "objective": N_("objective"),
}
"""The columns of a Pareto front; a tier's output (``output_<tier>``) is headed by :data:`TIER_OUTPUT`."""

TIER_OUTPUT = N_("output_{tier}")
"""The heading of a tier's compound output over the horizon in a Pareto front."""
LEVER_SPEND = N_("spend_{lever}")
"""The heading of a lever's spending over the horizon in a Pareto front."""

MONTECARLO_HEADINGS = {
    "objective": N_("objective"), "total_cost": N_("total_cost"), "weighted_output": N_("weighted_output"),
    "overspend": N_("overspend"), "mean": N_("mean"),
}
"""The rows and columns of Monte Carlo's percentiles; compound graduates of a tier or a year (``compound_<key>``)
are headed by :data:`COMPOUND_ROW`."""

COMPOUND_ROW = N_("compound_{key}")
"""The row of compound graduates of one tier, or of one year, in Monte Carlo's percentiles."""

HEADS = {
    "yuan": N_("{name}: plans within {within}% of the optimum ({objective}) at no more cost; ranges in yuan"),
    "units": N_("{name}: plans within {within}% of the optimum ({objective}) at no more cost; ranges in units"),
}
"""The head of the room around the optimum, by what its ranges count: yuan over the horizon, or units started."""


def _unit(front: Frontier) -> str:
    return _(UNITS[front.unit]) if front.unit in UNITS else front.unit


def note_line(note: str) -> str:
    """A note of an analysis, as its text ends."""
    return _("note: {text}").format(text=note)


def headed(frame: pd.DataFrame, headings: Mapping[str, str]) -> pd.DataFrame:
    """A copy of ``frame`` with the column and row names found in ``headings`` in the current language.

    ``headings`` maps each name to its message (``N_``), which in English is the name itself, so the
    English text shows the names as the CSV and JSON do.
    """
    def name(value: Any) -> Any:
        return _(headings[value]) if isinstance(value, str) and value in headings else value

    shown = frame.rename(columns=name, index=name)
    shown.columns.names = [name(level) for level in shown.columns.names]
    shown.index.names = [name(level) for level in shown.index.names]
    return shown


def table_text(frame: pd.DataFrame, **options: Any) -> str:
    """``frame.to_string(**options)``, its columns aligned for Chinese characters (two columns wide each)."""
    import pandas as pd

    with pd.option_context("display.unicode.east_asian_width", chinese()):
        return frame.to_string(**options)


def written(paths: Sequence[Path | str]) -> str:
    """``wrote a.csv and a_plans.csv``: what a command wrote, in the current language."""
    names = [str(path) for path in paths]
    if len(names) > 1:
        names = [_("{first} and {last}").format(first=series(names[:-1]), last=names[-1])]
    return _("wrote {path}").format(path=names[0])


def sweep_written(path: Path | str, table: pd.DataFrame) -> str:
    """``wrote sweep.csv: 25 points (24 optimal, 1 infeasible)``: what ``sweep --out`` wrote."""
    counts = series(f"{n} {status}" for status, n in table["status"].value_counts().items())
    return _("wrote {path}: {count} points ({statuses})").format(path=path, count=len(table), statuses=counts)


def pareto_text(table: pd.DataFrame) -> str:
    """A Pareto front (:func:`~optimiser.analysis.pareto.pareto`): one row per level of the x tier, then its notes."""
    named = {column: _(heading).format(**{key: column[len(prefix):]})
             for prefix, heading, key in (("output_", TIER_OUTPUT, "tier"), ("spend_", LEVER_SPEND, "lever"))
             for column in table.columns if str(column).startswith(prefix)}
    shown = table_text(headed(table, PARETO_HEADINGS).rename(columns=named), index=False,
                       float_format=lambda v: f"{v:,.1f}")
    return "\n".join([shown, *(note_line(note) for note in table.attrs.get("notes", []))])


def montecarlo_dict(result: MonteCarloResult) -> dict[str, Any]:
    """The summary, status counts, over-budget worlds (fixed plan), uncertain keys and percentiles."""
    over, judged = result.over_budget()
    return jsonable({
        **result.summary,
        "statuses": result.status_counts(),
        **({"over_budget": {"worlds": over, "of": judged}} if result.fixed_plan else {}),
        "keys": {spec.path: spec.describe() for spec in result.keys},
        "percentiles": {
            str(metric): {str(col): float(val) for col, val in row.items()}
            for metric, row in result.percentiles.iterrows()
        },
    })


def _montecarlo_head(result: MonteCarloResult) -> str:
    how = _("fixed plan") if result.fixed_plan else _("re-optimised per draw")
    head = _("{name}: {draws} draws (seed {seed}), {how}").format(
        name=result.summary.get("name", ""), draws=len(result.draws), seed=result.summary.get("seed"), how=how)
    statuses = series(f"{k} {v}" for k, v in result.status_counts().items())
    over, judged = result.over_budget()
    if judged:
        statuses += "\n" + _("over budget in {over} of {judged} worlds ({share})").format(
            over=f"{over:,}", judged=f"{judged:,}", share=f"{over / judged:.0%}")
    return head + "\n" + _("statuses: {statuses}").format(statuses=statuses)


def montecarlo_text(result: MonteCarloResult) -> str:
    """How the draws were made, their statuses and the percentiles of every measure (named in the reader's
    language; in English as the CSV and JSON name them)."""
    shown = headed(result.percentiles, MONTECARLO_HEADINGS)
    shown = shown.rename(index=lambda name: _(COMPOUND_ROW).format(key=name[len("compound_"):])
                         if isinstance(name, str) and name.startswith("compound_") else name)
    table = table_text(shown, float_format=lambda v: f"{v:,.1f}")
    return f"{_montecarlo_head(result)}\n\n{table}"


def montecarlo_html(result: MonteCarloResult) -> str:
    head = _montecarlo_head(result).replace("\n", "<br>")
    return f"<p>{head}</p>" + result.percentiles.to_html(float_format=lambda v: f"{v:,.1f}")


def frontier_dict(front: Frontier) -> dict[str, Any]:
    """``optimiser frontier --json``: the budget searched, its breakpoints, segments, notes and binding caps."""
    return {
        "over": front.over, "unit": front.unit, "status": front.status.value, "saturated": front.saturated,
        "saturation": None if front.saturation != front.saturation else front.saturation,
        "breakpoints": records(front.breakpoints), "segments": records(front.segments), "notes": front.notes,
        "last_breakpoint": last_breakpoint_says(front) if len(front.breakpoints) else None,
        "caps": records(front.caps),
    }


def frontier_text(front: Frontier) -> str:
    """One line per segment (budget, output, output per million yuan, levers bought), then what lies beyond."""
    from ..analysis.frontier import budget_with_a_plan

    if front.breakpoints.empty:
        return _("frontier over {over}: {status}").format(over=front.over, status=front.status.value)
    lines = [_("Budget frontier over {over} ({unit}), {count} segments").format(
        over=front.over, unit=_unit(front), count=len(front.segments))]
    start, end, output_from, output_to = _("from"), _("to"), _("output from"), _("output to")
    per_m = _("per M yuan a year") if front.unit == "yuan a year" else _("per M yuan")
    per_graduate = _("yuan/graduate")
    heads = zip((start, end, output_from, output_to, per_m, per_graduate), (14, 14, 12, 12, 17, 13))
    lines.append(" ".join(pad(head, width, ">") for head, width in heads) + "  " + _("levers at the margin"))
    for number, seg in enumerate(front.segments.to_dict(orient="records")):
        per_million = float(seg["marginal_output_per_yuan"]) * 1e6
        cost = float(seg["cost_per_extra_output"])
        # The smallest feasible budget rounded up to the yuan: a budget read off the table must have a plan.
        low = budget_with_a_plan(seg["budget_from"]) if number == 0 else seg["budget_from"]
        lines.append(
            f"{low:14,.0f} {seg['budget_to']:14,.0f} {seg['objective_from']:12,.1f} "
            f"{seg['objective_to']:12,.1f} {per_million:17,.2f} {_cost_cell(cost):>13}  {seg['marginal_levers'] or '-'}"
        )
    lines.append("  " + _("{per_m}: weighted graduates per million yuan of {over} at the margin; yuan/graduate: "
                          "the least total cost over the horizon, all sources, of each extra weighted graduate (below zero where "
                          "the larger budget allows a plan with more output that also costs less)").format(
        per_m=per_m, over=front.over))
    budget = float(front.breakpoints["budget"].iloc[-1])
    objective = float(front.breakpoints["objective"].iloc[-1])
    # English keeps the table's figure, under its unit; Chinese says the sum in 万元 or 亿元.
    lines.append(_("at {budget}: {objective} ({says})").format(
        budget=money(budget) if chinese() else f"{budget:,.0f}", objective=f"{objective:,.1f}",
        says=last_breakpoint_says(front)))
    lines.extend(f"  {_cap_text(cap)}" for cap in front.caps.to_dict(orient="records"))
    lines.extend(note_line(note) for note in front.notes)
    return "\n".join(lines)


def _cost_cell(cost: float) -> str:
    """A cost per extra graduate: yuan, or ``-`` where the output does not grow."""
    return f"{cost:,.0f}" if math.isfinite(cost) else "-"


def last_breakpoint_says(front: Frontier) -> str:
    """What lies past the last breakpoint: nothing to buy, another cap that binds, or an unsearched rest."""
    if not front.saturated:
        return _("search stopped at the requested upper budget")
    if front.caps.empty:
        return _("more money buys nothing: limits other than money cap the output")
    names = [str(limit) for limit in front.caps["limit"]]
    caps = (_("the cap of {limit} binds").format(limit=names[0]) if len(names) == 1
            else _("the caps of {limits} bind").format(limits=series(names)))
    return _("more {over} alone buys nothing here: {caps}").format(over=front.over, caps=caps)


def _cap_text(cap: dict[str, Any]) -> str:
    year = cap["year"]
    when = "" if year is None or year != year else _(" in {year}").format(year=int(year))
    return _("{limit} ({cap}{when}) binds: at the margin its money{when} buys {output} weighted graduates per "
             "million yuan; lifting it adds {gain}").format(
        limit=cap["limit"], cap=money(cap["cap"]), when=when, output=f"{cap['output_per_million']:,.1f}",
        gain=f"{cap['output_if_unlimited']:,.1f}")


def frontier_html(front: Frontier) -> str:
    title = _("Budget frontier over {over}").format(over=f"<code>{front.over}</code>")
    head = f"<p><b>{title}</b>{aside(_unit(front))}</p>"
    notes = "".join(f"<p>{note_line(note)}</p>" for note in front.notes)
    return head + front.segments.to_html(index=False) + notes


def tornado_dict(bars: Tornado) -> dict[str, Any]:
    """``optimiser tornado --json``: the base optimum, the objective, the default change, notes and one row per input."""
    return {"base_objective": bars.base_objective, "mode": bars.mode, "change": bars.change,
            "notes": bars.notes, "rows": records(bars.table)}


def tornado_text(bars: Tornado) -> str:
    """One line per input, the largest swing first: its two ends and the optimum's change at each."""
    what = _("total cost (yuan)") if bars.mode == "min_cost" else _("weighted graduates")
    head = _("Tornado: each input at both ends of its range, re-solved; base optimum {value} {what}").format(
        value=f"{bars.base_objective:,.1f}", what=what)
    name, low, high, at_low, at_high = _("input"), _("low"), _("high"), _("at low"), _("at high")
    lines = [head, f"{name:<48} {low:>12} {high:>12} {at_low:>11} {at_high:>11}"]
    for row in bars.table.to_dict(orient="records"):
        lines.append(f"{row['input']:<48} {value_text(row['low_value']):>12} {value_text(row['high_value']):>12} "
                     f"{_change_text(row, 'low'):>11} {_change_text(row, 'high'):>11}")
        lines.extend("  " + _("{end} end: {diagnosis}").format(end=_(ENDS[end]), diagnosis=row[f"{end}_diagnosis"])
                     for end in ("low", "high") if row[f"{end}_diagnosis"])
    lines.extend(note_line(note) for note in bars.notes)
    return "\n".join(lines)


def value_text(value: float) -> str:
    """An input's value as a planner reads it: whole yuan or hours with separators, shares to four digits."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def _change_text(row: dict[str, Any], end: str) -> str:
    if not Status(row[f"{end}_status"]).ok:
        return str(row[f"{end}_status"])
    return f"{row[f'{end}_change']:+,.1f}"


def alternatives_dict(room: Alternatives) -> dict[str, Any]:
    """``optimiser alternatives --json``: settings and optimum, the ranges, the plans and their summary."""
    return jsonable({
        **room.summary,
        "ranges": room.ranges,
        "plans": room.plans.reset_index(),
        "plan_summary": room.plan_summary.reset_index(),
    })


def alternatives_text(room: Alternatives) -> str:
    """The settings, the verdict of each lever, the table of ranges and the differing plans."""
    s = room.summary
    unit = s.get("measure", "yuan")
    fmt = (lambda v: f"{v:,.0f}") if unit == "yuan" else (lambda v: f"{v:,.2f}")
    head = _(HEADS.get(unit, HEADS["yuan"])).format(
        name=s.get("name", ""), within=f"{s.get('within', 0) * 100:g}", objective=f"{s.get('objective', math.nan):,.1f}")
    if s.get("relaxed"):
        head += _("; integer levers relaxed to fractional units")
    smooth = s.get("smooth")
    if smooth is not None and s.get("mode") != "min_cost":
        # The plan shown as optimal is the cheapest at the optimum; solve's smoothing stage returns another.
        if smooth > TIE_BREAK_TOLERANCE:
            head += "\n" + _("note: the optimal plan here is the cheapest at the optimum; `optimiser solve` returns a "
                              "steadier plan (objective.smooth: {share}) that gives up at most that share of "
                              "output").format(share=f"{smooth:g}")
        else:
            head += "\n" + _("note: the optimal plan here is the cheapest at the optimum as the solver found it; "
                              "`optimiser solve` returns the steadiest of the cheapest optimal plans")
    ranges = room.ranges.assign(verdict=[_(VERDICTS.get(v, v)) for v in room.ranges["verdict"]],
                                institution=[_(ALL) if v == "all" else v for v in room.ranges["institution"]])
    table = table_text(headed(ranges, ALTERNATIVES_HEADINGS), index=False, float_format=fmt)
    names = {name: _(ALTERNATIVE).format(number=name.split(" ", 1)[1]) if name.startswith("alternative ") else name
             for name in room.plan_summary.index}
    plans = table_text(headed(room.plan_summary.rename(index=names), ALTERNATIVES_HEADINGS),
                       float_format=lambda v: f"{v:,.3f}" if abs(v) < 10 else f"{v:,.0f}")
    verdicts = room.verdicts()
    said = clauses(_("{verdict}: {levers}").format(
        verdict=_(VERDICTS[verdict]), levers=series(lever for lever, v in verdicts.items() if v == verdict))
        for verdict in VERDICTS if verdict in verdicts.values())
    count = _("{count} alternative plans:").format(count=len(room.plan_summary) - 1)
    return f"{head}\n" + _("levers {verdicts}").format(verdicts=said) + f"\n\n{table}\n\n{count}\n{plans}"
