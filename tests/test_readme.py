"""The README's examples run, and every command it lists exists."""

from __future__ import annotations

import os
import re
import runpy
from pathlib import Path

import pytest

from optimiser.cli import main

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_python_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = re.findall(r"```python\n(.*?)```", README, re.DOTALL)
    assert len(blocks) >= 2
    script = tmp_path / "readme_example.py"
    script.write_text("\n".join(blocks), encoding="utf-8")
    monkeypatch.chdir(ROOT)
    namespace = runpy.run_path(str(script))
    assert namespace["result"].status.value == "optimal"
    assert namespace["lean"].funding["government"].per_year.at(2025) == 4_000_000
    assert len(namespace["table"]) == 21
    assert not namespace["front"].segments.empty
    assert namespace["ax"].get_xlabel()


def test_every_listed_command_exists(capsys: pytest.CaptureFixture[str]) -> None:
    commands = set(re.findall(r"`optimiser ([a-z]+) ", README))
    assert {"solve", "validate", "compare", "evaluate", "sensitivity", "report", "sweep", "frontier", "pareto", "montecarlo"} <= commands
    for command in sorted(commands):
        assert main([command, "--help"]) == 0
        assert "usage: optimiser " + command in capsys.readouterr().out


def test_quick_start_has_exactly_two_commands() -> None:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)```", section, re.DOTALL)
    assert len(commands) == 2
    assert "optimiser solve configs/zhejiang.yaml" in commands[0]
    assert "scripts/test.sh" in commands[1]
    assert os.access(ROOT / "scripts" / "test.sh", os.R_OK)
