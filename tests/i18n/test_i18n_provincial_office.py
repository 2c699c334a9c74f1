"""Chinese output as a provincial office reads it, from the shipped Zhejiang config: sentences assembled from
pieces carry full-width punctuation, money reads in 元, 万元 and 亿元 (never "M yuan" or 百万元), rates are
quoted per 100万元, the teaching-hour limits and teacher groups are named in Chinese, and the HTML bottleneck
map names the course types as the catalog does. The English text keeps its own punctuation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from optimiser.i18n import aside, clauses, colon, language, money, money_unit, place_and_year, series

from .test_i18n_analyses import run

ROOT = Path(__file__).resolve().parents[2]
ZHEJIANG = str(ROOT / "configs" / "zhejiang.yaml")
MILLIONS = re.compile(r"M yuan|百万元|million yuan")
HALF_WIDTH_IN_CHINESE = re.compile(r"[\u4e00-\u9fff）][:;] |[\u4e00-\u9fff] \(|\([^()]*[\u4e00-\u9fff][^()]*\)")
"""An ASCII colon or semicolon after Chinese text, or ASCII brackets around or after it."""


def test_the_joining_punctuation_follows_the_language() -> None:
    with language("en"):
        assert (colon(), aside(16), series(["a", "b"]), clauses(["a", "b"])) == (": ", " (16)", "a, b", "a; b")
        assert place_and_year("College", 2026) == "College, 2026" and place_and_year(None, 2026) == "2026"
    with language("zh"):
        assert (colon(), aside(16), series(["甲", "乙"]), clauses(["甲", "乙"])) == ("：", "（16）", "甲、乙", "甲；乙")
        assert place_and_year("College", 2026) == "College，2026年"
        assert place_and_year(None, 2026) == "2026年" and place_and_year("College", "") == "College"


def test_money_in_yuan_wan_and_yi() -> None:
    with language("zh"):
        # Whole steps read without decimals; other sums to at least three figures.
        assert [money(v) for v in (10_000, 100_000, 1_000_000, 300_000_000)] == ["1万元", "10万元", "100万元", "3亿元"]
        assert [money(v) for v in (9_999, 34_302, 6_968_420, 125_000_000)] == \
            ["9,999元", "3.43万元", "696.8万元", "1.25亿元"]
        # The English styles in millions do not reach Chinese.
        assert money(6_968_420, ",.4g") == money(6_968_420, ",.2f", 1e5) == "696.8万元"
        assert money_unit() == (1e4, "万元")
    with language("en"):
        assert money(6_968_420, ",.4g") == "6.968 M yuan" and money(95_000, ",.2f", 1e5) == "95,000 yuan"
        assert money_unit() == (1e6, "million yuan")


def test_solve_in_chinese_reads_as_a_provincial_office_expects(capsys: pytest.CaptureFixture[str]) -> None:
    en = run(capsys, "solve", ZHEJIANG, "--lang", "en")
    zh = run(capsys, "solve", ZHEJIANG, "--lang", "zh")
    # The total cost, in yuan in English, is the same sum in 万元 in Chinese (one decimal: a thousand yuan).
    total = float(re.search(r"total cost: ([\d,]+) yuan", en).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert f"总成本：{total / 1e4:,.1f}万元\n" in zh
    # The binding limits: where each applies in full-width brackets; the capacities one list with 、.
    assert "[policies.max_external_ratio]（Higher vocational colleges，2026年）" in zh
    assert "[policies.max_external_ratio] (Higher vocational colleges, 2026)" in en
    assert re.search(r"起约束作用的容量（院校-年数）：professional 在校生（\d+）、", zh)
    assert re.search(r"binding capacities \(institution-years\): students enrolled in professional \(\d+\), ", en)
    # The money a source buys is quoted per 100万元, the same rate English quotes per million yuan.
    rate = re.search(r"weighted graduates per million yuan: ([\d.]+) in 2025", en).group(1)  # type: ignore[union-attr]
    assert f"在边际上每增加100万元，可增加的加权毕业生人数：2025 年 {rate}" in zh
    # Teaching-hour limits and teacher groups are named in Chinese, not by their English keys.
    for words in ("实践课教学课时（缺乏实践经验）（14）", "双师型教师的教学课时（14）", "企业兼职教师的教学课时（14）",
                  "系统知识课教学课时（缺乏系统知识）（10）", "三无教师的教学课时（7）",
                  "单一稀缺资源 双师型或企业兼职教师的教学课时：实践课和实训课同时受限", "单一稀缺资源 双师型教师的教学课时：系统知识课、实践课和实训课同时受限"):
        assert words in zh, words
    chinese_lines = [line for line in zh.splitlines() if re.search(r"[\u4e00-\u9fff]", line)]
    assert not [line for line in chinese_lines
                if re.search(r"\b(knowledge|practice|training|double_qualified|enterprise_lecturer|three_no)\b", line)]
    # Each lever's relief: lever and "no"s joined by ：, the "no"s of one lever by 、, the levers by ；.
    assert "各措施缓解：enterprise_lecturers：缺乏实践经验、缺乏实训技能；secondments：" in zh
    assert "levers relieve: enterprise_lecturers: no practical experience; no practical-training skill; secondments: " \
        in en
    assert not MILLIONS.search(zh) and not HALF_WIDTH_IN_CHINESE.search(zh)


def test_sensitivity_quotes_money_in_wan(capsys: pytest.CaptureFixture[str]) -> None:
    en = run(capsys, "sensitivity", ZHEJIANG, "--lang", "en")
    zh = run(capsys, "sensitivity", ZHEJIANG, "--lang", "zh")
    # The first statement: a 100,000 yuan step of government money in 2028, its reach and range.
    first = re.search(r"1\. each extra ([\d,]+) yuan of government funding in 2028 .*?up to ([\d,]+) yuan more .*?"
                      r"valid from ([\d.]+) M to ([\d.]+) M yuan", en)
    assert first is not None, en[:2000]
    step, reach, low, high = (float(x.replace(",", "")) for x in first.groups())
    assert step == 100_000 and f"government 资金（2028年）每增加 {step / 1e4:.0f}万元，" in zh
    assert f"在增加不超过 {reach / 1e4:,.2f}万元的范围内成立" in zh
    # The range is quoted to four figures in English (6.968 M yuan): 696.8万元 in Chinese, and the upper end
    # in 万元 rounds to the English figure.
    bounds = re.search(r"在增加不超过 [\d.]+万元的范围内成立（超出后效果递减）；适用范围：([\d,.]+)万元 至 ([\d,.]+)万元", zh)
    assert bounds is not None and bounds.group(1) == f"{low * 100:,.1f}"
    assert round(float(bounds.group(2).replace(",", "")) / 100, 2) == high
    assert "Higher vocational colleges，2025年" in zh and "Higher vocational colleges, 2025" in en
    assert "每年允许的 secondments（Higher vocational colleges，2025年）（max_share_per_year）每增加 0.01 名教师" in zh
    assert not MILLIONS.search(zh) and not HALF_WIDTH_IN_CHINESE.search(zh)


def test_the_frontier_heads_its_rate_per_100_wan(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("frontier", ZHEJIANG, "--over", "funding.government.per_year", "--upto", "2000000")
    en = run(capsys, *args, "--lang", "en")
    zh = run(capsys, *args, "--lang", "zh")
    assert "per M yuan a year" in en and "每年每100万元" in zh
    # The same rate in both: weighted graduates per 1,000,000 yuan (100万元) a year.
    first_rate = en.splitlines()[2].split()[4]
    assert zh.splitlines()[2].split()[4] == first_rate
    # The header is aligned by display width: the rate's heading ends where its column does.
    header, row = zh.splitlines()[1:3]
    from optimiser.report.layout import display_width

    assert display_width(header[:header.index("每年每100万元") + len("每年每100万元")]) == row.index(first_rate) + len(
        first_rate)
    assert "预算 200万元 时：" in zh and "at 2,000,000: " in en
    assert not MILLIONS.search(zh) and not HALF_WIDTH_IN_CHINESE.search(zh)


def test_the_html_report_in_wan_with_course_names_in_its_map(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    zh_page, en_page = tmp_path / "zh.html", tmp_path / "en.html"
    run(capsys, "report", ZHEJIANG, "--html", str(zh_page), "--lang", "zh")
    run(capsys, "report", ZHEJIANG, "--html", str(en_page), "--lang", "en")
    zh, en = zh_page.read_text(encoding="utf-8"), en_page.read_text(encoding="utf-8")
    # Captions and axis labels count money in 万元 in Chinese, in millions in English.
    assert "每年各项措施的支出（万元）。" in zh and ">支出（万元）<" in zh and ">年份<" in zh
    assert "Money spent on each lever per year (million yuan)." in en and ">spend (million yuan)<" in en
    assert not MILLIONS.search(zh)
    # The map: course names from the catalog in the cells and the legend, and a cell where none binds says so.
    assert '<span class="tag">实践课</span><span class="tag">实训课</span>' in zh
    assert "（系统知识课：缺乏系统知识；实践课：缺乏实践经验；实训课：缺乏实训技能）" in zh
    assert ">均不受限<br>" in zh and ">none binds<br>" in en and ">none<br>" not in en
    assert '<span class="tag">practice</span><span class="tag">training</span>' in en
    # The head and the summary: full-width punctuation around the pieces.
    assert "<b>base</b>，2025-2030年 · " in zh and "<b>base</b>, 2025-2030 · " in en
    assert "<title>Zhejiang CBEC talent plan：base</title>" in zh
    assert "<b>下一单位的效果</b>（已排序，完整列表见下文）：</p>" in zh
    # The full ranking names a teacher group's hours in Chinese.
    assert "增加 1 名双师型教师的课时（Higher vocational colleges，2026年）（360 小时）" in zh


def test_compare_names_each_plan_and_its_gap_with_full_width_punctuation(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("compare", ZHEJIANG, "--scenarios", "base,austerity")
    en = run(capsys, *args, "--lang", "en")
    zh = run(capsys, *args, "--lang", "zh")
    assert "\n  base：Zhejiang CBEC talent plan，未应用情景\n" in zh
    assert "\n  base: Zhejiang CBEC talent plan, no scenario applied\n" in en
    # The gap in output, as a share, in full-width brackets; the money saved in 万元 from English's M yuan.
    share, saved = re.search(r"fewer weighted compound graduates than base \((-[\d.]+%)\), ([\d.]+) M yuan cheaper",
                             en).groups()  # type: ignore[union-attr]
    assert f"名加权复合型毕业生（{share}），省 " in zh
    wan = re.search(r"（-[\d.]+%），省 ([\d,.]+)万元", zh).group(1)  # type: ignore[union-attr]
    assert round(float(wan.replace(",", "")) / 100, 2) == float(saved)
    # The scenarios' descriptions are the config's own words; what the tool says follows them.
    said = zh[zh.index("结论："):]
    assert not MILLIONS.search(said) and not HALF_WIDTH_IN_CHINESE.search(said)


def test_a_cost_in_a_minimum_cost_statement_reads_in_wan(capsys: pytest.CaptureFixture[str]) -> None:
    config = str(ROOT / "configs" / "zhejiang_min_cost.yaml")
    en = run(capsys, "sensitivity", config, "--lang", "en")
    zh = run(capsys, "sensitivity", config, "--lang", "zh")
    cost = float(re.search(r"\n +1\. .*? costs ([\d,]+) yuan", en).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert re.search(rf"\n +1\. .*?，成本增加 {cost / 1e4:,.2f}万元，", zh)
    objective = float(re.search(r"total cost \(minimised\): ([\d,]+) yuan", en).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert f"总成本（最小化）：{objective / 1e4:,.1f}万元" in zh
    assert not MILLIONS.search(zh) and not HALF_WIDTH_IN_CHINESE.search(zh)
