"""The config a command reads, and its warnings, shown the one way every command shows them.

A config can be valid and still hold something a planner should hear about: a series year after the horizon,
whose value never applies; a lever no funding source may pay for. Every command that reads a config tells them:

* on a terminal, each as a ``warning: FILE:LINE: KEY: ...`` line on stderr, before the command's output
  (``solve`` lists them in its summary instead, with the plan they concern);
* with ``--json``, in the object's top-level ``"warnings"`` list, as ``solve``'s JSON holds them, and not on
  stderr.

A warning a scenario brings names its scenario (:func:`optimiser.config.load.apply_scenario`).

A plan file read (``--plan``) may bring notes of its own: a total row left out, the sheet read when the
workbook has several. On a terminal each is a ``note: ...`` line on stderr; with ``--json`` they are in the
object's ``"plan_notes"`` list (present when there are any), and not on stderr, unless the command fails
and prints no object: then they go to stderr with its error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..config import Config


def read_config(args: argparse.Namespace) -> Config:
    """The config ``args.config`` with ``args.scenario`` applied (if the command takes one), its warnings shown."""
    from .. import load_config

    config = load_config(args.config, scenario=getattr(args, "scenario", None))
    show_warnings(config.warnings, args)
    return config


def show_warnings(warnings: Iterable[str], args: argparse.Namespace) -> None:
    """Each warning once, on stderr; nothing with ``--json``, whose object holds them (:func:`with_warnings`)."""
    if getattr(args, "json", False):
        return
    from ..i18n import _
    from ..report.inert import inert

    for warning in dict.fromkeys(warnings):
        print(_("warning: {text}").format(text=inert(warning)), file=sys.stderr)


PLAN_NOTES: ContextVar[list[str] | None] = ContextVar("plan_notes", default=None)
"""The notes of the plan files a ``--json`` command has read so far (None when it collects none)."""


def with_warnings(data: dict[str, Any], warnings: Iterable[str]) -> dict[str, Any]:
    """``data`` (a command's JSON object) with the config's warnings under ``"warnings"``, each once, and the
    notes of the plan files it read under ``"plan_notes"`` when there are any."""
    out = {**data, "warnings": list(dict.fromkeys(warnings))}
    notes = PLAN_NOTES.get()
    if notes:
        out["plan_notes"] = list(dict.fromkeys(notes))
    return out


def plans_warnings(items: Iterable[tuple[str, Config]]) -> list[str]:
    """The warnings of the configs of the plans ``items`` (:func:`optimiser.compare.plans_from_args`), each once."""
    return list(dict.fromkeys(warning for _label, config in items for warning in config.warnings))
