"""Small building blocks for reading raw config data and collecting problems.

A :class:`Checker` walks raw YAML data, records every problem with its file,
line and key path, and hands back clean Python values (or ``None`` where the
value was unusable) so one pass finds everything wrong at once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..errors import Problem
from ..i18n import N_, _
from ..i18n.inputs import is_percent, parse_chinese_amount, parse_number, parse_share
from .types import Series

KeyPath = tuple[Any, ...]
Locations = dict[KeyPath, tuple[str, int]]


def dotted(path: KeyPath) -> str:
    """``("levers", "x", "cost")`` -> ``"levers.x.cost"``; list indices in brackets.

    Integer keys from 1000 up are years of a series (``...share.2027``).
    """
    text = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool) and part < 1000:
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def choices(word: Any, valid: Iterable[str], what: str) -> str:
    """The fix for an unknown name: "did you mean 'x'? valid <what>s: a, b"."""
    import difflib  # only for a config with a problem

    valid = [str(v) for v in valid]
    matches = difflib.get_close_matches(str(word), valid, n=1, cutoff=0.6)
    hint = _("did you mean {name!r}? ").format(name=matches[0]) if matches else ""
    return hint + _("valid {what}s: {names}").format(what=_(what), names=listing(valid))


def listing(valid: Iterable[str]) -> str:
    names = sorted(str(v) for v in valid)
    return ", ".join(names) if names else _("(none defined)")


@dataclass(frozen=True)
class Range:
    """A further range for one key, with the reason a value outside it is refused.

    Mostly the range a planner never leaves: a value outside it is a typing
    mistake or a unit mix-up, and one the solver could not take (coefficients
    of very different sizes in one constraint defeat its tolerances). ``low``
    refuses positive values below it (0 stays allowed where the key allows
    it); ``high`` refuses values above it (and ``high`` itself with
    ``high_open``).
    """

    what: str
    why: str
    low: float | None = None
    high: float | None = None
    high_open: bool = False

    def refuses(self, value: float) -> bool:
        if self.low is not None and 0 < value < self.low:
            return True
        return self.high is not None and (value > self.high or (self.high_open and value == self.high))


class Checker:
    """Collects problems while raw data is turned into typed values."""

    def __init__(self, file: str | None, locations: Locations) -> None:
        self.file = file
        self.locations = locations
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.series_years: list[tuple[KeyPath, tuple[int, ...]]] = []
        """The listed years of every series read as a mapping, by key path."""

    # -- recording -----------------------------------------------------
    def locate(self, path: KeyPath) -> tuple[str | None, int | None]:
        for end in range(len(path), -1, -1):
            found = self.locations.get(tuple(path[:end]))
            if found:
                return found
        return self.file, None

    def error(self, path: KeyPath, message: str) -> None:
        file, line = self.locate(path)
        self.problems.append(Problem(path=dotted(path), message=message, file=file, line=line))

    def warn(self, path: KeyPath, message: str, at: KeyPath | None = None) -> None:
        """Record a warning about ``path``, located at ``at`` (a key inside it) when given."""
        file, line = self.locate(path if at is None else at)
        where = f"{file}:{line}: " if file and line else (f"{file}: " if file else "")
        self.warnings.append(f"{where}{dotted(path)}: {message}")

    # -- shapes --------------------------------------------------------
    def mapping(
        self,
        value: Any,
        path: KeyPath,
        allowed: Iterable[str] | None = None,
        required: Iterable[str] = (),
        what: str = N_("a mapping of keys to values"),
    ) -> dict[str, Any] | None:
        """Check ``value`` is a mapping with only ``allowed`` keys and every ``required`` one."""
        if not isinstance(value, dict):
            self.error(path, _("expected {what}, got {value}").format(what=_(what), value=show(value)))
            return None
        if allowed is not None:
            allowed = list(allowed)
            for key in value:
                if key not in allowed:
                    self.error(
                        path + (key,),
                        _("unknown key {key!r}; {fix}").format(key=key, fix=choices(key, allowed, N_("key"))),
                    )
        for key in required:
            if key not in value:
                self.error(path, _("missing required key {key!r}").format(key=key))
        return value

    def names_mapping(self, value: Any, path: KeyPath, what: str) -> dict[str, Any]:
        """A mapping from user-chosen names (tiers, levers, ...) to their settings."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(path, _("expected a mapping of {what} by name, got {value}").format(what=_(what), value=show(value)))
            return {}
        clean: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str) or not key.strip():
                self.error(path + (key,), _("a {what} name must be non-empty text, got {value}").format(
                    what=_(what), value=show(key)))
                continue
            clean[key] = item
        return clean

    def text(self, value: Any, path: KeyPath, what: str = N_("text")) -> str | None:
        if isinstance(value, str) and value.strip():
            return value
        message = _("expected {what}, got {value}").format(what=_(what), value=show(value))
        if isinstance(value, bool):
            message += _(" (YAML reads yes, no, on, off, true and false unquoted as true or false: put the text in "
                         "quotes, e.g. \"No\")")
        elif isinstance(value, (int, float)):
            message += _(" (a number: put the text in quotes, e.g. \"{value}\")").format(value=value)
        self.error(path, message)
        return None

    def flag(self, value: Any, path: KeyPath) -> bool | None:
        if isinstance(value, bool):
            return value
        self.error(path, _("expected true or false, got {value}").format(value=show(value)))
        return None

    def number(
        self,
        value: Any,
        path: KeyPath,
        *,
        what: str = N_("a number"),
        low: float | None = 0.0,
        high: float | None = None,
        low_open: bool = False,
        high_open: bool = False,
        integer: bool = False,
        within: Range | None = None,
        share: bool = False,
    ) -> float | None:
        """A finite number within ``[low, high]`` (open ends with ``low_open``, ``high_open``).

        A number that passes is then held to the range ``within``, whose
        message says what is expected and why. ``share``: the key holds a
        share or ratio, so a percentage written for it (``4%``) is answered
        with the decimal to write (``0.04``).
        """
        def expected() -> str:  # written only for a value that fails (most pass)
            return _("expected {what}, got {value}").format(what=_(what), value=show(value))

        problem = _number_problem(value, expected, low, high, low_open=low_open, high_open=high_open, integer=integer,
                                  share=share)
        if problem is None and within is not None and within.refuses(value):
            problem = _("expected {what}, got {value}; {why}").format(what=_(within.what), value=show(value), why=_(within.why))
        if problem is not None:
            self.error(path, problem)
            return None
        return int(value) if integer else float(value)

    def series(self, value: Any, path: KeyPath, **limits: Any) -> Series | None:
        """A number for every year, or a mapping ``{year: number}`` (a step function)."""
        if isinstance(value, dict):
            if not value:
                self.error(path, _("expected a number or a mapping {year: value}, got an empty mapping"))
                return None
            points: dict[int, float] = {}
            for year, item in value.items():
                if isinstance(year, bool) or not isinstance(year, int):
                    self.error(path + (year,), _("a series key must be a year such as 2025, got {value}").format(
                        value=show(year)))
                    continue
                checked = self.number(item, path + (year,), **limits)
                if checked is not None:
                    points[year] = checked
            if len(points) != len(value):
                return None
            self.series_years.append((path, tuple(sorted(points))))
            return Series.of(points)
        checked = self.number(value, path, **limits)
        return None if checked is None else Series.of(checked)

    def name_list(self, value: Any, path: KeyPath, valid: Iterable[str], what: str) -> tuple[str, ...] | None:
        """A list of names that must each be one of ``valid``."""
        valid = list(valid)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.error(path, _("expected a list of {what} names, got {value}").format(what=_(what), value=show(value)))
            return None
        ok = True
        for index, item in enumerate(value):
            if item not in valid:
                self.error(
                    path + (index,),
                    _("unknown {what} {value}; {fix}").format(what=_(what), value=show(item), fix=choices(item, valid, what)),
                )
                ok = False
        if len(set(map(str, value))) != len(value):
            self.error(path, _("a {what} is listed twice in {value!r}").format(what=_(what), value=value))
            ok = False
        return tuple(value) if ok else None

    def reference(self, value: Any, path: KeyPath, valid: Iterable[str], what: str) -> str | None:
        valid = list(valid)
        if value in valid:
            return str(value)
        self.error(path, _("unknown {what} {value}; {fix}").format(what=_(what), value=show(value),
                                                                   fix=choices(value, valid, what)))
        return None


LARGEST = 1e15
"""No yuan amount, head count or hour total in a plan comes near this; larger
values are typing mistakes and would only upset the solver's arithmetic."""


def _number_problem(
    value: Any, expected: Callable[[], str], low: float | None, high: float | None, *, low_open: bool,
    high_open: bool, integer: bool, share: bool = False,
) -> str | None:
    """Why ``value`` is not a finite number within ``[low, high]`` (``expected()`` and a reason), or None when it is."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return expected() + _text_hint(value, share)
    if not math.isfinite(value):
        return expected() + _(" (not a finite number)")
    if abs(value) > LARGEST:
        return expected() + _(", which is beyond any plan (more than 1e15); check the units")
    if integer and float(value) != int(value):
        return expected() + _(" (not a whole number)")
    if _below(value, low, low_open) or _above(value, high, high_open):
        return expected()
    return None


def _text_hint(value: Any, share: bool = False) -> str:
    """For a number written as text, how to write it so that it reads as a number ("" when there is no telling).

    YAML (version 1.1, as PyYAML reads it) takes ``1e9`` and ``1.0e9`` for text:
    a number with an exponent needs a decimal point and a signed exponent
    (``1.0e+9``). A percentage (``4%``, for a key that holds a share), an
    amount in 万 or 亿 or in Chinese numerals (``400万``, ``四百万``) and a
    number with thousands separators (``2,088``) are answered with the
    plain number to write.
    """
    if not isinstance(value, str):
        return ""
    text = value.strip()
    if _EXPONENT.fullmatch(text):
        if abs(float(text)) <= LARGEST:
            return _(" (YAML reads {value} as text: a number with an exponent needs a decimal point and a sign after "
                     "the e; write {fixed}, or in full: {full})").format(value=value, fixed=_yaml_float(text),
                                                                           full=plain_number(float(text)))
        return _(" (YAML reads {value} as text: a number with an exponent needs a decimal point and a sign after "
                 "the e, such as {fixed})").format(value=value, fixed=_yaml_float(text))
    if is_percent(text):
        decimal = parse_share(text)
        if share and decimal is not None:
            return _(" (write a percentage as a decimal: {number} for {value})").format(
                number=plain_number(decimal), value=text)
        return ""
    amount = parse_chinese_amount(text)
    if amount is not None:
        return _(" (write the amount in digits: {number} for {value})").format(number=plain_number(amount), value=text)
    grouped = parse_number(text)
    if grouped is not None:
        return _(" (write it without thousands separators: {number})").format(number=plain_number(grouped))
    return ""


_EXPONENT = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)[eE][-+]?\d+")
"""A number with an exponent, which YAML 1.1 reads as text unless it has a decimal point and a signed exponent."""


def _yaml_float(text: str) -> str:
    """``text`` (a number with an exponent) as YAML reads a float: ``1e9`` -> ``1.0e+9``.

    >>> _yaml_float("1e15"), _yaml_float("2.5E9"), _yaml_float("-3e-4")
    ('1.0e+15', '2.5e+9', '-3.0e-4')
    """
    mantissa, _e, exponent = text.lower().partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    if not exponent.startswith(("+", "-")):
        exponent = "+" + exponent
    return f"{mantissa}e{exponent}"


def plain_number(number: float) -> str:
    """``number`` written out in digits, as a config may hold it: ``4000000``, ``0.04``, ``0.00001``.

    >>> plain_number(4e6), plain_number(35 / 100), plain_number(33.3 / 100), plain_number(1e-5)
    ('4000000', '0.35', '0.333', '0.00001')
    """
    rounded = round(float(number), 12)
    if rounded.is_integer():
        return str(int(rounded))
    return format(Decimal(repr(rounded)), "f")


def _below(value: float, low: float | None, open_end: bool) -> bool:
    return low is not None and (value < low or (open_end and value == low))


def _above(value: float, high: float | None, open_end: bool) -> bool:
    return high is not None and (value > high or (open_end and value == high))


def show(value: Any) -> str:
    """A raw value as a message names it: ``'sixty'``, ``1e-09``, "a mapping"."""
    if value is None:
        return _("nothing (empty value)")
    if isinstance(value, dict):
        return _("a mapping")
    if isinstance(value, list):
        return _("a list")
    return repr(value)
