"""Argument types shared by the commands: argparse reports a bad value as a usage error (exit 2), in the language
asked for with ``--lang``."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

from ..i18n import N_


def _(message: str) -> str:
    """``message`` in the current language (:func:`optimiser.i18n._`, loaded only once a value is refused)."""
    from ..i18n import _ as translated

    return translated(message)


def output_path(text: str) -> Path:
    """A file or folder to write: not empty (an empty path would mean the current folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(_("an empty path; give a file or folder name"))
    return Path(text)


class OutputFile:
    """The type of an option that names one file to write in one format (``--out FILE.csv``, ``--xlsx``,
    ``--html``): a path that is not empty (:func:`output_path`). Before the command runs, a name ending in
    another format's suffix is refused (:func:`optimiser.cli.oserrors.refuse_outputs`)."""

    def __init__(self, what: str, suffixes: tuple[str, ...]) -> None:
        self.what = what  # marked with N_, in words: "a CSV file"
        self.suffixes = suffixes  # the first is the one to use

    def __call__(self, text: str) -> Path:
        return output_path(text)

    def wrong_suffix(self, path: Path) -> str | None:
        """The suffix of ``path`` when it names another format than this one writes (``.xlsx`` for a CSV file);
        None for this format's suffixes, for no suffix and for one that names no format (``.out``)."""
        suffix = path.suffix.lower()
        return path.suffix if suffix in FORMAT_SUFFIXES and suffix not in self.suffixes else None


FORMAT_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".html", ".htm", ".xhtml",
                   ".json", ".yaml", ".yml", ".xml", ".pdf", ".doc", ".docx", ".zip", ".parquet")
"""Suffixes that name a file format: an output file whose name ends in one its format does not use is refused."""

CSV_FILE = OutputFile(N_("a CSV file"), (".csv", ".txt"))
WORKBOOK_FILE = OutputFile(N_("an Excel workbook"), (".xlsx",))
HTML_FILE = OutputFile(N_("an HTML page"), (".html", ".htm"))


def positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(_("{text!r} is not a number of seconds").format(text=text)) from err
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(_("{text!r}: give a positive number of seconds").format(text=text))
    return value


def solver_option(text: str) -> tuple[str, str]:
    """``KEY=VALUE``: one option passed to the solver as it is (checked against the solver's own names later)."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise argparse.ArgumentTypeError(_("{text!r}: write KEY=VALUE, e.g. presolve=off or mip_rel_gap=1e-4").format(text=text))
    return key.strip(), value.strip()


def seed(text: str) -> int:
    value = _whole(text)
    if value < 0:
        raise argparse.ArgumentTypeError(_("{text!r}: a seed is a whole number from 0 up").format(text=text))
    return value


def name(text: str) -> str:
    """A tier, key path or other name: not empty."""
    if not text.strip():
        raise argparse.ArgumentTypeError(_("{text!r} is an empty name; give a name").format(text=text))
    return text


def scenario_name(text: str) -> str:
    """A scenario's name: not empty (it would silently be taken as the base)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(_("{text!r} is an empty name; give a scenario's name, or base for none").format(text=text))
    return text


def scenario_names(text: str) -> list[str]:
    """Comma-separated scenario names (``base,austerity``), in order; none may be empty."""
    names = [name.strip() for name in text.split(",")]
    if any(not name for name in names):
        raise argparse.ArgumentTypeError(_("expected comma-separated scenario names, got {text!r}").format(text=text))
    return names


class ScenarioNames(argparse.Action):
    """``--scenarios``: the names of every use of it, in order (``--scenarios a,b --scenarios c`` is a, b, c);
    a name listed twice is refused."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        names = [*(getattr(namespace, self.dest, None) or []), *values]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise argparse.ArgumentError(self, _("{names} listed more than once; list each scenario once").format(
                names=", ".join(repeated)))
        setattr(namespace, self.dest, names)


def finite_number(text: str) -> float:
    """A number that is neither NaN nor infinite (a bound to stop at, say)."""
    try:
        value = float(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(_("{text!r} is not a number; give a number such as 5e6").format(text=text)) from err
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(_("{text!r} is not a finite number; give a number such as 5e6").format(text=text))
    return value


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(_("{text!r} is not a whole number").format(text=text)) from err


MAX_JOBS = 1024
"""Worker processes on this machine: more is never faster, and each one holds a copy of the model."""


def draw_count(text: str) -> int:
    """How many Monte Carlo worlds to draw: 1 to the cap of :func:`~optimiser.analysis.monte_carlo`."""
    from ..analysis.montecarlo import MAX_DRAWS

    value = _whole(text)
    if not 1 <= value <= MAX_DRAWS:
        raise argparse.ArgumentTypeError(_(
            "{text!r}: give from 1 to {most} draws (each draw is one solve and keeps a row; "
            "the percentiles settle within a few thousand)").format(text=text, most=f"{MAX_DRAWS:,}"))
    return value


def pareto_points(text: str) -> int:
    """How many levels a Pareto front takes: 2 up to the sweep's cap on points."""
    from ..analysis.points import MAX_POINTS

    value = _whole(text)
    if not 2 <= value <= MAX_POINTS:
        raise argparse.ArgumentTypeError(_(
            "{text!r}: give from 2 to {most} points (the most a sweep holds; each point is one solve)").format(
            text=text, most=f"{MAX_POINTS:,}"))
    return value


def job_count(text: str) -> int:
    """Worker processes: 1 to :data:`MAX_JOBS`."""
    value = _whole(text)
    if not 1 <= value <= MAX_JOBS:
        raise argparse.ArgumentTypeError(_("{text!r}: give from 1 to {most} worker processes (one per core is fastest)").format(
            text=text, most=f"{MAX_JOBS:,}"))
    return value


SCHEDULER_SCHEMES = ("tcp", "tls", "ucx", "ws", "wss", "inproc")
"""The address schemes of a Dask scheduler; an address without one (``host:8786``) is taken as ``tcp://``."""


def scheduler_address(text: str) -> str:
    """A Dask scheduler address: ``tcp://host:port`` (or another Dask scheme), or ``host:port``."""
    fix = _("give the scheduler's address, e.g. tcp://10.0.0.5:8786 (tls://, ucx://, ws://, wss:// also work)")
    address = text.strip()
    if not address:
        raise argparse.ArgumentTypeError(_("{text!r} is an empty address; {fix}").format(text=text, fix=fix))
    scheme, separator, rest = address.partition("://")
    if separator:
        if scheme.lower() not in SCHEDULER_SCHEMES:
            raise argparse.ArgumentTypeError(_("{text!r}: {scheme!r} is not a Dask scheduler scheme; {fix}").format(
                text=text, scheme=scheme, fix=fix))
        if not rest.strip("/") or not _plain(rest):
            raise argparse.ArgumentTypeError(_("{text!r} names no host; {fix}").format(text=text, fix=fix))
        return address
    if not _is_host_and_port(address):
        raise argparse.ArgumentTypeError(_("{text!r} is not a scheduler address (host:port); {fix}").format(text=text, fix=fix))
    return address


def _is_host_and_port(address: str) -> bool:
    """``host:port`` with a port from 1 to 65535, no ``/`` and nothing unprintable."""
    host, colon, port = address.rpartition(":")
    return (bool(colon) and bool(host) and port.isdigit() and 0 < int(port) < 65536 and "/" not in address
            and _plain(address))


def _plain(text: str) -> bool:
    """No spaces and nothing unprintable in ``text``."""
    return not any(c.isspace() or not c.isprintable() for c in text)
