"""Turn raw config data into a validated :class:`~optimiser.config.types.Config`.

Every rule of the config contract is checked here, once. Problems are
collected, not raised one by one, so a planner sees everything wrong with a
file in a single run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import ConfigError, Problem
from ..i18n import N_, _
from .checker import Checker, KeyPath, Locations, choices, listing, plain_number, show
from .schema import (
    COURSE_SECTION,
    FUNDING,
    GROUP,
    HIRE_LIFETIME,
    HORIZON,
    INSTITUTION,
    LEVER,
    LEVER_KINDS,
    NOT_REPLACED,
    OBJECTIVE,
    OBJECTIVE_MODES,
    PLACES,
    POLICIES,
    SCENARIO,
    TIER,
    TIER_HOURS,
    TOP,
    UNITS,
    Key,
)
from .types import (
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

# The key sets, all from the one declaration in :mod:`optimiser.config.schema`.
TOP_KEYS = TOP.names
REQUIRED_TOP = TOP.required
COMMON_LEVER_KEYS = LEVER.common()
KIND_KEYS: dict[str, tuple[str, ...]] = {kind: LEVER.for_kind(kind) for kind in LEVER_KINDS}
KIND_REQUIRED: dict[str, tuple[str, ...]] = {kind: LEVER.required_by(kind) for kind in LEVER_KINDS}
POLICY_KEYS = POLICIES.names
INSTITUTION_KEYS = INSTITUTION.names

def _number(check: Checker, data: dict[str, Any], path: KeyPath, key: Key, what: str | None = None) -> float | None:
    """``data[key]`` held to the limits the schema declares for ``key``."""
    return check.number(data[key.name], path + (key.name,), **key.limits(what))


def build_config(
    raw: Any,
    locations: Locations,
    file: str | None,
    *,
    scenario_name: str | None = None,
    check_scenarios: bool = True,
    problems: Iterable[Problem] = (),
) -> Config:
    """Validate ``raw`` (parsed YAML) and return the frozen config, or raise :class:`ConfigError`.

    ``problems`` found while reading the raw data (rows of an institutions
    CSV that cannot be read) are reported with those validation finds.
    """
    check = Checker(file, locations)
    check.problems.extend(problems)
    config = _read(raw, check, file, scenario_name)
    if check.problems or config is None:
        raise ConfigError(sorted(check.problems, key=lambda p: (p.file or "", p.line or 0)))
    config = replace(config, _locations=locations)
    if check_scenarios:
        from .load import scenario_problems

        problems = scenario_problems(config)
        if problems:
            raise ConfigError(problems)
    return config


def _read(raw: Any, check: Checker, file: str | None, scenario_name: str | None) -> Config | None:
    top = check.mapping(raw, (), TOP_KEYS, REQUIRED_TOP, what=N_("a mapping of config sections (name, horizon, ...)"))
    if top is None:
        return None
    name = check.text(top.get("name"), ("name",), TOP["name"].what) if "name" in top else None
    horizon = _horizon(top.get("horizon"), check) if "horizon" in top else None
    discount = _discount_rate(top, check)
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
    total_budget = _number(check, top, (), TOP["total_budget"]) if top.get("total_budget") is not None else None
    institutions = _institutions(top.get("institutions"), check, tier_names, group_names) if "institutions" in top else ()
    objective = _objective(top.get("objective"), check, tier_names)
    scenarios = _scenarios(top.get("scenarios"), check)
    _uncertainty(top, raw, check)
    _cross_checks(check, levers, funding, _institution_names(top.get("institutions")), horizon)
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


def _uncertainty(top: dict[str, Any], raw: Any, check: Checker) -> None:
    """Check the ``uncertainty`` section, when there is one, against the rest of the config."""
    if "uncertainty" in top:
        from .uncertainty import check_uncertainty

        check_uncertainty(top["uncertainty"], raw, check)


def _discount_rate(top: dict[str, Any], check: Checker) -> float:
    """The discount rate (0 when the value given is not usable, so checking goes on)."""
    if "discount_rate" not in top:
        return TOP.default("discount_rate")
    return _number(check, top, (), TOP["discount_rate"]) or 0.0


def _declared(value: Any) -> dict[str, Any]:
    return {k: v for k, v in value.items() if isinstance(k, str)} if isinstance(value, dict) else {}


def _horizon(value: Any, check: Checker) -> Horizon | None:
    path: KeyPath = ("horizon",)
    data = check.mapping(value, path, HORIZON.names, HORIZON.required, what=N_("a mapping {start: year, years: count}"))
    if data is None or "start" not in data or "years" not in data:
        return None
    start = _number(check, data, path, HORIZON["start"])
    years = _number(check, data, path, HORIZON["years"])
    if start is None or years is None:
        return None
    return Horizon(int(start), int(years))


def _courses(value: Any, check: Checker) -> dict[str, float]:
    data = check.mapping(value, ("courses",), COURSE_SECTION.names, COURSE_SECTION.required,
                         what=N_("a mapping of the three course types"))
    sizes: dict[str, float] = {}
    if data is None:
        return sizes
    for course in COURSE_SECTION.keys:
        if course.name not in data or course.of is None:
            continue
        path = ("courses", course.name)
        section = course.of
        item = check.mapping(data[course.name], path, section.names, section.required, what=course.what)
        if item and "class_size" in item:
            size = _number(check, item, path, section["class_size"])
            if size is not None:
                sizes[course.name] = size
    return sizes


def _tiers(value: Any, check: Checker) -> dict[str, Tier]:
    tiers: dict[str, Tier] = {}
    raw = check.names_mapping(value, ("tiers",), N_("tier"))
    if not raw:
        check.error(("tiers",), _("define at least one talent tier (for example basic, professional, senior)"))
    for name, item in raw.items():
        tier = _tier(name, item, check)
        if tier is not None:
            tiers[name] = tier
    return tiers


def _tier(name: str, item: Any, check: Checker) -> Tier | None:
    """One talent tier, or None when it has problems."""
    path: KeyPath = ("tiers", name)
    data = check.mapping(item, path, TIER.names, TIER.required)
    if data is None:
        return None
    duration = _number(check, data, path, TIER["duration"]) if "duration" in data else None
    completion = _number(check, data, path, TIER["completion_rate"]) if "completion_rate" in data else TIER.default("completion_rate")
    weight = _number(check, data, path, TIER["weight"]) if "weight" in data else TIER.default("weight")
    hours = _tier_hours(data["hours"], path + ("hours",), check) if "hours" in data else {}
    demand = None
    if data.get("demand") is not None:
        demand = check.series(data["demand"], path + ("demand",), **TIER["demand"].limits())
    if duration is not None and completion is not None and weight is not None and len(hours) == len(TIER_HOURS.keys):
        return Tier(name, int(duration), hours, completion, weight, demand)
    return None


def _tier_hours(value: Any, path: KeyPath, check: Checker) -> dict[str, float]:
    """A tier's hours per course type (only those that are valid numbers)."""
    hours: dict[str, float] = {}
    hours_data = check.mapping(value, path, TIER_HOURS.names, TIER_HOURS.required,
                               what=N_("a mapping of hours per course type"))
    for course in TIER_HOURS.keys:
        if hours_data and course.name in hours_data:
            number = _number(check, hours_data, path, course)
            if number is not None:
                hours[course.name] = number
    return hours


def _groups(value: Any, check: Checker) -> dict[str, TeacherGroup]:
    groups: dict[str, TeacherGroup] = {}
    raw = check.names_mapping(value, ("teacher_groups",), N_("teacher group"))
    if not raw:
        check.error(("teacher_groups",), _("define at least one teacher group"))
    for name, item in raw.items():
        group = _group(name, item, check, list(raw))
        if group is not None:
            groups[name] = group
    # Read from what is written, so a group with a mistake elsewhere still counts as in-house.
    if raw and all(isinstance(item, dict) and item.get("external") is True for item in raw.values()):
        check.error(("teacher_groups",), _("at least one teacher group must be in-house (external: false)"))
    return groups


def _group(name: str, item: Any, check: Checker, names: list[str]) -> TeacherGroup | None:
    """One teacher group, or None when it has problems; ``names`` are all the groups declared."""
    path: KeyPath = ("teacher_groups", name)
    data = check.mapping(item, path, GROUP.names, GROUP.required)
    if data is None or "qualified" not in data or "hours" not in data:
        return None
    qualified = check.name_list(data["qualified"], path + ("qualified",), GROUP["qualified"].choices, N_("course type"))
    hours = _number(check, data, path, GROUP["hours"])
    external = check.flag(data["external"], path + ("external",)) if "external" in data else GROUP.default("external")
    attrition = _number(check, data, path, GROUP["attrition"]) if "attrition" in data else GROUP.default("attrition")
    replaced_by, known = _replaced_by(data, path, check, names)
    if known and "replaced_by" in data:
        _inert_replacement(check, path, name, attrition, replaced_by)
    if qualified is not None and hours is not None and external is not None and attrition is not None and known:
        return TeacherGroup(name, frozenset(qualified), hours, external, attrition, replaced_by)
    return None


def _inert_replacement(check: Checker, path: KeyPath, name: str, attrition: float | None, replaced_by: str | None) -> None:
    """Warn that ``replaced_by`` (another group) does nothing while nobody leaves the group ``name``."""
    if attrition == 0 and replaced_by != name:
        check.warn(path + ("replaced_by",), _("has no effect while attrition is 0 (nobody leaves); set {name}'s attrition "
                                              "or remove replaced_by").format(name=name))


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
        _("expected a teacher group or {none} (leavers are not replaced), got {value}; {fix}").format(
            none=NOT_REPLACED, value=show(value), fix=choices(value, [*names, NOT_REPLACED], N_("value"))),
    )
    return "", False


def _levers(
    value: Any, check: Checker, tiers: list[str], group_names: list[str], groups: dict[str, TeacherGroup]
) -> dict[str, Lever]:
    levers: dict[str, Lever] = {}
    known = _Known(tiers, group_names, groups)
    for name, item in check.names_mapping(value, ("levers",), N_("lever")).items():
        lever = _lever(name, item, check, known)
        if lever is not None:
            levers[name] = lever
    return levers


class _Known:
    """The declared names a lever's keys may refer to."""

    def __init__(self, tiers: list[str], group_names: list[str], groups: dict[str, TeacherGroup]) -> None:
        self.tiers, self.group_names, self.groups = tiers, group_names, groups


def _lever(name: str, item: Any, check: Checker, known: _Known) -> Lever | None:
    path: KeyPath = ("levers", name)
    if not isinstance(item, dict):
        check.error(path, _("expected a mapping with a 'kind' ({kinds}) and its settings").format(kinds=", ".join(LEVER_KINDS)))
        return None
    kind = item.get("kind")
    if kind not in LEVER_KINDS:
        check.reference(kind, path + ("kind",), LEVER_KINDS, N_("lever kind"))
        return None
    before = len(check.problems)
    data = _lever_keys(item, path, kind, check)
    fields: dict[str, Any] = {"name": name, "kind": kind}
    for key in LEVER.keys:
        if key.name in data and key.name not in _OWN_READER[kind] and not (key.blank and data[key.name] is None):
            fields[key.attribute] = _LEVER_READERS[key.type](check, data, path, key, kind, known)
    if kind == "hire":
        fields["lifetime"] = _hire_lifetime(data, path, check)
    if kind == "convert":
        _convert_groups(check, data, path, fields, known.groups)
    if len(check.problems) > before or any(v is None for v in fields.values()):
        return None
    return Lever(**fields)


def _lever_keys(item: dict[str, Any], path: KeyPath, kind: str, check: Checker) -> dict[str, Any]:
    """The keys of a lever of ``kind``, less those of other kinds (each reported as such)."""
    allowed = COMMON_LEVER_KEYS + KIND_KEYS[kind]
    misplaced = [key for key in item if key not in allowed and any(key in keys for keys in KIND_KEYS.values())]
    for key in misplaced:
        kinds = [other for other in LEVER_KINDS if key in KIND_KEYS[other]]
        check.error(path + (key,), _("{key} applies to {kinds} levers only; remove it from this {kind} lever").format(
            key=key, kinds=_and(kinds), kind=kind))
    data = check.mapping({k: v for k, v in item.items() if k not in misplaced}, path, allowed, KIND_REQUIRED[kind])
    assert data is not None
    return data


def _lever_number(check: Checker, data: dict[str, Any], path: KeyPath, key: Key, kind: str, known: _Known) -> Any:
    return _number(check, data, path, key)


def _lever_series(check: Checker, data: dict[str, Any], path: KeyPath, key: Key, kind: str, known: _Known) -> Any:
    return check.series(data[key.name], path + (key.name,), **key.limits(PLACES if kind == "subsidise" else UNITS))


def _lever_flag(check: Checker, data: dict[str, Any], path: KeyPath, key: Key, kind: str, known: _Known) -> Any:
    return check.flag(data[key.name], path + (key.name,))


def _lever_group(check: Checker, data: dict[str, Any], path: KeyPath, key: Key, kind: str, known: _Known) -> Any:
    return check.reference(data[key.name], path + (key.name,), known.group_names, N_("teacher group"))


def _lever_names(check: Checker, data: dict[str, Any], path: KeyPath, key: Key, kind: str, known: _Known) -> Any:
    names = data[key.name]
    if key.name == "tiers":
        return check.name_list(names, path + (key.name,), known.tiers, N_("tier"))
    # Institutions are checked against the institution names once those are read.
    return (names,) if isinstance(names, str) else tuple(names) if isinstance(names, list) else names


_LEVER_READERS = {
    "number": _lever_number, "series": _lever_series, "flag": _lever_flag, "name": _lever_group, "names": _lever_names,
}
"""How each type of lever key is read (``kind`` is read before them all)."""

_OWN_READER: dict[str, tuple[str, ...]] = {kind: ("kind", "lifetime") if kind == "hire" else ("kind",) for kind in LEVER_KINDS}
"""The keys of each lever kind read apart from the others, each once: ``kind`` first, a hire lever's ``lifetime``
by :func:`_hire_lifetime` (its own default and limits)."""


def _convert_groups(check: Checker, data: dict[str, Any], path: KeyPath, fields: dict[str, Any],
                    groups: dict[str, TeacherGroup]) -> None:
    """A conversion moves in-house teachers between two different groups."""
    for key, group in (("from", fields.get("source_group")), ("to", fields.get("target_group"))):
        if group and group in groups and groups[group].external:
            check.error(path + (key,), _("secondments convert in-house teachers, but {group!r} is external").format(group=group))
    if fields.get("source_group") and fields.get("source_group") == fields.get("target_group"):
        check.error(path + ("to",), _("'from' and 'to' are the same group ({group!r}); a conversion needs two groups").format(
            group=data["to"]))


def _hire_lifetime(data: dict[str, Any], path: KeyPath, check: Checker) -> int | None:
    """A hire lever's lifetime: whole years, 1 when left out (a unit serves the year it is hired)."""
    if "lifetime" not in data:
        return 1
    if data["lifetime"] is None:
        check.error(
            path + ("lifetime",),
            _("a hire lever's lifetime is a whole number of years, got nothing (empty value); "
              "leave it out for 1 year (lasting to the horizon's end is for convert and build levers)"),
        )
        return None
    limits = {**LEVER["lifetime"].limits(), "within": HIRE_LIFETIME}
    lifetime = check.number(data["lifetime"], path + ("lifetime",), **limits)
    return None if lifetime is None else int(lifetime)


def _and(words: list[str]) -> str:
    """``["hire", "convert", "build"]`` -> ``"hire, convert and build"``."""
    return words[0] if len(words) == 1 else _("{first} and {last}").format(first=", ".join(words[:-1]), last=words[-1])


def _policies(value: Any, path: KeyPath, check: Checker) -> Policies:
    if value is None:
        return Policies()
    data = check.mapping(value, path, POLICY_KEYS)
    if data is None:
        return Policies()
    found: dict[str, Any] = {}
    for key in POLICIES.keys:
        if data.get(key.name) is not None:
            found[key.name] = check.series(data[key.name], path + (key.name,), **key.limits())
    if found.get("max_external_ratio") is not None:
        _external_ratio_above_one(check, path + ("max_external_ratio",), data["max_external_ratio"])
    return Policies(**found)


def _external_ratio_above_one(check: Checker, path: KeyPath, value: Any) -> None:
    """Warn about each value of ``max_external_ratio`` above 1: more external than in-house teachers.

    The schema allows any ratio, but no policy lets part-time teachers
    outnumber full-time ones; such a value is most likely a percentage
    (``25`` for 25 %), which is written as a share (``0.25``).
    """
    points = value.items() if isinstance(value, dict) else [(None, value)]
    for year, ratio in points:
        if ratio <= 1:
            continue
        guess = _("; did you mean {share} ({ratio}%)?").format(share=plain_number(ratio / 100), ratio=plain_number(ratio))
        check.warn(
            path if year is None else path + (year,),
            _("{ratio} allows more external than in-house teachers (the ratio is external to in-house teachers, "
              "such as 0.25 for 1 in 4)").format(ratio=plain_number(ratio)) + (guess if ratio <= 100 else ""),
        )


def _funding(value: Any, check: Checker, lever_names: list[str]) -> dict[str, FundingSource]:
    sources: dict[str, FundingSource] = {}
    for name, item in check.names_mapping(value, ("funding",), N_("funding source")).items():
        path: KeyPath = ("funding", name)
        data = check.mapping(item, path, FUNDING.names, FUNDING.required)
        if data is None or "per_year" not in data or "funds" not in data:
            continue
        per_year = check.series(data["per_year"], path + ("per_year",), **FUNDING["per_year"].limits())
        funds = tuple(lever_names) if data["funds"] == "all" else check.name_list(data["funds"], path + ("funds",), lever_names, N_("lever"))
        if per_year is not None and funds is not None:
            sources[name] = FundingSource(name, per_year, funds)
    return sources


def _institutions(value: Any, check: Checker, tiers: list[str], groups: list[str]) -> tuple[Institution, ...]:
    if not isinstance(value, list) or not value:
        check.error(("institutions",), _("expected a non-empty list of institutions, or {file: institutions.csv}"))
        return ()
    result: list[Institution] = []
    seen: set[str] = set()
    for index, item in enumerate(value):
        institution = _institution(item, ("institutions", index), check, tiers, groups, seen)
        if institution is not None:
            result.append(institution)
    return tuple(result)


def _institution(
    item: Any, path: KeyPath, check: Checker, tiers: list[str], groups: list[str], seen: set[str]
) -> Institution | None:
    """One entry of ``institutions`` (its name added to ``seen``), or None when it has problems."""
    data = check.mapping(item, path, INSTITUTION_KEYS, INSTITUTION.required)
    if data is None:
        return None
    before = len(check.problems)
    name = _institution_name(data, path, check, seen)
    offered, allowed = _offered_tiers(data, path, check, tiers)
    teachers = _amounts(data.get("teachers"), path + ("teachers",), check, groups, N_("teacher group"))
    intake = _amounts(data.get("intake"), path + ("intake",), check, allowed, N_("tier"))
    max_intake = _amounts(data.get("max_intake"), path + ("max_intake",), check, allowed, N_("tier"))
    for tier in offered:
        _tier_intake(data, path, check, tier, intake, max_intake)
    seats = INSTITUTION.default("training_seats")
    if "training_seats" in data:
        seats = _number(check, data, path, INSTITUTION["training_seats"]) or 0.0
    policies = _policies(data.get("policies"), path + ("policies",), check)
    if len(check.problems) == before and name is not None:
        return Institution(name, offered, teachers, intake, max_intake, seats, policies)
    return None


def _offered_tiers(data: dict[str, Any], path: KeyPath, check: Checker, tiers: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The tiers an institution offers (each needs an intake), and the tiers its intake and max_intake may name.

    Both are every declared tier when ``tiers`` is left out. When the list has
    a mistake (reported here: a misspelt tier, one listed twice), the tiers it
    names rightly still need an intake, and intake may name any declared
    tier, so the one mistake is not reported again at each intake.
    """
    if data.get("tiers") is None:
        return tuple(tiers), tuple(tiers)
    listed = check.name_list(data["tiers"], path + ("tiers",), tiers, N_("tier"))
    if listed is not None:
        return listed, listed
    written = data["tiers"] if isinstance(data["tiers"], list) else [data["tiers"]]
    return tuple(dict.fromkeys(tier for tier in written if tier in tiers)), tuple(tiers)


def _institution_names(raw: Any) -> list[str]:
    """The names the institutions are given, read from what is written: an institution with a mistake
    elsewhere is still known by its name to the levers that name it."""
    if not isinstance(raw, list):
        return []
    return [item["name"] for item in raw if isinstance(item, dict) and isinstance(item.get("name"), str)]


def _institution_name(data: dict[str, Any], path: KeyPath, check: Checker, seen: set[str]) -> str | None:
    """An institution's name, which no earlier institution may have used."""
    name = check.text(data.get("name"), path + ("name",), INSTITUTION["name"].what) if "name" in data else None
    if name is not None and name in seen:
        check.error(path + ("name",), _("institution name {name!r} is used twice; names must be unique").format(name=name))
    seen.add(str(name))
    return name


def _tier_intake(
    data: dict[str, Any], path: KeyPath, check: Checker, tier: str, intake: dict[str, float], max_intake: dict[str, float]
) -> None:
    """An offered tier needs a baseline intake (when intake is given) no higher than its max_intake."""
    if "intake" in data and tier not in intake and isinstance(data.get("intake"), dict) and tier not in data["intake"]:
        check.error(path + ("intake",), _("no baseline intake for tier {tier!r}, which this institution offers; "
                                          "add intake.{tier} (0 if none)").format(tier=tier))
    if tier in intake and tier in max_intake and intake[tier] > max_intake[tier]:
        check.error(
            path + ("max_intake", tier),
            _("max_intake ({cap}) is below the baseline intake ({intake}); raise max_intake or lower intake").format(
                cap=f"{max_intake[tier]:g}", intake=f"{intake[tier]:g}"),
        )


def _amounts(value: Any, path: KeyPath, check: Checker, valid: Any, what: str) -> dict[str, float]:
    if value is None:
        return {}
    item = INSTITUTION[path[-1]].item
    assert item is not None
    data = check.mapping(value, path, what=_("a mapping of {what} to numbers").format(what=_(what)))
    result: dict[str, float] = {}
    for key, number in (data or {}).items():
        if what == "tier" and key not in valid:
            check.error(path + (key,), _("tier {tier!r} is not offered here (this institution's tiers: {tiers}); "
                                         "remove it or add it to the institution's tiers").format(tier=key, tiers=listing(valid)))
            continue
        if check.reference(key, path + (key,), valid, what) is None:
            continue
        checked = check.number(number, path + (key,), **item.limits())
        if checked is not None:
            result[key] = checked
    return result


def _objective(value: Any, check: Checker, tiers: list[str]) -> Objective:
    if value is None:
        return Objective()
    path: KeyPath = ("objective",)
    data = check.mapping(value, path, OBJECTIVE.names)
    if data is None:
        return Objective()
    mode = data.get("mode", OBJECTIVE.default("mode"))
    if mode not in OBJECTIVE_MODES:
        check.reference(mode, path + ("mode",), OBJECTIVE_MODES, N_("objective mode"))
        mode = OBJECTIVE.default("mode")
    tie_break = check.flag(data["tie_break"], path + ("tie_break",)) if "tie_break" in data else OBJECTIVE.default("tie_break")
    smooth = _smooth(data["smooth"], path + ("smooth",), check) if "smooth" in data else Objective().smooth
    targets: dict[str, Series] = {}
    if "targets" in data:
        if mode != "min_cost":
            check.error(path + ("targets",), _("targets are used only in min_cost mode; set objective.mode: min_cost or "
                                               "remove targets"))
        target = OBJECTIVE["targets"].item
        assert target is not None
        raw = check.mapping(data["targets"], path + ("targets",), what=N_("a mapping of tiers to annual compound output"))
        for tier, item in (raw or {}).items():
            if check.reference(tier, path + ("targets", tier), tiers, N_("tier")) is None:
                continue
            series = check.series(item, path + ("targets", tier), **target.limits())
            if series is not None:
                targets[tier] = series
    elif mode == "min_cost":
        check.error(path, _("min_cost mode needs objective.targets (annual compound output per tier to reach at least cost)"))
    return Objective(mode, bool(tie_break), targets, smooth)


def _smooth(value: Any, path: KeyPath, check: Checker) -> float | None:
    """``true``: the default share 1e-7; ``false``: no smoothing solve (None); else a share below 1."""
    if value is True:
        return Objective().smooth
    if value is False:
        return None
    return check.number(value, path, **OBJECTIVE["smooth"].limits())


def _scenarios(value: Any, check: Checker) -> dict[str, Scenario]:
    scenarios: dict[str, Scenario] = {}
    for name, item in check.names_mapping(value, ("scenarios",), N_("scenario")).items():
        path: KeyPath = ("scenarios", name)
        if name == "base":
            check.error(path, _("'base' is reserved for the config without changes; choose another name"))
            continue
        if "," in name:
            check.error(path, _("a scenario name cannot hold a comma: --scenarios takes names separated by commas; "
                                "rename it, e.g. {fix!r}").format(fix=name.replace(",", "_")))
            continue
        data = check.mapping(item, path, SCENARIO.names, SCENARIO.required)
        if data is None or "set" not in data:
            continue
        description = SCENARIO.default("description")
        if "description" in data:
            description = check.text(data["description"], path + ("description",), SCENARIO["description"].what) or ""
        changes = check.mapping(data["set"], path + ("set",), what=N_("a mapping {dotted.key.path: new value}"))
        if changes is not None:
            scenarios[name] = Scenario(name, description, dict(changes))
    return scenarios


def _cross_checks(
    check: Checker,
    levers: dict[str, Lever],
    funding: dict[str, FundingSource],
    institution_names: list[str],
    horizon: Horizon | None,
) -> None:
    """The checks of levers against the institutions, funding sources and horizon they meet."""
    for lever in levers.values():
        path: KeyPath = ("levers", lever.name)
        if lever.institutions is not None and institution_names:
            _lever_institutions(check, lever, path, institution_names)
        if horizon and lever.min_per_year is not None and lever.max_per_year is not None:
            _lever_range(check, lever, path, horizon)
        if not any(lever.name in source.funds for source in funding.values()):
            check.warn(
                path,
                _("no funding source may pay for lever {lever!r}, so it stays at zero; "
                  "add it to some source's funds (sources: {sources})").format(lever=lever.name, sources=listing(funding)),
            )
        if horizon:
            _lever_timing(check, lever, path, horizon)


def _lever_institutions(check: Checker, lever: Lever, path: KeyPath, names: list[str]) -> None:
    """A lever's ``institutions`` must name declared institutions; an empty list is allowed but warned about."""
    if not isinstance(lever.institutions, tuple):
        check.error(path + ("institutions",), _("expected a list of institution names, got {value!r}").format(
            value=lever.institutions))
        return
    check.name_list(list(lever.institutions), path + ("institutions",), names, N_("institution"))
    if not lever.institutions:
        check.warn(path + ("institutions",), _("an empty list: the lever applies to no institution"))


def _lever_range(check: Checker, lever: Lever, path: KeyPath, horizon: Horizon) -> None:
    """A lever's ``min_per_year`` may not exceed its ``max_per_year`` in any year (reported once, at the first)."""
    assert lever.min_per_year is not None and lever.max_per_year is not None
    for year in horizon.range:
        low, high = lever.min_per_year.at(year), lever.max_per_year.at(year)
        if low > high:
            check.error(
                path + ("min_per_year",),
                _("min_per_year ({low}) is above max_per_year ({high}) in {year}; no plan can meet both").format(
                    low=f"{low:g}", high=f"{high:g}", year=year),
            )
            return


def _lever_timing(check: Checker, lever: Lever, path: KeyPath, horizon: Horizon) -> None:
    """Warn about a lever that becomes available, or first takes effect, only after the horizon."""
    if lever.available_from is not None and lever.available_from >= horizon.start + horizon.years:
        check.warn(path + ("available_from",), _("{year} is after the horizon ends, so the lever is never used").format(
            year=lever.available_from))
    elif lever.delay:
        first = max(horizon.start, lever.available_from or horizon.start)
        last = horizon.start + horizon.years - 1
        if first + lever.delay > last:
            check.warn(
                path + ("delay",),
                _("a unit started in {first} is first active in {active}, after the horizon's last year {last}; "
                  "this lever adds nothing within the horizon").format(first=first, active=first + lever.delay, last=last),
            )


def _series_years(check: Checker, horizon: Horizon) -> None:
    """Warn about each year of a series whose value never applies within the horizon."""
    last = horizon.start + horizon.years - 1
    for path, years in check.series_years:
        in_force = max((y for y in years if y <= horizon.start), default=None)
        for year in years:
            if year > last:
                check.warn(path, _("year {year} is after the horizon's last year {last}; its value never applies").format(
                    year=year, last=last), at=path + (year,))
            elif in_force is not None and year < in_force:
                check.warn(
                    path,
                    _("year {year} is followed by {next} before the horizon starts in {start}; its value never applies").format(
                        year=year, next=in_force, start=horizon.start),
                    at=path + (year,),
                )


MISSING_NAMES_SHOWN = 5
"""Institutions named in one warning about a teacher group missing at several."""


def _missing_teachers(check: Checker, institutions: tuple[Institution, ...], groups: dict[str, TeacherGroup], raw: Any) -> None:
    """Warn once per in-house group left out of institutions' ``teachers`` (taken as 0 there).

    External groups are not named: they normally start at 0 and grow by hiring.
    """
    index = (
        {item["name"]: i for i, item in enumerate(raw) if isinstance(item, dict) and isinstance(item.get("name"), str)}
        if isinstance(raw, list) else {}
    )
    for group in groups.values():
        if group.external:
            continue
        missing = [inst.name for inst in institutions if group.name not in inst.teachers]
        if len(missing) == 1:
            check.warn(
                ("institutions", index.get(missing[0], 0), "teachers"),
                _("no {group!r} teachers given at {institution}; taken as 0 (write {name}: 0 to say so)").format(
                    group=group.name, institution=missing[0], name=group.name),
            )
        elif missing:
            names = ", ".join(missing[:MISSING_NAMES_SHOWN])
            if len(missing) > MISSING_NAMES_SHOWN:
                names += _(" and {count} more").format(count=len(missing) - MISSING_NAMES_SHOWN)
            check.warn(
                ("teacher_groups", group.name),
                _("not in the teachers of {count} institutions ({names}); taken as 0 there "
                  "(write {group}: 0 in their teachers to say so)").format(count=len(missing), names=names, group=group.name),
            )
