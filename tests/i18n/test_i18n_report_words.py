"""The words a Chinese planner still met in English: the one scarce resource, the ranking's and the comparison's
units and bottleneck rows, the HTML report's captions, intro and footer. Each is read back from what the command
line wrote (terminal text, workbook, HTML page); the English text, the CSV files and JSON stay as they were."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
from openpyxl import load_workbook

from optimiser.cli import main

from ..tiny import tiny_config, write_tiny

# Practice and training hours both fall to the enterprise lecturers, whose hours bind: one scarce resource.
SCARCE_ZH = "企业兼职教师的教学课时：实践课和实训课同时受限"
SCARCE_EN = "enterprise_lecturer teaching hours: practice and training bind together"


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    """The tiny config where practice and training teaching share the lecturers' hours."""
    return write_tiny(tmp_path, tiny_config(tiers__basic__hours__training=30, institutions__0__training_seats=1000),
                      name="shared.yaml")


def rows(path: Path, sheet: str) -> list[dict[str, object]]:
    """The rows of ``sheet``, each by its header."""
    table = list(load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True))
    return [dict(zip(table[0], row)) for row in table[1:]]


def test_the_one_scarce_resource_in_chinese_from_the_same_data(shared: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    xlsx = tmp_path / "zh.xlsx"
    assert main(["report", str(shared), "--xlsx", str(xlsx), "--lang", "zh"]) == 0
    assert [row["唯一稀缺资源"] for row in rows(xlsx, "瓶颈")] == [SCARCE_ZH]
    capsys.readouterr()
    out = tmp_path / "out"
    assert main(["solve", str(shared), "--lang", "zh", "--out", str(out)]) == 0
    assert f"  单一稀缺资源 {SCARCE_ZH}：1 个院校-年\n" in capsys.readouterr().out
    # The CSV file keeps the English sentence, whatever the language.
    with (out / "bottlenecks.csv").open(encoding="utf-8-sig") as handle:
        assert [row["scarce"] for row in csv.DictReader(handle)] == [SCARCE_EN]


def test_the_one_scarce_resource_in_english_is_unchanged(shared: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    xlsx = tmp_path / "en.xlsx"
    assert main(["report", str(shared), "--xlsx", str(xlsx), "--lang", "en"]) == 0
    assert [row["scarce"] for row in rows(xlsx, "Bottlenecks")] == [SCARCE_EN]
    capsys.readouterr()
    assert main(["solve", str(shared), "--lang", "en"]) == 0
    assert f"  one scarce resource, {SCARCE_EN}: 1 institution-years\n" in capsys.readouterr().out


@pytest.fixture
def two_plans(tmp_path: Path) -> Path:
    """The tiny config with a scenario that halves the universities' funding."""
    raw = tiny_config()
    raw["scenarios"] = {"lean": {"set": {"funding.universities.per_year": 12000}}}
    return write_tiny(tmp_path, raw, name="two.yaml")


def report(capsys: pytest.CaptureFixture[str], config: Path, directory: Path, lang: str) -> tuple[Path, str]:
    """The workbook and the HTML page of ``config``'s base plan compared with its scenario ``lean``."""
    xlsx, html = directory / f"{lang}.xlsx", directory / f"{lang}.html"
    assert main(["report", str(config), "--scenarios", "base,lean", "--xlsx", str(xlsx), "--html", str(html),
                 "--lang", lang]) == 0
    capsys.readouterr()
    return xlsx, html.read_text(encoding="utf-8")


def test_the_ranking_units_and_the_comparison_rows_of_a_chinese_workbook(
        two_plans: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xlsx, page = report(capsys, two_plans, tmp_path, "zh")
    units = {row["配置键路径"]: row["单位"] for row in rows(xlsx, "灵敏度排序")}
    assert units["funding.universities.per_year"] == "复合型毕业生（每100万元）"
    comparison = {row["指标"]: row for row in rows(xlsx, "方案比较")}
    assert comparison["输入：funding.universities.per_year"]["单位"] == "配置值"
    assert comparison["总成本（元）"]["单位"] == "元"
    assert comparison["复合型毕业生，全部层次"]["单位"] == "毕业生"
    practice = comparison["起约束作用：实践课教学课时（缺乏实践经验）"]
    assert (practice["base"], practice["lean"]) == ("College 2025", "College 2025")
    assert comparison["起约束作用：实训基地工位"]["base"] == "无"
    assert "诊断" in comparison
    # The HTML page shows the same comparison and its key figures' units in Chinese.
    assert "<th>输入：funding.universities.per_year</th><td>配置值</td>" in page
    assert "<th>起约束作用：实训基地工位</th><td></td><td>无</td><td>无</td>" in page
    assert '<td class="n">24,000</td><td>元</td>' in page


def test_the_ranking_units_and_the_comparison_rows_of_an_english_workbook(
        two_plans: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xlsx, page = report(capsys, two_plans, tmp_path, "en")
    units = {row["config_path"]: row["unit"] for row in rows(xlsx, "Ranking")}
    assert units["funding.universities.per_year"] == "compound graduates per million yuan"
    comparison = {row["measure"]: row for row in rows(xlsx, "Comparison")}
    assert comparison["input: funding.universities.per_year"]["unit"] == "config value"
    assert comparison["total cost (yuan)"]["unit"] == "yuan"
    practice = comparison["binds: practice (no practical experience)"]
    assert (practice["base"], practice["lean"]) == ("College 2025", "College 2025")
    assert comparison["binds: training-base seats"]["base"] == "none"
    assert "diagnosis" in comparison
    assert "<th>input: funding.universities.per_year</th><td>config value</td>" in page
    assert '<td class="n">24,000</td><td>yuan</td>' in page


def test_the_html_captions_intro_and_footer_in_chinese(two_plans: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    _xlsx, page = report(capsys, two_plans, tmp_path, "zh")
    assert "<details><summary>表：各措施各年份的金额（元）</summary><table><tr><th>措施</th><th>2025</th>" in page
    assert "<details><summary>表：各资金来源各年份的金额（元）</summary><table><tr><th>资金来源</th>" in page
    assert "<summary>表：各层次各年份的复合型毕业生（人）</summary><table><tr><th>层次</th>" in page
    assert "<summary>表：各层次各年份的单一技能毕业生（人）</summary>" in page
    assert "<p>不同的配置输入列在最前；变化均相对于 <b>base</b> 计算。</p>" in page
    assert "<tr><th>指标</th><th>单位</th><th>base</th><th>lean</th><th>变化：lean</th><th>变化率：lean</th></tr>" in page
    assert "影子价格：限值每增加一个单位时目标值的变化</footer>" in page
    assert "<footer>optimiser " in page and " · 配置哈希 " in page


def test_the_html_captions_intro_and_footer_in_english(two_plans: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    _xlsx, page = report(capsys, two_plans, tmp_path, "en")
    assert "<details><summary>Table: amount by lever and year (yuan)</summary><table><tr><th>lever</th>" in page
    assert "<details><summary>Table: amount by source and year (yuan)</summary><table><tr><th>source</th>" in page
    assert "<summary>Table: single-skill by tier and year (graduates)</summary><table><tr><th>tier</th>" in page
    assert "<p>Config inputs that differ come first; changes are against <b>base</b>.</p>" in page
    assert "<tr><th>measure</th><th>unit</th><th>base</th><th>lean</th><th>change: lean</th><th>change %: lean</th></tr>" \
        in page
    assert " · config hash " in page
    assert "shadow prices: change in the objective per unit increase of a limit</footer>" in page


@pytest.mark.parametrize(("lang", "words"), [
    ("zh", "<p><b>本方案没有最优解（infeasible）。需要调整的地方：</b></p>"),
    ("en", "<p><b>This plan has no optimum (infeasible). What to change:</b></p>"),
])
def test_the_html_summary_of_a_plan_with_no_optimum(lang: str, words: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    config = write_tiny(tmp_path, tiny_config(objective={"mode": "min_cost", "targets": {"basic": 500}}))
    html = tmp_path / "page.html"
    assert main(["report", str(config), "--html", str(html), "--lang", lang]) == 3
    capsys.readouterr()
    assert words in html.read_text(encoding="utf-8")


def test_an_unlimited_figure_in_the_html_page() -> None:
    from optimiser.i18n import language
    from optimiser.report.html import _number

    with language("zh"):
        assert (_number(math.inf), _number(-math.inf)) == ("无限制", "-无限制")
    with language("en"):
        assert (_number(math.inf), _number(-math.inf)) == ("unlimited", "-unlimited")


def test_the_summary_sheet_lists_the_bottlenecks_with_the_chinese_separator(
        shared: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for lang, sheet, column, line in (
        ("zh", "摘要", "结论", "College：1 年中有 1 年缺乏实践经验；1 年中有 1 年缺乏实训技能"),
        ("en", "Summary", "finding", "College: no practical experience in 1 of 1 years; no practical-training skill in 1 of 1 years"),
    ):
        xlsx = tmp_path / f"{lang}.xlsx"
        assert main(["report", str(shared), "--xlsx", str(xlsx), "--lang", lang]) == 0
        capsys.readouterr()
        assert line in [row[column] for row in rows(xlsx, sheet)]
