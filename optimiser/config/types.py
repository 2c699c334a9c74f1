"""Frozen, validated config objects.

These are what :func:`optimiser.load_config` returns after every check in
:mod:`optimiser.config.validate` has passed; the rest of the package trusts
them and never looks at raw YAML again. Field meanings are those of the
config keys of the same names (see the README's config reference).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

COURSES: tuple[str, ...] = ("knowledge", "practice", "training")
"""The three course types; each is one of the "three no" bottlenecks."""

LeverKind = Literal["hire", "convert", "build", "subsidise"]
ObjectiveMode = Literal["max_output", "min_cost"]


@dataclass(frozen=True)
class Series:
    """A value per year: a step function over the listed years.

    A year's value holds until the next listed year; years before the first
    listed year take the first value.

    >>> Series.of({2025: 0.35, 2027: 0.5}).at(2026)
    0.35
    >>> Series.of(3.0).at(1990)
    3.0
    """

    points: tuple[tuple[int, float], ...]

    @staticmethod
    def of(value: float | dict[int, float]) -> Series:
        if isinstance(value, dict):
            return Series(tuple(sorted((int(y), float(v)) for y, v in value.items())))
        return Series(((0, float(value)),))

    def at(self, year: int) -> float:
        years = [y for y, _ in self.points]
        index = bisect.bisect_right(years, year) - 1
        return self.points[max(index, 0)][1]


@dataclass(frozen=True)
class Horizon:
    start: int
    years: int

    @property
    def range(self) -> range:
        return range(self.start, self.start + self.years)


@dataclass(frozen=True)
class Objective:
    mode: ObjectiveMode = "max_output"
    tie_break: bool = True
    targets: dict[str, Series] = field(default_factory=dict)
    smooth: float | None = 1e-7
    """Share of output given up for a steadier plan (``true`` is 1e-7); ``None`` skips smoothing."""


@dataclass(frozen=True)
class Tier:
    name: str
    duration: int
    hours: dict[str, float]
    completion_rate: float = 1.0
    weight: float = 1.0
    demand: Series | None = None


@dataclass(frozen=True)
class TeacherGroup:
    name: str
    qualified: frozenset[str]
    hours: float
    external: bool = False
    attrition: float = 0.0
    """Share of the group leaving each year."""
    replaced_by: str | None = ""
    """Group the leavers are replaced by: "" the group itself, ``None`` not replaced."""

    @property
    def replacement(self) -> str | None:
        """The group that replaces leavers (the group itself by default, ``None`` for none)."""
        return self.name if self.replaced_by == "" else self.replaced_by

    @property
    def practice_qualified(self) -> bool:
        return "practice" in self.qualified


@dataclass(frozen=True)
class Lever:
    """One of the four kinds of lever; fields not of its kind keep defaults."""

    name: str
    kind: LeverKind
    cost: float = 0.0
    group: str | None = None  # hire
    source_group: str | None = None  # convert: `from`
    target_group: str | None = None  # convert: `to`
    away: float = 0.0
    max_share_per_year: float | None = None
    seats_per_unit: float = 1.0  # build
    seat_hours: float = 1200.0
    capex: float = 0.0
    opex: float = 0.0
    tiers: tuple[str, ...] = ()  # subsidise
    induced_intake: float = 0.0
    lifetime: int | None = None
    """Years a unit stays active; hire levers always have one (1 by default)."""
    upfront: float = 0.0  # hire: once, in the year of recruitment
    delay: int = 0
    """Years from a unit's start (and its capex or upfront cost) to its first active year."""
    min_per_year: Series | None = None
    max_per_year: Series | None = None
    region_max_per_year: Series | None = None
    max_total: float | None = None
    available_from: int | None = None
    integer: bool = False
    institutions: tuple[str, ...] | None = None

    def applies_to(self, institution: str) -> bool:
        names = self._institution_names
        return names is None or institution in names

    @cached_property
    def _institution_names(self) -> frozenset[str] | None:
        """``institutions`` as a set: a build asks once per institution, year and group (a national config
        lists hundreds of names)."""
        return None if self.institutions is None else frozenset(self.institutions)

    def active_in(self, built: int, year: int) -> bool:
        """Whether units started in ``built`` still count in ``year`` (the window W_l, after the delay)."""
        first = built + self.delay
        lifetime = 1 if self.lifetime is None and self.kind == "hire" else self.lifetime
        return first <= year and (lifetime is None or year - first < lifetime)


@dataclass(frozen=True)
class Policies:
    min_double_qualified_share: Series | None = None
    max_external_ratio: Series | None = None


@dataclass(frozen=True)
class FundingSource:
    name: str
    per_year: Series
    funds: tuple[str, ...]


@dataclass(frozen=True)
class Institution:
    name: str
    tiers: tuple[str, ...]
    teachers: dict[str, float]
    intake: dict[str, float]
    max_intake: dict[str, float]
    training_seats: float = 0.0
    policies: Policies = Policies()


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    changes: dict[str, Any]


@dataclass(frozen=True)
class Config:
    """A validated planning config.

    Build one with :func:`optimiser.load_config`; derive variants with
    :meth:`with_changes` and :meth:`scenario`, which validate again and leave
    this object unchanged.
    """

    name: str
    horizon: Horizon
    objective: Objective
    courses: dict[str, float]
    tiers: dict[str, Tier]
    groups: dict[str, TeacherGroup]
    levers: dict[str, Lever]
    policies: Policies
    funding: dict[str, FundingSource]
    institutions: tuple[Institution, ...]
    scenarios: dict[str, Scenario]
    discount_rate: float = 0.0
    total_budget: float | None = None
    source: Path | None = None
    scenario_name: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    warnings: tuple[str, ...] = ()
    _locations: dict[tuple[Any, ...], tuple[str, int]] = field(default_factory=dict, repr=False, compare=False)
    """Where each key was written (file and line); read it with :func:`optimiser.config.load.locations_of`."""

    @property
    def years(self) -> range:
        return self.horizon.range

    def discount(self, year: int) -> float:
        """Weight of output in ``year``: (1 + r) ** -(year - start)."""
        return float((1.0 + self.discount_rate) ** -(year - self.horizon.start))

    def with_changes(self, changes: dict[str, Any]) -> Config:
        """A new validated config with dotted key paths set to new values.

        >>> cfg = load_config("configs/zhejiang.yaml")  # doctest: +SKIP
        >>> lean = cfg.with_changes({"funding.government.per_year": 1e7})  # doctest: +SKIP
        """
        from .load import apply_changes

        return apply_changes(self, changes, label="with_changes")

    def scenario(self, name: str) -> Config:
        """The config with scenario ``name``'s changes applied (``base``: unchanged).

        >>> cfg = load_config("configs/zhejiang.yaml")  # doctest: +SKIP
        >>> cfg.scenario("austerity").funding["government"].per_year.at(2025)  # doctest: +SKIP
        3000000.0
        """
        from .load import apply_scenario

        return apply_scenario(self, name)
