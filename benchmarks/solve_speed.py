"""Wall time of `optimiser solve configs/zhejiang.yaml`, end to end, and import cost.

    python benchmarks/solve_speed.py [--repeats 15]

Prints the median and spread of the command's wall time (a fresh process
each run, as a planner runs it), the time of `import optimiser`, and
whether importing the package pulls in matplotlib (it must not).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 0.8


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    solve = [sys.executable, "-m", "optimiser", "solve", "configs/zhejiang.yaml"]
    times = [wall(solve) for _ in range(args.repeats)]
    imports = [wall([sys.executable, "-c", "import optimiser"]) for _ in range(args.repeats)]
    bare = [wall([sys.executable, "-c", "pass"]) for _ in range(args.repeats)]
    check = subprocess.run(
        [sys.executable, "-c", "import sys, optimiser; print('matplotlib' in sys.modules)"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout.strip()
    median = statistics.median(times)
    print(f"optimiser solve configs/zhejiang.yaml: median {median:.3f} s "
          f"(min {min(times):.3f}, max {max(times):.3f}, n={len(times)}); target {TARGET_SECONDS} s; "
          f"ratio to target {median / TARGET_SECONDS:.2f}")
    print(f"import optimiser: median {statistics.median(imports):.3f} s; bare interpreter {statistics.median(bare):.3f} s")
    print(f"import optimiser loads matplotlib: {check}")


if __name__ == "__main__":
    main()
