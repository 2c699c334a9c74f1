"""``optimiser robust``: one lever plan for many drawn worlds, tested on fresh draws.

Exit codes: 0 with an optimal robust plan, 3 when the programme over the
worlds has no optimum, 2 for an invalid config or option, 4 for a solver
failure or a file that cannot be written.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..report.inert import json_text
from .args import CSV_FILE, draw_count, seed
from .configs import read_config, with_warnings
from .exits import EXIT_NO_OPTIMUM, EXIT_OK, usage_error
from .options import add_options, progress_bar

if TYPE_CHECKING:
    import pandas as pd

    from ..analysis.robust import RobustResult


def sizes(text: str) -> tuple[int, ...]:
    from ..i18n import _

    try:
        values = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError as err:
        raise argparse.ArgumentTypeError(_("{text!r}: give draw counts separated by commas, e.g. 25,50,100,200").format(
            text=text)) from err
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(_("{text!r}: give positive draw counts, e.g. 25,50,100,200").format(text=text))
    for value in values:
        robust_draws(str(value))
    return values


def robust_draws(text: str) -> int:
    """How many worlds a robust plan is found for: 1 to :data:`~optimiser.analysis.robust.MAX_DRAWS`."""
    from ..analysis.robust import MAX_DRAWS
    from ..i18n import _

    value = draw_count(text)
    if value > MAX_DRAWS:
        raise argparse.ArgumentTypeError(_(
            "{text!r}: give from 1 to {most} draws (the robust plan is one linear programme with a copy of the "
            "province per world; test a plan on more worlds with: optimiser montecarlo CONFIG --plan PLAN)").format(
            text=text, most=f"{MAX_DRAWS:,}"))
    return value


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "robust", help="one plan for many drawn worlds (the uncertainty: section), tested on fresh draws",
        description="Draw --draws worlds from CONFIG's uncertainty: section and find one lever plan for all of "
        "them: teaching, training and payments adapt in each world; funding and policy limits hold in every world "
        "(--budget every) or on average (--budget expected). The objective is the mean output (--risk expected), "
        "the mean of the worst --alpha share of worlds (--risk cvar) or the worst world (--risk worst); in "
        "min_cost mode the same of the cost. The plan is then tested on --test-draws fresh draws beside the plan "
        "for the mean world. Exit 0 with a plan, 3 without an optimum, 2 for a bad config or option.",
    )
    parser.add_argument("config", type=Path, help="the YAML config file (with an uncertainty: section)")
    parser.add_argument("--risk", choices=("expected", "cvar", "worst"), default="expected",
                        help="what to maximise over the worlds (default: expected)")
    parser.add_argument("--alpha", type=float, default=0.1, help="share of worst worlds of --risk cvar (default: 0.1)")
    parser.add_argument("--budget", choices=("every", "expected"), default="every",
                        help="funding and policy limits in every world (default) or on average")
    parser.add_argument("--test-draws", type=int, default=200,
                        help="fresh draws to test the plan on, beside the mean-world plan (default: 200; 0: none)")
    parser.add_argument("--test-seed", type=seed, default=None, help="seed of the fresh draws (default: --seed + 1)")
    parser.add_argument("--convergence", type=sizes, default=None, metavar="N,N,...",
                        help="also show the robust objective at these draw counts, e.g. 25,50,100,200")
    add_options(
        parser, "draws", "seed", "scenario", "jobs", "out", "json", "no-progress", "debug",
        draws={"default": 100, "type": robust_draws}, out={"metavar": "PLAN.csv", "type": CSV_FILE}, help_for={
            "draws": "worlds to plan for (default: 100)",
            "out": "write the plan to PLAN.csv (lever, kind, institution, tier, year, units) and the worlds to "
            "PLAN_worlds.csv",
        },
    )
    parser.set_defaults(run=run_robust)


def run_robust(args: argparse.Namespace) -> int:
    from ..analysis.robust import robust, robust_convergence

    problem = _bad_option(args)
    if problem:
        return usage_error("robust", problem)
    config = read_config(args)
    result = robust(config, draws=args.draws, seed=args.seed, risk=args.risk, alpha=args.alpha, budget=args.budget,
                    test_draws=args.test_draws, test_seed=args.test_seed, jobs=args.jobs,
                    progress=progress_bar(args))
    convergence = None
    if args.convergence:
        convergence = robust_convergence(config, sizes=args.convergence, seed=args.seed, risk=args.risk,
                                         alpha=args.alpha, budget=args.budget)
    written = _write_plan(args.out, result) if args.out and result.ok else []
    if args.json:
        _print_json(result, convergence, config.warnings)
    else:
        _print_text(result, convergence, written)
    return EXIT_OK if result.ok else EXIT_NO_OPTIMUM


def _bad_option(args: argparse.Namespace) -> str | None:
    """What is wrong with a number option (in the current language), or ``None``."""
    from ..i18n import _

    for name, value, least in (("--draws", args.draws, 1), ("--jobs", args.jobs, 1), ("--test-draws", args.test_draws, 0)):
        if value is not None and value < least:
            return _("{option} must be at least {least}, got {value}").format(option=name, least=least, value=value)
    if not 0.0 < args.alpha <= 1.0:
        return _("{option} is a share in (0, 1], got {value}").format(option="--alpha", value=f"{args.alpha:g}")
    return None


def _write_plan(out: Path, result: RobustResult) -> list[Path]:
    """The plan to ``out`` and the worlds beside it (``PLAN_worlds.csv``)."""
    from ..analysis.output import write_csvs

    return write_csvs([(out, result.plan), (out.with_name(f"{out.stem}_worlds.csv"), result.worlds)])


def _print_json(result: RobustResult, convergence: pd.DataFrame | None, warnings: tuple[str, ...]) -> None:
    data = result.to_dict()
    if convergence is not None:
        data["convergence"] = convergence
    print(json_text(with_warnings(data, warnings)))


def _print_text(result: RobustResult, convergence: pd.DataFrame | None, written: list[Path]) -> None:
    from ..report.analysis_text import written as wrote
    from ..report.robust_text import convergence_text

    print(str(result))
    if convergence is not None:
        print("\n" + convergence_text(convergence))
    if written:
        print("\n" + wrote(written))
