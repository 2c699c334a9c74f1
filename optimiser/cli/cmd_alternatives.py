"""``optimiser alternatives``: the room around the optimum (lever ranges and differing near-optimal plans).

Exit codes: 0 with ranges, 3 when the config has no optimal plan, 2 for an
invalid config or option, 4 for a file that cannot be written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..report.inert import json_text
from .args import CSV_FILE
from .configs import read_config, with_warnings
from .exits import EXIT_NO_OPTIMUM, EXIT_OK, usage_error
from .options import add_options


def share(text: str) -> float:
    """``1%`` or ``0.01``: a share in [0, 1)."""
    from ..i18n import _

    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100.0 if raw.endswith("%") else float(raw)
    except ValueError as err:
        raise argparse.ArgumentTypeError(_("{text!r}: give a share such as 1% or 0.01").format(text=text)) from err
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(_("{text!r}: give a share from 0% up to (not including) 100%").format(text=text))
    return value


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "alternatives", help="what each lever must get and what is a choice among near-optimal plans",
        description="Among plans within --within of the optimal output at no more cost (in min_cost mode: within "
        "that share of the least cost), the least and the most each lever, and each lever at each institution, "
        "can be given (yuan over the horizon, or --units), flagged forced (narrow range) or choice (wide); and "
        "--plans near-optimal plans that differ as much as a linear programme can make them. Exit 0 with ranges, "
        "3 when the config has no optimum, 2 for a bad config or option.",
    )
    parser.add_argument("config", type=Path, help="the YAML config file")
    parser.add_argument("--within", type=share, default=0.01, help="output that may be given up, e.g. 1%% (default)")
    parser.add_argument("--plans", type=int, default=4, help="alternative plans to generate (default: 4)")
    parser.add_argument("--units", action="store_true", help="ranges in units started instead of yuan")
    add_options(parser, "scenario", "out", "json", "debug", out={"metavar": "FILE.csv", "type": CSV_FILE}, help_for={
        "out": "write the ranges to FILE.csv and the plans to FILE_plans.csv",
    })
    parser.set_defaults(run=run_alternatives)


def run_alternatives(args: argparse.Namespace) -> int:
    from .. import SolverError
    from ..analysis.alternatives import alternatives
    from ..analysis.output import write_csvs
    from ..i18n import _

    if args.plans < 0:
        return usage_error("alternatives", _("{option} must be at least {least}, got {value}").format(
            option="--plans", least=0, value=args.plans))
    config = read_config(args)
    try:
        room = alternatives(config, within=args.within, plans=args.plans, measure="units" if args.units else "yuan")
    except SolverError as err:
        print(_("optimiser alternatives: {problem}").format(problem=err), file=sys.stderr)
        return EXIT_NO_OPTIMUM
    written = []
    if args.out:
        written = write_csvs([(args.out, room.ranges),
                              (args.out.with_name(f"{args.out.stem}_plans.csv"), room.plans.reset_index())])
    if args.json:
        print(json_text(with_warnings(room.to_dict(), config.warnings)))
    else:
        print(str(room))
        if written:
            from ..report.analysis_text import written as wrote

            print("\n" + wrote(written))
    return EXIT_OK
