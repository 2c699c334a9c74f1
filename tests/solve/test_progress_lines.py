"""A long LP names the stage it is in on stderr: its solver says nothing while it works."""

from __future__ import annotations

import functools
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from optimiser import load_config, solve
from optimiser.i18n import language
from optimiser.solve import engine
from optimiser.solve.backends import HighsBackend
from optimiser.solve.progress import Progress

ZHEJIANG = Path(__file__).resolve().parents[2] / "configs" / "zhejiang.yaml"
STAGES = [
    "tie-break (the cheapest plan with this output): started",
    "smoothing stage (the steadiest plan): started",
    "cost of steadiness (the cheapest plan with the same output): started",
    "shadow prices: started",
]


def lines_of(text: str) -> list[str]:
    """The progress lines without their elapsed time."""
    return [line.rsplit("  [", 1)[0] for line in text.splitlines()]


def reporting_at_once(monkeypatch: pytest.MonkeyPatch, beat: float = 3600.0) -> None:
    """Progress lines from the first moment of the solve (the command waits a few seconds)."""
    monkeypatch.setattr(engine, "Progress", functools.partial(Progress, after=0.0, beat=beat))


def test_each_stage_of_an_lp_is_named_as_it_starts_and_nothing_goes_to_stdout(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    reporting_at_once(monkeypatch)
    result = solve(load_config(ZHEJIANG), progress=True)
    out, err = capsys.readouterr()
    assert out == ""
    # zhejiang.yaml smooths with a share (0.01): the cost of steadiness is a stage of its own.
    assert result.summary["steadiness_cost"] > 0
    assert [line for line in lines_of(err) if not line.endswith("still solving")] == STAGES
    assert all(line.endswith(" s]") for line in err.splitlines())


def test_a_min_cost_tie_break_is_named_for_what_it_looks_for(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    reporting_at_once(monkeypatch)
    config = load_config(Path(__file__).resolve().parents[2] / "configs" / "zhejiang_min_cost.yaml")
    solve(config, progress=True)
    assert "tie-break (the most output at this cost): started" in lines_of(capsys.readouterr().err)


def test_a_stage_that_runs_long_is_named_every_beat_and_the_beat_stops_with_the_solve(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    reporting_at_once(monkeypatch, beat=0.1)
    solve_main = HighsBackend.solve_main

    def slow(self: HighsBackend, *args: Any) -> Any:
        time.sleep(0.6)
        return solve_main(self, *args)

    monkeypatch.setattr(HighsBackend, "solve_main", slow)
    solve(load_config(ZHEJIANG), progress=True)
    lines = lines_of(capsys.readouterr().err)
    during_main = lines[:lines.index(STAGES[0])]
    # The first at once, then one a beat: 0.6 s holds six (fewer on a busy machine), never more than eight lines.
    assert set(during_main) == {"main solve: still solving"}
    assert 2 <= len(during_main) <= 8
    assert not [thread for thread in threading.enumerate() if thread.name == "solve-progress"]
    time.sleep(0.3)
    assert capsys.readouterr().err == ""


def test_a_quick_solve_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    solve(load_config(ZHEJIANG), progress=True)
    assert capsys.readouterr().err == ""


def test_stage_lines_speak_chinese(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    reporting_at_once(monkeypatch)
    with language("zh"):
        solve(load_config(ZHEJIANG), progress=True)
    lines = lines_of(capsys.readouterr().err)
    assert "平滑阶段（最平稳的方案）：已开始" in [line.replace(": ", "：") for line in lines]
    assert "影子价格: 已开始" in lines
