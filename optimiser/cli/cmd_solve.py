"""What ``solve`` adds for whole-unit plans: ``--mip-gap``, ``--no-progress``, and its exit codes.

The ``solve`` parser itself is made in :mod:`.commands`; this module adds the
integer options to it and runs it.

Exit codes of ``solve``: 0 with a plan — optimal, or ``feasible`` (an integer
plan found before the time limit, with the gap it is proven within, and a
note saying so); 3 infeasible or unbounded; 4 no plan (``time_limit`` with no
integer plan found, or a solver failure).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..report.inert import json_text
from .exits import EXIT_FAILED, EXIT_NO_OPTIMUM, EXIT_OK, usage_error

DEFAULT_MIP_GAP = 1e-3


def mip_gap(text: str) -> float:
    """A relative gap: a number from 0 up to (not including) 1."""
    from ..i18n import _

    try:
        value = float(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(_("{text!r} is not a number").format(text=text)) from err
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(_("{text!r}: give a share from 0 up to (not including) 1, e.g. 0.001").format(
            text=text))
    return value


def register(sub: Any) -> None:
    solve = sub.choices["solve"]
    solve.add_argument(
        "--mip-gap", type=mip_gap, default=DEFAULT_MIP_GAP, metavar="SHARE",
        help="whole-unit plans: stop once the plan is proven within this share of the best whole-unit plan "
        "(default 0.001: proven within 0.1%%)",
    )
    from .options import add_options

    add_options(solve, "solver-options", "no-progress", help_for={
        "no-progress": "no progress lines on stderr (a solve running longer than a few seconds names the stage "
        "it is in every ten seconds; an integer search reports its plan, bound and gap)",
    })
    for action in solve._actions:
        if action.dest == "time_limit":
            action.help = "stop the solver after this many seconds (whole-unit plans: 60 s unless given, for the whole run)"
    solve.set_defaults(run=run_solve)


def run_solve(args: argparse.Namespace) -> int:
    from .. import load_config, solve
    from ..errors import SolverError
    from ..solve.backends import checked_options
    from . import collector

    collector.resume()  # numpy, pandas, PuLP and HiGHS are loaded

    try:
        options = checked_options(args.solver, dict(args.solver_options or ()))
    except SolverError as err:
        # A usage error, found before any work starts.
        from ..i18n import _

        return usage_error("solve", _("argument {option}: {problem}").format(option="--solver-options", problem=err))
    # Not read_config: the config's warnings are shown with the plan, in its summary and JSON (Result.summary).
    config = load_config(args.config, scenario=args.scenario)
    result = solve(
        config, solver=args.solver, integer=True if args.integer else None, time_limit=args.time_limit,
        mip_gap=args.mip_gap, progress=not args.no_progress, solver_options=options,
    )
    if args.out:
        from ..report.files import result_files, write_all

        write_all(args.out, result_files(result))
    if args.json:
        print(json_text(result.to_dict()))
    else:
        print(str(result))
        if args.out:
            from ..report.analysis_text import written

            print("\n" + written([f"{args.out}/: " + " ".join(result_files(result))]))
    if result.ok:
        if result.status.value == "feasible" and not args.json:
            gap = result.summary.get("gap")
            from ..i18n import _

            shown = f"{gap:.3%}" if isinstance(gap, float) else _("an unknown share")
            print(_("note: the time limit ran out; the whole-unit plan is proven within {gap} of the best one").format(
                gap=shown), file=sys.stderr)
        return EXIT_OK
    if result.status.value in ("infeasible", "unbounded"):
        return EXIT_NO_OPTIMUM
    if not args.json:
        from ..i18n import _

        print(_("the solver stopped without a plan ({status})").format(status=result.status.value), file=sys.stderr)
    return EXIT_FAILED
