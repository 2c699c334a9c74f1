"""A seeded, bounded fuzz of the command line and the readers (scripts/fuzz.py runs the large one)."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "fuzz.py"


@pytest.fixture(scope="module")
def fuzz() -> ModuleType:
    spec = importlib.util.spec_from_file_location("optimiser_fuzz", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_checks_catch_what_they_look_for(fuzz: ModuleType) -> None:
    assert fuzz.cli_problems(["solve"], None, "", "", "Traceback ...\nValueError: x")[0].startswith("traceback")
    assert fuzz.cli_problems(["solve"], 1, "", "", None) == ["exit code 1"]
    assert fuzz.cli_problems(["solve", "--json"], 0, "not json", "", None) == ["stdout not JSON under --json"]
    assert fuzz.cli_problems(["validate"], 0, "ok \x1b[2J\n", "", None) == ["raw control or bidi character in the output"]
    assert fuzz.cli_problems(["validate"], 2, "", "A\u202eB\n", None) == ["raw control or bidi character in the output"]
    assert fuzz.cli_problems(["validate"], 0, "ok\n", "\rprogress", None) == []


@pytest.mark.slow
def test_mutated_configs_and_plans_through_the_command_line(fuzz: ModuleType, tmp_path: Path) -> None:
    started = time.perf_counter()
    report = fuzz.fuzz_cli(25, seed=20261201, folder=tmp_path)
    assert report["failures"] == []
    assert sum(report["runs"].values()) == 75
    assert report["runs"].get("exit 0", 0) > 5 and report["runs"].get("exit 2", 0) > 5  # both kinds reached
    assert time.perf_counter() - started < 120  # about 15 s alone; a blow-up takes far longer


def test_mutated_configs_and_plans_through_the_api(fuzz: ModuleType, tmp_path: Path) -> None:
    report = fuzz.fuzz_api(100, 100, seed=20261201, folder=tmp_path)
    assert report["failures"] == []
    outcomes = report["outcomes"]
    assert outcomes.get("config: ConfigError", 0) > 30 and outcomes.get("config: optimal", 0) > 3
    assert outcomes.get("plan: PlanError", 0) > 30 and outcomes.get("plan: feasible", 0) > 3
