"""The robust plan, the sweep, the Pareto front, the room around the optimum and the sensitivity report's
notes in Simplified Chinese under --lang zh, through the command line as a planner runs them; English stays
as it was."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from optimiser.cli import main

from ..tiny import tiny_config, write_tiny

COST = "levers.enterprise_lecturers.cost"
ENGLISH_PHRASE = re.compile(r"\b[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}\b")
"""Three English words in a row: a sentence or heading left untranslated (names, key paths and status words are
single tokens)."""


def english_phrases(text: str) -> list[str]:
    return ENGLISH_PHRASE.findall(text)


def run(capsys: pytest.CaptureFixture[str], *argv: str, code: int = 0) -> str:
    assert main(list(argv)) == code
    return capsys.readouterr().out


@pytest.fixture
def uncertain(tmp_path: Path) -> Path:
    raw = tiny_config()
    raw["uncertainty"] = {COST: {"dist": "uniform", "low": 10000, "high": 16000}}
    return write_tiny(tmp_path, raw, "mc.yaml")


@pytest.fixture
def two_tiers(tmp_path: Path) -> Path:
    hours = {"duration": 1, "hours": {"knowledge": 30, "practice": 30, "training": 0}}
    raw = tiny_config(tiers={"basic": hours, "senior": hours})
    raw["institutions"][0]["intake"] = {"basic": 100, "senior": 100}
    return write_tiny(tmp_path, raw, "two.yaml")


def test_a_robust_plan_in_chinese(uncertain: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.csv"
    argv = ["robust", str(uncertain), "--draws", "5", "--test-draws", "5", "--convergence", "2,5", "--no-progress",
            "--out", str(plan)]
    text = run(capsys, *argv, "--lang", "zh")
    for words in ("tiny：覆盖 5 个抽样情形的稳健方案（随机种子 0），风险度量 期望值，预算约束 每个抽样情形\n状态：optimal",
                  "目标：", "加权毕业生", "样本内：平均产出", "各措施的启动数量（按院校和年份加总）：enterprise_lecturers",
                  "样本外检验（5 次新抽样，随机种子 1）：", "期望值", "满足限制", "均值情形方案", "随机解的价值：",
                  "稳健方案在 60% 的新抽样情形中满足全部限制（均值情形方案为 40%）", "收敛情况（同一样本的前 N 个情形）：",
                  "平均产出", f"已写入 {plan}和{tmp_path / 'plan_worlds.csv'}"):
        assert words in text, words
    assert english_phrases(text) == []
    english = run(capsys, *argv, "--lang", "en")
    assert english.startswith("tiny: robust plan over 5 drawn worlds (seed 0), risk expected, budget every\n")
    assert "the robust plan holds in 60% of the fresh worlds (the mean-world plan in 40%)" in english
    assert "convergence (the first N of one sample):\n draws  status  objective" in english
    assert f"wrote {plan} and {tmp_path / 'plan_worlds.csv'}" in english


def test_why_a_robust_plan_fails_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # As in tests/analysis/test_robust.py: worlds dearer than 12,800 yuan a lecturer have no plan on their own.
    raw = tiny_config(**{"objective__mode": "min_cost", "objective__targets": {"basic": 7.5}})
    raw["uncertainty"] = {COST: {"dist": "uniform", "low": 10000, "high": 14000}}
    path = write_tiny(tmp_path, raw, "tight.yaml")
    argv = ["robust", str(path), "--draws", "10", "--test-draws", "0"]
    text = run(capsys, *argv, "--lang", "zh", code=3)
    assert re.search(r"说明：10 个抽样情形中有 \d+ 个即使单独求解也没有可行方案（第一个为情形 \d+：" + COST, text)
    assert "请缩小概率分布的范围" in text and english_phrases(text) == []
    assert "drawn worlds have no plan even on their own" in run(capsys, *argv, "--lang", "en", code=3)


def test_a_sweep_says_what_it_wrote_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_tiny(tmp_path, tiny_config())
    out = tmp_path / "sweep.csv"
    argv = ["sweep", str(config), "--param", "funding.universities.per_year=0:24000:3", "--no-progress", "--out", str(out)]
    assert run(capsys, *argv, "--lang", "zh") == f"已写入 {out}：共 3 个点（3 optimal）\n"
    assert run(capsys, *argv, "--lang", "en") == f"wrote {out}: 3 points (3 optimal)\n"
    # The table itself is CSV, for programs: English headers in every language.
    table = run(capsys, *argv[:-2], "--lang", "zh")
    assert table.startswith("funding.universities.per_year,status,objective,output_given_up,total_cost,weighted_output,"
                            "compound_basic")


def test_a_pareto_front_in_chinese(two_tiers: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "front.csv"
    argv = ["pareto", str(two_tiers), "--points", "3", "--hold-others", "--out", str(out)]
    text = run(capsys, *argv, "--lang", "zh")
    head = text.splitlines()[0].split()
    assert head == ["横轴层次", "纵轴层次", "横轴产出下限", "横轴产出", "纵轴产出", "状态", "总成本", "目标", "basic", "产出",
                    "senior", "产出", "enterprise_lecturers", "支出"]
    assert "说明：其他层次的产出至少保持在该配置最优方案中的水平" in text and f"已写入 {out}" in text
    assert english_phrases(text) == []
    english = run(capsys, *argv, "--lang", "en")
    assert english.splitlines()[0].split() == ["x_tier", "y_tier", "epsilon", "x_output", "y_output", "status",
                                               "total_cost", "objective", "output_basic", "output_senior",
                                               "spend_enterprise_lecturers"]
    assert "note: the other tiers are held at least at their output in the config's optimum" in english
    assert out.read_text(encoding="utf-8-sig").startswith("x_tier,y_tier,epsilon")


def test_the_room_around_the_optimum_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_tiny(tmp_path, tiny_config())
    text = run(capsys, "alternatives", str(config), "--plans", "1", "--lang", "zh")
    assert text.startswith("tiny：产出与最优值（8.0）相差不超过 1% 且成本不增加的方案；范围以元计\n"
                           "注：此处的最优方案是求解器找到的最优产出下成本最低的方案；`optimiser solve` 返回的是成本最低的"
                           "最优方案中最平稳的一个\n措施 必需：enterprise_lecturers\n")
    assert text.split("\n\n")[1].splitlines()[0].split() == ["措施", "院校", "低端", "高端", "最优方案", "范围宽度", "判定"]
    assert "全部" in text and "备选方案 1" in text and "差异度" in text
    assert "forced" not in text and english_phrases(text) == []
    units = run(capsys, "alternatives", str(config), "--plans", "0", "--units", "--lang", "zh")
    assert "范围以启动数量计" in units
    english = run(capsys, "alternatives", str(config), "--plans", "1", "--lang", "en")
    assert "levers forced: enterprise_lecturers\n" in english and "alternative 1" in english


def test_sensitivity_notes_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_tiny(tmp_path, tiny_config(**{"levers__enterprise_lecturers__integer": True}))
    text = run(capsys, "sensitivity", str(config), "--lang", "zh")
    assert "说明：整数方案：本报告针对将整数决策固定为方案中整数单位后的线性规划" in text
    # The constraint names of the binding table are the model's labels, written in English like the CSV files.
    said = text.split("起约束作用的约束")[0]
    assert "integer plan" not in text and english_phrases(said) == [] and "1. " in said
    assert "note: integer plan: the report is for the LP" in run(capsys, "sensitivity", str(config), "--lang", "en")
