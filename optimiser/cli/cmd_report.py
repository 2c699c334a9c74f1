"""``optimiser report``: the workbook and the HTML page a budget officer passes upward.

The first scenario listed (default ``base``) is the main plan: its plan,
funding, outputs, bottlenecks and sensitivity fill the report. Every listed
scenario, the main one included, goes into the comparison, and so does each
hand-made ``--plan`` file, evaluated against the main plan's config.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .args import HTML_FILE
from .exits import EXIT_FAILED, EXIT_INVALID, EXIT_NO_OPTIMUM, EXIT_OK
from .options import add_options

if TYPE_CHECKING:
    from ..compare import Comparison
    from ..results import Result


def register(sub: Any) -> None:
    report = sub.add_parser(
        "report",
        help="write an Excel workbook and/or a self-contained HTML report of a plan and its alternatives",
        description="Solve CONFIG under each listed scenario and write the report of the first one (the main plan), "
        "with its sensitivity ranking and a comparison with the others.",
    )
    report.add_argument("config", type=Path, help="the YAML config file")
    add_options(report, "scenarios", "solver", "integer", "plan",
                plan={"action": "append", "default": []}, help_for={
        "scenarios": "comma-separated scenario names (or repeat the option); the first is the main plan, all go into the comparison "
        "('base' means no overrides; default: base)",
        "plan": "a hand-made plan (.csv or .xlsx with the columns of plan.csv: lever, institution, tier, year, "
        "units), evaluated against the main plan's config and added to the comparison; repeat for several",
    })
    report.add_argument("--html", type=HTML_FILE, metavar="FILE", help="write the HTML report here")
    add_options(report, "xlsx", "debug", help_for={"xlsx": "write the Excel workbook here"})
    report.set_defaults(run=run_report)


def run_report(args: argparse.Namespace) -> int:
    from ..compare import compare, plans_from_args
    from ..i18n import _
    from ..report.handmade import with_hand_made_plans
    from ..sensitivity import sensitivity

    if args.html is None and args.xlsx is None:
        print(_("report: nothing to write; give --html FILE, --xlsx FILE or both"), file=sys.stderr)
        return EXIT_INVALID
    from .configs import plans_warnings, show_warnings

    items = plans_from_args([args.config], args.scenarios or ["base"])
    show_warnings(plans_warnings(items), args)
    comparison = compare(items, solver=args.solver, integer=True if args.integer else None)
    main_name, main = comparison.results[0]
    if args.plan:
        optimum = main if main.ok else None
        comparison = with_hand_made_plans(comparison, items[0][1], args.plan, args.solver, optimum)
    report = sensitivity(main) if main.ok else None
    _write_files(args, main, report, comparison)
    _print_findings(comparison, report)
    if main.ok:
        return EXIT_OK
    print(_("the main plan ({name}) is {status}; the report says why").format(name=main_name, status=main.status.value),
          file=sys.stderr)
    return EXIT_NO_OPTIMUM if main.status.value in ("infeasible", "unbounded") else EXIT_FAILED


def _write_files(args: argparse.Namespace, main: Result, report: Any, comparison: Comparison) -> None:
    """The workbook and the HTML page asked for, both or neither (a bad path for one leaves the other
    unwritten too), each named once written."""
    from ..files import Writer, workbook_writer, write_each
    from ..report.analysis_text import written
    from ..report.html import html_report
    from ..report.xlsx import workbook

    files: list[tuple[Path, Writer]] = []
    if args.xlsx is not None:
        book = workbook(main, report, comparison)
        files.append((args.xlsx, workbook_writer(book)))
    if args.html is not None:
        page = html_report(main, report, comparison)

        def write_page(temp: Path) -> None:
            temp.write_text(page, encoding="utf-8")

        files.append((args.html, write_page))
    for path in write_each(files):
        print(written([path]))


def _print_findings(comparison: Comparison, report: Any) -> None:
    """The verdict on the plans compared and what the next unit buys, as the report opens with them."""
    from ..i18n import _
    from ..report.findings import next_million_lines, plan_verdict

    verdict = plan_verdict(comparison.results)
    if verdict:
        print(_("plans compared:"))
        print("\n".join(f"  {line}" for line in verdict))
    million = next_million_lines(report)
    if million:
        print(_("what the next unit buys:"))
        print("\n".join(f"  {line}" for line in million))
