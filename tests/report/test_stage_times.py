"""Where a solve's time went: the seconds of each stage in the summary and JSON, and a terminal line for long solves."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from optimiser import load_config, solve
from optimiser.cli import main
from optimiser.report.text import SLOW_SOLVE_SECONDS, summary_text

ROOT = Path(__file__).resolve().parents[2]
STAGES = ["main", "tie_break", "smoothing", "steadiness_cost", "shadow_prices", "baseline"]  # zhejiang.yaml: smooth: 0.01


@pytest.fixture(scope="module")
def zhejiang_result():  # type: ignore[no-untyped-def]
    return solve(load_config(ROOT / "configs" / "zhejiang.yaml"))


def test_an_lp_solve_times_each_stage_within_its_own_time(zhejiang_result) -> None:  # type: ignore[no-untyped-def]
    summary = zhejiang_result.summary
    stages = summary["stage_seconds"]
    assert list(stages) == STAGES
    assert all(seconds >= 0.0 for seconds in stages.values())
    # The stages of the run add up to no more than the run (the baseline is solved after it, outside it).
    within = sum(seconds for stage, seconds in stages.items() if stage != "baseline")
    assert within <= summary["solve_seconds"] + 1e-6
    assert within >= 0.5 * summary["solve_seconds"]
    assert stages["baseline"] <= summary["seconds"]


def test_the_json_summary_carries_the_stage_seconds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", str(ROOT / "configs" / "zhejiang.yaml"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data["stage_seconds"]) == STAGES
    assert sum(data["stage_seconds"].values()) <= data["solve_seconds"] + data["stage_seconds"]["baseline"] + 1e-6


def _slow(result, seconds: dict[str, float]):  # type: ignore[no-untyped-def]
    slow = copy.copy(result)
    run = sum(value for stage, value in seconds.items() if stage != "baseline")
    slow.summary = {**result.summary, "stage_seconds": seconds, "solve_seconds": run}
    return slow


def test_a_quick_solve_prints_no_time(zhejiang_result) -> None:  # type: ignore[no-untyped-def]
    assert zhejiang_result.summary["solve_seconds"] < SLOW_SOLVE_SECONDS
    assert "solve time" not in summary_text(zhejiang_result, lang="en")


def test_a_long_solve_names_each_stage_and_how_to_skip_smoothing(zhejiang_result) -> None:  # type: ignore[no-untyped-def]
    seconds = {"main": 3.0, "tie_break": 0.5, "smoothing": 25.0, "shadow_prices": 1.25, "baseline": 0.75}
    text = summary_text(_slow(zhejiang_result, seconds), lang="en")
    # The total is the sum of the stages listed, the baseline (solved outside solve_seconds) with them.
    assert ("solve time: 30.5 s, the sum of these stages (main solve 3.0 s; tie-break 0.5 s; smoothing 25.0 s; "
            "shadow prices 1.2 s; do-nothing baseline 0.8 s); building the model is not counted") in text
    assert "most of it went to the smoothing stage: objective.smooth: false skips it" in text
    chinese = summary_text(_slow(zhejiang_result, seconds), lang="zh")
    assert "求解用时：30.5 秒，为以下各阶段之和（主求解 3.0 秒；" in chinese
    assert "大部分时间用于平滑阶段：设 objective.smooth: false 即可跳过" in chinese


def test_a_long_solve_spent_elsewhere_gives_no_smoothing_advice(zhejiang_result) -> None:  # type: ignore[no-untyped-def]
    seconds = {"main": 25.0, "tie_break": 0.5, "smoothing": 3.0, "shadow_prices": 1.0, "baseline": 0.5}
    text = summary_text(_slow(zhejiang_result, seconds), lang="en")
    assert "solve time: 30.0 s, the sum of these stages (main solve 25.0 s;" in text
    assert "smooth: false skips it" not in text


def test_only_the_stages_that_ran_are_timed() -> None:
    config = load_config(ROOT / "configs" / "zhejiang.yaml")
    plain = solve(config.with_changes({"objective.smooth": False, "objective.tie_break": False}))
    assert list(plain.summary["stage_seconds"]) == ["main", "shadow_prices", "baseline"]
    exact = solve(config.with_changes({"objective.smooth": True}))
    assert list(exact.summary["stage_seconds"]) == ["main", "tie_break", "smoothing", "shadow_prices", "baseline"]
    seconds = {"main": 12.0, "shadow_prices": 0.25}
    text = summary_text(_slow(plain, seconds), lang="en")
    assert "solve time: 12.2 s, the sum of these stages (main solve 12.0 s; shadow prices 0.2 s)" in text
