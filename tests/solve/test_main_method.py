"""The main solve's method chosen by size: interior point with crossover for a large LP, simplex otherwise."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from optimiser import load_config, solve
from optimiser.results import Result
from optimiser.solve import backends, highs

ZHEJIANG = Path(__file__).resolve().parents[2] / "configs" / "zhejiang.yaml"


@pytest.fixture(scope="module")
def by_simplex() -> Result:
    return solve(load_config(ZHEJIANG))


def test_a_small_lp_is_solved_by_simplex(by_simplex: Result) -> None:
    assert by_simplex.solution.main_method == "simplex"
    assert by_simplex.summary["main_method"] == "simplex"
    assert by_simplex.to_dict()["main_method"] == "simplex"
    assert not any("interior point" in note for note in by_simplex.summary["notes"])


def _methods_run(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """HiGHS's ``solver`` option at each solve of the session from now on.

    Only the solves made by the test's own thread count: the shadow prices'
    solves run in a worker thread alongside later stages, in an order that
    depends on timing.
    """
    methods: list[str] = []
    run = highs.Session.run
    caller = threading.get_ident()

    def spy(self: highs.Session, *args: object, **kwargs: object) -> object:
        if threading.get_ident() == caller:
            methods.append(str(self.option("solver")))
        return run(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(highs.Session, "run", spy)
    return methods


def test_interior_point_over_the_threshold_gives_the_simplex_plan(
    by_simplex: Result, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backends, "IPM_COLUMNS", 0)
    methods = _methods_run(monkeypatch)
    result = solve(load_config(ZHEJIANG))
    # The main solve by interior point, every later one (tie-break, smoothing, shadow prices) by simplex.
    assert methods[0] == "ipm"
    assert len(methods) > 1 and "ipm" not in methods[1:]
    assert result.status.value == "optimal"
    assert result.solution.main_method == "interior point"
    assert result.summary["main_method"] == "interior point"
    assert any("interior point method with crossover" in note for note in result.summary["notes"])
    assert result.objective == pytest.approx(by_simplex.objective, rel=1e-7)
    assert result.total_cost == pytest.approx(by_simplex.total_cost, rel=1e-7)
    # The later stages ran from the crossover basis, as after simplex.
    assert result.summary["tie_break"] == by_simplex.summary["tie_break"]


def test_a_solver_option_wins_over_the_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backends, "IPM_COLUMNS", 0)
    methods = _methods_run(monkeypatch)
    result = solve(load_config(ZHEJIANG), solver_options={"solver": "simplex"})
    assert "ipm" not in methods
    assert result.solution.main_method == "simplex"
    assert not any("interior point" in note for note in result.summary["notes"])
    chosen = solve(load_config(ZHEJIANG), solver_options={"solver": "ipm"})
    assert chosen.solution.main_method == "interior point"
    # The user asked for it: no note explains a choice the optimiser did not make.
    assert not any("interior point method with crossover" in note for note in chosen.summary["notes"])


def test_an_integer_plan_is_searched_by_branch_and_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backends, "IPM_COLUMNS", 0)
    result = solve(load_config(ZHEJIANG), integer=True, time_limit=20)
    assert result.solution.main_method == "branch and cut"


def test_a_large_smoothing_stage_by_interior_point_returns_the_simplex_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    from optimiser.solve import engine

    config = load_config(ZHEJIANG).with_changes({"objective.smooth": 0.01})
    # Both runs start the smoothing stage afresh, as a large programme's does.
    monkeypatch.setattr(engine, "WARM_SMOOTHING_COLUMNS", 0)
    monkeypatch.setattr(backends, "AFRESH_IPM_COLUMNS", None)
    methods = _methods_run(monkeypatch)
    simplex = solve(config)
    assert "ipm" not in methods
    monkeypatch.setattr(backends, "AFRESH_IPM_COLUMNS", 0)
    methods.clear()
    interior = solve(config)
    # The main solve and tie-break by simplex, the smoothing stage by interior point, then simplex again.
    assert methods[:3] == ["choose", "choose", "ipm"] and "ipm" not in methods[3:]
    assert interior.solution.main_method == "simplex"
    assert interior.summary["smoothing_applied"] and simplex.summary["smoothing_applied"]
    assert interior.objective == pytest.approx(simplex.objective, rel=1e-9)
    assert interior.total_cost == pytest.approx(simplex.total_cost, rel=1e-7)
    # The tie-settling weights make the steadiest plan unique: both methods find it.
    plan, other = simplex.plan, interior.plan
    assert list(plan.columns) == list(other.columns) and len(plan) == len(other)
    for column in plan.select_dtypes("number").columns:
        assert other[column].to_numpy() == pytest.approx(plan[column].to_numpy(), rel=1e-6, abs=1e-4), column
