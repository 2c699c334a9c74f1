"""The options several commands share, each declared once with one help text.

A command lists the shared options it takes, in the order its help shows
them::

    add_options(parser, "scenario", "solver", "out", "json", "debug",
                help_for={"out": "write the table to this CSV file"})

``help_for`` gives the text of an option whose meaning differs by command
(``--out`` is a folder for some commands and a file for others, and names
the files written); every other shared option keeps the text below.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..solve.names import SOLVERS
from .args import (
    WORKBOOK_FILE,
    ScenarioNames,
    draw_count,
    job_count,
    output_path,
    positive_seconds,
    scenario_name,
    scenario_names,
    scheduler_address,
    seed,
    solver_option,
)

# The flags and argparse keywords of each shared option. ``help`` is None
# where every command must say what the option means for it (``help_for``).
SHARED: dict[str, dict[str, Any]] = {
    "scenario": {"type": scenario_name, "help": "apply the named scenario from the config ('base': none)"},
    "scenarios": {"type": scenario_names, "action": ScenarioNames, "default": None, "metavar": "NAMES", "help": None},
    "plan": {"type": Path, "metavar": "PLAN", "help": None},
    "solver": {"choices": SOLVERS, "default": "highs", "help": "LP solver (default: highs)"},
    "solver-options": {"type": solver_option, "action": "append", "default": None, "metavar": "KEY=VALUE",
                       "help": "an option passed to the solver, for experts (repeat for several): HiGHS option names "
                       "(e.g. solver=ipm, presolve=off, parallel=on) or CBC's (e.g. ratioGap=0.01), each checked against "
                       "the solver's own list; every solve of the run gets it"},
    "integer": {"action": "store_true", "help": "whole units for every lever (a MILP)"},
    "time-limit": {"type": positive_seconds, "help": "stop the solver after this many seconds"},
    "draws": {"type": draw_count, "default": None, "metavar": "N", "help": None},
    "seed": {"type": seed, "default": 0, "help": "seed of the random numbers (default: 0)"},
    "jobs": {"type": job_count, "default": None, "help": "worker processes (default: this process only)"},
    "scheduler": {"type": scheduler_address, "metavar": "ADDRESS", "help": None},
    "out": {"type": output_path, "help": None},  # a folder; a command that writes one CSV file gives type CSV_FILE
    "xlsx": {"type": WORKBOOK_FILE, "metavar": "FILE", "help": None},
    "json": {"action": "store_true", "help": "print one JSON object on stdout and nothing else"},
    "no-progress": {"action": "store_true",
                    "help": "no progress bar on stderr (one is shown only when stderr is a terminal)"},
    "debug": {"action": "store_true", "help": "show a traceback on errors"},
    "csv-encoding": {"choices": ("utf-8-sig", "utf-8"), "default": "utf-8-sig", "metavar": "ENCODING",
                     "help": "CSV files written: utf-8-sig (default; UTF-8 with a byte-order mark, so Excel shows "
                     "Chinese names) or utf-8 (no mark, for tools that do not want it)"},
    "lang": {"choices": ("en", "zh"), "default": None,
             "help": "language of the output meant for people: en or zh (Simplified Chinese); default from "
             "LC_ALL / LC_MESSAGES / LANG. JSON, CSV headers and status words stay English"},
}


def add_options(
    parser: argparse.ArgumentParser | argparse._ArgumentGroup,
    *names: str,
    help_for: dict[str, str] | None = None,
    **overrides: dict[str, Any],
) -> None:
    """Add the shared options ``names`` to ``parser``, in that order.

    ``help_for`` maps an option name to its help text for this command (required
    for the options whose text differs by command, such as ``out``);
    ``overrides`` maps an option name (``-`` written ``_``) to further
    argparse keywords for this command, e.g. ``out={"metavar": "DIR"}``.
    """
    texts = help_for or {}
    unknown = sorted(set(names) - set(SHARED)) + sorted(set(texts) - set(names))
    unknown += sorted(set(overrides) - {name.replace("-", "_") for name in names})
    if unknown:
        raise ValueError(f"add_options: not a shared option of this command: {', '.join(unknown)}")
    for name in names:
        keywords = {**SHARED[name], **overrides.get(name.replace("-", "_"), {})}
        if name in texts:
            keywords["help"] = texts[name]
        if keywords["help"] is None:
            raise ValueError(f"add_options: --{name} needs a help text that says what it means for this command")
        parser.add_argument(f"--{name}", **keywords)


def progress_bar(args: argparse.Namespace) -> bool:
    """Whether a command shows a progress bar: not asked away (``--no-progress``, ``--json``), and stderr a
    terminal (a bar redrawn in a log file or a pipe is a line of noise per update)."""
    return not (args.no_progress or getattr(args, "json", False)) and sys.stderr.isatty()
