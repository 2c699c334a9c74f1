"""The Python API's entry points check what they are given: configs, plans, optima, numbers, plot inputs."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import optimiser
from optimiser import PlanError, load_config, solve
from optimiser.evaluate import evaluate

from .conftest import CASES, CONFIGS

SMALL = CASES / "small.yaml"
UNCERTAIN = CONFIGS / "zhejiang_uncertain.yaml"
LEVER, INSTITUTION, YEAR = "enterprise_lecturers", "Institution 0000", 2025


@pytest.fixture(scope="module")
def small() -> Any:
    return load_config(SMALL)


@pytest.fixture(scope="module")
def best(small: Any) -> Any:
    return solve(small)


# -- 1. solve(plan=...) reads plan keys as evaluate does ------------------------------------

@pytest.mark.parametrize("key", [
    (LEVER, INSTITUTION, None, YEAR),  # no tier, written as None
    (LEVER, INSTITUTION, "", str(YEAR)),  # the year as text
    (LEVER, INSTITUTION, "", np.int64(YEAR)),  # the year as a numpy integer
])
def test_solve_reads_a_plan_key_as_evaluate_does(small: Any, best: Any, key: tuple[Any, ...]) -> None:
    fixed = solve(small, plan={key: 50})
    plain = solve(small, plan={(LEVER, INSTITUTION, "", YEAR): 50})
    units = fixed.plan.set_index(["lever", "institution", "year"])["units"]
    assert units.loc[(LEVER, INSTITUTION, YEAR)] == 50
    assert fixed.total_cost == pytest.approx(plain.total_cost) and fixed.total_cost > 0
    assert evaluate(small, {key: 50}, optimum=best).total_cost == pytest.approx(plain.total_cost)


@pytest.mark.parametrize("run", [
    lambda cfg, plan: solve(cfg, plan=plan),
    lambda cfg, plan: evaluate(cfg, plan),
])
def test_an_unknown_lever_in_a_plan_key_is_named_with_the_fix(small: Any, run: Any) -> None:
    with pytest.raises(PlanError, match=r"key \('enterprise_lecturer', 'Institution 0000', '', 2025\), lever: "
                                        r"unknown lever 'enterprise_lecturer'; did you mean 'enterprise_lecturers'\?"):
        run(small, {("enterprise_lecturer", INSTITUTION, "", YEAR): 50})


@pytest.mark.parametrize("key", [("x",), 5, (LEVER, INSTITUTION, YEAR)])
def test_a_key_that_is_not_four_parts_is_a_plan_error(small: Any, key: Any) -> None:
    pattern = rf"the key {__import__('re').escape(repr(key))} is not \(lever, institution, tier, year\); write keys " \
              r"such as \('enterprise_lecturers', 'Institution 0000', '', 2025\)"
    for run in (lambda: solve(small, plan={key: 1}), lambda: evaluate(small, {key: 1})):
        with pytest.raises(PlanError, match=pattern):
            run()


def test_two_keys_for_the_same_row_are_refused(small: Any) -> None:
    with pytest.raises(PlanError, match=r"names the same lever, institution, tier and year as the key "
                                        r"\('enterprise_lecturers', 'Institution 0000', None, 2025\)"):
        solve(small, plan={(LEVER, INSTITUTION, None, YEAR): 5, (LEVER, INSTITUTION, "", "2025"): 6})


def test_a_plan_that_is_no_plan_is_refused_everywhere(small: Any) -> None:
    for run in (lambda: solve(small, plan=3), lambda: evaluate(small, None)):
        with pytest.raises(PlanError, match=r"a plan is a Result, a DataFrame .* got (int|NoneType)"):
            run()


def test_evaluate_takes_a_solved_result_as_the_plan(small: Any, best: Any) -> None:
    assert evaluate(small, best, optimum=best).gap_objective == pytest.approx(0.0, abs=1e-6 * best.objective)


# -- 2. evaluate's optimum must be a Result of the same config -------------------------------

def test_an_optimum_of_another_config_is_refused(small: Any, best: Any, tmp_path: Path) -> None:
    changed = small.with_changes({"horizon.years": 1})
    with pytest.raises(ValueError, match=r"^evaluate: optimum was solved from another config, 'known-answer case: "
                                         r"small' \(.*small\.yaml\) with other values \(a scenario, with_changes or "
                                         r"an edit of the file since it was solved\), than the one evaluated, "
                                         r"'known-answer case: small' \(.*small\.yaml\), so its figures cannot be set "
                                         r"beside this plan's; pass optimum=solve\(config\) for the config evaluated"):
        evaluate(small, best.plan, optimum=solve(changed))
    copy = tmp_path / "other.yaml"
    copy.write_text(SMALL.read_text(encoding="utf-8").replace("years: 5", "years: 1"), encoding="utf-8")
    with pytest.raises(ValueError, match=r"another config, 'known-answer case: small' \(.*other\.yaml\), than the "
                                         r"one evaluated, 'known-answer case: small' \(.*small\.yaml\), so"):
        evaluate(small, best.plan, optimum=solve(copy))
    assert evaluate(small, best.plan, optimum=solve(load_config(SMALL))).gap_objective == pytest.approx(
        0.0, abs=1e-6 * best.objective)  # the same config loaded again is the same config


def test_a_result_of_a_given_plan_is_not_taken_for_the_optimum(small: Any, best: Any) -> None:
    nothing = solve(small, plan={})  # every lever fixed at zero: the same config, not its optimum
    assert nothing.summary["config_hash"] == best.summary["config_hash"]
    assert nothing.summary["fixed_plan"] and not best.summary["fixed_plan"]
    with pytest.raises(ValueError, match=r"^evaluate: optimum is a plan solve\(config, plan=\.\.\.\) was given, not "
                                         r"the best plan of the config, .*pass optimum=solve\(config\) without a plan"):
        evaluate(small, best.plan, optimum=nothing)


def test_an_optimum_that_is_not_a_result_is_refused(small: Any, best: Any) -> None:
    with pytest.raises(TypeError, match=r"evaluate: optimum must be the Result that solve\(config\) returns .*got str"):
        evaluate(small, best.plan, optimum="x")


# -- 3. a Config or a path, nothing else ------------------------------------------------------

@pytest.mark.parametrize("given", [SMALL, str(SMALL)])
def test_entry_points_take_a_config_path(best: Any, given: Any) -> None:
    assert solve(given).objective == pytest.approx(best.objective)
    assert evaluate(given, best.plan).gap_objective == pytest.approx(0.0, abs=1e-6 * best.objective)
    assert optimiser.compare([("a", given)]).row("status").tolist() == ["optimal"]
    assert optimiser.alternatives(given, plans=0).summary["relaxed"] in (True, False)


@pytest.mark.parametrize("function, call", [
    ("solve", lambda bad: solve(bad)),
    ("evaluate", lambda bad: evaluate(bad, {})),
    ("monte_carlo", lambda bad: optimiser.monte_carlo(bad, draws=2)),
    ("alternatives", lambda bad: optimiser.alternatives(bad)),
    ("robust", lambda bad: optimiser.robust(bad)),
    ("sweep", lambda bad: optimiser.sweep(bad, {"total_budget": [1e6]}, progress=False)),
    ("frontier", lambda bad: optimiser.frontier(bad)),
    ("pareto", lambda bad: optimiser.pareto(bad)),
    ("tornado", lambda bad: optimiser.tornado(bad)),
    ("compare", lambda bad: optimiser.compare([("a", bad)])),
])
@pytest.mark.parametrize("bad", [None, {"name": "a config as a dict"}])
def test_anything_but_a_config_or_path_is_a_type_error(function: str, call: Any, bad: Any) -> None:
    with pytest.raises(TypeError, match=rf"^{function}: .*must be a Config or the path of a config file \(str or "
                                        rf"Path\), got {type(bad).__name__}; pass load_config\(path\)"):
        call(bad)


def test_other_wrong_arguments_say_what_to_pass(small: Any) -> None:
    with pytest.raises(TypeError, match=r"load_config takes the path of a YAML config file \(str or Path\), got NoneType"):
        load_config(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"sensitivity takes the Result that solve\(config\) returns, a Config or the "
                                        r"path of a config file \(str or Path\), got NoneType"):
        optimiser.sensitivity(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"with_changes takes a dict \{dotted key path: value\}.*got list"):
        small.with_changes([("total_budget", 1)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"compare: item 0 is Config, not a \(label, config\) pair"):
        optimiser.compare([small, small])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"compare takes a list of \(label, config\) pairs.*got Config"):
        optimiser.compare(small)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"compare needs at least one \(label, config\) pair"):
        optimiser.compare([])
    with pytest.raises(TypeError, match=r"frontier: over must be the dotted key path of a budget \(str\).*got NoneType"):
        optimiser.frontier(small, over=None)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["a", 0, -1, math.nan, math.inf, True])
def test_a_time_limit_is_a_positive_number_of_seconds(small: Any, bad: Any) -> None:
    with pytest.raises(ValueError, match=r"time_limit must be a positive number of seconds, or None for the default; "
                                         rf"got {__import__('re').escape(repr(bad))}"):
        solve(small, time_limit=bad)


def test_a_numpy_time_limit_is_taken(small: Any, best: Any) -> None:
    assert solve(small, time_limit=np.float64(30)).objective == pytest.approx(best.objective)


@pytest.mark.parametrize("bad", ["a", -1, 1.5, True])
def test_seed_and_draws_are_whole_numbers(bad: Any) -> None:
    uncertain = load_config(UNCERTAIN)
    with pytest.raises(ValueError, match=r"seed must be a whole number from 0 up, or None"):
        optimiser.monte_carlo(uncertain, draws=2, seed=bad)
    with pytest.raises(ValueError, match=r"draws must be a whole number of at least 1"):
        optimiser.monte_carlo(uncertain, draws=bad)


# -- 4. numpy numbers are taken as Python ones --------------------------------------------

@pytest.mark.parametrize("path, value, read", [
    ("funding.government.per_year", np.int64(1_000_000), lambda c: c.funding["government"].per_year.at(2025)),
    ("funding.government.per_year", np.float64(1e6), lambda c: c.funding["government"].per_year.at(2025)),
    ("horizon.years", np.int64(3), lambda c: len(c.years)),
    ("objective.tie_break", np.bool_(False), lambda c: c.objective.tie_break),
])
def test_with_changes_takes_numpy_numbers(small: Any, path: str, value: Any, read: Any) -> None:
    changed = small.with_changes({path: value})
    assert read(changed) == value.item() and type(read(changed)) is not type(value)
    assert changed.raw == small.with_changes({path: value.item()}).raw


def test_counts_take_numpy_integers(small: Any) -> None:
    table = optimiser.pareto(small, points=np.int64(3))
    assert table.equals(optimiser.pareto(small, points=3))
    mc = optimiser.monte_carlo(load_config(UNCERTAIN), draws=np.int64(3), seed=np.int64(1))
    assert len(mc.draws) == 3 and mc.summary["seed"] == 1 and type(mc.summary["seed"]) is int


# -- 5. the plots say what they take ---------------------------------------------------------

@pytest.fixture(scope="module")
def plots() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    from optimiser import plots

    return plots


@pytest.mark.parametrize("function, given, message", [
    ("plot_frontier", "result", "plot_frontier takes the Frontier that frontier(config) returns, got Result"),
    ("plot_pareto", "result", "plot_pareto takes the table that pareto(config) returns, got Result"),
    ("plot_pareto", pd.DataFrame(), "plot_pareto takes the table that pareto(config) returns, got a table lacking the "
                                    "columns x_tier, y_tier, x_output, y_output"),
    ("plot_fan", "result", "plot_fan takes the MonteCarloResult that monte_carlo(config) returns, or its fan() table, "
                           "got Result"),
    ("plot_alternatives", "result", "plot_alternatives takes the Alternatives that alternatives(config) returns, "
                                    "got Result"),
    ("plot_allocation", None, "plot_allocation takes the Result that solve(config) returns, got NoneType"),
    ("plot_funding", None, "plot_funding takes the Result that solve(config) returns, got NoneType"),
    ("plot_bottlenecks", pd.DataFrame(), "plot_bottlenecks takes the Result that solve(config) returns, got a table"),
    ("plot_convergence", "pareto", "plot_convergence takes the table that robust_convergence(config) returns, got a "
                                   "table lacking the columns draws"),
    ("plot_tornado", None, "plot_tornado takes the Tornado that tornado(config) returns, a Config or a Result, "
                           "got NoneType"),
])
def test_a_plot_refuses_the_wrong_input(plots: Any, small: Any, best: Any, function: str, given: Any,
                                        message: str) -> None:
    if isinstance(given, str) and given == "result":
        given = best
    elif isinstance(given, str) and given == "pareto":
        given = optimiser.pareto(small, points=2)
    with pytest.raises(TypeError) as raised:
        getattr(plots, function)(given)
    assert str(raised.value) == message


@pytest.mark.parametrize("function", ["plot_allocation", "plot_funding", "plot_bottlenecks"])
def test_a_plot_of_an_infeasible_result_says_there_is_no_plan(plots: Any, small: Any, function: str) -> None:
    infeasible = solve(small.with_changes({"objective": {"mode": "min_cost", "targets": {"basic": 1e7}}}))
    assert infeasible.status.value == "infeasible"
    with pytest.raises(ValueError, match=rf"^{function}: the result is infeasible and has no plan to plot; "
                                         r"result.diagnosis says which limits to relax$"):
        getattr(plots, function)(infeasible)


def test_the_plots_still_draw_what_they_take(plots: Any, best: Any, tmp_path: Path) -> None:
    for function in ("plot_allocation", "plot_funding", "plot_bottlenecks"):
        assert getattr(plots, function)(best) is not None


@pytest.mark.parametrize("gap", ["a", -1, 1.0, math.nan, True])
def test_a_mip_gap_that_is_no_share_is_refused_before_anything_is_built(small: Any, gap: Any) -> None:
    with pytest.raises(ValueError, match=r"mip_gap must be a share from 0 up to \(not including\) 1, e.g. 0.001, or "
                                         r"None for the default; got "):
        solve(small, integer=True, mip_gap=gap)


def test_solver_options_must_be_a_mapping_and_take_numpy_values(small: Any) -> None:
    with pytest.raises(TypeError, match=r'solver_options takes a dict \{option name: value\}, e.g. \{"presolve": '
                                        r'"off"\}; got str'):
        solve(small, solver_options="presolve=off")
    assert solve(small, mip_gap=np.float64(0.01), solver_options={"simplex_iteration_limit": np.int64(100000)}).ok
