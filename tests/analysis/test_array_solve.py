"""The drawn-world solver keeps one programme loaded and changes only the numbers a world moves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from optimiser import load_config
from optimiser.analysis.array_solve import ArraySolver, DrawOutcome
from optimiser.analysis.montecarlo import _prepare
from optimiser.config.uncertainty import draw_values, parse_uncertainty, without_uncertainty
from optimiser.model import PlanKey
from optimiser.solve.highs import Session

from ..tiny import tiny_config, write_tiny

COST = "levers.enterprise_lecturers.cost"
HOURS = "teacher_groups.enterprise_lecturer.hours"
TWO_LECTURERS: dict[PlanKey, float] = {("enterprise_lecturers", "College", "", 2025): 2.0}


def drawn(tmp_path: Path, plan: dict[PlanKey, float] | None) -> tuple[Any, list[Any]]:
    raw = tiny_config()
    raw["uncertainty"] = {
        COST: {"dist": "uniform", "low": 10000, "high": 16000},
        HOURS: {"dist": "uniform", "low": 90, "high": 150},
    }
    config = load_config(write_tiny(tmp_path, raw, "drawn.yaml"))
    keys = parse_uncertainty(config)
    job = _prepare(without_uncertainty(config), keys, plan, "highs", 12)
    assert job.method == "affine" and job.affine is not None
    worlds = [job.affine.at(tuple(row)) for row in draw_values(keys, 12, 4)]
    return job, worlds


def fresh(job: Any, world: Any) -> DrawOutcome:
    solver = ArraySolver(fixed_plan=job.plan is not None)
    solver.remember_start(job.start)
    return solver.solve(world)


def count_calls(monkeypatch: pytest.MonkeyPatch, method: str) -> list[int]:
    """From now on, a 1 in the list returned for every call of ``Session.<method>`` (which still runs)."""
    calls: list[int] = []
    original = getattr(Session, method)

    def counted(self: Session, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Session, method, counted)
    return calls


def same(a: DrawOutcome, b: DrawOutcome) -> bool:
    return (a.status, a.objective, a.total_cost, a.overspend, a.violated) == (
        b.status, b.objective, b.total_cost, b.overspend, b.violated,
    ) and np.array_equal(a.compound, b.compound)


@pytest.mark.parametrize("plan", [TWO_LECTURERS, None], ids=["fixed plan", "re-optimised"])
def test_one_loaded_programme_gives_what_a_fresh_load_gives(
    tmp_path: Path, plan: dict[PlanKey, float] | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    job, worlds = drawn(tmp_path, plan)
    expected = [fresh(job, world) for world in worlds]
    loads = count_calls(monkeypatch, "load")
    solver = ArraySolver(fixed_plan=plan is not None)
    solver.remember_start(job.start)
    forward = [solver.solve(world) for world in worlds]
    backward = [solver.solve(world) for world in reversed(worlds)][::-1]
    assert len(loads) == 1  # loaded once; every world after changed numbers only
    assert all(same(a, b) for a, b in zip(forward, expected))
    assert all(same(a, b) for a, b in zip(backward, expected))
    # The worlds differ: a solver that kept the first world's numbers would not give these.
    assert len({round(outcome.objective, 6) for outcome in forward}) > 1


def test_an_entry_that_vanishes_loads_the_programme_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    job, worlds = drawn(tmp_path, TWO_LECTURERS)
    world = worlds[0]
    data = world.a_values.copy()
    cols = np.divmod(world.a_keys, world.n_rows)[0]
    free = world.col_lower[cols] != world.col_upper[cols]
    data[np.flatnonzero(free & (data != 0))[0]] = 0.0  # HiGHS drops zero entries: the pattern changes
    changed = job.affine.base.with_flat(np.concatenate([data, world.flat()[len(data):]]))
    solver = ArraySolver(fixed_plan=True)
    solver.remember_start(job.start)
    solver.solve(world)
    loads = count_calls(monkeypatch, "load")
    outcome = solver.solve(changed)
    assert loads == [1]
    monkeypatch.undo()
    assert same(outcome, fresh(job, changed))


def test_entries_on_the_plans_fixed_columns_move_row_limits_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The drawn cost moves entries on the plan's fixed columns only: those fold into the rows' limits.
    job, worlds = drawn(tmp_path, TWO_LECTURERS)
    moving = job.affine.moving_parts()["a_values"]
    cols = np.divmod(job.affine.base.a_keys[moving], job.affine.base.n_rows)[0]
    assert np.all(job.affine.base.col_lower[cols] == job.affine.base.col_upper[cols])
    coefficients = count_calls(monkeypatch, "set_coefficients")
    solver = ArraySolver(fixed_plan=True)
    solver.remember_start(job.start)
    outcomes = [solver.solve(world) for world in worlds]
    assert coefficients == []
    monkeypatch.undo()
    for world, outcome in zip(worlds, outcomes):
        whole = ArraySolver(fixed_plan=True)
        whole.remember_start(world)  # this world's own matrix loaded whole
        expected = whole.solve(world)
        assert (outcome.status, outcome.violated) == (expected.status, expected.violated)
        assert outcome.objective == pytest.approx(expected.objective, rel=1e-9)
        assert outcome.total_cost == pytest.approx(expected.total_cost, rel=1e-9)
        assert outcome.overspend == pytest.approx(expected.overspend, rel=1e-9, abs=1e-6)
        assert np.allclose(outcome.compound, expected.compound, rtol=1e-9)
    assert len({round(outcome.total_cost, 3) for outcome in outcomes}) > 1
