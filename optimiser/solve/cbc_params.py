"""CBC's own parameters, read once from the CBC program PuLP ships, to check ``--solver-options`` for CBC.

CBC reads its options as command-line words (``-ratioGap 0.01``) and, given a
name it does not know or a value of the wrong type, prints a line nobody sees
and solves on without it. So an option is checked here first, as HiGHS's are:
the name against the parameters CBC lists (``cbc -verbose 15 -?``), the value
against the parameter's type and range, or its choices. CBC takes a name or a
choice in any case, written in full or shortened down to its shortest form
(``ratio`` for ``ratio(Gap)``).
"""

from __future__ import annotations

import functools
import math
import re
import subprocess
from dataclasses import dataclass
from typing import Any

from ..errors import SolverError

TYPED_SECTIONS = {
    "Double parameters:": "number", "Branch and Cut double parameters:": "number",
    "Integer parameters:": "whole", "Branch and Cut integer parameters:": "whole",
    "Keyword parameters:": "choice", "Branch and Cut keyword parameters:": "choice",
}
"""The sections of CBC's listing that hold parameters taking a value; actions (solve, export a file) are not options."""

UNBOUNDED = 1e300
"""A range's end beyond this is CBC's largest number: no limit."""

_NAME = re.compile(r"([A-Za-z0-9]+)(?:\(([A-Za-z0-9]+)\))?$")
_RANGE = re.compile(r"<Range of values is (\S+) to (\S+);")
_CHOICES = re.compile(r"<Possible options for \S+ are: (.*?);")


@dataclass(frozen=True)
class Written:
    """A word CBC takes written in full or shortened down to ``shortest``: ``ratio(Gap)``."""

    shortest: str
    full: str

    @classmethod
    def parse(cls, token: str) -> Written | None:
        match = _NAME.match(token)
        if match is None:
            return None
        return cls(match.group(1), match.group(1) + (match.group(2) or ""))

    def takes(self, word: str) -> bool:
        """Whether CBC reads ``word`` as this one (any case, shortened no further than :attr:`shortest`)."""
        word = word.lower()
        return self.full.lower().startswith(word) and word.startswith(self.shortest.lower())


@dataclass(frozen=True)
class Parameter:
    """One CBC parameter that takes a value: a number, a whole number (each within a range) or a choice."""

    name: Written
    kind: str
    low: float = -math.inf
    high: float = math.inf
    choices: tuple[Written, ...] = ()


@functools.lru_cache(maxsize=1)
def cbc_parameters() -> tuple[Parameter, ...]:
    """The parameters the CBC program lists, read once per process; none when it cannot be run."""
    try:
        import pulp

        path = pulp.PULP_CBC_CMD().path
        listing = subprocess.run([path, "-verbose", "15", "-?", "-quit"], capture_output=True, text=True, timeout=30,
                                 check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    return parse_listing(listing)


def parse_listing(listing: str) -> tuple[Parameter, ...]:
    """The parameters that take a value in CBC's listing (``cbc -verbose 15 -?``)."""
    parameters: list[Parameter] = []
    kind: str | None = None
    for section in re.split(r"(?m)^(?=\S.*parameters:$|Actions or string parameters:$|Branch and Cut actions:$)", listing):
        heading = section.split("\n", 1)[0].strip()
        kind = TYPED_SECTIONS.get(heading)
        if kind is None:
            continue
        for block in re.split(r"\bCommand\s+", section)[1:]:
            name = Written.parse(block.split(None, 1)[0]) if block.strip() else None
            if name is not None:
                parameters.append(_parameter(name, kind, block))
    return tuple(parameters)


def _parameter(name: Written, kind: str, block: str) -> Parameter:
    if kind == "choice":
        found = _CHOICES.search(block)
        words = found.group(1).split() if found else []
        return Parameter(name, kind, choices=tuple(w for w in map(Written.parse, words) if w is not None))
    found = _RANGE.search(block)
    if found is None:
        return Parameter(name, kind)
    return Parameter(name, kind, float(found.group(1)), float(found.group(2)))


def check_cbc_options(options: dict[str, Any], parameters: tuple[Parameter, ...] | None = None) -> dict[str, Any]:
    """``options`` unchanged when CBC takes each name and value; else :class:`SolverError` saying what CBC takes.

    >>> check_cbc_options({"ratioGap": "0.01", "presolve": "off"})
    {'ratioGap': '0.01', 'presolve': 'off'}
    """
    from ..i18n import _

    known = cbc_parameters() if parameters is None else parameters
    if not known:
        return dict(options)  # no listing to check against: CBC itself is missing, which the solve reports
    for key, value in options.items():
        parameter = next((p for p in known if p.name.takes(str(key))), None)
        if parameter is None:
            import difflib

            names = {p.name.full.lower(): p.name.full for p in known}
            shortened = [full for lower, full in names.items() if lower.startswith(str(key).lower())]
            close = shortened or [names[n] for n in difflib.get_close_matches(str(key).lower(), names, n=5, cutoff=0.5)]
            hint = _("; close names: {names}").format(names=", ".join(close)) if close else ""
            raise SolverError(_("CBC has no option {key!r}{hint}").format(key=key, hint=hint))
        problem = _value_problem(parameter, str(value).strip())
        if problem:
            raise SolverError(_("CBC option {key}={value!r}: {problem}").format(key=key, value=value, problem=problem))
        if parameter.name.full.lower() in _TOLERANCES:
            from .highs import LOOSEST_TOLERANCE, loose_tolerance

            try:
                loose = float(str(value).strip()) > LOOSEST_TOLERANCE
            except ValueError:
                loose = False
            if loose:
                raise SolverError(loose_tolerance(str(key), value))
    return dict(options)


_TOLERANCES = ("primaltolerance", "dualtolerance", "integertolerance")
"""CBC's feasibility and optimality tolerances, held to :data:`~optimiser.solve.highs.LOOSEST_TOLERANCE`."""


def _value_problem(parameter: Parameter, text: str) -> str | None:
    """What is wrong with ``text`` as a value of ``parameter`` (in the current language), or None."""
    from ..i18n import _

    name = parameter.name.full
    if parameter.kind == "choice":
        if parameter.choices and not any(choice.takes(text) for choice in parameter.choices):
            return _("{name} takes one of {choices}").format(
                name=name, choices=", ".join(choice.full for choice in parameter.choices))
        return None
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    whole = parameter.kind == "whole"
    if math.isnan(number) or (whole and not number.is_integer()):
        what = _("a whole number") if whole else _("a number")
        return _("{name} takes {what}").format(name=name, what=what)
    if number < parameter.low:
        return _("{name} takes values from {low} up").format(name=name, low=f"{parameter.low:g}") if \
            parameter.high > UNBOUNDED else _("{name} takes values from {low} to {high}").format(
            name=name, low=f"{parameter.low:g}", high=f"{parameter.high:g}")
    if number > parameter.high:
        return _("{name} takes values from {low} to {high}").format(
            name=name, low=f"{parameter.low:g}", high=f"{parameter.high:g}")
    return None
