"""The Excel workbook: sheets, hand-derived numbers, formats, and names that stay text."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
import yaml

from optimiser import load_config, solve
from optimiser.cli import main
from optimiser.compare import compare, plans_from_args
from optimiser.evaluate import evaluate
from optimiser.report.xlsx import PERCENT, SHEETS, YUAN, write_xlsx
from optimiser.sensitivity import sensitivity

from ..tiny import tiny_config, write_tiny

EVIL_INSTITUTION = '=HYPERLINK("http://x")'
FUNDING_STATEMENT = (
    "each extra 100,000 yuan of universities funding in 2025 buys 33.3 compound graduates (3,000 yuan each)"
)
EVIL_SCENARIO = "+evil"


def tiny_result(tmp_path: Path, **changes: Any):  # type: ignore[no-untyped-def]
    return solve(load_config(write_tiny(tmp_path, tiny_config(**changes))))


def evil_config(copy_config: Callable[[str], Path]) -> Path:
    """The Zhejiang config with institutions, levers and a scenario named like formulas, markup or mathtext."""
    path = copy_config("zhejiang.yaml")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["institutions"][0]["name"] = EVIL_INSTITUTION
    raw["institutions"][1]["name"] = "<script>alert(1)</script>"
    raw["levers"]["tuition_subsidies"]["institutions"] = [EVIL_INSTITUTION, "<script>alert(1)</script>"]
    raw["levers"]["@lecturers"] = raw["levers"].pop("enterprise_lecturers")
    raw["levers"]["$secondments$"] = raw["levers"].pop("secondments")  # mathtext, if a chart took it as is
    for source in raw["funding"].values():
        if isinstance(source["funds"], list):
            renamed = {"enterprise_lecturers": "@lecturers", "secondments": "$secondments$"}
            source["funds"] = [renamed.get(f, f) for f in source["funds"]]
    raw["scenarios"][EVIL_SCENARIO] = raw["scenarios"].pop("austerity")
    path.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def header_row(ws: Any) -> list[Any]:
    return [c.value for c in ws[1]]


def row_where(ws: Any, column: str, value: Any) -> dict[str, Any]:
    header = header_row(ws)
    j = header.index(column)
    for row in ws.iter_rows(min_row=2, values_only=True):
        if row[j] == value:
            return dict(zip(header, row))
    raise AssertionError(f"no row with {column} == {value!r}")


def cell_of(ws: Any, column: str, value_column: str, value: Any) -> Any:
    header = header_row(ws)
    j, k = header.index(column) + 1, header.index(value_column)
    for row in ws.iter_rows(min_row=2):
        if row[k].value == value:
            return row[j - 1]
    raise AssertionError(f"no row with {value_column} == {value!r}")


def test_sheets_and_hand_derived_numbers(tmp_path: Path) -> None:
    # Tiny config: practice is the only bottleneck; a lecturer's 120 practice
    # hours teach 4 students at 30 hours each, so 24,000 yuan buys 2 lecturers
    # and 8 compound graduates (3,000 yuan each); the other 92 are single-skill.
    result = tiny_result(tmp_path)
    path = write_xlsx(tmp_path / "report.xlsx", result)
    book = openpyxl.load_workbook(path)
    assert tuple(book.sheetnames) == SHEETS
    summary = book["Summary"]
    total = cell_of(summary, "value", "finding", "total cost")
    assert total.value == pytest.approx(24000.0) and total.number_format == YUAN
    assert cell_of(summary, "value", "finding", "average cost per compound graduate (total cost / every compound graduate)").value == pytest.approx(3000.0)
    share = cell_of(summary, "value", "finding", "compound share of all graduates")
    assert share.value == pytest.approx(0.08) and share.number_format == PERCENT
    assert row_where(summary, "section", "where the \"three no\" bind")["finding"] == (
        "College: no practical experience in 1 of 1 years"
    )

    plan = row_where(book["Plan"], "lever", "enterprise_lecturers")
    assert plan["units"] == pytest.approx(2.0) and plan["cost"] == pytest.approx(24000.0)
    outputs = book["Outputs"]
    row = row_where(outputs, "institution", "College")
    assert (row["compound"], row["single_skill"]) == (pytest.approx(8.0), pytest.approx(92.0))
    assert cell_of(outputs, "compound_share", "institution", "College").number_format == PERCENT
    funding = book["Funding"]
    assert cell_of(funding, "amount", "source", "universities").number_format == YUAN
    cap = row_where(book["Constraints"], "kind", "funding_cap")
    assert cap["shadow_price"] == pytest.approx(1 / 3000)
    assert cell_of(book["Constraints"], "limit", "kind", "funding_cap").number_format == YUAN


def test_every_sheet_has_a_frozen_header_autofilter_and_readable_widths(tmp_path: Path) -> None:
    result = tiny_result(tmp_path)
    book = openpyxl.load_workbook(write_xlsx(tmp_path / "report.xlsx", result))
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        last = openpyxl.utils.get_column_letter(ws.max_column)
        assert ws.auto_filter.ref == f"A1:{last}{ws.max_row}", ws.title
        widths = [ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width for j in range(1, ws.max_column + 1)]
        # Wrapped text columns (findings, statements) are 90 wide so a key figure fits on one printed line.
    assert all(8 <= w <= 90 for w in widths), (ws.title, widths)
    # A column is as wide as its longest entry: "enterprise_lecturers" (20 characters) plus a margin.
    assert book["Plan"].column_dimensions["A"].width == 22


def test_pandas_reads_each_table_back(tmp_path: Path) -> None:
    result = tiny_result(tmp_path)
    path = write_xlsx(tmp_path / "report.xlsx", result)
    plan = pd.read_excel(path, sheet_name="Plan", keep_default_na=False)
    assert list(plan.columns) == list(result.plan.columns)
    assert plan["units"].tolist() == pytest.approx(result.plan["units"].tolist())
    outputs = pd.read_excel(path, sheet_name="Outputs")
    assert outputs["compound"].sum() == pytest.approx(8.0)
    constraints = pd.read_excel(path, sheet_name="Constraints")
    assert len(constraints) == len(result.constraints)


def test_comparison_sheet_says_which_plan_is_better_and_by_how_much(tmp_path: Path, zhejiang_exact: Path) -> None:
    # Both plans spend all the money they may (less a few hundred yuan the
    # tie-break leaves): 6 + 4 + 2 M yuan a year for six years is 72 M in
    # base; austerity halves government funding to 3 M a year: 54 M, -25%.
    comparison = compare(plans_from_args([zhejiang_exact], ["base", "austerity"]))
    path = write_xlsx(tmp_path / "report.xlsx", comparison.results[0][1], comparison=comparison)
    book = openpyxl.load_workbook(path)
    sheet = book["Comparison"]
    assert header_row(sheet) == ["measure", "unit", "base", "austerity", "change: austerity", "change %: austerity"]
    cost = row_where(sheet, "measure", "total cost (yuan)")
    assert cost["base"] == pytest.approx(96e6, abs=1e3) and cost["austerity"] == pytest.approx(66e6, abs=1e3)
    assert cost["change: austerity"] == pytest.approx(-30e6, abs=1e3)
    assert cost["change %: austerity"] == pytest.approx(-0.3125, abs=1e-4)
    assert cell_of(sheet, "change %: austerity", "measure", "total cost (yuan)").number_format == PERCENT
    assert cell_of(sheet, "austerity", "measure", "total cost (yuan)").number_format == YUAN
    inputs = row_where(sheet, "measure", "input: funding.government.per_year")
    assert (inputs["base"], inputs["austerity"]) == (10000000, 5000000)
    # Plans are ranked by the cost of what they add over doing nothing: total cost / added output.
    added = row_where(sheet, "measure", "weighted graduates added over the baseline")
    per_added = row_where(sheet, "measure", "cost per added weighted graduate (yuan)")
    baseline = row_where(sheet, "measure", "do-nothing baseline (weighted graduates)")
    assert baseline["base"] == baseline["austerity"] > 0
    for plan in ("base", "austerity"):
        assert per_added[plan] == pytest.approx(cost[plan] / added[plan], rel=1e-9)
    assert per_added["austerity"] < per_added["base"]
    verdict = [r[1] for r in book["Summary"].iter_rows(min_row=2, values_only=True) if r[0] == "which plan is better"]
    # 839.8 fewer graduates for 30.0 M yuan less: 35,722 yuan saved per graduate given up.
    assert verdict == [
        "Best plan by the objective: base (it delivers 31,239.2 weighted compound graduates, 96.00 M yuan).",
        f"Lowest cost per added weighted graduate: austerity ({per_added['austerity']:,.0f} yuan, against "
        f"{per_added['base']:,.0f} yuan in base).",
        (
            "austerity: 839.8 fewer weighted compound graduates than base (-2.7%), 30.00 M yuan cheaper "
            "(35,722 yuan saved per weighted graduate given up)."
        ),
    ]
    frame = pd.read_excel(path, sheet_name="Comparison")
    assert list(frame.columns) == header_row(sheet)


def test_formula_like_names_stay_text(copy_config: Callable[[str], Path], tmp_path: Path) -> None:
    comparison = compare(plans_from_args([evil_config(copy_config)], [EVIL_SCENARIO, "base"]))
    result = comparison.results[0][1]
    path = write_xlsx(tmp_path / "evil.xlsx", result, comparison=comparison)
    book = openpyxl.load_workbook(path)
    plan_header = book["Comparison"].cell(row=1, column=3)
    assert plan_header.value == EVIL_SCENARIO and plan_header.data_type == "s"
    inst = cell_of(book["Outputs"], "institution", "institution", EVIL_INSTITUTION)
    assert inst.data_type == "s" and inst.value == EVIL_INSTITUTION and inst.quotePrefix
    scenario = cell_of(book["Summary"], "value", "finding", "scenario")
    assert scenario.data_type == "s" and scenario.value == EVIL_SCENARIO
    lever = cell_of(book["Plan"], "lever", "lever", "@lecturers")
    assert lever.data_type == "s"
    # No sheet holds a single formula: each text cell is a string in the file itself.
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == len(SHEETS)
        for name in sheets:
            assert "<f>" not in archive.read(name).decode("utf-8"), name
    for ws in book.worksheets:
        for row in ws.iter_rows():
            assert all(cell.data_type != "f" for cell in row), ws.title


def test_infeasible_plan_gets_a_workbook_with_the_reason(tmp_path: Path) -> None:
    # 24,000 yuan buys at most 8 graduates; a floor of 20 lecturers costs 240,000.
    result = tiny_result(tmp_path, levers__enterprise_lecturers__min_per_year=20)
    assert result.status.value == "infeasible"
    book = openpyxl.load_workbook(write_xlsx(tmp_path / "report.xlsx", result))
    reasons = [r for r in book["Summary"].iter_rows(min_row=2, values_only=True) if r[0] == "why there is no plan"]
    assert reasons and all(r[1] for r in reasons)
    assert book["Plan"].max_row == 1  # header only


def test_a_failed_write_keeps_the_previous_workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = tiny_result(tmp_path)
    path = write_xlsx(tmp_path / "report.xlsx", result)
    before = path.read_bytes()

    def broken(self: Any, filename: Any) -> None:  # the workbook is saved to a file, or into memory first
        filename.write(b"half") if hasattr(filename, "write") else Path(filename).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken)
    with pytest.raises(OSError, match="disk full"):
        write_xlsx(path, result)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []


def test_sensitivity_sheets_show_ranges_and_the_ranking(tmp_path: Path) -> None:
    # Each 12,000 yuan buys a lecturer and 4 graduates, until all 100 students
    # are trained at 25 lecturers = 300,000 yuan (academic hours teach exactly
    # 3,000 / 30 = 100 students): the 24,000-yuan cap may rise by 276,000 and
    # fall by 24,000 at 1/3,000 graduate per yuan. Enrolment (100) may rise
    # without limit: 92 students are untrained.
    result = tiny_result(tmp_path)
    path = write_xlsx(tmp_path / "report.xlsx", result, sensitivity(result))
    book = openpyxl.load_workbook(path)
    sheet = book["Sensitivity"]
    cap = row_where(sheet, "name", "universities funding")
    assert cap["rhs"] == pytest.approx(24000.0) and cap["shadow_price"] == pytest.approx(1 / 3000)
    assert (cap["allowable_increase"], cap["allowable_decrease"]) == (pytest.approx(276000.0), pytest.approx(24000.0))
    assert cell_of(sheet, "allowable_increase", "name", "universities funding").number_format == YUAN
    unlimited = cell_of(sheet, "allowable_increase", "name", "students enrolled in basic")
    assert unlimited.value == "unlimited" and unlimited.data_type == "s"
    lecturers = row_where(book["Sensitivity variables"], "lever", "enterprise_lecturers")
    assert lecturers["final_value"] == pytest.approx(2.0)
    ranking = book["Ranking"]
    first = row_where(ranking, "config_path", "funding.universities.per_year")
    assert first["statement"].startswith(FUNDING_STATEMENT)
    assert (first["valid_from"], first["valid_to"]) == (pytest.approx(0.0), pytest.approx(300000.0))
    assert cell_of(ranking, "valid_to", "config_path", "funding.universities.per_year").number_format == YUAN
    bought = [r[1] for r in book["Summary"].iter_rows(min_row=2, values_only=True) if r[0] == "what the next unit buys"]
    assert bought[0].startswith(FUNDING_STATEMENT)


# ----------------------------------------------------------------- the command


def tiny_with_scenario(tmp_path: Path, **changes: Any) -> Path:
    """The tiny config with a scenario ``rich`` that doubles the funding to 48,000 yuan (16 graduates)."""
    config = tiny_config(**changes)
    config["scenarios"] = {"rich": {"set": {"funding.universities.per_year": 48000}}}
    return write_tiny(tmp_path, config)


def test_report_command_writes_workbook_and_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tiny_with_scenario(tmp_path)
    xlsx, page = tmp_path / "out" / "plan.xlsx", tmp_path / "out" / "plan.html"
    assert main(["report", str(path), "--scenarios", "base,rich", "--xlsx", str(xlsx), "--html", str(page)]) == 0
    out = capsys.readouterr().out
    assert f"wrote {xlsx}" in out and f"wrote {page}" in out
    # 48,000 yuan buys 4 lecturers and 16 graduates; the base plan's 24,000 buys 8.
    assert "Best plan by the objective: rich (it delivers 16.0 weighted compound graduates, 48,000 yuan)." in out
    assert "base: 8.0 fewer weighted compound graduates than rich (-50.0%), 24,000 yuan cheaper" in out
    assert FUNDING_STATEMENT in out
    book = openpyxl.load_workbook(xlsx)
    assert header_row(book["Comparison"])[2:4] == ["base", "rich"]
    assert row_where(book["Summary"], "finding", "scenario")["value"] == "base"  # the first listed is the main plan
    assert row_where(book["Ranking"], "config_path", "funding.universities.per_year")["statement"].startswith(
        FUNDING_STATEMENT
    )
    text = page.read_text(encoding="utf-8")
    assert text.count("data-chart=") == 4 and 'id="comparison"' in text and FUNDING_STATEMENT in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "report: nothing to write; give --html FILE, --xlsx FILE or both"),
        (["--html", "x.html", "--scenarios", "base,rich,base"], "base listed more than once"),
        (["--html", "x.html", "--scenarios", "base,,rich"], "expected comma-separated scenario names"),
        (["--html", "x.html", "--scenarios", "base,nope"], "no scenario 'nope'; valid scenarios: base, rich"),
        (["--html", "x.html", "--plan", "missing.csv"], "missing.csv: plan file not found"),
    ],
)
def test_report_command_rejects_bad_arguments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    path = tiny_with_scenario(tmp_path)
    assert main(["report", str(path), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "x.html").exists()


def test_report_of_an_infeasible_plan_is_written_and_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A floor of 20 lecturers costs 240,000 yuan; base has 24,000, rich 48,000.
    path = tiny_with_scenario(tmp_path, levers__enterprise_lecturers__min_per_year=20)
    xlsx = tmp_path / "plan.xlsx"
    assert main(["report", str(path), "--scenarios", "base,rich", "--xlsx", str(xlsx)]) == 3
    assert "the main plan (base) is infeasible; the report says why" in capsys.readouterr().err
    book = openpyxl.load_workbook(xlsx)
    assert any(r[0] == "why there is no plan" for r in book["Summary"].iter_rows(min_row=2, values_only=True))
    assert row_where(book["Comparison"], "measure", "status")["rich"] == "infeasible"


def test_report_command_whole_units_shows_lp_bound_gap_and_fixed_integer_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 30,000 yuan: 2.5 lecturers and 10 graduates in fractional units, but
    # whole lecturers stop at 2 and 8 graduates: a gap of 2 / 10 = 20%.
    path = tiny_with_scenario(tmp_path, funding__universities__per_year=30000)
    xlsx = tmp_path / "plan.xlsx"
    assert main(["report", str(path), "--integer", "--solver", "cbc", "--xlsx", str(xlsx)]) == 0
    book = openpyxl.load_workbook(xlsx)
    summary = book["Summary"]
    notes = [r[1] for r in summary.iter_rows(min_row=2, values_only=True) if r[0] == "note"]
    assert any(n.startswith("integer plan: the report is for the LP with the integer decisions fixed") for n in notes)
    assert row_where(book["Plan"], "lever", "enterprise_lecturers")["units"] == 2
    figures = {r[1]: r[2] for r in summary.iter_rows(min_row=2, values_only=True) if r[0] == "key figures"}
    assert figures["objective: weighted compound graduates (maximised)"] == pytest.approx(8)
    assert figures["LP bound (the same plan in fractional units)"] == pytest.approx(10)
    gap = cell_of(summary, "value", "finding", "integrality gap (whole units against the LP bound)")
    assert gap.value == pytest.approx(0.2) and gap.number_format == PERCENT


def test_summary_says_what_each_sheet_holds(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_xlsx(tmp_path / "report.xlsx", tiny_result(tmp_path)))
    contents = {r[0]: r[1] for r in book["Summary"].iter_rows(min_row=2, values_only=True) if r[0].startswith("sheet ")}
    assert list(contents) == [f"sheet {name}" for name in SHEETS if name != "Summary"]
    assert contents["sheet Funding"] == "yuan each source pays for each lever and year"


def test_plan_sheet_edited_by_hand_is_a_plan_evaluate_reads(tmp_path: Path) -> None:
    # The officer halves the lecturers (2 -> 1) in the workbook: 4 graduates
    # instead of 8, 12,000 yuan instead of 24,000.
    config = load_config(write_tiny(tmp_path, tiny_config()))
    path = write_xlsx(tmp_path / "report.xlsx", solve(config))
    book = openpyxl.load_workbook(path)
    cell_of(book["Plan"], "units", "lever", "enterprise_lecturers").value = 1
    book.save(path)
    evaluation = evaluate(config, path)
    assert evaluation.feasible
    assert evaluation.objective == pytest.approx(4.0) and evaluation.total_cost == pytest.approx(12000.0)
    assert evaluation.gap_objective == pytest.approx(4.0)


def test_report_command_sets_hand_made_plans_beside_the_optimised_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # "keeps" buys one lecturer (12,000 yuan, 4 graduates) and keeps every
    # limit; "breaks" buys three (36,000 yuan, 12 graduates) from 24,000 yuan
    # of funding. rich (48,000 yuan, 16 graduates) is the best plan.
    path = tiny_with_scenario(tmp_path)
    files = {}
    for name, units in (("keeps", 1), ("breaks", 3)):
        files[name] = tmp_path / f"{name}.csv"
        files[name].write_text(f"lever,institution,tier,year,units\nenterprise_lecturers,College,,2025,{units}\n")
    xlsx = tmp_path / "plans.xlsx"
    plans = ["--plan", str(files["keeps"]), "--plan", str(files["breaks"])]
    assert main(["report", str(path), "--scenarios", "base,rich", *plans, "--xlsx", str(xlsx)]) == 0
    out = capsys.readouterr().out
    assert "keeps: 12.0 fewer weighted compound graduates than rich (-75.0%), 36,000 yuan cheaper" in out
    assert "breaks: breaks 1 limit (universities funding in 2025 exceeded by 12,000 yuan" in out
    assert "so it cannot be carried out as drawn; even with those breaches: 4.0 fewer" in out
    sheet = openpyxl.load_workbook(xlsx)["Comparison"]
    assert header_row(sheet)[2:6] == ["base", "rich", "keeps", "breaks"]
    status = row_where(sheet, "measure", "status")
    assert (status["keeps"], status["breaks"]) == ("hand-made: keeps every limit", "hand-made: breaks 1 limit")
    assert "exceeded by 12,000 yuan" in row_where(sheet, "measure", "diagnosis")["breaks"]
    # In Chinese the hand-made plans' status is Chinese too.
    zh = tmp_path / "plans_zh.xlsx"
    assert main(["report", str(path), "--scenarios", "base,rich", *plans, "--xlsx", str(zh), "--lang", "zh"]) == 0
    capsys.readouterr()
    cells = {str(cell.value) for ws in openpyxl.load_workbook(zh).worksheets for row in ws.iter_rows() for cell in row}
    assert {"人工方案：满足所有限制", "人工方案：违反 1 项限制"} <= cells
    assert not any("hand-made" in cell for cell in cells)
    graduates = row_where(sheet, "measure", "compound graduates, all tiers")
    assert (graduates["keeps"], graduates["breaks"]) == (pytest.approx(4.0), pytest.approx(12.0))
    assert graduates["change: keeps"] == pytest.approx(-4.0)  # against base, the first plan


def test_the_sheets_the_guide_lists_are_the_workbook_s(tmp_path: Path) -> None:
    """docs/reports.md's sheet table (English) and its list of Chinese names are the sheets a workbook has."""
    import re

    from optimiser.i18n import language

    guide = (Path(__file__).resolve().parents[2] / "docs" / "reports.md").read_text(encoding="utf-8")
    table = guide[guide.index("| sheet | contents |"):].split("\n\n")[0].splitlines()[2:]
    listed = [row.split("|")[1].strip() for row in table]
    chinese = re.search(r"named in Chinese \(([^)]*)\)", guide)
    assert chinese is not None
    chinese_listed = [name.strip() for name in re.sub(r"\s+", " ", chinese.group(1)).split(",")]

    result = tiny_result(tmp_path)
    english = openpyxl.load_workbook(write_xlsx(tmp_path / "en.xlsx", result, sensitivity(result))).sheetnames
    with language("zh"):
        in_chinese = openpyxl.load_workbook(write_xlsx(tmp_path / "zh.xlsx", result, sensitivity(result))).sheetnames
    assert english == list(SHEETS)
    assert sorted(listed) == sorted(english)
    assert chinese_listed == in_chinese


def test_report_writes_both_files_or_neither(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_tiny(tmp_path, tiny_config())
    (tmp_path / "afile").write_text("in the way\n")
    old = tmp_path / "old.xlsx"
    old.write_bytes(b"an earlier workbook")
    # The HTML path cannot be written (a file stands where its folder would be): the workbook is not written
    # either, and the earlier one is left as it was.
    assert main(["report", str(config), "--xlsx", str(old), "--html", str(tmp_path / "afile" / "r.html")]) == 4
    assert "/afile is a file" in capsys.readouterr().err
    assert old.read_bytes() == b"an earlier workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["afile", "old.xlsx", config.name])
    assert main(["report", str(config), "--xlsx", str(old), "--html", str(tmp_path / "r.html")]) == 0
    assert "Summary" in openpyxl.load_workbook(old).sheetnames
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
