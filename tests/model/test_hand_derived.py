"""Optima derived by hand from the model (docs/model.md) on the tiny config (see tests/tiny.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimiser import Status, load_config, solve

from ..tiny import tiny_config, write_tiny


def solved(tmp_path: Path, solver: str = "highs", **changes):  # type: ignore[no-untyped-def]
    return solve(load_config(write_tiny(tmp_path, tiny_config(**changes))), solver=solver)


def test_output_is_money_over_cost_per_graduate(tmp_path: Path, solver: str) -> None:
    # Practice is the only bottleneck: a lecturer gives 120 practice hours,
    # 30 per student, so 4 graduates for 12,000 yuan; 24,000 yuan buys 8.
    result = solved(tmp_path, solver)
    assert result.status is Status.OPTIMAL
    assert result.objective == pytest.approx(8.0)
    assert result.total_cost == pytest.approx(24000.0)
    assert result.plan.loc[result.plan["lever"] == "enterprise_lecturers", "units"].sum() == pytest.approx(2.0)
    assert result.summary["cost_per_compound_graduate"] == pytest.approx(3000.0)
    # The single skill graduates are the other 92 students.
    assert result.outputs["single_skill"].sum() == pytest.approx(92.0)
    # One more yuan buys 1/3000 graduate: the shadow price of the funding cap.
    cap = result.constraints[result.constraints["kind"] == "funding_cap"]
    assert cap["shadow_price"].iloc[0] == pytest.approx(1 / 3000)
    # And practice is the "no" that binds.
    assert result.bottlenecks["binding"].iloc[0] == "no practical experience"


def test_external_ratio_caps_lecturers(tmp_path: Path, solver: str) -> None:
    # At most 0.1 x 10 in-house teachers = 1 lecturer: 4 graduates, 12,000 spent.
    result = solved(tmp_path, solver, policies={"max_external_ratio": 0.1})
    assert result.objective == pytest.approx(4.0)
    assert result.total_cost == pytest.approx(12000.0)


def secondment_config(lifetime: int) -> dict:  # type: ignore[type-arg]
    return tiny_config(
        horizon={"start": 2025, "years": 2},
        levers={
            "secondments": {
                "kind": "convert", "from": "academic", "to": "double_qualified",
                "cost": 10000, "away": 0.5, "lifetime": lifetime,
            }
        },
        funding={"universities": {"per_year": 10000, "funds": "all"}},
    )


@pytest.mark.parametrize(("lifetime", "graduates"), [(1, 10.0), (2, 20.0)])
def test_secondment_lifetime_expires(tmp_path: Path, solver: str, lifetime: int, graduates: float) -> None:
    # One secondment a year. In its first year a converted teacher is away half
    # the year: 150 practice hours = 5 students. With lifetime 1 the teacher
    # returns to academic the next year (5 + 5 = 10); with lifetime 2 they
    # teach all 300 hours in year two beside the new one (5 + 15 = 20).
    config = load_config(write_tiny(tmp_path, secondment_config(lifetime)))
    result = solve(config, solver=solver)
    assert result.objective == pytest.approx(graduates)
    assert result.total_cost == pytest.approx(20000.0)


def subsidy_config(**extra: object) -> dict:  # type: ignore[type-arg]
    config = tiny_config(
        horizon={"start": 2025, "years": 2},
        tiers={"basic": {"duration": 2, "hours": {"knowledge": 30, "practice": 30, "training": 0}}},
        levers={"tuition_subsidies": {"kind": "subsidise", "tiers": ["basic"], "cost": 1000, "induced_intake": 0.5}},
        funding={"government": {"per_year": 5000, "funds": "all"}},
        institutions=[
            {
                "name": "College",
                "teachers": {"academic": 10, "double_qualified": 10},
                "intake": {"basic": 10},
                "max_intake": {"basic": 20},
            }
        ],
    )
    config.update(extra)
    return config


def test_subsidy_paid_every_year_of_study(tmp_path: Path, solver: str) -> None:
    # Output = (n_2025 + n_2026) / 2 = 20 + 0.5 u_2025 + 0.25 u_2026, and a place
    # started in 2025 is paid in 2025 and 2026: u_2025 <= 5, u_2025 + u_2026 <= 5.
    # Best: all 5 places in the first cohort, 22.5 graduate-equivalents.
    result = solve(load_config(write_tiny(tmp_path, subsidy_config())), solver=solver)
    assert result.objective == pytest.approx(22.5)
    plan = result.plan.set_index("year")["units"]
    # (the tie-break may trim output by its 1e-7 tolerance: a hundred-thousandth of a place)
    assert plan[2025] == pytest.approx(5.0, abs=1e-4)
    assert plan[2026] == pytest.approx(0.0, abs=1e-4)
    assert result.total_cost == pytest.approx(10000.0)


def test_subsidy_only_helps_when_teaching_is_slack(tmp_path: Path, solver: str) -> None:
    # With no double-qualified teachers, practice hours cap output at zero no
    # matter how many students enrol: the subsidy buys nothing and the
    # tie-break spends nothing.
    config = subsidy_config()
    config["institutions"][0]["teachers"] = {"academic": 10}
    result = solve(load_config(write_tiny(tmp_path, config)), solver=solver)
    assert result.objective == pytest.approx(0.0)
    assert result.total_cost == pytest.approx(0.0, abs=1e-6)
    assert result.outputs["single_skill"].sum() == pytest.approx(20.0)
    # One double-qualified teacher (300 practice hours) trains 10 students a
    # year; the 20 enrolled already exceed that, so subsidies still buy nothing.
    config["institutions"][0]["teachers"] = {"academic": 10, "double_qualified": 1}
    result = solve(load_config(write_tiny(tmp_path, config, "one.yaml")), solver=solver)
    assert result.objective == pytest.approx(10.0)
    assert result.total_cost == pytest.approx(0.0, abs=1e-6)


def test_discounting_weights_later_years_less(tmp_path: Path) -> None:
    # Same plan as the lifetime-2 case, outputs 5 then 15: 5 + 15 / 1.1.
    config = secondment_config(2)
    config["discount_rate"] = 0.1
    result = solve(load_config(write_tiny(tmp_path, config)))
    assert result.objective == pytest.approx(5 + 15 / 1.1)


def test_training_seats_bind_with_seat_hours(tmp_path: Path, solver: str) -> None:
    # Add 60 training hours per student and 2 seats of 1,200 hours: at most
    # 40 students can be trained, though teachers could cover 100 (knowledge)
    # and enterprise lecturers are not hired (no money).
    config = tiny_config(
        tiers={"basic": {"duration": 1, "hours": {"knowledge": 30, "practice": 0, "training": 60}}},
        funding={"universities": {"per_year": 0, "funds": "all"}},
    )
    config["institutions"][0]["teachers"] = {"academic": 10, "double_qualified": 10}
    config["institutions"][0]["training_seats"] = 2
    result = solve(load_config(write_tiny(tmp_path, config)), solver=solver)
    assert result.objective == pytest.approx(40.0)
    assert bool(result.bottlenecks["seats_binding"].iloc[0]) is True


def test_build_lever_adds_seats_for_its_lifetime(tmp_path: Path, solver: str) -> None:
    # Training needs 60 hours per student; one base gives 1 seat of 1,200 hours
    # = 20 students a year, for capex 10,000 + opex 2,000 a year. With 12,000
    # in year one and 2,000 in year two: one base, 20 graduates each year.
    config = tiny_config(
        horizon={"start": 2025, "years": 2},
        tiers={"basic": {"duration": 1, "hours": {"knowledge": 30, "practice": 0, "training": 60}}},
        levers={"training_bases": {"kind": "build", "capex": 10000, "opex": 2000, "seat_hours": 1200}},
        funding={"universities": {"per_year": {2025: 12000, 2026: 2000}, "funds": "all"}},
    )
    config["institutions"][0]["teachers"] = {"academic": 10, "double_qualified": 10}
    result = solve(load_config(write_tiny(tmp_path, config)), solver=solver)
    assert result.objective == pytest.approx(40.0)
    assert result.total_cost == pytest.approx(14000.0)


def test_min_cost_reaches_targets_at_least_cost(tmp_path: Path, solver: str) -> None:
    # 6 graduates need 180 practice hours: 1.5 lecturers at 12,000 = 18,000 yuan.
    config = tiny_config(objective={"mode": "min_cost", "targets": {"basic": 6}})
    result = solve(load_config(write_tiny(tmp_path, config)), solver=solver)
    assert result.objective == pytest.approx(18000.0)
    # Later stages may add one yuan (and CBC's solutions carry eight significant digits).
    assert 18000.0 - 1e-6 <= result.total_cost <= 18000.0 * (1 + 1e-7) + 1.01
    # Raising the target by one graduate costs 30 hours / 120 x 12,000 = 3,000 yuan.
    target = result.constraints[result.constraints["kind"] == "target"]
    assert target["shadow_price"].iloc[0] == pytest.approx(3000.0)


def test_integer_levers_buy_whole_lecturers(tmp_path: Path, solver: str) -> None:
    # 30,000 yuan: 2.5 lecturers as an LP (10 graduates), 2 whole ones (8).
    changes = {"funding": {"universities": {"per_year": 30000, "funds": "all"}}}
    lp = solved(tmp_path, solver, **changes)
    assert lp.objective == pytest.approx(10.0)
    config = load_config(write_tiny(tmp_path, tiny_config(**changes), "int.yaml"))
    whole = solve(config, solver=solver, integer=True)
    assert whole.objective == pytest.approx(8.0)
    assert whole.summary["mip"] is True
    assert whole.summary["lp_bound"] == pytest.approx(10.0)
    assert whole.summary["integrality_gap"] == pytest.approx(0.2)
    assert any("integer decisions fixed" in note for note in whole.summary["notes"])


def test_tie_break_survives_a_huge_budget(tmp_path: Path, solver: str) -> None:
    # A trillion yuan: 100 students need 25 lecturers (300,000 yuan), and the
    # cheapest-plan tie-break must still find that, not spend the trillion.
    result = solved(tmp_path, solver, funding={"universities": {"per_year": 1e12, "funds": "all"}})
    assert result.objective == pytest.approx(100.0)
    assert result.total_cost == pytest.approx(300000.0, rel=1e-6)
