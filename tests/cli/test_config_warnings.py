"""Every command that reads a config tells its warnings the same way, each with the file and line it comes from.

On a terminal each warning is one ``warning:`` line on stderr (``solve`` lists them in its summary); with
``--json`` they are the object's ``"warnings"`` list and stderr stays free of them. A warning a scenario
brings names the scenario and the line of its ``set`` entry.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from optimiser import load_config
from optimiser.cli import main
from optimiser.config.load import file_warnings

from ..tiny import tiny_config, write_tiny

COST = "levers.enterprise_lecturers.cost"
LATE = "year 2031 is after the horizon's last year 2025; its value never applies"


def late_funding(tmp_path: Path) -> tuple[Path, list[str]]:
    """The tiny config with a funding year after its one-year horizon, a scenario that brings another, and a
    distribution for the commands that draw; and its lines."""
    raw = tiny_config(funding__universities__per_year={2025: 24000, 2031: 1},
                      institutions__0__teachers={"academic": 10, "double_qualified": 0})
    raw["scenarios"] = {
        "fine": {"set": {"discount_rate": 0.01}},
        "late": {"description": "a late cap", "set": {"levers.enterprise_lecturers.max_per_year": {2025: 100, 2031: 6000}}},
    }
    raw["uncertainty"] = {COST: {"dist": "uniform", "low": 10000, "high": 16000}}
    raw["tiers"]["advanced"] = {"duration": 1, "hours": {"knowledge": 30, "practice": 30, "training": 0}}
    raw["institutions"][0]["intake"]["advanced"] = 10
    path = write_tiny(tmp_path, raw)
    return path, path.read_text(encoding="utf-8").splitlines()


def line_of(lines: list[str], fragment: str) -> int:
    found = [number for number, text in enumerate(lines, 1) if fragment in text]
    assert len(found) == 1, (fragment, found)
    return found[0]


def expected(path: Path, lines: list[str]) -> tuple[str, str]:
    """The base's warning, and the one the scenario ``late`` brings (at its ``set`` entry's line)."""
    base = f"{path}:{line_of(lines, '2031: 1')}: funding.universities.per_year: {LATE}"
    return base, f"in scenario late: {path}:{line_of(lines, '2031: 6000')}: levers.enterprise_lecturers.max_per_year: {LATE}"


def test_a_scenario_warning_cites_the_scenario_and_its_line(tmp_path: Path) -> None:
    path, lines = late_funding(tmp_path)
    base, late = expected(path, lines)
    config = load_config(path)
    assert config.warnings == (base,)
    assert config.scenario("late").warnings == (late, base)  # in the order the rules are checked
    assert config.scenario("fine").warnings == (base,)
    assert file_warnings(config) == [base, late]


def test_validate_tells_the_warnings_of_every_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, lines = late_funding(tmp_path)
    base, late = expected(path, lines)
    for argv in ([], ["--scenario", "late"], ["--scenario", "fine"]):
        assert main(["validate", str(path), *argv]) == 0
        out, err = capsys.readouterr()
        assert err.splitlines() == [f"warning: {base}", f"warning: {late}"], argv
        assert out.startswith("ok\n")


def test_the_scenario_line_replaces_the_line_of_the_value_it_replaces(tmp_path: Path) -> None:
    """A scenario that sets a value the base warns about: its warning cites the scenario's line, not the base's."""
    raw = tiny_config(funding__universities__per_year={2025: 24000, 2031: 1},
                      institutions__0__teachers={"academic": 10, "double_qualified": 0})
    raw["scenarios"] = {"again": {"set": {"funding.universities.per_year": {2025: 30000, 2032: 1}}}}
    path = write_tiny(tmp_path, raw)
    lines = path.read_text(encoding="utf-8").splitlines()
    where = line_of(lines, "2032: 1")
    assert load_config(path).scenario("again").warnings == (
        f"in scenario again: {path}:{where}: funding.universities.per_year: year 2032 is after the horizon's last "
        "year 2025; its value never applies",
    )


def _plan(tmp_path: Path, path: Path) -> str:
    assert main(["solve", str(path), "--out", str(tmp_path / "solved")]) == 0
    return str(tmp_path / "solved" / "plan.csv")


COMMANDS = {
    "compare": ["compare", "{config}", "--scenarios", "base,late"],
    "sweep": ["sweep", "{config}", "--param", "funding.universities.per_year=12000,24000", "--no-progress"],
    "evaluate": ["evaluate", "{config}", "--plan", "{plan}"],
    "alternatives": ["alternatives", "{config}", "--plans", "0"],
    "frontier": ["frontier", "{config}", "--over", "funding.universities.per_year"],
    "pareto": ["pareto", "{config}", "--x", "basic", "--y", "advanced", "--points", "2"],
    "tornado": ["tornado", "{config}", "--input", COST, "--no-progress"],
    "sensitivity": ["sensitivity", "{config}"],
    "montecarlo": ["montecarlo", "{config}", "--draws", "3", "--no-progress"],
    "robust": ["robust", "{config}", "--draws", "3", "--test-draws", "0", "--no-progress"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_tells_the_config_warnings(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, lines = late_funding(tmp_path)
    base, late = expected(path, lines)
    told = [base, late] if command == "compare" else [base]
    values = {"{config}": str(path), "{plan}": _plan(tmp_path, path) if command == "evaluate" else ""}
    argv = [values.get(arg, arg) for arg in COMMANDS[command]]
    capsys.readouterr()
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert [line for line in err.splitlines() if line.startswith("warning: ")] == [f"warning: {w}" for w in told]
    assert main([*argv, "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["warnings"] == told
    assert "warning" not in err


def test_report_tells_the_warnings_of_its_plans(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, lines = late_funding(tmp_path)
    base, late = expected(path, lines)
    assert main(["report", str(path), "--scenarios", "late,base", "--html", str(tmp_path / "r.html")]) == 0
    assert [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning: ")] == [
        f"warning: {late}", f"warning: {base}"]


def test_solve_tells_them_in_its_summary_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, lines = late_funding(tmp_path)
    base, late = expected(path, lines)
    assert main(["solve", str(path), "--scenario", "late"]) == 0
    out, err = capsys.readouterr()
    assert [line for line in out.splitlines() if line.startswith("warning: ")] == [f"warning: {late}", f"warning: {base}"]
    assert "warning" not in err
    assert main(["solve", str(path), "--scenario", "late", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["warnings"] == [late, base]


@pytest.mark.parametrize("command", ["evaluate", "montecarlo"])
def test_a_plan_files_notes_are_on_stderr_or_in_the_json(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _lines = late_funding(tmp_path)
    clean = Path(_plan(tmp_path, path))
    plan = tmp_path / "with_total.csv"
    rows = clean.read_text(encoding="utf-8-sig").splitlines()
    header = rows[0].split(",")
    total = ["" for _ in header]
    total[header.index("lever")], total[header.index("units")] = "Total", "1"
    plan.write_text("\n".join([*rows, ",".join(total)]) + "\n", encoding="utf-8")
    note = f"{plan}, row {len(rows) + 1}: the row marked 'Total' is read as a total and left out"
    argv = [command, str(path), "--plan", str(plan), *(["--draws", "3", "--no-progress"] if command == "montecarlo" else [])]
    capsys.readouterr()
    assert main(argv) == 0
    assert f"note: {note}" in capsys.readouterr().err.splitlines()
    assert main([*argv, "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["plan_notes"] == [note]
    assert "note:" not in err
    assert main(["evaluate", str(path), "--plan", str(clean), "--json"]) == 0
    assert "plan_notes" not in json.loads(capsys.readouterr().out)  # a plan with nothing to say has no notes


def test_a_plan_files_notes_are_told_when_the_command_then_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _lines = late_funding(tmp_path)
    clean = Path(_plan(tmp_path, path))
    rows = clean.read_text(encoding="utf-8-sig").splitlines()
    header = rows[0].split(",")
    total, wrong = ["" for _ in header], ["" for _ in header]
    total[header.index("lever")], total[header.index("units")] = "Total", "1"
    wrong[header.index("lever")], wrong[header.index("units")] = "no_such_lever", "1"
    plan = tmp_path / "broken.csv"
    plan.write_text("\n".join([*rows, ",".join(total), ",".join(wrong)]) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["evaluate", str(path), "--plan", str(plan), "--json"]) == 2
    out, err = capsys.readouterr()
    assert out == ""  # no JSON object: the notes go with the error
    assert f"note: {plan}, row {len(rows) + 1}: the row marked 'Total' is read as a total and left out" in err
    assert "invalid plan:" in err and "no_such_lever" in err
