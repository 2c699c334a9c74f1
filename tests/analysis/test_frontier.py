"""The exact budget frontier: hand-derived breakpoints, dense sampling, errors, CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from optimiser import ConfigError, load_config, solve
from optimiser.analysis import frontier
from optimiser.analysis.frontier import _Search
from optimiser.analysis.points import apply_point
from optimiser.cli import main

from ..conftest import CONFIGS
from ..tiny import secondment_config

# One college, one year, class sizes 1. A student needs 30 knowledge and 30
# practice hours. Ten academic teachers (300 h, knowledge only) give 3,000
# hours. A secondment (20,000 yuan) turns an academic teacher into a
# double-qualified one: 300 practice hours = 10 students, 2,000 yuan each,
# until knowledge and practice together use all 3,000 hours: 60 h x 50
# students, at 5 secondments = 100,000 yuan. Past that, an enterprise
# lecturer (12,000 yuan, 120 practice hours) adds 2 students (120 / 60 h of
# the whole pool) and frees 0.2 secondments (60 practice hours):
# 12,000 - 4,000 = 8,000 yuan for 2 students, 4,000 each. The external
# ratio 0.25 x 10 allows 2.5 lecturers: 55 students at 100,000 + 20,000.


def tiny(
    write_config: Callable[[str, str], Path], secondments: dict[str, Any] | None = None,
    policies: dict[str, Any] | None = None,
) -> Path:
    config = secondment_config("tiny frontier", secondments=secondments, policies=policies)
    return write_config(yaml.safe_dump(config, sort_keys=False), "tiny.yaml")


def test_hand_derived_breakpoints_slopes_and_marginal_levers(write_config: Callable[[str, str], Path]) -> None:
    front = frontier(load_config(tiny(write_config)), over="funding.government.per_year")
    points = front.breakpoints
    assert points["budget"].tolist() == pytest.approx([0.0, 100_000.0, 120_000.0], rel=1e-9, abs=1e-6)
    assert points["objective"].tolist() == pytest.approx([0.0, 50.0, 55.0], rel=1e-9, abs=1e-9)
    # The cheapest plan at each breakpoint uses the whole budget (less the tie-break's 1e-7).
    assert points["spent"].tolist() == pytest.approx([0.0, 100_000.0, 120_000.0], rel=1e-6, abs=1e-6)
    segments = front.segments
    assert segments["marginal_output_per_yuan"].tolist() == pytest.approx([1 / 2000, 1 / 4000], rel=1e-9)
    assert segments["yuan_per_extra_output"].tolist() == pytest.approx([2000.0, 4000.0], rel=1e-9)
    # One year: a yuan a year of the cap is a yuan of total cost, so each graduate costs the same in both.
    assert points["cheapest_cost"].tolist() == pytest.approx([0.0, 100_000.0, 120_000.0], rel=1e-6, abs=1e-6)
    assert segments["cost_per_extra_output"].tolist() == pytest.approx([2000.0, 4000.0], rel=1e-6)
    text = str(front)
    assert "per M yuan a year yuan/graduate" in text
    assert "       100,000        120,000         50.0         55.0            250.00         4,000" in text
    # Secondments are bought first; then lecturers grow while secondments shrink.
    assert segments["marginal_levers"].tolist() == ["secondments", "enterprise_lecturers"]
    # Within the tie-break's 1e-7 of output (a few hundredths of a yuan here).
    assert points["spend_secondments"].tolist() == pytest.approx([0.0, 100_000.0, 90_000.0], abs=0.1)
    assert points["spend_enterprise_lecturers"].tolist() == pytest.approx([0.0, 0.0, 30_000.0], abs=0.1)
    assert front.saturated and front.saturation == pytest.approx(120_000.0)
    assert front.value_at(60_000.0) == pytest.approx(30.0)
    assert front.value_at(110_000.0) == pytest.approx(52.5)
    assert front.value_at(1e9) == pytest.approx(55.0)
    # Past 120,000 the external ratio, not money, caps the output: no other money limit binds.
    assert "120,000: 55.0 (more money buys nothing: limits other than money cap the output)" in str(front)
    assert front.caps.empty


# The same college, but the government pays only for secondments and the
# enterprises' 12,000 yuan a year for one enterprise lecturer. At zero
# government money the lecturer's 120 practice hours train 4 students; each
# secondment (20,000 yuan, 300 practice-capable hours) adds 10, until the
# whole pool of 3,000 + 120 hours is used at 60 h per student: 52 students at
# 4.8 secondments = 96,000 yuan. Past that more government money buys
# nothing, but the enterprises' cap binds: a yuan more buys 1/12,000 of a
# lecturer, 120/12,000 hours of the pool, 2/12,000 students: 166.67 per
# million. Lifted, lecturers grow to the external ratio's 2.5: 55 students, 3 more.


def test_last_breakpoint_names_the_other_source_whose_cap_binds(write_config: Callable[[str, str], Path]) -> None:
    config = secondment_config("tiny frontier", funding={
        "government": {"per_year": 200000, "funds": ["secondments"]},
        "enterprises": {"per_year": 12000, "funds": ["enterprise_lecturers"]},
    })
    path = write_config(yaml.safe_dump(config, sort_keys=False), "two_sources.yaml")
    front = frontier(load_config(path), over="funding.government.per_year")
    assert front.breakpoints["budget"].tolist() == pytest.approx([0.0, 96_000.0], abs=1e-6)
    assert front.breakpoints["objective"].tolist() == pytest.approx([4.0, 52.0], abs=1e-9)
    assert front.saturated
    cap = front.caps.to_dict(orient="records")
    assert [c["limit"] for c in cap] == ["funding.enterprises.per_year"]
    assert cap[0]["cap"] == pytest.approx(12_000.0) and cap[0]["year"] == 2025
    assert cap[0]["output_per_million"] == pytest.approx(1e6 / 6000, rel=1e-7)
    assert cap[0]["output_if_unlimited"] == pytest.approx(3.0, rel=1e-7)
    text = str(front)
    assert ("at 96,000: 52.0 (more funding.government.per_year alone buys nothing here: "
            "the cap of funding.enterprises.per_year binds)") in text
    assert ("funding.enterprises.per_year (12,000 yuan in 2025) binds: at the margin its money in 2025 buys "
            "166.7 weighted graduates per million yuan; lifting it adds 3.0") in text
    assert "more money buys nothing" not in text


def test_zhejiang_total_budget_ends_where_the_sources_caps_bind(zhejiang: Path) -> None:
    config = load_config(zhejiang)
    front = frontier(config, over="total_budget")
    caps = front.caps.set_index("limit")
    assert list(caps.index) == [f"funding.{source}.per_year" for source in config.funding]
    # Lifting the government's cap (the total budget unlimited) gains what a direct solve gains.
    lifted = solve(config.with_changes({"funding.government.per_year": 1e12}), diagnose=False).objective
    assert caps.loc["funding.government.per_year", "output_if_unlimited"] == pytest.approx(
        lifted - solve(config).objective, rel=1e-6)
    assert "more money buys nothing" not in str(front)


def test_total_budget_without_one_in_the_config_starts_from_zero(write_config: Callable[[str, str], Path]) -> None:
    front = frontier(load_config(tiny(write_config)), over="total_budget")
    assert front.unit == "yuan over the horizon"
    assert front.breakpoints["budget"].tolist() == pytest.approx([0.0, 100_000.0, 120_000.0], rel=1e-9, abs=1e-6)
    assert front.breakpoints["objective"].tolist() == pytest.approx([0.0, 50.0, 55.0], rel=1e-9, abs=1e-9)


def test_frontier_starts_at_the_least_budget_that_is_feasible(write_config: Callable[[str, str], Path]) -> None:
    # Two secondments are compulsory: 40,000 yuan buys the first 20 students.
    front = frontier(load_config(tiny(write_config, secondments={"min_per_year": 2})), over="funding.government.per_year")
    assert front.breakpoints["budget"].tolist() == pytest.approx([40_000.0, 100_000.0, 120_000.0], rel=1e-6)
    assert front.breakpoints["objective"].tolist() == pytest.approx([20.0, 50.0, 55.0], rel=1e-6)
    assert np.isnan(front.value_at(10_000.0))


def test_upto_stops_the_search_before_saturation(write_config: Callable[[str, str], Path]) -> None:
    front = frontier(load_config(tiny(write_config)), over="funding.government.per_year", upto=50_000)
    assert front.breakpoints["budget"].tolist() == pytest.approx([0.0, 50_000.0], abs=1e-6)
    assert front.breakpoints["objective"].tolist() == pytest.approx([0.0, 25.0], abs=1e-9)
    assert not front.saturated and np.isnan(front.saturation)


def test_no_feasible_budget_gives_an_empty_infeasible_frontier(write_config: Callable[[str, str], Path]) -> None:
    # Half the teachers must be double-qualified, but only one secondment a year is allowed.
    path = tiny(write_config, secondments={"max_per_year": 1}, policies={"min_double_qualified_share": 0.5})
    front = frontier(load_config(path), over="funding.government.per_year")
    assert front.status.value == "infeasible" and front.breakpoints.empty and front.segments.empty
    assert main(["frontier", str(path), "--over", "funding.government.per_year"]) == 3


def test_integer_levers_are_relaxed_with_a_note(write_config: Callable[[str, str], Path]) -> None:
    front = frontier(load_config(tiny(write_config, secondments={"integer": True})), over="funding.government.per_year")
    assert any("linear relaxation" in note for note in front.notes)
    assert front.breakpoints["objective"].tolist() == pytest.approx([0.0, 50.0, 55.0], abs=1e-9)


@pytest.mark.slow
def test_zhejiang_frontier_matches_dense_sampling(zhejiang: Path) -> None:
    config = load_config(zhejiang)
    front = frontier(config, over="funding.government.per_year")
    budgets = front.breakpoints["budget"].to_numpy()
    objectives = front.breakpoints["objective"].to_numpy()
    assert budgets[0] == 0.0 and len(budgets) >= 5
    slopes = front.segments["marginal_output_per_yuan"].to_numpy()
    assert np.all(slopes > 0) and np.all(np.diff(slopes) <= 1e-12)  # concave, rising to saturation
    for budget in np.linspace(0.0, budgets[-1] * 1.2, 50):
        exact = solve(config.with_changes({"funding.government.per_year": float(budget)}), diagnose=False).objective
        assert front.value_at(budget) == pytest.approx(exact, rel=1e-6)
    # The breakpoints themselves are optima, and the frontier reaches the config's own optimum.
    assert objectives[-1] == pytest.approx(solve(config.with_changes({"funding.government.per_year": 1e9})).objective, rel=1e-7)
    own = config.funding["government"].per_year.at(config.horizon.start)
    assert front.value_at(own) == pytest.approx(solve(config).objective, rel=1e-7)


@pytest.mark.parametrize("smooth", [True, 0.05, False])
def test_breakpoint_plans_are_those_solve_returns(zhejiang_exact: Path, smooth: bool | float) -> None:
    # Each breakpoint's plan is the one solve() returns at its budget, the smoothing stage included: with
    # a share of output given up for steadiness (0.05) its cost, spending and output per tier are those of
    # the steadier plan, and the output it gives up is reported beside the optimum.
    config = load_config(zhejiang_exact).with_changes({"objective.smooth": smooth})
    front = frontier(config, over="funding.government.per_year")
    table = front.breakpoints
    for index in (0, len(table) // 4, len(table) // 2, len(table) - 1):
        row = table.iloc[index]
        result = solve(config.with_changes({"funding.government.per_year": float(row["budget"])}), diagnose=False)
        assert row["objective"] == pytest.approx(result.objective, rel=1e-9)
        assert row["output_given_up"] == pytest.approx(result.summary["output_given_up"], rel=1e-6, abs=1e-6)
        assert row["total_cost"] == pytest.approx(result.total_cost, rel=1e-7, abs=1.01)
        if smooth == 0.05:
            # The least cost of the optimum: the plan solve finds before its smoothing stage.
            cheapest = solve(config.with_changes({"funding.government.per_year": float(row["budget"]),
                                                  "objective.smooth": False}), diagnose=False)
            assert row["cheapest_cost"] == pytest.approx(cheapest.total_cost, rel=1e-7, abs=1.01)
        for lever, spent in result.spend_by_lever().items():
            assert row[f"spend_{lever}"] == pytest.approx(spent, rel=1e-6, abs=1.01)
        for tier, years in result.compound_output().items():
            assert row[f"compound_{tier}"] == pytest.approx(sum(years.values()), rel=1e-6, abs=1e-6)
    if smooth == 0.05:
        # The steadier plans give up output, up to 5% of the optimum.
        given_up = table["output_given_up"] / table["objective"].where(table["objective"] > 0)
        assert given_up.max() > 0.01 and (given_up.dropna() <= 0.05 + 1e-9).all()


def test_breakpoint_money_carries_no_round_off(zhejiang: Path) -> None:
    # Spending the solver leaves at a few billionths of a yuan is written as none, as the plan tables write it.
    table = frontier(load_config(zhejiang), over="funding.government.per_year").breakpoints
    money = table[["spent", "spent_total", "total_cost", "cheapest_cost",
                   *(c for c in table.columns if c.startswith("spend_"))]].to_numpy(dtype=float)
    assert not ((np.abs(money) > 0) & (np.abs(money) < 1e-3)).any()
    assert (table["spend_recruitment"] == 0.0).any()


def test_breakpoints_confirmed_along_a_basis_are_those_a_solve_confirms(
    zhejiang: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Where a point's optimal basis still holds at a crossing, the search confirms it without a solve.
    config = load_config(zhejiang)
    fast = frontier(config, over="funding.government.per_year")
    monkeypatch.setattr(_Search, "along", lambda self, near, budget: None)
    plain = frontier(config, over="funding.government.per_year")
    assert fast.solves < plain.solves
    assert len(fast.breakpoints) == len(plain.breakpoints)
    for column in ("budget", "objective"):
        assert np.allclose(fast.breakpoints[column], plain.breakpoints[column], rtol=1e-9, atol=1e-6)
    # The same plans. (Not always the same split of their cost between sources that may pay for the same
    # levers, "spent": no stage of a solve settles it.)
    for column in ("total_cost", *(f"spend_{lever}" for lever in config.levers)):
        assert np.allclose(fast.breakpoints[column], plain.breakpoints[column], rtol=1e-7, atol=1.01)
    assert np.allclose(fast.segments["marginal_output_per_yuan"], plain.segments["marginal_output_per_yuan"], rtol=1e-8)


def test_one_year_of_a_source_matches_solves(zhejiang: Path) -> None:
    config = load_config(zhejiang)
    front = frontier(config, over="funding.enterprises.per_year.2026")
    assert front.unit == "yuan in 2026"
    for budget in (0.0, 1.5e6, 4e6, front.saturation * 0.999):
        changed = apply_point(config, {"funding.enterprises.per_year.2026": budget})
        assert changed.funding["enterprises"].per_year.at(2027) == 2_000_000
        assert front.value_at(budget) == pytest.approx(solve(changed, diagnose=False).objective, rel=1e-6)


@pytest.mark.slow
def test_min_cost_config_is_analysed_in_max_output_mode() -> None:
    min_cost = frontier(load_config(CONFIGS / "zhejiang_min_cost.yaml"), over="total_budget")
    assert any("min_cost mode" in note and "max_output" in note for note in min_cost.notes)
    plain = load_config(CONFIGS / "zhejiang_min_cost.yaml").with_changes({"objective": {"mode": "max_output"}})
    expected = frontier(plain, over="total_budget")
    pd.testing.assert_frame_equal(min_cost.breakpoints, expected.breakpoints, rtol=1e-9)


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ("funding.goverment.per_year", "no funding source 'goverment'; did you mean 'government'"),
        ("funding.government.per_year.2040", "expected a year of the horizon 2025-2030 after per_year, got '2040'"),
        ("levers.secondments.cost", "a frontier is drawn over total_budget, funding.<source>.per_year"),
    ],
)
def test_bad_over_names_the_fix(zhejiang: Path, over: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(".", r"\.")):
        frontier(load_config(zhejiang), over=over)


def test_cli_writes_breakpoints_and_segments(write_config: Callable[[str, str], Path], tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "frontier.csv"
    assert main(["frontier", str(tiny(write_config)), "--over", "funding.government.per_year", "--out", str(out)]) == 0
    points = pd.read_csv(out)
    assert points["budget"].round(3).tolist() == [0.0, 100_000.0, 120_000.0]
    assert points["objective"].round(6).tolist() == [0.0, 50.0, 55.0]
    segments = pd.read_csv(tmp_path / "frontier.segments.csv")
    assert segments["marginal_levers"].tolist() == ["secondments", "enterprise_lecturers"]
    assert "wrote" in capsys.readouterr().out


def test_cli_json_and_bad_over(write_config: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]) -> None:
    path = tiny(write_config)
    assert main(["frontier", str(path), "--over", "total_budget", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["saturation"] == pytest.approx(120_000.0)
    assert [round(p["objective"], 6) for p in data["breakpoints"]] == [0.0, 50.0, 55.0]
    assert main(["frontier", str(path), "--over", "funding.govt.per_year"]) == 2
    assert "no funding source 'govt'" in capsys.readouterr().err


def test_a_large_programmes_first_steadiest_plan_by_interior_point_is_the_same(
    zhejiang_exact: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Treated as a very large programme: the first breakpoint's smoothing
    # stage starts from scratch by interior point with crossover, as solve's
    # does at that size; the later ones continue by dual simplex.
    from optimiser.analysis import fast
    from optimiser.solve import backends, highs

    config = load_config(zhejiang_exact).with_changes({"objective.smooth": 0.05})
    plain = frontier(config, over="funding.government.per_year").breakpoints
    monkeypatch.setattr(fast, "WARM_SMOOTHING_COLUMNS", 0)
    monkeypatch.setattr(backends, "AFRESH_IPM_COLUMNS", 0)
    runs: list[int] = []
    interior_point = highs.Session.run_interior_point

    def spy(self: highs.Session, *args: object, **kwargs: object) -> object:
        runs.append(self.n_cols)
        return interior_point(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(highs.Session, "run_interior_point", spy)
    table = frontier(config, over="funding.government.per_year").breakpoints
    assert len(runs) == 1
    assert table["budget"].tolist() == pytest.approx(plain["budget"].tolist(), rel=1e-9)
    assert table["objective"].tolist() == pytest.approx(plain["objective"].tolist(), rel=1e-9)
    assert table["total_cost"].tolist() == pytest.approx(plain["total_cost"].tolist(), rel=1e-7, abs=1.01)
