"""``--lang`` before the command (``optimiser --lang zh montecarlo ...``, ``--lang=zh``) chooses the language as it
does after it; the command's own ``--lang`` wins; solve and validate still parse without the other commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimiser.cli import main
from optimiser.cli.main import _core_only

from ..tiny import tiny_config, write_tiny
from .test_i18n_analyses import COST

ZHEJIANG = "configs/zhejiang.yaml"


@pytest.fixture
def uncertain(tmp_path: Path) -> Path:
    raw = tiny_config()
    raw["uncertainty"] = {COST: {"dist": "uniform", "low": 10000, "high": 16000}}
    return write_tiny(tmp_path, raw, "mc.yaml")


@pytest.mark.parametrize("first", [["--lang", "zh"], ["--lang=zh"], ["--debug", "--lang", "zh"]])
def test_montecarlo_with_the_language_first(first: list[str], uncertain: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mc.csv"
    assert main([*first, "montecarlo", str(uncertain), "--draws", "4", "--no-progress", "--out", str(out)]) == 0
    assert f"已写入 {out}和{tmp_path / 'mc_percentiles.csv'}" in capsys.readouterr().out


def test_a_bad_option_value_told_in_the_language_given_first(uncertain: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "zh", "montecarlo", str(uncertain), "--draws", "0"]) == 2
    assert "optimiser montecarlo：错误：参数 --draws：'0'：抽样次数应为 1 到 1,000,000" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "tail"), [
    (["--lang", "zh", "validate", ZHEJIANG], "3 个资金来源，3 个情景\n"),
    (["--lang=zh", "validate", ZHEJIANG], "3 个资金来源，3 个情景\n"),
    (["--lang", "zh", "validate", ZHEJIANG, "--lang", "en"], "3 funding sources, 3 scenarios\n"),
    (["--lang", "en", "validate", ZHEJIANG], "3 funding sources, 3 scenarios\n"),
    (["validate", ZHEJIANG, "--lang", "en"], "3 funding sources, 3 scenarios\n"),
])
def test_validate_with_the_language_first_or_after(argv: list[str], tail: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok\n") and out.endswith(tail)


def test_an_unknown_language_first_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "fr", "validate", ZHEJIANG]) == 2
    assert "argument --lang: invalid choice: 'fr'" in capsys.readouterr().err


def test_solve_and_validate_with_the_language_first_parse_only_the_core_commands() -> None:
    for argv in (["--lang", "zh", "solve", "c.yaml"], ["--lang=zh", "validate", "c.yaml"],
                 ["--debug", "--lang", "en", "--debug", "solve", "c.yaml"]):
        assert _core_only(argv), argv
    for argv in (["--lang", "zh", "montecarlo", "c.yaml"], ["--lang", "zh"], ["--lang", "solve"], ["--lang"]):
        assert not _core_only(argv), argv


def test_validate_with_the_language_first_loads_no_numeric_library() -> None:
    from ..cli.test_cli_imports import loaded_by

    found = loaded_by("--lang", "zh", "validate", ZHEJIANG)
    assert found["code"] == 0 and found["out"].startswith("ok\nZhejiang CBEC talent plan：max_output，")
    assert found["loaded"] == []
    assert not any(module.startswith("optimiser.cli.cmd_") and module != "optimiser.cli.cmd_solve"
                   for module in found["own"])
