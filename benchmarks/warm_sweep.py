"""Speed of the warm engine: re-solving one loaded programme for new limits or new coefficients.

Run from the repository root:

    python benchmarks/warm_sweep.py [--config configs/zhejiang.yaml] [--points 200] [--repeat 5]
                                    [--only budget,cost,montecarlo,frontier] [--cpu]

Each figure is the median wall time of several runs (after one untimed
warm-up; with ``--cpu`` the process's CPU time, steadier when other work
shares the machine), printed beside its goal and a reference with the ratio:

- a sweep of ``total_budget`` (``--points`` values) against a raw loop that
  loads the same programme once into one HiGHS session and, per point,
  changes only the budget row and re-solves the same stages (the objective,
  then the cheapest plan keeping it). Goal: ≤ 3 × the raw loop.
- a sweep of a lever's cost (40 values; every stage of ``optimiser.solve``,
  smoothing included) against ``optimiser.solve`` on
  ``config.with_changes(...)`` at every point. Goal: ≥ 5 × faster.
- Monte Carlo with the optimal plan fixed, 1,000 draws of
  configs/zhejiang_uncertain.yaml, one process, as the first run in a
  process (the drawn keys' effect fitted). Goal: ≤ 1 s. Below it, the same
  run again on that config (the fit kept from the run before).
- the exact frontier over the government's yearly money. Goal: ≤ 0.1 s.

Below the Monte Carlo and frontier figures, the time spent inside HiGHS's
own solves (median over the same number of runs, timed apart so the
figures above carry no timing of their own) and how many solves: the part
no bookkeeping around the solver can remove.

The sweeps' objectives are checked against their reference before a figure
is printed.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
import timing  # benchmarks/ is on the path when a script here runs

from optimiser import Config, load_config, solve
from optimiser.analysis import frontier, montecarlo, sweep
from optimiser.analysis.montecarlo import monte_carlo
from optimiser.model import build_model
from optimiser.model.formulation import MONEY_SCALE
from optimiser.solve.engine import cost_cap, floor_value
from optimiser.solve.highs import Session
from optimiser.solve.matrix import matrix_form

ROOT = Path(__file__).resolve().parents[1]
COST = "levers.secondments.cost"
GOV = "funding.government.per_year"


def raw_budget_loop(config: Config, budgets: list[float]) -> list[float]:
    """One HiGHS session; per point only the budget row's limit changes, then the same stages as solve.

    The objective, the tie-break (the cheapest plan keeping it) and, when the
    config asks for it, the smoothing stage (the least priced year-to-year
    change within the output floor and the cost cap), started afresh as
    solve starts it, its rows and columns removed after.
    """
    form = matrix_form(build_model(config.with_changes({"total_budget": budgets[0]})))
    session = Session()
    session.load_form(form)
    floor_row = session.add_row(-math.inf, math.inf, form.output)
    budget_row = form.rows_where("total_budget")
    n, rows_built = session.n_cols, session.n_rows
    smooth = form.smooth if form.changes is not None and form.changes.shape[0] else None
    objectives = []
    for budget in budgets:
        session.clear()
        session.set_row_bounds(floor_row, -math.inf, math.inf)
        session.set_row_bounds(budget_row, -math.inf, budget * MONEY_SCALE)
        session.run(form.output, "max")
        objective = session.objective()
        session.set_row_bounds(floor_row, floor_value(objective), math.inf)
        session.run(form.cost, "min")
        x = session.values()[:n]
        if smooth is not None:
            assert form.changes is not None
            m = form.changes.shape[0]
            session.set_row_bounds(floor_row, floor_value(objective, smooth), math.inf)
            session.add_columns(2 * m)
            eye = sp.identity(m, format="csr")
            changes = sp.hstack([form.changes, -eye, eye], format="csr")
            session.add_rows(np.zeros(m), np.zeros(m), changes.indptr[:-1], changes.indices, changes.data)
            session.add_row(-math.inf, cost_cap(float(form.cost @ x)), form.cost)
            session.clear()
            session.run(np.concatenate([form.tie, form.change_price, form.change_price]), "min")
            session.values()
            session.delete_rows(np.arange(rows_built, session.n_rows))
            session.delete_cols(np.arange(n, session.n_cols))
        objectives.append(objective)
    return objectives


def naive_sweep(config: Config, path: str, values: list[float]) -> list[float]:
    return [solve(config.with_changes({path: value}), diagnose=False).objective for value in values]


CLOCK = time.perf_counter
"""What the figures are timed by: wall time, or with ``--cpu`` this process's CPU time."""


def median_seconds(work: Any, repeat: int) -> tuple[float, Any]:
    """Median seconds of ``repeat`` runs after a warm-up (:func:`timing.median_seconds`, or CPU seconds with ``--cpu``)."""
    if CLOCK is time.perf_counter:
        return timing.median_seconds(work, repeat)
    value = work()
    times = []
    for _ in range(repeat):
        started = CLOCK()
        value = work()
        times.append(CLOCK() - started)
    return statistics.median(times), value


def solver_share(work: Any, repeat: int) -> tuple[float, int]:
    """Median seconds inside ``Session.run`` over ``repeat`` runs of ``work``, and the solves of one run."""
    original = Session.run
    spent: list[float] = []
    solves: list[int] = []

    def timed(self: Session, *args: Any, **kwargs: Any) -> Any:
        started = CLOCK()
        try:
            return original(self, *args, **kwargs)
        finally:
            spent[-1] += CLOCK() - started
            solves[-1] += 1

    Session.run = timed  # type: ignore[method-assign]
    try:
        for _ in range(repeat):
            spent.append(0.0)
            solves.append(0)
            work()
    finally:
        Session.run = original  # type: ignore[method-assign]
    return statistics.median(spent), solves[-1]


def row(name: str, seconds: float, goal: str, reference: str = "-", reference_seconds: float | None = None) -> str:
    ratio = "-" if reference_seconds is None else f"{seconds / reference_seconds:6.2f}"
    ref = "-" if reference_seconds is None else f"{reference_seconds:8.3f}"
    return f"{name:<44} {seconds:8.3f}   {reference:<28} {ref:>8} {ratio:>7}   {goal}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, default=ROOT / "configs" / "zhejiang.yaml")
    parser.add_argument("--uncertain", type=Path, default=ROOT / "configs" / "zhejiang_uncertain.yaml")
    parser.add_argument("--points", type=int, default=200, help="points of the budget sweep")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each fast figure (median reported)")
    parser.add_argument("--naive-repeat", type=int, default=1, help="timed runs of the per-point solve loop")
    parser.add_argument("--only", default="budget,cost,montecarlo,frontier",
                        help="figures to run, comma-separated (default: all): budget, cost, montecarlo, frontier")
    parser.add_argument("--cpu", action="store_true",
                        help="time by this process's CPU seconds instead of wall time (steadier on a busy machine; "
                             "every solve runs in this process)")
    args = parser.parse_args()
    global CLOCK
    if args.cpu:
        CLOCK = time.process_time
    only = {name.strip() for name in args.only.split(",")}
    unknown = only - {"budget", "cost", "montecarlo", "frontier"}
    if unknown:
        parser.error(f"unknown figures: {', '.join(sorted(unknown))}")
    config = load_config(args.config)
    lines: list[str] = []
    if "budget" in only:
        lines.append(budget_figure(config, args))
    if "cost" in only:
        lines.append(cost_figure(config, args))
    if "montecarlo" in only:
        lines.append(montecarlo_figure(args))
    if "frontier" in only:
        lines.append(frontier_figure(config, args))

    clock = "CPU" if args.cpu else "wall"
    print(f"config: {args.config}  (median {clock} seconds of {args.repeat} runs; per-point solve loop: "
          f"{args.naive_repeat})")
    print(f"{'figure':<44} {'seconds':>8}   {'reference':<28} {'seconds':>8} {'ratio':>7}   goal")
    for line in lines:
        print(line)


def budget_figure(config: Config, args: argparse.Namespace) -> str:
    money = sum(s.per_year.at(t) for s in config.funding.values() for t in config.years)
    budgets = [float(b) for b in np.linspace(0.05 * money, money, args.points)]
    fast, table = median_seconds(lambda: sweep(config, {"total_budget": budgets}, progress=False), args.repeat)
    raw, objectives = median_seconds(lambda: raw_budget_loop(config, budgets), args.repeat)
    assert np.allclose(table["objective"], objectives, rtol=1e-7), "the sweep and the raw loop disagree"
    return row(f"{args.points}-point total_budget sweep", fast, "ratio <= 3 (x raw loop)",
               "raw HiGHS loop, same stages", raw)


def cost_figure(config: Config, args: argparse.Namespace) -> str:
    costs = [float(c) for c in np.linspace(5_000.0, 20_000.0, 40)]
    warm, cost_table = median_seconds(lambda: sweep(config, {COST: costs}, progress=False), args.repeat)
    naive, naive_objectives = median_seconds(lambda: naive_sweep(config, COST, costs), args.naive_repeat)
    assert np.allclose(cost_table["objective"], naive_objectives, rtol=1e-9), "the cost sweep and solve() disagree"
    return row("40-point lever-cost sweep (all stages)", warm, "ratio <= 0.2 (>= 5x faster)", "40 x solve()", naive)


def montecarlo_figure(args: argparse.Namespace) -> str:
    uncertain = load_config(args.uncertain)
    best = solve(uncertain)
    plan: dict[Any, float] = {(r.lever, r.institution, r.tier, int(r.year)): float(r.units)
                              for r in best.plan.itertuples()}

    def first_call() -> Any:
        montecarlo._FITTED.clear()  # as in a fresh process: the drawn keys' effect is fitted again
        return monte_carlo(uncertain, draws=1000, seed=0, plan=plan, progress=False)

    def again_call() -> Any:
        return monte_carlo(uncertain, draws=1000, seed=0, plan=plan, progress=False)

    draws, _ = median_seconds(first_call, args.repeat)
    again, _ = median_seconds(again_call, args.repeat)
    inside, solves = solver_share(again_call, args.repeat)
    return "\n".join([row("Monte Carlo, fixed plan, 1,000 draws", draws, "<= 1 s"),
                      row("  again on that config (fit reused)", again, "-"),
                      row(f"  inside HiGHS ({solves:,} solves)", inside, "-")])


def frontier_figure(config: Config, args: argparse.Namespace) -> str:
    front_seconds, front = median_seconds(lambda: frontier(config, over=GOV), args.repeat)
    inside, solves = solver_share(lambda: frontier(config, over=GOV), args.repeat)
    return "\n".join([row(f"exact frontier, government money ({len(front.breakpoints)} kinks)", front_seconds,
                           "<= 0.1 s"),
                       row(f"  inside HiGHS ({solves:,} solves)", inside, "-")])


if __name__ == "__main__":
    main()
