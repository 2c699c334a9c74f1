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
    started = time.perf_counter()
    pids = run_points(_pid_of, list(range(40)), jobs=2)
    assert set(pids) == {os.getpid()}
    assert time.perf_counter() - started < 0.5


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
