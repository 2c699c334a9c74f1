"""Monte Carlo: hand-derived worlds, the fast path against optimiser.solve, reproducibility, CLI."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from optimiser import ConfigError, PlanError, load_config, solve
from optimiser.analysis.montecarlo import (
    _valid_box,
    covering_corners,
    elastic_outcome,
    monte_carlo,
    reference_outcome,
)
from optimiser.cli import main
from optimiser.config.uncertainty import parse_uncertainty, probe_values, without_uncertainty

from ..tiny import tiny_config, write_tiny

ROOT = Path(__file__).resolve().parents[2]
UNCERTAIN = ROOT / "configs" / "zhejiang_uncertain.yaml"
LECTURERS = ("enterprise_lecturers", "College", "", 2025)

# The tiny config (tests/tiny.py): one year, one tier of duration 1 needing 30
# knowledge and 30 practice hours per student (class size 1), ten academic
# teachers (3,000 knowledge hours: room for 100 students, the intake), and
# enterprise lecturers of 120 practice hours at 12,000 yuan from 24,000 yuan.
# A lecturer at cost c lets 120 / 30 = 4 students be fully trained.
COST = "levers.enterprise_lecturers.cost"
HOURS = "teacher_groups.enterprise_lecturer.hours"


def tiny(tmp_path: Path, section: dict[str, Any], **changes: Any) -> Any:
    raw = tiny_config(**changes)
    raw["uncertainty"] = section
    return load_config(write_tiny(tmp_path, raw, "mc.yaml"))


def test_reoptimised_output_is_96000_over_cost(tmp_path: Path) -> None:
    # 24,000 yuan buy 24,000 / c lecturers, each training 4 students: 96,000 / c graduates.
    config = tiny(tmp_path, {COST: {"dist": "uniform", "low": 10000, "high": 16000}})
    mc = monte_carlo(config, draws=40, seed=3)
    cost = mc.draws[COST].to_numpy()
    assert mc.summary["method"] == "affine"
    assert (mc.draws["status"] == "optimal").all()
    assert np.allclose(mc.draws["objective"], 96000 / cost, rtol=1e-9)
    # The plan reported is the cheapest within 1e-7 of the optimum (the tie-break), as solve() reports it.
    assert np.allclose(mc.draws["compound_basic"], 96000 / cost, rtol=1e-6)
    assert np.allclose(mc.draws["compound_2025"], 96000 / cost, rtol=1e-6)
    assert np.allclose(mc.draws["total_cost"], 24000, rtol=1e-7)
    assert mc.percentiles.loc["objective", "p50"] == pytest.approx(np.percentile(96000 / cost, 50))
    assert list(mc.percentiles.columns) == ["p5", "p25", "p50", "p75", "p95", "mean"]
    assert list(mc.fan().index) == [2025]


def test_fixed_plan_over_budget_by_twice_the_cost_rise(tmp_path: Path) -> None:
    # Two lecturers cost 2c against 24,000 yuan: within budget up to c = 12,000,
    # above it the overspend is 2c - 24,000; the plan trains 8 students either way.
    config = tiny(tmp_path, {COST: {"dist": "uniform", "low": 10000, "high": 16000}})
    mc = monte_carlo(config, draws=60, seed=1, plan={LECTURERS: 2})
    cost = mc.draws[COST].to_numpy()
    over = cost > 12000
    assert 0 < over.sum() < len(cost)
    assert (mc.draws["status"] == np.where(over, "over_budget", "optimal")).all()
    assert np.allclose(mc.draws["overspend"], np.where(over, 2 * cost - 24000, 0.0), atol=1e-3)
    assert (mc.draws.loc[over, "violated"] == "funding_cap").all()
    assert np.allclose(mc.draws["objective"], 8.0)
    assert np.allclose(mc.draws["total_cost"], 2 * cost, rtol=1e-9)


def test_fixed_plan_output_follows_lecturer_hours(tmp_path: Path) -> None:
    # Two lecturers of h hours train 2h / 30 students.
    config = tiny(tmp_path, {HOURS: {"dist": "triangular", "low": 90, "mode": 120, "high": 150}})
    mc = monte_carlo(config, draws=30, seed=2, plan={LECTURERS: 2})
    assert np.allclose(mc.draws["objective"], 2 * mc.draws[HOURS] / 30, rtol=1e-9)
    assert (mc.draws["status"] == "optimal").all()


def test_min_cost_plan_misses_its_target_when_lecturers_teach_less(tmp_path: Path) -> None:
    # Target 8 graduates; two lecturers of h hours train 2h / 30, so the target holds only for h >= 120.
    config = tiny(
        tmp_path, {HOURS: {"dist": "uniform", "low": 90, "high": 150}},
        objective={"mode": "min_cost", "targets": {"basic": 8}},
    )
    mc = monte_carlo(config, draws=40, seed=5, plan={LECTURERS: 2})
    hours = mc.draws[HOURS].to_numpy()
    short = 2 * hours / 30 < 8
    assert 0 < short.sum() < len(hours)
    assert (mc.draws["status"] == np.where(short, "violates", "optimal")).all()
    assert (mc.draws.loc[short, "violated"] == "target").all()
    assert np.allclose(mc.draws["objective"], 24000)  # min_cost: the objective is the plan's cost
    assert np.allclose(mc.draws["compound_basic"], 2 * hours / 30, rtol=1e-7)


def test_whole_lecturers_reoptimised(tmp_path: Path) -> None:
    # Whole lecturers: two while c <= 12,000 (8 graduates), else one (4 graduates).
    config = tiny(tmp_path, {COST: {"dist": "uniform", "low": 10000, "high": 16000}},
                  levers__enterprise_lecturers__integer=True)
    mc = monte_carlo(config, draws=30, seed=4)
    cost = mc.draws[COST].to_numpy()
    units = np.where(cost <= 12000, 2, 1)
    assert np.allclose(mc.draws["objective"], 4 * units)
    assert np.allclose(mc.draws["total_cost"], units * cost, rtol=1e-7)


def test_values_that_only_fit_apart_are_invalid_draws(tmp_path: Path) -> None:
    # Each range alone is valid (intake <= 150, max_intake >= 100); together a draw may put intake above the cap.
    config = tiny(
        tmp_path,
        {
            "institutions.College.intake.basic": {"dist": "uniform", "low": 50, "high": 140},
            "institutions.College.max_intake.basic": {"dist": "uniform", "low": 120, "high": 200},
        },
        institutions__0__max_intake={"basic": 150},
    )
    mc = monte_carlo(config, draws=80, seed=0)
    intake = mc.draws["institutions.College.intake.basic"]
    cap = mc.draws["institutions.College.max_intake.basic"]
    invalid = (intake > cap).to_numpy()
    assert 0 < invalid.sum() < len(intake)
    assert (mc.draws["status"] == np.where(invalid, "invalid", "optimal")).all()
    assert mc.draws.loc[invalid, "note"].str.contains("max_intake").all()
    assert mc.draws.loc[invalid, "objective"].isna().all()
    # Percentiles count only draws with numbers: 8 graduates in every valid world.
    assert mc.percentiles.loc["objective", "p5"] == pytest.approx(8.0)


@pytest.mark.parametrize("keys", [1, 3, 5, 8, 13, 20])
def test_covering_corners_hold_every_combination_of_ends_of_any_three_keys(keys: int) -> None:
    corners = covering_corners(keys, 3)
    assert set(np.unique(corners)) <= {0, 1}
    for subset in itertools.combinations(range(keys), min(keys, 3)):
        assert len({tuple(row) for row in corners[:, list(subset)]}) == 2 ** len(subset)
    if keys > 3:
        assert len(corners) < 2**keys
    assert np.array_equal(corners, covering_corners(keys, 3))  # always the same corners


FIVE_KEYS = {
    "institutions.College.intake.basic": {"dist": "uniform", "low": 50, "high": 140},
    COST: {"dist": "uniform", "low": 10000, "high": 16000},
    HOURS: {"dist": "uniform", "low": 100, "high": 140},
    "teacher_groups.academic.hours": {"dist": "uniform", "low": 290, "high": 310},
    "institutions.College.max_intake.basic": {"dist": "uniform", "low": 120, "high": 200},
}


def test_keys_that_only_fit_apart_among_five_make_the_box_invalid(tmp_path: Path) -> None:
    # Five keys: the box is checked on 12 of its 32 corners; the first and last keys clash only together
    # (intake above max_intake), so the box is refused and every draw is validated as the plain path does.
    config = tiny(tmp_path, FIVE_KEYS, institutions__0__max_intake={"basic": 150})
    base = without_uncertainty(config)
    keys = parse_uncertainty(config)
    reach = [probe_values(spec)[:2] for spec in keys]
    paths = tuple(spec.path for spec in keys)
    assert len(covering_corners(len(paths), 3)) < 2 ** len(paths)
    assert _valid_box(base, paths, reach, draws=100) is None
    mc = monte_carlo(config, draws=60, seed=4)
    invalid = (mc.draws["institutions.College.intake.basic"] > mc.draws["institutions.College.max_intake.basic"])
    assert 0 < invalid.sum() < len(invalid)
    assert (mc.draws["status"] == np.where(invalid, "invalid", "optimal")).all()
    # Without the clash (the cap never below the intake) the same five keys give a valid box.
    apart = dict(FIVE_KEYS, **{"institutions.College.max_intake.basic": {"dist": "uniform", "low": 140, "high": 200}})
    config = tiny(tmp_path, apart, institutions__0__max_intake={"basic": 150})
    box = _valid_box(without_uncertainty(config), paths, [probe_values(spec)[:2] for spec in parse_uncertainty(config)],
                     draws=100)
    assert box is not None
    assert np.allclose(box[0], [50, 10000, 100, 290, 140]) and np.allclose(box[1], [140, 16000, 140, 310, 200])


def test_non_proportional_key_is_rebuilt_per_draw(tmp_path: Path) -> None:
    # Practice hours per student are 30 / class size (not proportional): two lecturers train 8 * size students.
    config = tiny(tmp_path, {"courses.practice.class_size": {"dist": "uniform", "low": 1, "high": 2}})
    mc = monte_carlo(config, draws=10, seed=6)
    assert mc.summary["method"] == "rebuild"
    assert np.allclose(mc.draws["objective"], 8 * mc.draws["courses.practice.class_size"], rtol=1e-9)


def test_rebuilt_worlds_of_a_fixed_plan_are_judged_as_the_plain_path_judges_them(tmp_path: Path) -> None:
    # Class size is not proportional, so every world is built anew; each is then solved without what the plan
    # decides (the lecturers' column), and must get the verdict of the plain elastic solve through PuLP.
    section = {"courses.practice.class_size": {"dist": "uniform", "low": 1, "high": 2},
               COST: {"dist": "uniform", "low": 10000, "high": 16000}}
    config = tiny(tmp_path, section)
    mc = monte_carlo(config, draws=12, seed=3, plan={LECTURERS: 2})
    assert mc.summary["method"] == "rebuild"
    base = without_uncertainty(config)
    for row in mc.draws.to_dict("records"):
        world = base.with_changes({path: row[path] for path in section})
        plain = elastic_outcome(world, {LECTURERS: 2})
        assert row["status"] == plain.status
        assert row["objective"] == pytest.approx(plain.objective, rel=1e-9)
        assert row["total_cost"] == pytest.approx(plain.total_cost, rel=1e-9)
        assert row["overspend"] == pytest.approx(plain.overspend, rel=1e-6, abs=1e-3)
    assert set(mc.draws["status"]) == {"optimal", "over_budget"}


@pytest.fixture(scope="module")
def zhejiang_runs() -> dict[str, Any]:
    config = load_config(UNCERTAIN)
    best = solve(config)
    return {
        "config": config,
        "best": best,
        "plan": monte_carlo(config, draws=16, seed=11, plan=best),
        "reopt": monte_carlo(config, draws=12, seed=11),
    }


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["plan", "reopt"])
def test_fast_path_equals_solve_on_the_changed_config(zhejiang_runs: dict[str, Any], kind: str) -> None:
    config, mc = zhejiang_runs["config"], zhejiang_runs[kind]
    assert mc.summary["method"] == "affine"
    plan = None
    if kind == "plan":
        best = zhejiang_runs["best"].plan
        plan = {(r.lever, r.institution, r.tier, int(r.year)): float(r.units) for r in best.itertuples()}
    base = without_uncertainty(config)
    paths = [spec.path for spec in mc.keys]
    tiers = list(config.tiers)
    statuses = set()
    for row in mc.draws.itertuples(index=False):
        world = base.with_changes({path: float(value) for path, value in zip(paths, row[1:1 + len(paths)])})
        reference = solve(world, plan=plan, diagnose=False)
        statuses.add(row.status)
        if row.status == "optimal":
            assert reference.status.value == "optimal"
            assert row.objective == pytest.approx(reference.objective, rel=1e-9)
            assert row.total_cost == pytest.approx(reference.total_cost, rel=1e-6)
            by_tier = reference.outputs.groupby("tier")["compound"].sum()
            for tier in tiers:
                # solve's smoothing stage may pick another of the optimal plans, which
                # can split the same weighted output between tiers a little differently.
                assert getattr(row, f"compound_{tier}") == pytest.approx(by_tier[tier], rel=1e-4, abs=1e-6)
        else:  # the plan breaks a limit in this world: solve with the plan fixed finds no optimum
            assert kind == "plan" and row.status in ("over_budget", "violates")
            assert reference.status.value == "infeasible"
    if kind == "plan":
        assert {"optimal", "over_budget"} <= statuses


def test_over_budget_world_is_within_budget_once_funded(zhejiang_runs: dict[str, Any]) -> None:
    # Give universities (who may pay for everything) the overspend: the plan then fits, with the same output.
    mc, config = zhejiang_runs["plan"], zhejiang_runs["config"]
    row = mc.draws[mc.draws["status"] == "over_budget"].iloc[0]
    paths = [spec.path for spec in mc.keys]
    changes: dict[str, Any] = {path: float(row[path]) for path in paths}
    best = zhejiang_runs["best"].plan
    plan = {(r.lever, r.institution, r.tier, int(r.year)): float(r.units) for r in best.itertuples()}
    base = without_uncertainty(config)
    short = base.with_changes(changes)
    funded = short.with_changes({"funding.universities.per_year": 4_000_000 + row["overspend"] + 1.0})
    assert solve(short, plan=plan, diagnose=False).status.value == "infeasible"
    result = solve(funded, plan=plan, diagnose=False)
    assert result.status.value == "optimal"
    assert result.objective == pytest.approx(row["objective"], rel=1e-9)


@pytest.mark.slow
def test_same_seed_same_table_whatever_runs_it(tmp_path: Path) -> None:
    config = load_config(UNCERTAIN)
    here = monte_carlo(config, draws=24, seed=7, plan=solve(config))
    pooled = monte_carlo(config, draws=24, seed=7, plan=solve(config), jobs=2)
    pd.testing.assert_frame_equal(here.draws, pooled.draws, check_exact=True)
    # One draw alone gives the numbers it gets among the others (no state carried between draws).
    again = monte_carlo(config, draws=24, seed=7, plan=solve(config))
    pd.testing.assert_frame_equal(here.draws, again.draws, check_exact=True)
    other = monte_carlo(config, draws=24, seed=8, plan=solve(config))
    assert not np.allclose(here.draws["objective"], other.draws["objective"])


@pytest.mark.slow
def test_dask_cluster_gives_the_same_table() -> None:
    import dask.distributed as distributed  # in the test extra
    config = load_config(UNCERTAIN)
    here = monte_carlo(config, draws=16, seed=2)
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None)
    with cluster, distributed.Client(cluster) as client:
        remote = monte_carlo(config, draws=16, seed=2, executor=client)
    pd.testing.assert_frame_equal(here.draws, remote.draws, check_exact=True)


def test_reference_outcome_matches_solve(tmp_path: Path) -> None:
    config = tiny(tmp_path, {COST: {"dist": "uniform", "low": 10000, "high": 16000}})
    outcome = reference_outcome(without_uncertainty(config).with_changes({COST: 16000}), None)
    assert outcome.objective == pytest.approx(6.0)  # 96,000 / 16,000
    cbc = monte_carlo(config, draws=3, seed=0, solver="cbc")
    assert cbc.summary["method"] == "reference"
    assert np.allclose(cbc.draws["objective"], 96000 / cbc.draws[COST], rtol=1e-6)


def test_bad_plans_and_configs_are_reported(tmp_path: Path) -> None:
    config = tiny(tmp_path, {COST: {"dist": "uniform", "low": 10000, "high": 16000}})
    with pytest.raises(PlanError, match=r"unknown lever 'lecturers'.*did you mean 'enterprise_lecturers'\?"):
        monte_carlo(config, draws=2, plan={("lecturers", "College", "", 2025): 1})
    with pytest.raises(PlanError, match=r"a plan is a Result, a DataFrame"):
        monte_carlo(config, draws=2, plan=3)
    infeasible = solve(without_uncertainty(config).with_changes({"institutions.College.intake.basic": 0,
                                                                  "levers.enterprise_lecturers.min_per_year": 1,
                                                                  "funding.universities.per_year": 0}))
    with pytest.raises(PlanError, match=r"the result has no plan to test \(status infeasible\)"):
        monte_carlo(config, draws=2, plan=infeasible)
    plain = load_config(write_tiny(tmp_path, tiny_config(), "plain.yaml"))
    with pytest.raises(ConfigError, match=r"plain\.yaml: uncertainty: this config has no uncertainty: section"):
        monte_carlo(plain, draws=2)
    with pytest.raises(ValueError, match="draws must be a whole number of at least 1, got 0"):
        monte_carlo(config, draws=0)


# -- command line ----------------------------------------------------------------

def test_cli_fixed_plan_json_and_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = tiny_config()
    raw["uncertainty"] = {COST: {"dist": "uniform", "low": 10000, "high": 16000}}
    path = write_tiny(tmp_path, raw, "mc.yaml")
    plan = tmp_path / "plan.csv"
    plan.write_text("lever,institution,tier,year,units\nenterprise_lecturers,College,,2025,2\n", encoding="utf-8")
    out = tmp_path / "out" / "draws.csv"
    code = main(["montecarlo", str(path), "--draws", "20", "--seed", "4", "--plan", str(plan),
                 "--out", str(out), "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    draws = pd.read_csv(out)
    over = int((draws[COST] > 12000).sum())
    assert data["statuses"] == {k: v for k, v in {"optimal": 20 - over, "over_budget": over}.items() if v}
    assert len(data["rows"]) == 20 and data["fixed_plan"] is True
    assert data["percentiles"]["objective"]["p50"] == pytest.approx(8.0)
    assert np.allclose(draws["overspend"], np.maximum(2 * draws[COST] - 24000, 0), atol=1e-3)
    # Two lecturers fit the 24,000 yuan only while one costs at most 12,000.
    assert 0 < over < 20 and data["over_budget"] == {"worlds": over, "of": 20}
    percentiles = pd.read_csv(tmp_path / "out" / "draws_percentiles.csv", index_col="figure")
    assert percentiles.loc["total_cost", "p50"] == pytest.approx(2 * np.percentile(draws[COST], 50))


def test_cli_text_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = tiny_config()
    raw["uncertainty"] = {COST: {"dist": "uniform", "low": 10000, "high": 16000}}
    path = write_tiny(tmp_path, raw, "mc.yaml")
    assert main(["montecarlo", str(path), "--draws", "5", "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert "5 draws (seed 0), re-optimised per draw" in text and "compound_basic" in text
    assert main(["montecarlo", str(path), "--draws", "0"]) == 2
    assert "argument --draws: '0': give from 1 to 1,000,000 draws" in capsys.readouterr().err
    bad_plan = tmp_path / "bad.csv"
    bad_plan.write_text("lever,institution,tier,year,units\nlecturers,College,,2025,2\n", encoding="utf-8")
    assert main(["montecarlo", str(path), "--plan", str(bad_plan)]) == 2
    assert "unknown lever 'lecturers'" in capsys.readouterr().err
    assert main(["montecarlo", str(write_tiny(tmp_path, tiny_config(), "plain.yaml"))]) == 2
    assert "has no uncertainty: section" in capsys.readouterr().err


@pytest.mark.parametrize("smooth", [True, 0.05])
def test_reoptimised_draws_are_what_solve_gives_each_world(smooth: bool | float) -> None:
    # Each draw runs every stage optimiser.solve runs, the smoothing stage
    # included: with a share of output given up for steadiness, the draw's cost
    # and output per tier are those of the plan solve returns for that world.
    config = load_config(UNCERTAIN).with_changes({"objective.smooth": smooth})
    table = monte_carlo(config, draws=2, seed=1, progress=False).draws
    paths = [column for column in table.columns if column.startswith(("levers.", "tiers."))]
    for row in table.to_dict("records"):
        result = solve(config.with_changes({path: row[path] for path in paths}))
        assert row["objective"] == pytest.approx(result.objective, rel=1e-9)
        assert row["total_cost"] == pytest.approx(result.total_cost, rel=1e-7, abs=1.01)
        for tier, years in result.compound_output().items():
            assert row[f"compound_{tier}"] == pytest.approx(sum(years.values()), rel=1e-6, abs=1e-6)


def test_reoptimised_min_cost_draws_take_the_most_output_among_the_cheapest_plans(tmp_path: Path) -> None:
    # In min_cost mode the tie-break picks, among the cheapest plans, the one
    # with the most output; every drawn world does so as solve does.
    text = (ROOT / "configs" / "zhejiang_min_cost.yaml").read_text(encoding="utf-8") + (
        "\nuncertainty:\n"
        "  levers.secondments.cost: {dist: uniform, low: 8000, high: 14000}\n"
        "  levers.enterprise_lecturers.cost: {dist: uniform, low: 12000, high: 20000}\n"
    )
    path = tmp_path / "min_cost_uncertain.yaml"
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    table = monte_carlo(config, draws=2, seed=2, progress=False).draws
    for row in table.to_dict("records"):
        drawn = ("levers.secondments.cost", "levers.enterprise_lecturers.cost")
        result = solve(config.with_changes({key: row[key] for key in drawn}))
        assert row["total_cost"] == pytest.approx(result.total_cost, rel=1e-7, abs=1.01)
        for tier, years in result.compound_output().items():
            assert row[f"compound_{tier}"] == pytest.approx(sum(years.values()), rel=1e-6, abs=1e-6)


def test_a_second_run_on_the_same_config_reuses_the_fit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The fit (programme builds) is kept per config, keys and plan: the same run again builds nothing
    # and gives the same table; another plan or another range is fitted afresh.
    from optimiser.analysis import montecarlo

    config = tiny(tmp_path, {COST: {"dist": "uniform", "low": 10000, "high": 16000}})
    first = monte_carlo(config, draws=30, seed=1, plan={LECTURERS: 2})
    builds: list[int] = []
    original = montecarlo._arrays

    def counted(*args: Any) -> Any:
        builds.append(1)
        return original(*args)

    monkeypatch.setattr(montecarlo, "_arrays", counted)
    again = monte_carlo(config, draws=30, seed=1, plan={LECTURERS: 2})
    assert builds == []
    pd.testing.assert_frame_equal(first.draws, again.draws, check_exact=True)
    three = monte_carlo(config, draws=30, seed=1, plan={LECTURERS: 3})
    assert builds  # another plan: fitted again
    assert np.allclose(three.draws["objective"], 12.0)  # three lecturers train 12 students
    builds.clear()
    wider = tiny(tmp_path, {COST: {"dist": "uniform", "low": 8000, "high": 16000}})
    monte_carlo(wider, draws=30, seed=1, plan={LECTURERS: 2})
    assert builds  # another range: other probes, fitted again
