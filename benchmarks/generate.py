"""Generate national-scale configs: many institutions, ten years.

The figures are scaled from configs/zhejiang.yaml so the plan has the same
shape (all four levers in play, budget binding) at any size.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]


def national_config(institutions: int, years: int = 10, seed: int = 0) -> dict[str, Any]:
    """A config with ``institutions`` generated institutions over ``years`` years."""
    rng = np.random.default_rng(seed)
    base = yaml.safe_load((ROOT / "configs" / "zhejiang.yaml").read_text(encoding="utf-8"))
    config = copy.deepcopy(base)
    config["name"] = f"national benchmark: {institutions} institutions x {years} years"
    config["horizon"] = {"start": 2025, "years": years}
    config.pop("scenarios", None)
    config["policies"] = {"min_double_qualified_share": 0.4, "max_external_ratio": 0.25}
    for lever in config["levers"].values():
        lever.pop("institutions", None)
    tiers = list(config["tiers"])
    generated = []
    for index in range(institutions):
        offered = sorted(rng.choice(tiers, size=int(rng.integers(1, len(tiers) + 1)), replace=False).tolist())
        intake = {k: int(rng.integers(60, 600)) for k in offered}
        students = sum(intake[k] * config["tiers"][k]["duration"] for k in offered)
        staff = max(8, students // 18)
        generated.append(
            {
                "name": f"Institution {index:04d}",
                "tiers": offered,
                "teachers": {
                    "three_no": int(staff * rng.uniform(0.05, 0.15)),
                    "academic": int(staff * rng.uniform(0.3, 0.45)),
                    "double_qualified": int(staff * rng.uniform(0.42, 0.6)),
                },
                "intake": intake,
                "max_intake": {k: int(v * rng.uniform(1.1, 1.5)) for k, v in intake.items()},
                "training_seats": int(students * rng.uniform(0.05, 0.2)),
            }
        )
    config["institutions"] = generated
    scale = institutions / 3.0
    for source in config["funding"].values():
        per_year = source["per_year"]
        if isinstance(per_year, dict):
            source["per_year"] = {year: value * scale for year, value in per_year.items()}
        else:
            source["per_year"] = per_year * scale
    return config


def write_national(directory: Path, institutions: int, years: int = 10) -> Path:
    path = directory / f"national_{institutions}.yaml"
    path.write_text(yaml.safe_dump(national_config(institutions, years), sort_keys=False), encoding="utf-8")
    return path


def province_config(institutions: int = 4, years: int = 5, seed: int = 1) -> dict[str, Any]:
    """A province-sized, heterogeneous config: institutions from a tenth of the national size up.

    Small institutions make rounding matter (one lecturer is a large share of
    their staff), and a rising double-qualified floor binds per institution.
    """
    rng = np.random.default_rng(seed)
    config = national_config(institutions, years, seed)
    config["name"] = f"province benchmark: {institutions} institutions x {years} years"
    for inst in config["institutions"]:
        shrink = float(rng.uniform(0.08, 1.0))
        inst["teachers"] = {g: max(1, int(n * shrink)) for g, n in inst["teachers"].items()}
        inst["intake"] = {k: max(10, int(v * shrink)) for k, v in inst["intake"].items()}
        inst["max_intake"] = {k: max(inst["intake"][k] + 1, int(v * shrink)) for k, v in inst["max_intake"].items()}
        inst["training_seats"] = max(2, int(inst["training_seats"] * shrink))
    config["policies"] = {"min_double_qualified_share": {2025: 0.45, 2027: 0.55}, "max_external_ratio": 0.25}
    return config
