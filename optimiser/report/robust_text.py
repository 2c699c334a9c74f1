"""A robust plan (:class:`~optimiser.analysis.robust.RobustResult`) as terminal text.

Sentences and table headings follow the language (:mod:`optimiser.i18n`); numbers, status words, option
values (``--risk``, ``--budget``) and lever names stay as they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..i18n import N_, _, money, series
from .analysis_text import headed, note_line, table_text

if TYPE_CHECKING:
    import pandas as pd

    from ..analysis.robust import RobustResult

OUT_OF_SAMPLE_HEADINGS = {
    "expected": N_("expected"), "tail": N_("tail"), "holds": N_("holds"), "over_budget": N_("over_budget"),
    "breaks_limit": N_("breaks_limit"), "no_numbers": N_("no_numbers"), "draws": N_("draws"),
    "robust": N_("robust"), "mean world": N_("mean world"),
}
"""The columns (share of fresh worlds, and their count) and rows (the two plans) of the out-of-sample test."""

CONVERGENCE_HEADINGS = {
    "draws": N_("draws"), "status": N_("status"), "objective": N_("objective"), "change": N_("change"),
    "mean_output": N_("mean_output"), "worst_output": N_("worst_output"), "mean_cost": N_("mean_cost"),
    "worst_cost": N_("worst_cost"), "seconds": N_("seconds"),
}
"""The columns of :func:`~optimiser.analysis.robust.robust_convergence`."""

HOLDS = {
    ("output", "more"): N_("the robust plan holds in {holds} of the fresh worlds (the mean-world plan in {other}) for "
                           "{share} more expected output"),
    ("output", "less"): N_("the robust plan holds in {holds} of the fresh worlds (the mean-world plan in {other}) for "
                           "{share} less expected output"),
    ("output", "same"): N_("the robust plan holds in {holds} of the fresh worlds (the mean-world plan in {other}) for "
                           "the same expected output"),
    ("cost", "more"): N_("the robust plan holds in {holds} of the fresh worlds (the mean-world plan in {other}) for "
                         "{share} more expected cost"),
    ("cost", "less"): N_("the robust plan holds in {holds} of the fresh worlds (the mean-world plan in {other}) for "
                         "{share} less expected cost"),
    ("cost", "same"): N_("the robust plan holds in {holds} of the fresh worlds (the mean-world plan in {other}) for "
                         "the same expected cost"),
}
"""How often each plan holds, and what the robust plan gives up (or gains) for it, by measure and direction."""


def robust_text(result: RobustResult) -> str:
    """The settings, the in-sample outcome, the units by lever and the out-of-sample test of a robust plan."""
    s = result.summary
    lines = [
        _("{name}: robust plan over {draws} drawn worlds (seed {seed}), risk {risk}, budget {budget}").format(
            name=s.get("name", ""), draws=s.get("draws"), seed=s.get("seed"), risk=_risk_words(s),
            budget=_(BUDGET_WORDS[s["budget"]]) if s.get("budget") in BUDGET_WORDS else s.get("budget")),
        _("status: {status}").format(status=result.status),
    ]
    if result.ok:
        lines += _in_sample_lines(result)
        lines += _out_of_sample_lines(result)
    lines += [note_line(note) for note in s.get("notes", [])]
    return "\n".join(lines)


def convergence_text(table: pd.DataFrame) -> str:
    """The robust objective at growing draw counts (:func:`~optimiser.analysis.robust.robust_convergence`)."""
    shown = table_text(headed(table, CONVERGENCE_HEADINGS),
        index=False, float_format=lambda v: f"{v:,.4f}" if abs(v) < 1 else f"{v:,.1f}")
    return _("convergence (the first N of one sample):") + "\n" + shown


def _unit(s: dict[str, Any]) -> str:
    return _("yuan") if s.get("mode") == "min_cost" else _("weighted graduates")


def _risk_words(s: dict[str, Any]) -> str:
    """The risk measure in the reader's words (its name as the command takes it in English)."""
    risk = s.get("risk")
    if risk == "cvar":
        return _("cvar (alpha {alpha})").format(alpha=f"{s.get('alpha'):g}")
    return _(RISK_WORDS[risk]) if risk in RISK_WORDS else str(risk)


RISK_WORDS = {"expected": N_("expected"), "worst": N_("worst")}
"""The risk measures other than cvar, as the head of a robust plan names them."""

BUDGET_WORDS = {"every": N_("every"), "expected": N_("expected")}
"""Whether the budget holds in every drawn world or on average, as the head of a robust plan names it."""


def _in_sample_lines(result: RobustResult) -> list[str]:
    """The optimum, what the planned-for worlds give, their overruns and the units of each lever."""
    s = result.summary
    lines = [
        _("objective: {value} {unit}").format(value=f"{result.objective:,.1f}", unit=_unit(s)),
        _("in sample: mean output {output}, worst world {worst}, mean cost {cost}").format(
            output=f"{s['mean_output']:,.1f}", worst=f"{s['worst_output']:,.1f}", cost=money(s["mean_cost"])),
    ]
    if s.get("budget") == "expected":
        lines.append(_("worlds over their funding: {over} of {draws} (largest overrun {amount})").format(
            over=s["worlds_over_budget"], draws=s["draws"], amount=money(s["largest_overrun"])))
    spend = result.plan.groupby("lever", sort=False)["units"].sum()
    lines.append(_("units by lever (summed over institutions and years): {levers}").format(
        levers=series(f"{lever} {units:,.1f}" for lever, units in spend.items())))
    return lines


def _out_of_sample_lines(result: RobustResult) -> list[str]:
    """The test on fresh draws beside the mean-world plan; nothing when no test was made."""
    s = result.summary
    if result.out_of_sample.empty:
        return []
    lines = [
        "",
        _("out of sample ({draws} fresh draws, seed {seed}):").format(draws=s.get("test_draws"), seed=s.get("test_seed")),
        table_text(headed(result.out_of_sample, OUT_OF_SAMPLE_HEADINGS),
                   float_format=lambda v: f"{v:,.3f}" if abs(v) < 1 else f"{v:,.1f}"),
    ]
    if s.get("vss") is not None:
        lines.append(_("value of the stochastic solution: {value} ± {error} (standard error) {unit} per world, robust "
                       "against mean-world plan").format(value=f"{s['vss']:,.1f}", error=f"{s['vss_se']:,.1f}",
                                                         unit=_unit(s)))
    if s.get("mean_world_holds") is not None and s.get("vss_share") is not None:
        lines.append(_holds_sentence(s))
    return lines


def _holds_sentence(s: dict[str, Any]) -> str:
    """How often each plan holds, and what the robust plan gives up (or gains) in expected output or cost for it."""
    measure = "cost" if s.get("mode") == "min_cost" else "output"
    change = s["vss_share"] if measure == "output" else -s["vss_share"]
    how = ("more" if change > 0 else "less") if round(change, 3) else "same"
    return _(HOLDS[measure, how]).format(holds=f"{s['holds']:.0%}", other=f"{s['mean_world_holds']:.0%}",
                                         share=f"{abs(change):.1%}")
