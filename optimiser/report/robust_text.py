"""A robust plan (:class:`~optimiser.analysis.robust.RobustResult`) as terminal text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..analysis.robust import RobustResult


def robust_text(result: RobustResult) -> str:
    """The settings, the in-sample outcome, the units by lever and the out-of-sample test of a robust plan."""
    s = result.summary
    lines = [
        f"{s.get('name', '')}: robust plan over {s.get('draws')} drawn worlds (seed {s.get('seed')}), "
        f"risk {_risk_words(s)}, budget {s.get('budget')}",
        f"status: {result.status}",
    ]
    if result.ok:
        lines += _in_sample_lines(result)
        lines += _out_of_sample_lines(result)
    lines += [f"note: {note}" for note in s.get("notes", [])]
    return "\n".join(lines)


def _unit(s: dict[str, Any]) -> str:
    return "yuan" if s.get("mode") == "min_cost" else "weighted graduates"


def _risk_words(s: dict[str, Any]) -> str:
    risk = s.get("risk", "")
    return f"cvar (alpha {s.get('alpha'):g})" if risk == "cvar" else risk


def _in_sample_lines(result: RobustResult) -> list[str]:
    """The optimum, what the planned-for worlds give, their overruns and the units of each lever."""
    s = result.summary
    lines = [
        f"objective: {result.objective:,.1f} {_unit(s)}",
        f"in sample: mean output {s['mean_output']:,.1f}, worst world {s['worst_output']:,.1f}, "
        f"mean cost {s['mean_cost']:,.0f} yuan",
    ]
    if s.get("budget") == "expected":
        lines.append(f"worlds over their funding: {s['worlds_over_budget']} of {s['draws']} "
                     f"(largest overrun {s['largest_overrun']:,.0f} yuan)")
    spend = result.plan.groupby("lever", sort=False)["units"].sum()
    lines.append("units by lever (summed over institutions and years): "
                 + ", ".join(f"{lever} {units:,.1f}" for lever, units in spend.items()))
    return lines


def _out_of_sample_lines(result: RobustResult) -> list[str]:
    """The test on fresh draws beside the mean-world plan; nothing when no test was made."""
    s = result.summary
    if result.out_of_sample.empty:
        return []
    lines = [
        "",
        f"out of sample ({s.get('test_draws')} fresh draws, seed {s.get('test_seed')}):",
        result.out_of_sample.to_string(float_format=lambda v: f"{v:,.3f}" if abs(v) < 1 else f"{v:,.1f}"),
    ]
    if s.get("vss") is not None:
        lines.append(f"value of the stochastic solution: {s['vss']:,.1f} ± {s['vss_se']:,.1f} (standard error) "
                     f"{_unit(s)} per world, robust against mean-world plan")
    if s.get("mean_world_holds") is not None and s.get("vss_share") is not None:
        lines.append(_holds_sentence(s))
    return lines


def _holds_sentence(s: dict[str, Any]) -> str:
    """How often each plan holds, and what the robust plan gives up (or gains) in expected output or cost for it."""
    measure = "cost" if s.get("mode") == "min_cost" else "output"
    change = s["vss_share"] if measure == "output" else -s["vss_share"]
    how = f"{abs(change):.1%} {'more' if change > 0 else 'less'}" if round(change, 3) else "the same"
    return (f"the robust plan holds in {s['holds']:.0%} of the fresh worlds (the mean-world plan in "
            f"{s['mean_world_holds']:.0%}) for {how} expected {measure}")
