"""Whole-unit plans: the rounded start, the search from it, time limits and gaps (docs/model.md, integer plans).

The tiny config (tests/tiny.py): 100 students need 30 knowledge hours each
(3,000 hours: the ten academics cover them) and 30 practice hours each, which
only hired lecturers teach; a student with both is a compound graduate. So a
lever unit of ``h`` practice hours yields ``h / 30`` graduates.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from optimiser import Status, load_config, solve
from optimiser.cli.main import main
from optimiser.model import build_model
from optimiser.solve.matrix import matrix_form
from optimiser.solve.rounding import FixedLP, elastic_repair, unit_repair

from ..tiny import tiny_config, write_tiny

SENIOR = {"qualified": ["practice", "training"], "hours": 108, "external": True}


def two_levers(tmp_path: Path, budget: float, senior_cost: float, **lever_b: Any) -> Path:
    """Lecturers A (120 h, 12,000 yuan: 4 graduates) and B (``senior_lecturer``, 108 h: 3.6 graduates)."""
    config = tiny_config(
        teacher_groups__senior_lecturer=SENIOR,
        levers__senior_lecturers={"kind": "hire", "group": "senior_lecturer", "cost": senior_cost, **lever_b},
        funding={"universities": {"per_year": budget, "funds": "all"}},
    )
    return write_tiny(tmp_path, config)


def units(result: Any, lever: str) -> float:
    return float(result.plan.loc[result.plan["lever"] == lever, "units"].sum())


def test_rounding_down_loses_output_and_the_improvement_recovers_it(tmp_path: Path, solver: str) -> None:
    """B has 60 hours (2 graduates) for 6,500 yuan, 3,250 yuan a graduate against A's 3,000.
    Budget 31,000.
      LP: all on A, 31,000 / 12,000 = 2.583 lecturers -> 10.333 graduates.
      Rounded down: A = 2 (24,000 yuan) -> 8 graduates, 7,000 yuan left.
      Improvement: A + 1 costs 36,000 (too much); B + 1 costs 6,500 (fits) -> 10 graduates.
      Whole-unit optimum: A=2,B=1 (30,500) 10; A=1,B=2 (25,000) 8; A=0,B=4 (26,000) 8: so 10.
    """
    config = tiny_config(
        teacher_groups__senior_lecturer={**SENIOR, "hours": 60},
        levers__senior_lecturers={"kind": "hire", "group": "senior_lecturer", "cost": 6500},
        funding={"universities": {"per_year": 31000, "funds": "all"}},
    )
    result = solve(load_config(write_tiny(tmp_path, config)), solver=solver, integer=True)
    assert result.summary["lp_bound"] == pytest.approx(31000 / 12000 * 4)
    # The rounded plan itself (before any search) already has the 10 graduates.
    assert result.summary["rounded_objective"] == pytest.approx(10.0)
    assert result.objective == pytest.approx(10.0)
    assert (units(result, "enterprise_lecturers"), units(result, "senior_lecturers")) == (2, 1)
    assert result.summary["integrality_cost"] == pytest.approx(31000 / 12000 * 4 - 10.0)
    assert result.status is Status.OPTIMAL and result.summary["gap"] <= 1e-3


def test_a_floor_rounding_down_misses_is_restored_with_a_whole_unit(tmp_path: Path, solver: str) -> None:
    # B (60 hours, 6,500 yuan) must start at least 1.5 units: the LP takes exactly 1.5
    # (9,750 yuan) and A the rest, (31,000 - 9,750) / 12,000 = 1.771. Rounding down
    # gives B = 1, below the floor; the restore adds one whole unit: B = 2.
    config = tiny_config(
        teacher_groups__senior_lecturer={**SENIOR, "hours": 60},
        levers__senior_lecturers={"kind": "hire", "group": "senior_lecturer", "cost": 6500, "min_per_year": 1.5},
        funding={"universities": {"per_year": 31000, "funds": "all"}},
    )
    model = build_model(load_config(write_tiny(tmp_path, config)), integer=True)
    form = matrix_form(model)
    lp = FixedLP(form)
    assert lp.solve(form.costs(model.output), "max")
    x = lp.values()[lp.index]
    b = [n for n, j in enumerate(lp.index) if form.columns[j] is model.form.vars.u[("senior_lecturers", "College", 2025)]]
    assert x[b[0]] == pytest.approx(1.5)
    repair, _ = unit_repair(lp)
    floor = np.floor(x)
    assert not repair.holds(floor)
    restored, left = repair.restore(floor, x)
    assert left == [] and restored[b[0]] == 2
    # End to end: B = 2 (13,000 yuan), A = 1 (12,000): 4 + 4 = 8 graduates, the whole-unit
    # optimum (B = 3 and A = 0 gives 6; A = 2 no longer fits beside B = 2). B = 4 (26,000 yuan)
    # gives 8 too: the cheapest-plan tie-break returns A = 1, B = 2 (25,000) whichever the
    # search found, by an exchange if need be (B - 1 leaves too little output; A + 1 repairs it).
    result = solve(load_config(write_tiny(tmp_path, config)), solver=solver, integer=True)
    assert result.summary["rounded_objective"] == pytest.approx(8.0)
    assert result.objective == pytest.approx(8.0)
    assert (units(result, "enterprise_lecturers"), units(result, "senior_lecturers")) == (1, 2)
    assert result.total_cost == pytest.approx(25000)


def test_min_cost_rounds_up_and_repairs_a_missed_target(tmp_path: Path, solver: str) -> None:
    """min_cost, target 11 graduates. A (120 h, 12,000 yuan: 4 graduates) at most 2.5 a year;
    B (60 h, 6,500 yuan: 2 graduates).
      LP: A = 2.5 (10 graduates, 30,000) and B = 0.5 (1 graduate, 3,250): 33,250 yuan.
      Rounded up: A = 3 breaks its ceiling of 2.5, so A = 2; B = 1: 8 + 2 = 10 graduates,
      one short of the target, so the LP with these units has no plan. The repair adds the
      unit that reduces the shortfall: B = 2, 12 graduates, 24,000 + 13,000 = 37,000 yuan.
      Whole-unit optimum: A = 2, B = 2 (37,000); A = 1, B = 4 (38,000); A = 0, B = 6 (39,000).
    """
    config = tiny_config(
        objective={"mode": "min_cost", "targets": {"basic": 11}},
        teacher_groups__senior_lecturer={**SENIOR, "hours": 60},
        levers__enterprise_lecturers__max_per_year=2.5,
        levers__senior_lecturers={"kind": "hire", "group": "senior_lecturer", "cost": 6500},
        funding={"universities": {"per_year": 100000, "funds": "all"}},
    )
    path = write_tiny(tmp_path, config)
    model = build_model(load_config(path), integer=True)
    form = matrix_form(model)
    lp = FixedLP(form)
    costs = form.costs(model.cost)
    assert lp.solve(costs, "min")
    names = [form.columns[j].name for j in lp.index]
    a = names.index(model.form.vars.u[("enterprise_lecturers", "College", 2025)].name)
    b = names.index(model.form.vars.u[("senior_lecturers", "College", 2025)].name)
    x = lp.values()[lp.index]
    assert (x[a], x[b]) == (pytest.approx(2.5), pytest.approx(0.5))
    repair, _ = unit_repair(lp)
    z, left = repair.restore(np.clip(np.ceil(x), repair.lo, repair.hi), x)
    assert left == [] and (z[a], z[b]) == (2, 1)
    lp.fix(z)
    assert not lp.solve(costs, "min")
    repaired = elastic_repair(lp, repair, z, float("inf"))
    assert repaired is not None and (repaired[a], repaired[b]) == (2, 2)
    result = solve(load_config(path), solver=solver, integer=True)
    assert result.summary["lp_bound"] == pytest.approx(33250)
    assert result.summary["rounded_objective"] == pytest.approx(37000)
    assert result.objective == pytest.approx(37000)
    assert (units(result, "enterprise_lecturers"), units(result, "senior_lecturers")) == (2, 2)
    assert result.summary["integrality_cost"] == pytest.approx(3750)


def test_rounding_finds_a_plan_for_the_shipped_min_cost_config() -> None:
    # Targets mix units with trained students: rounding alone misses some, the repair meets them.
    model = build_model(load_config(Path(__file__).resolve().parents[2] / "configs" / "zhejiang_min_cost.yaml"),
                        integer=True)
    form = matrix_form(model)
    lp = FixedLP(form)
    costs = form.costs(model.cost)
    assert lp.solve(costs, "min")
    from optimiser.solve.rounding import whole_unit_plan

    found = whole_unit_plan(lp, costs, "min", costs, float("inf"), 5e-4, float("inf"))
    assert found.values is not None
    assert np.allclose(found.values[lp.index], np.round(found.values[lp.index]))
    assert found.objective >= found.lp_objective


def test_the_search_beats_rounding_when_the_optimum_is_not_near_the_lp(tmp_path: Path, solver: str) -> None:
    """A: 120 hours, 12,000 yuan (3,000 a graduate); B: 108 hours, 9,000 yuan (2,500 a graduate).
    Budget 30,000.
      LP: all on B, 30,000 / 9,000 = 3.333 -> 12 graduates.
      Rounded: B = 3 (27,000) -> 10.8 graduates; 3,000 yuan left buys nothing, and no single
      whole-unit change improves it (B + 1 or A + 1 overspends, B - 1 loses output).
      Whole-unit optimum: B = 2 (18,000) + A = 1 (12,000) -> 7.2 + 4 = 11.2 graduates.
    """
    result = solve(load_config(two_levers(tmp_path, 30000, 9000)), solver=solver, integer=True)
    assert result.summary["lp_bound"] == pytest.approx(12.0)
    assert result.summary["rounded_objective"] == pytest.approx(10.8)
    assert result.objective == pytest.approx(11.2)
    assert (units(result, "enterprise_lecturers"), units(result, "senior_lecturers")) == (1, 2)
    assert result.status is Status.OPTIMAL
    assert result.summary["gap"] <= 1e-3 * (1 + 1e-9)
    assert result.summary["integrality_cost"] == pytest.approx(0.8)


def test_no_whole_unit_plan_names_the_limits(tmp_path: Path) -> None:
    # Between 1.2 and 1.8 lecturers a year: the LP takes 1.8, no whole number fits.
    config = tiny_config(levers__enterprise_lecturers__min_per_year=1.2, levers__enterprise_lecturers__max_per_year=1.8)
    result = solve(load_config(write_tiny(tmp_path, config)), integer=True)
    assert result.status is Status.INFEASIBLE
    assert result.summary["lp_bound"] == pytest.approx(1.8 * 4)
    assert any("per_year" in d.config_path and "whole number" in d.message for d in result.diagnosis)


HARD = Path(__file__).resolve().parents[2] / "configs" / "institutions_csv.yaml"
"""Ten institutions whose search takes seconds to prove even a 1e-3 gap: a few seconds and a
gap of 1e-9 leave the search far from done, whatever the machine; the rounded plan is found
in hundredths of a second."""
LIMIT = 3
"""Seconds for the binding time-limit tests: far too few to prove a 1e-9 gap, and room for the
LP and the rounded plan even on a loaded machine (at one second a busy test run sometimes
reached the limit before any plan)."""


def test_a_binding_time_limit_returns_the_plan_found_with_its_gap(solver: str) -> None:
    result = solve(load_config(HARD), solver=solver, integer=True, time_limit=LIMIT, mip_gap=1e-9)
    assert result.ok and result.status in (Status.FEASIBLE, Status.OPTIMAL)
    s = result.summary
    if result.status is Status.FEASIBLE:
        assert s["gap"] > 0
        assert any("time limit reached" in note for note in s["notes"])
    assert s["bound"] >= result.objective
    assert s["lp_bound"] >= s["bound"] - 1e-6
    assert s["first_plan_seconds"] is not None
    plan_units = result.plan["units"].to_numpy()
    assert plan_units.dtype.kind == "i" and plan_units.sum() > 0
    # The later stages either ran (and said what they did) or said they were skipped.
    assert any("tie-break" in note for note in s["notes"])
    assert any("smoothing stage" in note for note in s["notes"])


def test_cli_binding_time_limit_exits_0_and_json_carries_the_gap(
    capsys: pytest.CaptureFixture[str], solver: str
) -> None:
    import json

    code = main(["solve", str(HARD), "--integer", "--time-limit", str(LIMIT), "--mip-gap", "1e-9", "--solver", solver,
                 "--json", "--no-progress"])
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert code == 0
    assert data["status"] in ("feasible", "optimal")
    if data["status"] == "feasible":
        assert data["gap"] > 0
    assert data["lp_bound"] >= data["objective"] and data["seconds"] > 0
    assert data["time_limit"] == LIMIT
    assert err == ""


def test_whole_units_in_plan_csv_and_the_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = two_levers(tmp_path, 30000, 9000)
    assert main(["solve", str(path), "--integer", "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "proven within" in out and "integrality cost: 0.80 weighted graduates fewer" in out
    lines = (tmp_path / "out" / "plan.csv").read_text().splitlines()
    assert lines[0].split(",")[5] == "units"
    assert sorted(line.split(",")[5] for line in lines[1:]) == ["1", "2"]
