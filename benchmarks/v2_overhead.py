"""What the v2 stages cost: this tree against an earlier commit, in one run.

    python benchmarks/v2_overhead.py [--before 74a494e] [--sizes 100,300] [--repeats 3]

The earlier commit (default: the last one before workforce dynamics, the
cohort cap, the smoothing stage and the do-nothing baseline) is exported with
``git archive`` into a temporary folder. Each config is then solved in a fresh
process by each tree in turn, alternating, so both see the same machine load:
``tests/cases/medium.yaml`` (a version-1 config both trees read) and
generated national-scale configs (the earlier tree's ``generate.py``, so both read them). Printed: the median wall time of ``optimiser.solve`` of
each tree, its solve time, and the ratio after / before.

Beside them, a floor for any implementation of the new stages: the linear
programme this tree's smoothing stage gives HiGHS is written out
(``hard.child``) and solved alone in a fresh ``highspy.Highs`` (simplex from
scratch, which beats every warm start measured: see
``optimiser/solve/engine.py``, ``WARM_SMOOTHING_COLUMNS``), and that time is
added to the earlier tree's wall time. The do-nothing baseline is left out of
the floor (it re-solves the loaded programme in a few hundredths of a
second). ``floor ratio`` is that floor / before, the least ratio the model's
stages can reach, since its smoothing stage is a programme larger than the
main one with the optimum's output and cost as limits; ``after / floor`` is
what this tree spends beyond it.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import hard  # noqa: E402  (benchmarks/ is on the path when a script here runs)

NEW_STAGES = ("smoothing",)
"""Stages whose HiGHS time counts in the floor."""

CHILD = r"""
import json, sys, time
sys.path.insert(0, {root!r})
from optimiser import load_config, solve
config = load_config({path!r})
start = time.perf_counter()
result = solve(config)
wall = time.perf_counter() - start
print(json.dumps(dict(status=result.status.value, wall=wall, solve=result.summary["solve_seconds"],
                      objective=result.objective)))
"""


def timed(root: Path, path: Path) -> dict[str, float]:
    code = CHILD.format(root=str(root), path=str(path))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    return json.loads(done.stdout.strip().splitlines()[-1])


def highs_alone(path: Path, dump: Path, repeats: int) -> float:
    """Seconds HiGHS alone needs for the programmes of :data:`NEW_STAGES` of this tree on ``path`` (medians)."""
    dump.mkdir()
    lps = hard.child(path, dump)["lps"]
    jobs = [job for stage in NEW_STAGES for job in hard.jobs_of(lps, stage)]
    records = hard.standalone(jobs, hard.SIMPLEX, repeats)
    problems = hard.check(jobs, records, "simplex")
    if problems:
        raise SystemExit("HiGHS alone disagrees with the optimiser:\n" + "\n".join(problems))
    return sum(r["seconds"] for r in records)


def export(commit: str, into: Path) -> Path:
    archive = into / "before.tar"
    subprocess.run(["git", "archive", "--format=tar", "-o", str(archive), commit], cwd=ROOT, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "before", filter="data")
    return into / "before"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="74a494e")
    parser.add_argument("--sizes", default="100,300")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        before = export(args.before, Path(tmp))
        # The earlier tree's generator, on its own version-1 Zhejiang config: both trees read it.
        spec = importlib.util.spec_from_file_location("generate_before", before / "benchmarks" / "generate.py")
        assert spec is not None and spec.loader is not None
        generate = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(generate)
        write_national = generate.write_national
        cases = [("medium case", ROOT / "tests" / "cases" / "medium.yaml")]
        cases += [(f"national {size}", write_national(Path(tmp), size)) for size in map(int, args.sizes.split(","))]
        print(f"{'config':<14} {'before s':>9} {'after s':>9} {'ratio':>6} {'solve before':>13} {'solve after':>12} "
              f"{'smoothing LP alone':>19} {'floor ratio':>12} {'after / floor':>14}")
        for n, (name, path) in enumerate(cases):
            alone = highs_alone(path, Path(tmp) / f"lps_{n}", args.repeats)
            runs: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
            for _ in range(args.repeats):
                runs["before"].append(timed(before, path))
                runs["after"].append(timed(ROOT, path))
            med = {side: {key: statistics.median(r[key] for r in rs) for key in ("wall", "solve")}
                   for side, rs in runs.items()}
            floor = med["before"]["wall"] + alone
            print(f"{name:<14} {med['before']['wall']:>9.2f} {med['after']['wall']:>9.2f} "
                  f"{med['after']['wall'] / med['before']['wall']:>6.2f} {med['before']['solve']:>13.2f} "
                  f"{med['after']['solve']:>12.2f} {alone:>19.2f} {floor / med['before']['wall']:>12.2f} "
                  f"{med['after']['wall'] / floor:>14.2f}", flush=True)


if __name__ == "__main__":
    main()
