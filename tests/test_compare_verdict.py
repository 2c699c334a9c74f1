"""compare says which plan is better and why, shows what each plan is, keeps units apart and hides tie-break noise."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from optimiser.cli import main
from optimiser.compare import NO_CHANGE, compare, is_numeric_key, plans_from_args
from optimiser.report.compare_files import comparison_text
from optimiser.report.findings import plan_verdict

ROOT = Path(__file__).resolve().parent.parent
ZHEJIANG = ROOT / "configs" / "zhejiang.yaml"


@pytest.fixture(scope="module")
def scenarios():  # type: ignore[no-untyped-def]
    return compare(plans_from_args([ZHEJIANG], "base,austerity,enterprise_push"))


@pytest.fixture(scope="module")
def mixed():  # type: ignore[no-untyped-def]
    return compare(plans_from_args([ZHEJIANG, ROOT / "configs" / "zhejiang_min_cost.yaml"]))


def test_compare_gives_the_report_verdict_and_each_plans_description(scenarios) -> None:  # type: ignore[no-untyped-def]
    text = comparison_text(scenarios)
    verdict = plan_verdict(scenarios.results)
    assert verdict[0].startswith("Best plan by the objective: enterprise_push")
    block = text.split("verdict:\n", 1)[1].splitlines()[: len(verdict)]
    assert [line.strip() for line in block] == verdict
    for name, result in scenarios.results:
        described = result.config.scenarios[name].description if name != "base" else "no scenario applied"
        assert f"  {name}: " in text and described in text


def test_min_cost_and_max_output_plans_compare_by_output_and_by_cost(mixed) -> None:  # type: ignore[no-untyped-def]
    assert {r.summary["mode"] for _, r in mixed.results} == {"min_cost", "max_output"}
    assert "objective" not in mixed.keys
    output, cost = mixed.row("weighted_output"), mixed.row("total_cost")
    for name, result in mixed.results:
        assert output[name] == pytest.approx(result.summary["weighted_output"])
        assert cost[name] == pytest.approx(result.total_cost)
    assert mixed.units["weighted_output"] == "weighted graduates" and mixed.units["total_cost"] == "yuan"
    text = comparison_text(mixed)
    assert "objective:" not in text and "see mode" not in text
    verdict = plan_verdict(mixed.results)
    assert verdict[0].startswith("The plans optimise different objectives (zhejiang max_output, "
                                 "zhejiang_min_cost min_cost)")
    assert verdict[1].startswith("No plan is best on both: zhejiang gives the most weighted compound graduates")
    assert all(line in text for line in verdict)


def test_changes_below_half_a_yuan_or_a_millionth_of_a_graduate_are_no_change(scenarios) -> None:  # type: ignore[no-untyped-def]
    deltas = scenarios.deltas.copy()
    cost_label = scenarios.table.index[scenarios.keys.index("total_cost")]
    grads_label = scenarios.table.index[scenarios.keys.index("compound_graduates")]
    try:
        scenarios.deltas.loc[cost_label, "austerity"] = -0.49
        scenarios.deltas.loc[cost_label, "enterprise_push"] = 0.3
        scenarios.deltas.loc[grads_label, "austerity"] = 4e-7
        scenarios.deltas.loc[grads_label, "enterprise_push"] = -2e-7
        text = comparison_text(scenarios)
        changes = text.split("change from base:", 1)[1]
        assert "total cost (yuan)" not in changes and "compound graduates, all tiers" not in changes
        scenarios.deltas.loc[cost_label, "enterprise_push"] = 1.0
        changes = comparison_text(scenarios).split("change from base:", 1)[1]
        [line] = [line for line in changes.splitlines() if line.strip().startswith("total cost (yuan)")]
        assert line.split()[-2:] == ["change", "+1"]
    finally:
        scenarios.deltas = deltas
    # The stored changes hold no noise either: each is 0, or at least the unit's threshold, or missing.
    for key in [k for k in scenarios.keys if is_numeric_key(k)]:
        threshold = NO_CHANGE.get(scenarios.units.get(key, ""), 1e-9)
        for value in scenarios.delta(key):
            assert value == 0 or abs(value) >= threshold or math.isnan(value), key


def test_compare_command_prints_the_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", str(ZHEJIANG), "--scenarios", "base,austerity"]) == 0
    out = capsys.readouterr().out
    assert "verdict:\n  Best plan by the objective: base" in out
    assert "austerity: Government funding halved" in out
