"""Every validation rule reports file, line, key path, the value and the fix."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from optimiser import ConfigError, load_config

from ..tiny import tiny_config, write_tiny


def problems_of(tmp_path: Path, config: dict[str, Any] | str) -> list[str]:
    if isinstance(config, str):
        path = tmp_path / "bad.yaml"
        path.write_text(config, encoding="utf-8")
    else:
        path = write_tiny(tmp_path, config, "bad.yaml")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return [str(p) for p in caught.value.problems]


def one_problem(tmp_path: Path, config: dict[str, Any] | str, pattern: str) -> str:
    problems = problems_of(tmp_path, config)
    matching = [p for p in problems if re.search(pattern, p)]
    assert matching, f"no problem matches {pattern!r} in {problems}"
    return matching[0]


CASES = [
    # (changes to the tiny config, expected message pattern)
    ({"horizon": {"start": 2025, "years": 0}}, r"horizon\.years: expected a whole number of years from 1 to 100, got 0"),
    ({"horizon": {"start": 2025, "years": 1000000000}}, r"horizon\.years: expected a whole number of years from 1 to 100, got 1000000000"),
    ({"horizon": {"start": -5, "years": 1}}, r"horizon\.start: expected a year from 1900 to 2200, such as 2025, got -5"),
    ({"levers__enterprise_lecturers__cost": 1e300}, r"levers\.enterprise_lecturers\.cost: .*beyond any plan \(more than 1e15\); check the units"),
    ({"funding__universities__per_year": "1e9"}, r"funding\.universities\.per_year: .*got '1e9' \(YAML reads 1e9 as text: .* write 1\.0e\+9, or in full: 1000000000\)"),
    ({"levers__enterprise_lecturers__min_per_year": 5, "levers__enterprise_lecturers__max_per_year": 2}, r"levers\.enterprise_lecturers\.min_per_year: min_per_year \(5\) is above max_per_year \(2\) in 2025"),
    ({"horizon": {"start": 2025}}, r"horizon: missing required key 'years'"),
    ({"discount_rate": float("nan")}, r"discount_rate: .*got nan \(not a finite number\)"),
    ({"courses__knowledge__class_size": 0}, r"courses\.knowledge\.class_size: expected a positive number of students, got 0"),
    ({"courses__training": None}, r"courses: missing required key 'training'"),
    ({"tiers__basic__duration": 0}, r"tiers\.basic\.duration: expected a whole number of years of study, at least 1, got 0"),
    ({"tiers__basic__duration": 1.5}, r"tiers\.basic\.duration: .*got 1\.5 \(not a whole number\)"),
    ({"tiers__basic__completion_rate": 1.2}, r"tiers\.basic\.completion_rate: expected a share between 0 and 1, got 1\.2"),
    ({"tiers__basic__hours__practice": -3}, r"tiers\.basic\.hours\.practice: expected a non-negative number of hours"),
    ({"tiers__basic__hourz": 1}, r"tiers\.basic\.hourz: unknown key 'hourz'; did you mean 'hours'\?"),
    ({"levers__enterprise_lecturers__cost": "sixty"}, r"levers\.enterprise_lecturers\.cost: expected a non-negative number of yuan, got 'sixty'"),
    ({"levers__enterprise_lecturers__cost": float("inf")}, r"levers\.enterprise_lecturers\.cost: .*not a finite number"),
    ({"levers__enterprise_lecturers__group": "lecturer"}, r"levers\.enterprise_lecturers\.group: unknown teacher group 'lecturer'; valid teacher groups: academic, double_qualified, enterprise_lecturer"),
    ({"levers__enterprise_lecturers__kind": "hier"}, r"levers\.enterprise_lecturers\.kind: unknown lever kind 'hier'; did you mean 'hire'\?"),
    ({"levers__enterprise_lecturers__institutions": ["Colege"]}, r"levers\.enterprise_lecturers\.institutions\[0\]: unknown institution 'Colege'; did you mean 'College'\?"),
    ({"funding__universities__per_year": -1}, r"funding\.universities\.per_year: expected a non-negative number of yuan per year, got -1"),
    ({"funding__universities__funds": ["enterprise_lecturer"]}, r"funding\.universities\.funds\[0\]: unknown lever 'enterprise_lecturer'; did you mean 'enterprise_lecturers'\?"),
    ({"policies": {"min_double_qualified_share": {2025: 1.5}}}, r"policies\.min_double_qualified_share\.2025: expected a share between 0 and 1, got 1\.5"),
    ({"policies": {"max_external_ratio": {"soon": 0.2}}}, r"policies\.max_external_ratio\.soon: a series key must be a year"),
    ({"institutions__0__max_intake": {"basic": 50}}, r"institutions\[0\]\.max_intake\.basic: max_intake \(50\) is below the baseline intake \(100\)"),
    ({"institutions__0__teachers": {"academic": 10, "adjunct": 2}}, r"institutions\[0\]\.teachers\.adjunct: unknown teacher group 'adjunct'"),
    ({"institutions__0__intake": {"senior": 10}}, r"tier 'senior' is not offered here"),
    ({"objective": {"mode": "min_cost"}}, r"objective: min_cost mode needs objective\.targets"),
    ({"objective": {"targets": {"basic": 5}}}, r"objective\.targets: targets are used only in min_cost mode"),
    ({"objective": {"mode": "max_outptu"}}, r"objective\.mode: unknown objective mode 'max_outptu'; did you mean 'max_output'\?"),
    ({"scenarios": {"lean": {"set": {"funding.universities.per_yer": 1}}}}, r"scenarios\.lean\.set\.funding\.universities\.per_yer: after this change.*unknown key 'per_yer'; did you mean 'per_year'\?"),
    ({"scenarios": {"lean": {"set": {"fundng.universities.per_year": 1}}}}, r"scenarios\.lean\.set\.fundng\.universities\.per_year: no key 'fundng' under the top level; did you mean 'funding'\?"),
    ({"total_budget": -5}, r"total_budget: expected a non-negative number of yuan, got -5"),
]


@pytest.mark.parametrize(("changes", "pattern"), CASES)
def test_rule_message(tmp_path: Path, changes: dict[str, Any], pattern: str) -> None:
    message = one_problem(tmp_path, tiny_config(**changes), pattern)
    assert message.startswith(str(tmp_path / "bad.yaml") + ":"), message
    assert re.match(r".*bad\.yaml:\d+: ", message), f"no line number in {message}"


def test_all_problems_reported_together(tmp_path: Path) -> None:
    config = tiny_config(
        horizon={"start": 2025, "years": 0},
        levers__enterprise_lecturers__cost="sixty",
        institutions__0__trainig_seats=4,
    )
    problems = problems_of(tmp_path, config)
    assert len(problems) == 3
    assert any("did you mean 'training_seats'" in p for p in problems)


def test_line_number_points_at_the_value(tmp_path: Path) -> None:
    text = yaml.safe_dump(tiny_config(levers__enterprise_lecturers__cost="sixty"), sort_keys=False)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "sixty" in row)
    message = one_problem(tmp_path, text, "sixty")
    assert f"bad.yaml:{line}: levers.enterprise_lecturers.cost" in message


def test_python_tags_are_rejected_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = f"name: !!python/object/apply:os.system ['touch {marker}']\n"
    message = one_problem(tmp_path, text, "tag")
    assert "is not allowed" in message
    assert not marker.exists()


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    message = one_problem(tmp_path, "name: x\nhorizon: {start: 2025, years: 3\n", "YAML syntax error")
    assert re.search(r"bad\.yaml:\d+: YAML syntax error", message)


def test_duplicate_key_is_an_error(tmp_path: Path) -> None:
    one_problem(tmp_path, "name: a\nname: b\n", r"bad\.yaml:2: key 'name' is given twice")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nowhere\.yaml: file not found"):
        load_config(tmp_path / "nowhere.yaml")


def test_unknown_scenario_lists_valid_ones(tmp_path: Path) -> None:
    config = tiny_config(scenarios={"lean": {"set": {"funding.universities.per_year": 1}}})
    path = write_tiny(tmp_path, config)
    with pytest.raises(ConfigError, match=r"no scenario 'laen'; did you mean 'lean'\? valid scenarios: base, lean"):
        load_config(path, scenario="laen")


def test_scenario_applies_dotted_paths(tmp_path: Path) -> None:
    config = tiny_config(scenarios={"lean": {"description": "half", "set": {"funding.universities.per_year": 12000}}})
    lean = load_config(write_tiny(tmp_path, config), scenario="lean")
    assert lean.funding["universities"].per_year.at(2025) == 12000
    assert lean.scenario_name == "lean"


def test_with_changes_validates_and_leaves_original(tmp_path: Path) -> None:
    base = load_config(write_tiny(tmp_path, tiny_config()))
    changed = base.with_changes({"institutions.College.intake.basic": 50})
    assert changed.institutions[0].intake["basic"] == 50
    assert base.institutions[0].intake["basic"] == 100
    with pytest.raises(ConfigError, match=r"with_changes\.levers\.enterprise_lecturers\.cost: .*expected a non-negative number of yuan, got -1"):
        base.with_changes({"levers.enterprise_lecturers.cost": -1})


def test_lever_no_source_funds_is_a_warning(tmp_path: Path) -> None:
    config = tiny_config(
        levers__training_bases={"kind": "build", "capex": 1000},
        funding={"universities": {"per_year": 24000, "funds": ["enterprise_lecturers"]}},
    )
    loaded = load_config(write_tiny(tmp_path, config))
    assert any("no funding source may pay for lever 'training_bases'" in w for w in loaded.warnings)


def test_institutions_from_csv(tmp_path: Path) -> None:
    (tmp_path / "inst.csv").write_text(
        "name,tiers,teachers.academic,intake.basic,max_intake.basic,training_seats\n"
        "College,basic,10,100,120,0\n"
        "Other,basic,5,sixty,,\n",
        encoding="utf-8",
    )
    config = tiny_config(institutions={"file": "inst.csv"})
    message = one_problem(tmp_path, config, "sixty")
    assert message.startswith(f"{tmp_path / 'inst.csv'}:3: institutions[1].intake.basic")


def test_csv_institutions_load(tmp_path: Path) -> None:
    (tmp_path / "inst.csv").write_text(
        "name,tiers,teachers.academic,intake.basic,max_intake.basic\nCollege,basic,10,100,120\n", encoding="utf-8"
    )
    loaded = load_config(write_tiny(tmp_path, tiny_config(institutions={"file": "inst.csv"})))
    assert loaded.institutions[0].max_intake == {"basic": 120.0}


def test_lever_institutions_may_be_one_name(tmp_path: Path) -> None:
    loaded = load_config(write_tiny(tmp_path, tiny_config(levers__enterprise_lecturers__institutions="College")))
    assert loaded.levers["enterprise_lecturers"].institutions == ("College",)


def test_csv_duplicate_column_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "inst.csv").write_text(
        "name,teachers.academic,teachers.academic,intake.basic\nCollege,10,20,100\n", encoding="utf-8"
    )
    message = one_problem(tmp_path, tiny_config(institutions={"file": "inst.csv"}), "given twice")
    assert message == f"{tmp_path / 'inst.csv'}:1: column 'teachers.academic' is given twice in the header; keep one"


def test_missing_csv_file(tmp_path: Path) -> None:
    one_problem(tmp_path, tiny_config(institutions={"file": "missing.csv"}), r"institutions\.file: CSV file not found")


def test_scenario_may_add_an_optional_section_and_a_year(tmp_path: Path) -> None:
    config = tiny_config(
        horizon={"start": 2025, "years": 3},
        scenarios={
            "strict": {"set": {"policies.max_external_ratio": 0.1}},
            "cut": {"set": {"funding.universities.per_year.2026": 12000}},
        },
    )
    path = write_tiny(tmp_path, config)
    strict = load_config(path, scenario="strict")
    assert strict.policies.max_external_ratio is not None and strict.policies.max_external_ratio.at(2025) == 0.1
    cut = load_config(path, scenario="cut").funding["universities"].per_year
    assert (cut.at(2025), cut.at(2026), cut.at(2027)) == (24000, 12000, 12000)


@pytest.mark.parametrize(("written", "message"), [
    ("0100", "seats: YAML reads 0100 as 64, an octal number (a leading zero makes one); write 100 without the "
             "leading zero, or put it in quotes (\"0100\") if it is a name or a code"),
    ("1:4", "seats: YAML reads 1:4 as 64, a base-60 number (as for times of day); write a decimal number "
            "(a ratio such as 1:4 as 0.25), or put the text in quotes"),
    ("1:30.5", "seats: YAML reads 1:30.5 as 90.5, a base-60 number"),
])
def test_numbers_yaml_1_1_reads_as_another_number_are_refused_with_the_number_meant(
    tmp_path: Path, written: str, message: str
) -> None:
    text = yaml.safe_dump(tiny_config(institutions__0__training_seats=123456), sort_keys=False)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "123456" in row)
    problem = one_problem(tmp_path, text.replace("123456", written), "YAML reads")
    assert problem.startswith(f"{tmp_path / 'bad.yaml'}:{line}: institutions[0].training_{message}")


def test_a_leading_zero_that_changes_nothing_and_digit_groups_are_read_as_written(tmp_path: Path) -> None:
    text = yaml.safe_dump(tiny_config(institutions__0__training_seats=123456), sort_keys=False)
    for written, seats in (("007", 7), ("1_000", 1000), ('"0100"', None)):
        path = tmp_path / "seats.yaml"
        path.write_text(text.replace("123456", written), encoding="utf-8")
        if seats is None:  # quoted: text, refused as a number would be
            with pytest.raises(ConfigError, match="training_seats: expected"):
                load_config(path)
        else:
            assert load_config(path).institutions[0].training_seats == seats


@pytest.mark.parametrize(("name", "hint"), [
    ("No", 'YAML reads yes, no, on, off, true and false unquoted as true or false: put the text in quotes, e.g. "No"'),
    ("2025", 'a number: put the text in quotes, e.g. "2025"'),
])
def test_a_name_yaml_reads_as_a_flag_or_a_number_says_to_quote_it(tmp_path: Path, name: str, hint: str) -> None:
    text = yaml.safe_dump(tiny_config(), sort_keys=False)
    text = re.sub(r"(?m)^name: .*$", f"name: {name}", text)
    assert hint in one_problem(tmp_path, text, r"^.*bad\.yaml:\d+: name: expected")


def test_a_scenario_name_with_a_comma_is_refused_since_the_command_line_splits_there(tmp_path: Path) -> None:
    config = tiny_config(scenarios={"a,b": {"set": {"funding.universities.per_year": 1}}})
    message = one_problem(tmp_path, config, "comma")
    assert "scenarios.a,b: a scenario name cannot hold a comma: --scenarios takes names separated by commas; " \
           "rename it, e.g. 'a_b'" in message


@pytest.mark.parametrize("price", [1e-6, 0.001, 0.0099])
def test_a_price_below_one_fen_is_refused_since_the_solver_takes_it_for_zero(tmp_path: Path, price: float) -> None:
    message = one_problem(tmp_path, tiny_config(levers__enterprise_lecturers__cost=price), "one fen")
    assert (f"levers.enterprise_lecturers.cost: expected 0, or at least 0.01 yuan (one fen) per unit, got {price:g}; "
            "the solver holds money in thousands of yuan and takes an amount below a millionth of one for zero") in message


@pytest.mark.parametrize("price", [0, 0.01])
def test_a_free_lever_and_one_of_a_fen_are_taken(tmp_path: Path, price: float) -> None:
    path = write_tiny(tmp_path, tiny_config(levers__enterprise_lecturers__cost=price))
    assert load_config(path).levers["enterprise_lecturers"].cost == price
