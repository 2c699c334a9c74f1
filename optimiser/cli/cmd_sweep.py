"""``optimiser sweep``: solve a config over a grid of parameter values, one CSV row per point."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..report.inert import json_text
from .args import CSV_FILE
from .configs import read_config, with_warnings
from .exits import EXIT_OK, usage_error
from .options import add_options, progress_bar


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "sweep", help="solve a config over a grid of parameter values (one row per point)",
        description="Solve CONFIG at every combination of the --param values and write one row per point: "
        "the values, status, objective, total_cost, compound_<tier>, spend_<lever> and diagnosis. Points without "
        "an optimum keep their row with their status and, in diagnosis, the limits to relax. Exit 0 when the sweep ran (whatever the points' status), "
        "2 for a bad --param or config, 4 for a solver or output failure.",
    )
    parser.add_argument("config", type=Path, help="the YAML config file")
    parser.add_argument(
        "--param", action="append", required=True, metavar="PATH=START:STOP:N",
        help="a config key path and its values: START:STOP:N (N evenly spaced, ends included) or V1,V2,...; "
        "repeat for a grid (e.g. --param funding.government.per_year=0:12e6:25)",
    )
    add_options(parser, "scenario", "jobs", "scheduler", "solver", "out", "json", "no-progress", "debug",
                out={"type": CSV_FILE}, help_for={
        "scheduler": "run the points on a Dask scheduler (tcp://host:8786); needs: pip install optimiser[dask]",
        "out": "write the table to this CSV file (default: CSV on stdout)",
    })
    parser.set_defaults(run=run_sweep)


def run_sweep(args: argparse.Namespace) -> int:
    from ..analysis import executor_from_address, sweep
    from ..analysis.output import records, write_csv
    from ..analysis.points import ParamError, parse_param
    from ..i18n import _

    params: dict[str, list[float]] = {}
    try:
        for text in args.param:
            path, values = parse_param(text)
            if path in params:
                raise ParamError(_("--param {path} is given twice; give each path once").format(path=path))
            params[path] = values
    except ParamError as err:
        return usage_error("sweep", str(err))
    config = read_config(args)
    client = executor_from_address(args.scheduler) if args.scheduler else None
    try:
        table = sweep(config, params, jobs=args.jobs, progress=progress_bar(args),
                      solver=args.solver, executor=client)
    finally:
        if client is not None:
            client.close()
    if args.out:
        write_csv(args.out, table)
    counts = table["status"].value_counts().to_dict()
    if args.json:
        print(json_text(with_warnings({"params": list(params), "points": len(table), "status_counts": counts,
                                       "rows": records(table)}, config.warnings)))
    elif args.out:
        from ..report.analysis_text import sweep_written

        print(sweep_written(args.out, table))
    else:
        from ..report.files import csv_text, safe_frame

        sys.stdout.write(csv_text(safe_frame(table)))
    return EXIT_OK
