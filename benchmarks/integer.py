"""Whole-unit plans: time to the first integer plan, to the target gap, and the final gap, against the LP.

Every shipped config and scenario, a generated province-sized heterogeneous
config (4 and 10 institutions) and generated national ones (30 and 100
institutions x 10 years). Each run is ``optimiser.solve(..., integer=True)``
with the default time limit (60 s) and gap (1e-3) unless given.

Goals: province-sized (<= 10 institutions) proven within 1e-3 in <= 5 s;
100 x 10 within 1% in <= 60 s with a first plan in <= 10 s; no run ends
without a plan when the rounding finds one.

Each figure is the median of ``--repeat`` runs (timings on a shared machine are noisy).
"run s" is the whole run, end to end: LP, rounding, search, tie-break, smoothing and the
LP for shadow prices.

    python benchmarks/integer.py                      # all, HiGHS
    python benchmarks/integer.py --solver cbc --sizes 4,30
    python benchmarks/integer.py --sizes 4 --repeat 3  # province-sized only, medians of 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import national_config, province_config  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def cases(sizes: list[int], folder: Path) -> list[tuple[str, Path, str | None]]:
    from optimiser import load_config

    found: list[tuple[str, Path, str | None]] = []
    for path in sorted((ROOT / "configs").glob("*.yaml")):
        config = load_config(path)
        for scenario in [None, *config.scenarios]:
            found.append((f"{path.name}{':' + scenario if scenario else ''}", path, scenario))
    for n in sizes:
        if n <= 10:
            raw, name = province_config(n, 5), f"province_{n}x5"
        else:
            raw, name = national_config(n, 10), f"national_{n}x10"
        target = folder / f"{name}.yaml"
        target.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
        found.append((name, target, None))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--solver", default="highs")
    parser.add_argument("--sizes", default="4,10,30,100")
    parser.add_argument("--time-limit", type=float, default=None)
    parser.add_argument("--mip-gap", type=float, default=None)
    parser.add_argument("--repeat", type=int, default=1, help="runs per case; medians are printed")
    parser.add_argument("--only", default="", help="run only the cases whose name contains this text")
    args = parser.parse_args()
    from optimiser import load_config, solve

    sizes = [int(s) for s in args.sizes.split(",") if s]
    header = (f"{'case':<40}{'LP s':>7}{'first s':>9}{'target s':>9}{'run s':>8}{'gap':>10}{'int. cost':>11}"
              "  status")
    print(header)
    print("-" * len(header))

    def median(values: list[float | None]) -> float | None:
        known = [v for v in values if isinstance(v, float)]
        return statistics.median(known) if len(known) == len(values) and known else None

    def num(value: float | None, fmt: str) -> str:
        return format(value, fmt) if isinstance(value, float) else "-".rjust(int(fmt.split(".")[0]))

    with tempfile.TemporaryDirectory() as tmp:
        for name, path, scenario in cases(sizes, Path(tmp)):
            if args.only not in name:
                continue
            config = load_config(path, scenario=scenario)
            lp_runs: list[float | None] = []
            runs: list[dict[str, object]] = []
            statuses: set[str] = set()
            for _ in range(max(args.repeat, 1)):
                started = time.perf_counter()
                lp = solve(config, solver=args.solver, integer=False)
                lp_runs.append(time.perf_counter() - started)
                result = solve(config, solver=args.solver, integer=True, time_limit=args.time_limit,
                               mip_gap=args.mip_gap)
                runs.append(result.summary)
                statuses.add(result.status.value + ("" if lp.ok else f" (LP {lp.status.value})"))

            def col(key: str) -> float | None:
                return median([s.get(key) for s in runs])  # type: ignore[misc]

            print(
                f"{name:<40}{num(median(lp_runs), '7.2f')}{num(col('first_plan_seconds'), '9.2f')}"
                f"{num(col('target_seconds'), '9.2f')}{num(col('seconds'), '8.2f')}{num(col('gap'), '10.2e')}"
                f"{num(col('integrality_gap'), '11.2e')}  {'/'.join(sorted(statuses))}",
                flush=True,
            )


if __name__ == "__main__":
    main()
