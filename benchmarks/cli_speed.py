"""How quick the command line is, against the time Python needs just to import its libraries.

    python benchmarks/cli_speed.py [--repeats 20] [--against DIR]

The floor is ``python -c "import numpy, yaml, highspy, pandas"``: no command can
start faster than the libraries every solve needs. Each command runs in a fresh
process, as a planner runs it; the floor and the commands are timed in turn, round
after round (``timing.median_seconds_each``), and each is printed as the median
and its ratio to the floor. The goal: ``optimiser solve configs/zhejiang.yaml``
within 1.3 times the floor. Compiled bytecode is kept (in a temporary folder), as
for an installed package. Run it on an otherwise idle machine; on a busy one the
ratios are steadier than the seconds. The command line pauses Python's cycle
collector while its libraries load and leaves them out of the last collection at
exit (``optimiser/cli/collector.py``); the floor pays for both.

``--against DIR`` times the commands of another checkout too (``git worktree add
DIR main``, say), in the same rounds, so a change is measured before and after
under the same load: ``python -m optimiser`` run in ``DIR`` loads that
checkout's package (the current directory comes first on ``sys.path``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from timing import median_seconds_each

ROOT = Path(__file__).resolve().parents[1]
GOAL = 1.3
"""``optimiser solve`` may take at most this many times the floor."""

COMMANDS = {
    "floor (import numpy, yaml, highspy, pandas)": ["-c", "import numpy, yaml, highspy, pandas"],
    "optimiser --version": ["-m", "optimiser", "--version"],
    "optimiser validate configs/zhejiang.yaml": ["-m", "optimiser", "validate", "configs/zhejiang.yaml"],
    "optimiser solve configs/zhejiang.yaml": ["-m", "optimiser", "solve", "configs/zhejiang.yaml"],
}


def run(arguments: list[str], env: dict[str, str], cwd: Path = ROOT) -> Callable[[], None]:
    def work() -> None:
        subprocess.run([sys.executable, *arguments], check=True, capture_output=True, cwd=cwd, env=env)

    return work


def installed_env(cache: str) -> dict[str, str]:
    """The environment with compiled bytecode kept, as an installed package has it.

    With ``PYTHONDONTWRITEBYTECODE`` set, every run would compile the optimiser's
    modules from source while the libraries of the floor load their ``.pyc`` files;
    the bytecode goes to a temporary folder (``PYTHONPYCACHEPREFIX``), not the tree.
    """
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = cache
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--against", type=Path, metavar="DIR", help="another checkout whose commands to time too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="optimiser-pycache-") as cache:
        env = installed_env(cache)
        works = {name: run(arguments, env) for name, arguments in COMMANDS.items()}
        if args.against is not None:
            works.update({f"{name} [{args.against}]": run(arguments, env, args.against.resolve())
                          for name, arguments in COMMANDS.items() if arguments[0] == "-m"})
        medians = median_seconds_each(works, args.repeats)
    floor = medians[next(iter(COMMANDS))]
    width = max(len(name) for name in medians)
    print(f"medians of {args.repeats} runs each, in turn; goal: solve within {GOAL} x the floor")
    for name, seconds in medians.items():
        ratio = seconds / floor
        goal = f"  (goal {GOAL}: {'met' if ratio <= GOAL else 'not met'})" if name.startswith("optimiser solve") else ""
        print(f"  {name:<{width}}  {seconds:6.3f} s  {ratio:5.2f} x floor{goal}")


if __name__ == "__main__":
    main()
