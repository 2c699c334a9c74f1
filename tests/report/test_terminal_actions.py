"""The terminal says what to do: units to start per institution and year, spend in yuan, the next million yuan,
a bottleneck grid aligned for Chinese names, and every binding planner limit first in the JSON summary."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from optimiser import load_config, solve
from optimiser.cli import main
from optimiser.report.layout import display_width
from optimiser.report.summary import PLANNER_LIMITS
from optimiser.report.text import action_statement, next_million_lines, summary_text

from ..tiny import tiny_config, write_tiny

ROOT = Path(__file__).resolve().parents[2]
HOLDS = " (each rate holds only as far as `optimiser sensitivity` says)"


@pytest.fixture(scope="module")
def zhejiang_result():  # type: ignore[no-untyped-def]
    return solve(load_config(ROOT / "configs" / "zhejiang.yaml"))


def _section(text: str, start: str) -> list[str]:
    lines = text.split(start, 1)[1].splitlines()[1:]
    return lines[: next((i for i, line in enumerate(lines) if not line.strip()), len(lines))]


def test_what_to_do_lists_units_to_start_per_institution_and_year_with_cost(zhejiang_result) -> None:  # type: ignore[no-untyped-def]
    text = summary_text(zhejiang_result, lang="en")
    section = _section(text, "what to do (units to start in each year, shown in whole numbers; cost in yuan):")
    plan = zhejiang_result.plan
    started = plan[plan["units"] > 1e-6]
    statements = [line for line in section if line.startswith("    ")]
    assert len(statements) == len(started)
    institutions = [line.strip() for line in section if line.startswith("  ") and not line.startswith("    ")]
    assert institutions == [inst.name for inst in zhejiang_result.config.institutions]
    # Each row of the plan, its words and its cost: whole units, a verb from the kind or the lever's name.
    for row in started.itertuples(index=False):
        lever = zhejiang_result.config.levers[row.lever]
        statement = action_statement(lever, row.units, row.tier)
        assert any(statement in line and line.rstrip().endswith(f"{row.cost:,.0f}") for line in statements), statement
    verbs = {line.split()[1] if re.match(r"^\s+\d{4}\s", line) else line.split()[0] for line in statements}
    assert verbs == {"hire", "recruit", "retrain", "second", "build", "subsidise"}
    big = started.loc[started["units"].idxmax()]
    assert re.search(rf"\b{round(big.units):,}\b", "\n".join(statements))
    assert not re.search(r"(hire|recruit|retrain|second|build|subsidise) \d+\.\d", "\n".join(statements))
    lecturers = started[started["lever"] == "enterprise_lecturers"].iloc[1]
    assert f"hire {round(lecturers.units):,} enterprise lecturers" in text
    subsidy = started[started["lever"] == "tuition_subsidies"].iloc[0]
    assert f"subsidise {round(subsidy.units):,} {subsidy.tier} places" in text


def test_spend_by_lever_and_year_is_in_whole_yuan(zhejiang_result) -> None:  # type: ignore[no-untyped-def]
    text = summary_text(zhejiang_result, lang="en")
    assert "thousand yuan" not in text
    table = _section(text, "spend by lever and year (yuan):")
    by_year = zhejiang_result.funding.pivot_table(index="lever", columns="year", values="amount", aggfunc="sum")
    for lever, row in by_year.iterrows():
        [line] = [line for line in table if line.split()[0] == lever]
        assert line.split()[1:] == [f"{value:,.0f}" for value in row], lever


def test_one_next_million_line_per_distinct_statement() -> None:
    # The optimum itself (smooth: true): the steadier plan of the shipped config leaves one source's money
    # unspent in its last year, where that cap then does not bind.
    optimum = solve(load_config(ROOT / "configs" / "zhejiang.yaml").with_changes({"objective.smooth": True}))
    text = summary_text(optimum, lang="en")
    lines = [line for line in text.splitlines() if "per million yuan" in line]
    # Three sources buy the same at the same price in the same years: one statement names all three.
    assert len(lines) == 1
    assert "enterprises funding, government funding or universities funding" in lines[0]
    binding = optimum.binding_constraints()
    caps = binding[binding["kind"] == "funding_cap"]
    for year, rows in caps.groupby("year"):
        assert f"{rows['shadow_price'].iloc[0] * 1e6:,.2f} in {int(year)}" in lines[0]
    # Sources at different prices get lines of their own.
    frame = pd.DataFrame({
        "name": ["a funding", "b funding", "c funding", "total budget over the horizon"],
        "kind": ["funding_cap", "funding_cap", "funding_cap", "total_budget"],
        "detail": ["a", "b", "c", None],
        "year": [2025, 2025, 2025, float("nan")],
        "shadow_price": [2e-6, 2e-6, 3e-6, 1e-6],
    })
    lines = next_million_lines(frame, min_cost=False)
    assert lines == [
        "  more money from c funding buys, at the margin, this many weighted graduates per million yuan: "
        "3.00 in 2025" + HOLDS,
        "  more money from a funding or b funding buys, at the margin, this many weighted graduates per million yuan: "
        "2.00 in 2025" + HOLDS,
        "  more money from total budget over the horizon buys, at the margin, this many weighted graduates per million "
        "yuan: 1.00" + HOLDS,
    ]


def test_bottleneck_grid_aligns_chinese_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tiny_config(**{"horizon__years": 3}, institutions=[
        {"name": "杭州职业技术学院", "teachers": {"academic": 10}, "intake": {"basic": 100}},
        {"name": "Ningbo", "teachers": {"academic": 10}, "intake": {"basic": 100}},
        {"name": "温州大学", "teachers": {"academic": 10}, "intake": {"basic": 100}},
    ])
    assert main(["solve", str(write_tiny(tmp_path, config)), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    block = out.split('bottlenecks: which "no" binds where', 1)[1].splitlines()
    assert block[1].strip().startswith('the three "no": K no systematic knowledge')
    assert block[2].strip().startswith("capacities (after a space): S training seats, E enrolment")
    grid = block[3:7]
    assert [line.split()[0] for line in grid[1:]] == ["Ningbo", "杭州职业技术学院", "温州大学"]
    # Every year column starts at the same display column in every row.
    header = grid[0]
    starts = [display_width(header[: m.start()]) for m in re.finditer(r"\d{4}", header)]
    for line in grid[1:]:
        cells = [m for m in re.finditer(r"\S+", line)][1:]
        assert [display_width(line[: m.start()]) for m in cells] == starts, line


def test_json_lists_every_binding_planner_limit_first(zhejiang_result, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = zhejiang_result.to_dict()
    rows = data["binding_constraints"]
    binding = zhejiang_result.binding_constraints()
    planner = binding[binding["kind"].isin(PLANNER_LIMITS)]
    assert len(planner) > 20, "the case needs more binding planner limits than the old cap of 20"
    flags = [row["planner_limit"] for row in rows]
    assert flags == [True] * len(planner) + [False] * (len(rows) - len(planner))
    assert {(r["config_path"], r["institution"], r["year"]) for r in rows[: len(planner)]} == {
        (r.config_path, r.institution or None, None if pd.isna(r.year) else int(r.year)) for r in planner.itertuples()}
    kinds = [row["kind"] for row in rows[: len(planner)]]
    assert kinds == sorted(kinds, key=PLANNER_LIMITS.index)
    assert main(["solve", str(ROOT / "configs" / "zhejiang.yaml"), "--out", str(tmp_path / "out")]) == 0
    written = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert [r["config_path"] for r in written["binding_constraints"]] == [r["config_path"] for r in rows]
