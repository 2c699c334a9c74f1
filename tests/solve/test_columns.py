"""The column index: the model and its matrix form say which column each PuLP variable is; nothing is stamped on
the variables themselves."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

from optimiser import load_config, solve
from optimiser.solve.matrix import matrix_form

from ..tiny import tiny_config, write_tiny


def smoothed_tiny(tmp_path: Path):
    """Three years of the tiny config, lecturers hired each year, with the tie-break and the smoothing stage."""
    raw = tiny_config(horizon__years=3)
    raw["objective"] = {"tie_break": True, "smooth": True}
    return load_config(write_tiny(tmp_path, raw))


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_no_variable_carries_a_column_and_the_index_reads_the_solution(tmp_path: Path, solver: str) -> None:
    result = solve(smoothed_tiny(tmp_path), solver=solver)
    assert result.status.ok and result.solution.smoothing_applied
    model, x = result.model, result.solution.values
    variables = model.problem.variables()
    stage = [var for var in variables if var not in model.column_of]
    if solver == "cbc":
        # The smoothing stage's rise and fall columns stay in the PuLP problem CBC solved.
        assert stage and all(var.name.startswith(("change_up_", "change_down_")) for var in stage)
    assert not [var.name for var in variables if hasattr(var, "col")]
    assert model.columns == list(model.column_of)
    assert [model.column_of[var] for var in model.columns] == list(range(len(x)))
    form = matrix_form(model)
    assert form.column_of is model.column_of
    assert all(form.names[col] == var.name for var, col in model.column_of.items())
    if solver == "cbc":
        # The reported values are CBC's own, column by column.
        assert [x[model.column_of[var]] for var in model.columns] == [var.varValue or 0.0 for var in model.columns]
    hired = model.form.vars.u["enterprise_lecturers", "College", 2027]
    assert x[model.column_of[hired]] > 0
    plan = result.plan.set_index("year")["units"]
    for year in (2025, 2026, 2027):
        var = model.form.vars.u["enterprise_lecturers", "College", year]
        assert plan[year] == pytest.approx(x[model.column_of[var]], abs=1e-9)
        if solver == "cbc":
            assert plan[year] == pytest.approx(var.varValue, abs=1e-9)


def test_a_pickled_form_keeps_no_variables(tmp_path: Path) -> None:
    result = solve(smoothed_tiny(tmp_path))
    form = matrix_form(result.model)
    copy = pickle.loads(pickle.dumps(form))
    assert copy.variables == [] and copy.column_of == {}
    assert copy.names == form.names and np.array_equal(copy.cost, form.cost)
