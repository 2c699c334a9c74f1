"""Comparing plans: hand-derived columns and deltas, inputs that differ, infeasible plans, CLI outputs."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from optimiser import ConfigError, load_config
from optimiser.cli import main
from optimiser.compare import compare, flatten, plans_from_args, year_ranges

from .conftest import CASES
from .tiny import tiny_config

# One institution "=cmd" (a name that must never become a formula), one year,
# class sizes 1, 30 knowledge and 30 practice hours per student, ten academic
# teachers (3,000 knowledge hours: room for 100 students) and enterprise
# lecturers of 120 practice hours for 12,000 yuan: each lecturer is 4
# compound graduates. 24,000 yuan buys 2 lecturers (8 graduates); the "rich"
# scenario's 48,000 buys 4 (16 graduates). "strict" asks a double-qualified
# share of 0.5 that no lever can reach: infeasible.

def one_config(per_year: int = 24000) -> dict[str, Any]:
    return tiny_config(
        name="one institution",
        policies={"max_external_ratio": 10},
        funding__universities__per_year=per_year,
        institutions__0__name="=cmd",
        institutions__0__intake={"basic": 1000},
        scenarios={
            "rich": {"description": "funding doubled", "set": {"funding.universities.per_year": 48000}},
            "strict": {"description": "a double-qualified floor no lever can reach",
                       "set": {"policies.min_double_qualified_share": 0.5}},
        },
    )

TIE_BREAK = 1e-6  # the tie-break keeps output within 1e-7 of the optimum


@pytest.fixture
def one(write_config: Callable[[str, str], Path]) -> Path:
    return write_config(yaml.safe_dump(one_config(), sort_keys=False), "one.yaml")


def test_scenarios_side_by_side_with_hand_derived_numbers(one: Path) -> None:
    comparison = compare(plans_from_args([one], "base,rich,strict"))
    assert list(comparison.table.columns) == ["base", "rich", "strict"]
    assert comparison.row("status").tolist() == ["optimal", "optimal", "infeasible"]
    assert comparison.row("objective").tolist()[:2] == pytest.approx([8.0, 16.0], rel=TIE_BREAK)
    assert comparison.row("total_cost").tolist()[:2] == pytest.approx([24000.0, 48000.0], rel=TIE_BREAK)
    assert comparison.row("cost_per_compound_graduate").tolist()[:2] == pytest.approx([3000.0, 3000.0], rel=TIE_BREAK)
    assert comparison.row("compound_output.basic").tolist()[:2] == pytest.approx([8.0, 16.0], rel=TIE_BREAK)
    # With no plan there are no practice hours, so no compound graduate: all 8 (16) are added, at 3,000 yuan each.
    assert comparison.row("baseline_output").tolist()[:2] == pytest.approx([0.0, 0.0], abs=1e-9)
    assert comparison.row("added_output").tolist()[:2] == pytest.approx([8.0, 16.0], rel=TIE_BREAK)
    assert comparison.row("cost_per_added_graduate").tolist()[:2] == pytest.approx([3000.0, 3000.0], rel=TIE_BREAK)
    assert comparison.row("commitments_after_horizon").tolist()[:2] == [0.0, 0.0]
    assert comparison.table.index[3:13].tolist() == [
        "weighted graduates given up for steadiness", "weighted compound graduates of the plan",
        "do-nothing baseline (weighted graduates)", "weighted graduates added over the baseline",
        "total cost (yuan)", "money spent for steadiness (yuan)", "average cost per compound graduate (yuan)",
        "compound graduates, all tiers", "cost per added weighted graduate (yuan)", "committed after the horizon (yuan)"]
    assert comparison.row("single_skill_output.basic").tolist()[:2] == pytest.approx([992.0, 984.0], rel=TIE_BREAK)
    assert comparison.row("spend_by_lever.enterprise_lecturers").tolist()[:2] == pytest.approx([24000.0, 48000.0], rel=TIE_BREAK)
    assert comparison.row("spend_by_source.universities").tolist()[:2] == pytest.approx([24000.0, 48000.0], rel=TIE_BREAK)
    # Lecturers are bought until money runs out: practice binds, knowledge has room.
    assert comparison.row("bottleneck.practice").tolist() == ["=cmd 2025", "=cmd 2025", ""]
    assert comparison.row("bottleneck.knowledge").tolist() == ["none", "none", ""]
    # Deltas are against the first plan.
    assert comparison.delta("objective").tolist()[:2] == pytest.approx([0.0, 8.0], rel=TIE_BREAK)
    assert comparison.delta("total_cost")["rich"] == pytest.approx(24000.0, rel=TIE_BREAK)


def test_an_infeasible_plan_stays_with_its_diagnosis(one: Path) -> None:
    comparison = compare(plans_from_args([one], "base,strict"))
    strict = comparison.table["strict"]
    assert math.isnan(comparison.row("objective")["strict"])
    assert math.isnan(comparison.delta("objective")["strict"])
    assert comparison.row("diagnosis")["strict"] == (
        "policies.min_double_qualified_share at =cmd in 2025: reachable 0.00, asked 0.5"
    )
    assert comparison.row("diagnosis")["base"] == ""
    assert strict.iloc[0] == "infeasible"
    data = comparison.to_dict()
    assert [p["name"] for p in data["plans"]] == ["base", "strict"]
    assert data["plans"][1]["status"] == "infeasible"
    assert data["plans"][1]["objective"] is None
    assert data["plans"][1]["diagnosis"][0]["config_path"] == "policies.min_double_qualified_share"


def test_inputs_that_differ(one: Path) -> None:
    comparison = compare(plans_from_args([one], ["base", "rich", "strict"]))
    inputs = comparison.inputs.set_index("key")
    assert list(inputs.index) == ["funding.universities.per_year", "policies.min_double_qualified_share"]
    assert inputs.loc["funding.universities.per_year"].tolist() == [24000, 48000, 24000]
    assert inputs.loc["policies.min_double_qualified_share"].tolist() == [None, None, 0.5]
    assert comparison.to_dict()["inputs_that_differ"][0] == {
        "key": "funding.universities.per_year", "values": {"base": 24000, "rich": 48000, "strict": 24000},
    }


def test_flatten_addresses_institutions_by_name_and_keeps_series_whole() -> None:
    raw = {
        "policies": {"min_double_qualified_share": {2025: 0.5, 2028: 0.6}},
        "institutions": [{"name": "A", "teachers": {"academic": 3}}],
        "scenarios": {"x": {"set": {}}},
    }
    assert flatten(raw) == {
        "policies.min_double_qualified_share": "2025: 0.5, 2028: 0.6",
        "institutions.A.teachers.academic": 3,
        "institutions.A": "present",
    }
    assert year_ranges([2025, 2026, 2027, 2030]) == "2025-2027, 2030"


def test_several_files_and_scenarios_of_each(one: Path, write_config: Callable[[str, str], Path]) -> None:
    other = write_config(yaml.safe_dump(one_config(per_year=36000), sort_keys=False), "other.yaml")
    assert [name for name, _ in plans_from_args([one, other])] == ["one", "other"]
    items = plans_from_args([one, other], "base,rich")
    assert [name for name, _ in items] == ["one:base", "one:rich", "other:base", "other:rich"]
    comparison = compare(items)
    # 36,000 buys 3 lecturers: 12 graduates.
    assert comparison.row("objective").tolist() == pytest.approx([8.0, 16.0, 12.0, 16.0], rel=TIE_BREAK)
    assert comparison.delta("objective").tolist() == pytest.approx([0.0, 8.0, 4.0, 8.0], rel=TIE_BREAK)


def test_unknown_scenario_lists_the_valid_ones(one: Path) -> None:
    with pytest.raises(ConfigError, match=r"no scenario 'austerty'; valid scenarios: base, rich, strict"):
        plans_from_args([one], "base,austerty")


def test_same_file_twice_gets_distinct_columns(one: Path) -> None:
    config = load_config(one)
    comparison = compare([("plan", config), ("plan", config)])
    assert list(comparison.table.columns) == ["plan", "plan #2"]
    assert comparison.delta("objective")["plan #2"] == pytest.approx(0.0, abs=1e-9)
    assert comparison.inputs.empty


def test_by_year_rows(one: Path) -> None:
    comparison = compare(plans_from_args([one], "base"), by_year=True)
    assert comparison.row("compound_output.basic.2025")["base"] == pytest.approx(8.0, rel=TIE_BREAK)


def test_by_year_rows_leave_years_outside_a_horizon_blank(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    # Two years against one: the one-year plan does not model 2026. It showed 0.0 graduates there and a change
    # of -8, in the terminal, the CSV files and the workbook alike.
    from openpyxl import load_workbook

    two = tmp_path / "two.yaml"
    two.write_text(yaml.safe_dump(one_config() | {"horizon": {"start": 2025, "years": 2}}), encoding="utf-8")
    one = tmp_path / "one.yaml"
    one.write_text(yaml.safe_dump(one_config()), encoding="utf-8")
    comparison = compare([("two", load_config(two)), ("one", load_config(one))], by_year=True)
    assert comparison.row("compound_output.basic.2026")["two"] == pytest.approx(8.0, rel=TIE_BREAK)
    assert math.isnan(comparison.row("compound_output.basic.2026")["one"])
    assert math.isnan(comparison.delta("compound_output.basic.2026")["one"])
    assert math.isnan(comparison.row("single_skill_output.basic.2026")["one"])
    assert comparison.row("compound_output.basic.2025")["one"] == pytest.approx(8.0, rel=TIE_BREAK)
    out, book = tmp_path / "cmp", tmp_path / "cmp.xlsx"
    assert main(["compare", str(two), str(one), "--by-year", "--out", str(out), "--xlsx", str(book)]) == 0
    text = capfd.readouterr().out
    assert [line.split()[-2:] for line in text.splitlines()
            if line.strip().startswith("compound graduates: basic 2026")] == [["8.0", "-"]]
    for name in ("comparison.csv", "deltas.csv"):
        table = pd.read_csv(out / name, keep_default_na=False).set_index("key")
        assert table.loc["compound_output.basic.2026", "one"] == "", name
    for sheet in ("Comparison", "Deltas"):
        rows = {row[1]: row for row in load_workbook(book)[sheet].iter_rows(values_only=True)}
        assert rows["compound_output.basic.2026"][-1] is None, sheet


@pytest.mark.slow
def test_known_answer_scenario(solver: str) -> None:
    comparison = compare(plans_from_args([CASES / "medium.yaml"], "base,lean"), solver=solver)
    assert comparison.row("objective").tolist() == pytest.approx([75666.399164, 72220.27425], rel=1e-6)
    assert comparison.delta("objective")["lean"] == pytest.approx(72220.27425 - 75666.399164, rel=1e-5)
    assert comparison.row("total_cost").tolist() == pytest.approx([79187375.44, 57012505.88], rel=1e-4)


# -- the command line ---------------------------------------------------------------


def test_cli_json_is_one_object(one: Path, capfd: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", str(one), "--scenarios", "base,rich,strict", "--json"]) == 0
    data = json.loads(capfd.readouterr().out)  # fails on any other output
    assert [p["name"] for p in data["plans"]] == ["base", "rich", "strict"]
    assert [p["status"] for p in data["plans"]] == ["optimal", "optimal", "infeasible"]
    assert data["plans"][1]["delta"]["objective"] == pytest.approx(8.0, rel=TIE_BREAK)
    assert data["plans"][0]["bottlenecks"]["practice"] == "=cmd 2025"
    assert data["plans"][2]["objective"] is None
    assert [p["added_output"] for p in data["plans"]] == [pytest.approx(8.0), pytest.approx(16.0), None]
    assert [p["cost_per_added_graduate"] for p in data["plans"]] == [pytest.approx(3000.0), pytest.approx(3000.0), None]
    assert data["plans"][0]["baseline_output"] == pytest.approx(0.0, abs=1e-9)


def test_cli_text_and_exit_codes(one: Path, capfd: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", str(one), "--scenarios", "base,rich"]) == 0
    out = capfd.readouterr().out
    assert "Comparison of 2 plans (changes are against base)" in out
    assert "total cost (yuan)" in out and "24,000" in out and "48,000" in out
    assert "funding.universities.per_year" in out
    assert "base: practice (no practical experience): =cmd 2025" in out
    assert main(["compare", str(one), "--scenarios", "base,nope"]) == 2
    err = capfd.readouterr().err
    assert "no scenario 'nope'; valid scenarios: base, rich, strict" in err


def test_cli_csv_files(one: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cmp"
    assert main(["compare", str(one), "--scenarios", "base,rich,strict", "--out", str(out), "--json"]) == 0
    capfd.readouterr()
    assert sorted(p.name for p in out.iterdir()) == ["comparison.csv", "deltas.csv", "inputs.csv"]
    table = pd.read_csv(out / "comparison.csv", keep_default_na=False).set_index("key")
    assert list(table.columns) == ["measure", "unit", "base", "rich", "strict"]
    assert float(table.loc["total_cost", "rich"]) == pytest.approx(48000.0, rel=TIE_BREAK)
    assert table.loc["status", "strict"] == "infeasible"
    # "=cmd 2025" is text, never a formula.
    assert table.loc["bottleneck.practice", "base"] == "'=cmd 2025"
    deltas = pd.read_csv(out / "deltas.csv").set_index("key")
    assert deltas.loc["objective", "rich"] == pytest.approx(8.0, rel=TIE_BREAK)
    inputs = pd.read_csv(out / "inputs.csv").set_index("key")
    assert inputs.loc["funding.universities.per_year"].tolist() == [24000, 48000, 24000]


def test_cli_workbook(one: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "compare.xlsx"
    assert main(["compare", str(one), "--scenarios", "base,rich,strict", "--xlsx", str(path)]) == 0
    assert f"wrote {path}" in capfd.readouterr().out
    book = load_workbook(path)
    assert book.sheetnames == ["Comparison", "Deltas", "Inputs"]
    sheet = book["Comparison"]
    assert [c.value for c in sheet[1]] == ["measure", "key", "unit", "base", "rich", "strict"]
    assert sheet.freeze_panes == "D2"
    assert sheet.auto_filter.ref == f"A1:F{sheet.max_row}"
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    cost = rows["total_cost"]
    assert cost[4].value == pytest.approx(48000.0, rel=TIE_BREAK)
    assert cost[4].number_format == "#,##0"
    assert rows["objective"][3].number_format == "#,##0.0"
    practice = rows["bottleneck.practice"][3]
    assert practice.value == "=cmd 2025" and practice.data_type == "s" and practice.quotePrefix
    assert sheet.column_dimensions["A"].width > 20
    deltas = {row[1].value: row for row in book["Deltas"].iter_rows(min_row=2)}
    assert deltas["objective"][4].value == pytest.approx(8.0, rel=TIE_BREAK)
    inputs = [[c.value for c in row] for row in book["Inputs"].iter_rows()]
    assert inputs[1] == ["funding.universities.per_year", 24000, 48000, 24000]
    frame = pd.read_excel(path, sheet_name="Comparison").set_index("key")
    assert frame.loc["bottleneck.practice", "rich"] == "=cmd 2025"


def test_the_workbook_reads_in_the_readers_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import openpyxl

    config = str(Path(__file__).resolve().parents[1] / "configs" / "zhejiang.yaml")
    books = {}
    for lang in ("en", "zh"):
        books[lang] = tmp_path / f"{lang}.xlsx"
        assert main(["compare", config, "--scenarios", "base,austerity", "--xlsx", str(books[lang]), "--lang", lang]) == 0
    capsys.readouterr()
    en, zh = (openpyxl.load_workbook(books[lang]) for lang in ("en", "zh"))
    assert en.sheetnames == ["Comparison", "Deltas", "Inputs"] and zh.sheetnames == ["方案比较", "变化", "输入差异"]
    en_rows = list(en.worksheets[0].iter_rows(values_only=True))
    zh_rows = list(zh.worksheets[0].iter_rows(values_only=True))
    assert en_rows[0][:3] == ("measure", "key", "unit") and zh_rows[0][:3] == ("指标", "配置键", "单位")
    # The same numbers and keys (identifiers for programs), the measures and units in Chinese.
    assert [row[1:2] + row[3:] for row in en_rows[1:]] == [row[1:2] + row[3:] for row in zh_rows[1:]]
    given_up = next(row for row in zh_rows if row[1] == "output_given_up")
    assert given_up[0] == "为平稳放弃的加权毕业生" and given_up[2] == "加权毕业生"


def test_a_tier_a_plans_config_does_not_have_is_blank_not_zero(tmp_path: Path) -> None:
    from .tiny import two_tiers_config, write_tiny

    one_tier = load_config(write_tiny(tmp_path, tiny_config(name="basic only"), "one.yaml"))
    two_tiers = load_config(write_tiny(tmp_path, two_tiers_config(), "two.yaml"))
    comparison = compare([("two", two_tiers), ("one", one_tier)], by_year=True)
    assert comparison.row("compound_output.senior")["two"] > 0
    for key in ("compound_output.senior", "compound_output.senior.2025", "single_skill_output.senior"):
        assert math.isnan(comparison.row(key)["one"]), key
        assert math.isnan(comparison.delta(key)["one"]), key
    assert not math.isnan(comparison.row("compound_output.basic")["one"])
