"""The diagnosis of an infeasible config: round-off left out, and the least money that makes a plan possible."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

from optimiser import load_config, solve
from optimiser.cli import main
from optimiser.model.rows import breached

from .conftest import CONFIGS
from .tiny import secondment_config, write_tiny

SOURCES = ("government", "universities", "enterprises")


def test_a_breach_counts_from_what_a_planner_could_act_on() -> None:
    # Money in thousands of yuan: 0.0016 yuan is round-off, 2 yuan is not; a hundredth of a teacher,
    # place or graduate is the least of anything else, an hour the least of teaching.
    kinds = ["funding_cap", "funding_cap", "double_qualified_share", "double_qualified_share", "cohort_places",
             "target", "teacher_hours", "teacher_hours"]
    amounts = [1.6e-6, 2e-3, 0.005, 0.02, 0.01, 0.009, 0.5, 1.5]
    limits = [0.0, 0.0, 2.0, 2.0, 300.0, 15.0, 3000.0, 3000.0]
    assert breached(kinds, amounts, limits).tolist() == [False, True, False, True, True, False, False, True]


def test_no_money_is_explained_by_the_least_money_per_source_and_year(tmp_path: Path, solver: str) -> None:
    # A floor of 0.2 double-qualified among 10 academic teachers takes 2 secondments of 20,000 yuan. With no
    # money the floor moves (2 teachers: 1 unit of penalty, against 40 for 40,000 yuan at a limit of 0); with
    # the floor kept, 40,000 yuan of government money makes a plan possible.
    raw = secondment_config(money=0, policies={"min_double_qualified_share": 0.2})
    result = solve(load_config(write_tiny(tmp_path, raw)), solver=solver)
    assert [d.message for d in result.diagnosis] == [
        "policies.min_double_qualified_share at College in 2025: reachable 0.00, asked 0.2",
        "or, with every other limit kept, 40,000 yuan more in all makes a plan possible",
        "funding.government.per_year in 2025: 40,000 yuan more needed (limit 0 yuan, needed 40,000)",
    ]
    money = result.diagnosis[2]
    assert (money.config_path, money.year, money.asked) == ("funding.government.per_year", 2025, 0.0)
    assert money.reachable == pytest.approx(40000.0, abs=0.01)


def test_money_alone_cannot_lift_a_lever_limit(tmp_path: Path) -> None:
    # At least 3 secondments a year while at most 10% of 10 teachers (1) may go: no money helps.
    raw = secondment_config(secondments={"min_per_year": 3, "max_share_per_year": 0.1})
    result = solve(load_config(write_tiny(tmp_path, raw)))
    messages = [d.message for d in result.diagnosis]
    assert messages[-1] == "more money alone does not make a plan possible: the limits above must move"
    assert "yuan more needed" not in " ".join(messages)


def test_the_diagnosis_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = secondment_config(money=0, policies={"min_double_qualified_share": 0.2})
    path = write_tiny(tmp_path, raw)
    assert main(["solve", str(path), "--lang", "zh"]) == 3
    out = capsys.readouterr().out
    assert "  - 或者，其他限制均不变，共增加 40,000 元资金即可使方案可行\n" \
           "  - funding.government.per_year 2025年：还需 40,000 元（限额 0 元，需要 40,000 元）" in out
    raw = secondment_config(secondments={"min_per_year": 3, "max_share_per_year": 0.1})
    assert main(["solve", str(write_tiny(tmp_path, raw, "lever.yaml")), "--lang", "zh"]) == 3
    assert "  - 仅增加资金无法使方案可行：必须放宽上述限制" in capsys.readouterr().out


def test_zhejiang_without_money(tmp_path: Path) -> None:
    # Every source's money at zero: the double-qualified floors must move, and the solver's round-off (a
    # thousandth of a yuan of university money) is not a finding. The least money per source and year
    # the diagnosis names, rounded up to the yuan, makes a plan possible, and costs what it says.
    config = load_config(CONFIGS / "zhejiang.yaml").with_changes(
        {f"funding.{s}.per_year": 0.0 for s in SOURCES})
    result = solve(config)
    messages = [d.message for d in result.diagnosis]
    head = next(i for i, m in enumerate(messages) if m.startswith("or, with every other limit kept"))
    assert all("min_double_qualified_share" in m for m in messages[:head])
    money = result.diagnosis[head + 1:]
    assert money and all(d.config_path.startswith("funding.") and d.config_path.endswith(".per_year")
                         for d in money)
    assert all(d.reachable is not None and d.reachable >= 1.0 for d in money)
    total = sum(d.reachable or 0.0 for d in money)
    match = re.search(r"([\d,]+) yuan more in all", messages[head])
    assert match is not None and float(match.group(1).replace(",", "")) == pytest.approx(total, abs=1.0)
    needed: dict[str, dict[int, float]] = {s: {t: 0.0 for t in range(2025, 2031)} for s in SOURCES}
    for d in money:
        assert d.year is not None
        needed[d.config_path.split(".")[1]][d.year] = float(np.ceil(d.reachable or 0.0))
    funded = solve(config.with_changes({f"funding.{s}.per_year": needed[s] for s in SOURCES}))
    assert funded.status.value == "optimal"
    assert funded.total_cost == pytest.approx(total, rel=1e-6)


def test_a_budget_short_by_less_than_a_yuan_names_the_limit_and_the_frontier_reads_a_budget_with_a_plan(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from optimiser.analysis.frontier import frontier

    config = load_config(CONFIGS / "zhejiang.yaml")
    front = frontier(config, over="total_budget")
    low = float(front.breakpoints["budget"].iloc[0])
    assert low != round(low)  # the smallest feasible budget is not a whole number of yuan
    short = solve(config.with_changes({"total_budget": math.floor(low)}))
    assert short.status.value == "infeasible"
    (reason,) = [d.message for d in short.diagnosis]
    assert reason.startswith(f"total_budget: {low - math.floor(low):.4g} yuan more needed")
    # The frontier's table shows that budget rounded up, and a solve there has a plan.
    assert main(["frontier", str(CONFIGS / "zhejiang.yaml")]) == 0
    first = capsys.readouterr().out.splitlines()[2].split()[0]
    assert int(first.replace(",", "")) == math.ceil(low)
    assert solve(config.with_changes({"total_budget": math.ceil(low)})).ok
