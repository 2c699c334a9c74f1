"""The config schema, declared once.

Every key a config may hold is described here: its type, whether it is
required, its default, the range it must stay in (with the words a message
uses for it), its meaning in a sentence and, for a lever, the kinds that
accept it. From this one declaration come

* the key sets, required keys, defaults and ranges that
  :mod:`optimiser.config.validate` checks (its messages are unchanged: the
  :class:`~optimiser.config.checker.Checker` still reports every problem with
  file, line, key path, value, fix and "did you mean");
* the README's config reference tables (:func:`reference_markdown`, written
  between two marker comments by ``scripts/readme_reference.py``);
* the JSON Schema (draft 2020-12) that ``optimiser schema`` prints, for
  editors that complete and check keys while a planner types
  (:func:`json_schema`);
* the words people read (key meanings, expected values, ranges and
  reasons) that the translation catalog holds (:func:`schema_texts`).

Rules between keys (a lever's ``group`` names a declared teacher group, an
intake does not exceed its cap, ...) stay in :mod:`~optimiser.config.validate`;
the JSON Schema checks shapes, keys and ranges only.

Why a declaration of our own rather than pydantic models. Every command
validates its config, so the schema's library loads on every run; pydantic v2
with only four small models adds about a fifth of the time Python needs to
import numpy, yaml, highspy and pandas (``benchmarks/schema_library.py``),
against a command-line goal of 1.3 times that floor, while this module and its
checks add nothing measurable. The messages a planner reads would not come
from the library either: each names the YAML line of the key or of one year of
a series, the expected value in the planner's units, the reason for a range and
a close key name, in English or Chinese, all in one pass; pydantic's errors
would each be rewritten from their location and type. What the library would
give (frozen objects, unknown keys refused, a JSON Schema) the declaration
below gives: :mod:`~optimiser.config.types` holds frozen dataclasses, the
checker refuses unknown keys with "did you mean", and :func:`json_schema` is
tested against every shipped config with the ``jsonschema`` library.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .checker import Range
from .types import COURSES

LEVER_KINDS: tuple[str, ...] = ("hire", "convert", "build", "subsidise")
DELAYED_KINDS: tuple[str, ...] = ("hire", "convert", "build")
OBJECTIVE_MODES: tuple[str, ...] = ("max_output", "min_cost")
DISTRIBUTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "uniform": (("low", "high"), ()),
    "triangular": (("low", "mode", "high"), ()),
    "normal": (("mean", "sd", "low", "high"), ()),
    "lognormal": (("sigma",), ("median", "mean", "low", "high")),
}
"""Distribution of an uncertain value (:mod:`optimiser.config.uncertainty`) -> (required keys, optional keys)."""
NOT_REPLACED = "none"
"""``replaced_by: none``: leavers are not replaced."""

MONEY = "a non-negative number of yuan"
FIRST_YEAR, LAST_YEAR = 1900, 2200
YEAR = f"a year from {FIRST_YEAR} to {LAST_YEAR}, such as 2025"
MAX_YEARS = 100
SHARE = "a share between 0 and 1"

# Further ranges, each refused with its reason. Most are ranges a planner never
# leaves: values outside them are typing mistakes or unit mix-ups, and would reach
# the solver as coefficients it cannot weigh against the others. Attrition, induced
# intake and smooth stay below 1 because the model means nothing sensible at 1.
HOURS_IN_A_YEAR = 8760
MAX_DURATION = 20
TEACHING_HOURS = Range(
    "at most 8,760 teaching hours per teacher and year",
    "a year has 8,760 hours, and a full teaching load is a few hundred",
    high=HOURS_IN_A_YEAR,
)
STUDENT_HOURS = Range(
    "at most 8,760 hours per student and year",
    "a year has 8,760 hours, and a course type takes a few hundred of a student's year",
    high=HOURS_IN_A_YEAR,
)
SEAT_HOURS = Range(
    "at most 8,760 training hours per seat and year",
    "a year has 8,760 hours, and a seat in use every working day gives about 1,200",
    high=HOURS_IN_A_YEAR,
)
CLASS_SIZE = Range(
    "at least 1 student per class",
    "a class has at least one student, and a smaller size multiplies the teaching hours it needs",
    low=1.0,
)
DURATION = Range(
    f"a whole number of years of study from 1 to {MAX_DURATION}",
    "no programme of study lasts longer",
    high=MAX_DURATION,
)
COMPLETION = Range(
    "0, or a share from 0.001 to 1",
    "a positive completion rate below one in a thousand is no real programme's, "
    "and output that small is lost in the solver's tolerances",
    low=1e-3,
)
WEIGHT = Range(
    "0, or a value per graduate from 0.001 to 1,000,000",
    "weights are relative values (such as 1 for basic, 2.6 for senior) or yuan per graduate; "
    "outside this range one tier outweighs the others beyond what the solver can tell apart",
    low=1e-3,
    high=1e6,
)
ATTRITION = Range(
    "a yearly share leaving below 1",
    "a share of 1 or more would mean every teacher leaves every year; write 4 % as 0.04",
    high=1.0,
    high_open=True,
)
INDUCED_INTAKE = Range(
    "a number of extra enrolments per subsidised place below 1",
    "at 1 or more each place would bring a whole student or more, so subsidised places could exceed the cohort they belong to",
    high=1.0,
    high_open=True,
)
SMOOTH = Range(
    "true, false or a share below 1",
    "it is the share of output given up for a steadier plan, and 1 or more gives up all of it; write 1 % as 0.01",
    high=1.0,
    high_open=True,
)
HIRE_LIFETIME = Range(
    f"a whole number of years from 1 to {MAX_YEARS}",
    f"{MAX_YEARS} years is the longest horizon; leave lifetime out for 1 year (a unit serves the year it is hired)",
    high=MAX_YEARS,
)
PRICE = Range(
    "0, or at least 0.01 yuan (one fen) per unit",
    "the solver holds money in thousands of yuan and takes an amount below a millionth of one for zero, so units "
    "of a smaller price would be bought as if free while the plan's money showed nothing paid for them",
    low=0.01,
)
LIFETIME = Range(
    f"a whole number of years from 1 to {MAX_YEARS}",
    f"{MAX_YEARS} years is the longest horizon; leave lifetime out for units that last to the horizon's end",
    high=MAX_YEARS,
)

TYPES = (
    "text", "number", "flag", "series", "section", "named", "amounts", "names", "name", "choice", "smooth",
    "institutions", "changes", "uncertainty",
)
"""What a key holds:

``text`` non-empty text; ``number`` a number within the key's limits; ``flag``
true or false; ``series`` a number or ``{year: number}``; ``section`` a
mapping with the keys of ``of``; ``named`` a mapping from names the planner
chooses to items with the keys of ``of``; ``amounts`` a mapping from declared
names to values like ``item``; ``names`` a list of declared names (one name
alone is read as a list of one); ``name`` one declared name; ``choice`` one of
``choices``; ``smooth`` true, false or a number; ``institutions`` a list of
items with the keys of ``of``, or ``{file: path}``; ``changes`` a mapping from
dotted key paths to values; ``uncertainty`` a mapping from dotted key paths to
distributions.
"""


@dataclass(frozen=True)
class Key:
    """One config key."""

    name: str
    type: str
    meaning: str
    required: bool = False
    default: Any = None
    """The value taken when the key is left out (``None``: no value)."""
    shown: str | None = None
    """The default as the reference shows it, where the value alone says too little."""
    what: str = ""
    """The expected value as a message names it ("a non-negative number of yuan")."""
    low: float | None = 0.0
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    integer: bool = False
    within: Range | None = None
    blank: bool = False
    """An empty value (``key:`` with nothing after it) means the key is left out."""
    of: Section | None = None
    item: Key | None = None
    choices: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    """Lever keys: the kinds that accept the key (``()``: every kind)."""
    required_for: tuple[str, ...] = ()
    """Lever keys: the kinds that require it."""
    field: str | None = None
    """The field of the validated object, where its name differs from the key's."""

    def limits(self, what: str | None = None) -> dict[str, Any]:
        """Keyword arguments for :meth:`Checker.number <optimiser.config.checker.Checker.number>`."""
        return {
            "what": what or self.what, "low": self.low, "high": self.high, "low_open": self.low_open,
            "high_open": self.high_open, "integer": self.integer, "within": self.within, "share": self.takes_share,
        }

    @property
    def takes_share(self) -> bool:
        """Whether the key holds a share or a ratio (25 % written 0.25): its upper limit is 1 or below, or its
        expected value says share or ratio."""
        high, _high_open = _upper_bound(self)
        return (high is not None and high <= 1) or any(word in self.what + self.name for word in ("share", "ratio"))

    @property
    def attribute(self) -> str:
        return self.field or self.name


@dataclass(frozen=True)
class Section:
    """The keys of one mapping in a config; ``title`` names its table in the README."""

    name: str
    keys: tuple[Key, ...]
    title: str = ""
    intro: str = ""
    note: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(key.name for key in self.keys)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(key.name for key in self.keys if key.required)

    def __getitem__(self, name: str) -> Key:
        for key in self.keys:
            if key.name == name:
                return key
        raise KeyError(name)

    def default(self, name: str) -> Any:
        return self[name].default

    # Lever sections: which keys each kind accepts and requires.
    def common(self) -> tuple[str, ...]:
        return tuple(key.name for key in self.keys if not key.kinds)

    def for_kind(self, kind: str) -> tuple[str, ...]:
        """The keys only some kinds accept, that ``kind`` does."""
        return tuple(key.name for key in self.keys if kind in key.kinds)

    def required_by(self, kind: str) -> tuple[str, ...]:
        return tuple(key.name for key in self.keys if kind in key.required_for)


def _number(name: str, meaning: str, what: str, **limits: Any) -> Key:
    return Key(name, "number", meaning, what=what, **limits)


def _series(name: str, meaning: str, what: str, **limits: Any) -> Key:
    limits.setdefault("blank", True)
    return Key(name, "series", meaning, what=what, **limits)


# -- sections, innermost first ------------------------------------------

HORIZON = Section("horizon", (
    _number("start", "the first planning year", YEAR, required=True, low=FIRST_YEAR, high=LAST_YEAR, integer=True),
    _number("years", "the number of planning years", f"a whole number of years from 1 to {MAX_YEARS}",
            required=True, low=1, high=MAX_YEARS, integer=True),
))

CLASS = Section("course", (
    _number("class_size", "students per class", "a positive number of students", required=True, low_open=True,
            within=CLASS_SIZE),
))

COURSE_SECTION = Section("courses", tuple(
    Key(course, "section", f"the {course} course type", required=True, of=CLASS, what="a mapping {class_size: students}")
    for course in COURSES
))

TIER_HOURS = Section("hours", tuple(
    _number(course, f"{course} hours per student and year", "a non-negative number of hours per student and year",
            required=True, within=STUDENT_HOURS)
    for course in COURSES
))

POLICIES = Section("policies", (
    _series("min_double_qualified_share",
            "series: practice-qualified in-house teachers ≥ share × all in-house teachers "
            "(e.g. 0.5: \"above half\", 国发〔2019〕4号)", SHARE, high=1.0),
    _series("max_external_ratio", "series: external teachers ≤ ratio × in-house teachers (e.g. 0.25, 教发〔2004〕2号)",
            "a non-negative ratio of external to in-house teachers"),
), title="`policies`", note="An institution's own `policies` replace these values there. `validate` warns about a "
   "`max_external_ratio` above 1 (more external than in-house teachers), most likely a percentage: 25 % is written 0.25.")

OBJECTIVE = Section("objective", (
    Key("mode", "choice", "`max_output`: maximise weighted compound graduates; `min_cost`: minimise total cost "
        "subject to `targets`", default="max_output", choices=OBJECTIVE_MODES),
    Key("tie_break", "flag", "then a second solve picks among the optimal plans: in `max_output` mode the cheapest "
        "plan with the same output, in `min_cost` mode the plan with the most weighted output at the least cost",
        default=True),
    Key("smooth", "smooth", "a last solve picks the steadiest plan (least year-to-year change in what each lever "
        "starts) with that output and cost: `true` keeps output within 1e-7 of the optimum, `false` skips the solve, "
        "a share 0 ≤ s < 1 (e.g. `0.01`) gives up that share of output for a steadier plan", default=True,
        what="true, false or a share of output to give up for a steadier plan (such as 0.01)", within=SMOOTH),
    Key("targets", "amounts", "`min_cost` only (required there): `{tier: series}`, annual compound output to reach, "
        "summed over institutions", shown="—",
        item=_series("target", "annual compound output", "a non-negative number of compound graduates per year")),
), title="`objective`")

TIER = Section("tier", (
    _number("duration", "years of study (whole number, 1–20)", "a whole number of years of study, at least 1",
            required=True, low=1, integer=True, within=DURATION),
    Key("hours", "section", "`{knowledge, practice, training}`: hours per student and year of each course type "
        "(at most 8,760, the hours in a year)", required=True, of=TIER_HOURS),
    _number("completion_rate", "share of students who graduate: 0, or 0.001–1", SHARE, default=1.0, high=1.0,
            within=COMPLETION),
    _number("weight", "value of one compound graduate of this tier in the objective: 0, or 0.001–1,000,000",
            "a non-negative value per graduate", default=1.0, within=WEIGHT),
    _series("demand", "series: annual cap on this tier's compound output (all institutions)",
            "a non-negative number of graduates per year"),
), title="`tiers.<name>`")

GROUP = Section("teacher_group", (
    Key("qualified", "names", "list of course types the group may teach (`[]` for \"three no\" teachers)",
        required=True, choices=COURSES),
    _number("hours", "teaching hours per teacher and year (> 0, at most 8,760)",
            "a positive number of teaching hours per year", required=True, low_open=True, within=TEACHING_HOURS),
    Key("external", "flag", "external (part-time, from enterprises) rather than in-house", default=False),
    _number("attrition", "share of the group leaving each year, 0 ≤ a < 1 (write 4 % as 0.04)",
            "a non-negative yearly share of the group leaving", default=0.0, within=ATTRITION),
    Key("replaced_by", "name", "the teacher group whose new teachers replace the leavers, or `none` (leavers are not "
        "replaced); replacement cycles are allowed", shown="the group itself"),
), title="`teacher_groups.<name>`")

UNITS = "a non-negative number of units per year"
PLACES = "a non-negative number of subsidised places per year"

LEVER_KIND_MEANINGS: dict[str, str] = {
    "hire": "one unit is one teacher of `group` for `lifetime` years (a whole number, 1–100), at `cost` yuan a year "
            "while employed plus `upfront` yuan once, in the year of recruitment",
    "convert": "one unit moves one in-house teacher from `from` to `to` for `lifetime` years; in its first year the "
               "teacher loses `away` of their hours; at most `max_share_per_year` × in-house teachers at start may "
               "start per year and institution",
    "build": "one unit adds `seats_per_unit` training seats of `seat_hours` student hours a year; `capex` in its build "
             "year, `opex` every active year (build year included)",
    "subsidise": "one unit is a subsidised place in a tier's entering cohort, paid `cost` every year of study; each "
                 "place brings `induced_intake` extra enrolments (below 1: a place bringing a whole student or more "
                 "could make places exceed their cohort)",
}

LEVER = Section("lever", (
    Key("kind", "choice", "what one unit of the lever is: " + ", ".join(f"`{k}`" for k in LEVER_KINDS),
        required=True, choices=LEVER_KINDS),
    _number("cost", "yuan per unit: a year while a hire is employed, once per conversion, every year of study of a "
            "subsidised place", MONEY, within=PRICE, kinds=("hire", "convert", "subsidise"),
            required_for=("hire", "convert", "subsidise"), default=0.0),
    Key("group", "name", "the teacher group hired", kinds=("hire",), required_for=("hire",)),
    _number("upfront", "yuan once per hire, in the year of recruitment", MONEY, within=PRICE, kinds=("hire",), default=0.0),
    _number("lifetime", "years a unit stays active (whole number, 1–100)", "a whole number of years, at least 1",
            low=1, integer=True, within=LIFETIME, blank=True, kinds=DELAYED_KINDS,
            shown="1 (hire); to the horizon's end (convert, build)"),
    _number("delay", "whole years from a unit's start (when its `capex` or `upfront` is paid) to its first active year "
            "(0–100)", f"a whole number of years from 0 to {MAX_YEARS}", high=MAX_YEARS, integer=True,
            kinds=DELAYED_KINDS, default=0),
    Key("from", "name", "the in-house teacher group a converted teacher leaves", kinds=("convert",),
        required_for=("convert",), field="source_group"),
    Key("to", "name", "the in-house teacher group a converted teacher joins", kinds=("convert",),
        required_for=("convert",), field="target_group"),
    _number("away", "share of the year's hours a converted teacher loses in the first year",
            SHARE + " (share of the year's hours lost)", high=1.0, kinds=("convert",), default=0.0),
    _number("max_share_per_year", "at most this share × in-house teachers at start may start per year and institution",
            SHARE + " of in-house teachers", high=1.0, kinds=("convert",)),
    _number("seats_per_unit", "training seats one unit adds", "a positive number of seats", low_open=True,
            kinds=("build",), default=1.0),
    _number("seat_hours", "student training hours per seat and year (at most 8,760)",
            "a positive number of training hours per seat and year", low_open=True, within=SEAT_HOURS,
            kinds=("build",), default=1200.0),
    _number("capex", "yuan per unit in its build year", MONEY, within=PRICE, kinds=("build",), required_for=("build",), default=0.0),
    _number("opex", "yuan per unit every active year (build year included)", MONEY, within=PRICE, kinds=("build",), default=0.0),
    Key("tiers", "names", "the tiers whose entering cohorts get subsidised places", kinds=("subsidise",),
        required_for=("subsidise",), default=()),
    _number("induced_intake", "extra enrolments each subsidised place brings (below 1)",
            "a non-negative number of extra enrolments per subsidised place", within=INDUCED_INTAKE,
            kinds=("subsidise",), default=0.0),
    _series("min_per_year", "series: units started per year and institution, at least (subsidies: places summed over "
            "tiers)", UNITS),
    _series("max_per_year", "series: units started per year and institution, at most (subsidies: places summed over "
            "tiers)", UNITS),
    _series("region_max_per_year", "series: units started per year, all institutions together", UNITS),
    _number("max_total", "units over the whole horizon, all institutions", "a non-negative number of units over the "
            "horizon", blank=True),
    _number("available_from", "first year the lever can be used", YEAR, low=FIRST_YEAR, high=LAST_YEAR,
            integer=True, blank=True),
    Key("integer", "flag", "`true`: whole units only (the plan becomes a MILP)", default=False),
    Key("institutions", "names", "list of institution names the lever applies to", blank=True,
        shown="all institutions"),
), title="`levers.<name>`", intro="Every lever has a `kind`, which chooses the keys it accepts. Kinds:",
    note="Without a `lifetime`, a converted teacher or a built seat lasts to the end of the horizon. A `delay` is an "
         "error on a subsidise lever; `validate` warns when a delay puts a unit's first active year after the horizon. "
         "A lever that no funding source may pay for can only stay at zero; `validate` warns about it.")

FUNDING = Section("funding_source", (
    _series("per_year", "series: yuan available each year", MONEY + " per year", required=True, blank=False),
    Key("funds", "names", "`all`, or a list of lever names this source may pay for", required=True),
), title="`funding.<source>`")

INSTITUTION = Section("institution", (
    Key("name", "text", "unique name", required=True, what="the institution's name as text"),
    Key("tiers", "names", "tiers this institution offers", shown="all tiers", blank=True),
    Key("teachers", "amounts", "`{group: teachers at start}`; a group left out has 0 (`validate` warns for in-house "
        "groups: write `group: 0` to say so)", required=True, blank=True,
        item=_number("teachers", "teachers at start", "a non-negative number of teachers")),
    Key("intake", "amounts", "`{tier: baseline annual intake}` for every tier offered (also every cohort before the "
        "start)", required=True, blank=True,
        item=_number("intake", "baseline annual intake", "a non-negative number of students per year")),
    Key("max_intake", "amounts", "`{tier: cap on annual intake}` (≥ intake)", blank=True,
        item=_number("max_intake", "cap on annual intake", "a non-negative number of students per year")),
    _number("training_seats", "training seats at start (each gives the `seat_hours` of the first build lever, or 1200)",
            "a non-negative number of seats", default=0.0),
    Key("policies", "section", "overrides of `min_double_qualified_share` / `max_external_ratio`", of=POLICIES,
        blank=True),
), title="`institutions` (each item)")

SCENARIO = Section("scenario", (
    Key("description", "text", "what the scenario changes", what="a description as text", default=""),
    Key("set", "changes", "dotted key paths and their new values", required=True),
))

TOP = Section("config", (
    Key("name", "text", "the plan's name", required=True, what="the plan's name as text"),
    Key("horizon", "section", "`{start: 2025, years: 6}`: planning years `start … start+years−1`; `years ≥ 1`",
        required=True, of=HORIZON),
    _number("discount_rate", "output in year t is weighted by `(1+r)^−(t−start)`; 0 ≤ r ≤ 1", "a rate between 0 and 1",
            high=1.0, default=0.0),
    Key("objective", "section", "what the plan optimises, see below", of=OBJECTIVE, blank=True),
    Key("courses", "section", "`knowledge`, `practice`, `training`, each `{class_size: students}` (> 0)",
        required=True, of=COURSE_SECTION),
    Key("tiers", "named", "talent tiers by name (e.g. basic, professional, senior), see below", required=True, of=TIER),
    Key("teacher_groups", "named", "teacher groups by name, see below", required=True, of=GROUP),
    Key("levers", "named", "levers by name, see below", of=LEVER, blank=True),
    Key("policies", "section", "province-wide policy limits, see below", of=POLICIES, blank=True),
    Key("funding", "named", "funding sources by name, see below", of=FUNDING, blank=True),
    _number("total_budget", "cap on all spending over the horizon, yuan", MONEY, blank=True),
    Key("institutions", "institutions", "a list of institutions, or `{file: institutions.csv}` (path relative to the "
        "config)", required=True, of=INSTITUTION),
    Key("scenarios", "named", "named variants, see `scenarios.<name>`", of=SCENARIO, blank=True),
    Key("uncertainty", "uncertainty", "distributions on numeric key paths, for `optimiser montecarlo`", blank=True),
), title="Top level")

REFERENCE_SECTIONS: tuple[Section, ...] = (TOP, OBJECTIVE, TIER, GROUP, LEVER, POLICIES, FUNDING, INSTITUTION)
"""The sections with a table in the README's config reference, in order."""


def sections() -> tuple[Section, ...]:
    """Every section, each once, outermost first."""
    found: list[Section] = []

    def walk(section: Section) -> None:
        if any(section is seen for seen in found):
            return
        found.append(section)
        for key in section.keys:
            if key.of is not None:
                walk(key.of)

    walk(TOP)
    return tuple(found)


def schema_texts() -> list[str]:
    """The words of the config schema that people read, each once: key meanings, expected values, ranges and reasons.

    They are declared here as plain text (the README's reference and the JSON Schema use
    them in English); ``scripts/translations.py`` adds them to the catalog, and messages and
    ``optimiser init`` look them up with :func:`~optimiser.i18n._`.
    """
    found: dict[str, None] = {}

    def add(text: str) -> None:
        if text:
            found.setdefault(text, None)

    def key_texts(key: Key) -> None:
        add(key.meaning)
        add(key.what)
        if key.within is not None:
            add(key.within.what)
            add(key.within.why)
        if key.item is not None:
            key_texts(key.item)

    for section in sections():
        for key in section.keys:
            key_texts(key)
    for text in (*LEVER_KIND_MEANINGS.values(), UNITS, PLACES, MONEY, SHARE, YEAR, HIRE_LIFETIME.what, HIRE_LIFETIME.why):
        add(text)
    return list(found)


# -- the README's reference ---------------------------------------------

BEGIN_MARK = "<!-- BEGIN config reference: generated from optimiser/config/schema.py by scripts/readme_reference.py -->"
END_MARK = "<!-- END config reference -->"


def _default_text(key: Key, kinds: tuple[str, ...] = ()) -> str:
    if key.required:
        return "required"
    if kinds and set(kinds) <= set(key.required_for):
        return "required"
    if key.shown is not None:
        return key.shown
    value = key.default
    if value is None or value == () or value == "":
        return "none"
    if isinstance(value, bool):
        return f"`{'true' if value else 'false'}`"
    if isinstance(value, float) and value.is_integer():
        return f"`{int(value)}`"
    return f"`{value}`"


def _table(section: Section) -> list[str]:
    lines = ["| key | default | meaning |", "|---|---|---|"]
    lines += [f"| `{key.name}` | {_default_text(key)} | {key.meaning} |" for key in section.keys]
    return lines


def _lever_tables(section: Section) -> list[str]:
    lines = ["| kind | required keys | meaning |", "|---|---|---|"]
    for kind in LEVER_KINDS:
        required = ", ".join(f"`{name}`" for name in section.required_by(kind))
        lines.append(f"| `{kind}` | {required} | {LEVER_KIND_MEANINGS[kind]} |")
    lines += ["", "Keys, with the kinds that accept them:", "", "| key | kinds | default | meaning |", "|---|---|---|---|"]
    for key in section.keys:
        kinds = ", ".join(key.kinds) if key.kinds else "all"
        lines.append(f"| `{key.name}` | {kinds} | {_default_text(key, key.kinds)} | {key.meaning} |")
    return lines


def reference_markdown() -> str:
    """The README's config reference tables, between (and with) the two marker lines."""
    lines = [BEGIN_MARK]
    for section in REFERENCE_SECTIONS:
        lines += ["", f"### {section.title}", ""]
        if section.intro:
            lines += [section.intro, ""]
        lines += _lever_tables(section) if section is LEVER else _table(section)
        if section.note:
            lines += ["", section.note]
    lines += ["", END_MARK]
    return "\n".join(lines) + "\n"


def with_reference(readme: str) -> str:
    """``readme`` with the text between the markers replaced by :func:`reference_markdown`."""
    start, end = readme.index(BEGIN_MARK), readme.index(END_MARK) + len(END_MARK) + 1
    return readme[:start] + reference_markdown() + readme[end:]


# -- JSON Schema ----------------------------------------------------------

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _bounds(key: Key) -> dict[str, Any]:
    """The number's limits, with the further range ``within`` folded in."""
    high, high_open = _upper_bound(key)
    out: dict[str, Any] = {"type": "integer" if key.integer else "number"}
    if high is not None:
        out["exclusiveMaximum" if high_open else "maximum"] = high
    low, low_open, within = key.low, key.low_open, key.within
    if within is not None and within.low is not None:
        if low == 0 and not low_open:  # 0 stays allowed, positive values below within.low are refused
            return {**out, "anyOf": [{"const": 0}, {"minimum": within.low}]}
        low, low_open = max(low or 0.0, within.low), False
    if low is not None:
        out["exclusiveMinimum" if low_open else "minimum"] = low
    return out


def _upper_bound(key: Key) -> tuple[float | None, bool]:
    """The key's upper limit and whether it is open, lowered to ``within``'s when that is tighter."""
    high, high_open, within = key.high, key.high_open, key.within
    if within is not None and within.high is not None and (high is None or within.high <= high):
        return within.high, within.high_open or (high_open and within.high == high)
    return high, high_open


def _series_schema(key: Key, refs: dict[str, str]) -> dict[str, Any]:
    number = _bounds(key)
    return {"anyOf": [number, {
        "type": "object", "minProperties": 1, "propertyNames": {"pattern": "^[0-9]+$"}, "additionalProperties": number,
    }]}


def _names_schema(key: Key, refs: dict[str, str]) -> dict[str, Any]:
    name: dict[str, Any] = {"enum": list(key.choices)} if key.choices else {"type": "string"}
    return {"anyOf": [name, {"type": "array", "items": name, "uniqueItems": True}]}


def _uncertainty_schema(key: Key, refs: dict[str, str]) -> dict[str, Any]:
    options = []
    for dist, (required, optional) in DISTRIBUTIONS.items():
        keys = {name: {"type": "number"} for name in required + optional}
        options.append({
            "type": "object", "properties": {"dist": {"const": dist}, **keys}, "required": ["dist", *required],
            "additionalProperties": False,
        })
    return {"type": "object", "additionalProperties": {"oneOf": options}}


def _institutions_schema(key: Key, refs: dict[str, str]) -> dict[str, Any]:
    assert key.of is not None
    return {"anyOf": [
        {"type": "array", "minItems": 1, "items": {"$ref": refs[key.of.name]}},
        {"type": "object", "properties": {"file": {"type": "string", "description": "a CSV file, relative to the config"}},
         "required": ["file"], "additionalProperties": False},
    ]}


def _ref(key: Key, refs: dict[str, str]) -> dict[str, Any]:
    assert key.of is not None
    return {"$ref": refs[key.of.name]}


def _named_schema(key: Key, refs: dict[str, str]) -> dict[str, Any]:
    return {"type": "object", "propertyNames": {"minLength": 1}, "additionalProperties": _ref(key, refs)}


def _amounts_schema(key: Key, refs: dict[str, str]) -> dict[str, Any]:
    assert key.item is not None
    return {"type": "object", "additionalProperties": _key_schema(key.item, refs)}


_SCHEMAS: dict[str, Any] = {
    "text": lambda key, refs: {"type": "string", "minLength": 1},
    "number": lambda key, refs: _bounds(key),
    "flag": lambda key, refs: {"type": "boolean"},
    "series": _series_schema,
    "section": _ref,
    "named": _named_schema,
    "amounts": _amounts_schema,
    "names": _names_schema,
    "name": lambda key, refs: {"type": "string"},
    "choice": lambda key, refs: {"enum": list(key.choices)},
    "smooth": lambda key, refs: {"anyOf": [{"type": "boolean"}, _bounds(key)]},
    "institutions": _institutions_schema,
    "changes": lambda key, refs: {"type": "object", "propertyNames": {"minLength": 1}},
    "uncertainty": _uncertainty_schema,
}
"""The JSON Schema of each key type in :data:`TYPES`."""


def _key_schema(key: Key, refs: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = _SCHEMAS[key.type](key, refs)
    if key.blank:
        out = {"anyOf": [out, {"type": "null"}]}
    described: dict[str, Any] = {"description": key.meaning}
    if key.default is not None and key.default != () and not key.required:
        described["default"] = list(key.default) if isinstance(key.default, tuple) else key.default
    return {**described, **out}


def _section_schema(section: Section, refs: dict[str, str], names: tuple[str, ...] | None = None,
                    required: tuple[str, ...] | None = None, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    names = section.names if names is None else names
    properties = {key.name: _key_schema(key, refs) for key in section.keys if key.name in names}
    properties.update(extra or {})
    return {
        "type": "object", "properties": properties, "required": list(section.required if required is None else required),
        "additionalProperties": False,
    }


def _lever_schema(refs: dict[str, str]) -> dict[str, Any]:
    options = []
    for kind in LEVER_KINDS:
        names = tuple(key.name for key in LEVER.keys if not key.kinds or kind in key.kinds)
        option = _section_schema(LEVER, refs, names, ("kind", *LEVER.required_by(kind)),
                                 {"kind": {"const": kind, "description": LEVER_KIND_MEANINGS[kind]}})
        options.append({"title": f"{kind} lever", **option})
    return {"type": "object", "required": ["kind"], "properties": {"kind": {"enum": list(LEVER_KINDS)}}, "oneOf": options}


SCHEMA_FILE = "config.schema.json"
"""The JSON Schema shipped beside this module (``optimiser schema --path`` prints where it is installed)."""


def schema_path() -> Path:
    """The JSON Schema file shipped in the package, written from :func:`json_schema` by ``scripts/readme_reference.py``."""
    return Path(__file__).resolve().with_name(SCHEMA_FILE)


def schema_text() -> str:
    """The JSON Schema as the shipped file holds it: indented, Chinese kept as written, a final newline."""
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a config file.

    Series keys take a number or a ``{year: value}`` mapping; a lever's
    ``kind`` chooses the keys it accepts (one ``oneOf`` branch per kind).
    """
    refs = {section.name: f"#/$defs/{section.name}" for section in sections()}
    defs = {section.name: _section_schema(section, refs) for section in sections() if section is not TOP}
    defs[LEVER.name] = _lever_schema(refs)
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": "optimiser config",
        "description": "An educator workforce planning config (YAML). Generated by `optimiser schema`.",
        **_section_schema(TOP, refs),
        "$defs": defs,
    }
