"""``optimiser pareto``: what more of one tier's compound output costs in another's."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..report.inert import json_text
from .args import CSV_FILE, name, pareto_points
from .configs import read_config, with_warnings
from .exits import EXIT_NO_OPTIMUM, EXIT_OK
from .options import add_options


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "pareto", help="the trade-off between two tiers' compound output under the same budget",
        description="For N levels of tier X's compound output (graduates over the horizon), the most tier Y "
        "output the budget allows (epsilon-constraint). x_output and y_output are that front; each level's plan "
        "(cost, output per tier, spending) is the cheapest with both, made the steadiest as solve's smoothing "
        "stage does: with objective.smooth a share s, it may give up to s of each. Exit 0 ok, 2 bad config or "
        "tier, 3 no feasible plan, 4 solver or output failure.",
    )
    parser.add_argument("config", type=Path, help="the YAML config file")
    parser.add_argument("--x", type=name, default="basic", help="the tier on the horizontal axis (default: basic)")
    parser.add_argument("--y", type=name, default="senior", help="the tier on the vertical axis (default: senior)")
    parser.add_argument("--points", type=pareto_points, default=20, help="number of levels (default: 20)")
    parser.add_argument("--hold-others", action="store_true",
                        help="hold every other tier at least at its output in the config's optimum")
    add_options(parser, "scenario", "out", "json", "debug", out={"type": CSV_FILE},
                help_for={"out": "write the table to this CSV file"})
    parser.set_defaults(run=run_pareto)


def run_pareto(args: argparse.Namespace) -> int:
    from ..analysis import pareto
    from ..analysis.output import records, write_csv

    config = read_config(args)
    table = pareto(config, x=args.x, y=args.y, points=args.points, hold_others=args.hold_others)
    if args.out:
        write_csv(args.out, table)
    if args.json:
        print(json_text(with_warnings({"x": args.x, "y": args.y, "rows": records(table)}, config.warnings)))
    else:
        from ..report.analysis_text import pareto_text, written

        print(pareto_text(table))
        if args.out:
            print("\n" + written([args.out]))
    return EXIT_OK if (table["status"] == "optimal").any() else EXIT_NO_OPTIMUM
