"""Shadow prices: one sign convention, the same for both solvers, and true rates.

A shadow price is the change in the reported objective per unit increase of
a limit (the right-hand derivative of the optimum), so re-solving with the
limit raised a little must move the objective by exactly that rate.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from optimiser import load_config, solve

from ..conftest import CASES, CONFIGS

SHIPPED = [
    (CONFIGS / "zhejiang.yaml", None),
    (CONFIGS / "zhejiang.yaml", "austerity"),
    (CONFIGS / "zhejiang.yaml", "dq_target_2028"),
    (CONFIGS / "zhejiang_min_cost.yaml", None),
    (CONFIGS / "institutions_csv.yaml", None),
    (CASES / "small.yaml", None),
    (CASES / "medium.yaml", None),
    (CASES / "medium_min_cost.yaml", None),
]


@pytest.mark.slow
@pytest.mark.parametrize(("path", "scenario"), SHIPPED, ids=lambda v: getattr(v, "name", str(v)))
def test_solvers_agree_on_optimum_and_every_shadow_price(path: Path, scenario: str | None) -> None:
    config = load_config(path, scenario=scenario)
    highs, cbc = solve(config, "highs"), solve(config, "cbc")
    assert highs.objective == pytest.approx(cbc.objective, rel=1e-6)
    assert highs.total_cost == pytest.approx(cbc.total_cost, rel=1e-4)
    a = highs.constraints["shadow_price"].to_numpy()
    b = cbc.constraints["shadow_price"].to_numpy()
    # Relative to the price, with an absolute floor for prices in yuan.
    floor = 1e-6 * max(1.0, float(np.abs(a).max()))
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=floor)
    assert list(highs.constraints["name"]) == list(cbc.constraints["name"])
    assert list(highs.bottlenecks["binding"]) == list(cbc.bottlenecks["binding"])


def funding_series(config, source: str, year: int, delta: float) -> dict[int, float]:  # type: ignore[no-untyped-def]
    values = {t: config.funding[source].per_year.at(t) for t in config.years}
    values[year] += delta
    return values


@pytest.mark.slow
def test_funding_shadow_prices_match_finite_differences() -> None:
    # HiGHS reports the objective to full precision; CBC's solution file
    # rounds it, too coarse for a 1,000-yuan step (its prices are compared
    # with HiGHS's above).
    solver = "highs"
    config = load_config(CONFIGS / "zhejiang.yaml")
    base = solve(config, solver)
    caps = base.constraints[base.constraints["kind"] == "funding_cap"]
    assert (caps["shadow_price"] > 0).all(), "every source is spent in full in the shipped config"
    for row in caps.iloc[::4].itertuples():
        for delta in (1000.0, -1000.0):
            changed = config.with_changes({f"funding.{row.detail}.per_year": funding_series(config, row.detail, int(row.year), delta)})
            rate = (solve(changed, solver).objective - base.objective) / delta
            assert rate == pytest.approx(row.shadow_price, rel=1e-5), (row.detail, row.year, delta)


@pytest.mark.slow
def test_shadow_price_is_the_rate_for_an_increase_at_a_degenerate_optimum() -> None:
    # The medium case is degenerate: several dual solutions are optimal. The
    # reported price is the one that holds for an increase of the limit.
    config = load_config(CASES / "medium.yaml")
    base = solve(config)
    caps = base.constraints[base.constraints["kind"] == "funding_cap"]
    for row in caps.itertuples():
        changed = config.with_changes({f"funding.{row.detail}.per_year": funding_series(config, row.detail, int(row.year), 100.0)})
        rate = (solve(changed).objective - base.objective) / 100.0
        assert rate == pytest.approx(row.shadow_price, rel=1e-4, abs=1e-9), (row.detail, row.year)


def test_target_shadow_price_in_yuan_per_graduate() -> None:
    config = load_config(CONFIGS / "zhejiang_min_cost.yaml")
    base = solve(config)
    targets = base.constraints[(base.constraints["kind"] == "target") & base.constraints["binding"]]
    assert not targets.empty
    row = targets.iloc[0]
    tier = row["detail"]
    series = {t: config.objective.targets[tier].at(t) for t in config.years}
    series[int(row["year"])] += 1.0
    raised = solve(config.with_changes({f"objective.targets.{tier}": series}))
    assert raised.objective - base.objective == pytest.approx(row["shadow_price"], rel=1e-4)
    assert row["shadow_price"] > 0  # a higher target costs more


def test_reduced_costs_price_the_unused_levers() -> None:
    # A lever left at zero has a reduced cost <= 0 in a maximisation: forcing
    # one unit in cannot raise output.
    result = solve(load_config(CASES / "small.yaml"))
    model, solution = result.model, result.solution
    for var in model.form.vars.u.values():
        col = model.column_of[var]
        if solution.values[col] < 1e-9:
            assert solution.reduced_costs[col] <= 1e-9


def test_still_optimal_tells_a_basis_that_needs_no_pivot() -> None:
    """max x + y s.t. x + y <= 4, x <= 3 (as minimisation): the basis of one objective, checked against others."""
    import scipy.sparse as sp

    from optimiser.solve.highs import Session

    a = sp.csc_matrix(np.array([[1.0, 1.0], [1.0, 0.0]]))
    bounds = (np.zeros(2), np.full(2, np.inf), np.full(2, -np.inf), np.array([4.0, 3.0]))
    session = Session()
    session.load(a, *bounds)
    session.run(np.array([-2.0, -1.0]))
    assert session.values() == pytest.approx([3.0, 1.0])
    assert session.still_optimal(np.array([-2.0, -1.0]), a, *bounds)
    assert session.still_optimal(np.array([-3.0, -1.0]), a, *bounds)
    # y is favoured now: the optimum moves to (0, 4), so the basis is not optimal.
    assert not session.still_optimal(np.array([-1.0, -2.0]), a, *bounds)


def test_extreme_rates_the_same_with_or_without_the_basis_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shortcut that skips re-solves whose answer is the last point changes no shadow price."""
    from optimiser.solve.highs import Session

    config = load_config(CASES / "medium.yaml")
    fast = solve(config, "highs").constraints["shadow_price"].to_numpy()
    checked: list[bool] = []
    real = Session.still_optimal

    def never(self, *args):  # type: ignore[no-untyped-def]
        checked.append(real(self, *args))
        return False

    monkeypatch.setattr(Session, "still_optimal", never)
    slow = solve(config, "highs").constraints["shadow_price"].to_numpy()
    assert any(checked)
    np.testing.assert_allclose(fast, slow, rtol=1e-6, atol=1e-9)


def test_shadow_prices_chosen_while_later_stages_run_are_those_chosen_before(monkeypatch: pytest.MonkeyPatch) -> None:
    """The canonical choice made in a second thread during the tie-break and smoothing: same prices, same notes."""
    import threading

    from optimiser.solve import engine

    config = load_config(CASES / "medium.yaml")
    threads: list[bool] = []
    real = engine.canonical_duals

    def recorded(*args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "canonical_duals", recorded)
    monkeypatch.setattr(engine, "OVERLAP_DUALS", False)
    before = solve(config, "highs")
    monkeypatch.setattr(engine, "OVERLAP_DUALS", True)
    during = solve(config, "highs")
    assert threads == [True, False]
    assert during.solution.smoothing_applied and during.solution.tie_break_applied
    np.testing.assert_array_equal(during.solution.duals, before.solution.duals)
    np.testing.assert_array_equal(during.solution.reduced_costs, before.solution.reduced_costs)
    np.testing.assert_array_equal(during.solution.values, before.solution.values)
    assert during.summary["notes"] == before.summary["notes"]

    # A note of the choice keeps its place before those of the later stages.
    later = engine._smoothing

    def noted(job, objective):  # type: ignore[no-untyped-def]
        job.solution.notes.append("a later stage's note")
        later(job, objective)

    monkeypatch.setattr(engine, "canonical_duals", lambda *args, **kwargs: None)
    monkeypatch.setattr(engine, "_smoothing", noted)
    notes = {}
    for overlap in (False, True):
        monkeypatch.setattr(engine, "OVERLAP_DUALS", overlap)
        notes[overlap] = solve(config, "highs").summary["notes"]
    assert notes[True] == notes[False]
    assert len(notes[True]) == 2 and "no canonical choice" in notes[True][0]
    assert notes[True][1] == "a later stage's note"


@pytest.mark.parametrize(("path", "scenario"), SHIPPED, ids=lambda v: getattr(v, "name", str(v)))
def test_the_choice_starting_from_the_optimums_basis_chooses_the_same_prices(
    path: Path, scenario: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The face LP starts from the basis the optimum was found with (its duals): the prices chosen are those a
    start from scratch chooses, and on the larger max_output configs it takes fewer pivots."""
    from optimiser.solve import duals, engine

    monkeypatch.setattr(engine, "OVERLAP_DUALS", False)
    config = load_config(path, scenario=scenario)
    pivots: list[int] = []
    complete: list[bool] = []
    first_solve, basis_of = duals._FaceLP.solve, duals._face_basis

    def counted(face: duals._FaceLP, costs: np.ndarray) -> np.ndarray | None:
        found = first_solve(face, costs)
        if not getattr(face, "counted", False):
            face.counted = True  # type: ignore[attr-defined]
            pivots.append(face.session.raw.getInfo().simplex_iteration_count)
        return found

    def recorded(*args: object) -> tuple[np.ndarray, np.ndarray, bool]:
        found = basis_of(*args)  # type: ignore[arg-type]
        complete.append(found[2])
        return found

    monkeypatch.setattr(duals._FaceLP, "solve", counted)
    monkeypatch.setattr(duals, "_face_basis", recorded)
    warm = solve(config, "highs")
    monkeypatch.setattr(engine, "_main_basis", lambda *args: None)
    cold = solve(config, "highs")
    assert complete == [True]  # the optimum's basis makes a whole basis of the face
    np.testing.assert_allclose(warm.solution.duals, cold.solution.duals, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(warm.solution.reduced_costs, cold.solution.reduced_costs, rtol=1e-9, atol=1e-9)
    if path.name in ("zhejiang.yaml", "medium.yaml") and scenario is None:
        assert pivots[0] < pivots[1] / 2, pivots


def test_the_face_weights_price_every_exchange_between_two_pairs_of_rows() -> None:
    # Weights in step with the row (7919 * row mod 997, before) weigh the exchange of a dual between rows
    # a, a + 1 and b, b + 1 at exactly zero, so the face had several points of least weight.
    from optimiser.solve.duals import face_weights

    weights = face_weights(200_000)
    assert ((1.0 <= weights) & (weights < 1.001)).all()
    for a in (0, 17, 1_000, 154_090):
        for b in (a + 2, a + 997, a + 40_480, 194_570):
            assert abs(weights[a] - weights[a + 1] - weights[b] + weights[b + 1]) > 1e-9, (a, b)
