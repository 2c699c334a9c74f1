"""The warm engine and fit_parameters: coefficient sweeps re-solve the loaded programme and equal solve()."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from optimiser import load_config, solve
from optimiser.analysis import sweep
from optimiser.analysis.fast import WarmEngine, measures_of_result
from optimiser.analysis.parameters import fit_grid, fit_parameters
from optimiser.analysis.points import apply_point
from optimiser.analysis.program_arrays import arrays_of
from optimiser.analysis.sweep import sweep_task
from optimiser.model import build_model
from optimiser.solve.matrix import MatrixForm

from .test_sweep import tiny

COST = "levers.secondments.cost"
INTAKE = "levers.tuition_subsidies.induced_intake"


def test_a_cost_moves_coefficients_and_a_budget_moves_row_limits(zhejiang: Path) -> None:
    config = load_config(zhejiang)
    cost = fit_grid(config, [COST], [[5_000.0, 15_000.0]], apply_point)
    assert cost is not None and not cost.bounds_only
    assert {"a_values", "change_price", "tie"} <= cost.parts()  # the funding rows, the smoothing prices
    assert not cost.parts() & {"row_lower", "row_upper", "col_lower", "col_upper"}
    budget = fit_grid(config, ["funding.government.per_year"], [[3e6, 9e6]], apply_point)
    assert budget is not None and budget.bounds_only and budget.parts() == {"row_upper"}
    # The sweep re-solves each kind warm: limits through solve(), coefficients through the stages.
    assert sweep_task(config, [COST], "highs", cost).effect is cost
    assert sweep_task(config, ["funding.government.per_year"], "highs", budget).shifts is not None


def test_fit_parameters_refuses_a_parameter_that_changes_the_shape(write_config: Callable[[str, str], Path]) -> None:
    config = load_config(tiny(write_config))
    # A second year adds columns and rows: not a change of numbers.
    assert fit_grid(config, ["horizon.years"], [[1, 2]], apply_point) is None

    def build(point: np.ndarray) -> object:
        return arrays_of(build_model(config.with_changes({"horizon.years": int(point[0])})))

    assert fit_parameters(build, np.array([1.0]), [(2.0, 3.0)]) is None  # type: ignore[arg-type]
    # Practice hours per student are 30 / class size: same shape, numbers not proportional.
    assert fit_grid(config, ["courses.practice.class_size"], [[1.0, 2.0, 4.0]], apply_point) is None
    # An integer lever is solved in full.
    integer = config.with_changes({"levers.secondments.integer": True})
    assert fit_grid(integer, [COST], [[20_000.0, 40_000.0]], apply_point) is None


@pytest.mark.parametrize("path, values", [(COST, [5_000.0, 10_000.0, 15_000.0]), (INTAKE, [0.15, 0.4])])
def test_a_coefficient_sweep_equals_solve_point_by_point(zhejiang: Path, path: str, values: list[float]) -> None:
    config = load_config(zhejiang)  # smooth: 0.01, tie_break: every stage runs
    table = sweep(config, {path: values}, progress=False)
    effect = fit_grid(config, [path], [values], apply_point)
    assert effect is not None and not effect.bounds_only
    engine = WarmEngine(apply_point(config, {path: min(values)}))
    parts = effect.moving_parts()
    for value, row in zip(values, table.to_dict("records")):
        result = solve(config.with_changes({path: value}))
        assert row["status"] == "optimal"
        assert row["objective"] == pytest.approx(result.objective, rel=1e-9)
        for name, number in measures_of_result(result).items():
            assert row[name] == pytest.approx(number, rel=1e-7, abs=1e-3), name
        numbers = effect.at([value])
        engine.set_numbers(numbers, parts)
        point = engine.solve_stages()
        assert point.values is not None
        # An equally steady plan: the smoothing stage's objective (priced year-to-year change) is the
        # same. (Which of such plans is returned depends on the solver's path, as between HiGHS and CBC.)
        assert steadiness(numbers, point.values) == pytest.approx(steadiness(numbers, result.solution.values), rel=1e-6)
        assert point.measures == pytest.approx({k: row[k] for k in point.measures}, rel=1e-12, abs=1e-9)


def steadiness(numbers: MatrixForm, x: np.ndarray) -> float:
    assert numbers.changes is not None
    return float(numbers.change_price @ np.abs(numbers.changes @ x) + numbers.tie @ x)


def test_a_min_cost_coefficient_sweep_runs_the_most_output_tie_break_and_smoothing() -> None:
    config = load_config(Path(__file__).resolve().parents[2] / "configs" / "zhejiang_min_cost.yaml")
    values = [5_000.0, 15_000.0]
    table = sweep(config, {COST: values}, progress=False)
    for value, row in zip(values, table.to_dict("records")):
        result = solve(config.with_changes({COST: value}))
        assert row["objective"] == pytest.approx(result.objective, rel=1e-9)
        for name, number in measures_of_result(result).items():
            assert row[name] == pytest.approx(number, rel=1e-7, abs=1e-3), name


def test_the_order_of_points_does_not_change_a_coefficient_sweep(zhejiang: Path) -> None:
    config = load_config(zhejiang)
    forward = sweep(config, {COST: [5_000.0, 20_000.0, 8_000.0]}, progress=False)
    backward = sweep(config, {COST: [8_000.0, 20_000.0, 5_000.0]}, progress=False)
    assert forward.iloc[::-1].drop(columns=[COST]).reset_index(drop=True).equals(
        backward.drop(columns=[COST]).reset_index(drop=True))
