"""Sensitivity report: hand-derived prices and ranges, ranging checked by re-solving, both solvers, the CLI."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from optimiser import SolverError, load_config, solve
from optimiser.cli.main import main
from optimiser.sensitivity import MILP_NOTE, UNLIMITED, SensitivityReport, sensitivity
from optimiser.sensitivity.tables import CONSTRAINT_COLUMNS, VARIABLE_COLUMNS

from ..tiny import tiny_config

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = ROOT / "configs"
CASES = ROOT / "tests" / "cases"

# One college, one year, class sizes 1: a student-year needs 30 knowledge and
# 30 practice hours. Ten academic teachers give 3,000 knowledge hours (room
# for 100); practice hours come only from enterprise lecturers, 120 h for
# 12,000 yuan. So one yuan buys 120 / 12,000 / 30 = 1/3,000 of a graduate
# (333.3 per million, 3,000 yuan each) until the external-ratio cap, 0.25 x 10
# = 2.5 lecturers = 30,000 yuan, takes over.
def hand_config(ratio: float = 0.25, objective: dict[str, Any] | None = None, funding: int = 24000) -> dict[str, Any]:
    return tiny_config(
        name="hand case",
        horizon__start=2026,
        objective=objective or {"mode": "max_output"},
        teacher_groups__double_qualified=None,
        policies={"max_external_ratio": ratio},
        funding={"government": {"per_year": funding, "funds": "all"}},
    )


def hand(
    write_config: Callable[[str, str], Path], ratio: float = 0.25, objective: dict[str, Any] | None = None,
    funding: int = 24000,
) -> Path:
    config = hand_config(ratio, objective, funding)
    return write_config(yaml.safe_dump(config, sort_keys=False), "hand.yaml")


def row(report: SensitivityReport, config_path: str, year: int | None = None, institution: str = "") -> pd.Series:
    table = report.constraints
    hits = table[(table["config_path"] == config_path) & (table["institution"] == institution)]
    if year is not None:
        hits = hits[hits["year"] == year]
    assert len(hits) == 1, f"{config_path} {year} {institution}: {len(hits)} rows"
    return hits.iloc[0]


# -- hand-derived -------------------------------------------------------------

def test_hand_case_funding_price_and_range(write_config: Callable[[str, str], Path], solver: str) -> None:
    report = sensitivity(solve(load_config(hand(write_config)), solver=solver))
    funding = row(report, "funding.government.per_year", 2026)
    assert funding["shadow_price"] == pytest.approx(1 / 3000, rel=1e-9)
    assert funding["rhs"] == 24000
    assert funding["allowable_increase"] == pytest.approx(6000, rel=1e-7)  # up to 2.5 lecturers
    assert funding["allowable_decrease"] == pytest.approx(24000, rel=1e-7)  # down to none
    ratio = row(report, "policies.max_external_ratio", 2026, "College")
    assert ratio["shadow_price"] == 0 and ratio["allowable_increase"] == math.inf
    top = report.ranking.iloc[0]
    # The rate holds for 6,000 more yuan only: the statement quotes 1,000 yuan, not a million.
    assert top["statement"] == (
        "each extra 1,000 yuan of government funding in 2026 buys 0.33 compound graduates (3,000 yuan each), "
        "for up to 6,000 yuan more (then it buys less); valid from 0 to 30,000 yuan"
    )
    assert top["value_per_unit"] == pytest.approx(1e6 / 3000)  # the rate, per million
    assert (top["step"], top["step_effect"]) == (1000.0, pytest.approx(1 / 3))
    assert (top["valid_from"], top["valid_to"]) == pytest.approx((0, 30000), abs=1e-3)
    lecturers = report.variables[report.variables["lever"] == "enterprise_lecturers"].iloc[0]
    assert lecturers["variable"] == "enterprise_lecturers at College in 2026"
    assert lecturers["final_value"] == pytest.approx(2, rel=1e-6)
    assert lecturers["reduced_cost"] == 0 and lecturers["objective_coefficient"] == 0
    trained = report.variables[report.variables["lever"] == ""].iloc[0]
    assert trained["objective_coefficient"] == 1.0  # duration 1, completion 1, weight 1


def test_hand_case_external_ratio_binds(write_config: Callable[[str, str], Path]) -> None:
    # Ratio 0.1: one lecturer (4 graduates); 0.01 more ratio is 0.1 lecturer, 12 h, 0.4 graduates,
    # until funding binds at two lecturers (ratio 0.2).
    report = sensitivity(solve(load_config(hand(write_config, ratio=0.1))))
    ratio = row(report, "policies.max_external_ratio", 2026, "College")
    assert ratio["shadow_price"] == pytest.approx(4.0)  # graduates per lecturer of room
    assert (ratio["allowable_increase"], ratio["allowable_decrease"]) == pytest.approx((1.0, 1.0), rel=1e-7)
    assert row(report, "funding.government.per_year", 2026)["shadow_price"] == 0
    statement = report.ranking[report.ranking["config_path"] == "policies.max_external_ratio"].iloc[0]
    assert statement["value_per_unit"] == pytest.approx(0.4)
    assert statement["statement"].startswith(
        "raising the external-teacher ceiling at College in 2026 by 0.01 (now 0.1) buys 0.40 compound graduates"
    )
    assert (statement["valid_from"], statement["valid_to"]) == pytest.approx((0.0, 0.2))


def test_hand_case_min_cost_speaks_yuan(write_config: Callable[[str, str], Path], solver: str) -> None:
    # Eight graduates need 240 practice hours, two lecturers, 24,000 yuan: 3,000 yuan a graduate,
    # up to ten graduates (2.5 lecturers; the 100,000 yuan of funding do not bind).
    path = hand(write_config, objective={"mode": "min_cost", "targets": {"basic": 8}}, funding=100000)
    report = sensitivity(solve(load_config(path), solver=solver))
    target = row(report, "objective.targets.basic", 2026)
    assert target["shadow_price"] == pytest.approx(3000)
    assert (target["allowable_increase"], target["allowable_decrease"]) == pytest.approx((2.0, 8.0), rel=1e-7)
    assert report.ranking.iloc[0]["statement"] == (
        "one more compound graduate of the basic target in 2026 costs 3,000 yuan, for up to 2.00 graduates more "
        "(then it costs more); valid from 0 to 10.0 graduates"
    )
    # Money enters the objective through the funding variables, so a lecturer's own coefficient is 0:
    # the plan needs two whatever it adds, and hires more only once a lecturer's cost is cancelled out.
    lecturers = report.variables[report.variables["lever"] == "enterprise_lecturers"].iloc[0]
    assert lecturers["objective_coefficient"] == 0 and lecturers["final_value"] == pytest.approx(2, abs=1e-4)
    assert lecturers["allowable_increase"] == math.inf
    assert lecturers["allowable_decrease"] == pytest.approx(12000)


# -- ranging is true: re-solve inside and just past the range -------------------

def _with_funding(config, path: str, year: int, value: float):  # type: ignore[no-untyped-def]
    """The config with one year of a source's ``per_year`` changed, the other years as they were."""
    source = config.funding[path.split(".")[1]]
    series = {y: source.per_year.at(y) for y in config.years}
    series[year] = value
    return config.with_changes({path: series})


def _funding_rows(report: SensitivityReport) -> pd.DataFrame:
    table = report.constraints
    live = table[(table["config_path"].str.startswith("funding.")) & (table["shadow_price"] > 0)]
    live = live[np.isfinite(live["allowable_increase"]) & (live["allowable_decrease"] > 0)]
    return live.sort_values("shadow_price", ascending=False).head(3)


@pytest.mark.slow
@pytest.mark.parametrize("path", [CONFIGS / "zhejiang.yaml", CASES / "small.yaml"], ids=["zhejiang", "small"])
def test_funding_ranges_hold_by_resolve(path: Path) -> None:
    config = load_config(path)
    base = solve(config)
    report = sensitivity(base)
    picked = _funding_rows(report)
    assert len(picked) == 3
    for limit in picked.itertuples():
        key = limit.config_path
        for change in (0.5 * limit.allowable_increase, -0.5 * min(limit.allowable_decrease, limit.rhs)):
            moved = solve(_with_funding(config, key, int(limit.year), limit.rhs + change))
            assert moved.objective - base.objective == pytest.approx(limit.shadow_price * change, rel=1e-6), key
        past = 1.5 * limit.allowable_increase
        moved = solve(_with_funding(config, key, int(limit.year), limit.rhs + past))
        rate = (moved.objective - base.objective) / past
        assert rate < limit.shadow_price * (1 - 1e-6), f"{key} {limit.year}: the rate should drop past the range"


@pytest.mark.slow
def test_policy_floor_statement_holds_by_resolve() -> None:
    # Raising the double-qualified floor costs output: the ranking's rate per 0.01 (the row's
    # shadow price times the in-house teachers, by the envelope theorem) holds within the range.
    config = load_config(CONFIGS / "zhejiang.yaml", scenario="dq_target_2028")
    base = solve(config)
    report = sensitivity(base)
    floors = report.ranking[report.ranking["config_path"] == "policies.min_double_qualified_share"]
    assert len(floors) >= 2
    assert (floors["value_per_unit"] < 0).all()

    def moved(floor: object, share: float) -> float:
        series = {2025: 0.35, 2027: 0.5, 2028: 0.6}
        series[int(floor.year)] = share  # type: ignore[attr-defined]
        series.update({y: 0.6 for y in range(floor.year + 1, 2031)})  # type: ignore[attr-defined]
        path = f"institutions.{floor.institution}.policies"  # type: ignore[attr-defined]
        return solve(config.with_changes({path: {"min_double_qualified_share": series}})).objective - base.objective

    now = 0.6  # the floor in these years; the rate holds for raising it from here to valid_to
    for floor in floors.head(2).itertuples():
        assert floor.valid_from <= now < floor.valid_to
        assert floor.step <= floor.valid_to - now
        assert floor.statement.startswith(
            f"raising the double-qualified floor at {floor.institution} in {floor.year} by {floor.step:g} (now 0.6) costs"
        )
        assert moved(floor, now + floor.step) == pytest.approx(floor.step_effect, rel=1e-6)
        width = floor.valid_to - now
        for fraction, exact in ((0.5, True), (1.5, False)):
            share = now + fraction * width
            predicted = floor.value_per_unit * (share - now) / 0.01
            change = moved(floor, share)
            if exact:
                assert change == pytest.approx(predicted, rel=1e-6)
            else:
                assert abs(change - predicted) > 1e-6 * abs(predicted)
    # Both ranges reach past 0.01 above the floor, so both statements quote the nominal step.
    assert (floors.head(2)["step"] == 0.01).all()


# -- every statement claims no more than is true ---------------------------------

# Two years of the tiny college: 24,000 yuan a year from the universities, and a
# total budget over both years. A lecturer (12,000 yuan, 120 practice hours)
# trains 4 students, so each yuan buys 1/3,000 of a graduate while the total
# budget binds: from 0 up to 48,000 yuan (both years' 24,000). At 36,000 the
# three lecturers can sit in either year (2 + 1 or 1 + 2): the LP is degenerate,
# and ranging a trained student-year's coefficient meets an unbounded LP.
def two_years(write_config: Callable[[str, str], Path], budget: float) -> Path:
    config = tiny_config(horizon__years=2, total_budget=budget)
    return write_config(yaml.safe_dump(config, sort_keys=False), "two_years.yaml")


@pytest.mark.parametrize(
    ("budget", "statement"),
    [
        (36000, "each extra 10,000 yuan of total budget buys 3.33 compound graduates (3,000 yuan each), "
                "for up to 12,000 yuan more (then it buys less); valid from 0 to 48,000 yuan"),
        (47000, "each extra 1,000 yuan of total budget buys 0.33 compound graduates (3,000 yuan each), "
                "for up to 1,000 yuan more (then it buys less); valid from 0 to 48,000 yuan"),
    ],
)
def test_two_year_budget_regression(write_config: Callable[[str, str], Path], solver: str, budget: int,
                                    statement: str) -> None:
    result = solve(load_config(two_years(write_config, budget)), solver=solver)
    assert result.objective == pytest.approx(budget / 3000)
    report = sensitivity(result)
    total = row(report, "total_budget")
    assert total["shadow_price"] == pytest.approx(1 / 3000, rel=1e-9)
    assert total["allowable_increase"] == pytest.approx(48000 - budget, rel=1e-7)
    assert total["allowable_decrease"] == pytest.approx(budget, rel=1e-7)
    for year in (2025, 2026):
        # The total budget, not a year's funding, binds: more money in one year alone buys nothing.
        assert row(report, "funding.universities.per_year", year)["shadow_price"] == 0
    top = report.ranking.iloc[0]
    assert top["statement"] == statement
    assert top["step_effect"] == pytest.approx(top["step"] / 3000)
    # A year's trained student-years (ranges are for the canonical plan; the solvers' own plans may put
    # the two lecturers in either year): the year holding two lecturers (24,000 yuan, its cap) can take
    # no more, so its coefficient may rise without limit (the unbounded ranging LP) but not fall at all
    # (a lecturer would move to the other year); the other year's may fall by 1, to zero, but not rise.
    trained = report.variables[report.variables["lever"] == ""]
    assert trained["final_value"].sum() == pytest.approx(budget / 3000, rel=1e-6)
    ranges = sorted(zip(trained["allowable_increase"], trained["allowable_decrease"]))
    if budget == 36000:
        assert ranges == [(0.0, pytest.approx(1.0)), (math.inf, 0.0)]
    assert np.isfinite(report.constraints["shadow_price"]).all()


def test_two_year_budget_commands_succeed(write_config: Callable[[str, str], Path], tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = two_years(write_config, 36000)
    for solver in ("highs", "cbc"):
        assert main(["sensitivity", str(path), "--solver", solver]) == 0
        assert "each extra 10,000 yuan of total budget buys 3.33 compound graduates" in capsys.readouterr().out
    assert main(["report", str(path), "--html", str(tmp_path / "r.html")]) == 0
    assert "each extra 10,000 yuan of total budget" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_ranging_lp_from_an_infeasible_warm_start_is_still_unbounded(write_config: Callable[[str, str], Path]) -> None:
    # The defect behind exit 4: ranging one coefficient leaves δ basic at -1; fixed at zero again, that
    # basis is primal infeasible, and HiGHS, warm-started from it on the next (unbounded) ranging LP,
    # may stop with status "Unknown". The report restores a feasible basis between jobs; run_lp also
    # retries from scratch when HiGHS ends without a verdict.
    from optimiser.sensitivity.canonical import canonical_lp
    from optimiser.sensitivity.ranging import DualFace, run_lp
    from optimiser.sensitivity.tables import decision_columns
    from optimiser.solve.status import Status

    result = solve(load_config(two_years(write_config, 36000)))
    lp = canonical_lp(result.model, result.solution.values)
    face = DualFace(lp)
    full, other = sorted((c[0] for c in decision_columns(result.model) if not c[1]), key=lambda j: -lp.plan[j])
    assert face.coefficient_range(full) == (math.inf, 0.0)
    assert face.coefficient_range(other) == (0.0, pytest.approx(1.0))
    h, delta = face.session, face.delta
    e = np.zeros(lp.n_rows + 1)
    e[delta] = 1.0
    h.set_costs(e, "min")
    h.set_coefficient(other, delta, -1.0)
    h.set_col_bounds(delta, -math.inf, math.inf)
    assert run_lp(h) is Status.OPTIMAL and h.values()[delta] == pytest.approx(-1.0)
    h.set_coefficient(other, delta, 0.0)
    h.set_col_bounds(delta, 0.0, 0.0)
    h.set_coefficient(full, delta, -1.0)
    h.set_col_bounds(delta, -math.inf, math.inf)
    h.set_sense("max")
    assert run_lp(h) is Status.UNBOUNDED


def test_quoted_step_is_round_and_within_reach() -> None:
    from optimiser.sensitivity.ranking import quoted_step

    assert quoted_step(1e6, math.inf) == 1e6
    assert quoted_step(1e6, 1.783e6) == 1e6
    assert quoted_step(1e6, 1e6 * (1 - 1e-12)) == 1e6  # round-off of the range
    assert quoted_step(1e6, 16557.0) == 10000.0
    assert quoted_step(1e6, 1000.0) == 1000.0
    assert quoted_step(300.0, 110.0) == 100.0
    assert quoted_step(0.01, 0.0012174) == 0.001
    assert quoted_step(1.0, 0.5) == pytest.approx(0.1)


@pytest.fixture(scope="module")
def zhejiang_base() -> tuple[object, object, SensitivityReport]:
    config = load_config(CONFIGS / "zhejiang.yaml")
    result = solve(config)
    return config, result, sensitivity(result)


def test_money_statements_hold_for_their_step_by_resolve(zhejiang_base: tuple[object, object, SensitivityReport]) -> None:
    config, base, report = zhejiang_base
    money = report.ranking[report.ranking["config_path"].str.startswith("funding.")]
    assert len(money) == 18  # three sources, six years
    for limit in money.itertuples():
        moved = solve(_with_funding(config, limit.config_path, int(limit.year), _per_year(config, limit) + limit.step))
        gain = moved.objective - base.objective  # type: ignore[attr-defined]
        assert gain == pytest.approx(limit.step_effect, rel=1e-6), limit.statement
        assert limit.step in (1e6, 1e5, 1e4)
    first = money.iloc[0]
    # 29.2 graduates per million, but only for 429,231 more yuan: the statement quotes 100,000 yuan.
    assert first["statement"] == (
        "each extra 100,000 yuan of government funding in 2028 buys 2.92 weighted compound graduates "
        "(34,302 yuan each), for up to 429,231 yuan more (then it buys less); valid from 6.968 M to 10.43 M yuan"
    )
    million = solve(_with_funding(config, "funding.government.per_year", 2028, 11e6)).objective - base.objective  # type: ignore[attr-defined]
    assert million == pytest.approx(28.32, abs=0.01)
    assert million < 0.98 * first["value_per_unit"]  # a whole million buys less than the rate says
    # Where the range allows it the statement keeps the million, and it is exact.
    assert money[money["step"] == 1e6]["statement"].str.startswith("one more million yuan of ").all()


def _per_year(config, limit) -> float:  # type: ignore[no-untyped-def]
    return float(config.funding[limit.config_path.split(".")[1]].per_year.at(int(limit.year)))


def _row_index(report: SensitivityReport, model, limit) -> int:  # type: ignore[no-untyped-def]
    from optimiser.sensitivity.ranking import GROUPS

    hits = [
        i for i, info in enumerate(model.book.rows)
        if info.kind in GROUPS and info.config_path == limit.config_path and (info.institution or "") == limit.institution
        # Teachers' hours and the teachers a conversion may draw on share a config key.
        and (info.kind == "conversion_stock") == ("available to convert" in limit.statement)
        and (info.year if info.year is not None else -1) == (-1 if pd.isna(limit.year) else int(limit.year))
    ]
    assert len(hits) == 1, limit.statement
    return hits[0]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["zhejiang.yaml", "zhejiang_min_cost.yaml"])
def test_every_statement_holds_for_its_step(name: str) -> None:
    # Move each ranked limit on its own by the step its statement quotes (the row's right-hand
    # side; shares are checked through the config above) and re-solve: the objective moves by
    # exactly the quoted amount.
    from optimiser.model import build_model
    from optimiser.solve.engine import run

    config = load_config(CONFIGS / name)
    base = solve(config)
    report = sensitivity(base)
    checked = 0
    for limit in report.ranking.itertuples():
        if limit.config_path.startswith("policies."):
            continue
        model = build_model(config)
        i = _row_index(report, model, limit)
        constraint, info = model.book.constraints[i], model.book.rows[i]
        constraint.changeRHS(-constraint.constant + limit.step * info.unit_scale)
        change = run(model).objective - base.objective
        assert change == pytest.approx(limit.step_effect, rel=1e-6, abs=1e-9 * abs(base.objective)), limit.statement
        checked += 1
    assert checked >= 40


def test_min_cost_target_statement_holds_by_resolve() -> None:
    config = load_config(CONFIGS / "zhejiang_min_cost.yaml")
    base = solve(config)
    report = sensitivity(base)
    target = report.ranking[report.ranking["config_path"] == "objective.targets.basic"].iloc[0]
    assert target["statement"].startswith(f"one more compound graduate of the basic target in {target['year']} costs")
    # Series hold until the next listed year: state every year, then move the one.
    series = {y: config.objective.targets["basic"].at(y) for y in config.years}
    series[int(target["year"])] += target["step"]
    moved = solve(config.with_changes({"objective.targets.basic": series}))
    assert moved.objective - base.objective == pytest.approx(target["step_effect"], rel=1e-6)


def test_a_limit_that_cannot_rise_is_quoted_for_a_cut(write_config: Callable[[str, str], Path]) -> None:
    # Ten graduates need 2.5 lecturers, all the external-ratio cap allows: no plan reaches eleven,
    # so the statement is about lowering the target, 3,000 yuan saved per graduate, down to zero.
    path = hand(write_config, objective={"mode": "min_cost", "targets": {"basic": 10}}, funding=100000)
    base = solve(load_config(path))
    report = sensitivity(base)
    target = report.ranking[report.ranking["config_path"] == "objective.targets.basic"].iloc[0]
    assert target["statement"] == (
        "lowering the basic target in 2026 by one compound graduate saves 3,000 yuan of total cost, "
        "for up to 10.0 graduates less; valid from 0 to 10.0 graduates"
    )
    assert (target["step"], target["step_effect"]) == (-1.0, pytest.approx(-3000.0))
    lower = solve(load_config(path).with_changes({"objective.targets.basic": 9}))
    assert lower.objective - base.objective == pytest.approx(-3000.0)


# -- the same report from both solvers ------------------------------------------

@pytest.fixture(scope="module")
def zhejiang_reports() -> dict[str, SensitivityReport]:
    # smooth: true returns the one steadiest of the optimal plans whichever solver
    # runs. (The shipped smooth: 0.01 trades output for steadiness; near-ties in
    # that trade, 4e-7 of its objective apart, may settle differently by solver.)
    config = load_config(CONFIGS / "zhejiang.yaml").with_changes({"objective.smooth": True})
    return {name: sensitivity(solve(config, solver=name)) for name in ("highs", "cbc")}


@pytest.mark.slow
def test_cbc_and_highs_give_the_same_report(zhejiang_reports: dict[str, SensitivityReport]) -> None:
    highs, cbc = zhejiang_reports["highs"], zhejiang_reports["cbc"]
    for column in ("shadow_price", "rhs", "allowable_increase", "allowable_decrease"):
        np.testing.assert_allclose(cbc.constraints[column], highs.constraints[column], rtol=1e-7, atol=1e-12)
    for column in ("reduced_cost", "objective_coefficient", "allowable_increase", "allowable_decrease"):
        np.testing.assert_allclose(cbc.variables[column], highs.variables[column], rtol=1e-7, atol=1e-12)
    assert list(cbc.ranking["statement"]) == list(highs.ranking["statement"])
    # Final values are each solver's own plan, equal up to the tie-break tolerance.
    np.testing.assert_allclose(cbc.variables["final_value"], highs.variables["final_value"], atol=0.5)
    assert cbc.solver == "cbc" and highs.solver == "highs"


def test_degenerate_zhejiang_says_which_price_it_quotes(zhejiang_reports: dict[str, SensitivityReport]) -> None:
    # Zhejiang's LP is degenerate: HiGHS and CBC return different valid duals at some limits.
    for report in zhejiang_reports.values():
        assert "degenerate" in report.note and "the rate for raising it" in report.note


def test_prices_are_the_solvers_own_where_unique(solver: str) -> None:
    result = solve(load_config(CASES / "small.yaml"), solver=solver)
    report = sensitivity(result)
    np.testing.assert_allclose(report.constraints["shadow_price"], result.constraints["shadow_price"], rtol=1e-6, atol=1e-12)
    assert "degenerate" not in report.note
    np.testing.assert_allclose(report.constraints["final_value"], result.constraints["activity"])


def test_ranges_contain_highs_basis_ranging(zhejiang_reports: dict[str, SensitivityReport]) -> None:
    # HiGHS's own ranging is for its optimal basis; the true range of a price can only be wider.
    from optimiser.solve.backends import HighsBackend

    result = solve(load_config(CONFIGS / "zhejiang.yaml"))
    backend = HighsBackend(result.model)
    backend.session.run(backend.form.costs(result.model.output), "max")
    _, ranging = backend.session.raw.getRanging()
    dual = backend.session.row_duals()
    scale = np.array([info.unit_scale for info in result.model.book.rows])
    ours = zhejiang_reports["highs"].constraints
    rhs = ours["rhs"].to_numpy() * scale
    same = (np.abs(ours["shadow_price"].to_numpy() / scale - dual) <= 1e-9 * np.abs(dual)) & (np.abs(dual) > 1e-9)
    assert same.sum() > 100
    up = np.asarray(ranging.row_bound_up.value_) - rhs
    down = rhs - np.asarray(ranging.row_bound_dn.value_)
    increase = ours["allowable_increase"].to_numpy() * scale
    decrease = ours["allowable_decrease"].to_numpy() * scale
    assert np.all(increase[same] >= up[same] * (1 - 1e-6) - 1e-9)
    assert np.all(decrease[same] >= down[same] * (1 - 1e-6) - 1e-9)
    assert np.sum(np.isclose(increase[same], up[same], rtol=1e-6)) > 50


# -- the report object -----------------------------------------------------------

def test_columns_and_json(zhejiang_reports: dict[str, SensitivityReport]) -> None:
    report = zhejiang_reports["highs"]
    assert list(report.constraints.columns) == CONSTRAINT_COLUMNS
    assert list(report.variables.columns) == VARIABLE_COLUMNS
    assert list(report.ranking.columns) == [
        "config_path", "institution", "year", "statement", "value_per_unit", "unit", "step", "step_effect",
        "valid_from", "valid_to",
    ]
    data = report.to_dict()
    assert list(data) == ["constraints", "variables", "ranking", "note"]
    assert data["constraints"][0].keys() == set(CONSTRAINT_COLUMNS)
    text = json.dumps(data)
    assert '"allowable_increase": "unlimited"' in text and "Infinity" not in text and "1e+30" not in text
    assert report.ranking.iloc[0]["statement"].startswith("each extra 100,000 yuan of government funding in 2028 buys ")
    # Every lever unit has a row with a readable name.
    levers = report.variables[report.variables["lever"] != ""]
    assert len(levers) == len(solve(load_config(CONFIGS / "zhejiang.yaml")).plan)
    assert "secondments at Higher vocational colleges in 2026" in set(levers["variable"])


def test_not_optimal_is_an_error(write_config: Callable[[str, str], Path]) -> None:
    path = hand(write_config, objective={"mode": "min_cost", "targets": {"basic": 50}})  # 50 graduates need 12.5 lecturers
    with pytest.raises(SolverError, match="a sensitivity report needs an optimal plan, but the solve ended infeasible"):
        sensitivity(solve(load_config(path)))


def test_milp_report_is_for_the_fixed_lp() -> None:
    result = solve(load_config(CASES / "small.yaml"), integer=True)
    report = sensitivity(result)
    assert MILP_NOTE in report.note
    levers = report.variables[report.variables["lever"] != ""]
    assert np.allclose(levers["final_value"], np.round(levers["final_value"]))
    # Fixed decisions keep the plan optimal whatever their coefficient.
    assert (levers["allowable_increase"] == math.inf).all()


def test_milp_limit_pinned_both_ways_has_no_price(write_config: Callable[[str, str], Path]) -> None:
    # Whole lecturers: two use all 24,000 yuan; training bases (useless here) stay at zero, so the money
    # row for them can move neither up (no funding left) nor down (money paid cannot be negative).
    config = hand_config()
    config["levers"]["training_bases"] = {"kind": "build", "capex": 5000}
    path = write_config(yaml.safe_dump(config, sort_keys=False), "hand_bases.yaml")
    report = sensitivity(solve(load_config(path), integer=True))
    assert "cannot move either way" in report.note and MILP_NOTE in report.note
    money = row(report, "levers.training_bases", 2026)
    assert math.isnan(money["shadow_price"])
    assert (money["allowable_increase"], money["allowable_decrease"]) == (0.0, 0.0)
    assert json.loads(json.dumps(report.to_dict()))["constraints"][money.name]["shadow_price"] is None
    assert row(report, "funding.government.per_year", 2026)["shadow_price"] == pytest.approx(0.0)


# -- command line ---------------------------------------------------------------

def test_cli_json_is_one_object(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sensitivity", str(CASES / "small.yaml"), "--json", "--solver", "cbc"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    assert set(data) == {"constraints", "variables", "ranking", "note", "warnings"}
    assert data["warnings"] == list(load_config(CASES / "small.yaml").warnings)
    first = data["constraints"][0]
    assert {"shadow_price", "rhs", "allowable_increase", "allowable_decrease", "config_path"} <= set(first)
    assert {"reduced_cost", "objective_coefficient"} <= set(data["variables"][0])
    assert any(c["allowable_increase"] == UNLIMITED for c in data["constraints"])


def test_cli_text_ranking_first_and_integer_note(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sensitivity", str(CASES / "small.yaml"), "--integer"]) == 0
    out = capsys.readouterr().out
    assert out.index("What each binding limit is worth, per step") < out.index("Binding constraints")
    assert "integer plan: the report is for the LP with the integer decisions fixed" in out
    assert "1e+30" not in out.lower() and "inf " not in out


def test_cli_out_writes_three_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sensitivity", str(CASES / "small.yaml"), "--out", str(tmp_path / "sens")]) == 0
    names = sorted(p.name for p in (tmp_path / "sens").iterdir())
    assert names == ["sensitivity_constraints.csv", "sensitivity_ranking.csv", "sensitivity_variables.csv"]
    constraints = pd.read_csv(tmp_path / "sens" / "sensitivity_constraints.csv")
    assert list(constraints.columns) == CONSTRAINT_COLUMNS
    assert (constraints["allowable_increase"] == UNLIMITED).any()
    ranking = (tmp_path / "sens" / "sensitivity_ranking.csv").read_text(encoding="utf-8")
    assert "each extra 10,000 yuan of government funding in 2025 buys 0.80 weighted compound graduates" in ranking
    assert "wrote" in capsys.readouterr().out


def test_cli_infeasible_exits_3_with_diagnosis(write_config: Callable[[str, str], Path],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = hand(write_config, objective={"mode": "min_cost", "targets": {"basic": 50}})
    assert main(["sensitivity", str(path)]) == 3
    captured = capsys.readouterr()
    assert "status: infeasible" in captured.out and "objective.targets.basic" in captured.out
    assert "no sensitivity report: the model is infeasible" in captured.err
    assert main(["sensitivity", str(path), "--json"]) == 3
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "infeasible" and data["diagnosis"] and data["constraints"] == []


def test_cli_unknown_scenario_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sensitivity", str(CONFIGS / "zhejiang.yaml"), "--scenario", "austerityy"]) == 2
    assert "did you mean 'austerity'" in capsys.readouterr().err


def test_the_note_says_the_plan_returned_gave_output_up_for_steadiness(
    zhejiang_base: tuple[object, object, SensitivityReport],
) -> None:
    # zhejiang.yaml smooths with a share of 0.01: the plan returned is the steadier one, and the note says the
    # report's final values, like its reduced costs, are the canonical optimum's, with the output given up.
    _config, base, report = zhejiang_base
    given = base.summary["output_given_up"]  # type: ignore[attr-defined]
    assert given > 1.0
    [note] = [n for n in report.notes if "canonical optimal plan" in n]
    assert note.startswith("Final values, reduced costs and objective-coefficient ranges are those of the canonical "
                           "optimal plan. The plan returned by highs is the steadier one (smooth: 0.01): it gives up "
                           f"{given:,.2f} weighted graduates")
    assert "tie-break tolerance" not in note


def test_a_steadier_plan_does_not_mix_its_values_with_the_optimums_prices() -> None:
    # The shipped config gives 1% up for steadiness: the report's final values are the canonical optimal plan's,
    # so no row holds a value and a price that cannot both be true (a decision above zero with a reduced cost
    # strictly inside its bounds, a priced limit with room under it).
    result = solve(load_config(Path(__file__).resolve().parents[2] / "configs" / "zhejiang.yaml"))
    assert result.summary["output_given_up"] > 0
    report = sensitivity(result)
    variables, constraints = report.variables, report.constraints
    assert not ((variables["final_value"].abs() > 1e-6) & (variables["reduced_cost"].abs() > 1e-6)).any()
    slack = (constraints["final_value"] - constraints["rhs"]).abs() > 1e-6 * constraints["rhs"].abs().clip(lower=1.0)
    assert not ((constraints["shadow_price"].abs() > 1e-7) & slack).any()
    assert "Final values, reduced costs and objective-coefficient ranges are those of the canonical optimal plan" \
        in report.note
