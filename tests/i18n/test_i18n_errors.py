"""What is wrong with a command line, said in Simplified Chinese under --lang zh, through the command line as a
planner runs it: a bad option value (as its type or the command checks it), a bad uncertainty: section, a plan
that cannot be read and an output that cannot be written. Option names, key paths and numbers stay as typed, the
exit codes stay the same, and the English messages stay as they were."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimiser.cli import main

from ..tiny import tiny_config, write_tiny
from .test_i18n_analyses import COST, english_phrases


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return write_tiny(tmp_path, tiny_config())


@pytest.fixture
def uncertain(tmp_path: Path) -> Path:
    raw = tiny_config()
    raw["uncertainty"] = {COST: {"dist": "uniform", "low": 10000, "high": 16000}}
    return write_tiny(tmp_path, raw, "mc.yaml")


def said(capsys: pytest.CaptureFixture[str], *argv: str, code: int = 2) -> str:
    """The last line a command writes on stderr (argparse prints its usage first)."""
    assert main(list(argv)) == code
    return capsys.readouterr().err.rstrip("\n").splitlines()[-1]


def both(capsys: pytest.CaptureFixture[str], *argv: str, code: int = 2) -> tuple[str, str]:
    """The error in Chinese and in English, with the same exit code."""
    return said(capsys, *argv, "--lang", "zh", code=code), said(capsys, *argv, "--lang", "en", code=code)


@pytest.mark.parametrize(("argv", "chinese", "english"), [
    (["--draws", "0"],
     "optimiser montecarlo：错误：参数 --draws：'0'：抽样次数应为 1 到 1,000,000（每次抽样求解一次并保留一行结果；"
     "分位数在几千次以内即趋于稳定）",
     "optimiser montecarlo: error: argument --draws: '0': give from 1 to 1,000,000 draws (each draw is one solve and "
     "keeps a row; the percentiles settle within a few thousand)"),
    (["--jobs", "x"], "optimiser montecarlo：错误：参数 --jobs：'x' 不是整数",
     "optimiser montecarlo: error: argument --jobs: 'x' is not a whole number"),
    (["--seed", "-1"], "optimiser montecarlo：错误：参数 --seed：'-1'：随机种子应为不小于 0 的整数",
     "optimiser montecarlo: error: argument --seed: '-1': a seed is a whole number from 0 up"),
])
def test_montecarlo_options(uncertain: Path, capsys: pytest.CaptureFixture[str], argv: list[str], chinese: str,
                            english: str) -> None:
    assert both(capsys, "montecarlo", str(uncertain), *argv) == (chinese, english)


def test_montecarlo_without_an_uncertainty_section(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    zh, en = both(capsys, "montecarlo", str(tiny), "--draws", "2")
    assert zh == (f"  - {tiny}: uncertainty: 本配置没有 uncertainty: 部分；请添加，例如 "
                  "levers.secondments.cost: {dist: uniform, low: 25000, high: 40000}")
    assert en == (f"  - {tiny}: uncertainty: this config has no uncertainty: section; add one, e.g. "
                  "levers.secondments.cost: {dist: uniform, low: 25000, high: 40000}")


def test_alternatives_options(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert both(capsys, "alternatives", str(tiny), "--plans", "-1") == (
        "optimiser alternatives：错误：--plans 不能小于 0，实际为 -1",
        "optimiser alternatives: error: --plans must be at least 0, got -1")
    assert both(capsys, "alternatives", str(tiny), "--within", "2") == (
        "optimiser alternatives：错误：参数 --within：'2'：比例应不小于 0% 且小于 100%",
        "optimiser alternatives: error: argument --within: '2': give a share from 0% up to (not including) 100%")


def test_alternatives_without_an_optimum(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_tiny(tmp_path, tiny_config(**{"objective__mode": "min_cost", "objective__targets": {"basic": 50}}))
    assert both(capsys, "alternatives", str(config), code=3) == (
        "optimiser alternatives：没有最优方案（infeasible），无法分析其周围的备选方案；原因可运行 `optimiser solve` 查看",
        "optimiser alternatives: no optimal plan to look around (infeasible); `optimiser solve` explains why")


@pytest.mark.parametrize(("argv", "chinese", "english"), [
    (["--alpha", "0"], "optimiser robust：错误：--alpha 是 (0, 1] 范围内的比例，实际为 0",
     "optimiser robust: error: --alpha is a share in (0, 1], got 0"),
    (["--test-draws", "-1"], "optimiser robust：错误：--test-draws 不能小于 0，实际为 -1",
     "optimiser robust: error: --test-draws must be at least 0, got -1"),
    (["--convergence", "5,x"],
     "optimiser robust：错误：参数 --convergence：'5,x'：请给出以英文逗号分隔的抽样次数，例如 25,50,100,200",
     "optimiser robust: error: argument --convergence: '5,x': give draw counts separated by commas, e.g. 25,50,100,200"),
])
def test_robust_options(uncertain: Path, capsys: pytest.CaptureFixture[str], argv: list[str], chinese: str,
                        english: str) -> None:
    assert both(capsys, "robust", str(uncertain), *argv) == (chinese, english)


@pytest.mark.parametrize(("argv", "chinese", "english"), [
    (["--param", "total_budget"],
     "optimiser sweep：错误：--param 'total_budget'：应写为 PATH=START:STOP:N（例如 "
     "funding.government.per_year=0:12e6:25）或 PATH=V1,V2,...",
     "optimiser sweep: error: --param 'total_budget': expected PATH=START:STOP:N (e.g. "
     "funding.government.per_year=0:12e6:25) or PATH=V1,V2,..."),
    (["--param", "total_budget=1:2:x"],
     "optimiser sweep：错误：--param 'total_budget=1:2:x'：N 是取值点的个数，应为不小于 1 的整数，实际为 'x'",
     "optimiser sweep: error: --param 'total_budget=1:2:x': N must be a whole number of points, at least 1, got 'x'"),
    (["--param", "total_budget=1,2", "--param", "total_budget=3"],
     "optimiser sweep：错误：--param total_budget 重复给出；每个键路径只需给出一次",
     "optimiser sweep: error: --param total_budget is given twice; give each path once"),
])
def test_sweep_options(tiny: Path, capsys: pytest.CaptureFixture[str], argv: list[str], chinese: str,
                       english: str) -> None:
    assert both(capsys, "sweep", str(tiny), *argv) == (chinese, english)


@pytest.mark.parametrize(("argv", "chinese", "english"), [
    (["--change", "2"], "optimiser tornado：错误：--change 应为 0 到 1 之间的比例（0.2 表示 ±20%），实际为 2",
     "optimiser tornado: error: --change must be a share between 0 and 1 (0.2 for ±20%), got 2"),
    (["--input", f"{COST}=1"],
     f"optimiser tornado：错误：--input '{COST}=1'：'=' 之后应给出 LOW,HIGH 两个数；应写为 PATH 或 PATH=LOW,HIGH（例如 "
     "levers.secondments.cost=8000,15000）",
     f"optimiser tornado: error: --input '{COST}=1': give two numbers LOW,HIGH after '='; expected PATH or "
     "PATH=LOW,HIGH (e.g. levers.secondments.cost=8000,15000)"),
    (["--input", COST, "--input", COST], f"optimiser tornado：错误：--input {COST} 重复给出；每项输入只需给出一次",
     f"optimiser tornado: error: --input {COST} is given twice; give each input once"),
])
def test_tornado_options(tiny: Path, capsys: pytest.CaptureFixture[str], argv: list[str], chinese: str,
                         english: str) -> None:
    assert both(capsys, "tornado", str(tiny), *argv) == (chinese, english)


def test_report_options(tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert both(capsys, "report", str(tiny)) == (
        "report：没有要生成的文件；请指定 --html FILE、--xlsx FILE 或两者",
        "report: nothing to write; give --html FILE, --xlsx FILE or both")
    html = str(tmp_path / "r.html")
    assert both(capsys, "report", str(tiny), "--html", html, "--scenarios", "base,base") == (
        "optimiser report：错误：参数 --scenarios：base 重复列出；每个情景只需列出一次",
        "optimiser report: error: argument --scenarios: base listed more than once; list each scenario once")
    assert both(capsys, "report", str(tiny), "--html", html, "--scenario", "base") == (
        "optimiser report：错误：无法识别的参数：--scenario base；是否想写 --scenarios？",
        "optimiser report: error: unrecognized arguments: --scenario base; did you mean --scenarios?")
    assert not (tmp_path / "r.html").exists()


def test_solve_options(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert both(capsys, "solve", str(tiny), "--solver-options", "presolve=maybe") == (
        "optimiser solve：错误：参数 --solver-options：HiGHS 拒绝了选项 presolve='maybe'：超出其允许的取值",
        "optimiser solve: error: argument --solver-options: HiGHS refused option presolve='maybe': outside the values "
        "it takes")
    assert both(capsys, "solve", str(tiny), "--solver", "cbc", "--solver-options", "ratio-gap=1") == (
        "optimiser solve：错误：参数 --solver-options：CBC 选项 'ratio-gap'：选项名只能由字母和数字组成，例如 ratioGap",
        "optimiser solve: error: argument --solver-options: CBC option 'ratio-gap': a name is letters and digits, "
        "e.g. ratioGap")
    assert both(capsys, "solve", str(tiny), "--mip-gap", "2") == (
        "optimiser solve：错误：参数 --mip-gap：'2'：比例应不小于 0 且小于 1，例如 0.001",
        "optimiser solve: error: argument --mip-gap: '2': give a share from 0 up to (not including) 1, e.g. 0.001")


def test_pareto_options(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert both(capsys, "pareto", str(tiny), "--points", "1") == (
        "optimiser pareto：错误：参数 --points：'1'：取值点数应为 2 到 100,000（即一次参数扫描的上限；每个点求解一次）",
        "optimiser pareto: error: argument --points: '1': give from 2 to 100,000 points (the most a sweep holds; each "
        "point is one solve)")


def test_a_plan_that_cannot_be_read(tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_text("lever,institution,tier,year,units\nenterprise_lecturers,College,,2025,lots\n", encoding="utf-8")
    zh, en = both(capsys, "evaluate", str(tiny), "--plan", str(plan))
    assert zh.startswith(f"方案无效：{plan}") and english_phrases(zh) == []
    assert en.startswith(f"invalid plan: {plan}, row 2, column units: 'lots' is not a number")


def test_an_output_that_cannot_be_written(tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    out = str(blocker / "out")
    assert both(capsys, "solve", str(tiny), "--out", out, code=4) == (
        f"无法写入输出：--out {out}：{blocker}：这是一个文件，无法在此处创建文件夹；请换一个路径或移走该文件",
        f"could not write output: --out {out}: {blocker} is a file, so no folder can be made there; choose another path "
        "or move the file away")


def test_a_bad_uncertainty_section(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = tiny_config()
    raw["uncertainty"] = {COST: {"dist": "triangular", "low": 10000, "mode": 20000, "high": 16000}}
    config = write_tiny(tmp_path, raw)
    zh, en = both(capsys, "montecarlo", str(config), "--draws", "2")
    assert zh.endswith(f"uncertainty.{COST}.mode: mode（20000）必须介于 low（10000）与 high（16000）之间")
    assert en.endswith(f"uncertainty.{COST}.mode: mode (20000) must lie between low (10000) and high (16000)")
    raw["uncertainty"] = {COST: {"dist": "weibull", "low": 1, "high": 2}}
    zh, en = both(capsys, "validate", str(write_tiny(tmp_path, raw)))
    assert zh.endswith(f"uncertainty.{COST}.dist: 未知的概率分布 'weibull'；可用的概率分布：lognormal, normal, "
                       "triangular, uniform")
    assert en.endswith(f"uncertainty.{COST}.dist: unknown distribution 'weibull'; valid distributions: lognormal, "
                       "normal, triangular, uniform")


def test_argparses_own_words_follow_the_language(capsys: pytest.CaptureFixture[str]) -> None:
    # A missing argument and a command not offered: English keeps argparse's words, Chinese reads them whole.
    assert main(["--lang", "zh", "solve"]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == "optimiser solve：错误：缺少必需的参数：config"
    assert main(["solve"]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == "optimiser solve: error: the following arguments are required: config"
    assert main(["--lang", "zh", "sovle"]) == 2
    last = capsys.readouterr().err.splitlines()[-1]
    assert last.startswith("optimiser：错误：参数 COMMAND：无效的选项：'sovle'（可选：'solve', ") and "invalid" not in last
    assert main(["sovle"]) == 2
    assert "argument COMMAND: invalid choice: 'sovle' (choose from 'solve', " in capsys.readouterr().err


def test_the_writers_refusals_speak_chinese(tmp_path: Path) -> None:
    from optimiser.errors import OutputError
    from optimiser.files import json_writer, write_all, write_each
    from optimiser.i18n import language

    taken = tmp_path / "taken"
    taken.write_text("a planner's notes", encoding="utf-8")
    with language("zh"), pytest.raises(OutputError) as folder:
        write_all(taken, {"summary.json": json_writer({})})
    assert str(folder.value).startswith(f"{taken} 是一个文件，不是文件夹；请给出存放输出文件的文件夹路径")
    with language("zh"), pytest.raises(OutputError) as not_a_file:
        write_each([(tmp_path, json_writer({}))])
    assert f"{tmp_path} 是一个文件夹，不是普通文件；它永远不会被覆盖" in str(not_a_file.value)
    assert taken.read_text(encoding="utf-8") == "a planner's notes"


def test_the_alternatives_argument_refusals_speak_chinese() -> None:
    from optimiser.analysis.alternatives import _checked_arguments
    from optimiser.i18n import language

    with language("zh"):
        for arguments, said in (((1.5, 2, "yuan"), "within 是最优值的占比"), ((0.01, -1, "yuan"), "plans 须为不小于 0 的整数"),
                                ((0.01, 2, "bananas"), "未知的度量 'bananas'")):
            with pytest.raises(ValueError, match=said):
                _checked_arguments(*arguments)
