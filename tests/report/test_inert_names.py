"""Hostile names (escape sequences, bidi overrides, CR, LF, commas, formula prefixes) stay inert everywhere."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest

from optimiser.cli import main
from optimiser.report.files import csv_text, formula_like, neutralise, safe_frame, unguard
from optimiser.report.inert import inert, inert_lines, json_text

from ..tiny import tiny_config, write_tiny

HOSTILE = ["\r=2+2", "\x1b[2J", "A\u202eB", "new\nline,comma"]
RAW = re.compile("[\x1b\r\u202e\u2066-\u2069\x85]")


def hostile(tmp_path: Path) -> Path:
    config = tiny_config()
    base = config["institutions"][0]
    config["institutions"] = [dict(copy.deepcopy(base), name=name) for name in HOSTILE]
    config["funding"]["universities"]["per_year"] = 96000
    config["levers"] = {"lec\u202eturers": config["levers"]["enterprise_lecturers"]}
    config["scenarios"] = {"r\x1b[31mich": {"set": {"funding.universities.per_year": 120000}}}
    return write_tiny(tmp_path, config, "hostile.yaml")


def test_inert_escapes_controls_and_bidi_visibly() -> None:
    assert inert("\r=2+2 \x1b[2J A\u202eB n\nl\t\x85") == "\\r=2+2 \\x1b[2J A\\u202eB n\\nl\\t\\x85"
    assert inert_lines("a\nb\tc\x1bd") == "a\nb\tc\\x1bd"
    data = {"name": "\u202e\x85\x7f\x1b\n"}
    assert json.loads(json_text(data)) == data and not RAW.search(json_text(data))


def test_formula_guard_reaches_past_leading_spaces_and_controls() -> None:
    for value in ("=2+2", " =2+2", "\r=2+2", "\n@x", "\x1b+1", "'=x", "''=x"):
        assert formula_like(neutralise(value)[1:]) and unguard(neutralise(value)) == value
    assert neutralise("College") == "College" and neutralise("a=b") == "a=b"


def test_csv_quotes_a_bare_carriage_return() -> None:
    import pandas as pd

    text = csv_text(safe_frame(pd.DataFrame({"name": HOSTILE, "units": [1.0, 2.0, 3.0, 4.0]})))
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [[unguard(name), units] for name, units in rows[1:]] == [[n, f"{i}.0"] for i, n in enumerate(HOSTILE, 1)]
    assert len(text.split("\n")) == 1 + 4 + 1 + 1  # header, rows, the newline inside a quoted name, end
    assert all(cell.startswith("'") or not formula_like(cell) for row in rows for cell in row)


def test_solve_then_evaluate_its_own_plan_gives_the_optimum(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = hostile(tmp_path)
    assert main(["solve", str(config), "--out", str(tmp_path / "out"), "--json"]) == 0
    optimum = json.loads(capsys.readouterr().out)["objective"]
    with open(tmp_path / "out" / "plan.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["institution"] for row in rows} == {neutralise(name) for name in HOSTILE}
    assert main(["evaluate", str(config), "--plan", str(tmp_path / "out" / "plan.csv"), "--json"]) == 0
    evaluation = json.loads(capsys.readouterr().out)
    assert evaluation["feasible"] and evaluation["objective"] == pytest.approx(optimum)


@pytest.mark.parametrize("command", [["validate"], ["solve"], ["sensitivity"], ["solve", "--scenario", "nope"]])
def test_terminal_output_holds_no_raw_control_or_bidi(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    main([command[0], str(hostile(tmp_path)), *command[1:]])
    captured = capsys.readouterr()
    assert not RAW.search(captured.out) and not RAW.search(captured.err)
    assert "\\x1b[2J" in captured.out + captured.err or command[0] == "solve"


def test_a_config_error_keeps_each_problem_on_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tiny_config()
    config["institutions"][0]["name"] = "new\nline"
    config["institutions"][0]["teachers"]["nobody\x1b[2J"] = 3
    assert main(["validate", str(write_tiny(tmp_path, config))]) == 2
    err = capsys.readouterr().err
    assert not RAW.search(err) and "nobody\\x1b[2J" in err
    assert all(line.startswith(("invalid config", "  - ")) for line in err.strip().split("\n"))


def test_workbooks_reopen_with_the_names_readable(tmp_path: Path) -> None:
    config = hostile(tmp_path)
    report, compared = tmp_path / "report.xlsx", tmp_path / "compare.xlsx"
    assert main(["report", str(config), "--xlsx", str(report)]) == 0
    assert main(["compare", str(config), "--scenarios", "base,r\x1b[31mich", "--xlsx", str(compared)]) == 0
    for path in (report, compared):
        book = openpyxl.load_workbook(path)
        text = " ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value)
        assert "\\x1b[2J" in text or "\\x1b[31m" in text
    assert "\\x1b[2J" in " ".join(
        str(c.value) for row in openpyxl.load_workbook(report)["Plan"].iter_rows() for c in row if c.value
    )


def test_a_workbook_title_with_a_control_character_opens(tmp_path: Path) -> None:
    config = tiny_config()
    config["name"] = "plan\x1b[2J\x07"
    book = tmp_path / "r.xlsx"
    assert main(["report", str(write_tiny(tmp_path, config)), "--xlsx", str(book)]) == 0
    assert openpyxl.load_workbook(book).properties.title == "plan\\x1b[2J\\x07"
