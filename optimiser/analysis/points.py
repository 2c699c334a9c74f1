"""Config variants for analysis points: key paths, year keys, validation.

Analyses address what they vary with the dotted key paths of
:meth:`optimiser.Config.with_changes` (``funding.government.per_year``,
``institutions.Research universities.training_seats``, ``total_budget``).
One refinement: a year key under a series
(``funding.government.per_year.2026``) means *that one year*. The series is
written out year by year over the horizon with only that year changed, so
the other years keep their values whether the series was one number or a
mapping. (A plain ``with_changes`` sets the mapping key, whose value then
holds until the next listed year.)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ..config import load_config  # noqa: F401  (the examples use it)
from ..config.load import apply_changes, as_config, get_path  # noqa: F401  (as_config: the analyses take it from here)
from ..config.types import Config, Series
from ..errors import ConfigError, Problem
from ..i18n import N_, _


def apply_point(config: Config, changes: Mapping[str, Any]) -> Config:
    """``config`` with ``changes`` applied and validated, year keys meaning one year.

    Raises :class:`~optimiser.ConfigError` naming the path and the value when
    a change is invalid.

    >>> cfg = load_config("configs/zhejiang.yaml")
    >>> money = apply_point(cfg, {"funding.government.per_year.2026": 0}).funding["government"].per_year
    >>> money.at(2025), money.at(2026), money.at(2027)
    (10000000.0, 0.0, 10000000.0)
    """
    plain: dict[str, Any] = {}
    years: dict[str, dict[int, Any]] = {}
    problems: list[Problem] = []
    file = str(config.source) if config.source else None
    for path, value in changes.items():
        parent, year = split_year(config, str(path))
        if year is None:
            plain[str(path)] = value
        elif year not in config.years:
            first, last = config.years[0], config.years[-1]
            problems.append(Problem(str(path), f"year {year} is outside the horizon {first}-{last}", file))
        else:
            years.setdefault(parent, {})[year] = value
    if problems:
        raise ConfigError(problems)
    for parent, overrides in years.items():
        base = plain.get(parent, get_path(config.raw, parent))
        series = Series.of(base) if _is_series(base) else None
        written = {y: (series.at(y) if series is not None else base) for y in config.years}
        written.update(overrides)
        plain[parent] = written
    return apply_changes(config, plain, label="")


def split_year(config: Config, path: str) -> tuple[str, int | None]:
    """``("funding.government.per_year", 2026)`` for a year key under a series, else ``(path, None)``."""
    parent, _, last = path.rpartition(".")
    if not parent or not last.isdigit():
        return path, None
    try:
        node = get_path(config.raw, parent)
    except KeyError:
        return path, None
    return (parent, int(last)) if _is_series(node) else (path, None)


def _is_series(node: Any) -> bool:
    if isinstance(node, bool):
        return False
    if isinstance(node, (int, float)):
        return True
    return isinstance(node, dict) and bool(node) and all(isinstance(key, int) for key in node)


def numeric_paths(config: Config) -> list[str]:
    """Every key path of ``config`` that holds a number (institutions by name), for hints."""
    found: list[str] = []

    def walk(node: Any, prefix: str) -> None:
        if _is_series(node):
            found.append(prefix)
            return
        if isinstance(node, dict):
            for key, child in node.items():
                if prefix == "" and key == "scenarios":
                    continue
                walk(child, f"{prefix}.{key}" if prefix else str(key))
        elif isinstance(node, list):
            for index, child in enumerate(node):
                name = child.get("name") if isinstance(child, dict) else None
                walk(child, f"{prefix}.{name if name is not None else index}")

    walk(config.raw, "")
    return found


class ParamError(ValueError):
    """A ``--param`` argument that cannot be read; the message says what to write instead."""


MAX_POINTS = 100_000
"""The most points one sweep solves (each is a full solve)."""

PARAM_FORMS = N_("PATH=START:STOP:N (e.g. funding.government.per_year=0:12e6:25) or PATH=V1,V2,...")


def parse_param(text: str) -> tuple[str, list[float]]:
    """Read ``PATH=START:STOP:N`` (N evenly spaced values, both ends included) or ``PATH=V1,V2,...``.

    N is at least 2 when START and STOP differ (``START:START:1`` is the one value).

    >>> parse_param("total_budget=0:10:3")
    ('total_budget', [0.0, 5.0, 10.0])
    >>> parse_param("funding.government.per_year.2026=1e6,2e6")
    ('funding.government.per_year.2026', [1000000.0, 2000000.0])
    """
    path, sep, spec = text.partition("=")
    path, spec = path.strip(), spec.strip()
    if not sep or not path or not spec:
        raise ParamError(_("--param {text!r}: expected {forms}").format(text=text, forms=_(PARAM_FORMS)))
    if ":" in spec:
        parts = spec.split(":")
        if len(parts) != 3:
            raise ParamError(_("--param {text!r}: a range has three parts START:STOP:N, got {count}; expected {forms}").format(
                text=text, count=len(parts), forms=_(PARAM_FORMS)))
        start, stop = (_number(part, name, text) for part, name in zip(parts[:2], ("START", "STOP")))
        count = parts[2].strip()
        if not count.isdigit() or int(count) < 1:
            raise ParamError(_("--param {text!r}: N must be a whole number of points, at least 1, got {count!r}").format(
                text=text, count=count))
        n = int(count)
        if n > MAX_POINTS:
            raise ParamError(_("--param {text!r}: {count} points is more than a sweep can hold ({most}); use fewer").format(
                text=text, count=f"{n:,}", most=f"{MAX_POINTS:,}"))
        if n == 1:
            if start != stop:
                raise ParamError(_(
                    "--param {text!r}: N is 1, but both ends {start} and {stop} are included; give N of 2 or more "
                    "(e.g. {path}={start}:{stop}:2), or one value as {path}={start}").format(
                    text=text, start=parts[0].strip(), stop=parts[1].strip(), path=path))
            return path, [start]
        step = (stop - start) / (n - 1)
        return path, [start + step * i if i < n - 1 else stop for i in range(n)]
    values = [_number(part, "value", text) for part in spec.split(",")]
    return path, values


def _number(part: str, name: str, text: str) -> float:
    try:
        value = float(part.strip().replace("_", ""))
    except ValueError:
        raise ParamError(_("--param {text!r}: {name} {part!r} is not a number").format(
            text=text, name=name, part=part.strip())) from None
    if not math.isfinite(value):
        raise ParamError(_("--param {text!r}: {name} {part!r} is not a finite number").format(
            text=text, name=name, part=part.strip()))
    return value
