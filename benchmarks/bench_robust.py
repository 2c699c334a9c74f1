"""Speed of robust plans and of the room around the optimum, beside the naive way.

Run from the repository root:

    python benchmarks/bench_robust.py [--draws 200] [--repeat 3]

Figures are medians of ``--repeat`` runs (after one untimed warm-up):

- a robust plan over 200 draws of configs/zhejiang_uncertain.yaml (the block
  programme built from the fitted worlds and solved once; no out-of-sample
  test), beside the naive build: ``build_model`` on every drawn world, the
  block programme then solved the same way. Target on 2 cores: <= 30 s.
- ``alternatives`` for every lever and lever x institution of
  configs/zhejiang.yaml (one HiGHS instance, only the objective changes),
  beside the naive way: every bound from scratch (build the model, add the
  near-optimal rows, solve). Target on 2 cores: <= 10 s.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np
from timing import median_seconds  # benchmarks/ is on the path when a script here runs

from optimiser import load_config
from optimiser.analysis.alternatives import alternatives
from optimiser.analysis.robust import Worlds, block_programme, cost_bound, output_estimate, robust, solve_block
from optimiser.config.uncertainty import draw_values, parse_uncertainty, without_uncertainty

ROOT = Path(__file__).resolve().parents[1]




def naive_robust(config: Any, draws: int) -> float:
    """Every world through build_model (no fitted slopes), then the same block solve."""
    from optimiser.analysis.program_arrays import arrays_of
    from optimiser.model import build_model

    keys = parse_uncertainty(config)
    base = without_uncertainty(config)
    values = draw_values(keys, draws, 0)
    paths = [spec.path for spec in keys]
    model = build_model(base)
    plan_keys = [(lever, inst, "", t) for (lever, inst, t) in model.form.vars.u] + list(model.form.vars.us)
    programs = [arrays_of(build_model(base.with_changes(dict(zip(paths, row.tolist()))))) for row in values]
    worlds = Worlds(programs, values, keys, plan_keys, [""] * len(plan_keys), len(plan_keys), "rebuild")
    block = block_programme(worlds, "max_output", "expected", 0.1, "every", output_estimate(worlds, "max_output"))
    return solve_block(block, "max_output", True, cost_bound(worlds))[1]


def naive_alternatives(config: Any, within: float) -> int:
    """Every bound from scratch: build, solve the optimum and the cheapest plan, add the rows, solve the bound."""
    from optimiser.analysis.alternatives import _items
    from optimiser.model import build_model
    from optimiser.solve.backends import HighsBackend
    from optimiser.solve.matrix import matrix_form

    count = 0
    model = build_model(config, integer=False)
    matrix_form(model)  # tags the columns
    items = _items(model, "yuan")
    for index in range(len(items)):
        for sense in ("min", "max"):
            model = build_model(config, integer=False)
            form = matrix_form(model)
            backend = HighsBackend(None, form=form)
            output, cost = form.costs(model.output), form.costs(model.cost)
            backend.solve_costs(output, "max")
            optimum = backend.objective_value()
            backend.cap_row(-output, -optimum * (1 - 1e-7))
            backend.solve_costs(cost, "min")
            cheapest = backend.objective_value()
            backend.cap_row(cost, cheapest * (1 + 1e-7) + 1e-3)
            backend.session.set_row_bounds(backend.n_rows, -np.inf, -optimum * (1 - within))
            backend.solve_costs(_items(model, "yuan")[index][3] * 1e-3, sense)
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--naive-repeat", type=int, default=1)
    args = parser.parse_args()
    uncertain = load_config(ROOT / "configs" / "zhejiang_uncertain.yaml")
    plain = load_config(ROOT / "configs" / "zhejiang.yaml")

    fast, result = median_seconds(lambda: robust(uncertain, draws=args.draws, seed=0, test_draws=0), args.repeat)
    naive, objective = median_seconds(lambda: naive_robust(uncertain, args.draws), args.naive_repeat)
    assert abs(objective - result.objective) <= 1e-6 * abs(result.objective), (objective, result.objective)
    print(f"robust plan, {args.draws} draws: {fast:.2f} s (build {result.summary['build_seconds']:.2f} s, "
          f"solve {result.summary['solve_seconds']:.2f} s; {result.summary['rows']} rows x "
          f"{result.summary['columns']} columns)   naive (build_model per world): {naive:.2f} s   target <= 30 s")

    fast, room = median_seconds(lambda: alternatives(plain, within=0.01, plans=4), args.repeat)
    naive, solves = median_seconds(lambda: naive_alternatives(plain, 0.01), args.naive_repeat)
    print(f"alternatives, {len(room.ranges)} ranges + {len(room.plan_summary) - 1} plans ({room.summary['solves']} "
          f"solves in one instance): {fast:.2f} s   naive ({solves} bounds from scratch): {naive:.2f} s   "
          f"target <= 10 s")


if __name__ == "__main__":
    main()
