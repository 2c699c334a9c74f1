"""One elastic solve: evaluate, fixed-plan Monte Carlo (HiGHS arrays or CBC through PuLP) agree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from optimiser import evaluate, load_config, solve
from optimiser.analysis.array_solve import _Layout
from optimiser.analysis.montecarlo import MonteCarloResult, monte_carlo
from optimiser.analysis.program_arrays import arrays_of
from optimiser.config.uncertainty import without_uncertainty
from optimiser.evaluate import plan_model
from optimiser.model import PlanKey
from optimiser.model.rows import breach_weights, judge_breaches

from ..tiny import tiny_config, write_tiny

ROOT = Path(__file__).resolve().parents[2]
UNCERTAIN = ROOT / "configs" / "zhejiang_uncertain.yaml"
COST = "levers.enterprise_lecturers.cost"
HOURS = "teacher_groups.enterprise_lecturer.hours"
TWO_LECTURERS: dict[PlanKey, float] = {("enterprise_lecturers", "College", "", 2025): 2.0}
NUMBERS = ("objective", "total_cost", "overspend")


def tiny(tmp_path: Path, section: dict[str, Any], **changes: Any) -> Any:
    raw = tiny_config(**changes)
    raw["uncertainty"] = section
    return load_config(write_tiny(tmp_path, raw, "elastic.yaml"))


def assert_same_draws(a: MonteCarloResult, b: MonteCarloResult) -> None:
    """Same status on every draw, every number within 1e-6 (relative, or absolute near zero)."""
    assert a.draws["status"].tolist() == b.draws["status"].tolist()
    assert a.draws["violated"].tolist() == b.draws["violated"].tolist()
    columns = [*NUMBERS, *(c for c in a.draws.columns if c.startswith("compound_"))]
    for column in columns:
        assert np.allclose(a.draws[column], b.draws[column], rtol=1e-6, atol=1e-6, equal_nan=True), column


def test_tiny_over_budget_same_with_highs_and_cbc(tmp_path: Path) -> None:
    # Two lecturers at c yuan against 24,000: over budget by 2c - 24,000 above c = 12,000, 8 graduates always.
    config = tiny(tmp_path, {COST: {"dist": "uniform", "low": 10000, "high": 16000}})
    highs = monte_carlo(config, draws=6, seed=0, plan=TWO_LECTURERS, solver="highs")
    cbc = monte_carlo(config, draws=6, seed=0, plan=TWO_LECTURERS, solver="cbc")
    assert highs.summary["method"] == "affine"  # the fast path stays
    assert_same_draws(highs, cbc)
    cost = cbc.draws[COST].to_numpy()
    over = 2 * cost > 24000
    assert 0 < over.sum() < len(cost)
    assert (cbc.draws["status"] == np.where(over, "over_budget", "optimal")).all()
    assert np.allclose(cbc.draws["overspend"], np.maximum(2 * cost - 24000, 0.0), rtol=1e-6)
    assert np.allclose(cbc.draws["objective"], 8.0, rtol=1e-6)


def test_tiny_missed_target_same_with_highs_and_cbc(tmp_path: Path) -> None:
    # min_cost, target 8: two lecturers of h hours train 2h / 30, short of the target below h = 120.
    config = tiny(
        tmp_path, {HOURS: {"dist": "uniform", "low": 90, "high": 150}},
        objective={"mode": "min_cost", "targets": {"basic": 8}},
    )
    highs = monte_carlo(config, draws=6, seed=5, plan=TWO_LECTURERS, solver="highs")
    cbc = monte_carlo(config, draws=6, seed=5, plan=TWO_LECTURERS, solver="cbc")
    assert_same_draws(highs, cbc)
    assert {"optimal", "violates"} <= set(cbc.draws["status"])
    assert np.allclose(cbc.draws["compound_basic"], 2 * cbc.draws[HOURS] / 30, rtol=1e-6)


@pytest.fixture(scope="module")
def zhejiang() -> dict[str, Any]:
    config = load_config(UNCERTAIN)
    best = solve(config)
    return {"config": config, "best": best, "highs": monte_carlo(config, draws=4, seed=5, plan=best)}


def test_zhejiang_same_with_highs_and_cbc(zhejiang: dict[str, Any]) -> None:
    cbc = monte_carlo(zhejiang["config"], draws=4, seed=5, plan=zhejiang["best"], solver="cbc")
    assert_same_draws(zhejiang["highs"], cbc)
    assert {"optimal", "over_budget"} <= set(cbc.draws["status"])


def worlds(mc: MonteCarloResult, config: Any) -> list[tuple[pd.Series, Any]]:
    base = without_uncertainty(config)
    paths = [spec.path for spec in mc.keys]
    return [(row, base.with_changes({p: float(row[p]) for p in paths})) for _, row in mc.draws.iterrows()]


def test_evaluate_gives_each_draw_of_monte_carlo(tmp_path: Path) -> None:
    config = tiny(tmp_path, {COST: {"dist": "uniform", "low": 10000, "high": 16000}})
    mc = monte_carlo(config, draws=6, seed=0, plan=TWO_LECTURERS)
    assert {"optimal", "over_budget"} <= set(mc.draws["status"])
    for row, world in worlds(mc, config):
        ev = evaluate(world, TWO_LECTURERS)  # an optimum of another config (the base) is refused
        assert ev.status == row["status"]
        assert ev.feasible == (row["status"] == "optimal")
        for name in NUMBERS:
            assert getattr(ev, name) == pytest.approx(row[name], rel=1e-6, abs=1e-6)


def test_evaluate_gives_an_over_budget_zhejiang_draw(zhejiang: dict[str, Any]) -> None:
    mc, best = zhejiang["highs"], zhejiang["best"]
    row, world = next((r, w) for r, w in worlds(mc, zhejiang["config"]) if r["status"] == "over_budget")
    ev = evaluate(world, best.plan)
    assert ev.status == "over_budget"
    assert set(ev.violations["kind"]) == set(row["violated"].split(", "))
    for name in NUMBERS:
        assert getattr(ev, name) == pytest.approx(row[name], rel=1e-6)


def test_arrays_carry_the_pulp_models_slacks_weights_and_bounds(tmp_path: Path) -> None:
    # Seconding 12 of 10 academic teachers: the academic group's hours go 2 * 300 hours below zero, and
    # the hours slack may cover exactly that; the array solver must set the same weights and bounds.
    config = load_config(ROOT / "configs" / "zhejiang.yaml")
    inst = config.institutions[0].name
    academic = config.institutions[0].teachers.get("academic", 0.0)
    plan: dict[PlanKey, float] = {("secondments", inst, "", config.horizon.start): academic + 2}
    model = plan_model(config, plan)
    arrays = arrays_of(model)
    layout = _Layout(arrays, fixed_plan=True)
    layout.set_limits(arrays)
    slacks = model.book.slacks
    assert layout.n_slack == len(slacks) > 0
    assert np.array_equal(layout.weights, [weight for _, _, weight in slacks])
    bounds = np.array([np.inf if s.upBound is None else s.upBound for _, s, _ in slacks])
    assert np.allclose(layout.slack_upper, bounds, rtol=1e-12, atol=0.0)
    assert (np.isfinite(bounds) & (bounds > 0)).any()  # some teaching hours were over-seconded


def test_one_weight_rule_and_one_status_rule() -> None:
    # Relative breaches; money no source may pay is the last resort.
    assert breach_weights(["funding_cap", "target", "funding_balance"], [4000.0, 0.5, 0.0]).tolist() == [
        1 / 4000, 1.0, 2.0,
    ]
    rows = [("funding_cap", None, 2025, "u"), ("total_budget", None, None, None), ("target", None, 2025, "b")]
    assert judge_breaches(rows, [5.0, 3.0, 0.0], [10.0, 100.0, 8.0]).status == "over_budget"
    assert judge_breaches(rows, [5.0, 3.0, 0.0], [10.0, 100.0, 8.0]).overspend == pytest.approx(5000.0)
    assert judge_breaches(rows, [0.0, 0.0, 1.0], [10.0, 100.0, 8.0]).status == "violates"
    assert judge_breaches(rows, [1e-9, 0.0, 0.0], [10.0, 100.0, 8.0]).status == "optimal"
    # Negative hours of a group follow from seconding more of its teachers than it has: one breach, not two.
    seconded = [("conversion_stock", "C", 2025, "academic"), ("teacher_hours", "C", 2025, "academic")]
    assert judge_breaches(seconded, [2.0, 600.0], [10.0, 3000.0]).kinds == ("conversion_stock",)
