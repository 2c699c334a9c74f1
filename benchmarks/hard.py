"""Hard national shapes: where the time of a solve goes, stage by stage, against HiGHS alone.

    python benchmarks/hard.py [--sizes 10,100,300,1000] [--repeats 3] [--quick] [--stages-only]

Configs come from ``generate.heterogeneous_config`` (unlike institutions,
lever costs that differ by institution, year-by-year series, a senior demand
cap), ten years each. For every size, each run of ``optimiser.solve`` is a
fresh process (so its peak memory is its own), timed stage by stage (wall
and CPU seconds: on a busy machine the CPU figure is the steadier one): build,
main solve, tie-break, smoothing, the cost of steadiness (with ``smooth`` a
share: the least cost of the plan's output), shadow prices (duals), do-nothing baseline,
and the rest (result tables). For an LP the optimiser chooses the shadow
prices in a second thread while the tie-break and smoothing solve
(``engine.OVERLAP_DUALS``): in the timed runs the "duals" stage is then what
the main thread spends starting it and waiting for it, and its HiGHS time
("in HiGHS") is counted by the thread that ran it, not in the stage around it.
The first run (a warm-up, not counted) chooses them in turn, so its files
keep their order, and writes
every linear programme HiGHS is given to an MPS file just before it is
solved; each file is then solved from scratch in a fresh ``highspy.Highs``,
by simplex and by interior point (with crossover), with the thread setting
the optimiser used. Every figure is a median over ``--repeats`` runs.

The limit is what HiGHS alone needs for the same work: the faster of simplex
and interior point on each stage's programmes, summed. The ratio end to end /
limit shows what the optimiser adds to it. Goals at 1,000 institutions: end
to end at most 1.25 x the limit, at most 45 s, at most 1 GB.

``--stages-only`` times the optimiser alone (stages, end to end, peak memory):
no programme is written or solved by HiGHS alone, so there is no limit or
ratio, and no warm-up (every run counts); at 1,000 institutions that takes
minutes where the full measurement takes most of two hours.

``--options`` adds HiGHS option sets tried on the main stage's programme alone
(default: simplex with ``parallel=on threads=2``, interior point with
``threads=2``).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from timing import median_seconds  # noqa: E402  (benchmarks/ is on the path when a script here runs)

STAGES = ("main", "tie-break", "smoothing", "steadiness", "duals", "baseline")
GOAL_SIZE, GOAL_RATIO, GOAL_SECONDS, GOAL_MB = 1000, 1.25, 45.0, 1024.0
SIMPLEX = {"solver": "simplex"}
IPM = {"solver": "ipm", "run_crossover": "on"}
EXTRA = "solver=simplex,parallel=on,threads=2;solver=ipm,run_crossover=on,threads=2"

# One solve of a config in this process, every HiGHS solve labelled with the stage it belongs to.
# The engine's stage functions and the baseline are wrapped from outside: optimiser/ is unchanged.
CHILD = r"""
import collections, importlib, json, resource, sys, threading, time
import highspy
import numpy as np
from pathlib import Path
from optimiser import load_config, solve
# (optimiser.solve is also the name of the function, so the modules are imported by name.)
api, backends, engine, highs = (importlib.import_module(f"optimiser.{name}")
                                for name in ("api", "solve.backends", "solve.engine", "solve.highs"))

config_path, stage_names = sys.argv[1], json.loads(sys.argv[2])
dump = Path(sys.argv[3]) if len(sys.argv) > 3 else None
label = ["main"]
wall = collections.defaultdict(float)       # seconds of each stage, as the optimiser spends them
inside = collections.defaultdict(float)     # of which HiGHS's run()
solves = collections.defaultdict(int)
shapes = {}
lps = []

cpu = collections.defaultdict(float)        # CPU seconds of each stage (every thread): less sensitive to load
def labelled(name, function):
    def wrapper(*args, **kwargs):
        label.append(name)
        started, used = time.perf_counter(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            wall[name] += time.perf_counter() - started
            cpu[name] += time.process_time() - used
            label.pop()
    return wrapper

engine._stage = labelled("tie-break", engine._stage)
engine._smooth = labelled("smoothing", engine._smooth)
engine._steadiness = labelled("steadiness", engine._steadiness)
engine._record_duals = labelled("duals", engine._record_duals)
api.baseline_output = labelled("baseline", api.baseline_output)

solve_backend = backends.HighsBackend.solve
def backend_solve(self, objective, sense):
    # The main stage is the first solve outside every wrapped stage.
    if label[-1] != "main":
        return solve_backend(self, objective, sense)
    started, used = time.perf_counter(), time.process_time()
    try:
        return solve_backend(self, objective, sense)
    finally:
        wall["main"] += time.perf_counter() - started
        cpu["main"] += time.process_time() - used
backends.HighsBackend.solve = backend_solve

session_run = highs.Session.run
def run(self, costs=None, sense=None, start=None):
    # Set the objective first (as Session.run would), so the file holds the programme about to be solved.
    if costs is not None:
        self.set_costs(costs)
    if sense is not None:
        self.set_sense(sense)
    # The shadow-price choice may run in its own thread while the main thread is in a later stage.
    stage = "duals" if threading.current_thread().name.startswith("canonical-duals") else label[-1]
    n = solves[stage]
    solves[stage] += 1
    shape = (self.n_cols, self.n_rows, int(self.raw.getNumNz()))
    shapes.setdefault(stage, shape)
    record = None
    if dump is not None:
        # The shadow-price stage solves one programme (the dual face) for several objectives
        # in a row: those are written as their costs alone, to re-solve in the same instance.
        written = getattr(self, "benchmark_written", None)
        again = stage == "duals" and costs is not None and written is not None and written[0] == shape
        record = dict(stage=stage, job=written[1] if again else f"{stage}-{n}", threads=self.option("threads"),
                      max=self.raw.getObjectiveSense()[1] == highspy.ObjSense.kMaximize)
        if again:
            record["costs"] = str(dump / f"{stage}-{n:04d}.npy")
            np.save(record["costs"], np.asarray(costs, dtype=float))
        else:
            record["file"] = str(dump / f"{stage}-{n:04d}.mps")
            self.raw.writeModel(record["file"])
            self.benchmark_written = (shape, record["job"])
    started = time.perf_counter()
    status = session_run(self, None, None, start)
    inside[stage] += time.perf_counter() - started
    if record is not None:
        record.update(status=status.value, objective=self.objective())
        lps.append(record)
    return status
highs.Session.run = run

if dump is not None:
    engine.OVERLAP_DUALS = False  # the warm-up writes each programme in turn
config = load_config(config_path)
started, used = time.perf_counter(), time.process_time()
result = solve(config)
end_to_end, used = time.perf_counter() - started, time.process_time() - used
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
cols, rows, nonzeros = shapes["main"]
stages = {name: wall.get(name, 0.0) for name in stage_names}
stages["build"] = result.summary["build_seconds"]
stages["other"] = end_to_end - sum(stages.values())
print(json.dumps(dict(status=result.status.value, cols=cols, rows=rows, nonzeros=nonzeros, end_to_end=end_to_end, cpu=used, stage_cpu=dict(cpu),
    peak_mb=peak, stages=stages, highs=dict(inside), solves=dict(solves), shapes=shapes, lps=lps)))
"""

# Each job from scratch in a fresh Highs with the given options: its programme (an MPS file), then
# each further objective (costs) in the same instance; the median of the repeats after a warm-up.
STANDALONE = r"""
import json, sys
import highspy
import numpy as np
jobs, options, repeats = json.loads(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3])
sys.path.insert(0, sys.argv[4])
from timing import median_seconds
MAX, MIN = highspy.ObjSense.kMaximize, highspy.ObjSense.kMinimize
out = []
for steps in jobs:
    reader = highspy.Highs()
    reader.setOptionValue("output_flag", False)
    reader.readModel(steps[0]["file"])
    lp = reader.getLp()
    later = [np.load(step["costs"]) for step in steps[1:]]
    def once():
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        for name, value in options.items():
            h.setOptionValue(name, value)
        h.passModel(lp)
        h.changeObjectiveSense(MAX if steps[0]["max"] else MIN)
        h.run()
        found = [(h.modelStatusToString(h.getModelStatus()), h.getInfo().objective_function_value)]
        index = np.arange(lp.num_col_, dtype=np.int32)
        for step, costs in zip(steps[1:], later):
            h.changeColsCost(len(index), index, costs)
            h.changeObjectiveSense(MAX if step["max"] else MIN)
            h.run()
            found.append((h.modelStatusToString(h.getModelStatus()), h.getInfo().objective_function_value))
        return found
    seconds, found = median_seconds(once, repeats)
    out.append(dict(seconds=seconds, found=found))
print(json.dumps(out))
"""


def child(config: Path, dump: Path | None = None) -> dict[str, Any]:
    args = [sys.executable, "-c", CHILD, str(config), json.dumps(STAGES)] + ([str(dump)] if dump is not None else [])
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"solving {config} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def jobs_of(lps: list[dict[str, Any]], stage: str) -> list[list[dict[str, Any]]]:
    """The programmes written for ``stage``, grouped into jobs: a file, then the objectives re-solved after it."""
    jobs: dict[Any, list[dict[str, Any]]] = {}
    for lp in lps:
        if lp["stage"] == stage:
            jobs.setdefault(lp["job"], []).append(lp)
    return list(jobs.values())


def standalone(jobs: list[list[dict[str, Any]]], options: dict[str, Any], repeats: int) -> list[dict[str, Any]]:
    """Solve ``jobs`` in a fresh process with ``options``; one record (seconds, each step's status and objective) per job."""
    if not jobs:
        return []
    args = [sys.executable, "-c", STANDALONE, json.dumps(jobs), json.dumps(options), str(repeats), str(HERE)]
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"HiGHS alone failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def parse_options(text: str) -> list[dict[str, Any]]:
    """``name=value,name=value;...`` as option dicts (numbers as numbers)."""
    sets = []
    for chunk in filter(None, text.split(";")):
        options: dict[str, Any] = {}
        for pair in chunk.split(","):
            name, _, value = pair.partition("=")
            options[name.strip()] = int(value) if value.strip().isdigit() else value.strip()
        sets.append(options)
    return sets


def check(jobs: list[list[dict[str, Any]]], records: list[dict[str, Any]], what: str) -> list[str]:
    """Problems: a standalone solve not optimal, or with another objective than the optimiser's."""
    problems = []
    for steps, record in zip(jobs, records, strict=True):
        for step, (status, objective) in zip(steps, record["found"], strict=True):
            name = Path(step.get("file") or step["costs"]).name
            if status != "Optimal":
                problems.append(f"{what} {name}: {status}")
            elif step["status"] == "optimal":
                gap = abs(objective - step["objective"]) / max(1.0, abs(step["objective"]))
                if gap > 1e-6:
                    problems.append(f"{what} {name}: objective {objective:.10g} "
                                    f"against {step['objective']:.10g} in the optimiser")
    return problems


def measure(
    size: int, years: int, seed: int, repeats: int, extra: list[dict[str, Any]], tmp: Path, full_ipm: bool = False,
    stages_only: bool = False,
) -> dict[str, Any]:
    from generate import write_heterogeneous

    path = write_heterogeneous(tmp, size, years, seed)
    dump = tmp / f"lps_{size}"
    dump.mkdir()
    runs: list[dict[str, Any]] = []

    def once() -> None:
        # The warm-up writes the programmes out (its times are not counted); the repeats only solve.
        runs.append(child(path, None if runs or stages_only else dump))
        times = " ".join(f"{name} {seconds:.2f}" for name, seconds in runs[-1]["stages"].items())
        print(f"  {size} institutions, run {len(runs) - (0 if stages_only else 1) or 'warm-up'}: {times}; end to end "
              f"{runs[-1]['end_to_end']:.2f} s", file=sys.stderr, flush=True)

    if stages_only:
        # No programme to write, so no warm-up: every run counts.
        for _ in range(repeats):
            once()
    else:
        median_seconds(once, repeats)
    written, counted = runs[0], runs if stages_only else runs[1:]
    lps = written["lps"]
    threads = lps[0]["threads"] if lps else 0
    jobs = {stage: jobs_of(lps, stage) for stage in STAGES}
    alone: dict[str, dict[str, float]] = {}
    problems: list[str] = []
    for name, options in () if stages_only else (("simplex", SIMPLEX), ("ipm", IPM)):
        alone[name] = {}
        for stage in STAGES:
            todo = jobs[stage]
            if name == "ipm" and stage == "duals" and not full_ipm:
                # Interior point cannot start from the last optimum: each of the hundreds of
                # re-solves would cost as much as the first. Only the first is timed.
                todo = [steps[:1] for steps in todo]
            records = standalone(todo, {**options, "threads": threads}, repeats)
            problems += check(todo, records, name)
            alone[name][stage] = sum(r["seconds"] for r in records)
    options_main = []
    for options in () if stages_only else extra:
        records = standalone(jobs["main"], options, repeats)
        problems += check(jobs["main"], records, ",".join(f"{k}={v}" for k, v in options.items()))
        options_main.append((options, sum(r["seconds"] for r in records)))
    med = lambda get: statistics.median(get(r) for r in counted)  # noqa: E731
    stages = {name: med(lambda r, name=name: r["stages"][name]) for name in counted[0]["stages"]}
    inside = {name: med(lambda r, name=name: r["highs"].get(name, 0.0)) for name in STAGES}
    stage_cpu = {name: med(lambda r, name=name: r["stage_cpu"].get(name, 0.0)) for name in STAGES}
    if stages_only:
        alone = {name: dict.fromkeys(STAGES, math.nan) for name in ("simplex", "ipm")}
    best = {stage: min(alone["simplex"][stage], alone["ipm"][stage]) for stage in STAGES}
    if not full_ipm:
        best["duals"] = alone["simplex"]["duals"]
    return dict(
        size=size, years=years, full_ipm=full_ipm, status=written["status"], cols=written["cols"], rows=written["rows"],
        nonzeros=written["nonzeros"], threads=threads, solves=written["solves"], shapes=written["shapes"],
        stages=stages, stage_cpu=stage_cpu, inside=inside, alone=alone, best=best, limit=sum(best.values()), options=options_main,
        end_to_end=med(lambda r: r["end_to_end"]), cpu=med(lambda r: r["cpu"]), peak_mb=med(lambda r: r["peak_mb"]), problems=problems,
    )


def report(m: dict[str, Any]) -> None:
    s = m["stages"]
    print(f"\n== {m['size']} institutions x {m['years']} years: {m['cols']:,} columns, {m['rows']:,} rows, "
          f"{m['nonzeros']:,} nonzeros (status {m['status']}, HiGHS threads={m['threads']})")
    print(f"{'stage':>10} {'solves':>6} {'optimiser s':>11} {'(CPU s)':>8} {'in HiGHS s':>10} {'simplex s':>9} {'ipm s':>7} "
          f"{'limit s':>7}")
    print(f"{'build':>10} {'':>6} {s['build']:>11.2f}")
    for stage in STAGES:
        n = m["solves"].get(stage, 0)
        if not n:
            continue
        first = "*" if stage == "duals" and not m["full_ipm"] else ""
        print(f"{stage:>10} {n:>6} {s[stage]:>11.2f} {m['stage_cpu'][stage]:>8.2f} {m['inside'][stage]:>10.2f} "
              f"{m['alone']['simplex'][stage]:>9.2f} "
              f"{m['alone']['ipm'][stage]:>7.2f}{first:1} {m['best'][stage]:>7.2f}")
    print(f"{'other':>10} {'':>6} {s['other']:>11.2f}")
    if not m["full_ipm"]:
        print("  * interior point: the first programme of each shadow-price job only (--full-ipm for all); "
              "the limit takes simplex there")
    ratio = m["end_to_end"] / m["limit"] if m["limit"] else float("nan")
    print(f"end to end {m['end_to_end']:.2f} s ({m['cpu']:.2f} s of CPU), limit {m['limit']:.2f} s, ratio {ratio:.2f}; "
          f"peak {m['peak_mb']:.0f} MB")
    if m["size"] == GOAL_SIZE:
        print(f"goals: ratio <= {GOAL_RATIO} "
              f"{'not measured (--stages-only)' if math.isnan(ratio) else 'met' if ratio <= GOAL_RATIO else 'MISSED'}, "
              f"<= {GOAL_SECONDS:.0f} s {'met' if m['end_to_end'] <= GOAL_SECONDS else 'MISSED'}, "
              f"<= 1 GB {'met' if m['peak_mb'] <= GOAL_MB else 'MISSED'}")
    for options, seconds in m["options"]:
        text = ",".join(f"{k}={v}" for k, v in options.items())
        print(f"main stage alone with {text}: {seconds:.2f} s")
    for problem in m["problems"]:
        print(f"warning: {problem}")


def summary(rows: list[dict[str, Any]]) -> None:
    print(f"\n{'inst':>5} {'cols':>8} {'rows':>8} {'build':>6} {'main':>7} {'tie':>6} {'smooth':>6} {'steady':>6} "
          f"{'duals':>6} "
          f"{'base':>6} {'other':>6} {'e2e s':>7} {'limit s':>7} {'ratio':>5} {'peak MB':>7}")
    for m in rows:
        s = m["stages"]
        ratio = m["end_to_end"] / m["limit"] if m["limit"] else float("nan")
        print(f"{m['size']:>5} {m['cols']:>8,} {m['rows']:>8,} {s['build']:>6.2f} {s['main']:>7.2f} {s['tie-break']:>6.2f} "
              f"{s['smoothing']:>6.2f} {s['steadiness']:>6.2f} {s['duals']:>6.2f} {s['baseline']:>6.2f} {s['other']:>6.2f} "
              f"{m['end_to_end']:>7.2f} {m['limit']:>7.2f} {ratio:>5.2f} {m['peak_mb']:>7.0f}")
    print(f"goals at {GOAL_SIZE:,} institutions: end to end <= {GOAL_RATIO} x limit, <= {GOAL_SECONDS:.0f} s, <= 1 GB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,300,1000", help="institution counts, comma-separated")
    parser.add_argument("--quick", action="store_true", help="10 and 100 institutions only")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs after a warm-up (default 3)")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--options", default=EXTRA,
                        help="HiGHS option sets tried on the main stage alone: name=value,...;name=value,...")
    parser.add_argument("--full-ipm", action="store_true",
                        help="time interior point on every re-solve of the shadow-price stage, not only the first")
    parser.add_argument("--stages-only", action="store_true",
                        help="time the optimiser's stages, end to end and peak memory only: no HiGHS-alone runs "
                             "(the limit and ratio), no warm-up (at 1,000 institutions those take most of two hours)")
    parser.add_argument("--json", type=Path, help="also write every measurement to this file")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error(f"--repeats {args.repeats}: at least 1 timed run is needed")
    sizes = [10, 100] if args.quick else [int(s) for s in args.sizes.split(",")]
    extra = parse_options(args.options)
    rows = []
    with tempfile.TemporaryDirectory(prefix="hard-bench-") as tmp:
        for size in sizes:
            rows.append(measure(size, args.years, args.seed, args.repeats, extra, Path(tmp), args.full_ipm,
                                args.stages_only))
            report(rows[-1])
            sys.stdout.flush()
    summary(rows)
    if args.json is not None:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
