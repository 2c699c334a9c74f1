"""run_points with jobs > 1: small work stays in process; a script without a main guard does not break."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from optimiser.analysis import executor as executor_module
from optimiser.analysis import run_points

ROOT = Path(__file__).resolve().parents[2]


def _pid_of(_: int) -> int:
    return os.getpid()


def _slow_pid(_: int) -> int:
    time.sleep(0.3)
    return os.getpid()


def test_small_work_stays_in_process() -> None:
    # 40 items of microseconds: starting workers could only be slower.
    pids = run_points(_pid_of, list(range(40)), jobs=2)
    assert set(pids) == {os.getpid()}


@pytest.mark.slow
def test_long_work_goes_to_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    # 0.3 s an item, 12 items: 3.0 s left serially against about 0.5 + 1.5 s with two workers.
    monkeypatch.setattr(executor_module, "_pool_start", lambda: executor_module.POOL_START_WARM)
    pids = run_points(_slow_pid, list(range(12)), jobs=2)
    assert pids[: executor_module.PROBE_ITEMS] == [os.getpid()] * executor_module.PROBE_ITEMS
    assert os.getpid() not in pids[executor_module.PROBE_ITEMS:]


def test_the_decision_follows_the_timing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executor_module, "_pool_start", lambda: 1e9)
    assert set(run_points(_slow_pid, list(range(4)), jobs=2)) == {os.getpid()}


SCRIPT = """
import os
from optimiser.analysis.executor import run_points
from optimiser.analysis import executor

executor._pool_start = lambda: -1e9   # as if the work were long: workers would start
print("pids", len(run_points(abs, list(range(-8, 8)), jobs=2)))
print("done")
"""

GUARDED = """
import os
from optimiser.analysis import executor
from optimiser.analysis.executor import run_points

def pid(_):
    return os.getpid()

if __name__ == "__main__":
    executor._pool_start = lambda: -1e9
    pids = run_points(pid, list(range(8)), jobs=2)
    print("workers", len(set(pids[2:]) - {os.getpid()}))
"""


def run_script(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "script.py"
    path.write_text(text, encoding="utf-8")
    return subprocess.run([sys.executable, str(path)], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          check=False)


@pytest.mark.slow
def test_a_script_without_a_main_guard_runs_in_one_process_with_a_warning(tmp_path: Path) -> None:
    done = run_script(tmp_path, SCRIPT)
    assert done.returncode == 0, done.stderr
    assert "done" in done.stdout and "BrokenProcessPool" not in done.stderr and "bootstrapping" not in done.stderr
    assert 'if __name__ == "__main__":' in done.stderr
    assert done.stderr.count("RuntimeWarning") == 1


@pytest.mark.slow
def test_a_guarded_script_uses_workers(tmp_path: Path) -> None:
    done = run_script(tmp_path, GUARDED)
    assert done.returncode == 0, done.stderr
    assert "workers 1" in done.stdout or "workers 2" in done.stdout
    assert "RuntimeWarning" not in done.stderr


ANALYSES = """
import sys
sys.path.insert(0, {root!r})
from optimiser import load_config, monte_carlo, robust, sweep
from optimiser.analysis import executor
from tests.tiny import tiny_config, write_tiny
from pathlib import Path

executor._pool_start = lambda: -1e9   # as if the work were long: workers would start
raw = tiny_config()
raw["uncertainty"] = {{"levers.enterprise_lecturers.cost": {{"dist": "uniform", "low": 10000, "high": 14000}}}}
config = load_config(write_tiny(Path("."), raw, "uncertain.yaml"))
print("montecarlo", monte_carlo(config, draws=8, seed=1, jobs=2).status_counts())
print("sweep", len(sweep(config, {{"levers.enterprise_lecturers.cost": [10000, 12000, 14000]}}, jobs=2, progress=False)))
print("robust", robust(config, draws=4, seed=1, test_draws=8, jobs=2).status)
"""


def test_analyses_in_a_script_without_a_main_guard_run_in_one_process(tmp_path: Path) -> None:
    done = run_script(tmp_path, ANALYSES.format(root=str(ROOT)))
    assert done.returncode == 0, done.stderr
    assert "montecarlo {'optimal': 8}" in done.stdout and "sweep 3" in done.stdout and "robust optimal" in done.stdout
    assert "BrokenProcessPool" not in done.stderr and "bootstrapping" not in done.stderr
    # One warning per analysis that asked for processes (the robust plan's test runs two Monte Carlos).
    assert done.stderr.count('without `if __name__ == "__main__":`') >= 3
