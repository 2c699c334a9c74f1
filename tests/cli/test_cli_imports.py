"""The command line loads only what the command uses (the speed itself is benchmarks/cli_speed.py)."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("numpy", "pandas", "pulp", "highspy", "scipy", "openpyxl", "matplotlib", "tqdm", "babel", "dask")

PROBE = f"""
import contextlib, io, json, sys
from optimiser.cli.main import main
out = io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
    try:
        code = main(sys.argv[1:])
    except SystemExit as stop:
        code = stop.code
heavy = {HEAVY!r}
own = sorted(m for m in sys.modules if m.startswith("optimiser."))
print(json.dumps({{"code": code, "out": out.getvalue(), "loaded": [m for m in heavy if m in sys.modules], "own": own}}))
"""


def loaded_by(*argv: str) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def test_import_optimiser_loads_no_library():
    done = subprocess.run(
        [sys.executable, "-c", f"import sys, optimiser; print([m for m in {HEAVY!r} if m in sys.modules])"],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )
    assert done.stdout.strip() == "[]"


def test_version_loads_no_library():
    found = loaded_by("--version")
    assert found["code"] == 0 and found["out"].startswith("optimiser ")
    assert found["loaded"] == []


@pytest.mark.parametrize("config", ["configs/zhejiang.yaml", "tests/cases/small.yaml"])
def test_validate_loads_no_numeric_library(config):
    found = loaded_by("validate", config)
    assert found["code"] == 0 and found["out"].startswith("ok")
    assert found["loaded"] == []


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_solve_loads_no_scipy_workbook_plot_or_cluster_library(solver):
    # zhejiang runs every stage of a plain solve: the tie-break, the smoothing stage and the canonical shadow prices
    found = loaded_by("solve", "configs/zhejiang.yaml", "--solver", solver)
    assert found["code"] == 0 and "status: optimal" in found["out"] and "shadow price" in found["out"]
    assert {"numpy", "pandas", "pulp", "highspy"} <= set(found["loaded"])  # the probe sees what solve does load
    assert "optimiser.solve.duals" in found["own"] and "optimiser.solve.rounding" not in found["own"]
    assert not {"scipy", "openpyxl", "matplotlib", "tqdm", "babel", "dask"} & set(found["loaded"])


@pytest.mark.parametrize("argv", [("solve", "configs/zhejiang.yaml", "--no-progress"),
                                  ("--debug", "validate", "configs/zhejiang.yaml")])
def test_solve_and_validate_load_no_other_command(argv):
    found = loaded_by(*argv)
    assert found["code"] == 0
    assert [m for m in found["own"] if m.startswith("optimiser.cli.cmd_")] == ["optimiser.cli.cmd_solve"]
    everything = loaded_by("--debug", "--help")  # the probe sees the other commands when they are loaded
    assert "optimiser.cli.cmd_sweep" in everything["own"] and "sweep" in everything["out"]


def test_solve_loads_the_file_writers_only_to_write_files(tmp_path: Path):
    found = loaded_by("solve", "configs/zhejiang.yaml")
    assert found["code"] == 0 and "status: optimal" in found["out"]
    assert "optimiser.report.text" in found["own"]  # the probe sees the modules solve does load
    assert "optimiser.report.files" not in found["own"]
    written = loaded_by("solve", "configs/zhejiang.yaml", "--out", str(tmp_path / "out"))
    assert written["code"] == 0 and "optimiser.report.files" in written["own"]
    assert (tmp_path / "out" / "plan.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with its mark, the default


def test_package_api_still_works_lazily():
    code = (
        "import optimiser, sys; assert 'pandas' not in sys.modules; "
        "r = optimiser.solve(optimiser.load_config('tests/cases/small.yaml')); "
        "import optimiser.compare, optimiser.evaluate, optimiser.sensitivity; "
        "assert callable(optimiser.compare) and callable(optimiser.evaluate) and callable(optimiser.sensitivity); "
        "assert optimiser.Status.OPTIMAL is r.status; print([n for n in optimiser.__all__ if getattr(optimiser, n, None) is None])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"


def test_the_collector_is_paused_while_solve_loads_its_libraries(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    import gc

    from optimiser.cli import collector
    from optimiser.cli.main import main

    seen = []
    resume = collector.resume

    def watched() -> None:
        seen.append((gc.isenabled(), "pandas" in sys.modules and "pulp" in sys.modules, "optimiser.results" in sys.modules))
        resume()
        seen.append((gc.isenabled(), gc.get_freeze_count() > 0))

    monkeypatch.setattr(collector, "resume", watched)
    assert gc.isenabled()
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["solve", "tests/cases/small.yaml", "--out", str(tmp_path / "out"), "--no-progress"]) == 0
    assert seen == [(False, True, True), (True, True)]  # off while the libraries load, then on with them set aside
    assert gc.isenabled() and gc.get_freeze_count() == 0  # and as before once main returns in this process
    seen.clear()
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["validate", "tests/cases/small.yaml"]) == 0
    assert seen[0][0] is False and seen[1] == (True, True) and gc.isenabled() and gc.get_freeze_count() == 0


def test_the_program_exits_with_the_libraries_set_aside():
    code = (
        "import gc, sys; from optimiser.cli.main import main; sys.argv = ['optimiser', 'solve', 'tests/cases/small.yaml']; "
        "code = main(); print(code, gc.isenabled(), gc.get_freeze_count() > 10000, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stderr.splitlines()[-1] == "0 True True"
    assert "status: optimal" in done.stdout
