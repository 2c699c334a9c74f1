"""``optimiser sensitivity``: Excel's Sensitivity Report for a config, and the shadow prices in planner words."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..report.inert import json_text
from .exits import EXIT_FAILED, EXIT_NO_OPTIMUM, EXIT_OK
from .options import add_options


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "sensitivity",
        help="shadow prices, reduced costs and allowable ranges (Excel's Sensitivity Report), ranked in planner words",
        description="Solve CONFIG and report, for every limit, its shadow price with the range over which it holds, "
        "and for every lever unit its reduced cost and objective-coefficient range; then what one more unit of each "
        "binding limit buys, ranked. Unlimited ranges are written 'unlimited'.",
    )
    parser.add_argument("config", type=Path, help="the YAML config file")
    add_options(parser, "scenario", "solver", "integer", "json", "out", "debug", help_for={
        "integer": "whole units for every lever (a MILP); the report is then for the LP with those units fixed",
        "out": "write sensitivity_constraints.csv, sensitivity_variables.csv and sensitivity_ranking.csv here",
    })
    parser.set_defaults(run=run_sensitivity)


def run_sensitivity(args: argparse.Namespace) -> int:
    from .. import load_config, solve
    from ..report.files import write_all
    from ..sensitivity import sensitivity
    from .configs import show_warnings, with_warnings

    config = load_config(args.config, scenario=args.scenario)
    result = solve(config, solver=args.solver, integer=True if args.integer else None)
    if not result.ok:
        return _no_optimum(result, args.json)  # the solve's summary shows the config's warnings
    show_warnings(config.warnings, args)
    report = sensitivity(result)
    if args.out:
        write_all(args.out, report.files())
    if args.json:
        print(json_text(with_warnings(report.to_dict(), config.warnings)))
        return EXIT_OK
    print(str(report))
    if args.out:
        from ..report.analysis_text import written

        print("\n" + written([f"{args.out}/: " + " ".join(report.files())]))
    return EXIT_OK


def _no_optimum(result: Any, as_json: bool) -> int:
    status = result.status.value
    from ..i18n import _

    message = (_("no sensitivity report: the model is {status}") if status in ("infeasible", "unbounded") else
               _("no sensitivity report: the solver stopped without an optimum ({status})")).format(status=status)
    if as_json:
        from .configs import with_warnings

        print(json_text(with_warnings({
            "status": status,
            "diagnosis": [d.message for d in result.diagnosis],
            "constraints": [], "variables": [], "ranking": [], "note": message,
        }, result.summary.get("warnings", []))))
    else:
        print(str(result))
        print(message, file=sys.stderr)
    return EXIT_NO_OPTIMUM if status in ("infeasible", "unbounded") else EXIT_FAILED
