"""Speed of the analyses against a naive loop that rebuilds and solves the model per point.

Run from the repository root:

    python benchmarks/bench_analysis.py [--config configs/zhejiang.yaml] [--repeat 5] [--naive-repeat 3]

Each figure is the median wall time of several runs (after one untimed
warm-up), printed beside the naive equivalent, ``optimiser.solve`` on
``config.with_changes(...)`` for every point, and the ratio. Targets on a
2-core machine: a 200-point budget sweep of configs/zhejiang.yaml within 2 s,
the exact frontier within 0.5 s.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from timing import median_seconds  # benchmarks/ is on the path when a script here runs

from optimiser import Config, load_config, solve
from optimiser.analysis import frontier, pareto, sweep

ROOT = Path(__file__).resolve().parents[1]
GOV = "funding.government.per_year"




def naive_sweep(config: Config, path: str, values: list[float]) -> list[float]:
    return [solve(config.with_changes({path: value}), diagnose=False).objective for value in values]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, default=ROOT / "configs" / "zhejiang.yaml")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each fast figure (median reported)")
    parser.add_argument("--naive-repeat", type=int, default=3, help="timed runs of each naive loop")
    args = parser.parse_args()
    config = load_config(args.config)
    budgets = [float(b) for b in np.linspace(0.0, 12e6, 200)]
    rows: list[tuple[str, float, str, float | None, str]] = []

    fast, table = median_seconds(lambda: sweep(config, {GOV: budgets}, progress=False), args.repeat)
    naive, objectives = median_seconds(lambda: naive_sweep(config, GOV, budgets), args.naive_repeat)
    assert np.allclose(table["objective"], objectives, rtol=1e-9)
    rows.append(("200-point budget sweep, jobs=1", fast, "200 x solve()", naive, "target <= 2 s"))

    pooled, pooled_table = median_seconds(lambda: sweep(config, {GOV: budgets}, jobs=2, progress=False), args.repeat)
    assert pooled_table.equals(table)
    rows.append(("200-point budget sweep, jobs=2", pooled, "200 x solve()", naive, "pool start included"))

    path = "levers.tuition_subsidies.induced_intake"
    shares = [float(v) for v in np.linspace(0.1, 0.5, 40)]
    rebuilt, _ = median_seconds(lambda: sweep(config, {path: shares}, progress=False), max(1, args.repeat // 2))
    rebuilt2, _ = median_seconds(lambda: sweep(config, {path: shares}, jobs=2, progress=False), max(1, args.repeat // 2))
    naive_rebuilt, _ = median_seconds(lambda: naive_sweep(config, path, shares), args.naive_repeat)
    rows.append(("40-point coefficient sweep, jobs=1", rebuilt, "40 x solve()", naive_rebuilt, "rebuilt per point"))
    rows.append(("40-point coefficient sweep, jobs=2", rebuilt2, "40 x solve()", naive_rebuilt, "rebuilt per point"))

    for over in (GOV, "total_budget"):
        exact, front = median_seconds(lambda over=over: frontier(config, over=over), args.repeat)
        top = float(front.breakpoints["budget"].iloc[-1])
        samples = [float(b) for b in np.linspace(0.0, top, 50)]
        sampled, _ = median_seconds(lambda over=over, samples=samples: naive_sweep(config, over, samples), args.naive_repeat)
        rows.append((f"exact frontier over {over} ({len(front.breakpoints)} breakpoints, {front.solves} solves)",
                     exact, "50 sampled solve()", sampled, "target <= 0.5 s; sampling is not exact"))

    trade, _ = median_seconds(lambda: pareto(config, x="basic", y="professional", points=20), args.repeat)
    rows.append(("20-point tier Pareto frontier (basic vs professional)", trade, "", None, "3 LP solves a point"))

    print(f"config: {args.config}  (median of {args.repeat} runs; naive loops: median of {args.naive_repeat})")
    print(f"{'figure':<62} {'seconds':>8}   {'naive loop':<20} {'seconds':>8} {'ratio':>7}  note")
    for name, seconds, naive_name, naive_seconds, note in rows:
        if naive_seconds is None:
            print(f"{name:<62} {seconds:8.3f}   {'-':<20} {'-':>8} {'-':>7}  {note}")
        else:
            print(f"{name:<62} {seconds:8.3f}   {naive_name:<20} {naive_seconds:8.3f} {naive_seconds / seconds:6.1f}x  {note}")


if __name__ == "__main__":
    main()
