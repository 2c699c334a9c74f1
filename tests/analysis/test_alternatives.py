"""The room around the optimum: lever ranges, forced and chosen levers, differing plans, CLI and plot."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from optimiser import SolverError, load_config
from optimiser.analysis.alternatives import MEASURES, _verdicts, alternatives
from optimiser.cli import main

from ..tiny import tiny_config, write_tiny

ROOT = Path(__file__).resolve().parents[2]


def twins(tmp_path: Path) -> Path:
    """The tiny config with a second kind of lecturer identical to the first: two interchangeable levers.

    Each lecturer (12,000 yuan, 120 practice hours) trains 120 / 30 = 4 students; 24,000 yuan
    buy two in all, 8 graduates. Within 1% of 8 at no more than 24,000 yuan: uA + uB >= 1.98
    and 12,000 (uA + uB) <= 24,000, so either lever ranges from 0 to 24,000 yuan (2 units).
    """
    raw = tiny_config()
    raw["teacher_groups"]["twin_lecturer"] = {"qualified": ["practice", "training"], "hours": 120, "external": True}
    raw["levers"]["twin_lecturers"] = {"kind": "hire", "group": "twin_lecturer", "cost": 12000}
    return write_tiny(tmp_path, raw, "twins.yaml")


def test_interchangeable_levers_each_range_from_zero_to_all(tmp_path: Path) -> None:
    room = alternatives(load_config(twins(tmp_path)), within=0.01, plans=2)
    ranges = room.ranges.set_index(["lever", "institution"])
    for lever in ("enterprise_lecturers", "twin_lecturers"):
        for inst in ("all", "College"):
            assert ranges.loc[(lever, inst), "low"] == pytest.approx(0.0, abs=1e-3)
            assert ranges.loc[(lever, inst), "high"] == pytest.approx(24000.0, rel=1e-6)
            assert ranges.loc[(lever, inst), "verdict"] == "choice"
    assert room.summary["objective"] == pytest.approx(8.0, rel=1e-6)
    # The alternatives lean away from what the optimal plan used: the other lever, all of it.
    table = room.plans
    optimal, first = table["optimal"], table["alternative 1"]
    used = optimal.idxmax()
    assert optimal[used] == pytest.approx(24000.0, rel=1e-6)
    assert first[used] == pytest.approx(0.0, abs=1e-3)
    assert first.sum() >= 0.99 * 24000 - 1e-3
    # The alternative only minimises its use of the lever the optimal plan used; between 1.98 and
    # 2 units of the other (within 1% of the output) it may take any, so it is 0.99 to 1 away.
    assert 0.99 - 1e-6 <= room.plan_summary.loc["alternative 1", "distance"] <= 1.0 + 1e-6
    assert (room.plan_summary["output"] >= 8.0 * 0.99 - 1e-9).all()
    assert (room.plan_summary["total_cost"] <= 24000 * (1 + 1e-6) + 1).all()


def test_units_and_zero_slack(tmp_path: Path) -> None:
    config = load_config(twins(tmp_path))
    units = alternatives(config, within=0.01, plans=0, measure="units").ranges.set_index(["lever", "institution"])
    assert units.loc[("twin_lecturers", "all"), "high"] == pytest.approx(2.0, rel=1e-6)
    # With no slack the total is forced at 2 units, but still shared freely between the twins.
    exact = alternatives(config, within=0.0, plans=0, measure="units").ranges.set_index(["lever", "institution"])
    assert exact.loc[("twin_lecturers", "all"), "low"] == pytest.approx(0.0, abs=1e-6)


def test_a_lever_with_no_substitute_is_forced(tmp_path: Path) -> None:
    # One kind of lecturer only: within 1%, u >= 1.98 and u <= 2: forced (width 1% of the top).
    room = alternatives(load_config(write_tiny(tmp_path, tiny_config())), within=0.01, plans=1)
    row = room.ranges.set_index(["lever", "institution"]).loc[("enterprise_lecturers", "all")]
    assert row["low"] == pytest.approx(0.99 * 24000, rel=1e-6)
    assert row["high"] == pytest.approx(24000, rel=1e-6)
    assert row["verdict"] == "forced"
    assert len(room.forced()) == 2 and room.choices().empty


def test_zhejiang_ranges_hold_the_optimal_plan() -> None:
    room = alternatives(load_config(ROOT / "configs" / "zhejiang.yaml"), within=0.01, plans=2)
    ranges = room.ranges
    assert ((ranges["low"] <= ranges["optimal"] + 1.0) & (ranges["optimal"] <= ranges["high"] + 1.0)).all()
    config = load_config(ROOT / "configs" / "zhejiang.yaml")
    pairs = sum(1 for lever in config.levers.values() for inst in config.institutions if lever.applies_to(inst.name))
    assert len(ranges) == len(config.levers) + pairs  # one row per lever, then per lever and institution
    assert (room.plan_summary["output"] >= room.summary["objective"] * 0.99 * (1 - 1e-7)).all()


def test_errors(tmp_path: Path) -> None:
    config = load_config(write_tiny(tmp_path, tiny_config()))
    with pytest.raises(ValueError, match="within"):
        alternatives(config, within=1.5)
    with pytest.raises(ValueError, match="measure"):
        alternatives(config, measure="heads")
    impossible = tiny_config(**{"objective__mode": "min_cost", "objective__targets": {"basic": 1000}})
    with pytest.raises(SolverError, match="no optimal plan"):
        alternatives(load_config(write_tiny(tmp_path, impossible, "bad.yaml")))


def test_cli_and_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = twins(tmp_path)
    out = tmp_path / "ranges.csv"
    assert main(["alternatives", str(path), "--within", "1%", "--plans", "1", "--json", "--out", str(out)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["within"] == 0.01 and len(data["ranges"]) == 4
    assert out.exists() and (tmp_path / "ranges_plans.csv").exists()
    assert main(["alternatives", str(path), "--within", "150%"]) == 2
    from optimiser import plots

    ax = plots.plot_alternatives(alternatives(load_config(path), plans=0))
    assert len(ax.patches) == 2 and "forced" in ax.get_title()


def test_no_slack_on_zhejiang_forces_every_lever_instead_of_failing() -> None:
    # within=0 asks for the optimum itself; the floor must not be tighter than the optimum the solver
    # reached (it was: "no optimal plan to look around (infeasible)").
    room = alternatives(load_config(ROOT / "configs" / "zhejiang.yaml"), within=0.0, plans=0)
    used = room.ranges[room.ranges["high"] > 1000.0]  # below: the solver's tolerance on 96 M yuan, not a choice
    assert len(used) > 15 and (used["verdict"] == "forced").all()
    assert (used["width"] <= 0.05 * used["high"]).all()


def test_forced_and_chosen_levers_for_the_analyst(tmp_path: Path) -> None:
    # Twins plus a third lever with no substitute: secondments-like double-qualified teachers are not
    # needed, so: the twins are each a choice, and the whole-lever rows say so in one line each.
    room = alternatives(load_config(twins(tmp_path)), within=0.01, plans=0)
    assert room.verdicts() == {"enterprise_lecturers": "choice", "twin_lecturers": "choice"}
    assert list(room.choices(institutions=False)["institution"]) == ["all", "all"]
    assert len(room.choices()) == 4 and room.forced(institutions=False).empty
    alone = alternatives(load_config(write_tiny(tmp_path, tiny_config())), within=0.01, plans=0)
    assert alone.verdicts() == {"enterprise_lecturers": "forced"}
    assert "levers forced: enterprise_lecturers\n" in str(alone)
    assert "levers choice: enterprise_lecturers, twin_lecturers\n" in str(room)
    assert list(alone.forced(institutions=False)["lever"]) == ["enterprise_lecturers"]


def test_plot_colours_are_the_configs_lever_colours(tmp_path: Path) -> None:
    from matplotlib.colors import to_hex

    from optimiser import plots
    from optimiser.report.colours import lever_colours

    config = load_config(twins(tmp_path))
    room = alternatives(config, plans=0)
    assert room.config is not None and list(room.config.levers) == list(config.levers)
    ax = plots.plot_alternatives(room)
    expected = lever_colours(config.levers)
    labels = [label.get_text().split(" @ ")[0] for label in ax.get_yticklabels()]
    assert [to_hex(bar.get_facecolor(), keep_alpha=False) for bar in ax.patches] == [
        to_hex(expected[lever]) for lever in labels]


def test_integer_levers_are_said_to_be_relaxed(tmp_path: Path) -> None:
    raw = tiny_config()
    raw["levers"]["enterprise_lecturers"]["integer"] = True
    room = alternatives(load_config(write_tiny(tmp_path, raw, "whole.yaml")), within=0.01, plans=0)
    assert room.summary["relaxed"] is True and "integer levers relaxed" in str(room)
    assert alternatives(load_config(twins(tmp_path)), plans=0).summary["relaxed"] is False


def test_numpy_whole_numbers_are_plan_counts(tmp_path: Path) -> None:
    import numpy as np

    room = alternatives(load_config(twins(tmp_path)), plans=np.int64(1))
    assert list(room.plan_summary.index) == ["optimal", "alternative 1"]


def test_the_note_says_which_plan_solve_returns_instead(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The shipped config gives 1% up for steadiness: solve's plan is not the optimal plan shown here.
    assert main(["alternatives", str(ROOT / "configs" / "zhejiang.yaml"), "--plans", "0"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == ("note: the optimal plan here is the cheapest at the optimum; `optimiser solve` returns a steadier "
                      "plan (objective.smooth: 0.01) that gives up at most that share of output")
    # smooth: true: solve returns the steadiest of the cheapest optimal plans; smooth: false: this very plan.
    raw = tiny_config()
    assert main(["alternatives", str(write_tiny(tmp_path, raw, "true.yaml")), "--plans", "0"]) == 0
    assert "`optimiser solve` returns the steadiest of the cheapest optimal plans" in capsys.readouterr().out
    raw["objective"] = {"smooth": False}
    assert main(["alternatives", str(write_tiny(tmp_path, raw, "false.yaml")), "--plans", "0"]) == 0
    assert "note:" not in capsys.readouterr().out


def _small(tmp_path: Path, name: str, **changes: object) -> Path:
    """tests/cases/small.yaml with top-level ``changes`` and, for ``demand``, that demand for every tier."""
    import yaml

    raw = yaml.safe_load((ROOT / "tests" / "cases" / "small.yaml").read_text(encoding="utf-8"))
    demand = changes.pop("demand", None)
    if demand is not None:
        for tier in raw["tiers"].values():
            tier["demand"] = demand
    raw.update(changes)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("changes", [
    {"demand": 0},  # the optimum is no output at no cost
    {"objective": {"mode": "min_cost", "targets": {"basic": 0}}},  # the least cost is 0
], ids=["no-demand", "min-cost-zero-target"])
def test_a_plan_that_costs_nothing_forces_no_lever(tmp_path: Path, changes: dict[str, object]) -> None:
    # Every plan looked at may cost 1 yuan more than the optimum (the solver's rounding), so each lever
    # reaches 1 yuan give or take 1e-15: that must read as unused, never as forced, and a lever's rows
    # at each institution must say what its total says. (They read forced at random.)
    for measure in MEASURES:
        room = alternatives(load_config(_small(tmp_path, "free.yaml", **changes)), plans=0, measure=measure)
        ranges = room.ranges
        assert (ranges["high"] <= (1.0 + 1e-9 if measure == "yuan" else 1e-3)).all()
        assert set(ranges["verdict"]) == {"unused"}, ranges
        assert room.forced().empty
        if measure == "yuan":  # twice the 1 yuan of tolerance
            assert set(room.summary["cut_off"].values()) == {2.0}


def test_a_lever_that_may_be_given_nothing_is_never_forced() -> None:
    # The total is within twice the cost tolerance of nothing at its least: a choice at most, even when its
    # range is narrow against a top just above the cut-off; its rows at institutions follow an unused total.
    ranges = pd.DataFrame({
        "lever": ["a", "a", "a", "b", "b"], "institution": ["all", "X", "Y", "all", "X"],
        "low": [0.0, 0.0, 0.0, 1.5, 1.5], "high": [1.9, 2.1, 0.5, 2.5, 2.5],
    })
    ranges["width"] = ranges["high"] - ranges["low"]
    cut_off = np.full(len(ranges), 2.0)
    assert list(_verdicts(ranges, cut_off, 0.1)) == ["unused", "unused", "unused", "choice", "choice"]
    ranges.loc[3:, "low"] = 2.4
    ranges["width"] = ranges["high"] - ranges["low"]
    assert list(_verdicts(ranges, cut_off, 0.1)[3:]) == ["forced", "forced"]


@pytest.mark.parametrize("share", [2, -0.1, 1.01, float("nan"), "0.1", True])
def test_forced_share_outside_0_to_1_is_refused(tmp_path: Path, share: object) -> None:
    config = load_config(write_tiny(tmp_path, tiny_config()))
    with pytest.raises(ValueError, match=r"forced_share is a share of a range's top in \[0, 1\]"):
        alternatives(config, plans=0, forced_share=share)  # type: ignore[arg-type]
    assert alternatives(config, plans=0, forced_share=1).verdicts() == {"enterprise_lecturers": "forced"}
