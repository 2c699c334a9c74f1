"""Robust plans over drawn worlds: hand-derived two-world cases, risk measures, out-of-sample figures, CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from optimiser import ConfigError, load_config, solve
from optimiser.analysis.robust import distribution_mean, robust, robust_convergence
from optimiser.cli import main
from optimiser.config.uncertainty import Uncertain, draw_values, parse_uncertainty

from ..tiny import tiny_config, write_tiny

ROOT = Path(__file__).resolve().parents[2]
UNCERTAIN = ROOT / "configs" / "zhejiang_uncertain.yaml"
COST = "levers.enterprise_lecturers.cost"
HOURS_A = "teacher_groups.enterprise_lecturer.hours"
A = ("enterprise_lecturers", "College", "", 2025)
B = ("steady_lecturers", "College", "", 2025)

# The tiny config (tests/tiny.py): one year, one tier of duration 1 needing 30
# knowledge and 30 practice hours per student (class size 1); ten academics
# give 3,000 knowledge hours, room for all 100 students; enterprise lecturers
# (120 practice hours, 12,000 yuan) are paid from 24,000 yuan a year. A
# lecturer of h hours trains h / 30 students: output = h·u / 30.


def tiny(tmp_path: Path, section: dict[str, Any] | None = None, **changes: Any) -> Any:
    raw = tiny_config(**changes)
    if section:
        raw["uncertainty"] = section
    return load_config(write_tiny(tmp_path, raw, "robust.yaml"))


def two_lecturer_kinds(tmp_path: Path, section: dict[str, Any] | None = None) -> Any:
    """Lecturers A (uncertain hours) and B (120 hours), both 12,000 yuan, from 24,000 yuan: two units in all."""
    raw = tiny_config()
    raw["teacher_groups"]["steady_lecturer"] = {"qualified": ["practice", "training"], "hours": 120, "external": True}
    raw["levers"]["steady_lecturers"] = {"kind": "hire", "group": "steady_lecturer", "cost": 12000}
    if section:
        raw["uncertainty"] = section
    return load_config(write_tiny(tmp_path, raw, "two.yaml"))


def test_budget_in_every_world_buys_what_the_dearest_world_allows(tmp_path: Path) -> None:
    # Worlds: a lecturer costs 10,000 or 14,000 yuan; the mean world 12,000.
    # Plan for the mean world: 24,000 / 12,000 = 2 lecturers, 4 · 2 = 8 graduates,
    # but in the dear world they cost 28,000 > 24,000: over budget.
    # Robust plan (budget in every world): u · 14,000 <= 24,000, so u = 12/7 and
    # 4 · 12/7 = 48/7 graduates in both worlds.
    config = tiny(tmp_path)
    plan = robust(config, worlds=[{COST: 10000}, {COST: 14000}], test_draws=0)
    assert plan.ok
    assert plan.units[A] == pytest.approx(12 / 7, rel=1e-6)
    assert plan.objective == pytest.approx(48 / 7, rel=1e-6)
    assert list(plan.worlds["output"]) == pytest.approx([48 / 7, 48 / 7], rel=1e-6)
    mean_world = solve(config.with_changes({COST: 12000}))
    assert float(mean_world.plan["units"].sum()) == pytest.approx(2.0, rel=1e-6)
    assert plan.units[A] < 2.0 - 0.2
    # The tie-break: no money spent that buys nothing; the plan costs 12/7 · c in each world.
    assert list(plan.worlds["total_cost"]) == pytest.approx([120000 / 7, 24000], rel=1e-6)


def test_budget_on_average_is_the_mean_world_plan_and_reports_each_overrun(tmp_path: Path) -> None:
    # On average: (10,000 + 14,000) / 2 · u <= 24,000 gives u = 2, the mean-world plan;
    # the dear world then overruns its funding by 28,000 - 24,000 = 4,000 yuan.
    config = tiny(tmp_path)
    plan = robust(config, worlds=[{COST: 10000}, {COST: 14000}], budget="expected", test_draws=0)
    assert plan.units[A] == pytest.approx(2.0, rel=1e-6)
    assert plan.objective == pytest.approx(8.0, rel=1e-6)
    assert list(plan.worlds["overrun"]) == pytest.approx([0.0, 4000.0], abs=1e-3)
    assert list(plan.worlds["broken"]) == ["", "funding_cap"]
    assert plan.summary["worlds_over_budget"] == 1


def test_risk_measures_choose_between_a_gamble_and_a_sure_lever(tmp_path: Path) -> None:
    # Lever A's lecturers teach 60 or 240 hours (mean 150), B's 120; both cost
    # 12,000 from 24,000 yuan, so uA + uB = 2 and output_w = (h_w·uA + 120·uB) / 30.
    # Expected (and the mean world, 150 > 120): all A, outputs 4 and 16, mean 10.
    # Worst world: min((60uA + 120uB), (240uA + 120uB)) / 30 falls with uA: all B, 8 in both.
    # CVaR at alpha = 1/2 of two worlds is the worse one: all B too.
    config = two_lecturer_kinds(tmp_path)
    worlds = [{HOURS_A: 60}, {HOURS_A: 240}]
    expected = robust(config, worlds=worlds, test_draws=0)
    assert (expected.units[A], expected.units[B]) == pytest.approx((2.0, 0.0), abs=1e-6)
    assert expected.objective == pytest.approx(10.0, rel=1e-6)
    mean_world = solve(config.with_changes({HOURS_A: 150}))
    assert mean_world.plan.set_index("lever")["units"].to_dict() == pytest.approx(
        {"enterprise_lecturers": 2.0, "steady_lecturers": 0.0}, abs=1e-6)
    for risk, alpha in (("worst", 0.1), ("cvar", 0.5)):
        careful = robust(config, worlds=worlds, risk=risk, alpha=alpha, test_draws=0)
        assert (careful.units[A], careful.units[B]) == pytest.approx((0.0, 2.0), abs=1e-6), risk
        assert careful.objective == pytest.approx(8.0, rel=1e-6)
    # CVaR at alpha = 3/4: the worst world and half the other, (4 + 0.5 · 16) / 1.5 = 8 with all A,
    # and 8 with all B: a tie at 8 (every mix between them gives 8 as well).
    assert robust(config, worlds=worlds, risk="cvar", alpha=0.75, test_draws=0).objective == pytest.approx(8.0, rel=1e-6)


def test_cvar_at_one_is_the_expectation_and_small_alpha_the_worst_world(tmp_path: Path) -> None:
    config = two_lecturer_kinds(tmp_path, {HOURS_A: {"dist": "uniform", "low": 60, "high": 240}})
    expected = robust(config, draws=20, seed=4, test_draws=0)
    at_one = robust(config, draws=20, seed=4, risk="cvar", alpha=1.0, test_draws=0)
    assert at_one.objective == pytest.approx(expected.objective, rel=1e-6)
    assert at_one.worlds["output"].mean() == pytest.approx(expected.worlds["output"].mean(), rel=1e-6)
    worst = robust(config, draws=20, seed=4, risk="worst", test_draws=0)
    tiny_alpha = robust(config, draws=20, seed=4, risk="cvar", alpha=0.01, test_draws=0)  # alpha < 1/20
    assert tiny_alpha.objective == pytest.approx(worst.objective, rel=1e-6)
    assert worst.objective == pytest.approx(worst.worlds["output"].min(), rel=1e-6)
    between = robust(config, draws=20, seed=4, risk="cvar", alpha=0.3, test_draws=0)
    assert worst.objective - 1e-6 <= between.objective <= expected.objective + 1e-6
    assert worst.objective < expected.objective - 0.5  # the measures really differ here


def test_out_of_sample_figures_are_reproducible_and_independent_of_jobs(tmp_path: Path) -> None:
    config = tiny(tmp_path, {COST: {"dist": "uniform", "low": 10000, "high": 14000}})
    one = robust(config, draws=10, seed=2, test_draws=30, test_seed=9)
    again = robust(config, draws=10, seed=2, test_draws=30, test_seed=9)
    two = robust(config, draws=10, seed=2, test_draws=30, test_seed=9, jobs=2)
    for other in (again, two):
        assert other.out_of_sample.equals(one.out_of_sample)
        assert other.summary["vss"] == one.summary["vss"] and other.summary["vss_se"] == one.summary["vss_se"]
    table = one.out_of_sample
    assert list(table.index) == ["robust", "mean world"]
    # The robust plan, 24,000 / c_max lecturers, is affordable in every world up to the dearest
    # of its 10 draws (c_max); the mean-world plan (2 lecturers) overruns whenever c > 12,000.
    fresh = draw_values(parse_uncertainty(config), 30, 9)[:, 0]
    dearest = one.worlds[COST].max()
    assert one.units[A] == pytest.approx(24000 / dearest, rel=1e-6)
    assert table.loc["robust", "over_budget"] == pytest.approx(np.mean(fresh > dearest * (1 + 1e-6)))
    assert table.loc["mean world", "over_budget"] == pytest.approx(np.mean(fresh > 12000 * (1 + 1e-6)))
    assert table.loc["robust", "expected"] == pytest.approx(4 * 24000 / dearest, rel=1e-6)
    # It trains 8 in every world; the robust plan fewer: the value of the stochastic solution is negative here.
    assert table.loc["mean world", "expected"] == pytest.approx(8.0, rel=1e-6)
    assert one.summary["vss"] < 0
    assert one.summary["vss"] == pytest.approx(table.loc["robust", "expected"] - table.loc["mean world", "expected"], abs=1e-9)
    other_seed = robust(config, draws=10, seed=2, test_draws=30, test_seed=10)
    assert not other_seed.out_of_sample.equals(one.out_of_sample)


def test_mean_of_a_distribution_is_the_average_of_its_quantiles() -> None:
    triangular = Uncertain("x", "triangular", {"low": 0.1, "mode": 0.25, "high": 0.5})
    assert distribution_mean(triangular) == pytest.approx((0.1 + 0.25 + 0.5) / 3, rel=1e-6)
    assert distribution_mean(Uncertain("x", "uniform", {"low": 2.0, "high": 6.0})) == pytest.approx(4.0, rel=1e-9)
    symmetric = Uncertain("x", "normal", {"mean": 5.0, "sd": 1.0, "low": 3.0, "high": 7.0})
    assert distribution_mean(symmetric) == pytest.approx(5.0, rel=1e-6)


def test_convergence_table_and_zhejiang(tmp_path: Path) -> None:
    config = load_config(UNCERTAIN)
    table = robust_convergence(config, sizes=(4, 8))
    assert list(table["draws"]) == [4, 8]
    assert (table["status"] == "optimal").all()
    assert np.isfinite(table.loc[1, "change"]) and np.isnan(table.loc[0, "change"])
    single = robust(config, draws=8, seed=0, test_draws=0)
    assert single.ok and single.objective > 30000
    assert single.objective <= solve(config).objective * 1.05


def test_arguments_are_checked(tmp_path: Path) -> None:
    config = tiny(tmp_path)
    with pytest.raises(ConfigError, match="no uncertainty"):
        robust(config, draws=5)
    for kwargs, message in (({"risk": "median"}, "unknown risk"), ({"alpha": 0.0}, "alpha"),
                            ({"budget": "sometimes"}, "unknown budget"), ({"draws": 0}, "draws")):
        with pytest.raises(ValueError, match=message):
            robust(config, worlds=[{COST: 12000}], **kwargs)


def test_cli_prints_json_and_writes_the_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tiny(tmp_path, {COST: {"dist": "uniform", "low": 10000, "high": 14000}})
    out = tmp_path / "plan.csv"
    code = main(["robust", str(config.source), "--draws", "8", "--test-draws", "10", "--risk", "cvar",
                 "--alpha", "0.25", "--json", "--out", str(out)])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "optimal" and data["risk"] == "cvar" and data["alpha"] == 0.25
    assert set(data["out_of_sample"]) == {"robust", "mean world"}
    written = load_config(config.source)
    from optimiser.planfile import read_plan

    assert read_plan(out, written)[A] == pytest.approx(data["plan"][0]["units"], rel=1e-9)
    code = main(["robust", str(config.source), "--draws", "0"])
    assert code == 2


def test_out_of_sample_shares_match_the_fixed_plan_monte_carlo_and_tell_the_analyst_story() -> None:
    # The mean-world plan of the Zhejiang config is short of money in most fresh worlds, often while
    # breaking a capacity limit too (status "violates"): those worlds count as over budget, as
    # MonteCarloResult.over_budget counts them for the same plan on the same draws.
    from optimiser import monte_carlo
    from optimiser.analysis.robust import mean_world
    from optimiser.config.uncertainty import without_uncertainty

    config = load_config(UNCERTAIN)
    plan = robust(config, draws=5, seed=0, test_draws=24, test_seed=3)
    table = plan.out_of_sample
    deterministic = solve(without_uncertainty(config).with_changes(mean_world(config)), diagnose=False)
    for name, fixed in (("mean world", deterministic), ("robust", plan.units)):
        mc = monte_carlo(config, draws=24, seed=3, plan=fixed)
        over, judged = mc.over_budget()
        assert judged == 24
        assert table.loc[name, "over_budget"] == pytest.approx(over / 24), name
        statuses = mc.draws["status"]
        assert table.loc[name, "holds"] == pytest.approx(float((statuses == "optimal").mean())), name
        assert table.loc[name, "breaks_limit"] == pytest.approx(float((statuses == "violates").mean())), name
    mean_draws = monte_carlo(config, draws=24, seed=3, plan=deterministic).draws
    assert ((mean_draws["status"] == "violates") & (mean_draws["overspend"] > 0)).any()  # the case that was miscounted
    # "This plan holds in x% of the worlds and gives up y% of expected output against the mean-world plan."
    s = plan.summary
    assert s["holds"] == table.loc["robust", "holds"] and s["mean_world_holds"] == table.loc["mean world", "holds"]
    assert s["holds"] > s["mean_world_holds"]
    assert s["vss_share"] == pytest.approx(s["vss"] / table.loc["mean world", "expected"], rel=1e-12)
    assert f"holds in {s['holds']:.0%} of the fresh worlds" in str(plan)
    assert json.loads(json.dumps(plan.to_dict()))["vss_share"] == pytest.approx(s["vss_share"])


def test_story_shares_in_the_hand_derived_case(tmp_path: Path) -> None:
    # The tiny config, lecturer cost uniform on 10,000-14,000: the mean-world plan (2 lecturers, 24,000
    # yuan at 12,000) holds exactly where c <= 12,000; the robust plan (24,000 / c_max) wherever c <= c_max.
    config = tiny(tmp_path, {COST: {"dist": "uniform", "low": 10000, "high": 14000}})
    plan = robust(config, draws=10, seed=2, test_draws=30, test_seed=9)
    fresh = draw_values(parse_uncertainty(config), 30, 9)[:, 0]
    dearest = plan.worlds[COST].max()
    assert plan.summary["holds"] == pytest.approx(np.mean(fresh <= dearest * (1 + 1e-6)))
    assert plan.summary["mean_world_holds"] == pytest.approx(np.mean(fresh <= 12000 * (1 + 1e-6)))
    # Output 4 · 24,000 / c_max against 8: the robust plan gives up 1 - 12,000 / c_max of it.
    assert plan.summary["vss_share"] == pytest.approx(12000 / dearest - 1, rel=1e-6)


def test_convergence_table_names_its_mode(tmp_path: Path) -> None:
    config = tiny(tmp_path, {COST: {"dist": "uniform", "low": 10000, "high": 14000}})
    table = robust_convergence(config, sizes=(2, 4))
    assert table.attrs["mode"] == "max_output"
    assert (table["worst_cost"] >= table["mean_cost"] - 1e-9).all()
    from optimiser import plots

    assert plots.plot_convergence(table).get_ylabel() == "weighted graduates"
    table.attrs["mode"] = "min_cost"  # an objective in yuan is not drawn beside the worst world's output
    ax = plots.plot_convergence(table)
    assert ax.get_ylabel() == "yuan"
    assert list(ax.lines[1].get_ydata()) == list(table["worst_cost"])


def test_worlds_without_a_plan_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # min_cost, 7.5 graduates from 24,000 yuan: 7.5 / 4 lecturers cost 1.875 · c <= 24,000 only for
    # c <= 12,800, so every world dearer than that has no plan, and no plan holds in every world.
    raw = tiny_config(**{"objective__mode": "min_cost", "objective__targets": {"basic": 7.5}})
    raw["uncertainty"] = {COST: {"dist": "uniform", "low": 10000, "high": 14000}}
    path = write_tiny(tmp_path, raw, "tight.yaml")
    plan = robust(load_config(path), draws=10, seed=0, test_draws=0)
    assert plan.status == "infeasible"
    dear = int((draw_values(parse_uncertainty(load_config(path)), 10, 0)[:, 0] > 12800).sum())
    assert 0 < dear < 10
    assert plan.summary["notes"][-1].startswith(f"{dear} of 10 drawn worlds have no plan even on their own")
    assert main(["robust", str(path), "--draws", "10", "--test-draws", "0"]) == 3
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    assert f"note: {dear} of 10 drawn worlds have no plan" in out.out
    # On average the limits hold: a plan, with the dear worlds' overruns reported.
    assert robust(load_config(path), draws=10, seed=0, budget="expected", test_draws=0).ok


def test_out_of_sample_is_the_same_in_worker_processes_and_on_dask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # jobs=2 on so little work stays in this process (the executor times it first); make the pool
    # look free so the fresh draws really go to worker processes, then to a Dask cluster.
    import dask.distributed as distributed  # in the test extra

    from optimiser.analysis import executor as executor_module

    config = tiny(tmp_path, {COST: {"dist": "uniform", "low": 10000, "high": 14000}})
    here = robust(config, draws=6, seed=5, test_draws=12, test_seed=11)
    started: list[int] = []
    pool = executor_module.ProcessPoolExecutor

    class Counted(pool):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            started.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(executor_module, "_pool_start", lambda: -1e9)
    monkeypatch.setattr(executor_module, "ProcessPoolExecutor", Counted)
    pooled = robust(config, draws=6, seed=5, test_draws=12, test_seed=11, jobs=2)
    assert started  # the worker processes did run
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None)
    with cluster, distributed.Client(cluster) as client:
        remote = robust(config, draws=6, seed=5, test_draws=12, test_seed=11, executor=client)
    for other in (pooled, remote):
        assert other.out_of_sample.equals(here.out_of_sample)
        assert (other.summary["vss"], other.summary["vss_se"], other.summary["holds"]) == (
            here.summary["vss"], here.summary["vss_se"], here.summary["holds"])


def test_numpy_whole_numbers_are_draw_counts(tmp_path: Path) -> None:
    config = tiny(tmp_path, {COST: {"dist": "uniform", "low": 10000, "high": 14000}})
    plan = robust(config, draws=np.int64(3), seed=1, test_draws=np.int64(0))
    assert plan.ok and plan.summary["draws"] == 3
    with pytest.raises(ValueError, match="draws"):
        robust(config, draws=2.5)


def test_a_test_seed_equal_to_the_planning_seed_is_flagged(tmp_path: Path) -> None:
    config = tiny(tmp_path, {COST: {"dist": "uniform", "low": 10000, "high": 14000}})
    same = robust(config, draws=3, seed=4, test_draws=5, test_seed=4)
    assert any("not out of sample" in note for note in same.summary["notes"])
    assert not any("not out of sample" in note for note in robust(config, draws=3, seed=4, test_draws=5).summary["notes"])


def test_draws_beyond_the_cap_are_refused_before_building(capsys: pytest.CaptureFixture[str]) -> None:
    from optimiser.analysis.robust import MAX_DRAWS

    config = load_config(ROOT / "configs" / "zhejiang_uncertain.yaml")
    with pytest.raises(ValueError, match=f"at most {MAX_DRAWS:,} for a robust plan, got {MAX_DRAWS + 1:,}"):
        robust(config, draws=MAX_DRAWS + 1)
    with pytest.raises(ValueError, match="at most"):
        robust_convergence(config, sizes=(25, MAX_DRAWS + 1))
    for option in (["--draws", str(MAX_DRAWS + 1)], ["--convergence", f"25,{MAX_DRAWS + 1}"]):
        assert main(["robust", str(ROOT / "configs" / "zhejiang_uncertain.yaml"), *option]) == 2
        assert f"give from 1 to {MAX_DRAWS:,} draws" in capsys.readouterr().err
