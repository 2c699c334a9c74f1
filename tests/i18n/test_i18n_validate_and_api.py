"""``validate``'s summary line, and the errors Monte Carlo and robust plans raise to a Python caller, in the
language chosen (``--lang``, or ``optimiser.set_language``); in English as before."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import optimiser
from optimiser import PlanError, SolverError, load_config, monte_carlo, robust
from optimiser.cli import main

ZHEJIANG = "configs/zhejiang.yaml"
UNCERTAIN = "configs/zhejiang_uncertain.yaml"


@pytest.fixture
def chosen() -> Iterator[Callable[[str], None]]:
    """``optimiser.set_language`` for the test, the choice before put back after it."""
    before = optimiser.set_language(None)
    optimiser.set_language(before)
    yield optimiser.set_language
    optimiser.set_language(before)


@pytest.mark.parametrize(("lang", "line"), [
    ("zh", "Zhejiang CBEC talent plan：max_output，2025-2030，3 所院校，3 个层次，4 个教师组，6 项措施，3 个资金来源，"
           "3 个情景，已应用情景 austerity\n"),
    ("en", "Zhejiang CBEC talent plan: max_output, 2025-2030, 3 institutions, 3 tiers, 4 teacher groups, 6 levers, "
           "3 funding sources, 3 scenarios, scenario austerity\n"),
])
def test_validate_says_what_the_config_holds(lang: str, line: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", ZHEJIANG, "--scenario", "austerity", "--lang", lang]) == 0
    assert capsys.readouterr().out == "ok\n" + line


def test_validate_without_a_scenario_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", ZHEJIANG, "--lang", "zh"]) == 0
    assert capsys.readouterr().out.endswith("6 项措施，3 个资金来源，3 个情景\n")


def raised(call: Callable[[], Any], kind: type[Exception]) -> str:
    with pytest.raises(kind) as caught:
        call()
    return str(caught.value)


def test_monte_carlo_and_robust_errors_in_chinese(chosen: Callable[[str], None]) -> None:
    config = load_config(UNCERTAIN)
    chosen("zh")
    assert raised(lambda: monte_carlo(config, draws=10**9), ValueError) == (
        "抽样次数最多为 1,000,000，实际为 1,000,000,000：每次抽样都要求解一次并保留一行结果（百分位数在几千次以内即可稳定）")
    assert raised(lambda: monte_carlo(config, draws=2, solver="glpk"), SolverError) == (
        "未知的求解器 'glpk'；请从以下选择：highs、cbc")
    assert raised(lambda: monte_carlo(config, draws=2, plan=3), PlanError).endswith("；实际为 int")
    assert raised(lambda: robust(config, draws=10**6), ValueError).startswith(
        "稳健方案的抽样次数最多为 2,000，实际为 1,000,000：")
    assert raised(lambda: robust(config, draws=0), ValueError) == "draws 须为不小于 1 的整数，实际为 0"
    assert raised(lambda: robust(config, risk="x"), ValueError) == "未知的风险度量 'x'；请从以下选择：expected, cvar, worst"
    assert raised(lambda: robust(config, alpha=2.0), ValueError) == (
        "alpha 是 cvar 所取最差情形的比例，应在 (0, 1] 之间；实际为 2.0")
    assert raised(lambda: robust(config, worlds=[]), ValueError) == "worlds 至少要列出一个情形"


def test_monte_carlo_and_robust_errors_in_english(chosen: Callable[[str], None]) -> None:
    config = load_config(UNCERTAIN)
    chosen("en")
    assert raised(lambda: monte_carlo(config, draws=10**9), ValueError) == (
        "draws must be at most 1,000,000, got 1,000,000,000: each draw is one solve and keeps a row "
        "(the percentiles settle within a few thousand)")
    assert raised(lambda: monte_carlo(config, draws=2, solver="glpk"), SolverError) == (
        "unknown solver 'glpk'; choose one of: highs, cbc")
    assert raised(lambda: robust(config, risk="x"), ValueError) == "unknown risk 'x'; choose one of: expected, cvar, worst"
    assert raised(lambda: robust(config, draws=0), ValueError) == "draws must be a whole number of at least 1, got 0"
