"""The analyses shown through optimiser.views: terminal text, notebook HTML, the JSON of --json, and Chinese."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from optimiser import load_config
from optimiser.analysis import frontier, tornado
from optimiser.analysis.alternatives import alternatives
from optimiser.analysis.montecarlo import monte_carlo
from optimiser.cli import main
from optimiser.i18n import language
from optimiser.jsonrule import dumps

from ..tiny import secondment_config, tiny_config, write_tiny

COST = "levers.enterprise_lecturers.cost"
OVER = "funding.government.per_year"


@pytest.fixture
def two_sources(tmp_path: Path) -> Path:
    """Secondments paid by the government, lecturers by enterprises (12,000 a year): 52 students at 96,000."""
    return write_tiny(tmp_path, secondment_config(funding={
        "government": {"per_year": 200000, "funds": ["secondments"]},
        "enterprises": {"per_year": 12000, "funds": ["enterprise_lecturers"]},
    }), "two_sources.yaml")


@pytest.fixture
def uncertain(tmp_path: Path) -> Path:
    raw = tiny_config()
    raw["uncertainty"] = {COST: {"dist": "uniform", "low": 10000, "high": 16000}}
    return write_tiny(tmp_path, raw, "mc.yaml")


def test_the_frontier_in_html_json_and_chinese(two_sources: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = load_config(two_sources)
    front = frontier(config, over=OVER)
    html = front._repr_html_()
    assert html.startswith(f"<p><b>Budget frontier over <code>{OVER}</code></b> (yuan a year)</p><table")
    data = front.to_dict()
    assert data["last_breakpoint"] == front.last_breakpoint_says() == (
        f"more {OVER} alone buys nothing here: the cap of funding.enterprises.per_year binds")
    assert [c["limit"] for c in data["caps"]] == ["funding.enterprises.per_year"]
    assert main(["frontier", str(two_sources), "--over", OVER, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(dumps({**data, "warnings": list(config.warnings)}))
    with language("zh"):
        text = str(front)
    assert text.startswith(f"{OVER} 的预算前沿（元/年），共 1 段\n")
    assert f"预算 9.60万元 时：52.0（此处仅增加 {OVER} 不再增加产出：funding.enterprises.per_year 的上限起约束作用）" in text
    assert "funding.enterprises.per_year（1.20万元，2025年）起约束作用" in text and "Budget" not in text


def test_frontier_command_in_chinese(two_sources: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frontier", str(two_sources), "--over", OVER, "--lang", "zh"]) == 0
    chinese = capsys.readouterr().out
    assert f"{OVER} 的预算前沿（元/年）" in chinese and "边际上购买的措施" in chinese
    assert main(["frontier", str(two_sources), "--over", OVER, "--lang", "en"]) == 0
    assert f"Budget frontier over {OVER} (yuan a year)" in capsys.readouterr().out
    assert main(["frontier", str(two_sources), "--over", OVER, "--json", "--lang", "zh"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["unit"] == "yuan a year" and data["status"] == "optimal"  # keys and status words stay English


def test_monte_carlo_html_and_command_in_chinese(uncertain: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = monte_carlo(load_config(uncertain), draws=5, jobs=1)
    assert result._repr_html_().startswith(
        "<p>tiny: 5 draws (seed 0), re-optimised per draw<br>statuses: optimal 5</p><table")
    assert main(["montecarlo", str(uncertain), "--draws", "5", "--no-progress", "--lang", "zh"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("tiny：5 次抽样（随机种子 0），每次抽样重新优化\n求解状态：optimal 5\n")
    assert "draws (seed" not in text and "复合型毕业生 basic" in text and "compound_basic" not in text


def test_tornado_text_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_tiny(tmp_path, tiny_config())
    config = load_config(path)
    bars = tornado(config, inputs={COST: 0.2}, jobs=1)
    lines = str(bars).splitlines()
    assert lines[0] == "Tornado: each input at both ends of its range, re-solved; base optimum 8.0 weighted graduates"
    assert lines[1].split() == ["input", "low", "high", "at", "low", "at", "high"]
    assert lines[2] == f"{COST:<48} {'9,600':>12} {'14,400':>12} {'+2.0':>11} {'-1.3':>11}"
    assert main(["tornado", str(path), "--input", COST, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(dumps({**bars.to_dict(), "warnings": list(config.warnings)}))
    assert bars.to_dict()["rows"][0]["input"] == COST
    with language("zh"):
        chinese = str(bars).splitlines()
    assert chinese[0] == "龙卷风分析：每项输入分别取其范围两端并重新求解；基准最优值 8.0 加权毕业生"
    assert chinese[2] == lines[2]


def test_alternatives_in_chinese(tmp_path: Path) -> None:
    room = alternatives(load_config(write_tiny(tmp_path, secondment_config())), plans=1)
    english = str(room)
    # The second line says which plan solve returns instead of the optimal one shown (smooth: true by default).
    assert english.startswith("tiny: plans within 1% of the optimum (55.0) at no more cost; ranges in yuan\nnote: ")
    assert english.splitlines()[2].startswith("levers ")
    assert "\n\n1 alternative plans:\n" in english
    with language("zh"):
        chinese = str(room)
    lines = chinese.splitlines()
    assert lines[0] == "tiny：产出与最优值（55.0）相差不超过 1% 且成本不增加的方案；范围以元计"
    assert lines[1].startswith("注：") and lines[2] == "措施 必需：secondments；可选：enterprise_lecturers"
    assert "\n\n1 个备选方案：\n" in chinese


def test_evaluate_command_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_tiny(tmp_path, tiny_config())
    assert main(["solve", str(path), "--out", str(tmp_path / "out")]) == 0
    capsys.readouterr()
    plan = str(tmp_path / "out" / "plan.csv")
    assert main(["evaluate", str(path), "--plan", plan, "--lang", "zh"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:4] == [f"方案：{plan}", "可行：是，方案满足所有限制", "方案可实现的最高产出：8.0 名加权复合型毕业生"]
    assert "差距：该方案的加权产出与优化器方案相同，支出相同的资金" in lines and "各措施支出（元）：" in lines
    assert main(["evaluate", str(path), "--plan", plan, "--lang", "en"]) == 0
    assert "gap: the plan delivers the weighted output of the optimiser's plan and spends the same money" in capsys.readouterr().out
