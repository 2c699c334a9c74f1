"""What declaring the config schema with pydantic would add to every command's start.

    python benchmarks/schema_library.py [--repeats 15]

Every command validates its config, so the schema's library loads on every run,
``optimiser solve`` included, whose goal is 1.3 times the import floor
(``cli_speed.py``). This times, in fresh processes taken in turn: the floor
(``import numpy, yaml, highspy, pandas``), the floor plus this package's own
schema and checks (``optimiser.config``), and the floor plus pydantic v2 with four
small frozen ``extra="forbid"`` models (a fraction of the schema: horizon, teacher
group, lever, config) built and used once. Each is printed with its cost above the
floor, as a share of the floor. pydantic is not a dependency of the project:
install it into the environment to run this (``pip install pydantic``).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile

from cli_speed import installed_env, run
from timing import median_seconds_each

FLOOR = "import numpy, yaml, highspy, pandas"
PYDANTIC = FLOOR + """
from typing import Literal
import pydantic

class Horizon(pydantic.BaseModel, extra="forbid", frozen=True):
    start: int = pydantic.Field(ge=1900, le=2200)
    years: int = pydantic.Field(ge=1, le=100)

class Group(pydantic.BaseModel, extra="forbid", frozen=True):
    qualified: list[Literal["knowledge", "practice", "training"]]
    hours: float = pydantic.Field(gt=0, le=8760)
    external: bool = False
    attrition: float = pydantic.Field(0.0, ge=0, lt=1)
    replaced_by: str | None = None

class Lever(pydantic.BaseModel, extra="forbid", frozen=True):
    kind: Literal["hire", "convert", "build", "subsidise"]
    cost: float | dict[int, float] = 0.0
    group: str | None = None

class Config(pydantic.BaseModel, extra="forbid", frozen=True):
    horizon: Horizon
    teacher_groups: dict[str, Group]
    levers: dict[str, Lever]

Config(
    horizon={"start": 2025, "years": 5},
    teacher_groups={"in_house": {"qualified": [], "hours": 500}},
    levers={"lecturers": {"kind": "hire", "cost": 1.0, "group": "in_house"}},
)
"""
CASES = {
    "floor (import numpy, yaml, highspy, pandas)": FLOOR,
    "floor + optimiser.config (this package's schema)": FLOOR + "\nimport optimiser.config.load",
    "floor + pydantic, 4 models": PYDANTIC,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    if importlib.util.find_spec("pydantic") is None:
        sys.exit("pydantic is not installed here: pip install pydantic, then run this again")
    with tempfile.TemporaryDirectory(prefix="optimiser-pycache-") as cache:
        env = installed_env(cache)
        medians = median_seconds_each({name: run(["-c", code], env) for name, code in CASES.items()}, args.repeats)
    floor = medians[next(iter(CASES))]
    width = max(len(name) for name in CASES)
    print(f"medians of {args.repeats} runs each, in turn")
    for name, seconds in medians.items():
        print(f"  {name:<{width}}  {seconds:6.3f} s  +{(seconds - floor) / floor:5.2f} x floor")


if __name__ == "__main__":
    main()
