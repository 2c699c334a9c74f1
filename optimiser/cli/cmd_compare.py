"""``optimiser compare``: plans side by side (scenarios, configs, or both).

Exit codes: 0 when the comparison was produced, even if some plans are
infeasible (their status and diagnosis are in the table); 2 for an invalid
config or an unknown scenario; 4 when a solver fails or a file cannot be
written.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..report.inert import json_text
from .exits import EXIT_OK
from .options import add_options


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "compare",
        help="solve several plans (scenarios and/or configs) and show them side by side",
        description="Compare plans: `compare CONFIG --scenarios base,austerity` (base = no overrides), "
        "`compare A.yaml B.yaml`, or `compare A.yaml B.yaml --scenarios base,austerity` (each scenario of "
        "each file). Changes are shown against the first plan. Exit 0 when the comparison is produced, "
        "even if a plan is infeasible (its status and diagnosis are in the table).",
    )
    parser.add_argument("configs", nargs="+", type=Path, metavar="CONFIG", help="one or more YAML config files")
    add_options(parser, "scenarios", "solver", "integer", "time-limit", help_for={
        "scenarios": "comma-separated scenario names to run for each config, or repeat the option "
        "(--scenarios base --scenarios austerity); 'base': no overrides",
        "integer": "whole units for every lever in every plan (a MILP)",
        "time-limit": "stop each solve after this many seconds",
    })
    parser.add_argument("--by-year", action="store_true", help="also show graduates by tier and year")
    add_options(parser, "out", "xlsx", "json", "debug", out={"metavar": "DIR"}, help_for={
        "out": "write comparison.csv, deltas.csv and inputs.csv into DIR",
        "xlsx": "write a workbook (sheets Comparison, Deltas, Inputs)",
    })
    parser.set_defaults(run=run_compare)


def run_compare(args: argparse.Namespace) -> int:
    from ..compare import compare, plans_from_args
    from ..report.compare_files import write_comparison
    from .configs import plans_warnings, show_warnings, with_warnings

    items = plans_from_args(args.configs, args.scenarios)
    warnings = plans_warnings(items)
    show_warnings(warnings, args)
    comparison = compare(
        items, solver=args.solver, integer=True if args.integer else None, by_year=args.by_year,
        time_limit=args.time_limit,
    )
    written = []
    # The folder's files and the workbook together: a workbook that cannot be written leaves the folder as it was.
    write_comparison(comparison, args.out or None, args.xlsx or None)
    if args.out:
        written.append(f"{args.out}/: comparison.csv deltas.csv inputs.csv")
    if args.xlsx:
        written.append(str(args.xlsx))
    if args.json:
        print(json_text(with_warnings(comparison.to_dict(), warnings)))
    else:
        from ..report.analysis_text import written as wrote

        print(str(comparison))
        for line in written:
            print("\n" + wrote([line]))
    return EXIT_OK
