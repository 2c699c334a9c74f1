"""Every bad argument is a clean exit 2 whose message names the option, the value and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimiser import load_config
from optimiser.analysis import frontier, pareto
from optimiser.analysis.montecarlo import monte_carlo
from optimiser.cli import main
from optimiser.errors import ConfigError

from ..tiny import tiny_config, write_tiny

CONFIGS = Path(__file__).resolve().parents[2] / "configs"
PARAM = ["--param", "funding.universities.per_year=1000,2000", "--no-progress"]

CASES = {
    "scheduler garbage": (["sweep", "{tiny}", *PARAM, "--scheduler", "garbage://x"], "--scheduler", "'garbage://x'", "tcp://"),
    "scheduler no port": (["sweep", "{tiny}", *PARAM, "--scheduler", "localhost:x"], "--scheduler", "'localhost:x'", "tcp://"),
    "scheduler empty": (["sweep", "{tiny}", *PARAM, "--scheduler", ""], "--scheduler", "''", "tcp://"),
    "draws huge": (["montecarlo", "{uncertain}", "--draws", "1000000000000"], "--draws", "'1000000000000'", "1,000,000"),
    "draws zero": (["montecarlo", "{uncertain}", "--draws", "0"], "--draws", "'0'", "from 1"),
    "points huge": (["pareto", "{tiny}", "--points", "1000000000"], "--points", "'1000000000'", "100,000"),
    "upto nan": (["frontier", "{tiny}", "--over", "funding.universities.per_year", "--upto", "nan"], "--upto", "'nan'", "5e6"),
    "upto inf": (["frontier", "{tiny}", "--over", "funding.universities.per_year", "--upto", "inf"], "--upto", "'inf'", "5e6"),
    "scenario empty": (["solve", "{tiny}", "--scenario", ""], "--scenario", "''", "base"),
    "scenario blank": (["validate", "{tiny}", "--scenario", "  "], "--scenario", "'  '", "base"),
    "jobs zero": (["sweep", "{tiny}", *PARAM, "--jobs", "0"], "--jobs", "'0'", "from 1"),
    "jobs huge": (["sweep", "{tiny}", *PARAM, "--jobs", "99999999"], "--jobs", "'99999999'", "1,024"),
    "over empty": (["frontier", "{tiny}", "--over", ""], "--over", "''", "give a name"),
    "pareto x empty": (["pareto", "{tiny}", "--x", ""], "--x", "''", "give a name"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bad_argument_exits_2_naming_option_value_and_fix(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv, option, value, fix = CASES[case]
    paths = {"{tiny}": str(write_tiny(tmp_path, tiny_config())), "{uncertain}": str(CONFIGS / "zhejiang_uncertain.yaml")}
    assert main([paths.get(a, a) for a in argv]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    message = err.strip().splitlines()[-1]
    assert f"argument {option}:" in message and value in message and fix in message, message


@pytest.mark.parametrize("address", ["tcp://10.0.0.5:8786", "tls://host:8786", "localhost:8786", "ws://h:1"])
def test_a_good_scheduler_address_is_accepted(address: str) -> None:
    from optimiser.cli.args import scheduler_address

    assert scheduler_address(address) == address


def test_the_api_checks_points_draws_and_bounds() -> None:
    config = load_config(CONFIGS / "zhejiang_uncertain.yaml")
    with pytest.raises(ConfigError, match="pareto points: expected at most 100,000 points"):
        pareto(config, points=10**9)
    with pytest.raises(ValueError, match="draws must be at most 1,000,000, got 1,000,000,000,000"):
        monte_carlo(config, draws=10**12)
    with pytest.raises(ConfigError, match="frontier upto: expected a finite budget"):
        frontier(config, upto=float("nan"))


def _parsers() -> dict[str, object]:
    """The top-level parser and every command's, by name."""
    import argparse

    from optimiser.cli.main import build_parser

    top = build_parser()
    commands = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction)).choices
    return {"optimiser": top, **commands}


def test_no_parser_takes_an_option_by_the_start_of_its_name() -> None:
    parsers = _parsers()
    assert {"compare", "report", "solve", "sweep"} <= set(parsers)
    assert [name for name, parser in parsers.items() if parser.allow_abbrev] == []  # type: ignore[attr-defined]


def with_scenarios(tmp_path: Path) -> Path:
    raw = tiny_config()
    raw["scenarios"] = {
        "lean": {"set": {"funding.universities.per_year": 12000}},
        "rich": {"set": {"funding.universities.per_year": 36000}},
    }
    return write_tiny(tmp_path, raw)


@pytest.mark.parametrize(("argv", "said"), [
    (["compare", "{config}", "--scenario", "lean", "--scenario", "rich"],
     "optimiser compare: error: unrecognized arguments: --scenario lean --scenario rich; did you mean --scenarios?"),
    (["compare", "{config}", "--scen", "lean"],
     "optimiser compare: error: unrecognized arguments: --scen lean; did you mean --scenarios?"),
    (["solve", "{config}", "--time", "5"],
     "optimiser solve: error: unrecognized arguments: --time 5; did you mean --time-limit?"),
    (["solve", "{config}", "--scenario", "lean", "--scenario", "rich"],
     "optimiser solve: error: argument --scenario: given twice (lean, then rich); give it once"),
    (["compare", "{config}", "--solver", "highs", "--solver", "cbc"],
     "optimiser compare: error: argument --solver: given twice (highs, then cbc); give it once"),
    (["compare", "{config}", "--scenarios", "lean", "--scenarios", "rich,lean"],
     "optimiser compare: error: argument --scenarios: lean listed more than once; list each scenario once"),
])
def test_an_option_is_taken_whole_and_once(
    argv: list[str], said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(with_scenarios(tmp_path))
    assert main([config if a == "{config}" else a for a in argv]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.strip().splitlines()[-1] == said


def test_scenarios_given_in_several_uses_are_compared_in_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    config = str(with_scenarios(tmp_path))
    assert main(["compare", config, "--scenarios", "rich", "--scenarios", "base,lean", "--json"]) == 0
    plans = json.loads(capsys.readouterr().out)["plans"]
    assert [plan["name"] for plan in plans] == ["rich", "base", "lean"]
    assert [plan["total_cost"] for plan in plans] == pytest.approx([36000, 24000, 12000])
