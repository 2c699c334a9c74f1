"""What solve, evaluate, compare, frontier, tornado, montecarlo, report and sensitivity say under --lang zh,
through the command line as a planner runs them: the files each wrote, the notes, evaluate's broken limits
and the names of binding limits are Chinese; the English text stays as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimiser.cli import main

from ..tiny import tiny_config, write_tiny
from .test_i18n_analyses import COST, english_phrases, run

# The tiny config: 24,000 yuan of funding buys two enterprise lecturers (8 compound graduates); funding and the
# lecturers' and the practice teaching hours bind.


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    raw = tiny_config()
    raw["uncertainty"] = {COST: {"dist": "uniform", "low": 10000, "high": 16000}}
    return write_tiny(tmp_path, raw)


def both(capsys: pytest.CaptureFixture[str], *argv: str, code: int = 0) -> tuple[str, str]:
    """The Chinese and the English text of one command (stdout and stderr)."""
    chinese = run(capsys, *argv, "--lang", "zh", code=code)
    assert english_phrases(chinese) == []
    return chinese, run(capsys, *argv, "--lang", "en", code=code)


def test_solve_in_chinese(tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    zh, en = both(capsys, "solve", str(tiny), "--out", str(out))
    assert f"已写入 {out}/: summary.json plan.csv" in zh
    assert "universities 资金在边际上每增加100万元，可增加的加权毕业生人数：2025 年 333" in zh
    assert "起约束作用的容量（院校-年数）：企业兼职教师的教学课时（1）、实践课教学课时（缺乏实践经验）（1）" in zh
    assert f"\nwrote {out}/: summary.json plan.csv" in en
    assert "more money from universities funding buys, at the margin, this many weighted graduates per million yuan: 333 in 2025" in en
    assert "teaching hours of enterprise_lecturer teachers (1)" in en


def test_evaluate_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = tiny_config(**{"levers__enterprise_lecturers__max_per_year": 1, "levers__enterprise_lecturers__integer": True})
    config = write_tiny(tmp_path, raw)
    plan = tmp_path / "plan.csv"
    plan.write_text("lever,institution,tier,year,units\nenterprise_lecturers,College,,2025,2.5\n", encoding="utf-8")
    out = tmp_path / "out"
    zh, en = both(capsys, "evaluate", str(config), "--plan", str(plan), "--out", str(out), code=3)
    for words in ("levers.enterprise_lecturers.max_per_year College，2025年：超出 1.5 个单位的 enterprise_lecturers（上限 1）",
                  "universities 资金 2025年超出 6,000 元（限额 24,000 元）",
                  "levers.enterprise_lecturers.integer College，2025年：2.5 不是整数",
                  f"已写入 {out}/: summary.json violations.csv"):
        assert words in zh, words
    for words in ("levers.enterprise_lecturers.max_per_year at College in 2025 exceeded by 1.5 enterprise_lecturers "
                  "(limit 1)", "universities funding in 2025 exceeded by 6,000 yuan (limit 24,000 yuan)",
                  "levers.enterprise_lecturers.integer at College in 2025: 2.5 is not a whole number",
                  f"\nwrote {out}/: summary.json violations.csv"):
        assert words in en, words
    # The violations file keeps its English columns; only the message follows the language.
    assert (out / "violations.csv").read_text(encoding="utf-8-sig").startswith("constraint,kind,config_path,")


def test_compare_in_chinese(tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    zh, en = both(capsys, "compare", str(tiny), str(tiny), "--out", str(out))
    for words in ("目标：加权复合型毕业生，最大化", "复合型毕业生：basic", "enterprise_lecturers 支出（元）",
                  "universities 支付金额（元）", f"已写入 {out}/: comparison.csv deltas.csv inputs.csv"):
        assert words in zh, words
    for words in ("objective: weighted compound graduates, maximised", "compound graduates: basic",
                  "spend on enterprise_lecturers (yuan)", "spend from universities (yuan)",
                  f"\nwrote {out}/: comparison.csv deltas.csv inputs.csv"):
        assert words in en, words
    assert "spend on enterprise_lecturers (yuan)" in (out / "comparison.csv").read_text(encoding="utf-8")
    # Where each "no" binds, named in the reader's words (it read "practice:" in both languages).
    assert f"  {tiny}：实践课教学课时（缺乏实践经验）：College 2025" in zh
    assert f"  {tiny}: practice (no practical experience): College 2025" in en


def test_frontier_notes_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = tiny_config(**{"objective__mode": "min_cost", "objective__targets": {"basic": 7.5},
                         "levers__enterprise_lecturers__integer": True})
    config = write_tiny(tmp_path, raw)
    out = tmp_path / "front.csv"
    zh, en = both(capsys, "frontier", str(config), "--out", str(out))
    for words in ("说明：配置为 min_cost 模式；此处给出的是 max_output 的前沿", "说明：标为整数的措施按连续量处理：这是线性松弛的前沿",
                  f"已写入 {out}和{tmp_path / 'front.segments.csv'}"):
        assert words in zh, words
    for words in ("note: the config is in min_cost mode; the frontier is that of max_output",
                  "note: levers marked integer are taken as continuous: this is the frontier of the linear relaxation",
                  f"\nwrote {out} and {tmp_path / 'front.segments.csv'}"):
        assert words in en, words


def test_tornado_note_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_tiny(tmp_path, tiny_config(**{"objective__mode": "min_cost", "objective__targets": {"basic": 50}}))
    out = tmp_path / "tornado.csv"
    zh, en = both(capsys, "tornado", str(config), "--no-progress", "--out", str(out), code=3)
    assert ("说明：按原配置没有最优方案（infeasible）：objective.targets.basic 2025年：最多可达到 8 名，要求 50 名复合型毕业生"
            in zh)
    assert f"已写入 {out}" in zh
    assert "note: the config as written has no optimum (infeasible): objective.targets.basic in 2025" in en
    assert f"\nwrote {out}\n" in en


def test_montecarlo_in_chinese(tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mc.csv"
    zh, en = both(capsys, "montecarlo", str(tiny), "--draws", "4", "--no-progress", "--out", str(out))
    assert f"已写入 {out}和{tmp_path / 'mc_percentiles.csv'}" in zh
    assert f"\nwrote {out} and {tmp_path / 'mc_percentiles.csv'}" in en
    # The percentiles table, named in the reader's language (in English as the CSV names them).
    table = zh.split("\n\n")[1].splitlines()
    assert table[0].split()[-1] == "均值" and table[1].split()[0] == "目标"
    assert any(line.startswith("复合型毕业生 basic") for line in table)
    assert not any(word in zh for word in ("total_cost", "compound_", "mean"))
    english = en.split("\n\n")[1].splitlines()
    assert english[0].split()[-1] == "mean" and english[1].split()[0] == "objective"


def test_report_in_chinese(tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    html = tmp_path / "report.html"
    zh, en = both(capsys, "report", str(tiny), "--html", str(html))
    assert zh.startswith(f"已写入 {html}\n下一单位的效果：\n  universities 资金（2025年）每增加 10万元")
    assert en.startswith(f"wrote {html}\nwhat the next unit buys:\n")


def test_sensitivity_in_chinese(tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    zh, en = both(capsys, "sensitivity", str(tiny), "--out", str(out))
    for words in ("企业兼职教师的教学课时 College，2025年", "实践课教学课时（缺乏实践经验） College，2025年",
                  "enterprise_lecturers 所需资金", "universities 资金",
                  f"已写入 {out}/: sensitivity_constraints.csv sensitivity_variables.csv sensitivity_ranking.csv"):
        assert words in zh, words
    assert "teaching hours of enterprise_lecturer teachers College, 2025" in en
    assert f"\nwrote {out}/: sensitivity_constraints.csv" in en
    # The file keeps the English names.
    assert "teaching hours of enterprise_lecturer teachers" in (out / "sensitivity_constraints.csv").read_text(
        encoding="utf-8")


def test_why_there_is_no_sensitivity_report_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_tiny(tmp_path, tiny_config(**{"objective__mode": "min_cost", "objective__targets": {"basic": 50}}))
    assert main(["sensitivity", str(config), "--lang", "zh"]) == 3
    said = capsys.readouterr()
    assert said.err == "无法生成敏感性报告：模型为 infeasible\n" and english_phrases(said.out) == []
    assert main(["sensitivity", str(config), "--lang", "en"]) == 3
    assert capsys.readouterr().err == "no sensitivity report: the model is infeasible\n"


def test_why_no_whole_unit_plan_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Between 0.5 and 0.7 lecturers a year: the LP has a plan, whole lecturers have none.
    raw = tiny_config(**{"levers__enterprise_lecturers__integer": True, "levers__enterprise_lecturers__min_per_year": 0.5,
                         "levers__enterprise_lecturers__max_per_year": 0.7})
    config = write_tiny(tmp_path, raw)
    zh, en = both(capsys, "solve", str(config), code=3)
    assert ("每年 enterprise_lecturers 上限 College，2025年（levers.enterprise_lecturers.max_per_year）：在其他数量限制下，"
            "没有任何整数个措施单位能满足这一限制") in zh
    assert ("maximum enterprise_lecturers per year at College in 2025 (levers.enterprise_lecturers.max_per_year): no whole "
            "number of lever units meets this limit") in en


def test_a_distribution_that_draws_refused_values_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = tiny_config()
    raw["uncertainty"] = {"teacher_groups.academic.hours": {"dist": "uniform", "low": -100, "high": 300}}
    config = write_tiny(tmp_path, raw)
    assert main(["montecarlo", str(config), "--draws", "4", "--no-progress", "--lang", "zh"]) == 2
    said = capsys.readouterr().err
    assert "uniform(low=-100, high=300) 可能抽到 -100，而配置在此处不接受该值：" in said
    assert said.rstrip().endswith("；请将概率分布缩小到允许的取值范围内") and english_phrases(said) == []


def test_lists_in_chinese_take_the_enumeration_comma(zhejiang: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Items of a list (years, the three "no", course types) are joined by 、 in Chinese, by ", " in English.
    # (The config's own names are English, so the check for English phrases of both() does not apply.)
    compare = ("compare", str(zhejiang), "--scenarios", "base,austerity")
    assert "Research universities 2026-2027、2030" in run(capsys, *compare, "--lang", "zh")
    assert "Research universities 2026-2027, 2030" in run(capsys, *compare, "--lang", "en")
    assert "三个“无”：K 缺乏系统知识、P 缺乏实践经验、T 缺乏实训技能" in run(capsys, "solve", str(zhejiang), "--lang", "zh")


def test_amounts_in_a_ranking_carry_their_measure_word(capsys: pytest.CaptureFixture[str]) -> None:
    config = str(Path(__file__).resolve().parents[2] / "configs" / "zhejiang_min_cost.yaml")
    # (The config's own names stay English in the Chinese text: run, not both.)
    zh, en = run(capsys, "sensitivity", config, "--lang", "zh"), run(capsys, "sensitivity", config, "--lang", "en")
    [line] = [line for line in zh.splitlines() if "basic 目标（2028年）" in line]
    assert "在增加不超过 120 名毕业生的范围内成立" in line and "适用范围：4,320 名毕业生 至 4,440 名毕业生" in line
    # English keeps its words.
    assert "for up to 120 graduates more (then it costs more); valid from 4,320 to 4,440 graduates" in en


def test_a_whole_unit_solves_notes_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    # Half a second for the national-size search of the shipped config: stages are skipped or stopped, and
    # an integer plan's shadow prices are those of the LP with its units fixed. Every note says so in Chinese.
    zhejiang = Path(__file__).resolve().parents[2] / "configs" / "zhejiang.yaml"
    zh = run(capsys, "solve", str(zhejiang), "--integer", "--time-limit", "0.5", "--no-progress", "--lang", "zh")
    notes = [line for line in zh.splitlines() if line.startswith("说明：")]
    assert "说明：整数方案：影子价格和检验数取自固定整数决策后的线性规划" in notes
    assert english_phrases("\n".join(notes)) == []
    en = run(capsys, "solve", str(zhejiang), "--integer", "--time-limit", "0.5", "--no-progress", "--lang", "en")
    assert "note: integer plan: shadow prices and reduced costs are those of the LP with the integer decisions fixed" in en
