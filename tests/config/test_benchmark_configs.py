"""The hard national shapes of benchmarks/generate.py are valid configs with an optimum."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from optimiser import Status, load_config, solve

from ..conftest import benchmark_generator


def test_heterogeneous_config_validates_and_solves_at_three_institutions(tmp_path: Path) -> None:
    generate = benchmark_generator()
    raw = generate.heterogeneous_config(3, years=10, seed=0)
    path = tmp_path / "heterogeneous.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    config = load_config(path)
    assert not config.warnings
    assert config.discount_rate == 0.03
    assert len(config.years) == 10 and len(config.institutions) == 3
    for inst in raw["institutions"]:
        assert all(100 <= n <= 3000 for n in inst["intake"].values())
        assert 20 <= inst["training_seats"] <= 600
    shares = [lever["max_share_per_year"] for name, lever in raw["levers"].items() if name.startswith("secondments")]
    assert shares and all(0.05 <= share <= 0.15 for share in shares)

    result = solve(config)
    assert result.status is Status.OPTIMAL
    assert result.summary["tie_break"] and result.summary["smoothing_applied"]
    assert 0 < result.summary["baseline_output"] < result.objective
    kinds = set(result.constraints["kind"])
    assert {"demand", "total_budget", "double_qualified_share", "conversion_share"} <= kinds
    senior = result.outputs[result.outputs["tier"] == "senior"].groupby("year")["compound"].sum()
    demand = config.tiers["senior"].demand
    assert all(senior[t] <= demand.at(t) * (1 + 1e-7) + 1e-6 for t in config.years)


@pytest.mark.parametrize("institutions", [12, 40])
def test_lever_cost_bands_split_the_institutions(institutions: int) -> None:
    generate = benchmark_generator()
    raw = generate.heterogeneous_config(institutions, years=4, seed=1)
    names = {inst["name"] for inst in raw["institutions"]}
    for lever in generate.SPLIT_LEVERS:
        bands = [spec for name, spec in raw["levers"].items() if name.rsplit("_", 1)[0] == lever]
        assert len(bands) > 1
        members = [name for spec in bands for name in spec["institutions"]]
        # Every institution has exactly one band of each lever, so its own cost.
        assert sorted(members) == sorted(names)
        costs = {spec.get("cost", spec.get("capex")) for spec in bands}
        assert len(costs) == len(bands)
    assert raw != generate.heterogeneous_config(institutions, years=4, seed=2)
    assert raw == generate.heterogeneous_config(institutions, years=4, seed=1)
