"""Workforce dynamics, multi-year hires, delays, places within the cohort, the
baseline, commitments and the objective stages: optima derived by hand.

Conventions, unless a test says otherwise: one institution, class sizes 1,
one tier of duration 1 (see tests/tiny.py for the base config).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from optimiser import Status, load_config, solve

from ..tiny import tiny_config, write_tiny

KNOWLEDGE_ONLY = {"basic": {"duration": 1, "hours": {"knowledge": 30, "practice": 0, "training": 0}}}
PRACTICE_ONLY = {"basic": {"duration": 1, "hours": {"knowledge": 0, "practice": 30, "training": 0}}}
AMPLE = {"universities": {"per_year": 1e7, "funds": "all"}}
UNIT = 2e-3
"""Plan units are compared to this: the tie-break and smoothing stages may spend up to
1e-7 of the least cost plus one yuan (docs/model.md), a visible share of these tiny budgets."""


def solved(tmp_path: Path, config: dict[str, Any], solver: str = "highs", **kwargs: Any):  # type: ignore[no-untyped-def]
    result = solve(load_config(write_tiny(tmp_path, config)), solver=solver, **kwargs)
    assert result.status is Status.OPTIMAL
    return result


def units(result, lever: str) -> dict[int, float]:  # type: ignore[no-untyped-def]
    rows = result.plan[result.plan["lever"] == lever]
    return {int(year): float(value) for year, value in rows.groupby("year")["units"].sum().items()}


def teachers(result, group: str, column: str = "teachers") -> list[float]:  # type: ignore[no-untyped-def]
    rows = result.teachers[result.teachers["group"] == group].sort_values("year")
    return [float(v) for v in rows[column]]


# -- attrition and replacement ---------------------------------------------------


def share_config(**group_changes: Any) -> dict[str, Any]:
    config = tiny_config(
        horizon={"start": 2025, "years": 2},
        tiers=KNOWLEDGE_ONLY,
        policies={"min_double_qualified_share": 0.5},
        levers={"secondments": {"kind": "convert", "from": "academic", "to": "double_qualified", "cost": 10000}},
        funding={"universities": {"per_year": 20000, "funds": "all"}},
    )
    config["institutions"][0]["teachers"] = {"academic": 5, "double_qualified": 5}
    config["teacher_groups"]["double_qualified"].update(group_changes)
    return config


@pytest.mark.parametrize(
    ("changes", "graduates", "cost"),
    [
        ({}, 200.0, 0.0),  # no turnover: 10 teachers x 300 h / 30 h = 100 a year, the share holds
        ({"attrition": 0.2}, 200.0, 0.0),  # leavers replaced in kind
        # One of five double-qualified leaves and a new academic replaces her:
        # 4 against 6, so one secondment restores the half.
        ({"attrition": 0.2, "replaced_by": "academic"}, 200.0, 10000.0),
        # Not replaced: 9 teachers teach 90 in the second year, and 4.5 of them
        # must be double-qualified: half a secondment.
        ({"attrition": 0.2, "replaced_by": "none"}, 190.0, 5000.0),
    ],
)
def test_attrition_and_replacement(
    tmp_path: Path, solver: str, changes: dict[str, Any], graduates: float, cost: float
) -> None:
    result = solved(tmp_path, share_config(**changes), solver)
    assert result.objective == pytest.approx(graduates, rel=1e-7)
    assert result.total_cost == pytest.approx(cost, abs=1.0 + 1e-7 * cost)


def test_baseline_teachers_turn_over(tmp_path: Path) -> None:
    result = solved(tmp_path, share_config(attrition=0.2, replaced_by="academic"))
    assert teachers(result, "double_qualified", "baseline") == pytest.approx([5.0, 4.0])
    assert teachers(result, "academic", "baseline") == pytest.approx([5.0, 6.0])
    # The plan's teachers meet the floor in both years.
    assert teachers(result, "double_qualified")[1] == pytest.approx(5.0, abs=1e-6)


# -- recruitment: hire levers with a lifetime and an upfront cost ---------------------


def recruitment_config(**lever_changes: Any) -> dict[str, Any]:
    lever = {"kind": "hire", "group": "double_qualified", "cost": 1000, "upfront": 500, "lifetime": 3, "max_per_year": 1}
    lever.update(lever_changes)
    lever = {key: value for key, value in lever.items() if value is not None}
    config = tiny_config(
        horizon={"start": 2025, "years": 4}, tiers=PRACTICE_ONLY, levers={"recruitment": lever}, funding=AMPLE
    )
    config["institutions"][0]["intake"] = {"basic": 1000}
    return config


def test_recruits_serve_their_lifetime(tmp_path: Path, solver: str) -> None:
    result = solved(tmp_path, recruitment_config(), solver)
    # One recruit a year serving three years: 1, 2, 3, 3 teachers, 9 teacher-years
    # of 300 practice hours, 10 graduates each.
    assert units(result, "recruitment") == pytest.approx({2025: 1, 2026: 1, 2027: 1, 2028: 1}, abs=UNIT)
    assert teachers(result, "double_qualified") == pytest.approx([1, 2, 3, 3])
    assert result.objective == pytest.approx(90.0)
    # 9 teacher-years at 1,000 and 4 upfront payments of 500.
    assert result.total_cost == pytest.approx(11000.0, abs=1.01)
    # The 2027 recruit serves one year past 2028 and the 2028 recruit two.
    assert result.summary["commitments_after_horizon"] == pytest.approx(3000.0)


def test_recruitment_within_a_total_budget(tmp_path: Path, solver: str) -> None:
    config = recruitment_config()
    config["total_budget"] = 10000
    result = solved(tmp_path, config, solver)
    # A recruit costs 3,500 for 3 teacher-years (2025, 2026), 2,500 for 2 (2027)
    # and 1,500 for 1 (2028): the first three (9,500), then a third of the last.
    assert units(result, "recruitment") == pytest.approx({2025: 1, 2026: 1, 2027: 1, 2028: 1 / 3}, abs=UNIT)
    assert result.objective == pytest.approx(250 / 3)
    assert result.summary["commitments_after_horizon"] == pytest.approx(1000 + 2 * 1000 / 3, abs=2.0)


def test_recruit_without_lifetime_serves_one_year(tmp_path: Path, solver: str) -> None:
    result = solved(tmp_path, recruitment_config(lifetime=None), solver)
    assert result.objective == pytest.approx(40.0)
    assert result.total_cost == pytest.approx(6000.0, abs=1.01)
    assert result.summary["commitments_after_horizon"] == pytest.approx(0.0)


# -- delays -------------------------------------------------------------------------


def base_config(years: int) -> dict[str, Any]:
    config = tiny_config(
        horizon={"start": 2025, "years": years},
        tiers={"basic": {"duration": 1, "hours": {"knowledge": 0, "practice": 0, "training": 100}}},
        levers={
            "bases": {"kind": "build", "seat_hours": 1000, "capex": 20000, "opex": 4000, "lifetime": 5, "delay": 1}
        },
        funding={"universities": {"per_year": 48000, "funds": "all"}},
    )
    inst = config["institutions"][0]
    inst.update(teachers={"double_qualified": 100}, intake={"basic": 1000}, training_seats=10)
    return config


def test_bases_open_a_year_after_they_are_built(tmp_path: Path, solver: str) -> None:
    result = solved(tmp_path, base_config(2), solver)
    # 48,000 yuan of capex buy 2.4 bases in 2025 (no opex until they open);
    # 10 seats of 1,000 hours train 100 students, 12.4 seats 124.
    assert units(result, "bases") == pytest.approx({2025: 2.4, 2026: 0.0}, abs=UNIT)
    assert result.objective == pytest.approx(224.0)
    assert result.total_cost == pytest.approx(57600.0, abs=1.01)


def test_a_base_that_would_open_after_the_horizon_is_not_built(tmp_path: Path, solver: str) -> None:
    result = solved(tmp_path, base_config(1), solver)
    assert result.objective == pytest.approx(100.0)
    assert result.total_cost == pytest.approx(0.0)


def convert_delay_config(lever: dict[str, Any], teachers_: dict[str, float], **changes: Any) -> dict[str, Any]:
    config = tiny_config(
        horizon={"start": 2025, "years": 2},
        tiers=KNOWLEDGE_ONLY,
        levers={"conversion": {"kind": "convert", "cost": 1000, "away": 0.5, "delay": 1, **lever}},
        funding={"universities": {"per_year": 5000, "funds": "all"}},
        **changes,
    )
    config["teacher_groups"]["three_no"] = {"qualified": [], "hours": 300}
    config["institutions"][0].update(teachers=teachers_, intake={"basic": 1000})
    return config


def test_delayed_retraining_takes_away_hours_of_the_three_no(tmp_path: Path, solver: str) -> None:
    config = convert_delay_config({"from": "three_no", "to": "academic"}, {"three_no": 10, "academic": 10})
    result = solved(tmp_path, config, solver)
    # Five retrained in 2025, away half of 2025 from the three-no pool (which
    # teaches nothing), academics from 2026: 100 + 150.
    assert units(result, "conversion")[2025] == pytest.approx(5.0, abs=UNIT)
    assert result.objective == pytest.approx(250.0)
    assert result.total_cost == pytest.approx(5000.0, abs=1.01)


def test_delayed_secondment_takes_away_hours_of_the_academics(tmp_path: Path, solver: str) -> None:
    config = convert_delay_config(
        {"from": "academic", "to": "double_qualified"}, {"academic": 10},
        policies={"min_double_qualified_share": {2025: 0.0, 2026: 0.2}},
    )
    result = solved(tmp_path, config, solver)
    # Two secondments in 2025 keep the 2026 floor; their away hours come off the
    # academics in 2025: 2,700 hours = 90 graduates, then 10 teachers = 100.
    assert units(result, "conversion") == pytest.approx({2025: 2.0, 2026: 0.0}, abs=UNIT)
    assert result.objective == pytest.approx(190.0)
    assert result.total_cost == pytest.approx(2000.0, abs=1.01)


# -- subsidised places within the cohort -------------------------------------------------


def test_subsidised_places_stay_within_the_cohort(tmp_path: Path, solver: str) -> None:
    config = tiny_config(
        tiers=KNOWLEDGE_ONLY,
        levers={"subsidies": {"kind": "subsidise", "tiers": ["basic"], "cost": 1000, "induced_intake": 0.5}},
        funding={"universities": {"per_year": 30000, "funds": "all"}},
    )
    config["institutions"][0]["intake"] = {"basic": 10}
    result = solved(tmp_path, config, solver)
    # u <= 10 + 0.5 u: at most 20 places, bringing 10 more students.
    assert units(result, "subsidies") == pytest.approx({2025: 20.0}, abs=UNIT)
    assert result.objective == pytest.approx(20.0)
    assert result.total_cost == pytest.approx(20000.0, abs=1.01)
    row = result.constraints[result.constraints["kind"] == "cohort_places"]
    assert len(row) == 1 and bool(row["binding"].iloc[0])


# -- the do-nothing baseline ------------------------------------------------------------


def test_baseline_and_cost_per_added_graduate(tmp_path: Path, solver: str) -> None:
    config = tiny_config()
    config["institutions"][0]["teachers"] = {"academic": 10, "double_qualified": 2}
    # A lever limit binds the plan, not the baseline.
    config["levers"]["enterprise_lecturers"]["min_per_year"] = 1
    result = solved(tmp_path, config, solver)
    # 2 double-qualified teachers teach 600 practice hours: 20 with no plan;
    # two lecturers add 240 hours: 28.
    assert result.summary["baseline_output"] == pytest.approx(20.0)
    assert result.objective == pytest.approx(28.0)
    assert result.summary["added_output"] == pytest.approx(8.0)
    assert result.summary["cost_per_added_graduate"] == pytest.approx(3000.0)
    assert result.summary["cost_per_compound_graduate"] == pytest.approx(24000 / 28)


def test_baseline_follows_turnover(tmp_path: Path) -> None:
    config = tiny_config(horizon={"start": 2025, "years": 2})
    config["institutions"][0]["teachers"] = {"academic": 10, "double_qualified": 2}
    config["teacher_groups"]["double_qualified"].update(attrition=0.5, replaced_by="academic")
    result = solved(tmp_path, config)
    assert result.summary["baseline_output"] == pytest.approx(30.0)


def test_nothing_added_has_no_cost_per_added_graduate(tmp_path: Path) -> None:
    config = tiny_config(funding={"universities": {"per_year": 0, "funds": "all"}})
    config["institutions"][0]["teachers"] = {"academic": 10, "double_qualified": 2}
    result = solved(tmp_path, config)
    assert result.summary["added_output"] == pytest.approx(0.0)
    assert result.summary["cost_per_added_graduate"] is None
    assert "cost per added weighted graduate: none" in str(result)


# -- commitments past the horizon ---------------------------------------------------------


def test_commitments_past_the_horizon(tmp_path: Path) -> None:
    config = tiny_config(
        horizon={"start": 2025, "years": 2},
        tiers={"basic": {"duration": 3, "hours": {"knowledge": 30, "practice": 0, "training": 0}}},
        levers={
            "subsidies": {"kind": "subsidise", "tiers": ["basic"], "cost": 1000, "induced_intake": 0.5},
            "bases": {"kind": "build", "capex": 100, "opex": 300},
        },
        funding=AMPLE,
    )
    config["institutions"][0]["teachers"] = {"academic": 100}
    plan = {("subsidies", "College", "basic", 2025): 4.0, ("subsidies", "College", "basic", 2026): 2.0,
            ("bases", "College", "", 2025): 3.0}
    result = solved(tmp_path, config, plan=plan)
    # The 2025 cohort studies one year past 2026, the 2026 cohort two:
    # 4 x 1 + 2 x 2 = 8 place-years at 1,000 yuan.
    assert result.summary["commitments_after_horizon"] == pytest.approx(8000.0)
    # Bases with no lifetime run on: 3 x 300 yuan every year after.
    assert result.summary["commitments_per_year_after_horizon"] == pytest.approx(900.0)
    data = result.to_dict()
    assert data["commitments_after_horizon"] == pytest.approx(8000.0)
    assert "committed after the horizon: 8,000 yuan" in str(result)
    assert "900 yuan a year" in str(result)


# -- converted teachers and turnover -------------------------------------------------------


def test_retrained_teacher_leaves_with_her_turnover(tmp_path: Path, solver: str) -> None:
    config = tiny_config(
        horizon={"start": 2025, "years": 2},
        tiers=KNOWLEDGE_ONLY,
        levers={"retraining": {"kind": "convert", "from": "three_no", "to": "academic", "cost": 1}},
        funding=AMPLE,
    )
    config["teacher_groups"]["three_no"] = {"qualified": [], "hours": 300, "attrition": 0.5, "replaced_by": "academic"}
    config["institutions"][0].update(teachers={"three_no": 10}, intake={"basic": 1000})
    result = solved(tmp_path, config, solver)
    # All ten retrained in 2025: ten academics in both years, none left to turn
    # over (not 15 academics and -5 three-no).
    assert result.objective == pytest.approx(200.0)
    assert result.total_cost == pytest.approx(10.0, abs=1.01)
    assert teachers(result, "academic") == pytest.approx([10.0, 10.0], abs=UNIT)
    assert teachers(result, "three_no") == pytest.approx([0.0, 0.0], abs=UNIT)
    # With no plan, half the three-no leave and academics replace them: 0 + 50.
    assert result.summary["baseline_output"] == pytest.approx(50.0)


def ending_config(**changes: Any) -> dict[str, Any]:
    config = tiny_config(
        horizon={"start": 2025, "years": 3},
        tiers=KNOWLEDGE_ONLY,
        levers={
            "secondments": {"kind": "convert", "from": "academic", "to": "double_qualified", "cost": 1000, "lifetime": 1}
        },
        **changes,
    )
    config["teacher_groups"]["academic"].update(attrition=0.5, replaced_by="none")
    config["institutions"][0]["intake"] = {"basic": 1000}
    return config


def test_a_conversion_that_ends_rejoins_the_pool(tmp_path: Path, solver: str) -> None:
    config = ending_config(funding=AMPLE)
    plan = {("secondments", "College", "", 2025): 4.0}
    result = solved(tmp_path, config, solver, plan=plan)
    # 6 academics and 4 seconded in 2025; then the 6 halve to 3 and the 4 rejoin
    # (7); then 3.5: 100 + 70 + 35.
    assert result.objective == pytest.approx(205.0)
    assert teachers(result, "academic") == pytest.approx([6.0, 7.0, 3.5])


def test_conversions_shield_teachers_from_turnover(tmp_path: Path, solver: str) -> None:
    result = solved(tmp_path, ending_config(funding={"universities": {"per_year": 4000, "funds": "all"}}), solver)
    assert units(result, "secondments") == pytest.approx({2025: 4.0, 2026: 4.0, 2027: 0.0}, abs=UNIT)
    assert result.objective == pytest.approx(225.0)
    assert result.total_cost == pytest.approx(8000.0, abs=1.01)


# -- objective stages -----------------------------------------------------------------------


def test_min_cost_tie_break_returns_the_plan_that_does_most(tmp_path: Path, solver: str) -> None:
    config = tiny_config(
        horizon={"start": 2025, "years": 2},
        objective={"mode": "min_cost", "targets": {"basic": {2025: 4, 2026: 0}}},
    )
    config["levers"]["secondments"] = {"kind": "convert", "from": "academic", "to": "double_qualified", "cost": 30000}
    result = solved(tmp_path, config, solver)
    # A lecturer and 0.4 secondments both buy the 120 practice hours for 12,000
    # yuan; the secondments last, so they also teach 4 in 2026.
    assert result.objective == pytest.approx(12000.0)
    assert units(result, "secondments")[2025] == pytest.approx(0.4, abs=1e-4)  # plus up to one yuan
    assert result.summary["weighted_output"] == pytest.approx(8.0, abs=1e-3)
    assert result.summary["baseline_output"] == pytest.approx(0.0)
    assert result.summary["cost_per_added_graduate"] == pytest.approx(1500.0, rel=1e-3)


def smooth_config(smooth: Any) -> dict[str, Any]:
    config = tiny_config(horizon={"start": 2025, "years": 2}, total_budget=24000, discount_rate=0.25)
    config["objective"] = {"smooth": smooth}
    return config


def test_smoothing_buys_a_steadier_plan_at_a_stated_price(tmp_path: Path, solver: str) -> None:
    steep = solved(tmp_path, smooth_config(True), solver)
    # Discounting makes 2025's lecturers worth more: both in the first year.
    assert units(steep, "enterprise_lecturers") == pytest.approx({2025: 2.0, 2026: 0.0}, abs=1e-6)
    assert steep.objective == pytest.approx(8.0)
    steady = solved(tmp_path, smooth_config(0.01), solver)
    # Giving up 1% (0.08 graduates) moves 0.1 lecturer to 2026: the change
    # falls from 2 x 12,000 to 1.8 x 12,000 yuan.
    assert units(steady, "enterprise_lecturers") == pytest.approx({2025: 1.9, 2026: 0.1}, abs=1e-6)
    assert steady.objective == pytest.approx(8.0)  # the reported objective is the first solve's
    assert steady.summary["weighted_output"] == pytest.approx(7.92)
    assert steady.summary["output_given_up"] == pytest.approx(0.08)
    assert "0.08 weighted graduates given up" in str(steady)


def test_smoothing_off_leaves_the_first_plan(tmp_path: Path) -> None:
    result = solved(tmp_path, smooth_config(False))
    assert result.summary["smoothing_applied"] is False
    assert result.summary["output_given_up"] == 0.0


@pytest.mark.parametrize("name", ["v2_workforce.yaml", "medium.yaml", "medium_min_cost.yaml"])
def test_baseline_from_the_main_programme_equals_the_baseline_built_alone(name: str) -> None:
    from optimiser.api import baseline_output
    from optimiser.model import build_model
    from optimiser.model.rows import BASELINE_KINDS

    config = load_config(Path(__file__).parents[1] / "cases" / name)
    alone = build_model(config, baseline=True)
    assert {info.kind for info in alone.book.rows} <= BASELINE_KINDS
    built = baseline_output(config, "highs")
    assert baseline_output(config, "highs", model=build_model(config)) == pytest.approx(built, rel=1e-9)
    assert baseline_output(config, "cbc") == pytest.approx(built, rel=1e-7)
