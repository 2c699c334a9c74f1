"""Speed of optimiser.monte_carlo against a naive loop that rebuilds and solves the model per draw.

Run from the repository root:

    python benchmarks/bench_montecarlo.py [--config configs/zhejiang_uncertain.yaml] [--draws 1000]
                                          [--repeat 3] [--naive-repeat 1] [--jobs 2]

Each figure is the median wall time of several runs (after one untimed
warm-up), printed beside the naive equivalent: for every draw,
``optimiser.solve(config.with_changes(draw), plan=plan)`` (the same worlds,
the same seed), and the ratio. The numbers of both are checked to agree on
every draw the plan fits. Target on a 2-core machine: a 1,000-draw Monte
Carlo with a fixed plan within 1 s (one process; the fit of a first run
included: ``benchmarks/warm_sweep.py --only montecarlo`` times that alone).

The fixed-plan figure is then split into its parts (medians): the fit of
how the drawn keys move the programme, the validation of the box of their
reach (one config per corner), and the draws themselves (the solves).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np
from timing import median_seconds  # benchmarks/ is on the path when a script here runs

from optimiser import load_config, solve
from optimiser.analysis import montecarlo
from optimiser.analysis.montecarlo import monte_carlo
from optimiser.config.uncertainty import draw_values, parse_uncertainty, probe_values, without_uncertainty

ROOT = Path(__file__).resolve().parents[1]




def naive_loop(config: Any, draws: int, seed: int, plan: dict[Any, float] | None) -> list[tuple[str, float]]:
    """Every draw through ``optimiser.solve`` on a rebuilt config and model."""
    keys = parse_uncertainty(config)
    base = without_uncertainty(config)
    values = draw_values(keys, draws, seed)
    outcomes = []
    for row in values:
        world = base.with_changes({spec.path: float(v) for spec, v in zip(keys, row)})
        result = solve(world, plan=plan, diagnose=False)
        outcomes.append((result.status.value, result.objective))
    return outcomes


def parts(config: Any, plan: dict[Any, float], draws: int, seed: int, repeat: int) -> list[tuple[str, float]]:
    """Median seconds of the fit, the box validation and the draws of one fixed-plan run (one process)."""
    keys = parse_uncertainty(config)
    base = without_uncertainty(config)
    paths = tuple(spec.path for spec in keys)
    probes = [probe_values(spec)[:2] for spec in keys]
    units = montecarlo.plan_units(plan, base)
    prepare, job = median_seconds(lambda: montecarlo._prepare(base, keys, units, "highs", draws), repeat)
    box, _ = median_seconds(lambda: montecarlo._valid_box(base, paths, probes, draws), repeat)
    values = draw_values(keys, draws, seed)
    together = montecarlo.WORLDS_TOGETHER  # as monte_carlo hands them out: each run's values with its first draw
    items = [(job, index, tuple(float(v) for v in values[index]),
              values[index:index + together] if index % together == 0 else None) for index in range(draws)]
    solves, _ = median_seconds(lambda: [montecarlo._evaluate(item) for item in items], repeat)
    covering = montecarlo._box_corners(len(keys))
    corners = 0 if covering is None or len(covering) > draws else len(covering)  # none below that many draws
    return [
        (f"  fit of the {len(keys)} keys", prepare - box),
        (f"  validation of the box ({corners} corners)", box),
        (f"  {draws} draws (solves)", solves),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, default=ROOT / "configs" / "zhejiang_uncertain.yaml")
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each fast figure (median reported)")
    parser.add_argument("--naive-repeat", type=int, default=1, help="timed runs of the naive loop")
    parser.add_argument("--jobs", type=int, default=2, help="processes for the parallel figure")
    args = parser.parse_args()
    config = load_config(args.config)
    best = solve(config)
    plan = {(r.lever, r.institution, r.tier, int(r.year)): float(r.units) for r in best.plan.itertuples()}
    n = args.draws
    rows: list[tuple[str, float, float | None, str]] = []

    naive, reference = median_seconds(lambda: naive_loop(config, n, args.seed, plan), args.naive_repeat)
    def first_run() -> Any:
        montecarlo._FITTED.clear()  # as the first run in a process: the drawn keys' effect is fitted again
        return monte_carlo(config, draws=n, seed=args.seed, plan=best)

    fast, result = median_seconds(first_run, args.repeat)
    fits = [i for i, (status, _) in enumerate(reference) if status == "optimal"]
    assert (result.draws["status"].iloc[fits] == "optimal").all()
    assert np.allclose(result.draws["objective"].iloc[fits], [reference[i][1] for i in fits], rtol=1e-9)
    rows.append((f"{n}-draw Monte Carlo, fixed plan, jobs=1", fast, naive, "target <= 1 s"))
    pooled, _ = median_seconds(
        lambda: monte_carlo(config, draws=n, seed=args.seed, plan=best, jobs=args.jobs), args.repeat
    )
    rows.append((f"{n}-draw Monte Carlo, fixed plan, jobs={args.jobs}", pooled, naive, "includes starting the processes"))

    naive_opt, reference_opt = median_seconds(lambda: naive_loop(config, n, args.seed, None), args.naive_repeat)
    fast_opt, result_opt = median_seconds(lambda: monte_carlo(config, draws=n, seed=args.seed), args.repeat)
    assert np.allclose(result_opt.draws["objective"], [obj for _, obj in reference_opt], rtol=1e-9)
    rows.append((f"{n}-draw Monte Carlo, re-optimised, jobs=1", fast_opt, naive_opt, ""))

    split = parts(config, plan, n, args.seed, args.repeat)
    print(f"config: {args.config} ({result.summary['method']} path, {len(result.keys)} uncertain keys)")
    print(f"{'figure':<46} {'median s':>9} {'naive s':>9} {'ratio':>7}  note")
    for name, seconds, naive_seconds, note in rows:
        ratio = f"{naive_seconds / seconds:6.1f}x" if naive_seconds else ""
        naive_text = f"{naive_seconds:9.2f}" if naive_seconds is not None else ""
        print(f"{name:<46} {seconds:9.2f} {naive_text:>9} {ratio:>7}  {note}")
    print("of the fixed-plan figure, jobs=1:")
    for name, seconds in split:
        print(f"{name:<46} {seconds:9.2f}")


if __name__ == "__main__":
    main()
