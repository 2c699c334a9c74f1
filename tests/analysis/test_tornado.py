"""The tornado: each uncertain input re-solved at both ends of its range, hand-derived and against solve."""

from __future__ import annotations

import json
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from optimiser import ConfigError, load_config, plots, solve
from optimiser.analysis import tornado
from optimiser.analysis.tornado import uncertain_inputs
from optimiser.cli import main

from ..tiny import tiny_config, write_tiny

COST = "levers.enterprise_lecturers.cost"
LECTURER_HOURS = "teacher_groups.enterprise_lecturer.hours"

# The tiny config: 24,000 yuan a year buys two enterprise lecturers at
# 12,000; their 2 x 120 practice hours train 8 students (30 practice hours
# each; the academics' 3,000 knowledge hours are to spare). Cost -20%:
# 24,000 / 9,600 = 2.5 lecturers, 10 students (+2); +20%: 1.667 lecturers,
# 6.667 students (-1.333). Lecturer hours ±20%: 2 x 96 / 30 = 6.4 and
# 2 x 144 / 30 = 9.6 (-1.6, +1.6). Completion -20%: 8 x 0.8 = 6.4; its high
# end stays at 1 (no change). The academics' and the (absent)
# double-qualified teachers' hours change nothing.


def test_hand_derived_tiny_tornado(tmp_path: Path) -> None:
    config = load_config(write_tiny(tmp_path, tiny_config()))
    assert uncertain_inputs(config) == [
        COST, "tiers.basic.completion_rate", "teacher_groups.academic.hours",
        "teacher_groups.double_qualified.hours", LECTURER_HOURS,
    ]
    bars = tornado(config)
    assert bars.base_objective == pytest.approx(8.0, abs=1e-9)
    table = bars.table.set_index("input")
    assert list(table.index[:3]) == [COST, "tiers.basic.completion_rate", LECTURER_HOURS]  # largest swing first
    assert table.loc[COST, ["low_value", "high_value"]].tolist() == pytest.approx([9600.0, 14400.0])
    assert table.loc[COST, ["low_change", "high_change"]].tolist() == pytest.approx([2.0, 8 * 12 / 14.4 - 8], abs=1e-7)
    assert table.loc[LECTURER_HOURS, ["low_change", "high_change"]].tolist() == pytest.approx([-1.6, 1.6], abs=1e-7)
    completion = table.loc["tiers.basic.completion_rate"]
    assert (completion["low_value"], completion["high_value"]) == pytest.approx((0.8, 1.0))
    assert (completion["low_change"], completion["high_change"]) == pytest.approx((-1.6, 0.0), abs=1e-7)
    assert table.loc["teacher_groups.academic.hours", ["low_change", "high_change"]].tolist() == pytest.approx(
        [0.0, 0.0], abs=1e-7)
    assert (table["low_status"] == "optimal").all() and (table["low_diagnosis"] == "").all()
    assert "base optimum 8.0 weighted graduates" in str(bars)


def test_a_range_can_be_given_per_input(tmp_path: Path) -> None:
    config = load_config(write_tiny(tmp_path, tiny_config()))
    # 6,000 yuan: four lecturers, 16 students; 24,000 yuan: one, 4 students.
    bars = tornado(config, inputs={COST: (6000, 24000), LECTURER_HOURS: 0.5})
    table = bars.table.set_index("input")
    assert table.loc[COST, ["low_change", "high_change"]].tolist() == pytest.approx([8.0, -4.0], abs=1e-7)
    assert table.loc[LECTURER_HOURS, ["low_value", "high_value"]].tolist() == pytest.approx([60.0, 180.0])
    assert table.loc[LECTURER_HOURS, ["low_change", "high_change"]].tolist() == pytest.approx([-4.0, 4.0], abs=1e-7)


def test_one_end_equals_a_direct_solve_with_the_changed_value(zhejiang: Path) -> None:
    config = load_config(zhejiang)
    inputs = ["levers.secondments.cost", "tiers.basic.completion_rate", "levers.tuition_subsidies.induced_intake"]
    bars = tornado(config, inputs=inputs, change=0.2)
    base = solve(config).objective
    assert bars.base_objective == pytest.approx(base, rel=1e-9)
    table = bars.table.set_index("input")
    for path, end, value in [("levers.secondments.cost", "high", 12_000.0), ("tiers.basic.completion_rate", "high", 1.0),
                             ("levers.tuition_subsidies.induced_intake", "low", 0.2)]:
        assert table.loc[path, f"{end}_value"] == pytest.approx(value)
        direct = solve(config.with_changes({path: value}), diagnose=False).objective
        assert table.loc[path, f"{end}_change"] == pytest.approx(direct - base, rel=1e-9, abs=1e-6)
    # The bars drawn are those re-solved changes.
    ax = plots.plot_tornado(bars)
    widths = {round(p.get_y() + p.get_height() / 2): p.get_width() for p in ax.containers[0]}
    labels = {round(t.get_position()[1]): t.get_text() for t in ax.get_yticklabels()}
    drawn = {labels[y].split(" (")[0]: width for y, width in widths.items()}
    assert drawn == pytest.approx(table["high_change"].to_dict(), rel=1e-12)
    assert "levers.secondments.cost (8,000 to 12,000)" in labels.values()
    assert ax.get_xlabel() == "change in the optimum, weighted compound graduates"


def test_an_end_without_a_plan_says_why(tmp_path: Path) -> None:
    # Two lecturers are compulsory: at 14,400 yuan the 24,000 there is pays for 1.667 of them.
    raw = tiny_config(levers__enterprise_lecturers__min_per_year=2)
    bars = tornado(load_config(write_tiny(tmp_path, raw)), inputs=[COST, LECTURER_HOURS])
    first = bars.table.iloc[0]
    assert first["input"] == COST and math.isinf(first["swing"])  # no plan outranks any change
    assert first["high_status"] == "infeasible" and math.isnan(first["high_change"])
    # With the two kept, 2 x 14,400 - 24,000 = 4,800 yuan more pays for them.
    assert first["high_diagnosis"] == (
        "levers.enterprise_lecturers.min_per_year at College in 2025: at most 1.667 reachable, "
        "asked 2 enterprise_lecturers units; or, with every other limit kept, 4,800 yuan more in all makes a plan "
        "possible; funding.universities.per_year in 2025: 4,800 yuan more needed (limit 24,000 yuan, needed 28,800)")
    assert first["low_status"] == "optimal" and first["low_diagnosis"] == ""
    ax = plots.plot_tornado(bars)
    assert any(t.get_text() == "high end: infeasible" for t in ax.texts)
    assert "  high end: levers.enterprise_lecturers.min_per_year at College in 2025: at most 1.667" in str(bars)


def test_a_config_or_result_is_analysed_on_the_spot(tmp_path: Path) -> None:
    config = load_config(write_tiny(tmp_path, tiny_config()))
    ax = plots.plot_tornado(solve(config), inputs=[COST], change=0.5)
    assert isinstance(ax.figure, Figure)
    # 24,000 / 6,000 = 4 lecturers, 16 students (+8); / 18,000: 5.333 students.
    assert sorted(p.get_width() for c in ax.containers for p in c) == pytest.approx([8 * 12 / 18 - 8, 8.0], abs=1e-7)
    assert "±50%" in ax.get_title()
    with pytest.raises(TypeError, match=r"plot_tornado takes the Tornado that tornado\(config\) returns, a Config or a Result, got int"):
        plots.plot_tornado(3)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"change": 1.5}, "expected a share between 0 and 1"),
        ({"inputs": ["levers.enterprise_lecturers.costs"]}, "unknown key 'costs'; did you mean 'cost'"),
        ({"inputs": {COST: (1, 2, 3)}}, "expected a share between 0 and 1 or \\(low, high\\) values"),
        ({"inputs": {COST: (-5000, 12000)}}, "tornado end levers.enterprise_lecturers.cost=-5000"),
        ({"inputs": ["horizon"]}, "a tornado moves one number"),
    ],
)
def test_bad_ranges_say_what_to_give(tmp_path: Path, kwargs: dict, message: str) -> None:
    config = load_config(write_tiny(tmp_path, tiny_config()))
    with pytest.raises(ConfigError, match=message):
        tornado(config, **kwargs)


def test_jobs_do_not_change_the_table(tmp_path: Path) -> None:
    config = load_config(write_tiny(tmp_path, tiny_config()))
    here = tornado(config).table
    there = tornado(config, jobs=2).table
    assert here.equals(there) and np.isfinite(here["swing"]).all()


def test_cli_text_json_and_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_tiny(tmp_path, tiny_config())
    out = tmp_path / "tornado.csv"
    assert main(["tornado", str(path), "--input", f"{COST}=6000,24000", "--input", LECTURER_HOURS, "--change", "0.5",
                 "--out", str(out), "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert "base optimum 8.0 weighted graduates" in text and f"wrote {out}" in text
    table = pd.read_csv(out).set_index("input")
    assert table.loc[COST, ["low_change", "high_change"]].tolist() == pytest.approx([8.0, -4.0], abs=1e-7)
    assert table.loc[LECTURER_HOURS, ["low_value", "high_value"]].tolist() == pytest.approx([60.0, 180.0])
    assert main(["tornado", str(path), "--input", COST, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["base_objective"] == pytest.approx(8.0) and data["change"] == 0.2
    assert [row["input"] for row in data["rows"]] == [COST] and data["rows"][0]["low_change"] == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--input", f"{COST}=6000"], "give two numbers LOW,HIGH after '='"),
        (["--input", COST, "--input", COST], "--input levers.enterprise_lecturers.cost is given twice"),
        (["--change", "1.5"], "--change must be a share between 0 and 1"),
        (["--input", "levers.enterprise_lecturers.costs"], "did you mean 'cost'"),
    ],
)
def test_cli_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    assert main(["tornado", str(write_tiny(tmp_path, tiny_config())), *argv]) == 2
    assert message in capsys.readouterr().err


def test_cli_config_without_an_optimum_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Three compulsory lecturers cost 36,000 of the 24,000 yuan there is.
    raw = tiny_config(levers__enterprise_lecturers__min_per_year=3)
    assert main(["tornado", str(write_tiny(tmp_path, raw)), "--input", COST, "--no-progress"]) == 3
    assert "the config as written has no optimum (infeasible): levers.enterprise_lecturers.min_per_year" in (
        capsys.readouterr().out)
