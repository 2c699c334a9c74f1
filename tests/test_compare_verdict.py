"""compare says which plan is better and why, shows what each plan is, keeps units apart and hides tie-break noise."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from optimiser.cli import main
from optimiser.compare import NO_CHANGE, compare, is_numeric_key, plans_from_args
from optimiser.report.compare_files import comparison_text
from optimiser.report.findings import plan_verdict

from .tiny import tiny_config, write_tiny

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


# Two years, enterprise lecturers of 4 compound graduates for 12,000 yuan, 24,000 yuan in all and a discount
# rate of 0.25: a lecturer counts 4 in 2025 and 3.2 in 2026, so the optimum buys both in 2025 (8 weighted
# graduates). Giving up 1% (0.08) moves 0.1 lecturer to 2026 (1.9 + 0.1: the same 24,000 yuan); the
# cheapest plan with 7.92 buys 1.98 lecturers in 2025 (23,760 yuan): 240 yuan spent for steadiness.
def steady_config(tmp_path: Path) -> Path:
    config = tiny_config(horizon={"start": 2025, "years": 2}, total_budget=24000, discount_rate=0.25)
    config["objective"] = {"smooth": 0.01}
    config["scenarios"] = {"exact": {"description": "the steadiest optimal plan", "set": {"objective.smooth": True}}}
    return write_tiny(tmp_path, config)


def test_compare_rows_reconcile_the_optimum_the_output_given_up_and_the_output_added(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    from openpyxl import load_workbook

    comparison = compare(plans_from_args([steady_config(tmp_path)], "base,exact"))
    rows = {key: comparison.row(key).tolist() for key in
            ("objective", "output_given_up", "weighted_output", "baseline_output", "added_output", "steadiness_cost")}
    assert rows["objective"] == pytest.approx([8.0, 8.0])
    assert rows["output_given_up"] == pytest.approx([0.08, 0.0], abs=1e-6)
    assert rows["weighted_output"] == pytest.approx([7.92, 8.0], abs=1e-6)
    for plan in range(2):
        assert rows["added_output"][plan] == pytest.approx(rows["weighted_output"][plan] - rows["baseline_output"][plan])
        assert rows["objective"][plan] - rows["output_given_up"][plan] == pytest.approx(rows["weighted_output"][plan])
    # Only a share of output to give up can cost money for steadiness; with smooth: true none is computed.
    assert rows["steadiness_cost"][0] == pytest.approx(240.0, abs=0.01)
    assert math.isnan(rows["steadiness_cost"][1])
    # The verdict compares what the plans deliver, as the added output does: the optima are the same 8.
    verdict = plan_verdict(comparison.results)
    assert verdict == ["Best plan by the objective: exact (it delivers 8.0 weighted compound graduates, 24,000 yuan).",
                       "base: 0.1 fewer weighted compound graduates than exact (-1.0%), the same cost."]
    assert comparison.delta("added_output")["exact"] == pytest.approx(0.08, abs=1e-6)
    # Every output of compare carries the rows.
    out = tmp_path / "out"
    book = tmp_path / "compare.xlsx"
    assert main(["compare", str(tmp_path / "tiny.yaml"), "--scenarios", "base,exact", "--json", "--out", str(out),
                 "--xlsx", str(book)]) == 0
    data = json.loads(capsys.readouterr().out)["plans"]
    assert [p["weighted_output"] for p in data] == pytest.approx([7.92, 8.0], abs=1e-6)
    assert [p["output_given_up"] for p in data] == pytest.approx([0.08, 0.0], abs=1e-6)
    assert data[0]["steadiness_cost"] == pytest.approx(240.0, abs=0.01) and data[1]["steadiness_cost"] is None
    table = pd.read_csv(out / "comparison.csv").set_index("key")
    assert table.loc["steadiness_cost", "measure"] == "money spent for steadiness (yuan)"
    assert float(table.loc["weighted_output", "base"]) - float(table.loc["baseline_output", "base"]) == \
        pytest.approx(float(table.loc["added_output", "base"]))
    sheet = {row[1].value: [c.value for c in row] for row in load_workbook(book)["Comparison"].iter_rows(min_row=2)}
    assert sheet["output_given_up"][3] == pytest.approx(0.08, abs=1e-6)
    assert sheet["steadiness_cost"][3] == pytest.approx(240.0, abs=0.01) and sheet["steadiness_cost"][4] is None
    main(["compare", str(tmp_path / "tiny.yaml"), "--scenarios", "base,exact"])
    text = capsys.readouterr().out
    assert [line.split()[-2:] for line in text.splitlines() if "money spent for steadiness" in line] == [["240", "-"]]


def test_the_shipped_config_reconciles_its_rows_and_its_verdict(scenarios) -> None:  # type: ignore[no-untyped-def]
    # configs/zhejiang.yaml sets smooth: 0.01: each plan gives up some of its optimum for steadiness.
    for name, result in scenarios.results:
        given_up = scenarios.row("output_given_up")[name]
        assert 0 < given_up <= 0.01 * scenarios.row("objective")[name] * (1 + 1e-9), name
        assert scenarios.row("objective")[name] - given_up == pytest.approx(scenarios.row("weighted_output")[name])
        assert scenarios.row("added_output")[name] == pytest.approx(
            scenarios.row("weighted_output")[name] - scenarios.row("baseline_output")[name], abs=1e-9)
        assert scenarios.row("steadiness_cost")[name] == pytest.approx(result.summary["steadiness_cost"])
    # The verdict's gaps are differences in output added (the baseline is the same config's), from the best plan.
    added = scenarios.row("added_output")
    verdict = plan_verdict(scenarios.results)
    assert verdict[0].startswith("Best plan by the objective: enterprise_push (it delivers "
                                 f"{scenarios.row('weighted_output')['enterprise_push']:,.1f} weighted compound")
    for name in ("base", "austerity"):
        [line] = [line for line in verdict if line.startswith(f"{name}: ")]
        gap = float(line.split()[1].replace(",", ""))
        assert added["enterprise_push"] - added[name] == pytest.approx(gap, abs=0.05), line
