"""The drawn-world solver keeps one programme loaded and changes only the numbers a world moves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from optimiser import load_config, solve
from optimiser.analysis import array_solve
from optimiser.analysis.array_solve import ArraySolver, DrawOutcome
from optimiser.analysis.montecarlo import _prepare, elastic_outcome, plan_units
from optimiser.config.uncertainty import draw_values, parse_uncertainty, without_uncertainty
from optimiser.model import PlanKey
from optimiser.solve.highs import INF, Session, finite

from ..tiny import tiny_config, write_tiny

COST = "levers.enterprise_lecturers.cost"
HOURS = "teacher_groups.enterprise_lecturer.hours"
TWO_LECTURERS: dict[PlanKey, float] = {("enterprise_lecturers", "College", "", 2025): 2.0}
UNCERTAIN = Path(__file__).resolve().parents[2] / "configs" / "zhejiang_uncertain.yaml"


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


def plain_outcomes(job: Any, values: np.ndarray) -> list[DrawOutcome]:
    """Each world built and solved through PuLP, as :func:`optimiser.evaluate` solves a fixed plan."""
    return [elastic_outcome(job.base.with_changes(dict(zip(job.paths, row.tolist()))), job.plan) for row in values]


def assert_same_judgement(fast: DrawOutcome, plain: DrawOutcome) -> None:
    assert (fast.status, fast.violated) == (plain.status, plain.violated)
    if fast.status == "infeasible":
        return
    assert fast.objective == pytest.approx(plain.objective, rel=1e-9)
    assert fast.total_cost == pytest.approx(plain.total_cost, rel=1e-9)
    # The second stage may breach HOLD_TOLERANCE (1e-7) more than the least: overspends agree to that.
    assert fast.overspend == pytest.approx(plain.overspend, rel=1e-6, abs=1e-3)
    assert np.allclose(fast.compound, plain.compound, rtol=1e-6, atol=1e-6)


def test_the_session_holds_only_what_the_plan_leaves_free_with_the_plain_paths_judgement(tmp_path: Path) -> None:
    # Tiny worlds: the lecturers' cost and hours drawn; the plan of two lecturers over budget or short of hours.
    job, _ = drawn(tmp_path, TWO_LECTURERS)
    values = draw_values(parse_uncertainty(load_config(tmp_path / "drawn.yaml")), 12, 4)  # drawn()'s worlds
    solver = ArraySolver(fixed_plan=True)
    solver.remember_start(job.start)
    fast = [solver.solve(job.affine.at(tuple(row))) for row in values]
    assert solver.session.n_cols < job.start.n_cols  # the plan's columns are out of the session
    for a, b in zip(fast, plain_outcomes(job, values), strict=True):
        assert_same_judgement(a, b)
    assert {outcome.status for outcome in fast} >= {"optimal", "over_budget"}


def zhejiang_fixed_plan() -> tuple[Any, np.ndarray]:
    """The uncertain Zhejiang config's job with its optimal plan fixed, and ten drawn worlds."""
    config = load_config(UNCERTAIN)
    best = solve(config)
    plan = {(r.lever, r.institution, r.tier, int(r.year)): float(r.units) for r in best.plan.itertuples()}
    keys = parse_uncertainty(config)
    base = without_uncertainty(config)
    return _prepare(base, keys, plan_units(plan, base), "highs", 10), draw_values(keys, 10, 21)


@pytest.mark.slow
def test_zhejiang_draws_of_a_fixed_plan_are_judged_as_the_plain_path_judges_them() -> None:
    job, values = zhejiang_fixed_plan()
    assert job.method == "affine" and job.affine is not None
    solver = ArraySolver(fixed_plan=True)
    solver.remember_start(job.start)
    fast = [solver.solve(job.affine.at(tuple(row))) for row in values]
    assert solver.session.n_rows < job.start.n_rows + 1  # rows the plan alone decides are out
    for a, b in zip(fast, plain_outcomes(job, values), strict=True):
        assert_same_judgement(a, b)
    assert {outcome.status for outcome in fast} >= {"over_budget", "violates"}


def worked_out_together_and_alone(job: Any, values: np.ndarray) -> tuple[list[DrawOutcome], list[DrawOutcome]]:
    """Every world solved from one block of all the draws, and each from its own values alone, backwards."""
    together = ArraySolver(fixed_plan=True)
    together.remember_start(job.start)
    block = [together.solve_fitted(job.affine, values, index, first=0) for index in range(len(values))]
    alone = ArraySolver(fixed_plan=True)
    alone.remember_start(job.start)
    single = [alone.solve_fitted(job.affine, values[index], index) for index in reversed(range(len(values)))]
    return block, single[::-1]


def test_worlds_worked_out_together_give_what_each_gives_alone_and_what_the_plain_path_gives(tmp_path: Path) -> None:
    job, _ = drawn(tmp_path, TWO_LECTURERS)
    values = draw_values(parse_uncertainty(load_config(tmp_path / "drawn.yaml")), 12, 4)  # drawn()'s worlds
    block, single = worked_out_together_and_alone(job, values)
    assert all(same(a, b) for a, b in zip(block, single, strict=True))
    at = ArraySolver(fixed_plan=True)
    at.remember_start(job.start)
    for a, b, c in zip(block, [at.solve(job.affine.at(tuple(row))) for row in values], plain_outcomes(job, values),
                       strict=True):
        assert_same_judgement(a, b)
        assert_same_judgement(a, c)
    assert {outcome.status for outcome in block} >= {"optimal", "over_budget"}


@pytest.mark.slow
def test_zhejiang_worlds_worked_out_together_are_judged_as_the_plain_path_judges_them() -> None:
    job, values = zhejiang_fixed_plan()
    block, single = worked_out_together_and_alone(job, values)
    assert all(same(a, b) for a, b in zip(block, single, strict=True))
    for a, b in zip(block, plain_outcomes(job, values), strict=True):
        assert_same_judgement(a, b)
    assert {outcome.status for outcome in block} >= {"over_budget", "violates"}


@pytest.mark.parametrize("refused", [False, True], ids=["as shipped", "the check refusing"])
def test_a_draw_takes_one_solve_when_its_plan_provably_breaches_least_else_both_stages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, refused: bool
) -> None:
    # One solve weighs breach against output; its plan is taken only when its basis is optimal for the breach
    # alone. Where that check refuses, the draw runs the two stages after it, with the same judgement.
    job, _ = drawn(tmp_path, TWO_LECTURERS)
    values = draw_values(parse_uncertainty(load_config(tmp_path / "drawn.yaml")), 12, 4)  # drawn()'s worlds
    solver = ArraySolver(fixed_plan=True)
    solver.remember_start(job.start)
    if refused:
        monkeypatch.setattr(Session, "still_optimal", lambda *args: False)
    runs = count_calls(monkeypatch, "run")
    fast = [solver.solve(job.affine.at(tuple(row))) for row in values]
    monkeypatch.undo()
    for a, b in zip(fast, plain_outcomes(job, values), strict=True):
        assert_same_judgement(a, b)
    assert {outcome.status for outcome in fast} >= {"optimal", "over_budget"}
    assert len(runs) == (3 if refused else 1) * len(values)


def test_the_single_solve_is_checked_on_the_programme_the_session_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    job, worlds = drawn(tmp_path, TWO_LECTURERS)
    solver = ArraySolver(fixed_plan=True)
    solver.remember_start(job.start)
    seen: list[tuple[Any, ...]] = []
    original = Session.still_optimal

    def kept(self: Session, *args: Any) -> bool:
        seen.append(args)
        return original(self, *args)

    monkeypatch.setattr(Session, "still_optimal", kept)
    solver.solve(worlds[3])
    (costs, a, col_lower, col_upper, row_lower, row_upper), = seen
    lp = solver.session.raw.getLp()
    assert np.array_equal(a.indptr, lp.a_matrix_.start_) and np.array_equal(a.indices, lp.a_matrix_.index_)
    assert np.allclose(a.data, lp.a_matrix_.value_, rtol=0, atol=1e-9)
    for ours, theirs in [(col_lower, lp.col_lower_), (col_upper, lp.col_upper_), (row_lower, lp.row_lower_),
                         (row_upper, lp.row_upper_)]:
        assert np.array_equal(finite(ours), np.asarray(theirs))
    # The breach weights, the extra row's own coefficients (the last row: free while the single solve runs).
    index, starts = np.asarray(lp.a_matrix_.index_), np.asarray(lp.a_matrix_.start_)
    extra = np.zeros(lp.num_col_)
    at = np.flatnonzero(index == lp.num_row_ - 1)
    extra[np.searchsorted(starts, at, side="right") - 1] = np.asarray(lp.a_matrix_.value_)[at]
    assert np.count_nonzero(extra) > 0 and np.allclose(costs, extra, rtol=1e-12, atol=0)
    assert row_lower[-1] <= -INF and row_upper[-1] >= INF


def test_a_redrawn_plans_smoothing_stage_starts_from_the_programmes_own_and_ends_where_scratch_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Re-optimised Zhejiang draws (smooth: true): the smoothing stage starts from its optimal basis for the
    # programme as written; its tie weights make the steadiest plan unique, so a start from scratch ends there too.
    config = load_config(UNCERTAIN)
    keys = parse_uncertainty(config)
    job = _prepare(without_uncertainty(config), keys, None, "highs", 6)
    assert job.method == "affine" and job.affine is not None
    worlds = [job.affine.at(tuple(row)) for row in draw_values(keys, 6, 5)]
    started = ArraySolver(fixed_plan=False)
    started.remember_start(job.start)
    assert len(started._last_starts) == 1
    bases = count_calls(monkeypatch, "set_basis")
    warm = [started.solve(world) for world in worlds]
    assert len(bases) == 3 * len(worlds)  # the main stage's start, the tie-break's, the smoothing stage's
    monkeypatch.undo()
    started._last_starts.clear()
    cold = [started.solve(world) for world in worlds]
    for a, b in zip(warm, cold, strict=True):
        assert a.status == b.status == "optimal"
        assert a.objective == pytest.approx(b.objective, rel=1e-9)
        assert a.total_cost == pytest.approx(b.total_cost, rel=1e-9)
        assert np.allclose(a.compound, b.compound, rtol=1e-8, atol=1e-6)
    assert len({round(outcome.total_cost) for outcome in warm}) > 1


@pytest.mark.slow
def test_a_single_solve_whose_plan_breaches_more_is_refused_and_the_draw_judged_as_the_plain_path_judges_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Zhejiang draws of its optimal plan with breach weighing almost nothing against output: many single solves
    # then trade breach for output, their bases fail the check, and those draws run both stages.
    job, values = zhejiang_fixed_plan()
    solver = ArraySolver(fixed_plan=True)
    solver.remember_start(job.start)
    monkeypatch.setattr(array_solve, "AT_ONCE_WEIGHT", 1e-12)
    runs = count_calls(monkeypatch, "run")
    fast = [solver.solve(job.affine.at(tuple(row))) for row in values]
    monkeypatch.undo()
    for a, b in zip(fast, plain_outcomes(job, values), strict=True):
        assert_same_judgement(a, b)
    refused = (len(runs) - len(values)) // 2
    assert 0 < refused < len(values)
    assert len(runs) == len(values) + 2 * refused
