"""``optimiser montecarlo``: draw worlds from the config's uncertainty: section and evaluate each.

Exit codes: 0 when the draws ran and some have numbers (whatever the other
draws' status), 3 when no draw has an optimum (or, with --plan, no
evaluation), 2 for an invalid config, plan file or option, 4 for a solver
failure or a file that cannot be written.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..report.inert import json_text
from .args import CSV_FILE
from .configs import read_config, with_warnings
from .exits import EXIT_NO_OPTIMUM, EXIT_OK, usage_error
from .options import add_options, progress_bar


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "montecarlo", help="draw uncertain inputs (the config's uncertainty: section) and re-optimise or test a plan",
        description="Draw --draws worlds from the distributions in CONFIG's uncertainty: section and, per world, "
        "re-optimise (default) or evaluate the fixed plan given with --plan (the plan.csv of `solve --out`). "
        "Prints percentiles (p5 p25 p50 p75 p95, mean) of the objective, total cost and compound output by tier "
        "and year. The same --seed gives the same numbers whatever --jobs. Exit 0 when the draws ran, 3 when no "
        "draw has numbers, 2 for a bad config, plan or option.",
    )
    parser.add_argument("config", type=Path, help="the YAML config file (with an uncertainty: section)")
    add_options(
        parser, "draws", "seed", "plan", "scenario", "jobs", "scheduler", "solver", "out", "json", "no-progress", "debug",
        draws={"default": 1000}, plan={"metavar": "PLAN.csv"}, out={"metavar": "FILE.csv", "type": CSV_FILE}, help_for={
            "draws": "number of worlds to draw (default: 1000)",
            "plan": "test this plan (CSV/XLSX: lever, institution, tier, year, units) instead of re-optimising",
            "scheduler": "run the draws on a Dask scheduler (tcp://host:8786); needs: pip install optimiser[dask]",
            "solver": "highs (default, fast) or cbc (every world through `solve`)",
            "out": "write one row per draw to FILE.csv and the percentiles to FILE_percentiles.csv",
        },
    )
    parser.set_defaults(run=run_montecarlo)


def run_montecarlo(args: argparse.Namespace) -> int:
    from ..analysis.executor import executor_from_address
    from ..analysis.montecarlo import USABLE, monte_carlo
    from ..analysis.output import records, write_csvs
    from ..i18n import _

    for name, value in (("--draws", args.draws), ("--jobs", args.jobs)):
        if value is not None and value < 1:
            return usage_error("montecarlo", _("{option} must be at least {least}, got {value}").format(
                option=name, least=1, value=value))
    config = read_config(args)
    plan = None
    if args.plan is not None:
        from ..planfile import read_plan

        plan = read_plan(args.plan, config)
    client = executor_from_address(args.scheduler) if args.scheduler else None
    try:
        result = monte_carlo(config, draws=args.draws, seed=args.seed, plan=plan, jobs=args.jobs, executor=client,
                             progress=progress_bar(args), solver=args.solver)
    finally:
        if client is not None:
            client.close()
    written = []
    if args.out:
        percentiles_path = args.out.with_name(f"{args.out.stem}_percentiles.csv")
        written = write_csvs([(args.out, result.draws),
                              (percentiles_path, result.percentiles.rename_axis("figure").reset_index())])
    if args.json:
        print(json_text(with_warnings({**result.to_dict(), "rows": records(result.draws)}, config.warnings)))
    else:
        print(str(result))
        if written:
            from ..report.analysis_text import written as wrote

            print("\n" + wrote(written))
    has_numbers = bool(result.draws["status"].isin(USABLE).any())
    return EXIT_OK if has_numbers else EXIT_NO_OPTIMUM
