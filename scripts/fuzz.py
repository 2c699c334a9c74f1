"""Fuzz the readers and the command line with mutated configs and plan files.

Each input is a small valid config (or a plan file the tool wrote for it)
with a few random mutations: hostile names (control characters, escape
sequences, bidirectional overrides, formula prefixes), NaN, infinities,
huge and negative numbers, wrong types, deleted and renamed keys. Every
outcome is counted by category; a failure is any exception other than the
package's own errors (API), and on the command line any exception out of
``main``, an exit code other than 0/2/3/4, stdout that is not one JSON object
under ``--json``, or a raw control or bidirectional character in the output.

    .venv/bin/python scripts/fuzz.py --configs 10000 --plans 2000 --cli 300 --seed 1

The test suite runs a small seeded round of the same (tests/cli/test_cli_fuzz.py).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import copy
import io
import json
import math
import random
import re
import resource
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

NAMES = ["", " ", "\r=2+2", "\x1b[2J", "A\u202eB", "new\nline,comma", "=HYPERLINK(\"x\")", " +1", "\t@x",
         "\x00", "\x7f\x85", "\u2066x\u2069", "'", "''=x", "x" * 5000, "base", "College", "é\u0301"]
VALUES: list[Any] = [math.nan, math.inf, -math.inf, -1, 0, 0.5, 1e308, 10**30, -(10**30), True, None, [], {},
                     [1, 2], {"a": 1}, "1e999", "12", 2025, 2**63]

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.tiny import tiny_config  # noqa: E402 (the repository root is on the path from here)

BASE: dict[str, Any] = tiny_config(
    name="fuzz",
    horizon={"start": 2025, "years": 2},
    funding={"universities": {"per_year": 48000, "funds": "all"}},
    institutions=[
        {"name": "College", "teachers": {"academic": 10, "double_qualified": 0}, "intake": {"basic": 100}},
        {"name": "\r=2+2", "teachers": {"academic": 5, "double_qualified": 0}, "intake": {"basic": 50}},
    ],
    scenarios={"rich": {"set": {"funding.universities.per_year": 96000}}},
)
"""The small valid config every mutation starts from: the tests' tiny config over two
years, with a second institution whose name starts a formula after a carriage return."""

UNSAFE_OUTPUT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


# -- mutations ---------------------------------------------------------------------

def _containers(node: Any, found: list[Any]) -> list[Any]:
    if isinstance(node, (dict, list)):
        found.append(node)
        for child in (node.values() if isinstance(node, dict) else node):
            _containers(child, found)
    return found


def mutate_config(rng: random.Random, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """A deep copy of ``base`` with one to four random mutations."""
    config = copy.deepcopy(base or BASE)
    for _ in range(rng.randint(1, 4)):
        container = rng.choice(_containers(config, []))
        if not container:
            continue
        key = rng.choice(list(container)) if isinstance(container, dict) else rng.randrange(len(container))
        op = rng.randrange(6)
        if op == 0:
            container[key] = copy.deepcopy(rng.choice(VALUES))
        elif op == 1:
            container[key] = rng.choice(NAMES)
        elif op == 2 and isinstance(container, dict):
            container[rng.choice(NAMES)] = container.pop(key)
        elif op == 3:
            del container[key]
        elif op == 4 and isinstance(container, list):
            container.append(copy.deepcopy(container[key]))
        else:
            # A hostile name where names live: an institution, a lever, a scenario.
            institutions = config.get("institutions")
            if isinstance(institutions, list) and institutions and isinstance(institutions[0], dict):
                rng.choice([i for i in institutions if isinstance(i, dict)] or [{}])["name"] = rng.choice(NAMES)
    return config


def config_text(config: dict[str, Any]) -> str:
    return yaml.safe_dump(config, sort_keys=False)


def mutate_plan(rng: random.Random, text: str) -> str:
    """A plan CSV with one to four random changes to its cells, rows, columns or bytes."""
    rows = [line.split(",") for line in text.split("\n") if line]
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(6)
        r = rng.randrange(len(rows)) if rows else 0
        if op == 0 and rows and rows[r]:
            rows[r][rng.randrange(len(rows[r]))] = rng.choice(["nan", "inf", "-1", "1e300", "1,5", "", "x", "2025.5",
                                                               "9" * 400, '"', "'=1", "\x1b[2J"])
        elif op == 1 and rows and rows[r]:
            rows[r][rng.randrange(len(rows[r]))] = json.dumps(rng.choice(NAMES))[1:-1]
        elif op == 2 and rows:
            rows.insert(rng.randrange(len(rows) + 1), list(rows[r]))
        elif op == 3 and rows:
            column = rng.randrange(max(len(rows[0]), 1))
            rows = [row[:column] + row[column + 1:] for row in rows]
        elif op == 4 and rows:
            del rows[r]
        else:
            text = "\n".join(",".join(row) for row in rows)
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(["\r", "\x00", "\ufeff", '"', "\n", ",,,", "\u202e"]) + text[at:]
            rows = [line.split(",") for line in text.split("\n")]
    return "\n".join(",".join(row) for row in rows) + "\n"


def _read(path: Path) -> str:
    """A file's text with its line endings as they are (a name may hold a carriage return)."""
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


# -- running -----------------------------------------------------------------------

def run_cli(argv: list[str]) -> tuple[int | None, str, str, str | None]:
    """``optimiser.cli.main(argv)`` in this process: exit code, stdout, stderr, and a traceback if one escaped."""
    from optimiser.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code: int | None = main(argv)
            escaped = None
        except BaseException:  # noqa: BLE001 - anything out of main is the finding
            code, escaped = None, traceback.format_exc()
    return code, out.getvalue(), err.getvalue(), escaped


def cli_problems(argv: list[str], code: int | None, out: str, err: str, escaped: str | None) -> list[str]:
    """What is wrong with one command line run, as short category strings."""
    found = []
    if escaped is not None:
        found.append("traceback: " + escaped.strip().splitlines()[-1][:120])
    elif code not in (0, 2, 3, 4):
        found.append(f"exit code {code}")
    if "Traceback (most recent call last)" in out + err:
        found.append("traceback printed")
    if "--json" in argv and code in (0, 3, 4) and escaped is None:
        try:
            json.loads(out)
        except ValueError:
            found.append("stdout not JSON under --json")
    if UNSAFE_OUTPUT.search(out) or UNSAFE_OUTPUT.search(err.replace("\r", "")):
        found.append("raw control or bidi character in the output")
    if "\r" in out:
        found.append("raw carriage return on stdout")
    return found


def commands(config: Path, plan: Path, folder: Path, rng: random.Random) -> list[list[str]]:
    """The command lines one mutated config goes through (a random few of them)."""
    every = [
        ["validate", str(config)],
        ["solve", str(config), "--json"],
        ["solve", str(config), "--out", str(folder / "out")],
        ["solve", str(config), "--scenario", "rich"],
        ["evaluate", str(config), "--plan", str(plan), "--json"],
        ["evaluate", str(config), "--plan", str(plan)],
        ["sensitivity", str(config)],
        ["compare", str(config), "--scenarios", "base,rich", "--xlsx", str(folder / "c.xlsx"), "--json"],
        ["report", str(config), "--xlsx", str(folder / "r.xlsx")],
    ]
    return rng.sample(every, 3)


def fuzz_cli(count: int, seed: int, folder: Path) -> dict[str, Any]:
    rng = random.Random(seed)
    tally: collections.Counter[str] = collections.Counter()
    failures: list[tuple[list[str], list[str]]] = []
    good_plan = folder / "good"
    good_config = folder / "good.yaml"
    good_config.write_text(config_text(BASE), encoding="utf-8")
    run_cli(["solve", str(good_config), "--out", str(good_plan)])
    plan_source = _read(good_plan / "plan.csv")
    for index in range(count):
        config = folder / "fuzz.yaml"
        config.write_text(config_text(mutate_config(rng)) if index % 3 else config_text(BASE), encoding="utf-8")
        plan = folder / "plan.csv"
        with open(plan, "w", encoding="utf-8", newline="", errors="surrogatepass") as handle:
            handle.write(mutate_plan(rng, plan_source) if index % 2 else plan_source)
        for argv in commands(config, plan, folder, rng):
            code, out, err, escaped = run_cli(argv)
            tally[f"exit {code}" if escaped is None else "exception"] += 1
            problems = cli_problems(argv, code, out, err, escaped)
            if problems:
                failures.append((argv, problems))
    return {"runs": dict(tally), "failures": failures}


def fuzz_api(configs: int, plans: int, seed: int, folder: Path) -> dict[str, Any]:
    """Configs through ``load_config`` and ``solve``; plan files through ``read_plan`` and ``evaluate``."""
    from optimiser import ConfigError, PlanError, SolverError, evaluate, load_config, solve
    from optimiser.errors import OutputError
    from optimiser.planfile import read_plan
    from optimiser.report.files import result_files, write_all

    expected = (ConfigError, PlanError, SolverError, OutputError)
    rng = random.Random(seed)
    tally: collections.Counter[str] = collections.Counter()
    failures: list[str] = []
    worst = (0, "")
    path = folder / "api.yaml"

    def attempt(what: str, action: Callable[[], str]) -> None:
        nonlocal worst
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            tally[f"{what}: {action()}"] += 1
        except expected as err:
            tally[f"{what}: {type(err).__name__}"] += 1
        except Exception:  # noqa: BLE001 - the finding
            tally[f"{what}: traceback"] += 1
            failures.append(f"{what} #{sum(tally.values())}: " + traceback.format_exc().strip().splitlines()[-1][:200])
        grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        if grew > worst[0]:
            worst = (grew, what)

    for _ in range(configs):
        path.write_text(config_text(mutate_config(rng)), encoding="utf-8")

        def one_config() -> str:
            result = solve(load_config(path))
            return result.status.value

        attempt("config", one_config)
    base_config = folder / "base.yaml"
    base_config.write_text(config_text(BASE), encoding="utf-8")
    config = load_config(base_config)
    result = solve(config)
    write_all(folder / "base_out", result_files(result))
    plan_source = _read(folder / "base_out" / "plan.csv")
    plan_path = folder / "plan.csv"
    for _ in range(plans):
        with open(plan_path, "w", encoding="utf-8", newline="", errors="surrogatepass") as handle:
            handle.write(mutate_plan(rng, plan_source))

        def one_plan() -> str:
            return "feasible" if evaluate(config, read_plan(plan_path, config), optimum=result).feasible else "violates"

        attempt("plan", one_plan)
    return {"outcomes": dict(sorted(tally.items())), "failures": failures,
            "worst_maxrss_growth_kb": worst[0], "worst_kind": worst[1],
            "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--configs", type=int, default=1000, help="mutated configs through the API")
    parser.add_argument("--plans", type=int, default=200, help="mutated plan files through the API")
    parser.add_argument("--cli", type=int, default=100, help="mutated inputs through the command line (3 commands each)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="optimiser-fuzz-") as folder:
        report: dict[str, Any] = {"seed": args.seed}
        if args.configs or args.plans:
            report["api"] = fuzz_api(args.configs, args.plans, args.seed, Path(folder))
        if args.cli:
            report["cli"] = fuzz_cli(args.cli, args.seed, Path(folder))
    report["seconds"] = round(time.perf_counter() - started, 1)
    json.dump(report, sys.stdout, indent=2, ensure_ascii=True, default=str)
    print()
    failed = report.get("api", {}).get("failures") or report.get("cli", {}).get("failures")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
