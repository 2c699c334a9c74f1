"""Evaluating a hand-made plan: hand-derived outputs and violations, round trip, plan-file errors, CLI."""

from __future__ import annotations

import json
import re
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from optimiser import PlanError, load_config, solve
from optimiser.cli import main
from optimiser.evaluate import evaluate
from optimiser.planfile import PlanNote, read_plan

from .conftest import CASES
from .tiny import tier_rules_config, tiny_config, write_tiny


# One institution, two years, class sizes 1, one tier of duration 1 with 30
# knowledge and 30 practice hours per student: a student-year needs 30 hours
# of each. Ten academic (knowledge) teachers and one double-qualified teacher
# of 300 hours; enterprise lecturers teach 120 practice hours for 12,000 yuan;
# a secondment turns an academic teacher double-qualified for 10,000 yuan and
# costs half a year's hours while away; at most 10% of the 11 in-house
# teachers (1.1) may be seconded a year. 24,000 yuan a year from one source.
def hand_config(funds: Any = "all", objective: dict[str, Any] | None = None) -> dict[str, Any]:
    return tiny_config(
        name="hand",
        horizon__years=2,
        levers={
            "enterprise_lecturers": {"kind": "hire", "group": "enterprise_lecturer", "cost": 12000},
            "secondments": {"kind": "convert", "from": "academic", "to": "double_qualified", "cost": 10000,
                            "away": 0.5, "max_share_per_year": 0.1},
            "tuition_subsidies": {"kind": "subsidise", "tiers": ["basic"], "cost": 1000, "induced_intake": 0.5,
                                  "available_from": 2026},
        },
        policies={"min_double_qualified_share": {2025: 0.05}, "max_external_ratio": 1.0},
        institutions=[{"name": "=cmd", "teachers": {"academic": 10, "double_qualified": 1},
                       "intake": {"basic": 1000}, "max_intake": {"basic": 1010}}],
        funding__universities__funds=funds,
        objective=objective,
    )


def plan_frame(*rows: tuple[str, str, str, int, float]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["lever", "institution", "tier", "year", "units"])


@pytest.fixture
def hand(write_config: Callable[[str, str], Path]) -> Path:
    return write_config(yaml.safe_dump(hand_config(), sort_keys=False), "hand.yaml")


def test_lecturers_give_four_graduates_each(hand: Path) -> None:
    # 2025: the one double-qualified teacher's 300 hours plus 120 per lecturer
    # are the practice hours: (300 + 2 * 120) / 30 = 18 students; 2026: 300 / 30 = 10.
    ev = evaluate(load_config(hand), plan_frame(("enterprise_lecturers", "=cmd", "", 2025, 2)))
    assert ev.feasible and ev.violations.empty
    assert ev.objective == pytest.approx(28.0, rel=1e-9)
    assert ev.total_cost == pytest.approx(24000.0, rel=1e-9)
    assert ev.spend_by_year() == pytest.approx({2025: 24000.0, 2026: 0.0})
    assert ev.spend_by_source() == pytest.approx({"universities": 24000.0})
    assert ev.compound_output() == {"basic": pytest.approx({2025: 18.0, 2026: 10.0})}
    # The optimum buys 2 lecturers in each year and secondments on top:
    # the plan leaves output on the table.
    assert ev.gap_objective == pytest.approx(ev.optimum_objective - 28.0)
    assert ev.gap_objective > 0


def test_what_the_plan_adds_over_doing_nothing(hand: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # With no plan the double-qualified teacher's 300 practice hours teach 10 students a year: 20 over two
    # years. Two lecturers in 2025 give 28 (above): 8 added for 24,000 yuan, 3,000 yuan per added graduate,
    # and nothing committed after 2026 (contracts of one year).
    ev = evaluate(load_config(hand), plan_frame(("enterprise_lecturers", "=cmd", "", 2025, 2)))
    summary = ev.result.summary
    assert summary["baseline_output"] == pytest.approx(20.0, rel=1e-9)
    assert summary["added_output"] == pytest.approx(8.0, rel=1e-9)
    assert summary["cost_per_added_graduate"] == pytest.approx(3000.0, rel=1e-9)
    assert summary["commitments_after_horizon"] == 0.0
    data = ev.to_dict()
    assert (data["baseline_output"], data["added_output"], data["cost_per_added_graduate"]) == pytest.approx(
        (20.0, 8.0, 3000.0), rel=1e-9)
    text = str(ev)
    assert "do-nothing baseline: 20.0 weighted graduates; the plan adds 8.0" in text
    assert "cost per added weighted graduate: 3,000 yuan  (total cost / output added over the baseline)" in text
    assert "average cost per compound graduate: 857 yuan" in text  # 24,000 / 28


def test_a_plan_that_adds_nothing_has_no_cost_per_added_graduate(hand: Path) -> None:
    ev = evaluate(load_config(hand), plan_frame())
    assert ev.result.summary["added_output"] == pytest.approx(0.0, abs=1e-9)
    assert ev.result.summary["cost_per_added_graduate"] is None
    assert "cost per added weighted graduate: none (the plan adds no output over the baseline)" in str(ev)


def test_a_plan_that_adds_nothing_shows_no_negative_zero(zhejiang: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    # The empty plan delivers the do-nothing baseline itself: what it adds, computed as the difference of two
    # solves, is a round-off below zero (-1.8e-12) and shows as zero, as does money that rounds to nothing.
    from optimiser.i18n import language, money, number

    plan = tmp_path / "nothing.csv"
    plan.write_text("lever,institution,tier,year,units\n")
    assert main(["evaluate", str(zhejiang), "--plan", str(plan)]) == 3
    out = capsys.readouterr().out
    assert "weighted graduates; the plan adds 0.0\n" in out
    assert re.search(r"-0(\.0+)?(?![0-9.,])", out) is None
    assert (number(-1.8e-12), number(-0.04, 1), number(-0.4, 0), number(-0.001, 2, sign=True)) == \
        ("0.0", "0.0", "0", "+0.00")
    assert number(-1234.56) == "-1,234.6" and number(-0.05, 1) == "-0.1"
    with language("en"):
        assert money(-0.3) == "0 yuan"
    with language("zh"):
        assert money(-0.3) == "0元" and money(-12_000) == "-1.20万元"


def test_the_optimal_plan_evaluated_adds_what_solve_said(zhejiang: Path, tmp_path: Path) -> None:
    config = load_config(zhejiang)
    best = solve(config)
    ev = evaluate(config, best.plan, optimum=best)
    for key in ("baseline_output", "added_output", "cost_per_added_graduate", "cost_per_compound_graduate",
                "commitments_after_horizon", "commitments_per_year_after_horizon"):
        assert ev.result.summary[key] == pytest.approx(best.summary[key], rel=1e-7), key
    # Its graduates by tier and year are drawn as solve draws them (thousands separated).
    table = str(ev).split("compound graduates by tier and year:\n")[1].splitlines()[:4]
    assert table == str(best).split("compound graduates by tier and year:\n")[1].splitlines()[:4]
    assert "2,440.0" in table[1]


def test_a_plan_is_compared_with_the_plan_the_optimiser_returns(zhejiang: Path) -> None:
    # The shipped config gives 1% of output up for a steadier plan (smooth: 0.01): the optimiser's plan delivers
    # the optimum less what it gave up, for its own cost; a plan is compared with that plan, not with the optimum
    # priced at the steadier plan's cost (a pair no plan reaches).
    config = load_config(zhejiang)
    best = solve(config)
    given_up = best.summary["output_given_up"]
    assert given_up > 1.0
    own = evaluate(config, best.plan, optimum=best)
    assert own.optimum_output == pytest.approx(best.objective - given_up, rel=1e-9)
    assert abs(own.gap_objective) <= 1e-6 * best.objective and abs(own.gap_cost) < 1.0
    text = str(own)
    assert (f"the optimiser's plan: {best.objective - given_up:,.1f} weighted compound graduates for "
            f"{best.total_cost:,.0f} yuan\n") in text
    assert (f"  (the optimum, {best.objective:,.1f} weighted compound graduates, less {given_up:,.1f} given up "
            "for a steadier plan)\n") in text
    assert "gap: the plan delivers the weighted output of the optimiser's plan and spends the same money" in text
    # The cheapest optimal plan (no smoothing) delivers the optimum: more output than the optimiser's plan, for
    # the money steadiness saved.
    cheapest = solve(config.with_changes({"objective.smooth": False}))
    ev = evaluate(config, cheapest.plan, optimum=best)
    assert ev.objective == pytest.approx(best.objective, rel=1e-6)
    assert ev.gap_objective == pytest.approx(-given_up, rel=1e-4)
    assert ev.gap_cost == pytest.approx(cheapest.total_cost - best.total_cost, abs=1.0)
    assert f"the plan gives {given_up:,.1f} more weighted compound graduates than the optimiser's plan (1.0%)" \
        in str(ev)


def test_min_cost_compares_output_and_cost_with_the_optimisers_plan(write_config: Callable[[str, str], Path]) -> None:
    raw = hand_config(objective={"mode": "min_cost", "targets": {"basic": 15}})
    config = load_config(write_config(yaml.safe_dump(raw, sort_keys=False), "mc.yaml"))
    best = solve(config)
    ev = evaluate(config, best.plan, optimum=best)
    # One line with the optimiser's plan's output and its cost, not a cost "for" a cost.
    assert (f"the optimiser's plan: {best.summary['weighted_output']:,.1f} weighted compound graduates for "
            f"{best.total_cost:,.0f} yuan") in str(ev)
    assert ev.gap_objective == pytest.approx(0.0, abs=1e-6)
    assert "gap: the plan costs the same as the cheapest plan that meets the targets" in str(ev)


def test_the_plans_teachers_bottlenecks_and_commitments_as_solve_shows_them(
    zhejiang: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    # solve's own plan evaluated: its teachers by group and year, its commitments after the horizon and which
    # "no" binds where, in the terminal, the JSON and the files, as solve gives them for the same plan.
    assert main(["solve", str(zhejiang), "--out", str(tmp_path / "solved")]) == 0
    solved = capsys.readouterr().out
    assert main(["evaluate", str(zhejiang), "--plan", str(tmp_path / "solved" / "plan.csv"),
                 "--out", str(tmp_path / "ev")]) == 0
    text = capsys.readouterr().out
    teachers = solved.split("teachers by group and year")[1].split("\n\n")[0]
    assert teachers in text
    assert 'bottlenecks given the plan: which "no" binds where with its units held (not at the optimum)' in text
    for name in ("teachers.csv", "commitments.csv"):
        mine, theirs = pd.read_csv(tmp_path / "ev" / name), pd.read_csv(tmp_path / "solved" / name)
        assert list(mine.columns) == list(theirs.columns) and len(mine) == len(theirs) > 0, name
        numbers = mine.select_dtypes("number").columns
        assert np.allclose(mine[numbers], theirs[numbers], rtol=1e-6, atol=1e-3), name
    assert len(pd.read_csv(tmp_path / "ev" / "bottlenecks.csv")) == len(pd.read_csv(tmp_path / "solved" / "bottlenecks.csv"))
    assert main(["evaluate", str(zhejiang), "--plan", str(tmp_path / "solved" / "plan.csv"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    summary = json.loads((tmp_path / "solved" / "summary.json").read_text())
    for group, years in summary["teachers"].items():
        assert data["teachers"][group] == pytest.approx(years, rel=1e-6), group
    assert len(data["bottlenecks"]) == len(summary["bottlenecks"])


def test_overspending_reports_the_exact_amounts(hand: Path) -> None:
    # 3 secondments (30,000) + 2 lecturers (24,000) in 2025 against 24,000:
    # 30,000 over. 3 > 1.1 secondments: 1.9 over. Output 2025: double-qualified
    # hours 4 * 300 - 0.5 * 300 * 3 = 750, plus 240 of lecturers = 990 practice
    # hours = 33 students; 2026: 1,200 hours = 40 students.
    ev = evaluate(
        load_config(hand),
        plan_frame(("secondments", "=cmd", "", 2025, 3), ("enterprise_lecturers", "=cmd", "", 2025, 2)),
    )
    assert not ev.feasible
    assert ev.objective == pytest.approx(73.0, rel=1e-9)
    assert ev.total_cost == pytest.approx(54000.0, rel=1e-9)
    rows = {row.kind: row for row in ev.violations.itertuples(index=False)}
    assert set(rows) == {"funding_cap", "conversion_share"}
    money = rows["funding_cap"]
    assert money.amount == pytest.approx(30000.0, rel=1e-9)
    assert (money.config_path, money.year, money.limit) == ("funding.universities.per_year", 2025, 24000.0)
    assert money.message == "universities funding in 2025 exceeded by 30,000 yuan (limit 24,000 yuan)"
    share = rows["conversion_share"]
    assert share.amount == pytest.approx(1.9, rel=1e-9)
    assert share.message == "levers.secondments.max_share_per_year at =cmd in 2025 exceeded by 1.9 secondments (limit 1.1)"


def test_double_qualified_shortfall_in_share_words(hand: Path) -> None:
    # A 2026 floor of 0.5: 1 secondment gives 2 of 11 = 0.18, asked 0.5,
    # 0.5 * 11 - 2 = 3.5 more double-qualified teachers needed.
    config = load_config(hand).with_changes({"policies.min_double_qualified_share.2026": 0.5})
    ev = evaluate(config, plan_frame(("secondments", "=cmd", "", 2025, 1)))
    (row,) = ev.violations.itertuples(index=False)
    assert row.kind == "double_qualified_share" and row.year == 2026
    assert row.value == pytest.approx(2 / 11) and row.limit == 0.5
    assert row.amount == pytest.approx(0.5 - 2 / 11)
    assert row.message == (
        "policies.min_double_qualified_share at =cmd in 2026: 0.18 reached, 0.50 asked "
        "(3.5 more double-qualified teachers needed)"
    )


def test_seconding_more_teachers_than_exist(hand: Path) -> None:
    # 12 secondments of 10 academic teachers: 2 too many in both years (no
    # lifetime). The double-qualified group then teaches everything: 2025
    # 13 * 300 - 0.5 * 300 * 12 = 2,100 hours for 60 hours a student = 35;
    # 2026 3,900 hours = 65. Subsidies: 30 places induce 15 students where
    # max_intake leaves room for 10.
    ev = evaluate(
        load_config(hand),
        plan_frame(("secondments", "=cmd", "", 2025, 12), ("tuition_subsidies", "=cmd", "basic", 2026, 30)),
    )
    assert ev.objective == pytest.approx(100.0, rel=1e-9)
    stock = ev.violations[ev.violations["kind"] == "conversion_stock"]
    assert stock["year"].tolist() == [2025, 2026]
    assert stock["amount"].tolist() == pytest.approx([2.0, 2.0])
    assert stock["message"].iloc[0] == (
        "institutions.=cmd.teachers.academic at =cmd in 2025: 12 academic teachers converted while 10 exist (2 too many)"
    )
    intake = ev.violations[ev.violations["kind"] == "intake_cap"].iloc[0]
    assert intake["amount"] == pytest.approx(5.0)
    assert intake["config_path"] == "institutions.=cmd.max_intake.basic"
    money = ev.violations[ev.violations["kind"] == "funding_cap"].set_index("year")["amount"]
    assert money.to_dict() == pytest.approx({2025: 96000.0, 2026: 6000.0})
    # The negative teaching hours of the academic group follow from the
    # over-seconding and are not reported twice.
    assert "teacher_hours" not in set(ev.violations["kind"])


@pytest.mark.parametrize("mode", ["max_output", "min_cost"])
@pytest.mark.parametrize(("induced", "message"), [
    (0.5, "institutions.=cmd.intake.basic at =cmd in 2026: 2,500 subsidised basic places, but the cohort is "
          "2,250 (intake 1,000 + 1,250 induced by the subsidy): 250 too many"),
    (0.0, "institutions.=cmd.intake.basic at =cmd in 2026: 2,500 subsidised basic places, but the cohort is "
          "1,000 (the intake; the subsidy induces no students): 1,500 too many"),
])
def test_places_beyond_their_cohort_in_the_plans_numbers(
    write_config: Callable[[str, str], Path], mode: str, induced: float, message: str
) -> None:
    # 2,500 places in a cohort of 1,000 entrants plus what the places induce: the row is
    # (1 - induced) * 2,500 <= 1,000, broken by 250 (or 1,500), which is the places too many.
    objective = {"mode": "min_cost", "targets": {"basic": 10}} if mode == "min_cost" else None
    raw = hand_config(objective=objective)
    raw["levers"]["tuition_subsidies"]["induced_intake"] = induced
    config = load_config(write_config(yaml.safe_dump(raw, sort_keys=False), f"cohort_{mode}.yaml"))
    ev = evaluate(config, plan_frame(("tuition_subsidies", "=cmd", "basic", 2026, 2500)))
    row = ev.violations[ev.violations["kind"] == "cohort_places"].iloc[0]
    places, cohort = 2500.0, 1000.0 + induced * 2500
    assert row["message"] == message
    assert (row["value"], row["limit"]) == (pytest.approx(places), pytest.approx(cohort))
    assert row["amount"] == pytest.approx(places - cohort)
    assert row["unit"] == "subsidised places"


def test_places_beyond_their_cohort_in_chinese_and_in_violations_csv(hand: Path, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_text("lever,institution,tier,year,units\ntuition_subsidies,=cmd,basic,2026,2500\n", encoding="utf-8")
    assert main(["evaluate", str(hand), "--plan", str(plan), "--lang", "zh", "--out", str(tmp_path / "out")]) == 3
    assert ("institutions.=cmd.intake.basic =cmd，2026年：2,500 个 basic 资助名额，但该届新生只有 2,250 人"
            "（招生 1,000 人 + 资助带来的 1,250 人）：多出 250 个") in capsys.readouterr().out
    table = pd.read_csv(tmp_path / "out" / "violations.csv", encoding="utf-8-sig")
    row = table[table["kind"] == "cohort_places"].iloc[0]
    assert (row["amount"], row["limit"], row["value"]) == pytest.approx((250.0, 2250.0, 2500.0))
    assert "2,500 个 basic 资助名额" in row["message"]


def test_every_violation_is_limit_and_amount_to_value(hand: Path) -> None:
    # A ceiling's value is its limit plus the amount, a floor's the limit less it; the hours of a group
    # seconded below zero are the hours it has with the plan (10 - 12 academic teachers: -600 hours) and
    # the hours it teaches (none).
    from optimiser.evaluate import describe, plan_model, solve_plan

    units = {("secondments", "=cmd", "", 2025): 12.0, ("tuition_subsidies", "=cmd", "basic", 2026): 2500.0,
             ("enterprise_lecturers", "=cmd", "", 2025): 3.0}
    model = plan_model(load_config(hand), units)
    _status, backend = solve_plan(model, "highs")
    x = backend.values()
    seen = set()
    for info, slack, _weight in model.book.slacks:
        amount = float(x[model.column_of[slack]]) / info.unit_scale
        if amount < 0.01:
            continue
        row = describe(info, amount, model, x)
        seen.add(row["kind"])
        if row["kind"] in ("double_qualified_share",):
            assert row["value"] == pytest.approx(row["limit"] - row["amount"])
        elif row["kind"] == "funding_balance":
            assert row["value"] == pytest.approx(row["amount"])
        else:
            assert row["value"] == pytest.approx(row["limit"] + row["amount"]), row["kind"]
        if row["kind"] == "teacher_hours" and row["year"] == 2025:
            assert (row["limit"], row["value"]) == (pytest.approx(-600.0), pytest.approx(0.0, abs=1e-6))
    assert {"cohort_places", "teacher_hours", "conversion_stock", "funding_cap"} <= seen


def test_money_no_source_may_pay(write_config: Callable[[str, str], Path]) -> None:
    config = hand_config(funds=["enterprise_lecturers", "tuition_subsidies"])
    path = write_config(yaml.safe_dump(config, sort_keys=False), "nofund.yaml")
    ev = evaluate(load_config(path), plan_frame(("secondments", "=cmd", "", 2025, 1)))
    row = ev.violations[ev.violations["kind"] == "funding_balance"].iloc[0]
    assert row["amount"] == pytest.approx(10000.0)
    assert row["message"] == (
        "secondments in 2025: 10,000 yuan that no funding source may pay; add secondments to some source's funds"
    )
    # That money is spent all the same: it counts in the total and in both costs per graduate.
    summary = ev.result.summary
    assert ev.total_cost == summary["total_cost"] == ev.result.total_cost == pytest.approx(10000.0)
    assert summary["cost_per_added_graduate"] == pytest.approx(10000.0 / summary["added_output"])
    assert summary["cost_per_compound_graduate"] == pytest.approx(10000.0 / summary["compound_graduates"])


def test_every_spend_table_sums_to_the_total_with_the_money_no_source_may_pay(
    write_config: Callable[[str, str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    # One lecturer (12,000 yuan, paid by universities) and one secondment (10,000 yuan no source may pay):
    # 22,000 yuan in all, all of it in 2025.
    config = hand_config(funds=["enterprise_lecturers", "tuition_subsidies"])
    path = write_config(yaml.safe_dump(config, sort_keys=False), "nofund.yaml")
    plan = tmp_path / "plan.csv"
    plan.write_text("lever,institution,tier,year,units\nenterprise_lecturers,=cmd,,2025,1\nsecondments,=cmd,,2025,1\n")
    ev = evaluate(load_config(path), plan)
    assert ev.total_cost == pytest.approx(22000.0)
    assert ev.spend_by_source() == pytest.approx({"universities": 12000.0, "no funding source may pay": 10000.0})
    assert list(ev.spend_by_source())[-1] == "no funding source may pay"
    assert ev.spend_by_lever() == pytest.approx({"enterprise_lecturers": 12000.0, "secondments": 10000.0,
                                                 "tuition_subsidies": 0.0})
    assert ev.spend_by_year() == pytest.approx({2025: 22000.0, 2026: 0.0})
    for table in (ev.spend_by_source(), ev.spend_by_lever(), ev.spend_by_year()):
        assert sum(table.values()) == pytest.approx(ev.total_cost, abs=1e-6)
    text = str(ev)
    sources = text.split("spend by source (yuan):\n")[1].split("\n\n")[0].splitlines()
    assert [line.split() for line in sources] == [["universities", "12,000"],
                                                 ["no", "funding", "source", "may", "pay", "10,000"]]
    assert sum(float(line.split()[-1].replace(",", "")) for line in sources) == pytest.approx(22000.0)
    assert main(["evaluate", str(path), "--plan", str(plan), "--out", str(tmp_path / "out"), "--json"]) == 3
    data = json.loads(capsys.readouterr().out)
    for key in ("spend_by_source", "spend_by_lever", "spend_by_year"):
        assert sum(data[key].values()) == pytest.approx(data["total_cost"]), key
    funding = pd.read_csv(tmp_path / "out" / "funding.csv")
    assert funding["amount"].sum() == pytest.approx(22000.0)
    unfunded = funding[funding["source"] == "no funding source may pay"]
    assert unfunded[["lever", "year", "amount"]].values.tolist() == [["secondments", 2025, pytest.approx(10000.0)]]
    assert main(["evaluate", str(path), "--plan", str(plan), "--lang", "zh"]) == 3
    assert "没有任何资金来源可以支付" in capsys.readouterr().out


def test_min_cost_target_shortfall(write_config: Callable[[str, str], Path]) -> None:
    text = yaml.safe_dump(hand_config(objective={"mode": "min_cost", "targets": {"basic": 15}}), sort_keys=False)
    ev = evaluate(load_config(write_config(text, "mc.yaml")), plan_frame(("enterprise_lecturers", "=cmd", "", 2025, 1)))
    # 2025: (300 + 120) / 30 = 14 graduates of 15; 2026: 300 / 30 = 10 of 15.
    assert ev.objective == pytest.approx(12000.0)  # min_cost: the objective is the plan's cost
    assert ev.weighted_output == pytest.approx(24.0)
    targets = ev.violations[ev.violations["kind"] == "target"].set_index("year")
    assert targets["amount"].to_dict() == pytest.approx({2025: 1.0, 2026: 5.0})
    assert targets.loc[2025, "message"] == (
        "objective.targets.basic in 2025: 14 compound graduates reached, 15 asked (short by 1)"
    )
    # The cheapest plan: one secondment in 2025 (10,000 yuan) adds 150 practice
    # hours in 2025 and 300 in 2026: 15 and 20 graduates.
    assert ev.optimum_objective == pytest.approx(10000.0, rel=1e-6)
    # The gap is to the optimiser's plan, which may cost up to one yuan more than the least cost
    # (the most-output tie-break and smoothing, docs/model.md).
    assert ev.gap_objective == pytest.approx(12000.0 - ev.optimum_total_cost)
    assert ev.gap_objective == pytest.approx(2000.0, abs=1.01)
    assert ev.gap_cost == pytest.approx(2000.0, abs=1.01)


def test_round_trip_of_an_optimal_plan(tmp_path: Path, solver: str) -> None:
    out = tmp_path / "solved"
    assert main(["solve", str(CASES / "small.yaml"), "--out", str(out), "--json", "--solver", solver]) == 0
    config = load_config(CASES / "small.yaml")
    optimum = solve(config, solver=solver)
    ev = evaluate(config, out / "plan.csv", solver=solver, optimum=optimum)
    assert ev.feasible, ev.violations["message"].tolist()
    assert ev.objective == pytest.approx(15149.650127, rel=1e-6)
    assert ev.objective == pytest.approx(optimum.objective, rel=1e-6)
    assert ev.total_cost == pytest.approx(optimum.total_cost, rel=1e-6)
    assert abs(ev.gap_objective) <= 1e-6 * optimum.objective


def test_xlsx_plan_file(hand: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    from optimiser.report.compare_files import add_frame

    # An officer's workbook: a notes sheet first, the plan on a sheet named
    # Plan, names stored as text (a name starting with "=" keeps its quote prefix).
    path = tmp_path / "plan.xlsx"
    book = Workbook()
    book.active.title = "Notes"
    add_frame(book.create_sheet("Plan"), plan_frame(("enterprise_lecturers", "=cmd", "", 2025, 2)))
    book.save(path)
    assert read_plan(path, load_config(hand)) == {("enterprise_lecturers", "=cmd", "", 2025): 2.0}


def saved_as_by_a_spreadsheet(path: Path, cell: bytes, saved: bytes) -> None:
    """Rewrite the first sheet of the workbook ``path`` with ``cell`` (as openpyxl writes it: a formula, no value)
    replaced by ``saved`` (as a spreadsheet program saves it: the formula and its value)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    assert parts[sheet].count(cell) == 1
    parts[sheet] = parts[sheet].replace(cell, saved)
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)


def test_a_formula_the_workbook_stores_no_value_for_is_named_not_read_as_empty(hand: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    # Written by a program that does not calculate (openpyxl): the units cell holds "=1+1" and no value.
    path = tmp_path / "plan.xlsx"
    book = Workbook()
    book.active.append(["lever", "institution", "tier", "year", "units"])
    book.active.append(["enterprise_lecturers", "'=cmd", None, 2025, "=1+1"])
    book.active.append(["secondments", "'=cmd", None, 2026, 1])
    book.save(path)
    with pytest.raises(PlanError) as raised:
        read_plan(path, load_config(hand))
    message = str(raised.value)
    assert "row 2, column units: the cell holds the formula =1+1 with no value saved in the file" in message
    assert "save it, so the value is stored with the formula, or type the value" in message
    assert "row 3" not in message  # the other row is fine
    # Saved by a spreadsheet program, the cell keeps its formula and stores its value beside it: that is read.
    saved_as_by_a_spreadsheet(path, b'<c r="E2"><f>1+1</f><v /></c>', b'<c r="E2"><f>1+1</f><v>2</v></c>')
    assert read_plan(path, load_config(hand)) == {
        ("enterprise_lecturers", "=cmd", "", 2025): 2.0, ("secondments", "=cmd", "", 2026): 1.0}


def test_a_workbook_with_empty_cells_and_no_formula_is_read_once(
    hand: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import openpyxl
    from openpyxl import Workbook

    path = tmp_path / "plan.xlsx"
    book = Workbook()
    book.active.append(["lever", "institution", "tier", "year", "units"])
    book.active.append(["enterprise_lecturers", "'=cmd", None, 2025, 2])  # the tier left empty, as written
    book.save(path)
    loads: list[bool] = []
    load = openpyxl.load_workbook

    def counted(*args: Any, **kwargs: Any) -> Any:
        loads.append(kwargs.get("data_only", False))
        return load(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", counted)
    monkeypatch.setattr("openpyxl.reader.excel.load_workbook", counted)
    assert read_plan(path, load_config(hand)) == {("enterprise_lecturers", "=cmd", "", 2025): 2.0}
    assert loads == [True]  # the values, once; no second reading for formulas
    # With a formula in the sheet, its cells are looked at (and a saved one's value read).
    book.active.append(["secondments", "'=cmd", None, 2026, "=1+1"])
    book.save(path)
    with pytest.raises(PlanError, match="the cell holds the formula =1[+]1 with no value saved"):
        read_plan(path, load_config(hand))
    assert loads == [True, True, False]


def test_a_total_row_whose_sum_has_no_saved_value_is_still_left_out(hand: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    path = tmp_path / "plan.xlsx"
    book = Workbook()
    book.active.append(["lever", "institution", "tier", "year", "units"])
    book.active.append(["enterprise_lecturers", "'=cmd", None, 2025, 2])
    book.active.append(["合计", None, None, None, "=SUM(E2:E2)"])
    book.save(path)
    with pytest.warns(UserWarning, match="row 3: the row marked '合计' is read as a total and left out"):
        assert read_plan(path, load_config(hand)) == {("enterprise_lecturers", "=cmd", "", 2025): 2.0}


def _plan_sheet(book: Any, title: str, units: float, state: str = "visible") -> None:
    sheet = book.create_sheet(title)
    sheet.append(["lever", "institution", "tier", "year", "units"])
    sheet.append(["enterprise_lecturers", "'=cmd", None, 2025, units])
    sheet.sheet_state = state


def _plan_notes(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, PlanNote)]


def test_a_hidden_sheet_is_never_read_and_a_note_names_the_sheet_that_is(
    hand: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import Workbook

    config = load_config(hand)
    path = tmp_path / "plan.xlsx"
    book = Workbook()
    book.remove(book.active)
    # An old plan kept out of sight before the plan on screen; even a hidden sheet named Plan is not read.
    _plan_sheet(book, "Old", 999999, "hidden")
    _plan_sheet(book, "Plan", 7, "veryHidden")
    _plan_sheet(book, "Current", 2)
    _plan_sheet(book, "Notes", 5)
    book.active = 2
    book.save(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert read_plan(path, config) == {("enterprise_lecturers", "=cmd", "", 2025): 2.0}
    assert _plan_notes(caught) == [
        f"{path}: the plan is read from the sheet 'Current', the first visible one, as no visible sheet is named "
        "'Plan' or '行动方案'; not read: 'Old' (hidden), 'Plan' (very hidden: only the VBA editor unhides it), "
        "'Notes'; to have another sheet read, make it visible and name it 'Plan'"
    ]
    # The command line reads the same sheet (2 lecturers keep every limit; 999,999 would not) and says which.
    assert main(["evaluate", str(hand), "--plan", str(path)]) == 0
    assert "note: " + _plan_notes(caught)[0] in capsys.readouterr().err
    # A visible sheet named Plan is read wherever it is, with no note; so is a workbook's only sheet.
    book["Plan"].sheet_state = "visible"
    book.save(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert read_plan(path, config) == {("enterprise_lecturers", "=cmd", "", 2025): 7.0}
        for title in ("Old", "Plan", "Notes"):
            book.remove(book[title])
        book.save(path)
        assert read_plan(path, config) == {("enterprise_lecturers", "=cmd", "", 2025): 2.0}
    assert _plan_notes(caught) == []


def test_a_workbook_with_no_visible_sheet_is_refused(hand: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    path = tmp_path / "plan.xlsx"
    book = Workbook()
    book.remove(book.active)
    _plan_sheet(book, "Old", 999999, "hidden")
    _plan_sheet(book, "Plan", 2)
    book.save(path)
    # Spreadsheet programs keep one sheet visible; a workbook written otherwise hides them all.
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    assert parts["xl/workbook.xml"].count(b'state="visible"') == 1
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b'state="visible"', b'state="veryHidden"')
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    with pytest.raises(PlanError) as raised:
        read_plan(path, load_config(hand))
    assert str(raised.value) == (
        f"{path}: the workbook has no visible worksheet to read the plan from (hidden sheets are never read: "
        "'Old' (hidden), 'Plan' (very hidden: only the VBA editor unhides it)); unhide the sheet that holds the plan "
        "(in Excel or WPS: right-click a sheet tab > Unhide) and save the workbook, or save the plan as CSV (UTF-8)"
    )


def test_a_spreadsheet_error_in_a_cell_is_named_not_read_as_empty(hand: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    path = tmp_path / "plan.xlsx"
    book = Workbook()
    book.active.append(["lever", "institution", "tier", "year", "units"])
    book.active.append(["enterprise_lecturers", "'=cmd", None, 2025, "#DIV/0!"])  # an error typed in
    book.active.append(["secondments", "#N/A", None, 2026, 1])
    book.active.append(["secondments", "'=cmd", None, 2025, "=1/0"])
    book.active.append(["合计", None, None, None, "#REF!"])  # a total row is left out, error or not
    book.save(path)
    # A spreadsheet program saves the error a formula gives as the formula's value.
    saved_as_by_a_spreadsheet(path, b'<c r="E4"><f>1/0</f><v /></c>', b'<c r="E4" t="e"><f>1/0</f><v>#VALUE!</v></c>')
    fix = "correct the formula in the workbook so the cell shows a value, or type the value in the cell"
    with pytest.raises(PlanError) as raised, pytest.warns(PlanNote, match="row 5: the row marked '合计' is read as a total"):
        read_plan(path, load_config(hand))
    assert str(raised.value).splitlines() == [
        f"{path}: 3 problems:",
        f"  - {path}, row 2, column units: the cell holds the spreadsheet error #DIV/0!; {fix}",
        f"  - {path}, row 3, column institution: the cell holds the spreadsheet error #N/A; {fix}",
        f"  - {path}, row 4, column units: the cell holds the spreadsheet error #VALUE!; {fix}",
    ]


def test_an_institution_named_as_a_total_is_read_and_a_total_row_is_left_out(tmp_path: Path) -> None:
    # Ten students each need 2.5 lecturers' practice hours, and the money pays for 5.
    institution = {"teachers": {"academic": 10}, "intake": {"basic": 10}}
    path = write_tiny(tmp_path, tiny_config(institutions=[{"name": "Total", **institution},
                                                          {"name": "合计", **institution}],
                                            funding__universities__per_year=60000))
    config = load_config(path)
    plan = tmp_path / "plan.csv"
    plan.write_text(
        "lever,institution,tier,year,units\n"
        "enterprise_lecturers,Total,,2025,1\n"
        "enterprise_lecturers,合计,,2025,1\n"
        "enterprise_lecturers,Sum,,2025,2\n"  # Sum is no institution: this row totals the lever
        "Total,,,,4\n",  # nor is Total a lever: this row totals them all
        encoding="utf-8",
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert read_plan(plan, config) == {("enterprise_lecturers", "Total", "", 2025): 1.0,
                                           ("enterprise_lecturers", "合计", "", 2025): 1.0}
    assert _plan_notes(caught) == [f"{plan}, row 4: the row marked 'Sum' is read as a total and left out",
                                   f"{plan}, row 5: the row marked 'Total' is read as a total and left out"]
    # The plan solve writes for them is read back whole: evaluated, it gives what solve found.
    out = tmp_path / "solved"
    assert main(["solve", str(path), "--out", str(out)]) == 0
    optimum = solve(config)
    assert optimum.plan.set_index("institution")["units"].to_dict() == pytest.approx({"Total": 2.5, "合计": 2.5})
    evaluation = evaluate(config, out / "plan.csv", optimum=optimum)
    assert evaluation.objective == pytest.approx(optimum.objective, rel=1e-6)
    assert evaluation.total_cost == pytest.approx(optimum.total_cost, rel=1e-6)


def test_solve_out_columns_and_quoted_names_are_read(hand: Path, tmp_path: Path) -> None:
    # plan.csv of solve --out has kind and cost columns and writes "=cmd" as "'=cmd".
    path = tmp_path / "plan.csv"
    path.write_text("lever,kind,institution,tier,year,units,cost\nsecondments,convert,'=cmd,,2025,1.0,10000.0\n")
    assert read_plan(path, load_config(hand)) == {("secondments", "=cmd", "", 2025): 1.0}


BAD_ROWS = [
    ("lecturers,=cmd,,2025,1", r"plan\.csv, row 2, column lever: unknown lever 'lecturers'; did you mean 'enterprise_lecturers'\?"),
    ("secondments,Nowhere,,2025,1", r"row 2, column institution: unknown institution 'Nowhere'; valid institutions: =cmd"),
    ("secondments,=cmd,basic,2025,1", r"row 2, column tier: tier 'basic' given for lever 'secondments', which is not a tuition subsidy; leave the tier cell empty"),
    ("tuition_subsidies,=cmd,,2026,1", r"row 2, column tier: no tier given for subsidy lever 'tuition_subsidies'; write one of: basic"),
    ("tuition_subsidies,=cmd,senior,2026,1", r"row 2, column tier: unknown tier 'senior'; valid tiers: basic"),
    ("secondments,=cmd,,2031,1", r"row 2, column year: year 2031 is outside the horizon 2025-2026; write a year in 2025-2026"),
    ("secondments,=cmd,,next,1", r"row 2, column year: 'next' is not a year; write a year in 2025-2026"),
    ("secondments,=cmd,,2025.5,1", r"row 2, column year: '2025.5' is not a whole year; write a year in 2025-2026"),
    ("secondments,=cmd,,2025,abc", r"row 2, column units: 'abc' is not a number"),
    ("secondments,=cmd,,2025,-1", r"row 2, column units: negative units -1; .*cannot be negative"),
    ("secondments,=cmd,,2025,nan", r"row 2, column units: 'nan' is not a finite number"),
    ("secondments,=cmd,,2025,", r"row 2, column units: the units cell is empty; write a number \(0 for none\) or delete the row"),
]


@pytest.mark.parametrize(("row", "message"), BAD_ROWS)
def test_every_plan_error_names_file_row_column_and_value(hand: Path, tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "plan.csv"
    path.write_text(f"lever,institution,tier,year,units\n{row}\n")
    with pytest.raises(PlanError, match=message):
        read_plan(path, load_config(hand))


def test_units_before_available_from_break_a_lever_limit(hand: Path, tmp_path: Path) -> None:
    # docs/model.md: u = 0 before available_from is a lever limit, so a plan that
    # uses the subsidy in 2025 (available from 2026) breaks it by 1 place.
    path = tmp_path / "plan.csv"
    path.write_text("lever,institution,tier,year,units\ntuition_subsidies,=cmd,basic,2025,1\n")
    evaluation = evaluate(load_config(hand), path)
    assert not evaluation.feasible
    row = evaluation.violations[evaluation.violations["config_path"] == "levers.tuition_subsidies.available_from"].iloc[0]
    assert row["amount"] == 1.0 and row["year"] == 2025
    assert "1 units planned before the lever is available (2026)" in row["message"]


def test_plan_errors_tier_rules(tmp_path: Path) -> None:
    config = load_config(write_tiny(tmp_path, tier_rules_config(), "tiers.yaml"))
    path = tmp_path / "plan.csv"
    path.write_text(
        "lever,institution,tier,year,units\n"
        "tuition_subsidies,Solo,basic,2025,1\n"
        "tuition_subsidies,Other,senior,2025,1\n"
        "senior_grants,Solo,senior,2025,1\n"
        "senior_grants,Other,senior,2025,1\n"
    )
    with pytest.raises(PlanError) as err:
        read_plan(path, config)
    lines = str(err.value).splitlines()
    assert lines[0] == f"{path}: 3 problems:"
    assert lines[1] == (
        f"  - {path}, row 2, column institution: lever 'tuition_subsidies' does not apply to 'Solo'; "
        "it applies to Other (levers.tuition_subsidies.institutions); delete the row"
    )
    assert lines[2] == (
        f"  - {path}, row 3, column tier: lever 'tuition_subsidies' does not subsidise tier 'senior' "
        "(levers.tuition_subsidies.tiers); use one of: basic"
    )
    assert lines[3] == (
        f"  - {path}, row 4, column tier: 'Solo' does not offer tier 'senior' (institutions.Solo.tiers); "
        "delete the row: the lever subsidises no tier offered there"
    )


def test_duplicate_rows_and_missing_columns(hand: Path, tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("lever,institution,tier,year,units\nsecondments,=cmd,,2025,1\n\nsecondments,=cmd,,2025,2\n")
    with pytest.raises(PlanError, match=r"row 4: repeats row 2 \(secondments, =cmd, 2025\); merge the two rows"):
        read_plan(path, load_config(hand))
    path.write_text("lever,institution,year\nsecondments,=cmd,2025\n")
    with pytest.raises(PlanError, match=r"plan\.csv: missing column units \(found: lever, institution, year\)"):
        read_plan(path, load_config(hand))
    with pytest.raises(PlanError, match=r"nothere\.csv: plan file not found"):
        read_plan(tmp_path / "nothere.csv", load_config(hand))


@pytest.mark.parametrize(("header", "column", "first", "second"), [
    ("lever,institution,tier,year,units,units", "units", "'units' (column 5)", "'units' (column 6)"),
    ("lever,institution,tier,year,units, Units ", "units", "'units' (column 5)", "'Units' (column 6)"),
    ("Lever,institution,tier,year,units,LEVER", "lever", "'Lever' (column 1)", "'LEVER' (column 6)"),
])
def test_a_plan_column_given_twice_is_refused(
    hand: Path, tmp_path: Path, header: str, column: str, first: str, second: str
) -> None:
    # Whichever copy were read, the other would be silently ignored.
    path = tmp_path / "plan.csv"
    path.write_text(f"{header}\nenterprise_lecturers,'=cmd,,2025,2,0\n")
    with pytest.raises(PlanError) as raised:
        read_plan(path, load_config(hand))
    assert str(raised.value) == (
        f"{path}: column {column!r} is given twice in the header, as {first} and {second}; keep one")


def test_a_plan_column_given_twice_in_a_workbook_or_a_table_is_refused(hand: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    from optimiser.i18n import language
    from optimiser.report.xlsx import header

    with language("zh"):
        units = header("units")  # the heading a Chinese workbook gives the units column
    path = tmp_path / "plan.xlsx"
    book = Workbook()
    book.active.append(["lever", "institution", "tier", "year", "units", units])
    book.active.append(["enterprise_lecturers", "'=cmd", None, 2025, 2, 0])
    book.save(path)
    with pytest.raises(PlanError) as raised:
        read_plan(path, load_config(hand))
    assert str(raised.value) == (
        f"{path}: column 'units' is given twice in the header, as 'units' (column 5) and {units!r} (column 6); "
        "keep one")
    table = pd.DataFrame([["enterprise_lecturers", "=cmd", "", 2025, 2, 0]],
                         columns=["lever", "institution", "tier", "year", "units", "units"])
    with pytest.raises(PlanError, match=r"^plan table: column 'units' is given twice in the header, as 'units' "
                                        r"\(column 5\) and 'units' \(column 6\); keep one$"):
        evaluate(load_config(hand), table)


def test_fractional_units_of_an_integer_lever(hand: Path) -> None:
    config = load_config(hand).with_changes({"levers.enterprise_lecturers.integer": True})
    ev = evaluate(config, plan_frame(("enterprise_lecturers", "=cmd", "", 2025, 1.5)))
    (row,) = ev.violations.itertuples(index=False)
    assert row.message == "levers.enterprise_lecturers.integer at =cmd in 2025: 1.5 is not a whole number"


# -- the command line ------------------------------------------------------------------


def test_cli_exit_codes_and_json(hand: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.csv"
    good.write_text("lever,institution,tier,year,units\nenterprise_lecturers,=cmd,,2025,2\n")
    assert main(["evaluate", str(hand), "--plan", str(good), "--json"]) == 0
    data = json.loads(capfd.readouterr().out)  # one object and nothing else on stdout
    assert data["feasible"] is True and data["violations"] == []
    assert data["objective"] == pytest.approx(28.0)
    assert data["optimum_objective"] is not None

    over = tmp_path / "over.csv"
    over.write_text("lever,institution,tier,year,units\nenterprise_lecturers,=cmd,,2025,3\n")
    assert main(["evaluate", str(hand), "--plan", str(over), "--json"]) == 3
    data = json.loads(capfd.readouterr().out)
    assert data["feasible"] is False
    assert data["violations"] == [{
        "constraint": "universities funding", "kind": "funding_cap", "config_path": "funding.universities.per_year",
        "institution": None, "year": 2025, "amount": pytest.approx(12000.0), "unit": "yuan",
        "limit": 24000.0, "value": pytest.approx(36000.0),
        "message": "universities funding in 2025 exceeded by 12,000 yuan (limit 24,000 yuan)",
    }]

    assert main(["evaluate", str(hand), "--plan", str(over)]) == 3
    out = capfd.readouterr().out
    assert "feasible: no, 1 limit broken:\n  - universities funding in 2025 exceeded by 12,000 yuan" in out
    assert "best output the plan can deliver: 32.0 weighted compound graduates" in out

    bad = tmp_path / "bad.csv"
    bad.write_text("lever,institution,tier,year,units\nsecondments,=cmd,,2025,lots\n")
    assert main(["evaluate", str(hand), "--plan", str(bad), "--json"]) == 2
    captured = capfd.readouterr()
    assert captured.out == ""
    assert f"invalid plan: {bad}, row 2, column units: 'lots' is not a number" in captured.err


def test_cli_out_writes_files(hand: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    over = tmp_path / "over.csv"
    over.write_text("lever,institution,tier,year,units\nenterprise_lecturers,=cmd,,2025,3\n")
    out = tmp_path / "ev"
    assert main(["evaluate", str(hand), "--plan", str(over), "--out", str(out), "--json"]) == 3
    capfd.readouterr()
    assert {p.name for p in out.iterdir()} == {"summary.json", "violations.csv", "plan.csv", "funding.csv", "outputs.csv",
                                               "teachers.csv", "bottlenecks.csv", "commitments.csv"}
    violations = pd.read_csv(out / "violations.csv")
    assert violations["amount"].tolist() == pytest.approx([12000.0])
    plan = pd.read_csv(out / "plan.csv", keep_default_na=False)
    assert set(plan["institution"]) == {"'=cmd"}  # a name, never a formula
