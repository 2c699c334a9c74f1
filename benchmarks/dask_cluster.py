"""Sweeps on a Dask cluster: workers keep the loaded programme between points.

    python benchmarks/dask_cluster.py [--institutions 100] [--points 16] [--workers 2] [--repeat 3]

A national config (``generate.national_config``, ten years) is swept over
its total budget and over one lever's cost, three ways:

- in this process (``jobs=1``);
- on a local Dask cluster (``LocalCluster``, ``--workers`` processes of one
  thread each), through ``executor=client``;
- the naive way, one plain ``optimiser.solve`` per point in this process
  (each point builds and loads the programme again).

Each worker counts the programmes it builds (the model formulation is
counted from outside; ``optimiser/`` is unchanged). A cluster that kept
nothing between points would build one per point; one that keeps the loaded
programme builds a few per worker (one per batch at most). Printed per
sweep: median seconds of each way, seconds per point, the builds on the
cluster against the points, and the ratio cluster / in process. On a machine
with two cores the cluster shares the cores with this process, so its gain
is bounded by the cores; the figure to watch is builds per point.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import write_national  # noqa: E402  (benchmarks/ is on the path when a script here runs)
from timing import median_seconds  # noqa: E402


def count_builds() -> None:
    """Run on each worker: count every formulation built there from now on."""
    from optimiser.model import formulation

    cls = formulation.Formulation
    if getattr(cls, "_counted", False):
        cls._builds = 0  # type: ignore[attr-defined]
        return
    original = cls.__init__

    def counted(self: Any, *args: Any, **kwargs: Any) -> None:
        cls._builds += 1  # type: ignore[attr-defined]
        original(self, *args, **kwargs)

    cls.__init__ = counted  # type: ignore[method-assign]
    cls._builds = 0  # type: ignore[attr-defined]
    cls._counted = True  # type: ignore[attr-defined]


def builds() -> int:
    from optimiser.model import formulation

    return int(getattr(formulation.Formulation, "_builds", 0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--institutions", type=int, default=100)
    parser.add_argument("--points", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from dask.distributed import Client, LocalCluster

    import optimiser
    from optimiser import load_config, solve

    folder = Path(tempfile.mkdtemp(prefix="dask-bench-"))
    config = load_config(write_national(folder, args.institutions))
    first = solve(config)
    budget = float(first.total_cost)
    lever = "enterprise_lecturers"
    cost = float(config.levers[lever].cost)
    sweeps = {
        "total budget": {"total_budget": [budget * (0.5 + 0.6 * n / args.points) for n in range(args.points)]},
        f"{lever} cost": {f"levers.{lever}.cost": [cost * (0.7 + 0.6 * n / args.points) for n in range(args.points)]},
    }
    print(f"== {args.institutions} institutions x 10 years; {args.points} points per sweep; "
          f"{args.workers} Dask workers of one thread; medians of {args.repeat} after a warm-up")

    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        client.run(count_builds)
        print(f"{'sweep':>22} {'in process s':>13} {'cluster s':>10} {'naive s':>8} "
              f"{'s/point here':>13} {'s/point cluster':>16} {'builds':>7} {'points':>7} {'cluster/here':>13}")
        for label, params in sweeps.items():
            here, table = median_seconds(lambda p=params: optimiser.sweep(config, p, jobs=1, progress=False),
                                         args.repeat)
            client.run(count_builds)
            on_cluster, remote = median_seconds(
                lambda p=params: optimiser.sweep(config, p, executor=client, progress=False), args.repeat)
            built = sum(client.run(builds).values())
            runs = args.repeat + 1
            values = next(iter(params.values()))
            changes = [{next(iter(params)): value} for value in values]
            naive, _ = median_seconds(lambda c=changes: [solve(config.with_changes(x)) for x in c], 1)
            same = table["objective"].round(6).tolist() == remote["objective"].round(6).tolist()
            print(f"{label:>22} {here:13.2f} {on_cluster:10.2f} {naive:8.2f} {here / len(values):13.3f} "
                  f"{on_cluster / len(values):16.3f} {built / runs:7.1f} {len(values):7d} {on_cluster / here:13.2f}"
                  + ("" if same else "   (objectives differ!)"))
    print("builds: programmes built on the workers per run of the sweep (mean over the runs); a cluster that rebuilt every point "
          "would show as many builds as points")


if __name__ == "__main__":
    main()
