"""Tier trade-offs: a hand-derived line, monotone frontier, end points, errors, CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from optimiser import ConfigError, load_config, solve
from optimiser.analysis import pareto
from optimiser.cli import main

from ..tiny import two_tiers_config, write_tiny


def test_hand_derived_trade_off_line(tmp_path: Path) -> None:
    table = pareto(load_config(write_tiny(tmp_path, two_tiers_config())), x="basic", y="senior", points=5)
    assert list(table.columns) == ["x_tier", "y_tier", "epsilon", "x_output", "y_output", "status", "total_cost",
                                   "objective", "output_basic", "output_senior", "spend_enterprise_lecturers"]
    assert table["status"].tolist() == ["optimal"] * 5
    assert table["x_output"].tolist() == pytest.approx([0.0, 25.0, 50.0, 75.0, 100.0], abs=1e-4)
    assert table["y_output"].tolist() == pytest.approx([50.0, 37.5, 25.0, 12.5, 0.0], abs=1e-4)
    assert table["total_cost"].tolist() == pytest.approx([0.0] * 5, abs=1e-6)
    # The config's weighted objective of each plan: basic x 1 + senior x 3.
    assert table["objective"].tolist() == pytest.approx([150.0, 137.5, 125.0, 112.5, 100.0], abs=1e-3)


def test_zhejiang_frontier_is_monotone_between_the_single_tier_optima(zhejiang: Path) -> None:
    config = load_config(zhejiang)
    table = pareto(config, x="basic", y="professional", points=6)
    assert (table["status"] == "optimal").all()
    x, y = table["x_output"].to_numpy(), table["y_output"].to_numpy()
    assert np.all(np.diff(x) > 0)
    assert np.all(np.diff(y) <= 1e-6)  # more basic output never comes with more professional output
    available = sum(source.per_year.at(t) for source in config.funding.values() for t in config.years)
    assert available == 96e6  # 10 M government + 4 M universities + 2 M enterprises a year
    assert (table["total_cost"] <= available + 1).all()

    def best(tier: str) -> float:
        # Only this tier counts (zhejiang has no discounting): the most of it the budget buys.
        weights = {f"tiers.{k}.weight": (1.0 if k == tier else 0.0) for k in config.tiers}
        return solve(config.with_changes(weights), diagnose=False).objective

    assert y[0] == pytest.approx(best("professional"), rel=1e-6)
    assert x[-1] == pytest.approx(best("basic"), rel=1e-6)


def test_without_a_trade_off_the_front_is_one_point_and_says_so(zhejiang: Path) -> None:
    # Senior intake is fixed (no lever reaches it): 0.95 x 160 enrolled / 2 years = 76 a year, 456 in six years,
    # whatever basic gets: the most of both is one plan, not three copies of it.
    config = load_config(zhejiang)
    table = pareto(config, x="basic", y="senior", points=3)
    assert len(table) == 1
    assert table["y_output"].tolist() == pytest.approx([456.0], rel=1e-6)
    most_basic = pareto(config, x="basic", y="professional", points=2)["x_output"].max()
    assert table["x_output"].item() == pytest.approx(most_basic, rel=1e-6)
    assert table.attrs["notes"][0] == ("no trade-off: the most basic output and the most senior output are reached by "
                                       "the same plan, so the front is one point")
    # Where the tiers compete the front keeps every level asked for.
    assert len(pareto(config, x="basic", y="professional", points=3)) == 3


@pytest.mark.parametrize(
    ("x", "y", "points", "message"),
    [
        ("basci", "senior", 5, "pareto x: no tier 'basci'; did you mean 'basic'"),
        ("basic", "basic", 5, "x and y are both 'basic'; choose two different tiers"),
        ("basic", "senior", 1, "pareto points: expected a whole number of at least 2, got 1"),
    ],
)
def test_bad_arguments_are_named(zhejiang: Path, x: str, y: str, points: int, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        pareto(load_config(zhejiang), x=x, y=y, points=points)


def test_cli_writes_the_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_tiny(tmp_path, two_tiers_config())
    out = tmp_path / "pareto.csv"
    assert main(["pareto", str(path), "--x", "basic", "--y", "senior", "--points", "3", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert table["x_output"].round(3).tolist() == [0.0, 50.0, 100.0]
    assert table["y_output"].round(3).tolist() == [50.0, 25.0, 0.0]
    assert f"wrote {out}" in capsys.readouterr().out
    assert main(["pareto", str(path), "--x", "junior"]) == 2
    assert "no tier 'junior'" in capsys.readouterr().err


def test_every_tier_is_reported_and_the_others_can_be_held(zhejiang: Path) -> None:
    config = load_config(zhejiang)
    free = pareto(config, x="basic", y="professional", points=3)
    assert [f"output_{tier}" for tier in config.tiers] == [c for c in free.columns if c.startswith("output_")]
    # The axes are the front; their tiers' columns are the plan's, which gives up at most the config's
    # smoothing share of each (smooth: 0.01) for a steadier plan.
    for axis, tier in (("x_output", "output_basic"), ("y_output", "output_professional")):
        assert (free[tier] <= free[axis] + 1e-6).all()
        assert (free[tier] >= free[axis] * (1 - 0.01) - 1e-6).all()
    # Held: senior output never falls below what the config's optimum gives it.
    best = solve(config.with_changes({"objective.smooth": False}))
    senior = sum(best.compound_output()["senior"].values())
    held = pareto(config, x="basic", y="professional", points=3, hold_others=True)
    assert (held["status"] == "optimal").all()
    assert (held["output_senior"] >= senior * (1 - 1e-6) - 1e-6).all()
    assert "held" in " ".join(held.attrs["notes"])
    # Holding senior output can only cost the front: at each level, no more professional output.
    assert (held["y_output"] <= free["y_output"] + 1e-6).all()


@pytest.mark.parametrize("smooth", [True, 0.05])
def test_each_level_has_the_plan_solve_returns(zhejiang_exact: Path, smooth: bool | float) -> None:
    # Only basic output counts, and senior output (the x axis) is fixed: senior intake no lever reaches, taught
    # whatever basic is bought. Every level is then the question solve answers, the most basic output, and its
    # plan is the one solve returns, the smoothing stage included: with a share of output given up for
    # steadiness (0.05) its cost, spending and output are those of the steadier plan.
    config = load_config(zhejiang_exact).with_changes({
        "objective.smooth": smooth, "tiers.basic.weight": 1.0, "tiers.professional.weight": 0.0,
        "tiers.senior.weight": 0.0,
    })
    table = pareto(config, x="senior", y="basic", points=2)
    result = solve(config, diagnose=False)
    basic = sum(result.compound_output()["basic"].values())
    for row in table.to_dict("records"):
        assert row["status"] == "optimal"
        assert row["x_output"] == pytest.approx(456.0, rel=1e-6)
        # The front is that of the optimum, as solve's objective; the plan's columns are those of its plan.
        assert row["y_output"] == pytest.approx(result.objective, rel=1e-7)
        assert row["objective"] == pytest.approx(result.summary["weighted_output"], rel=1e-6)
        assert row["output_basic"] == pytest.approx(basic, rel=1e-6)
        assert row["total_cost"] == pytest.approx(result.total_cost, rel=1e-7, abs=1.01)
        for lever, spent in result.spend_by_lever().items():
            assert row[f"spend_{lever}"] == pytest.approx(spent, rel=1e-6, abs=1.01)
    if smooth == 0.05:
        assert (table["output_basic"] < table["y_output"] * (1 - 0.01)).all()
