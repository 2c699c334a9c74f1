"""``optimiser frontier``: the exact optimum as a function of one budget, with its breakpoints."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..report.inert import json_text
from .args import CSV_FILE, finite_number, name
from .configs import read_config, with_warnings
from .exits import EXIT_NO_OPTIMUM, EXIT_OK
from .options import add_options


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "frontier", help="the exact budget frontier: breakpoints and the levers bought on each segment",
        description="Find the optimum as a function of one budget exactly (piecewise linear, concave): its "
        "breakpoints from zero to saturation and, per segment, the output per yuan and the levers bought at "
        "the margin. The output is the optimum (the objective solve reports); each breakpoint's plan (cost, "
        "spending, output per tier) is the one solve returns at that budget, smoothing stage included: with "
        "objective.smooth a share s, it may give up to s of the optimum for steadiness (output_given_up). "
        "Exit 0 ok, 2 bad config or --over, 3 no budget gives a feasible plan, 4 solver or output failure.",
    )
    parser.add_argument("config", type=Path, help="the YAML config file")
    parser.add_argument("--over", type=name, default="total_budget", metavar="PATH",
                        help="total_budget (default), funding.<source>.per_year or funding.<source>.per_year.<year>")
    add_options(parser, "scenario")
    parser.add_argument("--upto", type=finite_number, help="stop at this budget (yuan)")
    add_options(parser, "out", "json", "debug", out={"type": CSV_FILE}, help_for={
        "out": "write the breakpoints to this CSV file and the segments beside it (<name>.segments.csv)",
    })
    parser.set_defaults(run=run_frontier)


def segments_path(out: Path) -> Path:
    """Where the segments go beside ``--out`` (``frontier.csv`` -> ``frontier.segments.csv``)."""
    return out.with_name(f"{out.stem}.segments{out.suffix or '.csv'}")


def run_frontier(args: argparse.Namespace) -> int:
    from ..analysis import frontier
    from ..analysis.output import write_csvs

    config = read_config(args)
    front = frontier(config, over=args.over, upto=args.upto)
    if args.out:
        write_csvs([(args.out, front.breakpoints), (segments_path(args.out), front.segments)])
    if args.json:
        print(json_text(with_warnings(front.to_dict(), config.warnings)))
    else:
        print(str(front))
        if args.out:
            from ..report.analysis_text import written

            print("\n" + written([args.out, segments_path(args.out)]))
    return EXIT_OK if front.status.ok else EXIT_NO_OPTIMUM
