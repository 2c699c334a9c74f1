"""The sub-commands ``solve`` and ``validate``, and the registry of the others.

Each further command lives in its own module ``optimiser/cli/cmd_<name>.py``
with a ``register(sub)`` function; :func:`register` finds and adds them.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..report.inert import inert
from .exits import EXIT_OK
from .options import add_options

CORE_COMMANDS = ("solve", "validate")
"""The commands made here (``solve``'s whole-unit options are added by :mod:`.cmd_solve`)."""


def register(sub: Any, core_only: bool = False) -> None:
    """Add every command; with ``core_only``, only :data:`CORE_COMMANDS`, loading no other command's module."""
    register_core(sub)
    if core_only:
        from . import cmd_solve

        cmd_solve.register(sub)
        return
    import importlib
    import pkgutil

    for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
        if info.name.startswith("cmd_"):
            importlib.import_module(f"{__package__}.{info.name}").register(sub)


def register_core(sub: Any) -> None:
    solve = sub.add_parser("solve", help="solve a config and print (or write) the plan")
    solve.add_argument("config", type=Path, help="the YAML config file")
    add_options(solve, "scenario", "solver", "integer", "time-limit", "out", "json", "debug", help_for={
        "out": "write summary.json, plan.csv, funding.csv, outputs.csv, constraints.csv, bottlenecks.csv, "
        "teachers.csv, commitments.csv and config.resolved.yaml into this folder",
    })
    solve.set_defaults(run=run_solve, resumes_collector=True)

    validate = sub.add_parser("validate", help="check a config and print 'ok' with a summary, or every problem")
    validate.add_argument("config", type=Path)
    add_options(validate, "scenario", "debug")
    validate.set_defaults(run=run_validate)


def run_solve(args: argparse.Namespace) -> int:
    """Solve and print or write the result (:mod:`.cmd_solve`, which adds the whole-unit options)."""
    from .cmd_solve import run_solve as run

    return run(args)


def run_validate(args: argparse.Namespace) -> int:
    """Check the whole file, every scenario with it: its problems, or "ok" after the warnings of the config and
    of each scenario (each naming its scenario)."""
    from .. import load_config
    from ..config.load import file_warnings
    from .configs import show_warnings

    base = load_config(args.config)
    config = base.scenario(args.scenario) if args.scenario else base
    show_warnings(file_warnings(base), args)
    print("ok")
    print(describe(config))
    return EXIT_OK


def describe(config: Any) -> str:
    """One line on what ``config`` holds, in the current language (``validate`` prints it after "ok")."""
    from ..i18n import _

    h = config.horizon
    years = f"{h.start}-{h.start + h.years - 1}" if h.years > 1 else str(h.start)
    scenario = _(", scenario {name}").format(name=inert(config.scenario_name)) if config.scenario_name else ""
    return _(
        "{name}: {mode}, {years}, {institutions} institutions, {tiers} tiers, {groups} teacher groups, {levers} levers, "
        "{sources} funding sources, {scenarios} scenarios{scenario}"
    ).format(
        name=inert(config.name), mode=config.objective.mode, years=years, institutions=len(config.institutions),
        tiers=len(config.tiers), groups=len(config.groups), levers=len(config.levers), sources=len(config.funding),
        scenarios=len(config.scenarios), scenario=scenario,
    )
