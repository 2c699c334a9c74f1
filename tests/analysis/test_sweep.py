"""Sweeps: the same numbers as solve, a tidy grid, infeasible rows kept, year keys, CLI, Dask."""

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

from optimiser import ConfigError, load_config, solve
from optimiser.analysis import sweep
from optimiser.analysis.parameters import bound_shifts
from optimiser.analysis.points import ParamError, apply_point, parse_param
from optimiser.cli import main

from ..conftest import CASES
from ..tiny import secondment_config

# One college, one year: a secondment (20,000 yuan) buys 10 students up to
# 50 (100,000 yuan); an enterprise lecturer then buys 2 students for a net
# 8,000 yuan, up to 2.5 lecturers: 55 students at 120,000 yuan (derivation
# in test_frontier.py).

GOV = "funding.government.per_year"


def tiny(
    write_config: Callable[[str, str], Path], secondments: dict[str, Any] | None = None, money: int = 200000
) -> Path:
    config = secondment_config("tiny sweep", secondments=secondments, money=money)
    return write_config(yaml.safe_dump(config, sort_keys=False), "tiny.yaml")


def test_hand_derived_budget_sweep(write_config: Callable[[str, str], Path]) -> None:
    table = sweep(load_config(tiny(write_config)), {GOV: [0, 50_000, 110_000, 200_000]}, progress=False)
    assert list(table.columns) == [
        GOV, "status", "objective", "output_given_up", "total_cost", "weighted_output", "compound_basic",
        "spend_secondments", "spend_enterprise_lecturers", "diagnosis",
    ]
    assert table["status"].tolist() == ["optimal"] * 4
    assert table["objective"].tolist() == pytest.approx([0.0, 25.0, 52.5, 55.0], abs=1e-9)
    assert table["compound_basic"].tolist() == pytest.approx([0.0, 25.0, 52.5, 55.0], rel=1e-6, abs=1e-9)
    # The cheapest plan with the optimum: past 120,000 yuan the rest is not spent.
    assert table["total_cost"].tolist() == pytest.approx([0.0, 50_000.0, 110_000.0, 120_000.0], abs=0.1)
    assert table["spend_enterprise_lecturers"].tolist() == pytest.approx([0.0, 0.0, 15_000.0, 30_000.0], abs=0.1)


@pytest.mark.parametrize("smooth", [True, 0.05])
def test_sweep_equals_solve_point_by_point(zhejiang_exact: Path, smooth: bool | float) -> None:
    # Every stage of solve runs at each point, smoothing included: with a
    # share of output given up for steadiness (0.05) the plan, its cost and
    # its output are those of solve, not of the cheapest plan at the optimum.
    config = load_config(zhejiang_exact).with_changes({"objective.smooth": smooth})
    values = [0.0, 4.5e6, 11e6]
    assert bound_shifts(config, [GOV], [values], apply_point) is not None  # the lean re-solve path
    table = sweep(config, {GOV: values}, progress=False)
    for value, row in zip(values, table.itertuples(index=False)):
        result = solve(config.with_changes({GOV: value}))
        assert row.status == "optimal"
        assert row.objective == pytest.approx(result.objective, rel=1e-9)
        assert row.total_cost == pytest.approx(result.total_cost, rel=1e-7, abs=1.01)
        # The plan's own output and what it gave up for steadiness, as solve reports them: they reconcile
        # the optimum (objective) with the plan's cost, which is the steadier plan's.
        # (Within the stages' 1e-7 of the optimum each, the room a plan at the optimum has.)
        assert row.weighted_output == pytest.approx(result.summary["weighted_output"], rel=2e-7)
        assert row.output_given_up == pytest.approx(result.summary["output_given_up"], rel=1e-5, abs=1e-6)
        assert row.objective - row.output_given_up == pytest.approx(row.weighted_output, rel=2e-7)
        compound = {tier: sum(years.values()) for tier, years in result.compound_output().items()}
        for tier, total in compound.items():
            assert table.loc[table[GOV] == value, f"compound_{tier}"].item() == pytest.approx(total, rel=1e-6, abs=1e-6)
        for lever, spent in result.spend_by_lever().items():
            assert table.loc[table[GOV] == value, f"spend_{lever}"].item() == pytest.approx(spent, rel=1e-6, abs=1.01)


def test_parameters_in_the_coefficients_are_solved_in_full(zhejiang: Path) -> None:
    config = load_config(zhejiang)
    path = "levers.tuition_subsidies.induced_intake"
    assert bound_shifts(config, [path], [[0.15, 0.4]], apply_point) is None  # a coefficient: rebuilt per point
    table = sweep(config, {path: [0.15, 0.4]}, progress=False)
    for value, objective, cost in zip([0.15, 0.4], table["objective"], table["total_cost"]):
        result = solve(config.with_changes({path: value}))
        assert objective == pytest.approx(result.objective, rel=1e-9)
        assert cost == pytest.approx(result.total_cost, rel=1e-7)
    assert table["objective"].iloc[1] > table["objective"].iloc[0]


def test_a_grid_has_one_row_per_combination_last_path_fastest(write_config: Callable[[str, str], Path]) -> None:
    table = sweep(
        load_config(tiny(write_config)),
        {GOV: [40_000, 200_000], "policies.max_external_ratio": [0.0, 0.25, 0.5]},
        progress=False,
    )
    assert table[[GOV, "policies.max_external_ratio"]].values.tolist() == [
        [40_000, 0.0], [40_000, 0.25], [40_000, 0.5], [200_000, 0.0], [200_000, 0.25], [200_000, 0.5],
    ]
    # With money to spare the external ratio sets the answer: 50 + 2 x (ratio x 10) lecturers' students.
    assert table["objective"].tolist() == pytest.approx([20.0, 20.0, 20.0, 50.0, 55.0, 60.0], abs=1e-9)


def test_infeasible_points_keep_their_row(write_config: Callable[[str, str], Path]) -> None:
    # Two secondments a year are compulsory: 40,000 yuan at least.
    config = load_config(tiny(write_config, secondments={"min_per_year": 2}))
    table = sweep(config, {GOV: [0, 20_000, 60_000]}, progress=False)
    assert table["status"].tolist() == ["infeasible", "infeasible", "optimal"]
    assert table.loc[:1, ["objective", "total_cost", "compound_basic", "spend_secondments"]].isna().all().all()
    assert table["objective"].iloc[2] == pytest.approx(30.0)
    # Each row without an optimum says why: 20,000 yuan buys one of the two compulsory secondments.
    # With the two kept, 20,000 yuan more pays for the second.
    assert table["diagnosis"].iloc[1] == (
        "levers.secondments.min_per_year at College in 2025: at most 1 reachable, asked 2 secondments units; "
        "or, with every other limit kept, 20,000 yuan more in all makes a plan possible; "
        "funding.government.per_year in 2025: 20,000 yuan more needed (limit 20,000 yuan, needed 40,000)")
    assert table["diagnosis"].iloc[0].startswith("levers.secondments.min_per_year at College in 2025: at most ")
    assert table["diagnosis"].iloc[2] == ""
    # The same when each point is rebuilt (a cost enters the coefficients): 60,000 / 40,000 = 1.5 secondments.
    rebuilt = sweep(config.with_changes({GOV: 60_000}), {"levers.secondments.cost": [20_000, 40_000]}, progress=False)
    assert rebuilt["status"].tolist() == ["optimal", "infeasible"]
    assert math.isnan(rebuilt["objective"].iloc[1])
    assert rebuilt["diagnosis"].tolist() == [
        "", "levers.secondments.min_per_year at College in 2025: at most 1.5 reachable, asked 2 secondments units; "
        "or, with every other limit kept, 20,000 yuan more in all makes a plan possible; "
        "funding.government.per_year in 2025: 20,000 yuan more needed (limit 60,000 yuan, needed 80,000)"]


def test_jobs_do_not_change_the_table(zhejiang: Path) -> None:
    config = load_config(zhejiang)
    params = {GOV: [0.0, 3e6, 6e6, 9e6], "funding.enterprises.per_year": [1e6, 3e6]}
    here = sweep(config, params, jobs=1, progress=False)
    pooled = sweep(config, params, jobs=2, progress=False)
    pd.testing.assert_frame_equal(here, pooled, check_exact=True)


def test_a_year_key_changes_that_year_only(zhejiang: Path) -> None:
    config = load_config(zhejiang)
    changed = apply_point(config, {"funding.government.per_year.2026": 0, "funding.government.per_year.2028": 1e6})
    series = changed.funding["government"].per_year
    assert [series.at(year) for year in config.years] == [10e6, 0, 10e6, 1e6, 10e6, 10e6]
    table = sweep(config, {"funding.government.per_year.2026": [0.0, 10e6]}, progress=False)
    assert table["objective"].iloc[1] == pytest.approx(solve(config).objective, rel=1e-9)
    assert table["objective"].iloc[0] < table["objective"].iloc[1]
    with pytest.raises(ConfigError, match="funding.government.per_year.2040: year 2040 is outside the horizon 2025-2030"):
        apply_point(config, {"funding.government.per_year.2040": 0})


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"funding.govenment.per_year": [1.0]}, "no key 'govenment' under funding; did you mean 'government'"),
        ({GOV: [1e6, -1.0]}, r"at sweep point funding\.government\.per_year=-1\.0: .*non-negative"),
        ({GOV: []}, "the list of values is empty"),
        ({}, "give at least one parameter"),
    ],
)
def test_bad_parameters_say_what_is_wrong(zhejiang: Path, params: dict[str, list[float]], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        sweep(load_config(zhejiang), params, progress=False)


def test_parse_param_reads_ranges_and_lists() -> None:
    assert parse_param("total_budget=0:1e6:5") == ("total_budget", [0.0, 250_000.0, 500_000.0, 750_000.0, 1e6])
    assert parse_param(" a.b = 3 ") == ("a.b", [3.0])
    assert parse_param("a.b=1,2.5") == ("a.b", [1.0, 2.5])
    assert parse_param("a=2:2:1") == ("a", [2.0])
    assert parse_param("a=2:9:2") == ("a", [2.0, 9.0])
    for text, message in [
        ("total_budget", "expected PATH=START:STOP:N"),
        ("total_budget=0:1e6", "a range has three parts START:STOP:N, got 2"),
        ("total_budget=0:x:3", "STOP 'x' is not a number"),
        ("total_budget=0:1:2.5", "N must be a whole number of points, at least 1, got '2.5'"),
        ("total_budget=0:1:0", "N must be a whole number"),
        ("total_budget=0:1:-1", "N must be a whole number of points, at least 1, got '-1'"),
        # One point cannot include both ends: it swept START alone, silently dropping STOP.
        ("total_budget=1e6:2e6:1", r"N is 1, but both ends 1e6 and 2e6 are included; give N of 2 or more "
                                   r"\(e\.g\. total_budget=1e6:2e6:2\), or one value as total_budget=1e6"),
        ("total_budget=1,nan", "'nan' is not a finite number"),
    ]:
        with pytest.raises(ParamError, match=message):
            parse_param(text)


def test_cli_refuses_one_point_between_two_ends(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = CASES / "small.yaml"
    out = tmp_path / "sweep.csv"
    assert main(["sweep", str(config), "--param", f"{GOV}=1e6:2e6:1", "--out", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert f"--param '{GOV}=1e6:2e6:1': N is 1, but both ends 1e6 and 2e6 are included" in err
    assert not out.exists()


def test_cli_writes_the_csv(write_config: Callable[[str, str], Path], tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sweep.csv"
    code = main(["sweep", str(tiny(write_config)), "--param", f"{GOV}=0:120000:4", "--out", str(out), "--no-progress"])
    assert code == 0
    table = pd.read_csv(out)
    assert table[GOV].tolist() == [0.0, 40_000.0, 80_000.0, 120_000.0]
    assert table["objective"].round(6).tolist() == [0.0, 20.0, 40.0, 55.0]
    assert table["status"].tolist() == ["optimal"] * 4
    assert f"wrote {out}: 4 points (4 optimal)" in capsys.readouterr().out


def test_cli_json_grid_and_infeasible_points(write_config: Callable[[str, str], Path],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = tiny(write_config, secondments={"min_per_year": 2})
    assert main(["sweep", str(path), "--param", f"{GOV}=0,60000", "--param", "policies.max_external_ratio=0.25",
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["points"] == 2 and data["status_counts"] == {"infeasible": 1, "optimal": 1}
    assert data["rows"][0]["status"] == "infeasible" and data["rows"][0]["objective"] is None
    assert "levers.secondments.min_per_year at College in 2025" in data["rows"][0]["diagnosis"]
    assert data["rows"][1]["diagnosis"] == ""
    assert data["rows"][1]["objective"] == pytest.approx(30.0)


@pytest.mark.parametrize(
    ("param", "message"),
    [
        ("funding.government.per_year", "expected PATH=START:STOP:N"),
        ("funding.government.per_year=0:1e6:x", "N must be a whole number"),
        ("funding.govenment.per_year=0:1e6:3", "did you mean 'government'"),
        ("total_budgt=0:1e6:3", "did you mean 'total_budget'"),
    ],
)
def test_cli_bad_param_exits_2(zhejiang: Path, param: str, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", str(zhejiang), "--param", param, "--no-progress"]) == 2
    assert message in capsys.readouterr().err


def test_dask_cluster_gives_the_local_table(zhejiang: Path, tmp_path: Path) -> None:
    from dask import distributed

    config = load_config(zhejiang)
    params = {GOV: list(np.linspace(0, 12e6, 6))}
    local = sweep(config, params, progress=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            remote = sweep(config, params, progress=False, executor=client)
        out = tmp_path / "sweep.csv"
        code = main(["sweep", str(zhejiang), "--param", f"{GOV}=0:12e6:6", "--scheduler", cluster.scheduler_address,
                     "--out", str(out), "--no-progress"])
    pd.testing.assert_frame_equal(local, remote, check_exact=True)
    assert code == 0
    from_cli = pd.read_csv(out)
    assert from_cli["objective"].to_numpy() == pytest.approx(local["objective"].to_numpy(), rel=1e-12)


def test_a_large_programmes_stage_from_scratch_by_interior_point_gives_solves_plans(
    zhejiang_exact: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Treated as a very large programme: the smoothing stage starts from
    # scratch, by interior point with crossover, as solve's does at that size.
    from optimiser.analysis import fast
    from optimiser.solve import backends, highs

    config = load_config(zhejiang_exact).with_changes({"objective.smooth": 0.05})
    values = [4.5e6, 11e6]
    plain = sweep(config, {GOV: values}, progress=False)
    monkeypatch.setattr(fast, "WARM_SMOOTHING_COLUMNS", 0)
    monkeypatch.setattr(backends, "AFRESH_IPM_COLUMNS", 0)
    runs: list[int] = []
    interior_point = highs.Session.run_interior_point

    def spy(self: highs.Session, *args: Any, **kwargs: Any) -> Any:
        runs.append(self.n_cols)
        return interior_point(self, *args, **kwargs)

    monkeypatch.setattr(highs.Session, "run_interior_point", spy)
    table = sweep(config, {GOV: values}, progress=False)
    # The programme as built, once, then the points from its steadiest plan's basis by dual simplex.
    assert runs and len(runs) <= 2
    assert table["objective"].tolist() == pytest.approx(plain["objective"].tolist(), rel=1e-9)
    assert table["total_cost"].tolist() == pytest.approx(plain["total_cost"].tolist(), rel=1e-7, abs=1.01)
    for column in [name for name in plain.columns if name.startswith(("spend_", "compound_"))]:
        assert table[column].tolist() == pytest.approx(plain[column].tolist(), rel=1e-6, abs=1.01), column
