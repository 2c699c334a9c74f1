"""The limits in a Chinese workbook and HTML report are named in Chinese, as the terminal names them: the
Constraints and Sensitivity sheets, the Bottlenecks sheet's "no"s, the comparison's measures, and the HTML
report's ranking and bottleneck map. An English report keeps the names the CSV files have."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from optimiser.cli import main

from ..tiny import tiny_config, write_tiny

# In the tiny config the practice hours, the lecturers' hours, the money for them and the universities' funding bind.
BINDING_ZH = ["实践课教学课时（缺乏实践经验）", "企业兼职教师的教学课时", "enterprise_lecturers 所需资金",
              "universities 资金"]
BINDING_EN = ["practice teaching hours (no practical experience)", "teaching hours of enterprise_lecturer teachers",
              "money for enterprise_lecturers", "universities funding"]


def report(tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str) -> tuple[Path, str]:
    config = write_tiny(tmp_path, tiny_config())
    xlsx, html = tmp_path / f"{lang}.xlsx", tmp_path / f"{lang}.html"
    assert main(["report", str(config), "--xlsx", str(xlsx), "--html", str(html), "--lang", lang]) == 0
    capsys.readouterr()
    return xlsx, html.read_text(encoding="utf-8")


def rows(path: Path, sheet: str) -> list[dict[str, object]]:
    """The rows of ``sheet``, each by its header."""
    table = list(load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True))
    return [dict(zip(table[0], row)) for row in table[1:]]


def test_a_chinese_workbook_names_the_binding_limits_in_chinese(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    xlsx, _html = report(tmp_path, capsys, "zh")
    constraints = rows(xlsx, "约束")
    assert [row["限制"] for row in constraints if row["起约束作用"]] == BINDING_ZH
    assert [row["限制"] for row in constraints][:2] == ["basic 在校生", "系统知识课教学课时（缺乏系统知识）"]
    sensitivity = {str(row["限制"]): row for row in rows(xlsx, "灵敏度")}
    assert set(BINDING_ZH) <= set(sensitivity) and sensitivity["universities 资金"]["右端项"] == 24000
    assert rows(xlsx, "瓶颈")[0]["起约束作用"] == "缺乏实践经验"
    assert "enterprise_lecturers 支出（元）" in [row["指标"] for row in rows(xlsx, "方案比较")]


def test_an_english_workbook_keeps_the_names_of_the_csv_files(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    xlsx, _html = report(tmp_path, capsys, "en")
    assert [row["name"] for row in rows(xlsx, "Constraints") if row["binding"]] == BINDING_EN
    assert set(BINDING_EN) <= {row["name"] for row in rows(xlsx, "Sensitivity")}
    assert rows(xlsx, "Bottlenecks")[0]["binding"] == "no practical experience"
    assert "spend on enterprise_lecturers (yuan)" in [row["measure"] for row in rows(xlsx, "Comparison")]


def test_the_html_ranking_and_bottleneck_map_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _xlsx, page = report(tmp_path, capsys, "zh")
    assert "<tr><th>每增加一个单位的效果（或代价），以及该效果成立的限值范围</th><th>配置键</th><th>院校</th><th>年份</th></tr>" in page
    assert '<span class="b0">均不受限</span><span class="b1">一项受限</span>' in page
    assert "各院校各年份的产出受“三无”中哪一项制约（系统知识课：缺乏系统知识；实践课：缺乏实践经验；" in page
    assert '<td class="b1" title="缺乏实践经验">' in page
    _xlsx, english = report(tmp_path, capsys, "en")
    assert "<th>what one more unit buys (or costs), and the range of the limit where that holds</th>" in english
    assert '<span class="b0">none binds</span>' in english
    assert '<td class="b1" title="no practical experience">' in english
