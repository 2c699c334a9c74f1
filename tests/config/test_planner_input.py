"""Values written the way a planner writes them, and mistakes that should be reported once.

Numbers YAML reads as text (``1e15``, ``400万``, ``4%``) get the plain number to
write, checked by loading a config with it; a YAML syntax error and an
institutions CSV row with more cells than columns name the usual cause and
the fix; a mistake inside one definition (a tier misspelt in an institution's
tiers, a teacher group's attrition) is reported once, not again at each place
that refers to the definition; and an external-teacher ratio above 1 is a
warning. Messages are checked in English and Chinese.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from optimiser import ConfigError, load_config
from optimiser.cli import main
from optimiser.i18n import language

from ..tiny import tiny_config, write_tiny

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


def problems_of(path: Path, lang: str = "en") -> list[str]:
    """The problems loading ``path`` reports, in ``lang``."""
    with language(lang), pytest.raises(ConfigError) as caught:
        load_config(path)
    return [str(problem) for problem in caught.value.problems]


def zhejiang(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    """A copy of configs/zhejiang.yaml with each ``(old, new)`` text replaced (``old`` must occur)."""
    text = (CONFIGS / "zhejiang.yaml").read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "zhejiang.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, fragment: str) -> int:
    """The 1-based line of ``path`` that holds ``fragment``, which must occur once."""
    found = [n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if fragment in text]
    assert len(found) == 1, (fragment, found)
    return found[0]


GOVERNMENT = "per_year: 10000000                 # assumption (see above)"


def government(value: str) -> tuple[str, str]:
    """The edit that writes ``value`` for funding.government.per_year."""
    return GOVERNMENT, f"per_year: {value}"


# -- numbers YAML reads as text ---------------------------------------------------------------

@pytest.mark.parametrize(("written", "fixed", "full", "value"), [
    ("1e15", "1.0e+15", "1000000000000000", 1e15),
    ("1.0e9", "1.0e+9", "1000000000", 1e9),
    ("2.5E7", "2.5e+7", "25000000", 2.5e7),
])
def test_an_exponent_gets_a_form_yaml_reads_as_a_number(tmp_path: Path, written: str, fixed: str, full: str,
                                                        value: float) -> None:
    [english] = problems_of(zhejiang(tmp_path, government(written)))
    assert english.endswith(
        f"funding.government.per_year: expected a non-negative number of yuan per year, got '{written}' (YAML reads "
        f"{written} as text: a number with an exponent needs a decimal point and a sign after the e; write {fixed}, "
        f"or in full: {full})")
    [chinese] = problems_of(tmp_path / "zhejiang.yaml", "zh")
    assert chinese.endswith(f"（YAML 将 {written} 读作文本：带指数的数字须有小数点，且 e 后须带正负号；请写成 {fixed}，"
                            f"或写出完整数字：{full}）")
    for suggested in (fixed, full):
        config = load_config(zhejiang(tmp_path, government(suggested)))
        assert config.funding["government"].per_year.at(2025) == value


@pytest.mark.parametrize(("written", "number"), [
    ("400万", "4000000"), ("四百万", "4000000"), ("1.5亿", "150000000"), ("400万元", "4000000"), ("2,000,000", None),
])
def test_a_chinese_amount_gets_the_number_in_digits(tmp_path: Path, written: str, number: str | None) -> None:
    [english] = problems_of(zhejiang(tmp_path, government(written)))
    [chinese] = problems_of(tmp_path / "zhejiang.yaml", "zh")
    if number is None:  # thousands separators
        assert english.endswith(f"got '{written}' (write it without thousands separators: 2000000)")
        assert chinese.endswith(f"'{written}'（请去掉千位分隔符，写作 2000000）")
        number = "2000000"
    else:
        assert english.endswith(f"got '{written}' (write the amount in digits: {number} for {written})")
        assert chinese.endswith(f"'{written}'（请用阿拉伯数字书写：{written} 写作 {number}）")
    assert load_config(zhejiang(tmp_path, government(number))).funding["government"].per_year.at(2025) == int(number)


ATTRITION = "attrition: 0.04                    # assumption: ~3%/yr retirement (35-year career) + ~1%/yr resignation"


@pytest.mark.parametrize(("written", "share"), [("4%", "0.04"), ("35%", "0.35"), ("12.5 %", "0.125")])
def test_a_percentage_for_a_share_gets_the_decimal(tmp_path: Path, written: str, share: str) -> None:
    path = zhejiang(tmp_path, (ATTRITION, f"attrition: {written}"))
    [english] = problems_of(path)
    assert english.endswith(f"teacher_groups.three_no.attrition: expected a non-negative yearly share of the group "
                            f"leaving, got '{written}' (write a percentage as a decimal: {share} for {written})")
    [chinese] = problems_of(path, "zh")
    assert chinese.endswith(f"'{written}'（百分数请写成小数：{written} 写作 {share}）")
    config = load_config(zhejiang(tmp_path, (ATTRITION, f"attrition: {share}")))
    assert config.groups["three_no"].attrition == float(share)


def test_a_percentage_for_an_amount_gets_no_share_hint(tmp_path: Path) -> None:
    [problem] = problems_of(zhejiang(tmp_path, government("5%")))
    assert problem.endswith("funding.government.per_year: expected a non-negative number of yuan per year, got '5%'")


def test_a_percentage_for_the_external_ratio_gets_the_decimal(tmp_path: Path) -> None:
    [problem] = problems_of(zhejiang(tmp_path, ("max_external_ratio: 0.25 ", "max_external_ratio: 25% ")))
    assert problem.endswith("got '25%' (write a percentage as a decimal: 0.25 for 25%)")


# -- one mistake, one problem ---------------------------------------------------------------------

APPLIED_TIERS = "tiers: [professional]\n    # enrolled = 480"


def test_a_misspelt_tier_in_an_institution_is_reported_once(tmp_path: Path) -> None:
    path = zhejiang(tmp_path, (APPLIED_TIERS, APPLIED_TIERS.replace("[professional]", "[profesional]")))
    assert problems_of(path) == [
        f"{path}:{line_of(path, '[profesional]')}: institutions[1].tiers[0]: unknown tier 'profesional'; "
        "did you mean 'professional'? "
        "valid tiers: basic, professional, senior"
    ]


def test_a_misspelt_tier_in_the_institutions_csv_is_reported_once(tmp_path: Path) -> None:
    shutil.copy(CONFIGS / "institutions_csv.yaml", tmp_path)
    rows = (CONFIGS / "institutions.csv").read_text(encoding="utf-8")
    assert "Wenzhou,basic;professional," in rows
    (tmp_path / "institutions.csv").write_text(rows.replace("Wenzhou,basic;professional,", "Wenzhou,basic;profesional,"),
                                               encoding="utf-8")
    assert problems_of(tmp_path / "institutions_csv.yaml") == [
        f"{tmp_path / 'institutions.csv'}:5: institutions[3].tiers[1]: unknown tier 'profesional'; "
        "did you mean 'professional'? valid tiers: basic, professional, senior"
    ]


def test_a_negative_attrition_does_not_make_the_groups_external(tmp_path: Path) -> None:
    text = (CONFIGS / "zhejiang.yaml").read_text(encoding="utf-8").replace("attrition: 0.04 ", "attrition: -0.04 ")
    path = tmp_path / "zhejiang.yaml"
    path.write_text(text, encoding="utf-8")
    found = problems_of(path)
    assert [problem.split(": ", 2)[1] for problem in found] == [
        "teacher_groups.three_no.attrition", "teacher_groups.academic.attrition",
        "teacher_groups.double_qualified.attrition",
    ]
    assert all(problem.endswith("expected a non-negative yearly share of the group leaving, got -0.04") for problem in found)


def test_independent_mistakes_are_all_still_reported(tmp_path: Path) -> None:
    path = zhejiang(
        tmp_path,
        (APPLIED_TIERS, APPLIED_TIERS.replace("[professional]", "[profesional]")),
        (ATTRITION, "attrition: -0.04"),
        ("institutions: [Higher vocational colleges, Applied undergraduate universities]",
         "institutions: [Higher vocational colleges, Applied undergraduate universites]"),
        ("  - name: Higher vocational colleges\n    tiers: [basic, professional]",
         "  - name: Higher vocational colleges\n    tiers: [basic, profesional, senior]"),
    )
    found = problems_of(path)
    assert [re.sub(r"^.*?:\d+: ", "", problem).split(";")[0] for problem in found] == [
        "teacher_groups.three_no.attrition: expected a non-negative yearly share of the group leaving, got -0.04",
        "levers.tuition_subsidies.institutions[1]: unknown institution 'Applied undergraduate universites'",
        "institutions[0].tiers[1]: unknown tier 'profesional'",
        # the tiers listed rightly still need their intake
        "institutions[0].intake: no baseline intake for tier 'senior', which this institution offers",
        "institutions[1].tiers[0]: unknown tier 'profesional'",
    ]


def test_only_external_groups_is_still_an_error(tmp_path: Path) -> None:
    config = tiny_config()
    for group in config["teacher_groups"].values():
        group["external"] = True
    config["teacher_groups"]["academic"]["attrition"] = -1
    found = problems_of(write_tiny(tmp_path, config, "bad.yaml"))
    assert any(problem.endswith("teacher_groups: at least one teacher group must be in-house (external: false)")
               for problem in found), found
    assert any("teacher_groups.academic.attrition: expected" in problem for problem in found), found


# -- YAML syntax --------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "line"), [
    ("name: x\nhorizon:\n  start:2025\n  years: 6\n", 4),            # no space after a colon: found on the next line
    ("name: Plan: Zhejiang\n", 1),                                    # an unquoted colon in a value
    ("name: x\nhorizon:\n  start: 2025\n   years: 6\n", 4),          # indented further than the key above
])
def test_mapping_values_not_allowed_names_the_causes(tmp_path: Path, text: str, line: int) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    [english] = problems_of(path)
    assert english == (
        f"{path}:{line}: YAML syntax error: mapping values are not allowed here; check line {line} and the line above "
        "it: a key needs a space after its colon (start: 2025, not start:2025); a value holding a colon must be in "
        "quotes (name: \"Plan: 2025\"); indent with spaces, not tabs; and a key must line up with the keys of its section")
    [chinese] = problems_of(path, "zh")
    assert chinese.startswith(f"{path}:{line}: YAML 语法错误：mapping values are not allowed here；请检查第 {line} 行及其上一行："
                              "键的冒号后须有一个空格")


def test_a_tab_is_named_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nhorizon:\n\tstart: 2025\n", encoding="utf-8")
    [english] = problems_of(path)
    assert english.endswith("; YAML does not allow tabs for indentation: replace the tab on line 3 with spaces")
    [chinese] = problems_of(path, "zh")
    assert chinese.endswith("；YAML 不允许用制表符缩进：请将第 3 行的制表符换成空格")


# -- the institutions CSV -----------------------------------------------------------------------

def csv_config(tmp_path: Path, rows: str) -> Path:
    (tmp_path / "inst.csv").write_text(rows, encoding="utf-8")
    return write_tiny(tmp_path, tiny_config(institutions={"file": "inst.csv"}), "bad.yaml")


HEADER = "name,teachers.academic,intake.basic,training_seats\n"


def test_a_row_with_more_cells_is_reported_with_the_others(tmp_path: Path) -> None:
    path = csv_config(tmp_path, HEADER + "College,10,100,5\nCollege, West,10,100,5\nPoly,-1,100,5\nTech,10,x,5\nArt,10,100,y\n")
    csv_file = tmp_path / "inst.csv"
    assert problems_of(path) == [
        f"{csv_file}:3: this row has 5 cells but the header has 4 columns; a cell holding a comma (such as a name) must "
        "be in double quotes (\"Hangzhou, Xiaoshan\"), or remove the extra cells",
        f"{csv_file}:4: institutions[1].teachers.academic: expected a non-negative number of teachers, got -1",
        f"{csv_file}:5: institutions[2].intake.basic: expected a non-negative number of students per year, got 'x'",
        f"{csv_file}:6: institutions[3].training_seats: expected a non-negative number of seats, got 'y'",
    ]
    [chinese, *_rest] = problems_of(path, "zh")
    assert chinese.endswith("该行有 5 个单元格，但表头只有 4 列；含逗号的单元格（如名称）须用英文双引号括起"
                            "（\"Hangzhou, Xiaoshan\"），或删除多余的单元格")


def test_a_quoted_name_with_a_comma_loads(tmp_path: Path) -> None:
    config = load_config(csv_config(tmp_path, HEADER + "\"College, West\",10,100,5\n"))
    assert [institution.name for institution in config.institutions] == ["College, West"]


# -- the external-teacher ratio -------------------------------------------------------------------

RATIO = "max_external_ratio: 0.25 "


@pytest.mark.parametrize(("written", "key", "warning"), [
    ("25", "policies.max_external_ratio",
     "25 allows more external than in-house teachers (the ratio is external to in-house teachers, such as 0.25 for "
     "1 in 4); did you mean 0.25 (25%)?"),
    ("{2025: 0.25, 2027: 250}", "policies.max_external_ratio.2027",
     "250 allows more external than in-house teachers (the ratio is external to in-house teachers, such as 0.25 for "
     "1 in 4)"),
])
def test_an_external_ratio_above_one_is_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str], written: str,
                                                   key: str, warning: str) -> None:
    path = zhejiang(tmp_path, (RATIO, f"max_external_ratio: {written} "))
    assert main(["validate", str(path), "--lang", "en"]) == 0
    line = line_of(path, f"max_external_ratio: {written} ")
    assert f"warning: {path}:{line}: {key}: {warning}" in capsys.readouterr().err.splitlines()
    assert main(["validate", str(path), "--lang", "zh"]) == 0
    assert "允许外聘教师多于在编教师（该比例为外聘教师与在编教师人数之比，如 0.25 即 1 比 4）" in capsys.readouterr().err


def test_an_institution_ratio_above_one_is_a_warning_and_one_is_not(tmp_path: Path) -> None:
    config: dict[str, Any] = tiny_config(institutions__0__policies={"max_external_ratio": 1.0})
    assert not [w for w in load_config(write_tiny(tmp_path, config)).warnings if "max_external_ratio" in w]
    config = tiny_config(institutions__0__policies={"max_external_ratio": 30})
    [warning] = [w for w in load_config(write_tiny(tmp_path, config)).warnings if "max_external_ratio" in w]
    assert re.search(r"tiny\.yaml:\d+: institutions\[0\]\.policies\.max_external_ratio: 30 allows more external .* "
                     r"did you mean 0\.3 \(30%\)\?$", warning)
