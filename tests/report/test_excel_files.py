"""Files for Excel: CSV written with a byte-order mark; CSV and YAML read as UTF-8, UTF-8 with BOM, GB18030 or UTF-16;
numbers with thousands separators and percentages; total rows left out with a note."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest
import yaml

from optimiser import ConfigError, PlanError, load_config
from optimiser.cli import main
from optimiser.i18n.inputs import decode_input, parse_number, parse_share
from optimiser.planfile import PlanNote, read_plan

from ..tiny import tiny_config, write_tiny

ROOT = Path(__file__).resolve().parents[2]
BOM = b"\xef\xbb\xbf"


def test_solve_writes_csv_with_a_byte_order_mark_unless_told_utf_8(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    config = write_tiny(tmp_path, tiny_config(institutions=[
        {"name": "杭州职业技术学院", "teachers": {"academic": 10}, "intake": {"basic": 100}}]))
    assert main(["solve", str(config), "--out", str(tmp_path / "bom")]) == 0
    assert main(["solve", str(config), "--out", str(tmp_path / "plain"), "--csv-encoding", "utf-8"]) == 0
    for name in ("plan.csv", "funding.csv", "outputs.csv", "constraints.csv", "bottlenecks.csv", "teachers.csv"):
        with_mark = (tmp_path / "bom" / name).read_bytes()
        without = (tmp_path / "plain" / name).read_bytes()
        assert with_mark.startswith(BOM), name
        assert not without.startswith(BOM), name
        assert with_mark[len(BOM):] == without, name
    assert "杭州职业技术学院".encode() in (tmp_path / "bom" / "plan.csv").read_bytes()
    # JSON is not a spreadsheet file: no mark.
    assert not (tmp_path / "bom" / "summary.json").read_bytes().startswith(BOM)


def test_decoding_order_and_number_formats() -> None:
    assert decode_input("名称".encode()) == ("名称", "utf-8")
    assert decode_input(BOM + "名称".encode()) == ("名称", "utf-8-sig")
    assert decode_input("名称".encode("gb18030")) == ("名称", "gb18030")
    assert [parse_number(t) for t in ("2,088", "1 200", "1\u00a0200", "12", "-3.5", "2,08", "1 2", "abc", "")] == [
        2088.0, 1200.0, 1200.0, 12.0, -3.5, None, None, None, None]
    assert [parse_share(t) for t in ("25%", "25 %", "０.２５", "12.5%", "x%")] == [0.25, 0.25, 0.25, 0.125, None]


def _yaml_text() -> str:
    raw = tiny_config(name="浙江省跨境电商人才计划")
    return "# 注释：浙江省配置\n" + yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "utf-16-be"])
def test_a_yaml_config_is_read_in_each_encoding(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_bytes(_yaml_text().encode(encoding))
    assert load_config(path).name == "浙江省跨境电商人才计划"


def test_a_yaml_config_in_no_known_encoding_names_file_line_and_fix(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    # 0x80 is a byte that neither UTF-8 nor GB18030 accepts alone; it sits on line 3.
    path = tmp_path / "config.yaml"
    path.write_bytes(b"# one\n# two\nname: caf\x80\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    [problem] = caught.value.problems
    assert problem.file == str(path) and problem.line == 3
    assert "byte 0x80 at column 10 is not UTF-8" in problem.message
    assert "not GB18030 (GBK) text either" in problem.message
    assert "save it again as UTF-8 (in the editor, choose the encoding UTF-8 when saving)" in problem.message
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:3: the config file is not text" in err and "codec" not in err


def test_utf_16_without_a_byte_order_mark_is_told_by_its_zero_bytes() -> None:
    text = "lever,institution,tier,year,units\n合计,,,,2\n"
    assert decode_input(text.encode("utf-16-le")) == (text, "utf-16-le")
    assert decode_input(text.encode("utf-16-be")) == (text, "utf-16-be")
    # A stray zero byte in UTF-8 text is no UTF-16: the cell holding it is named when the file is checked.
    assert decode_input(text.replace(",2", ",\x002").encode()) == (text.replace(",2", ",\x002"), "utf-8")


def test_a_file_that_looks_like_utf_16_but_is_not_is_refused(tmp_path: Path) -> None:
    # Cut off in the middle of its last character.
    path = tmp_path / "config.yaml"
    path.write_bytes(_yaml_text().encode("utf-16-le")[:-1])
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    [problem] = caught.value.problems
    size = path.stat().st_size
    assert problem.file == str(path) and problem.line == _yaml_text().count("\n")
    assert problem.message == (
        f"the config file looks like UTF-16-LE text without a byte-order mark (from its zero bytes), but is not valid "
        f"UTF-16-LE at byte {size} of {size}; open the file and save it again as UTF-8 (in the editor, choose the "
        "encoding UTF-8 when saving)")


def _institutions_config(tmp_path: Path, csv_bytes: bytes) -> Path:
    (tmp_path / "institutions.csv").write_bytes(csv_bytes)
    text = (ROOT / "configs" / "institutions_csv.yaml").read_text(encoding="utf-8")
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_institutions_csv_in_gb18030_with_separators_percentages_and_a_total_row(tmp_path: Path) -> None:
    original = (ROOT / "configs" / "institutions.csv").read_text(encoding="utf-8")
    reference = load_config(_institutions_config(tmp_path, original.encode()))
    lines = original.splitlines()
    # Hangzhou's intake 1200 as "1 200", its cap 1500 as "1,500"; Jinhua-Yiwu's share 0.5 as "50%";
    # a city renamed in Chinese; a total row at the end.
    lines[1] = lines[1].replace(",1200,", ',"1 200",').replace(",1500,", ',"1,500",')
    lines[3] = lines[3].replace(",0.5", ",50%")
    lines[4] = lines[4].replace("Wenzhou", "温州")
    lines.append("合计,,,,,,,,,,,")
    edited = ("\n".join(lines) + "\n").encode("gb18030")
    config = load_config(_institutions_config(tmp_path, edited))
    names = [inst.name for inst in config.institutions]
    assert names == [inst.name if inst.name != "Wenzhou" else "温州" for inst in reference.institutions]
    for ours, theirs in zip(config.institutions, reference.institutions, strict=True):
        assert ours.intake == theirs.intake and ours.max_intake == theirs.max_intake
        assert ours.policies == theirs.policies
    note = [w for w in config.warnings if "合计" in w]
    assert note == [f"{tmp_path / 'institutions.csv'}, line 10: the row named '合计' is read as a total and left out"]


def test_institutions_csv_percent_in_a_count_column_is_refused(tmp_path: Path) -> None:
    original = (ROOT / "configs" / "institutions.csv").read_text(encoding="utf-8")
    edited = original.replace("Hangzhou,basic;professional;senior,54,", "Hangzhou,basic;professional;senior,54%,")
    with pytest.raises(ConfigError, match=r"teachers\.three_no.*'54%'"):
        load_config(_institutions_config(tmp_path, edited.encode()))


def test_institutions_csv_in_no_known_encoding(tmp_path: Path) -> None:
    original = (ROOT / "configs" / "institutions.csv").read_text(encoding="utf-8")
    data = original.encode().replace(b"Ningbo", b"Ning\xffbo")
    with pytest.raises(ConfigError) as caught:
        load_config(_institutions_config(tmp_path, data))
    [problem] = caught.value.problems
    assert problem.file == str(tmp_path / "institutions.csv") and problem.line == 3
    assert "byte 0xff at column 5 is not UTF-8" in problem.message
    assert 'save it again as UTF-8 (Excel: Save As > "CSV UTF-8"' in problem.message


@pytest.fixture(scope="module")
def zhejiang_plan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("plan")
    # The exact optimum (smooth: true) subsidises over a thousand places in one row;
    # the shipped smooth: 0.01 spreads them out.
    text = (ROOT / "configs" / "zhejiang.yaml").read_text(encoding="utf-8")
    assert "\n  smooth: 0.01 " in text
    config = out / "zhejiang_exact.yaml"
    config.write_text(text.replace("\n  smooth: 0.01 ", "\n  smooth: true ", 1), encoding="utf-8")
    assert main(["solve", str(config), "--out", str(out / "solved")]) == 0
    return config, (out / "solved" / "plan.csv").read_text(encoding="utf-8-sig")


def test_a_plan_file_in_gb18030_with_thousands_separators_and_a_total_row(
    tmp_path: Path, zhejiang_plan: tuple[Path, str], capsys: pytest.CaptureFixture
) -> None:
    config_path, text = zhejiang_plan
    config = load_config(config_path)
    plain = tmp_path / "plain.csv"
    plain.write_text(text, encoding="utf-8")
    expected = read_plan(plain, config)
    big = max(expected.items(), key=lambda item: item[1])
    assert big[1] >= 1000, "the test needs a row of a thousand units or more"
    lines = text.splitlines()
    header = lines[0].split(",")
    units_at = header.index("units")
    for number, line in enumerate(lines[1:], start=1):
        cells = line.split(",")
        if float(cells[units_at]) == big[1]:
            whole, _, fraction = cells[units_at].partition(".")
            cells[units_at] = f'"{int(whole):,}{"." + fraction if fraction else ""}"'
            lines[number] = ",".join(cells)
    lines.append(",".join("合计" if column == "lever" else "99999" if column == "units" else "" for column in header))
    local = tmp_path / "本地计划.csv"
    local.write_bytes(("\n".join(lines) + "\n").encode("gb18030"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert read_plan(local, config) == expected
    notes = [str(w.message) for w in caught if issubclass(w.category, PlanNote)]
    assert notes == [f"{local}, row {len(lines)}: the row marked '合计' is read as a total and left out"]
    assert main(["evaluate", str(config_path), "--plan", str(local)]) == 0
    assert f"note: {local}, row {len(lines)}: the row marked '合计'" in capsys.readouterr().err


def test_a_plan_file_in_no_known_encoding(tmp_path: Path, zhejiang_plan: tuple[Path, str]) -> None:
    config_path, text = zhejiang_plan
    bad = tmp_path / "plan.csv"
    bad.write_bytes(text.encode().replace(b"\n", b"\n\x80", 1))
    with pytest.raises(PlanError, match=rf"^{bad}:2: the plan file is not text .*byte 0x80 at column 1 is not UTF-8.*"
                                          r"save it again as UTF-8"):
        read_plan(bad, load_config(config_path))


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_plan_file_in_utf_16_without_a_byte_order_mark(tmp_path: Path, encoding: str) -> None:
    config = load_config(write_tiny(tmp_path, tiny_config(institutions=[
        {"name": "杭州职业技术学院", "teachers": {"academic": 10}, "intake": {"basic": 100}}])))
    path = tmp_path / "plan.csv"
    path.write_bytes("lever,institution,tier,year,units\nenterprise_lecturers,杭州职业技术学院,,2025,2\n合计,,,,2\n"
                     .encode(encoding))
    with pytest.warns(PlanNote, match="row 3: the row marked '合计' is read as a total"):
        assert read_plan(path, config) == {("enterprise_lecturers", "杭州职业技术学院", "", 2025): 2.0}
    path.write_bytes(path.read_bytes()[:-1])
    with pytest.raises(PlanError) as raised:
        read_plan(path, config)
    size = path.stat().st_size
    assert str(raised.value) == (
        f"{path}:3: the plan file looks like {encoding.upper()} text without a byte-order mark (from its zero "
        f"bytes), but is not valid {encoding.upper()} at byte {size} of {size}; open the file and save it again as "
        'UTF-8 (Excel: Save As > "CSV UTF-8"; WPS or Notepad: encoding UTF-8)')


def test_the_shipped_institutions_csv_still_reads(tmp_path: Path) -> None:
    shutil.copy(ROOT / "configs" / "institutions.csv", tmp_path / "institutions.csv")
    assert len(load_config(ROOT / "configs" / "institutions_csv.yaml").institutions) == 8
