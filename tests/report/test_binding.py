"""A limit binds in the plan returned: priced at the optimum and no room left in the plan.

With ``smooth`` a share the plan returned gives output up for steadiness, and
may leave money unspent or seats empty under limits the optimum used to the
full; the constraints table, the bottleneck grid and the terminal's binding
limits describe the plan returned (docs/model.md, "What a result holds").
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from optimiser import load_config, solve
from optimiser.model.rows import breached, settled_by_plan
from optimiser.report.text import summary_text as result_text

ROOT = Path(__file__).resolve().parents[2]


def _room(result) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Room under each limit the plan's units and money settle (teaching and seats are the solver's spread)."""
    table = result.constraints
    scale = np.array([info.unit_scale for info in result.model.book.rows])
    room = breached(table["kind"].tolist(), table["slack"].to_numpy() * scale, table["limit"].to_numpy() * scale)
    return room & np.array([settled_by_plan(kind) for kind in table["kind"]])


@pytest.fixture(scope="module")
def steadier():  # type: ignore[no-untyped-def]
    result = solve(load_config(ROOT / "configs" / "zhejiang.yaml"))
    assert result.summary["output_given_up"] > 0  # the shipped config gives output up (smooth: 0.01)
    return result


def test_no_limit_with_room_in_the_plan_is_called_binding(steadier) -> None:  # type: ignore[no-untyped-def]
    table, room = steadier.constraints, _room(steadier)
    priced = table["shadow_price"].abs() > 1e-7
    assert not (table["binding"] & room).any()
    # The optimum's prices stay, and some priced limits have room in the steadier plan: those are not binding.
    assert (priced & room).sum() > 0
    assert (table["binding"] == (priced & ~room)).all()
    money = table[(table["kind"] == "funding_cap") & priced & room]
    assert len(money) > 0
    listed = steadier.binding_constraints()
    assert not listed.index.isin(money.index).any()


def test_the_grid_marks_enrolment_and_courses_only_where_they_bind_in_the_plan(steadier) -> None:  # type: ignore[no-untyped-def]
    table, room = steadier.constraints, _room(steadier)
    grid = steadier.bottlenecks.set_index(["institution", "year"])
    table = table.assign(binds=~room & (table["shadow_price"].abs() > 1e-7))
    checked = 0
    for kind, column in (("enrolment", "enrolment_binding"), ("no_knowledge", "knowledge"),
                         ("no_practice", "practice"), ("no_training", "training"), ("training_seats", "seats_binding")):
        # (Teaching and seats: binding where priced, whatever the slack the solver's spread of teaching leaves.)
        # A mark where some row of the kind (one per tier for enrolment) binds in the plan returned, nowhere else.
        binds = table[table["kind"] == kind].groupby(["institution", "year"])["binds"].any()
        for (inst, year), expected in binds.items():
            assert bool(grid.loc[(inst, int(year)), column]) == expected, (kind, inst, year)
            checked += 1
    assert checked >= 5 * 18


def test_the_terminal_says_prices_are_the_optimums(steadier) -> None:  # type: ignore[no-untyped-def]
    text = result_text(steadier)
    assert "a limit is listed where it binds in this plan, and its price is what it is worth at the optimum" in text


def test_with_smooth_true_every_priced_limit_binds() -> None:
    result = solve(load_config(ROOT / "configs" / "zhejiang.yaml").with_changes({"objective.smooth": True}))
    table = result.constraints
    assert result.summary["output_given_up"] == 0
    assert (table["binding"] == (table["shadow_price"].abs() > 1e-7)).all()
    assert "its price is what it is worth at the optimum" not in result_text(result)


def test_the_terminal_reconciles_baseline_delivered_and_added(steadier) -> None:  # type: ignore[no-untyped-def]
    s = steadier.summary
    # baseline + added = what the plan delivers = the objective less what it gave up for steadiness.
    assert s["baseline_output"] + s["added_output"] == pytest.approx(s["weighted_output"], rel=1e-9)
    assert s["weighted_output"] == pytest.approx(steadier.objective - s["output_given_up"], rel=1e-9)
    line = (f"do-nothing baseline: {s['baseline_output']:,.1f} weighted graduates; the plan delivers "
            f"{s['weighted_output']:,.1f} and adds {s['added_output']:,.1f}")
    assert line in result_text(steadier)


def test_tables_carry_no_round_off_below_zero(steadier) -> None:  # type: ignore[no-untyped-def]
    assert (steadier.plan["cost"] >= 0).all() and (steadier.plan["units"] >= 0).all()
    assert not np.signbit(steadier.constraints["limit"].to_numpy()[steadier.constraints["limit"].to_numpy() == 0]).any()


def test_a_secondment_share_is_priced_per_teacher_seconded(steadier) -> None:  # type: ignore[no-untyped-def]
    # The limit counts teachers seconded a year (a share of in-house teachers): its price is per teacher,
    # as sensitivity states it, not per unit of share.
    lines = [line for line in result_text(steadier).splitlines() if "secondments per year (share of in-house" in line]
    assert lines and all(" per teacher  secondments per year" in line for line in lines)
