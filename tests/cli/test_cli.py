"""The command line: exit codes, --json purity, output files, diagnoses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from optimiser.cli import main

from ..conftest import CASES, CONFIGS
from ..tiny import tiny_config, write_tiny


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m optimiser`` in a child process, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "optimiser", *args], capture_output=True, text=True, cwd=cwd, timeout=120,
        env={**os.environ, "PYTHONWARNINGS": "default"},
    )


def test_solve_prints_a_readable_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", str(CASES / "small.yaml")]) == 0
    out = capsys.readouterr().out
    assert "status: optimal" in out
    assert "objective (weighted compound graduates, maximised): 15,149.7" in out
    assert "spend by lever (yuan):" in out and "spend by source (yuan):" in out
    assert "binding limits" in out and "bottlenecks" in out
    assert "bottlenecks: which \"no\" binds where" in out


def test_summary_prices_money_per_million_and_maps_bottlenecks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The tiny config: 3,000 yuan per graduate, so a million yuan buys 333;
    # practice is the binding "no" and nothing else binds.
    assert main(["solve", str(write_tiny(tmp_path, tiny_config()))]) == 0
    out = capsys.readouterr().out
    # The binding funding limit is said as what the next million yuan buys (was "333 per M yuan ...").
    assert "more money from universities funding buys, at the margin, this many weighted graduates per million yuan: 333 in 2025" in out
    grid = out.split("bottlenecks: which", 1)[1].splitlines()
    assert [line.split() for line in grid if line.strip().startswith("College")] == [["College", "P"]]
    # Lecturers relieve the binding "no": the summary says which lever helps where.
    assert "levers relieve: enterprise_lecturers: no practical experience; no practical-training skill" in out


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_json_is_one_object_and_nothing_else(solver: str) -> None:
    done = run_cli("solve", str(CASES / "small.yaml"), "--json", "--solver", solver)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)  # fails if a banner or a second object is printed
    assert data["status"] == "optimal"
    assert data["objective"] == pytest.approx(15149.650127, rel=1e-6)
    assert data["total_cost"] == pytest.approx(35908616.81, rel=1e-4)
    assert set(data["compound_output"]) == {"basic", "professional"}
    assert set(data["compound_output"]["basic"]) == {"2025", "2026", "2027", "2028", "2029"}


def test_out_writes_every_file(tmp_path: Path) -> None:
    out = tmp_path / "result"
    assert main(["solve", str(CASES / "medium.yaml"), "--scenario", "lean", "--out", str(out), "--json"]) == 0
    names = {p.name for p in out.iterdir()}
    assert names == {
        "summary.json", "plan.csv", "funding.csv", "outputs.csv", "constraints.csv", "bottlenecks.csv",
        "config.resolved.yaml", "teachers.csv", "commitments.csv",
    }
    summary = json.loads((out / "summary.json").read_text())
    assert summary["objective"] == pytest.approx(72220.27425, rel=1e-6)
    funding = pd.read_csv(out / "funding.csv")
    assert funding["amount"].sum() == pytest.approx(summary["total_cost"], rel=1e-9)
    plan = pd.read_csv(out / "plan.csv")
    assert list(plan.columns[:6]) == ["lever", "kind", "institution", "tier", "year", "units"]
    assert plan["cost"].sum() == pytest.approx(summary["total_cost"], rel=1e-6)
    constraints = pd.read_csv(out / "constraints.csv")
    assert {"name", "config_path", "institution", "year", "slack", "shadow_price"} <= set(constraints.columns)
    resolved = yaml.safe_load((out / "config.resolved.yaml").read_text())
    assert resolved["funding"]["universities"]["per_year"] == 2771900  # the scenario's value
    outputs = pd.read_csv(out / "outputs.csv")
    by_tier = outputs.groupby("tier")["compound"].sum()
    for tier, years in summary["compound_output"].items():
        assert by_tier[tier] == pytest.approx(sum(years.values()), rel=1e-9)


def test_invalid_config_exit_2_without_traceback(tmp_path: Path) -> None:
    path = write_tiny(tmp_path, tiny_config(levers__enterprise_lecturers__cost="sixty"))
    done = run_cli("solve", str(path))
    assert done.returncode == 2
    assert "levers.enterprise_lecturers.cost: expected a non-negative number of yuan, got 'sixty'" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    path = write_tiny(tmp_path, tiny_config(levers__enterprise_lecturers__cost="sixty"))
    done = run_cli("--debug", "solve", str(path))
    assert done.returncode != 0
    assert "Traceback" in done.stderr


def test_infeasible_exit_3_with_diagnosis(tmp_path: Path) -> None:
    path = write_tiny(tmp_path, tiny_config(policies={"min_double_qualified_share": 0.35}))
    done = run_cli("solve", str(path))
    assert done.returncode == 3
    assert "status: infeasible" in done.stdout
    assert "policies.min_double_qualified_share at College in 2025: reachable 0.00, asked 0.35" in done.stdout


def test_infeasible_json_has_diagnosis(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tiny_config(objective={"mode": "min_cost", "targets": {"basic": 5000}})
    assert main(["solve", str(write_tiny(tmp_path, config)), "--json", "--solver", "cbc"]) == 3
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "infeasible"
    assert data["objective"] is None
    # 100 students at most, 8 of them trained for 24,000 yuan; no money buys the knowledge hours for 5,000.
    diagnosis, money = data["diagnosis"]
    assert money["message"] == "more money alone does not make a plan possible: the limits above must move"
    assert diagnosis["config_path"] == "objective.targets.basic"
    assert diagnosis["reachable"] == pytest.approx(8.0)
    assert "at most 8 reachable, asked 5,000" in diagnosis["message"]


def test_free_places_are_capped_by_their_cohort(tmp_path: Path) -> None:
    # Free places that each bring half a student grew without limit before
    # places were capped by their cohort: now u <= 100 + 0.5 u, so 200 places
    # and 200 students, all trained (no teaching hours are needed).
    config = tiny_config(
        levers={"free_places": {"kind": "subsidise", "tiers": ["basic"], "cost": 0, "induced_intake": 0.5}},
        funding={"government": {"per_year": 0, "funds": "all"}},
    )
    config["tiers"]["basic"]["hours"] = {"knowledge": 0, "practice": 0, "training": 0}
    done = run_cli("solve", "--json", str(write_tiny(tmp_path, config)))
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["status"] == "optimal"
    assert data["objective"] == pytest.approx(200.0)
    assert data["baseline_output"] == pytest.approx(100.0)


def test_validate_ok_and_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(CONFIGS / "zhejiang.yaml")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "ok"
    assert "3 institutions" in out[1] and "6 levers" in out[1] and "3 funding sources" in out[1]


def test_validate_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_tiny(tmp_path, tiny_config(horizon={"start": 2025, "years": 0}, total_budget=-1))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "invalid config (2 problems)" in err


def test_unknown_scenario_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", str(CONFIGS / "zhejiang.yaml"), "--scenario", "austerty"]) == 2
    assert "did you mean 'austerity'?" in capsys.readouterr().err


def test_out_failure_leaves_no_partial_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("a file where the folder should go")
    assert main(["solve", str(CASES / "small.yaml"), "--out", str(blocker / "sub")]) == 4
    assert "could not write output" in capsys.readouterr().err
    assert blocker.read_text() == "a file where the folder should go"


def test_previous_results_survive_a_failed_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["solve", str(CASES / "small.yaml"), "--out", str(out), "--json"]) == 0
    before = (out / "summary.json").read_text()
    bad = write_tiny(tmp_path, tiny_config(total_budget=-1))
    assert main(["solve", str(bad), "--out", str(out)]) == 2
    assert (out / "summary.json").read_text() == before
    assert not [p for p in out.iterdir() if p.name.startswith(".staging")]


def test_python_dash_m_and_console_script_agree() -> None:
    done = run_cli("validate", str(CASES / "small.yaml"))
    assert done.returncode == 0 and done.stdout.startswith("ok\n")


def test_json_and_out_with_a_whole_horizon_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # total_budget has no year: it must appear as null, not stop the output.
    config = tiny_config(horizon={"start": 2025, "years": 2}, total_budget=36000)
    path = write_tiny(tmp_path, config)
    assert main(["solve", str(path), "--json", "--out", str(tmp_path / "out")]) == 0
    data = json.loads(capsys.readouterr().out)
    budget = [row for row in data["binding_constraints"] if row["config_path"] == "total_budget"]
    assert budget and budget[0]["year"] is None
    # 36,000 yuan over two years buys three lecturers: 12 graduates.
    assert data["objective"] == pytest.approx(12.0)
    assert (tmp_path / "out" / "summary.json").exists()


def test_written_files_are_readable_by_others(tmp_path: Path) -> None:
    from optimiser.report.files import write_atomic

    target = write_atomic(tmp_path / "report.html", lambda p: p.write_text("<p>ok</p>"))
    old = os.umask(0o022)
    os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o666 & ~old


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["solve", "CONFIG", "--out", ""], "argument --out: an empty path; give a file or folder name"),
        (["solve", "CONFIG", "--time-limit", "-1"], "argument --time-limit: '-1': give a positive number of seconds"),
        (["sweep", "CONFIG", "--param", "funding.universities.per_year=0:1:1000000000"], "more than a sweep can hold"),
    ],
)
def test_bad_arguments_exit_2_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    path = str(write_tiny(tmp_path, tiny_config()))
    assert main([path if a == "CONFIG" else a for a in args]) == 2
    assert message in capsys.readouterr().err


def test_montecarlo_seed_must_not_be_negative(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["montecarlo", str(CONFIGS / "zhejiang_uncertain.yaml"), "--draws", "2", "--seed", "-1"]) == 2
    assert "argument --seed: '-1': a seed is a whole number from 0 up" in capsys.readouterr().err


def test_plan_row_with_extra_cells_names_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_tiny(tmp_path, tiny_config())
    plan = tmp_path / "plan.csv"
    plan.write_text("lever,institution,year,units\nenterprise_lecturers,College,2025,2,9\n", encoding="utf-8")
    assert main(["evaluate", str(path), "--plan", str(plan)]) == 2
    assert f"{plan}:2: this row has 5 cells but the header has 4 columns" in capsys.readouterr().err
