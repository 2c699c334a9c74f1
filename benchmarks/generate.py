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


SPLIT_LEVERS = ("enterprise_lecturers", "secondments", "retraining", "training_bases", "tuition_subsidies")
"""Levers whose cost (and, for secondments, share per year) differs between institutions."""


def _series(rng: np.random.Generator, start: int, years: int, value: float, spread: float) -> dict[int, float]:
    """A step series: ``value`` from ``start``, then a new level every two or three years."""
    out: dict[int, float] = {}
    year = start
    while year < start + years:
        out[year] = round(float(value * rng.uniform(1.0 - spread, 1.0 + spread)), 4)
        year += int(rng.integers(2, 4))
    return out


def _at(series: dict[int, float], year: int) -> float:
    """The value a step series holds in ``year``."""
    return series[max((y for y in series if y <= year), default=min(series))]


def heterogeneous_config(institutions: int, years: int = 10, seed: int = 0) -> dict[str, Any]:
    """A national config of unlike institutions: a hard shape for the solver.

    Each institution offers a random subset of the tiers, with intakes from
    100 to 3,000 a tier (log-uniform), 20 to 600 training seats and its own
    teacher mix. Lever costs differ by institution: each of
    :data:`SPLIT_LEVERS` is split into cost bands (one lever per band,
    applying to the institutions drawn for it), and each secondment band
    may release 5-15% of the in-house teachers a year. Funding, the
    double-qualified floor, the recruitment cap, the lecturer cap and the
    senior tier's demand cap are year-by-year series; output is discounted
    at 3% a year, and some institutions set their own double-qualified floor.
    """
    rng = np.random.default_rng(seed)
    base = yaml.safe_load((ROOT / "configs" / "zhejiang.yaml").read_text(encoding="utf-8"))
    config = copy.deepcopy(base)
    start = int(config["horizon"]["start"])
    config["name"] = f"heterogeneous benchmark: {institutions} institutions x {years} years"
    config["horizon"] = {"start": start, "years": years}
    config["discount_rate"] = 0.03
    config.pop("scenarios", None)
    tiers = list(config["tiers"])
    bands = max(1, min(6, institutions // 2))
    generated = []
    students_total = 0.0
    senior_intake = 0.0
    for index in range(institutions):
        offered = sorted(rng.choice(tiers, size=int(rng.integers(1, len(tiers) + 1)), replace=False).tolist())
        intake = {k: int(np.exp(rng.uniform(np.log(100), np.log(3000)))) for k in offered}
        students = sum(intake[k] * config["tiers"][k]["duration"] for k in offered)
        students_total += students
        senior_intake += intake.get("senior", 0)
        staff = max(10, int(students / 18 * 0.75 * rng.uniform(0.8, 1.2)))
        three_no = rng.uniform(0.05, 0.3)
        double = rng.uniform(0.36, 0.6)
        inst: dict[str, Any] = {
            "name": f"Institution {index:04d}",
            "tiers": offered,
            "teachers": {
                "three_no": int(staff * three_no),
                "academic": int(staff * (1.0 - three_no - double)),
                "double_qualified": int(np.ceil(staff * double)),
            },
            "intake": intake,
            "max_intake": {k: int(v * rng.uniform(1.05, 1.6)) + 1 for k, v in intake.items()},
            "training_seats": int(rng.integers(20, 601)),
        }
        if rng.random() < 0.2:
            inst["policies"] = {"min_double_qualified_share": _series(rng, start, years, 0.33, 0.08)}
        generated.append(inst)
    config["institutions"] = generated
    names = [inst["name"] for inst in generated]

    levers = config["levers"]
    for lever in levers.values():
        lever.pop("institutions", None)
    split: dict[str, list[str]] = {}
    for name in SPLIT_LEVERS:
        template = levers.pop(name)
        drawn = rng.integers(0, bands, size=institutions)
        split[name] = []
        for band in range(bands):
            members = [names[i] for i in np.flatnonzero(drawn == band)]
            if not members:
                continue
            lever = copy.deepcopy(template)
            for key in ("cost", "capex", "opex"):
                if key in lever:
                    lever[key] = int(lever[key] * rng.uniform(0.6, 1.6))
            if name == "secondments":
                lever["max_share_per_year"] = round(float(rng.uniform(0.05, 0.15)), 3)
            if name == "enterprise_lecturers":
                lever["max_per_year"] = _series(rng, start, years, float(rng.integers(20, 80)), 0.3)
            lever["institutions"] = members
            levers[f"{name}_{band}"] = lever
            split[name].append(f"{name}_{band}")
    # Zhejiang's figures are for ~18,200 students; national ones scale with the students here.
    scale = students_total / 18_200
    levers["recruitment"]["region_max_per_year"] = _series(rng, start, years, max(2.0, 25 * scale), 0.3)
    config["tiers"]["senior"]["demand"] = {
        start: round(0.6 * 0.95 * senior_intake, 1),
        start + years // 2: round(0.85 * 0.95 * senior_intake, 1),
    }
    config["policies"] = {
        "min_double_qualified_share": {start: 0.3, start + 2: 0.38, start + 5: 0.45},
        "max_external_ratio": 0.25,
    }
    for source in config["funding"].values():
        per_year = source["per_year"]
        amount = float(per_year if not isinstance(per_year, dict) else next(iter(per_year.values())))
        source["per_year"] = {year: int(value) for year, value in _series(rng, start, years, amount * scale, 0.25).items()}
        if source["funds"] != "all":
            source["funds"] = [f for name in source["funds"] for f in (split.get(name) or [name])]
    available = sum(_at(s["per_year"], year) for s in config["funding"].values() for year in range(start, start + years))
    config["total_budget"] = int(0.6 * available)
    return config


def write_heterogeneous(directory: Path, institutions: int, years: int = 10, seed: int = 0) -> Path:
    path = directory / f"heterogeneous_{institutions}.yaml"
    path.write_text(yaml.safe_dump(heterogeneous_config(institutions, years, seed), sort_keys=False), encoding="utf-8")
    return path
