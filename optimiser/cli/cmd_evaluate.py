"""``optimiser evaluate``: what a hand-made plan delivers, costs and breaks.

Exit codes: 0 when the plan keeps every limit, 3 when it breaks one or more
(each listed with its amount), 2 for an invalid config or plan file (the
message names the file, row, column, value and the fix), 4 when a solver
fails or a file cannot be written.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..report.inert import json_text
from .configs import read_config, with_warnings
from .exits import EXIT_NO_OPTIMUM, EXIT_OK
from .options import add_options


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "evaluate",
        help="evaluate a hand-made plan (CSV/XLSX) against a config: output, cost, broken limits, gap to the optimum",
        description="Fix every lever's units to the plan file (columns lever, institution, tier, year, units, as in "
        "the plan.csv of `solve --out`; rows left out mean zero) and report the best output the plan can deliver, "
        "its cost by lever, source and year, every limit it breaks with the amount, and the gap to the optimum. "
        "Exit 0 when the plan keeps every limit, 3 when it breaks one, 2 for a bad plan file.",
    )
    parser.add_argument("config", type=Path, help="the YAML config file")
    add_options(parser, "plan", "scenario", "solver", "out", "json", "debug", plan={"required": True},
                out={"metavar": "DIR"}, help_for={
        "plan": "the plan file (.csv or .xlsx)",
        "out": "write summary.json, violations.csv, plan.csv, funding.csv, outputs.csv, teachers.csv, "
               "bottlenecks.csv and commitments.csv into DIR",
    })
    parser.set_defaults(run=run_evaluate)


def run_evaluate(args: argparse.Namespace) -> int:
    from ..evaluate import evaluate
    from ..report.evaluation_text import evaluation_files
    from ..report.files import write_all

    config = read_config(args)
    evaluation = evaluate(config, args.plan, solver=args.solver)
    files = evaluation_files(evaluation)
    if args.out:
        write_all(args.out, files)
    if args.json:
        print(json_text(with_warnings(evaluation.to_dict(), config.warnings)))
    else:
        print(str(evaluation))
        if args.out:
            from ..report.analysis_text import written

            print("\n" + written([f"{args.out}/: {' '.join(files)}"]))
    return EXIT_OK if evaluation.feasible else EXIT_NO_OPTIMUM
