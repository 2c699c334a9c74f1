"""Turn raw config data into a validated :class:`~optimiser.config.types.Config`.

Every rule of the config contract is checked here, once. Problems are
collected, not raised one by one, so a planner sees everything wrong with a
file in a single run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .checker import Checker, KeyPath, Locations, Range, choices, listing, show
from .types import (
    COURSES,
    Config,
    FundingSource,
    Horizon,
    Institution,
    Lever,
    Objective,
    Policies,
    Scenario,
    Series,
    TeacherGroup,
    Tier,
)

TOP_KEYS = (
    "name", "horizon", "discount_rate", "objective", "courses", "tiers", "teacher_groups",
    "levers", "policies", "funding", "total_budget", "institutions", "scenarios", "uncertainty",
)
REQUIRED_TOP = ("name", "horizon", "courses", "tiers", "teacher_groups", "institutions")
LEVER_KINDS = ("hire", "convert", "build", "subsidise")
COMMON_LEVER_KEYS = (
    "kind", "min_per_year", "max_per_year", "region_max_per_year", "max_total",
    "available_from", "integer", "institutions",
)
KIND_KEYS: dict[str, tuple[str, ...]] = {
    "hire": ("group", "cost", "upfront", "lifetime", "delay"),
    "convert": ("from", "to", "cost", "away", "lifetime", "max_share_per_year", "delay"),
    "build": ("seats_per_unit", "seat_hours", "capex", "opex", "lifetime", "delay"),
    "subsidise": ("tiers", "cost", "induced_intake"),
}
KIND_REQUIRED: dict[str, tuple[str, ...]] = {
    "hire": ("group", "cost"),
    "convert": ("from", "to", "cost"),
    "build": ("capex",),
    "subsidise": ("tiers", "cost"),
}
POLICY_KEYS = ("min_double_qualified_share", "max_external_ratio")
INSTITUTION_KEYS = ("name", "tiers", "teachers", "intake", "max_intake", "training_seats", "policies")

MONEY = "a non-negative number of yuan"
FIRST_YEAR, LAST_YEAR = 1900, 2200
YEAR = f"a year from {FIRST_YEAR} to {LAST_YEAR}, such as 2025"
MAX_YEARS = 100
SHARE = "a share between 0 and 1"
NOT_REPLACED = "none"
"""``replaced_by: none``: leavers are not replaced."""

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
DELAYED_KINDS = ("hire", "convert", "build")
HIRE_LIFETIME = Range(
    f"a whole number of years from 1 to {MAX_YEARS}",
    f"{MAX_YEARS} years is the longest horizon; leave lifetime out for 1 year (a unit serves the year it is hired)",
    high=MAX_YEARS,
)
LIFETIME = Range(
    f"a whole number of years from 1 to {MAX_YEARS}",
    f"{MAX_YEARS} years is the longest horizon; leave lifetime out for units that last to the horizon's end",
    high=MAX_YEARS,
)


def build_config(
    raw: Any,
    locations: Locations,
    file: str | None,
    *,
    scenario_name: str | None = None,
    check_scenarios: bool = True,
) -> Config:
    """Validate ``raw`` (parsed YAML) and return the frozen config, or raise :class:`ConfigError`."""
    check = Checker(file, locations)
    config = _read(raw, check, file, scenario_name)
    if check.problems or config is None:
        raise ConfigError(sorted(check.problems, key=lambda p: (p.file or "", p.line or 0)))
    object.__setattr__(config, "_locations", locations)
    if check_scenarios:
        from .load import scenario_problems

        problems = scenario_problems(config)
        if problems:
            raise ConfigError(problems)
    return config


def _read(raw: Any, check: Checker, file: str | None, scenario_name: str | None) -> Config | None:
    top = check.mapping(raw, (), TOP_KEYS, REQUIRED_TOP, what="a mapping of config sections (name, horizon, ...)")
    if top is None:
        return None
    name = check.text(top.get("name"), ("name",), "the plan's name as text") if "name" in top else None
    horizon = _horizon(top.get("horizon"), check) if "horizon" in top else None
    discount = 0.0
    if "discount_rate" in top:
        discount = check.number(top["discount_rate"], ("discount_rate",), what="a rate between 0 and 1", high=1.0) or 0.0
    courses = _courses(top.get("courses"), check) if "courses" in top else {}
    tiers = _tiers(top.get("tiers"), check) if "tiers" in top else {}
    groups = _groups(top.get("teacher_groups"), check) if "teacher_groups" in top else {}
    # References are checked against every declared name, so one mistake
    # inside a definition is not reported again at each place it is used.
    tier_names = list(_declared(top.get("tiers")))
    group_names = list(_declared(top.get("teacher_groups")))
    lever_names = list(_declared(top.get("levers")))
    levers = _levers(top.get("levers"), check, tier_names, group_names, groups)
    policies = _policies(top.get("policies"), ("policies",), check)
    funding = _funding(top.get("funding"), check, lever_names)
    total_budget = None
    if top.get("total_budget") is not None:
        total_budget = check.number(top["total_budget"], ("total_budget",), what=MONEY)
    institutions = _institutions(top.get("institutions"), check, tier_names, group_names) if "institutions" in top else ()
    objective = _objective(top.get("objective"), check, tier_names)
    scenarios = _scenarios(top.get("scenarios"), check)
    if "uncertainty" in top:
        from .uncertainty import check_uncertainty

        check_uncertainty(top["uncertainty"], raw, check)
    _cross_checks(check, levers, funding, institutions, groups, horizon)
    if horizon is not None:
        _series_years(check, horizon)
    _missing_teachers(check, institutions, groups, top.get("institutions"))
    if check.problems or name is None or horizon is None:
        return None
    return Config(
        name=name,
        horizon=horizon,
        objective=objective,
        courses=courses,
        tiers=tiers,
        groups=groups,
        levers=levers,
        policies=policies,
        funding=funding,
        institutions=institutions,
        scenarios=scenarios,
        discount_rate=discount,
        total_budget=total_budget,
        source=Path(file) if file else None,
        scenario_name=scenario_name,
        raw=raw,
        warnings=tuple(check.warnings),
    )


def _declared(value: Any) -> dict[str, Any]:
    return {k: v for k, v in value.items() if isinstance(k, str)} if isinstance(value, dict) else {}


def _horizon(value: Any, check: Checker) -> Horizon | None:
    path: KeyPath = ("horizon",)
    data = check.mapping(value, path, ("start", "years"), ("start", "years"), what="a mapping {start: year, years: count}")
    if data is None or "start" not in data or "years" not in data:
        return None
    start = check.number(data["start"], path + ("start",), what=YEAR, low=FIRST_YEAR, high=LAST_YEAR, integer=True)
    years = check.number(
        data["years"], path + ("years",), what=f"a whole number of years from 1 to {MAX_YEARS}", low=1, high=MAX_YEARS, integer=True
    )
    if start is None or years is None:
        return None
    return Horizon(int(start), int(years))


def _courses(value: Any, check: Checker) -> dict[str, float]:
    data = check.mapping(value, ("courses",), COURSES, COURSES, what="a mapping of the three course types")
    sizes: dict[str, float] = {}
    if data is None:
        return sizes
    for course in COURSES:
        if course not in data:
            continue
        path = ("courses", course)
        item = check.mapping(data[course], path, ("class_size",), ("class_size",), what="a mapping {class_size: students}")
        if item and "class_size" in item:
            size = check.number(
                item["class_size"], path + ("class_size",), what="a positive number of students", low_open=True, within=CLASS_SIZE
            )
            if size is not None:
                sizes[course] = size
    return sizes


def _tiers(value: Any, check: Checker) -> dict[str, Tier]:
    tiers: dict[str, Tier] = {}
    raw = check.names_mapping(value, ("tiers",), "tier")
    if not raw:
        check.error(("tiers",), "define at least one talent tier (for example basic, professional, senior)")
    for name, item in raw.items():
        path: KeyPath = ("tiers", name)
        keys = ("duration", "completion_rate", "weight", "hours", "demand")
        data = check.mapping(item, path, keys, ("duration", "hours"))
        if data is None:
            continue
        duration = None
        if "duration" in data:
            duration = check.number(
                data["duration"], path + ("duration",), what="a whole number of years of study, at least 1", low=1, integer=True,
                within=DURATION,
            )
        completion: float | None = 1.0
        if "completion_rate" in data:
            completion = check.number(data["completion_rate"], path + ("completion_rate",), what=SHARE, high=1.0, within=COMPLETION)
        weight: float | None = 1.0
        if "weight" in data:
            weight = check.number(data["weight"], path + ("weight",), what="a non-negative value per graduate", within=WEIGHT)
        hours: dict[str, float] = {}
        if "hours" in data:
            hours_data = check.mapping(data["hours"], path + ("hours",), COURSES, COURSES, what="a mapping of hours per course type")
            for course in COURSES:
                if hours_data and course in hours_data:
                    number = check.number(
                        hours_data[course], path + ("hours", course), what="a non-negative number of hours per student and year",
                        within=STUDENT_HOURS,
                    )
                    if number is not None:
                        hours[course] = number
        demand = None
        if data.get("demand") is not None:
            demand = check.series(data["demand"], path + ("demand",), what="a non-negative number of graduates per year")
        if duration is not None and completion is not None and weight is not None and len(hours) == len(COURSES):
            tiers[name] = Tier(name, int(duration), hours, completion, weight, demand)
    return tiers


def _groups(value: Any, check: Checker) -> dict[str, TeacherGroup]:
    groups: dict[str, TeacherGroup] = {}
    raw = check.names_mapping(value, ("teacher_groups",), "teacher group")
    if not raw:
        check.error(("teacher_groups",), "define at least one teacher group")
    for name, item in raw.items():
        path: KeyPath = ("teacher_groups", name)
        keys = ("qualified", "hours", "external", "attrition", "replaced_by")
        data = check.mapping(item, path, keys, ("qualified", "hours"))
        if data is None or "qualified" not in data or "hours" not in data:
            continue
        qualified = check.name_list(data["qualified"], path + ("qualified",), COURSES, "course type")
        hours = check.number(
            data["hours"], path + ("hours",), what="a positive number of teaching hours per year", low_open=True, within=TEACHING_HOURS
        )
        external = check.flag(data["external"], path + ("external",)) if "external" in data else False
        attrition: float | None = 0.0
        if "attrition" in data:
            attrition = check.number(
                data["attrition"], path + ("attrition",), what="a non-negative yearly share of the group leaving", within=ATTRITION
            )
        replaced_by, known = _replaced_by(data, path, check, list(raw))
        if known and "replaced_by" in data and attrition == 0 and replaced_by != name:
            check.warn(path + ("replaced_by",), f"has no effect while attrition is 0 (nobody leaves); set {name}'s attrition or remove replaced_by")
        if qualified is not None and hours is not None and external is not None and attrition is not None and known:
            groups[name] = TeacherGroup(name, frozenset(qualified), hours, external, attrition, replaced_by)
    return groups


def _replaced_by(data: dict[str, Any], path: KeyPath, check: Checker, names: list[str]) -> tuple[str | None, bool]:
    """The group replacing leavers ("" the group itself, None not replaced) and whether the value was usable."""
    if "replaced_by" not in data:
        return "", True
    value = data["replaced_by"]
    if value == NOT_REPLACED:
        return None, True
    if isinstance(value, str) and value in names:
        return value, True
    check.error(
        path + ("replaced_by",),
        f"expected a teacher group or {NOT_REPLACED} (leavers are not replaced), got {show(value)}; "
        f"{choices(value, [*names, NOT_REPLACED], 'value')}",
    )
    return "", False


def _levers(
    value: Any, check: Checker, tiers: list[str], group_names: list[str], groups: dict[str, TeacherGroup]
) -> dict[str, Lever]:
    levers: dict[str, Lever] = {}
    for name, item in check.names_mapping(value, ("levers",), "lever").items():
        lever = _lever(name, item, check, tiers, group_names, groups)
        if lever is not None:
            levers[name] = lever
    return levers


def _lever(
    name: str, item: Any, check: Checker, tiers: list[str], group_names: list[str], groups: dict[str, TeacherGroup]
) -> Lever | None:
    path: KeyPath = ("levers", name)
    if not isinstance(item, dict):
        check.error(path, f"expected a mapping with a 'kind' ({', '.join(LEVER_KINDS)}) and its settings")
        return None
    kind = item.get("kind")
    if kind not in LEVER_KINDS:
        check.reference(kind, path + ("kind",), LEVER_KINDS, "lever kind")
        return None
    allowed = COMMON_LEVER_KEYS + KIND_KEYS[kind]
    before = len(check.problems)
    misplaced = [key for key in item if key not in allowed and any(key in keys for keys in KIND_KEYS.values())]
    for key in misplaced:
        kinds = [other for other in LEVER_KINDS if key in KIND_KEYS[other]]
        check.error(path + (key,), f"{key} applies to {_and(kinds)} levers only; remove it from this {kind} lever")
    data = check.mapping({k: v for k, v in item.items() if k not in misplaced}, path, allowed, KIND_REQUIRED[kind])
    assert data is not None
    fields: dict[str, Any] = {"name": name, "kind": kind}

    def money(key: str) -> None:
        if key in data:
            fields[key] = check.number(data[key], path + (key,), what=MONEY)

    money("cost")
    if kind == "hire":
        if "group" in data:
            fields["group"] = check.reference(data["group"], path + ("group",), group_names, "teacher group")
        money("upfront")
        fields["lifetime"] = _hire_lifetime(data, path, check)
    if kind in DELAYED_KINDS and "delay" in data:
        fields["delay"] = check.number(
            data["delay"], path + ("delay",), what=f"a whole number of years from 0 to {MAX_YEARS}", high=MAX_YEARS, integer=True
        )
    if kind == "convert":
        if "from" in data:
            fields["source_group"] = check.reference(data["from"], path + ("from",), group_names, "teacher group")
        if "to" in data:
            fields["target_group"] = check.reference(data["to"], path + ("to",), group_names, "teacher group")
        for key, group in (("from", fields.get("source_group")), ("to", fields.get("target_group"))):
            if group and group in groups and groups[group].external:
                check.error(path + (key,), f"secondments convert in-house teachers, but {group!r} is external")
        if fields.get("source_group") and fields.get("source_group") == fields.get("target_group"):
            check.error(path + ("to",), f"'from' and 'to' are the same group ({data['to']!r}); a conversion needs two groups")
        if "away" in data:
            fields["away"] = check.number(data["away"], path + ("away",), what=SHARE + " (share of the year's hours lost)", high=1.0)
        if "max_share_per_year" in data:
            fields["max_share_per_year"] = check.number(
                data["max_share_per_year"], path + ("max_share_per_year",), what=SHARE + " of in-house teachers", high=1.0
            )
    if kind in ("convert", "build") and data.get("lifetime") is not None:
        fields["lifetime"] = check.number(
            data["lifetime"], path + ("lifetime",), what="a whole number of years, at least 1", low=1, integer=True, within=LIFETIME
        )
    if kind == "build":
        if "seats_per_unit" in data:
            fields["seats_per_unit"] = check.number(data["seats_per_unit"], path + ("seats_per_unit",), what="a positive number of seats", low_open=True)
        if "seat_hours" in data:
            fields["seat_hours"] = check.number(
                data["seat_hours"], path + ("seat_hours",), what="a positive number of training hours per seat and year", low_open=True,
                within=SEAT_HOURS,
            )
        money("capex")
        money("opex")
    if kind == "subsidise":
        if "tiers" in data:
            fields["tiers"] = check.name_list(data["tiers"], path + ("tiers",), tiers, "tier")
        if "induced_intake" in data:
            fields["induced_intake"] = check.number(
                data["induced_intake"], path + ("induced_intake",), what="a non-negative number of extra enrolments per subsidised place",
                within=INDUCED_INTAKE,
            )
    units = "a non-negative number of units per year" if kind != "subsidise" else "a non-negative number of subsidised places per year"
    for key in ("min_per_year", "max_per_year", "region_max_per_year"):
        if data.get(key) is not None:
            fields[key] = check.series(data[key], path + (key,), what=units)
    if data.get("max_total") is not None:
        fields["max_total"] = check.number(data["max_total"], path + ("max_total",), what="a non-negative number of units over the horizon")
    if data.get("available_from") is not None:
        fields["available_from"] = check.number(
            data["available_from"], path + ("available_from",), what=YEAR, low=FIRST_YEAR, high=LAST_YEAR, integer=True
        )
    if "integer" in data:
        fields["integer"] = check.flag(data["integer"], path + ("integer",))
    if data.get("institutions") is not None:
        # Checked against the institution names once those are read.
        names = data["institutions"]
        fields["institutions"] = (names,) if isinstance(names, str) else tuple(names) if isinstance(names, list) else names
    if len(check.problems) > before or any(v is None for v in fields.values()):
        return None
    return Lever(**fields)


def _hire_lifetime(data: dict[str, Any], path: KeyPath, check: Checker) -> int | None:
    """A hire lever's lifetime: whole years, 1 when left out (a unit serves the year it is hired)."""
    if "lifetime" not in data:
        return 1
    if data["lifetime"] is None:
        check.error(
            path + ("lifetime",),
            "a hire lever's lifetime is a whole number of years, got nothing (empty value); "
            "leave it out for 1 year (lasting to the horizon's end is for convert and build levers)",
        )
        return None
    lifetime = check.number(data["lifetime"], path + ("lifetime",), what="a whole number of years, at least 1", low=1, integer=True, within=HIRE_LIFETIME)
    return None if lifetime is None else int(lifetime)


def _and(words: list[str]) -> str:
    """``["hire", "convert", "build"]`` -> ``"hire, convert and build"``."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _policies(value: Any, path: KeyPath, check: Checker) -> Policies:
    if value is None:
        return Policies()
    data = check.mapping(value, path, POLICY_KEYS)
    if data is None:
        return Policies()
    share = None
    if data.get("min_double_qualified_share") is not None:
        share = check.series(data["min_double_qualified_share"], path + ("min_double_qualified_share",), what=SHARE, high=1.0)
    ratio = None
    if data.get("max_external_ratio") is not None:
        ratio = check.series(
            data["max_external_ratio"], path + ("max_external_ratio",), what="a non-negative ratio of external to in-house teachers"
        )
    return Policies(share, ratio)


def _funding(value: Any, check: Checker, lever_names: list[str]) -> dict[str, FundingSource]:
    sources: dict[str, FundingSource] = {}
    for name, item in check.names_mapping(value, ("funding",), "funding source").items():
        path: KeyPath = ("funding", name)
        data = check.mapping(item, path, ("per_year", "funds"), ("per_year", "funds"))
        if data is None or "per_year" not in data or "funds" not in data:
            continue
        per_year = check.series(data["per_year"], path + ("per_year",), what=MONEY + " per year")
        funds = tuple(lever_names) if data["funds"] == "all" else check.name_list(data["funds"], path + ("funds",), lever_names, "lever")
        if per_year is not None and funds is not None:
            sources[name] = FundingSource(name, per_year, funds)
    return sources


def _institutions(value: Any, check: Checker, tiers: list[str], groups: list[str]) -> tuple[Institution, ...]:
    if not isinstance(value, list) or not value:
        check.error(("institutions",), "expected a non-empty list of institutions, or {file: institutions.csv}")
        return ()
    result: list[Institution] = []
    seen: set[str] = set()
    for index, item in enumerate(value):
        path: KeyPath = ("institutions", index)
        data = check.mapping(item, path, INSTITUTION_KEYS, ("name", "teachers", "intake"))
        if data is None:
            continue
        before = len(check.problems)
        name = check.text(data.get("name"), path + ("name",), "the institution's name as text") if "name" in data else None
        if name is not None and name in seen:
            check.error(path + ("name",), f"institution name {name!r} is used twice; names must be unique")
        seen.add(str(name))
        offered = tuple(tiers)
        if data.get("tiers") is not None:
            offered = check.name_list(data["tiers"], path + ("tiers",), tiers, "tier") or ()
        teachers = _amounts(data.get("teachers"), path + ("teachers",), check, groups, "teacher group", "a non-negative number of teachers")
        intake = _amounts(data.get("intake"), path + ("intake",), check, offered, "tier", "a non-negative number of students per year")
        max_intake = _amounts(data.get("max_intake"), path + ("max_intake",), check, offered, "tier", "a non-negative number of students per year")
        for tier in offered:
            if "intake" in data and tier not in intake and isinstance(data.get("intake"), dict) and tier not in data["intake"]:
                check.error(path + ("intake",), f"no baseline intake for tier {tier!r}, which this institution offers; add intake.{tier} (0 if none)")
            if tier in intake and tier in max_intake and intake[tier] > max_intake[tier]:
                check.error(
                    path + ("max_intake", tier),
                    f"max_intake ({max_intake[tier]:g}) is below the baseline intake ({intake[tier]:g}); raise max_intake or lower intake",
                )
        seats = 0.0
        if "training_seats" in data:
            seats = check.number(data["training_seats"], path + ("training_seats",), what="a non-negative number of seats") or 0.0
        policies = _policies(data.get("policies"), path + ("policies",), check)
        if len(check.problems) == before and name is not None:
            result.append(Institution(name, offered, teachers, intake, max_intake, seats, policies))
    return tuple(result)


def _amounts(value: Any, path: KeyPath, check: Checker, valid: Any, what: str, unit: str) -> dict[str, float]:
    if value is None:
        return {}
    data = check.mapping(value, path, what=f"a mapping of {what} to numbers")
    result: dict[str, float] = {}
    for key, item in (data or {}).items():
        if what == "tier" and key not in valid:
            check.error(path + (key,), f"tier {key!r} is not offered here (this institution's tiers: {listing(valid)}); "
                        "remove it or add it to the institution's tiers")
            continue
        if check.reference(key, path + (key,), valid, what) is None:
            continue
        number = check.number(item, path + (key,), what=unit)
        if number is not None:
            result[key] = number
    return result


def _objective(value: Any, check: Checker, tiers: list[str]) -> Objective:
    if value is None:
        return Objective()
    path: KeyPath = ("objective",)
    data = check.mapping(value, path, ("mode", "tie_break", "smooth", "targets"))
    if data is None:
        return Objective()
    mode = data.get("mode", "max_output")
    if mode not in ("max_output", "min_cost"):
        check.reference(mode, path + ("mode",), ("max_output", "min_cost"), "objective mode")
        mode = "max_output"
    tie_break = check.flag(data["tie_break"], path + ("tie_break",)) if "tie_break" in data else True
    smooth = _smooth(data["smooth"], path + ("smooth",), check) if "smooth" in data else Objective().smooth
    targets: dict[str, Series] = {}
    if "targets" in data:
        if mode != "min_cost":
            check.error(path + ("targets",), "targets are used only in min_cost mode; set objective.mode: min_cost or remove targets")
        raw = check.mapping(data["targets"], path + ("targets",), what="a mapping of tiers to annual compound output")
        for tier, item in (raw or {}).items():
            if check.reference(tier, path + ("targets", tier), tiers, "tier") is None:
                continue
            series = check.series(item, path + ("targets", tier), what="a non-negative number of compound graduates per year")
            if series is not None:
                targets[tier] = series
    elif mode == "min_cost":
        check.error(path, "min_cost mode needs objective.targets (annual compound output per tier to reach at least cost)")
    return Objective(mode, bool(tie_break), targets, smooth)


def _smooth(value: Any, path: KeyPath, check: Checker) -> float | None:
    """``true``: the default share 1e-7; ``false``: no smoothing solve (None); else a share below 1."""
    if value is True:
        return Objective().smooth
    if value is False:
        return None
    return check.number(value, path, what="true, false or a share of output to give up for a steadier plan (such as 0.01)", within=SMOOTH)


def _scenarios(value: Any, check: Checker) -> dict[str, Scenario]:
    scenarios: dict[str, Scenario] = {}
    for name, item in check.names_mapping(value, ("scenarios",), "scenario").items():
        path: KeyPath = ("scenarios", name)
        if name == "base":
            check.error(path, "'base' is reserved for the config without changes; choose another name")
            continue
        data = check.mapping(item, path, ("description", "set"), ("set",))
        if data is None or "set" not in data:
            continue
        description = ""
        if "description" in data:
            description = check.text(data["description"], path + ("description",), "a description as text") or ""
        changes = check.mapping(data["set"], path + ("set",), what="a mapping {dotted.key.path: new value}")
        if changes is not None:
            scenarios[name] = Scenario(name, description, dict(changes))
    return scenarios


def _cross_checks(
    check: Checker,
    levers: dict[str, Lever],
    funding: dict[str, FundingSource],
    institutions: tuple[Institution, ...],
    groups: dict[str, TeacherGroup],
    horizon: Horizon | None,
) -> None:
    names = [inst.name for inst in institutions]
    for lever in levers.values():
        path: KeyPath = ("levers", lever.name)
        if lever.institutions is not None and institutions:
            if not isinstance(lever.institutions, tuple):
                check.error(path + ("institutions",), f"expected a list of institution names, got {lever.institutions!r}")
            else:
                check.name_list(list(lever.institutions), path + ("institutions",), names, "institution")
                if not lever.institutions:
                    check.warn(path + ("institutions",), "an empty list: the lever applies to no institution")
        if horizon and lever.min_per_year is not None and lever.max_per_year is not None:
            for year in horizon.range:
                low, high = lever.min_per_year.at(year), lever.max_per_year.at(year)
                if low > high:
                    check.error(
                        path + ("min_per_year",),
                        f"min_per_year ({low:g}) is above max_per_year ({high:g}) in {year}; no plan can meet both",
                    )
                    break
        if not any(lever.name in source.funds for source in funding.values()):
            check.warn(
                path,
                f"no funding source may pay for lever {lever.name!r}, so it stays at zero; "
                f"add it to some source's funds (sources: {listing(funding)})",
            )
        if horizon and lever.available_from is not None and lever.available_from >= horizon.start + horizon.years:
            check.warn(path + ("available_from",), f"{lever.available_from} is after the horizon ends, so the lever is never used")
        elif horizon and lever.delay:
            first = max(horizon.start, lever.available_from or horizon.start)
            last = horizon.start + horizon.years - 1
            if first + lever.delay > last:
                check.warn(
                    path + ("delay",),
                    f"a unit started in {first} is first active in {first + lever.delay}, after the horizon's last year {last}; "
                    "this lever adds nothing within the horizon",
                )
    if groups and not any(not g.external for g in groups.values()):
        check.error(("teacher_groups",), "at least one teacher group must be in-house (external: false)")


def _series_years(check: Checker, horizon: Horizon) -> None:
    """Warn about each year of a series whose value never applies within the horizon."""
    last = horizon.start + horizon.years - 1
    for path, years in check.series_years:
        in_force = max((y for y in years if y <= horizon.start), default=None)
        for year in years:
            if year > last:
                check.warn(path, f"year {year} is after the horizon's last year {last}; its value never applies", at=path + (year,))
            elif in_force is not None and year < in_force:
                check.warn(
                    path,
                    f"year {year} is followed by {in_force} before the horizon starts in {horizon.start}; its value never applies",
                    at=path + (year,),
                )


MISSING_NAMES_SHOWN = 5
"""Institutions named in one warning about a teacher group missing at several."""


def _missing_teachers(check: Checker, institutions: tuple[Institution, ...], groups: dict[str, TeacherGroup], raw: Any) -> None:
    """Warn once per in-house group left out of institutions' ``teachers`` (taken as 0 there).

    External groups are not named: they normally start at 0 and grow by hiring.
    """
    index = {item.get("name"): i for i, item in enumerate(raw) if isinstance(item, dict)} if isinstance(raw, list) else {}
    for group in groups.values():
        if group.external:
            continue
        missing = [inst.name for inst in institutions if group.name not in inst.teachers]
        if len(missing) == 1:
            check.warn(
                ("institutions", index.get(missing[0], 0), "teachers"),
                f"no {group.name!r} teachers given at {missing[0]}; taken as 0 (write {group.name}: 0 to say so)",
            )
        elif missing:
            names = ", ".join(missing[:MISSING_NAMES_SHOWN])
            if len(missing) > MISSING_NAMES_SHOWN:
                names += f" and {len(missing) - MISSING_NAMES_SHOWN} more"
            check.warn(
                ("teacher_groups", group.name),
                f"not in the teachers of {len(missing)} institutions ({names}); taken as 0 there "
                f"(write {group.name}: 0 in their teachers to say so)",
            )
