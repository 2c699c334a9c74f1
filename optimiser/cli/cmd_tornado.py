"""``optimiser tornado``: the optimum re-solved at both ends of each uncertain input's range."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

from ..report.inert import json_text
from .args import CSV_FILE, finite_number
from .configs import read_config, with_warnings
from .exits import EXIT_NO_OPTIMUM, EXIT_OK, usage_error
from .options import add_options, progress_bar


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "tornado", help="which uncertain inputs move the optimum most: each re-solved at both ends of its range",
        description="Set each input a planner is unsure of (by default every lever's costs and induced intake, "
        "every tier's completion rate and every teacher group's teaching hours) to the low and the high end of "
        "its range, one at a time, and solve the plan again at each end. Prints the change in the optimum at "
        "each end, the largest first; an end without an optimum says why. Exit 0 ok, 2 bad config or --input, "
        "3 the config as written has no optimum, 4 solver or output failure.",
    )
    parser.add_argument("config", type=Path, help="the YAML config file")
    parser.add_argument("--change", type=finite_number, default=0.2, metavar="SHARE",
                        help="how far each input moves either way unless its range is given (default 0.2: ±20%%)")
    parser.add_argument("--input", action="append", metavar="PATH[=LOW,HIGH]",
                        help="an input to vary instead of the default ones, moved by --change or to LOW and HIGH; "
                        "repeat for more")
    add_options(parser, "scenario", "jobs", "solver", "out", "json", "no-progress", "debug", out={"type": CSV_FILE},
                help_for={
        "out": "write the table to this CSV file",
    })
    parser.set_defaults(run=run_tornado)


def parse_input(text: str, change: float) -> tuple[str, float | tuple[float, float]]:
    """``PATH`` (moved by ``change``) or ``PATH=LOW,HIGH``.

    >>> parse_input("levers.secondments.cost=8000,15000", 0.2)
    ('levers.secondments.cost', (8000.0, 15000.0))
    >>> parse_input("tiers.basic.completion_rate", 0.2)
    ('tiers.basic.completion_rate', 0.2)
    """
    from ..i18n import _

    forms = _("PATH or PATH=LOW,HIGH (e.g. levers.secondments.cost=8000,15000)")
    path, sep, spec = (part.strip() for part in text.partition("="))
    if not path:
        raise ValueError(_("--input {text!r}: expected {forms}").format(text=text, forms=forms))
    if not sep:
        return path, change
    parts = spec.split(",")
    try:
        values = [float(part) for part in parts]
    except ValueError:
        values = []
    if len(values) != 2 or not all(math.isfinite(v) for v in values):
        raise ValueError(_("--input {text!r}: give two numbers LOW,HIGH after '='; expected {forms}").format(
            text=text, forms=forms))
    return path, (values[0], values[1])


def run_tornado(args: argparse.Namespace) -> int:
    from ..analysis import tornado
    from ..analysis.output import write_csv
    from ..i18n import _

    if not 0 < args.change < 1:
        return usage_error("tornado", _("{option} must be a share between 0 and 1 (0.2 for ±20%), got {value}").format(
            option="--change", value=f"{args.change:g}"))
    inputs: dict[str, float | tuple[float, float]] | None = None
    if args.input:
        inputs = {}
        try:
            for text in args.input:
                path, spec = parse_input(text, args.change)
                if path in inputs:
                    raise ValueError(_("--input {path} is given twice; give each input once").format(path=path))
                inputs[path] = spec
        except ValueError as err:
            return usage_error("tornado", str(err))
    config = read_config(args)
    bars = tornado(config, inputs=inputs, change=args.change, solver=args.solver, jobs=args.jobs,
                   progress=progress_bar(args))
    if args.out:
        write_csv(args.out, bars.table)
    if args.json:
        print(json_text(with_warnings(bars.to_dict(), config.warnings)))
    else:
        print(str(bars))
        if args.out:
            from ..report.analysis_text import written

            print("\n" + written([args.out]))
    return EXIT_OK if math.isfinite(bars.base_objective) else EXIT_NO_OPTIMUM
