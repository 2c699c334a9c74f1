"""The shipped configs load, solve, and show what they were calibrated to show."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from optimiser import Status, load_config, solve

from .conftest import CONFIGS

ALL = sorted(CONFIGS.glob("*.yaml"))


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_every_shipped_config_and_scenario_solves(path: Path) -> None:
    config = load_config(path)
    for name in ["base", *config.scenarios]:
        result = solve(config.scenario(name))
        assert result.status is Status.OPTIMAL, (path.name, name, [str(d) for d in result.diagnosis])


def test_zhejiang_budget_binds_and_uses_all_four_levers() -> None:
    config = load_config(CONFIGS / "zhejiang.yaml")
    result = solve(config)
    spend = result.spend_by_lever()
    assert set(spend) == {"enterprise_lecturers", "secondments", "training_bases", "tuition_subsidies"}
    assert all(amount > 100_000 for amount in spend.values()), spend
    available = sum(source.per_year.at(t) for source in config.funding.values() for t in config.years)
    assert result.total_cost == pytest.approx(available, rel=1e-4)
    caps = result.constraints[result.constraints["kind"] == "funding_cap"]
    assert (caps["shadow_price"] > 0).all()


def test_zhejiang_has_three_institution_groups_and_scenarios() -> None:
    config = load_config(CONFIGS / "zhejiang.yaml")
    names = " ".join(inst.name.lower() for inst in config.institutions)
    for group in ("vocational", "applied", "research"):
        assert group in names
    assert {"austerity", "dq_target_2028"} <= set(config.scenarios)
    assert config.scenario("austerity").funding["government"].per_year.at(2025) == pytest.approx(
        config.funding["government"].per_year.at(2025) / 2
    )
    assert solve(config.scenario("austerity")).objective < solve(config).objective


def test_zhejiang_figures_carry_their_source() -> None:
    # Every numeric value line carries a comment: a source or "assumption:".
    lines = (CONFIGS / "zhejiang.yaml").read_text(encoding="utf-8").splitlines()
    numeric = [line for line in lines if re.match(r"^\s*[\w.]+:\s*[-\d.{]", line) and not line.strip().startswith("#")]
    uncommented = [line for line in numeric if "#" not in line]
    assert len(uncommented) <= len(numeric) // 10, uncommented[:10]


def test_min_cost_config_reaches_its_targets() -> None:
    config = load_config(CONFIGS / "zhejiang_min_cost.yaml")
    assert config.objective.mode == "min_cost"
    result = solve(config)
    # The most-output tie-break and the smoothing stage may spend up to 1e-7
    # of the least cost plus one yuan (docs/model.md, objective).
    assert result.objective <= result.total_cost <= result.objective * (1 + 1e-7) + 1.0 + 1e-6
    reached = result.compound_output()
    for tier, series in config.objective.targets.items():
        for year in config.years:
            assert reached[tier][year] >= series.at(year) - 1e-6


def test_csv_config_reads_institutions_from_file() -> None:
    config = load_config(CONFIGS / "institutions_csv.yaml")
    assert config.raw["institutions"][0]["name"] == config.institutions[0].name
    assert len(config.institutions) == 8
