"""optimiser init: a commented config and an institutions CSV template that validate and solve as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from optimiser import load_config, solve
from optimiser.cli import main
from optimiser.config import schema


def _keys_with_comments(text: str) -> tuple[list[str], list[str]]:
    """(keys written, keys written right under a comment line)."""
    lines = text.splitlines()
    written, explained = [], []
    for i, line in enumerate(lines):
        match = re.match(r"^(\s*)([A-Za-z_]+):", line)
        if match:
            written.append(match.group(2))
            if i and lines[i - 1].strip().startswith("#"):
                explained.append(match.group(2))
    return written, explained


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_init_writes_files_that_validate_and_solve(tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str) -> None:
    folder = tmp_path / "new"
    assert main(["init", str(folder), "--institutions", "4", "--lang", lang]) == 0
    config_path, csv_path = folder / "config.yaml", folder / "institutions.csv"
    out = capsys.readouterr().out
    assert str(config_path) in out and str(csv_path) in out
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = csv_path.read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 5
    assert rows[1].startswith("院校1," if lang == "zh" else "Institution 1,")
    assert main(["validate", str(config_path)]) == 0
    capsys.readouterr()
    config = load_config(config_path)
    assert len(config.institutions) == 4
    result = solve(config)
    assert result.ok and result.objective > 0
    # The one scenario it offers applies too.
    assert solve(load_config(config_path, scenario="more_government")).ok


def test_every_key_is_explained_by_its_schema_meaning(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path), "--lang", "en"]) == 0
    text = (tmp_path / "config.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    written, explained = _keys_with_comments(text)
    named_items = set(raw["tiers"]) | set(raw["teacher_groups"]) | set(raw["levers"]) | set(raw["funding"]) \
        | set(raw["scenarios"])
    # Every key but the names a planner chooses (tier, group, lever, source, scenario names) has its comment.
    unexplained = [key for key in written if key not in explained and key not in named_items
                   and key not in ("file", "set", "funding.government.per_year")]
    assert not unexplained, unexplained
    flat = " ".join(line.strip("# ").strip() for line in text.splitlines() if line.strip().startswith("#"))
    flat = " ".join(flat.split())
    for section, key in ((schema.TOP, "discount_rate"), (schema.LEVER, "max_share_per_year"),
                         (schema.GROUP, "attrition"), (schema.FUNDING, "funds"), (schema.INSTITUTION, "max_intake")):
        meaning = " ".join(re.sub(r"`([^`]*)`", r"\1", section[key].meaning).split())
        assert meaning in flat, key
    for column in ("teachers.<group>", "intake.<tier>", "training_seats"):
        assert column in text


def test_init_keeps_existing_files_unless_forced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "config.yaml").write_text("mine\n", encoding="utf-8")
    assert main(["init", str(tmp_path)]) == 2
    assert "config.yaml already there; nothing written (--force replaces them)" in capsys.readouterr().err
    assert (tmp_path / "config.yaml").read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / "institutions.csv").exists()
    assert main(["init", str(tmp_path), "--force"]) == 0
    assert load_config(tmp_path / "config.yaml").name == "New province CBEC talent plan"
    assert main(["init", str(tmp_path / "x"), "--institutions", "0"]) == 2
    assert "give from 1 to 200 institutions" in capsys.readouterr().err
