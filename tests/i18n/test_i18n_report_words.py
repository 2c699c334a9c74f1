"""The words a Chinese planner still met in English: the one scarce resource, the ranking's and the comparison's
units and bottleneck rows, the HTML report's captions, intro and footer. Each is read back from what the command
line wrote (terminal text, workbook, HTML page); the English text, the CSV files and JSON stay as they were."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from optimiser.cli import main

from ..tiny import tiny_config, write_tiny

# Practice and training hours both fall to the enterprise lecturers, whose hours bind: one scarce resource.
SCARCE_ZH = "enterprise_lecturer 教师的教学课时：实践课和实训课同时受限"
SCARCE_EN = "enterprise_lecturer teaching hours: practice and training bind together"


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    """The tiny config where practice and training teaching share the lecturers' hours."""
    return write_tiny(tmp_path, tiny_config(tiers__basic__hours__training=30, institutions__0__training_seats=1000),
                      name="shared.yaml")


def rows(path: Path, sheet: str) -> list[dict[str, object]]:
    """The rows of ``sheet``, each by its header."""
    table = list(load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True))
    return [dict(zip(table[0], row)) for row in table[1:]]


def test_the_one_scarce_resource_in_chinese_from_the_same_data(shared: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    xlsx = tmp_path / "zh.xlsx"
    assert main(["report", str(shared), "--xlsx", str(xlsx), "--lang", "zh"]) == 0
    assert [row["唯一稀缺资源"] for row in rows(xlsx, "瓶颈")] == [SCARCE_ZH]
    capsys.readouterr()
    out = tmp_path / "out"
    assert main(["solve", str(shared), "--lang", "zh", "--out", str(out)]) == 0
    assert f"  单一稀缺资源 {SCARCE_ZH}：1 个院校-年\n" in capsys.readouterr().out
    # The CSV file keeps the English sentence, whatever the language.
    with (out / "bottlenecks.csv").open(encoding="utf-8-sig") as handle:
        assert [row["scarce"] for row in csv.DictReader(handle)] == [SCARCE_EN]


def test_the_one_scarce_resource_in_english_is_unchanged(shared: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    xlsx = tmp_path / "en.xlsx"
    assert main(["report", str(shared), "--xlsx", str(xlsx), "--lang", "en"]) == 0
    assert [row["scarce"] for row in rows(xlsx, "Bottlenecks")] == [SCARCE_EN]
    capsys.readouterr()
    assert main(["solve", str(shared), "--lang", "en"]) == 0
    assert f"  one scarce resource, {SCARCE_EN}: 1 institution-years\n" in capsys.readouterr().out
