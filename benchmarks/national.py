"""National scale: build and solve time at 10, 100 and 1,000 institutions x 10 years.

    python benchmarks/national.py [--sizes 10,100,1000] [--repeats 3] [--solver highs]

Each size runs in a fresh process (so peak memory is that size's own) and
prints the model size, build time, solve time, their ratio, end-to-end wall
time and peak resident memory; figures are medians over the repeats.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {here!r})
start = time.perf_counter()
from optimiser import load_config, solve
config = load_config({path!r})
loaded = time.perf_counter()
result = solve(config, solver={solver!r})
done = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(dict(status=result.status.value, variables=result.summary["variables"],
    constraints=result.summary["constraints"], load=loaded - start,
    build=result.summary["build_seconds"], solve=result.summary["solve_seconds"],
    wall=done - start, peak_mb=peak, objective=result.objective)))
"""


def run(path: Path, solver: str) -> dict[str, float]:
    code = CHILD.format(here=str(HERE), path=str(path), solver=solver)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--solver", default="highs")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from generate import write_national

    print(f"{'institutions':>12} {'variables':>10} {'rows':>8} {'build s':>8} {'solve s':>8} "
          f"{'solve/build':>11} {'wall s':>7} {'peak MB':>8}  status")
    with tempfile.TemporaryDirectory() as tmp:
        for size in [int(s) for s in args.sizes.split(",")]:
            path = write_national(Path(tmp), size)
            runs = [run(path, args.solver) for _ in range(args.repeats)]
            med = {key: statistics.median(r[key] for r in runs) for key in ("build", "solve", "wall", "peak_mb")}
            first = runs[0]
            print(f"{size:>12} {first['variables']:>10} {first['constraints']:>8} {med['build']:>8.2f} "
                  f"{med['solve']:>8.2f} {med['solve'] / med['build']:>11.2f} {med['wall']:>7.2f} "
                  f"{med['peak_mb']:>8.0f}  {first['status']}", flush=True)


if __name__ == "__main__":
    main()
