"""The shipped configs load, solve, and show what they were calibrated to show."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pandas as pd
import pytest

from optimiser import Config, Status, load_config, solve
from optimiser.config.load import locations_of
from optimiser.model import build_model
from optimiser.results import Result, build_result
from optimiser.solve.engine import run

from ..conftest import CONFIGS

ALL = sorted(CONFIGS.glob("*.yaml"))


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_every_shipped_config_and_scenario_solves(path: Path) -> None:
    config = load_config(path)
    for name in ["base", *config.scenarios]:
        result = solve(config.scenario(name))
        assert result.status is Status.OPTIMAL, (path.name, name, [str(d) for d in result.diagnosis])


def test_where_each_key_was_written_travels_with_the_config_but_is_no_part_of_its_value() -> None:
    path = CONFIGS / "zhejiang.yaml"
    config = load_config(path)
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text.startswith("discount_rate:"))
    assert locations_of(config)[("discount_rate",)] == (str(path), line)
    for derived in (config.with_changes({"discount_rate": 0.01}), pickle.loads(pickle.dumps(config))):
        assert locations_of(derived) == locations_of(config)
    # A scenario's value was written in its set entry: its key is found there, every other key where it was.
    scenario = locations_of(config.scenario("austerity"))
    changed = ("funding", "government", "per_year")
    assert scenario[changed] == locations_of(config)[("scenarios", "austerity", "set", "funding.government.per_year")]
    assert scenario[changed] != locations_of(config)[changed]
    assert {k: v for k, v in scenario.items() if k != changed} == {k: v for k, v in locations_of(config).items() if k != changed}
    assert config.scenario("austerity").scenario_name == "austerity"
    assert pickle.loads(pickle.dumps(config)) == config
    moved = Config(**{**vars(config), "_locations": {}})
    assert moved == config and repr(moved) == repr(config) and not locations_of(moved)


LEVERS = {"enterprise_lecturers", "secondments", "retraining", "recruitment", "training_bases", "tuition_subsidies"}


@pytest.fixture(scope="module")
def zhejiang_result() -> Result:
    return solve(load_config(CONFIGS / "zhejiang.yaml"))


def test_zhejiang_budget_binds_and_uses_every_lever(zhejiang_result: Result) -> None:
    config = load_config(CONFIGS / "zhejiang.yaml")
    result = zhejiang_result
    spend = result.spend_by_lever()
    assert set(spend) == LEVERS
    assert all(amount > 1_000_000 for amount in spend.values()), spend
    available = sum(source.per_year.at(t) for source in config.funding.values() for t in config.years)
    # The optimum spends it all (its funding caps bind: their shadow prices below);
    # the steadier plan returned (smooth: 0.01) spends a little less.
    assert 0.99 * available <= result.total_cost <= available + 1.0
    caps = result.constraints[result.constraints["kind"] == "funding_cap"]
    assert (caps["shadow_price"] > 0).all()


def baseline_result(config: Config) -> Result:
    """The do-nothing baseline programme (docs/model.md), solved with its tables."""
    model = build_model(config, baseline=True)
    return build_result(model, run(model), {}, [])


def test_zhejiang_header_figures_of_the_baseline() -> None:
    # The figures stated in the header of configs/zhejiang.yaml ("What it shows").
    config = load_config(CONFIGS / "zhejiang.yaml")
    base = baseline_result(config)
    assert base.objective == pytest.approx(16_137, abs=1)
    outputs = base.outputs
    share = outputs["compound"].sum() / (outputs["compound"].sum() + outputs["single_skill"].sum())
    assert share < 0.5
    assert share == pytest.approx(0.476, abs=0.001)
    # Teachers, not seats, bind: a "no practical experience" / "no
    # practical-training skill" price in every institution-year, seats in none.
    table = base.bottlenecks
    assert len(table) == 18
    assert (table["practice"] & table["training"]).all()
    assert not table["seats_binding"].any()
    # Turnover erodes the baseline: basic compound graduates fall every year.
    basic = outputs[outputs["tier"] == "basic"].groupby("year")["compound"].sum()
    assert basic[2025] == pytest.approx(2_016, abs=1)
    assert basic[2030] == pytest.approx(1_596, abs=1)
    assert (basic.diff().dropna() < 0).all()


def test_zhejiang_header_figures_of_the_optimum(zhejiang_result: Result) -> None:
    summary = zhejiang_result.summary
    assert zhejiang_result.objective == pytest.approx(31_239, abs=1)
    assert summary["baseline_output"] == pytest.approx(16_137, abs=1)
    # smooth: 0.01 gives up 1% of the optimum for a steady plan.
    assert summary["output_given_up"] == pytest.approx(312, abs=1)
    assert summary["weighted_output"] == pytest.approx(30_927, abs=1)
    assert summary["added_output"] == pytest.approx(14_790, abs=1)
    assert zhejiang_result.total_cost == pytest.approx(95.44e6, rel=1e-3)
    assert summary["cost_per_added_graduate"] == pytest.approx(6_453, abs=1)
    assert summary["cost_per_compound_graduate"] == pytest.approx(3_250, abs=1)
    assert summary["cost_per_added_graduate"] > 1.9 * summary["cost_per_compound_graduate"]
    outputs = zhejiang_result.outputs
    share = outputs["compound"].sum() / (outputs["compound"].sum() + outputs["single_skill"].sum())
    assert share == pytest.approx(0.91, abs=0.005)
    plan = zhejiang_result.plan
    units = plan.groupby(["lever", "year"])["units"].sum()
    # Every lever is used.
    assert set(plan.loc[plan["units"] > 1e-6, "lever"]) == set(load_config(CONFIGS / "zhejiang.yaml").levers)
    # Every "three no" teacher of the colleges and applied universities is retrained by 2028 ...
    teachers = zhejiang_result.teachers
    three_no = teachers[
        (teachers["group"] == "three_no")
        & (teachers["year"] >= 2028)
        & (teachers["institution"] != "Research universities")
    ]
    assert (three_no["teachers"].abs() < 1e-6).all()
    # ... recruits come in 2025-2027, lecturers stay between 170 and 190 a year,
    # subsidised places are 758 a year, then 1,125 from 2028.
    assert units["recruitment"].loc[[2025, 2026, 2027]].gt(1).all()
    assert units["recruitment"].loc[[2028, 2029, 2030]].abs().max() < 1e-6
    assert units["enterprise_lecturers"].between(170, 190).all()
    assert units["tuition_subsidies"].loc[[2025, 2026, 2027]].to_numpy() == pytest.approx([757.8] * 3, abs=0.1)
    assert units["tuition_subsidies"].loc[[2028, 2029, 2030]].to_numpy() == pytest.approx([1124.9] * 3, abs=0.1)


def test_zhejiang_has_three_institution_groups_and_scenarios() -> None:
    config = load_config(CONFIGS / "zhejiang.yaml")
    names = " ".join(inst.name.lower() for inst in config.institutions)
    for group in ("vocational", "applied", "research"):
        assert group in names
    assert {"austerity", "dq_target_2028"} <= set(config.scenarios)
    assert config.scenario("austerity").funding["government"].per_year.at(2025) == pytest.approx(
        config.funding["government"].per_year.at(2025) / 2
    )
    assert solve(config.scenario("austerity")).objective < solve(config).objective


def test_zhejiang_figures_carry_their_source() -> None:
    # Every numeric value line carries a comment: a source or "assumption:".
    lines = (CONFIGS / "zhejiang.yaml").read_text(encoding="utf-8").splitlines()
    numeric = [line for line in lines if re.match(r"^\s*[\w.]+:\s*[-\d.{]", line) and not line.strip().startswith("#")]
    uncommented = [line for line in numeric if "#" not in line]
    assert len(uncommented) <= len(numeric) // 10, uncommented[:10]


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_a_comment_that_says_1_in_n_matches_its_share(path: Path) -> None:
    """``share: 0.08  # ... 1 in 12 ...``: the comment's 1 in N is the share, to the nearest whole N."""
    found = re.findall(r"^\s*\w+: (0\.\d+)\s+#.*?\b1 in (\d+)\b", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert found, "no share with a '1 in N' comment: the pattern no longer matches the configs"
    for share, count in found:
        assert round(1 / float(share)) == int(count), (share, count)


def test_min_cost_config_reaches_its_targets() -> None:
    config = load_config(CONFIGS / "zhejiang_min_cost.yaml")
    assert config.objective.mode == "min_cost"
    result = solve(config)
    # The most-output tie-break and the smoothing stage may spend up to 1e-7
    # of the least cost plus one yuan (docs/model.md, objective).
    assert result.objective <= result.total_cost <= result.objective * (1 + 1e-7) + 1.0 + 1e-6
    reached = result.compound_output()
    for tier, series in config.objective.targets.items():
        for year in config.years:
            assert reached[tier][year] >= series.at(year) - 1e-6


def test_csv_config_reads_institutions_from_file() -> None:
    config = load_config(CONFIGS / "institutions_csv.yaml")
    assert config.raw["institutions"][0]["name"] == config.institutions[0].name
    assert len(config.institutions) == 8


ABSOLUTE_PATH = re.compile(r"(?:^|(?<=[\s\"'(=]))/(?:[\w.-]+/)+[\w.-]*", re.MULTILINE)
"""A path from the root of a file system (not a URL, a fraction or "and/or")."""
MARKDOWN_FILE = re.compile(r"[\w./-]*\b[\w-]+\.md\b")


def test_no_config_or_doc_cites_a_file_outside_the_project() -> None:
    root = CONFIGS.parent
    files = [*CONFIGS.iterdir(), *(root / "docs").rglob("*.md")]
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not ABSOLUTE_PATH.search(text), (path.name, ABSOLUTE_PATH.search(text))
        # Every document named is one of the project's own (from the repository root or beside the file).
        for name in MARKDOWN_FILE.findall(text):
            candidates = [root / name, path.parent / name, root / "docs" / Path(name).name, root / Path(name).name]
            assert any(c.is_file() for c in candidates), (path.name, name)


def test_sources_page_lists_the_figures_the_configs_use() -> None:
    text = (CONFIGS.parent / "docs" / "sources.md").read_text(encoding="utf-8")
    for citation in ("国发〔2019〕4号", "教发〔2004〕2号", "教职成〔2019〕13号", "China Youth Daily", "OALib"):
        assert citation in text, citation
    for figure in ("18,000", "9,000", "56.18%", "18:1", "1/4", "12,000"):
        assert figure in text, figure


def subsidised_over_cohort(result: Result, config: Config) -> float:
    """Largest excess of subsidised places over their cohort, (1 - induced)·u - E0."""
    worst = -float("inf")
    plan = result.plan[result.plan["kind"] == "subsidise"]
    if plan.empty:
        return worst
    places = plan.groupby(["institution", "tier", "year"])["units"].sum()
    induced = plan.assign(
        extra=[config.levers[lever].induced_intake * units for lever, units in zip(plan["lever"], plan["units"])]
    ).groupby(["institution", "tier", "year"])["extra"].sum()
    intake = {(inst.name, k): inst.intake.get(k, 0.0) for inst in config.institutions for k in config.tiers}
    for (inst, tier, year), u in places.items():
        worst = max(worst, u - (intake[(inst, tier)] + induced[(inst, tier, year)]))
    return worst


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_subsidised_places_never_exceed_their_cohort(path: Path) -> None:
    config = load_config(path)
    for name in ["base", *config.scenarios]:
        scenario = config.scenario(name)
        result = solve(scenario)
        assert result.status is Status.OPTIMAL
        assert subsidised_over_cohort(result, scenario) <= 1e-6, (path.name, name)


def yearly_subsidised_places(result: Result, config: Config) -> pd.Series:
    plan = result.plan[result.plan["lever"] == "tuition_subsidies"]
    return plan.groupby("year")["units"].sum().reindex(list(config.years), fill_value=0.0)


def test_zhejiang_smoothing_share_halves_the_largest_swing(zhejiang_result: Result) -> None:
    config = load_config(CONFIGS / "zhejiang.yaml")
    assert config.objective.smooth == 0.01
    swinging = solve(config.with_changes({"objective.smooth": True}))
    swing = yearly_subsidised_places(swinging, config).diff().abs().max()
    steady_swing = yearly_subsidised_places(zhejiang_result, config).diff().abs().max()
    assert swing > 1000  # the header's ~1,250
    assert steady_swing <= swing / 2, (swing, steady_swing)
    assert steady_swing == pytest.approx(367, abs=1)  # the header's ~370
    given_up = zhejiang_result.summary["output_given_up"]
    assert 0 < given_up <= 0.01 * zhejiang_result.objective * (1 + 1e-6)
    assert zhejiang_result.summary["weighted_output"] == pytest.approx(zhejiang_result.objective - given_up, rel=1e-6)
    assert "weighted graduates given up" in str(zhejiang_result)


def test_zhejiang_smooth_true_keeps_the_optimum_and_its_cost() -> None:
    config = load_config(CONFIGS / "zhejiang.yaml")
    plain = solve(config.with_changes({"objective.smooth": False}))
    smooth = solve(config.with_changes({"objective.smooth": True}))
    assert smooth.objective == pytest.approx(plain.objective, rel=1e-7)
    assert smooth.summary["weighted_output"] >= plain.objective * (1 - 1e-7) - 1e-6
    # docs/model.md, the smoothing stage: cost <= cheapest * (1 + 1e-7) + 1 yuan
    # (plus the solver's feasibility tolerance, 1e-7 of a thousand yuan).
    assert abs(smooth.total_cost - plain.total_cost) <= 1e-7 * plain.total_cost + 1.0 + 1e-3
    # With nothing given up, steadiness costs no money beyond the tolerance, and no solve is run to say so.
    assert smooth.summary["steadiness_cost"] is None
    assert "steadiness_cost" not in smooth.summary["stage_seconds"]


def test_zhejiang_states_the_money_its_steadier_plan_spends(zhejiang_result: Result) -> None:
    # smooth: 0.01 keeps the full optimum's cost cap (docs/model.md), so the steadier plan may spend money that
    # a less steady plan with its output saves. The least cost of that output, found independently: with a
    # total budget of the plan's cost less the stated amount, the plain optimum (smooth: false) still reaches
    # the plan's output; with 10,000 yuan less it cannot.
    summary = zhejiang_result.summary
    extra = summary["steadiness_cost"]
    assert extra == pytest.approx(12.72e6, rel=1e-3)
    least = zhejiang_result.total_cost - extra
    plain = load_config(CONFIGS / "zhejiang.yaml").with_changes({"objective.smooth": False})
    enough = solve(plain.with_changes({"total_budget": least + 1.0}))
    short = solve(plain.with_changes({"total_budget": least - 10_000.0}))
    assert enough.objective >= summary["weighted_output"] * (1 - 1e-7)
    assert short.objective < summary["weighted_output"] * (1 - 1e-6)
    assert f"and {extra:,.0f} yuan spent for steadiness: the cheapest plan with the same output" in str(zhejiang_result)
    assert summary["stage_seconds"]["steadiness_cost"] >= 0.0


def test_a_one_year_horizon_gives_nothing_up_and_spends_nothing_for_steadiness() -> None:
    # One year has no year-to-year change to smooth: the stage only settles ties, within the tie-break's
    # tolerance (output within 1e-7 of the optimum, cost within 1e-7 and one yuan of the cheapest). What it
    # moves is round-off (0.0003 graduates, 35 yuan measured against an output floor 1e-7 lower): none is
    # reported, no solve is run to price it, and sensitivity says no plan gave output up.
    from optimiser import sensitivity

    result = solve(load_config(CONFIGS / "zhejiang.yaml").with_changes({"horizon.years": 1}))
    summary = result.summary
    assert summary["smoothing"] == 0.01 and summary["smoothing_applied"]
    assert summary["weighted_output"] >= result.objective * (1 - 1e-7)
    assert summary["output_given_up"] == 0.0
    assert summary["steadiness_cost"] == 0.0
    assert "steadiness_cost" not in summary["stage_seconds"]
    text = str(result)
    assert "steadier plan (smooth: 0.01): 0.00 weighted graduates given up" in text
    assert "spent for steadiness" not in text
    note = sensitivity(result).to_dict()["note"]
    assert "gives up" not in note and "(its tie-break tolerance or another optimal plan)" in note


def test_a_whole_unit_plan_times_its_stages_and_says_its_steadiness_cost_is_not_computed() -> None:
    result = solve(load_config(CONFIGS / "zhejiang.yaml"), integer=True)
    summary = result.summary
    assert list(summary["stage_seconds"]) == ["main", "tie_break", "smoothing", "shadow_prices", "baseline"]
    within = sum(seconds for stage, seconds in summary["stage_seconds"].items() if stage != "baseline")
    assert 0.5 * summary["solve_seconds"] <= within <= summary["solve_seconds"] + 1e-6
    # smooth: 0.01 gives output up; the least cost of that output in whole units is another integer search.
    assert summary["output_given_up"] > 0
    assert summary["steadiness_cost"] is None
    assert ("the money spent for steadiness is not computed for a whole-unit plan: the least cost of its output "
            "in whole units would take another integer search") in summary["notes"]
