"""Validation of the version-2 keys, the warnings a planner sees, and sane numbers.

Each rule is checked by its whole message (``file:line: key.path: what; the fix``)
on the tiny config, and each new key by the value it loads as.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from optimiser import ConfigError, load_config
from optimiser.cli import main

from ..conftest import CASES
from ..tiny import tiny_config, write_tiny

SUBSIDY = {"kind": "subsidise", "tiers": ["basic"], "cost": 100, "induced_intake": 0.3}
BASES = {"kind": "build", "capex": 1000, "seat_hours": 1200}
SECONDMENTS = {"kind": "convert", "from": "academic", "to": "double_qualified", "cost": 5000}


def written(tmp_path: Path, config: dict[str, Any]) -> tuple[Path, list[str]]:
    path = write_tiny(tmp_path, config, "plan.yaml")
    return path, path.read_text(encoding="utf-8").splitlines()


def line_of(lines: list[str], fragment: str) -> int:
    """The 1-based line holding ``fragment``, which must occur once."""
    found = [number for number, text in enumerate(lines, 1) if fragment in text]
    assert len(found) == 1, f"{fragment!r} is on lines {found}"
    return found[0]


def problems(tmp_path: Path, config: dict[str, Any]) -> tuple[Path, list[str], list[str]]:
    path, lines = written(tmp_path, config)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return path, lines, [str(p) for p in caught.value.problems]


def assert_rejected(tmp_path: Path, config: dict[str, Any], fragment: str, key: str, message: str) -> None:
    """Loading fails, and among the problems is exactly ``file:line: key: message``,
    the line being the one that holds ``fragment``."""
    path, lines, found = problems(tmp_path, config)
    expected = f"{path}:{line_of(lines, fragment)}: {key}: {message}"
    assert expected in found, "\n".join(found)


def loaded(tmp_path: Path, config: dict[str, Any]) -> Any:
    return load_config(write_tiny(tmp_path, config, "plan.yaml"))


# -- teacher groups: attrition and replaced_by ---------------------------------

GROUP_CASES = [
    pytest.param(
        {"teacher_groups__academic__attrition": 1}, "attrition: 1", "teacher_groups.academic.attrition",
        "expected a yearly share leaving below 1, got 1; a share of 1 or more would mean every teacher leaves every year; "
        "write 4 % as 0.04",
        id="attrition-one",
    ),
    pytest.param(
        {"teacher_groups__academic__attrition": 4}, "attrition: 4", "teacher_groups.academic.attrition",
        "expected a yearly share leaving below 1, got 4; a share of 1 or more would mean every teacher leaves every year; "
        "write 4 % as 0.04",
        id="attrition-percent",
    ),
    pytest.param(
        {"teacher_groups__academic__attrition": -0.1}, "attrition: -0.1", "teacher_groups.academic.attrition",
        "expected a non-negative yearly share of the group leaving, got -0.1",
        id="attrition-negative",
    ),
    pytest.param(
        {"teacher_groups__academic__attrition": "4%"}, "attrition: 4%", "teacher_groups.academic.attrition",
        "expected a non-negative yearly share of the group leaving, got '4%' (write a percentage as a decimal: 0.04 for 4%)",
        id="attrition-text",
    ),
    pytest.param(
        {"teacher_groups__double_qualified__attrition": 0.05, "teacher_groups__double_qualified__replaced_by": "acadmic"},
        "replaced_by: acadmic", "teacher_groups.double_qualified.replaced_by",
        "expected a teacher group or none (leavers are not replaced), got 'acadmic'; did you mean 'academic'? "
        "valid values: academic, double_qualified, enterprise_lecturer, none",
        id="replaced-by-unknown",
    ),
    pytest.param(
        {"teacher_groups__double_qualified__attrition": 0.05, "teacher_groups__double_qualified__replaced_by": "None"},
        "replaced_by: None", "teacher_groups.double_qualified.replaced_by",
        "expected a teacher group or none (leavers are not replaced), got 'None'; did you mean 'none'? "
        "valid values: academic, double_qualified, enterprise_lecturer, none",
        id="replaced-by-capitalised",
    ),
    pytest.param(
        {"teacher_groups__double_qualified__attrition": 0.05, "teacher_groups__double_qualified__replaced_by": ["academic"]},
        "replaced_by:", "teacher_groups.double_qualified.replaced_by",
        "expected a teacher group or none (leavers are not replaced), got a list; did you mean 'academic'? "
        "valid values: academic, double_qualified, enterprise_lecturer, none",
        id="replaced-by-list",
    ),
]


@pytest.mark.parametrize(("changes", "fragment", "key", "message"), GROUP_CASES)
def test_teacher_group_rules(tmp_path: Path, changes: dict[str, Any], fragment: str, key: str, message: str) -> None:
    assert_rejected(tmp_path, tiny_config(**changes), fragment, key, message)


def test_replaced_by_null_is_not_taken_for_none(tmp_path: Path) -> None:
    # YAML's empty value is not the keyword `none`: leaving the key out means
    # "replaced by the group itself", so an empty value is refused, not guessed.
    text = yaml.safe_dump(tiny_config(teacher_groups__academic__attrition=0.05), sort_keys=False)
    text = text.replace("attrition: 0.05", "attrition: 0.05\n    replaced_by:")
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    line = line_of(text.splitlines(), "replaced_by:")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:{line}: teacher_groups.academic.replaced_by: expected a teacher group or none (leavers are not replaced), "
        "got nothing (empty value); did you mean 'none'? valid values: academic, double_qualified, enterprise_lecturer, none"
    ]


def test_attrition_and_replacement_load(tmp_path: Path) -> None:
    config = loaded(tmp_path, tiny_config(
        teacher_groups__academic__attrition=0.04,
        teacher_groups__academic__replaced_by="none",
        teacher_groups__double_qualified__attrition=0.05,
        teacher_groups__double_qualified__replaced_by="academic",
        teacher_groups__enterprise_lecturer__attrition=0.5,
        teacher_groups__enterprise_lecturer__replaced_by="enterprise_lecturer",
    ))
    academic, double, lecturer = (config.groups[g] for g in ("academic", "double_qualified", "enterprise_lecturer"))
    assert (academic.attrition, academic.replaced_by, academic.replacement) == (0.04, None, None)
    assert (double.attrition, double.replaced_by, double.replacement) == (0.05, "academic", "academic")
    assert (lecturer.attrition, lecturer.replacement) == (0.5, "enterprise_lecturer")


def test_attrition_defaults_keep_every_group(tmp_path: Path) -> None:
    config = loaded(tmp_path, tiny_config(teacher_groups__academic__attrition=0.99))
    assert config.groups["academic"].attrition == 0.99
    double = config.groups["double_qualified"]
    assert (double.attrition, double.replaced_by, double.replacement) == (0.0, "", "double_qualified")


def test_replacement_cycles_are_allowed(tmp_path: Path) -> None:
    config = loaded(tmp_path, tiny_config(
        teacher_groups__academic__attrition=0.1, teacher_groups__academic__replaced_by="double_qualified",
        teacher_groups__double_qualified__attrition=0.1, teacher_groups__double_qualified__replaced_by="academic",
    ))
    assert config.groups["academic"].replacement == "double_qualified"
    assert config.groups["double_qualified"].replacement == "academic"


def test_replacement_without_attrition_is_a_warning(tmp_path: Path) -> None:
    path, lines = written(tmp_path, tiny_config(teacher_groups__double_qualified__replaced_by="academic"))
    config = load_config(path)
    line = line_of(lines, "replaced_by: academic")
    assert (
        f"{path}:{line}: teacher_groups.double_qualified.replaced_by: has no effect while attrition is 0 (nobody leaves); "
        "set double_qualified's attrition or remove replaced_by"
    ) in config.warnings
    assert config.groups["double_qualified"].replacement == "academic"


# -- levers: lifetime, upfront, delay, induced_intake ---------------------------

LEVER_CASES = [
    pytest.param(
        {"levers__enterprise_lecturers__lifetime": 0}, "lifetime: 0", "levers.enterprise_lecturers.lifetime",
        "expected a whole number of years, at least 1, got 0",
        id="hire-lifetime-zero",
    ),
    pytest.param(
        {"levers__enterprise_lecturers__lifetime": 2.5}, "lifetime: 2.5", "levers.enterprise_lecturers.lifetime",
        "expected a whole number of years, at least 1, got 2.5 (not a whole number)",
        id="hire-lifetime-fraction",
    ),
    pytest.param(
        {"levers__enterprise_lecturers__lifetime": 1000}, "lifetime: 1000", "levers.enterprise_lecturers.lifetime",
        "expected a whole number of years from 1 to 100, got 1000; 100 years is the longest horizon; "
        "leave lifetime out for 1 year (a unit serves the year it is hired)",
        id="hire-lifetime-huge",
    ),
    pytest.param(
        {"levers__bases": {**BASES, "lifetime": 1000}}, "lifetime: 1000", "levers.bases.lifetime",
        "expected a whole number of years from 1 to 100, got 1000; 100 years is the longest horizon; "
        "leave lifetime out for units that last to the horizon's end",
        id="build-lifetime-huge",
    ),
    pytest.param(
        {"levers__enterprise_lecturers__upfront": -5}, "upfront: -5", "levers.enterprise_lecturers.upfront",
        "expected a non-negative number of yuan, got -5",
        id="hire-upfront-negative",
    ),
    pytest.param(
        {"levers__enterprise_lecturers__delay": -1}, "delay: -1", "levers.enterprise_lecturers.delay",
        "expected a whole number of years from 0 to 100, got -1",
        id="hire-delay-negative",
    ),
    pytest.param(
        {"levers__secondments": {**SECONDMENTS, "delay": 0.5}}, "delay: 0.5", "levers.secondments.delay",
        "expected a whole number of years from 0 to 100, got 0.5 (not a whole number)",
        id="convert-delay-fraction",
    ),
    pytest.param(
        {"levers__bases": {**BASES, "delay": 101}}, "delay: 101", "levers.bases.delay",
        "expected a whole number of years from 0 to 100, got 101",
        id="build-delay-huge",
    ),
    pytest.param(
        {"levers__subsidies": {**SUBSIDY, "delay": 1}}, "delay: 1", "levers.subsidies.delay",
        "delay applies to hire, convert and build levers only; remove it from this subsidise lever",
        id="subsidise-delay",
    ),
    pytest.param(
        {"levers__bases": {**BASES, "upfront": 10}}, "upfront: 10", "levers.bases.upfront",
        "upfront applies to hire levers only; remove it from this build lever",
        id="build-upfront",
    ),
    pytest.param(
        {"levers__subsidies": {**SUBSIDY, "lifetime": 2}}, "lifetime: 2", "levers.subsidies.lifetime",
        "lifetime applies to hire, convert and build levers only; remove it from this subsidise lever",
        id="subsidise-lifetime",
    ),
    pytest.param(
        {"levers__subsidies": {**SUBSIDY, "induced_intake": 1}}, "induced_intake: 1", "levers.subsidies.induced_intake",
        "expected a number of extra enrolments per subsidised place below 1, got 1; at 1 or more each place would bring "
        "a whole student or more, so subsidised places could exceed the cohort they belong to",
        id="induced-intake-one",
    ),
    pytest.param(
        {"levers__subsidies": {**SUBSIDY, "induced_intake": -0.2}}, "induced_intake: -0.2", "levers.subsidies.induced_intake",
        "expected a non-negative number of extra enrolments per subsidised place, got -0.2",
        id="induced-intake-negative",
    ),
]


@pytest.mark.parametrize(("changes", "fragment", "key", "message"), LEVER_CASES)
def test_lever_rules(tmp_path: Path, changes: dict[str, Any], fragment: str, key: str, message: str) -> None:
    """Each wrong value is one problem: the key's own rule, said once."""
    path, lines, found = problems(tmp_path, tiny_config(**changes))
    assert found == [f"{path}:{line_of(lines, fragment)}: {key}: {message}"]


def test_hire_lifetime_left_empty_is_refused(tmp_path: Path) -> None:
    text = yaml.safe_dump(tiny_config(), sort_keys=False).replace("cost: 12000", "cost: 12000\n    lifetime:")
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    line = line_of(text.splitlines(), "lifetime:")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:{line}: levers.enterprise_lecturers.lifetime: a hire lever's lifetime is a whole number of years, "
        "got nothing (empty value); leave it out for 1 year (lasting to the horizon's end is for convert and build levers)"
    ]


def test_hire_lifetime_defaults_to_one_year(tmp_path: Path) -> None:
    lever = loaded(tmp_path, tiny_config()).levers["enterprise_lecturers"]
    assert (lever.lifetime, lever.upfront, lever.delay) == (1, 0.0, 0)
    assert isinstance(lever.lifetime, int)


def test_new_lever_keys_load(tmp_path: Path) -> None:
    config = loaded(tmp_path, tiny_config(
        horizon={"start": 2025, "years": 6},
        levers__enterprise_lecturers__lifetime=5.0,
        levers__enterprise_lecturers__upfront=20000,
        levers__enterprise_lecturers__delay=1,
        levers__secondments={**SECONDMENTS, "delay": 2, "lifetime": 3},
        levers__bases={**BASES, "delay": 1},
        levers__subsidies={**SUBSIDY, "induced_intake": 0.99},
    ))
    hire, convert, build, subsidy = (config.levers[n] for n in ("enterprise_lecturers", "secondments", "bases", "subsidies"))
    assert (hire.lifetime, hire.upfront, hire.delay) == (5, 20000.0, 1)
    assert isinstance(hire.lifetime, int) and isinstance(hire.delay, int)
    assert (convert.lifetime, convert.delay) == (3, 2)
    assert (build.lifetime, build.delay) == (None, 1)
    assert (subsidy.delay, subsidy.induced_intake) == (0, 0.99)


def test_delay_past_the_horizon_is_a_warning(tmp_path: Path) -> None:
    path, lines = written(tmp_path, tiny_config(horizon={"start": 2025, "years": 3}, levers__bases={**BASES, "delay": 3}))
    config = load_config(path)
    assert (
        f"{path}:{line_of(lines, 'delay: 3')}: levers.bases.delay: a unit started in 2025 is first active in 2028, "
        "after the horizon's last year 2027; this lever adds nothing within the horizon"
    ) in config.warnings
    within = loaded(tmp_path, tiny_config(horizon={"start": 2025, "years": 3}, levers__bases={**BASES, "delay": 2}))
    assert not [w for w in within.warnings if "levers.bases.delay" in w]


def test_delay_counts_from_available_from(tmp_path: Path) -> None:
    config = loaded(tmp_path, tiny_config(
        horizon={"start": 2025, "years": 3}, levers__bases={**BASES, "delay": 1, "available_from": 2027}
    ))
    assert any(
        "levers.bases.delay: a unit started in 2027 is first active in 2028, after the horizon's last year 2027" in w
        for w in config.warnings
    )


# -- objective.smooth -----------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [(True, 1e-7), (False, None), (0.01, 0.01), (0, 0.0), (0.999, 0.999)])
def test_smooth_values(tmp_path: Path, value: Any, expected: float | None) -> None:
    assert loaded(tmp_path, tiny_config(objective={"smooth": value})).objective.smooth == expected


def test_smooth_defaults_to_true(tmp_path: Path) -> None:
    assert loaded(tmp_path, tiny_config()).objective.smooth == 1e-7
    assert loaded(tmp_path, tiny_config(objective={"tie_break": False})).objective.smooth == 1e-7


SMOOTH_CASES = [
    pytest.param(
        1, "smooth: 1",
        "expected true, false or a share below 1, got 1; it is the share of output given up for a steadier plan, "
        "and 1 or more gives up all of it; write 1 % as 0.01",
        id="one",
    ),
    pytest.param(
        5, "smooth: 5",
        "expected true, false or a share below 1, got 5; it is the share of output given up for a steadier plan, "
        "and 1 or more gives up all of it; write 1 % as 0.01",
        id="percent",
    ),
    pytest.param(
        -0.1, "smooth: -0.1",
        "expected true, false or a share of output to give up for a steadier plan (such as 0.01), got -0.1",
        id="negative",
    ),
    pytest.param(
        "steady", "smooth: steady",
        "expected true, false or a share of output to give up for a steadier plan (such as 0.01), got 'steady'",
        id="text",
    ),
]


@pytest.mark.parametrize(("value", "fragment", "message"), SMOOTH_CASES)
def test_smooth_rules(tmp_path: Path, value: Any, fragment: str, message: str) -> None:
    assert_rejected(tmp_path, tiny_config(objective={"smooth": value}), fragment, "objective.smooth", message)


# -- numbers the solver cannot take --------------------------------------------

SANE_CASES = [
    pytest.param(
        {"teacher_groups__academic__hours": 20000}, "hours: 20000", "teacher_groups.academic.hours",
        "expected at most 8,760 teaching hours per teacher and year, got 20000; "
        "a year has 8,760 hours, and a full teaching load is a few hundred",
        id="teacher-hours",
    ),
    pytest.param(
        {"tiers__basic__hours__knowledge": 9000}, "knowledge: 9000", "tiers.basic.hours.knowledge",
        "expected at most 8,760 hours per student and year, got 9000; "
        "a year has 8,760 hours, and a course type takes a few hundred of a student's year",
        id="student-hours",
    ),
    pytest.param(
        {"levers__bases": {**BASES, "seat_hours": 10000}}, "seat_hours: 10000", "levers.bases.seat_hours",
        "expected at most 8,760 training hours per seat and year, got 10000; "
        "a year has 8,760 hours, and a seat in use every working day gives about 1,200",
        id="seat-hours",
    ),
    pytest.param(
        {"tiers__basic__completion_rate": 1e-9}, "completion_rate: 1.0e-09", "tiers.basic.completion_rate",
        "expected 0, or a share from 0.001 to 1, got 1e-09; a positive completion rate below one in a thousand is "
        "no real programme's, and output that small is lost in the solver's tolerances",
        id="completion-tiny",
    ),
    pytest.param(
        {"tiers__basic__weight": 1e7}, "weight: 10000000", "tiers.basic.weight",
        "expected 0, or a value per graduate from 0.001 to 1,000,000, got 10000000.0; weights are relative values "
        "(such as 1 for basic, 2.6 for senior) or yuan per graduate; outside this range one tier outweighs the others "
        "beyond what the solver can tell apart",
        id="weight-huge",
    ),
    pytest.param(
        {"tiers__basic__weight": 1e-6}, "weight: 1.0e-06", "tiers.basic.weight",
        "expected 0, or a value per graduate from 0.001 to 1,000,000, got 1e-06; weights are relative values "
        "(such as 1 for basic, 2.6 for senior) or yuan per graduate; outside this range one tier outweighs the others "
        "beyond what the solver can tell apart",
        id="weight-tiny",
    ),
    pytest.param(
        {"courses__practice__class_size": 0.001}, "class_size: 0.001", "courses.practice.class_size",
        "expected at least 1 student per class, got 0.001; "
        "a class has at least one student, and a smaller size multiplies the teaching hours it needs",
        id="class-size",
    ),
    pytest.param(
        {"tiers__basic__duration": 30}, "duration: 30", "tiers.basic.duration",
        "expected a whole number of years of study from 1 to 20, got 30; no programme of study lasts longer",
        id="duration",
    ),
]


@pytest.mark.parametrize(("changes", "fragment", "key", "message"), SANE_CASES)
def test_sane_number_rules(tmp_path: Path, changes: dict[str, Any], fragment: str, key: str, message: str) -> None:
    assert_rejected(tmp_path, tiny_config(**changes), fragment, key, message)


def test_the_edges_of_the_sane_ranges_load(tmp_path: Path) -> None:
    config = loaded(tmp_path, tiny_config(
        teacher_groups__academic__hours=8760,
        tiers__basic__completion_rate=0.001,
        tiers__basic__weight=1e6,
        tiers__basic__duration=20,
        courses__knowledge__class_size=1,
        levers__bases={**BASES, "seat_hours": 8760, "lifetime": 100},
    ))
    assert config.groups["academic"].hours == 8760
    assert (config.tiers["basic"].completion_rate, config.tiers["basic"].weight, config.tiers["basic"].duration) == (0.001, 1e6, 20)
    assert config.levers["bases"].seat_hours == 8760 and config.levers["bases"].lifetime == 100
    nothing = loaded(tmp_path, tiny_config(tiers__basic__completion_rate=0, tiers__basic__weight=0))
    assert (nothing.tiers["basic"].completion_rate, nothing.tiers["basic"].weight) == (0.0, 0.0)


def test_every_new_problem_is_reported_in_one_pass(tmp_path: Path) -> None:
    _, _, found = problems(tmp_path, tiny_config(
        teacher_groups__academic__attrition=2,
        levers__subsidies={**SUBSIDY, "delay": 1, "induced_intake": 3},
        objective={"smooth": "yes"},
        teacher_groups__academic__hours=1e5,
    ))
    keys = sorted(p.split(": ")[1] for p in found)
    assert keys == [
        "levers.subsidies.delay", "levers.subsidies.induced_intake", "objective.smooth",
        "teacher_groups.academic.attrition", "teacher_groups.academic.hours",
    ]


# -- warnings: series years past the horizon, teachers not given ----------------

SERIES = [
    ("funding.universities.per_year", {"funding__universities__per_year": {2025: 24000, 2035: 1}}),
    ("policies.max_external_ratio", {"policies": {"max_external_ratio": {2025: 0.5, 2035: 1}}}),
    ("policies.min_double_qualified_share", {"policies": {"min_double_qualified_share": {2025: 0, 2035: 1}}}),
    ("tiers.basic.demand", {"tiers__basic__demand": {2025: 100, 2035: 1}}),
    ("levers.enterprise_lecturers.max_per_year", {"levers__enterprise_lecturers__max_per_year": {2025: 9, 2035: 1}}),
    ("levers.enterprise_lecturers.min_per_year", {"levers__enterprise_lecturers__min_per_year": {2025: 0, 2035: 1}}),
    ("levers.enterprise_lecturers.region_max_per_year", {"levers__enterprise_lecturers__region_max_per_year": {2025: 9, 2035: 1}}),
    ("institutions[0].policies.max_external_ratio", {"institutions__0__policies": {"max_external_ratio": {2025: 0.5, 2035: 1}}}),
    ("objective.targets.basic", {"objective": {"mode": "min_cost", "targets": {"basic": {2025: 10, 2035: 1}}}}),
]


@pytest.mark.parametrize(("key", "changes"), SERIES, ids=[key for key, _ in SERIES])
def test_series_year_after_the_horizon_is_a_warning(tmp_path: Path, key: str, changes: dict[str, Any]) -> None:
    path, lines = written(tmp_path, tiny_config(horizon={"start": 2025, "years": 6}, **changes))
    config = load_config(path)
    expected = f"{path}:{line_of(lines, '2035:')}: {key}: year 2035 is after the horizon's last year 2030; its value never applies"
    assert [w for w in config.warnings if "2035" in w] == [expected]


def test_series_year_in_the_horizon_is_not_warned(tmp_path: Path) -> None:
    config = loaded(tmp_path, tiny_config(horizon={"start": 2025, "years": 6}, funding__universities__per_year={2024: 1, 2030: 2}))
    assert not [w for w in config.warnings if "per_year" in w]


def test_series_year_overtaken_before_the_start_is_a_warning(tmp_path: Path) -> None:
    path, lines = written(tmp_path, tiny_config(funding__universities__per_year={2020: 1, 2023: 24000, 2025: 24000}))
    config = load_config(path)
    expected = (
        f"{path}:{line_of(lines, '2020:')}: funding.universities.per_year: year 2020 is followed by 2025 before the horizon "
        "starts in 2025; its value never applies"
    )
    per_year = [w for w in config.warnings if "per_year" in w]
    assert expected in per_year and len(per_year) == 2  # 2020 and 2023; 2025 applies
    assert any("year 2023 is followed by 2025" in w for w in per_year)


def test_a_scenario_shortening_the_horizon_warns_there(tmp_path: Path) -> None:
    config = tiny_config(
        horizon={"start": 2025, "years": 3},
        funding__universities__per_year={2025: 24000, 2027: 1},
        scenarios={"short": {"set": {"horizon.years": 2}}},
    )
    path = write_tiny(tmp_path, config)
    assert not [w for w in load_config(path).warnings if "per_year" in w]
    short = load_config(path, scenario="short").warnings
    assert any("funding.universities.per_year: year 2027 is after the horizon's last year 2026" in w for w in short)


def missing_double_qualified(warnings: tuple[str, ...]) -> list[str]:
    return [w for w in warnings if "double_qualified" in w and "taken as 0" in w]


def test_in_house_group_missing_at_an_institution_is_a_warning(tmp_path: Path) -> None:
    # The tiny config gives College academic teachers only; enterprise
    # lecturers are external (they start at 0) and are not mentioned.
    path, lines = written(tmp_path, tiny_config())
    config = load_config(path)
    line = line_of(lines, "teachers:")
    assert missing_double_qualified(config.warnings) == [
        f"{path}:{line}: institutions[0].teachers: no 'double_qualified' teachers given at College; "
        "taken as 0 (write double_qualified: 0 to say so)"
    ]
    assert not [w for w in config.warnings if "enterprise_lecturer" in w]
    assert config.institutions[0].teachers == {"academic": 10}


def test_a_group_given_as_zero_is_not_warned(tmp_path: Path) -> None:
    config = loaded(tmp_path, tiny_config(institutions__0__teachers={"academic": 10, "double_qualified": 0}))
    assert config.warnings == ()


def test_a_group_missing_at_many_institutions_is_one_warning(tmp_path: Path) -> None:
    institutions = [{"name": f"College {n}", "teachers": {"academic": 10}, "intake": {"basic": 100}} for n in range(1, 8)]
    institutions[3]["teachers"] = {"academic": 10, "double_qualified": 2}
    path, lines = written(tmp_path, tiny_config(institutions=institutions))
    config = load_config(path)
    assert missing_double_qualified(config.warnings) == [
        f"{path}:{lines.index('  double_qualified:') + 1}: teacher_groups.double_qualified: not in the teachers of 6 institutions "
        "(College 1, College 2, College 3, College 5, College 6 and 1 more); taken as 0 there "
        "(write double_qualified: 0 in their teachers to say so)"
    ]


def test_a_group_missing_in_a_csv_points_at_the_row(tmp_path: Path) -> None:
    (tmp_path / "inst.csv").write_text(
        "name,teachers.academic,teachers.double_qualified,intake.basic\nCollege,10,1,100\nOther,5,,100\n", encoding="utf-8"
    )
    config = loaded(tmp_path, tiny_config(institutions={"file": "inst.csv"}))
    assert missing_double_qualified(config.warnings) == [
        f"{tmp_path / 'inst.csv'}:3: institutions[1].teachers: no 'double_qualified' teachers given at Other; "
        "taken as 0 (write double_qualified: 0 to say so)"
    ]


def test_validate_shows_each_warning_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_tiny(tmp_path, tiny_config(funding__universities__per_year={2025: 24000, 2031: 1}))
    assert main(["validate", str(path)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert len([line for line in err if line.startswith("warning: ") and "no 'double_qualified' teachers" in line]) == 1
    assert len([line for line in err if line.startswith("warning: ") and "year 2031 is after" in line]) == 1


def test_solve_shows_the_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", str(write_tiny(tmp_path, tiny_config()))]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len([line for line in out if line.startswith("warning: ") and "no 'double_qualified' teachers" in line]) == 1


# -- the shared known-answer config with version-2 keys ------------------------

def test_v2_workforce_case_loads_with_its_v2_values() -> None:
    config = load_config(CASES / "v2_workforce.yaml")
    assert config.warnings == ()
    groups = {name: (g.attrition, g.replacement, g.external) for name, g in config.groups.items()}
    assert groups == {
        "three_no": (0.08, "academic", False),
        "academic": (0.03, "academic", False),
        "double_qualified": (0.05, "academic", False),
        "enterprise_lecturer": (0.0, "enterprise_lecturer", True),
    }
    levers = {name: (lv.kind, lv.lifetime, lv.delay, lv.upfront) for name, lv in config.levers.items()}
    assert levers == {
        "enterprise_lecturers": ("hire", 1, 0, 0.0),
        "recruitment": ("hire", 3, 0, 10000.0),
        "retraining": ("convert", None, 0, 0.0),
        "secondments": ("convert", 4, 1, 0.0),
        "training_bases": ("build", 10, 1, 0.0),
        "tuition_subsidies": ("subsidise", None, 0, 0.0),
    }
    assert config.levers["recruitment"].cost == 50000 and config.levers["recruitment"].group == "double_qualified"
    assert config.levers["tuition_subsidies"].induced_intake == 0.3
    assert (config.objective.mode, config.objective.tie_break, config.objective.smooth) == ("max_output", True, 1e-7)
    assert [i.name for i in config.institutions] == ["Vocational college", "Applied university"]


def test_an_institution_name_that_is_a_list_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    # Found by the fuzzer: a list as a name reached a dictionary key and raised TypeError.
    path = tmp_path / "odd.yaml"
    path.write_text(
        (CASES / "small.yaml").read_text(encoding="utf-8").replace("- name: ", "- name: [x]\n  old_name: ", 1),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert "institutions" in str(caught.value)
