"""A progress bar is drawn on a terminal only: redrawn into a log file or a pipe it is noise."""

from __future__ import annotations

import argparse
import io
from pathlib import Path
from typing import Any

import pytest

from optimiser.analysis import executor
from optimiser.cli import main
from optimiser.cli.options import progress_bar

UNCERTAIN = Path(__file__).resolve().parents[2] / "configs" / "zhejiang_uncertain.yaml"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("terminal", "no_progress", "json", "shown"), [
    (True, False, False, True), (False, False, False, False), (True, True, False, False), (True, False, True, False),
])
def test_a_bar_is_shown_on_a_terminal_unless_asked_away(
    monkeypatch: pytest.MonkeyPatch, terminal: bool, no_progress: bool, json: bool, shown: bool
) -> None:
    monkeypatch.setattr("sys.stderr", Terminal() if terminal else io.StringIO())
    assert progress_bar(argparse.Namespace(no_progress=no_progress, json=json)) is shown


@pytest.mark.parametrize("terminal", [True, False], ids=["a terminal", "a log file"])
def test_montecarlo_asks_for_its_bar_on_a_terminal_and_not_for_a_log(
    monkeypatch: pytest.MonkeyPatch, terminal: bool
) -> None:
    asked: list[bool] = []
    run_points = executor.run_points

    def spy(*args: Any, **kwargs: Any) -> Any:
        asked.append(bool(kwargs.get("progress")))
        return run_points(*args, **kwargs)

    monkeypatch.setattr("optimiser.analysis.montecarlo.run_points", spy)
    stderr = Terminal() if terminal else io.StringIO()
    monkeypatch.setattr("sys.stderr", stderr)
    assert main(["montecarlo", str(UNCERTAIN), "--draws", "5"]) == 0
    assert asked == [terminal]
