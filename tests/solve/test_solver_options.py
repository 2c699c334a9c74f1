"""Solver options passed through for experts: ``solve(solver_options=...)`` and ``--solver-options KEY=VALUE``."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimiser import load_config, solve
from optimiser.cli import main
from optimiser.errors import SolverError
from optimiser.solve.backends import checked_options, run_cbc_lp

from ..tiny import tiny_config, write_tiny

# The tiny config's optimum by hand: 24,000 yuan buy 2 lecturers, whose 240
# practice hours back 8 students of 30 practice hours each.
TINY_OPTIMUM = 8.0


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return write_tiny(tmp_path, tiny_config())


def test_highs_options_reach_every_solve(tiny: Path) -> None:
    config = load_config(tiny)
    assert solve(config).objective == pytest.approx(TINY_OPTIMUM)
    # No presolve and no simplex iteration allowed: HiGHS cannot reach the optimum.
    stopped = solve(config, solver_options={"presolve": "off", "simplex_iteration_limit": "0"})
    assert stopped.status.value == "not_solved"
    ipm = solve(config, solver_options={"solver": "ipm", "run_crossover": "on"})
    assert ipm.status.value == "optimal"
    assert ipm.objective == pytest.approx(TINY_OPTIMUM)


def test_cbc_options_reach_cbc(tiny: Path) -> None:
    config = load_config(tiny)
    assert solve(config, solver="cbc", solver_options={"primalTolerance": "1e-9"}).objective == pytest.approx(TINY_OPTIMUM)
    # No iteration allowed: CBC stops before proving the optimum.
    assert solve(config, solver="cbc", solver_options={"maxIterations": 0}).status.value != "optimal"


def test_cbc_options_reach_the_shadow_price_stage(tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from optimiser.solve import duals

    seen: list[list[str] | None] = []

    def recording(problem: object, options: list[str] | None = None) -> object:
        seen.append(options)
        return run_cbc_lp(problem, options)  # type: ignore[arg-type]

    monkeypatch.setattr(duals, "run_cbc_lp", recording)
    result = solve(load_config(tiny), solver="cbc", solver_options={"primalTolerance": "1e-9"})
    assert result.objective == pytest.approx(TINY_OPTIMUM)
    # The expert's option, after the tolerance every CBC LP run gets (backends.CBC_LP_TOLERANCES).
    assert seen and all(options == ["dualTolerance 1e-9", "primalTolerance 1e-9"] for options in seen)


def test_a_failing_cbc_run_is_a_solver_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import pulp

    def broken(self: object, *args: object, **kwargs: object) -> int:
        raise pulp.PulpSolverError("Pulp: Error while executing")

    problem = pulp.LpProblem("p", pulp.LpMinimize)
    y = pulp.LpVariable("y", 0, 1)
    problem += y
    monkeypatch.setattr(pulp.LpProblem, "solve", broken)
    with pytest.raises(SolverError, match="CBC failed: Pulp: Error while executing"):
        run_cbc_lp(problem)


def test_highs_option_values_take_the_option_type() -> None:
    assert checked_options("highs", {"threads": "2", "mip_rel_gap": "1e-4", "presolve": "off", "output_flag": "false"}) == {
        "threads": 2, "mip_rel_gap": 1e-4, "presolve": "off", "output_flag": False,
    }


@pytest.mark.parametrize(
    ("solver", "options", "message"),
    [
        ("highs", {"solvr": "ipm"}, "HiGHS has no option 'solvr'; close names: solver"),
        ("highs", {"mip_rel_gap": "abc"}, "HiGHS option mip_rel_gap takes a number, not 'abc'"),
        ("highs", {"threads": "1.5"}, "HiGHS option threads takes a whole number, not '1.5'"),
        ("highs", {"presolve": "maybe"}, "HiGHS refused option presolve='maybe'"),
        ("cbc", {"ratio-gap": "0.1"}, "CBC option 'ratio-gap': a name is letters and digits"),
        ("cbc", {"ratioGap": "0.1; rm"}, "CBC option ratioGap='0.1; rm': a value is one word or number"),
        ("cbc", {"bogusOpt": "3"}, "CBC has no option 'bogusOpt'; close names: sosOptions"),
        ("cbc", {"rat": "0.1"}, "CBC has no option 'rat'; close names: ratioGap"),
        ("cbc", {"ratioGapX": "0.1"}, "CBC has no option 'ratioGapX'; close names: ratioGap"),
        ("cbc", {"ratioGap": "abc"}, "CBC option ratioGap='abc': ratioGap takes a number"),
        ("cbc", {"ratioGap": "-1"}, "CBC option ratioGap='-1': ratioGap takes values from 0 up"),
        ("cbc", {"maxN": "2.5"}, "CBC option maxN='2.5': maxNodes takes a whole number"),
        ("cbc", {"presolve": "maybe"}, "CBC option presolve='maybe': presolve takes one of on, off, more, file"),
        ("cbc", {"presolve": "of"}, "CBC option presolve='of': presolve takes one of on, off, more, file"),
    ],
)
def test_bad_options_are_named(solver: str, options: dict[str, str], message: str) -> None:
    with pytest.raises(SolverError, match=message.replace("(", r"\(").replace("?", r"\?")):
        checked_options(solver, options)


def test_command_line_passes_options_and_refuses_bad_ones(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", str(tiny), "--solver-options", "solver=ipm", "--solver-options", "run_crossover=on"]) == 0
    assert "8.0" in capsys.readouterr().out
    assert main(["solve", str(tiny), "--solver-options", "solvr=ipm"]) == 2
    err = capsys.readouterr().err
    assert "argument --solver-options: HiGHS has no option 'solvr'; close names: solver" in err
    assert main(["solve", str(tiny), "--solver-options", "threads"]) == 2
    assert "'threads': write KEY=VALUE" in capsys.readouterr().err


def test_cbc_takes_its_names_and_choices_in_any_case_and_shortened() -> None:
    """As the CBC program does: ``-ratiogap``, ``-ratio`` and ``-presolve OFF`` are its ratioGap and presolve."""
    options = {"ratiogap": "0.1", "ratio": "0.2", "sec": "5", "presolve": "OFF", "threads": "2", "direction": "max"}
    assert checked_options("cbc", options) == options


def test_cbc_s_listing_is_read_by_section() -> None:
    from optimiser.solve.cbc_params import Parameter, Written, parse_listing

    listing = (
        "Double parameters:\n\nCommand  ratio(Gap) Stop when gap ...\n---- description\n<Range of values is 0 to 1e+300;\n"
        "\tcurrent 0>\n----\n\nInteger parameters:\n\nCommand \n maxN(odes) Maximum number of nodes to do\n"
        "<Range of values is -1 to 2147483647;\n----\n\nKeyword parameters:\n\nCommand  presolve Whether to presolve\n"
        "<Possible options for presolve are: on off more file;\n\tcurrent  on>\n----\n\n"
        "Actions or string parameters:\n\nCommand  export Export model as mps file\n----\n"
    )
    assert parse_listing(listing) == (
        Parameter(Written("ratio", "ratioGap"), "number", 0.0, 1e300),
        Parameter(Written("maxN", "maxNodes"), "whole", -1.0, 2147483647.0),
        Parameter(Written("presolve", "presolve"), "choice",
                  choices=tuple(Written(word, word) for word in ("on", "off", "more", "file"))),
    )


def test_command_line_refuses_an_unknown_cbc_option(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", str(tiny), "--solver", "cbc", "--solver-options", "bogusOpt=3"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[-1] == (
        "optimiser solve: error: argument --solver-options: CBC has no option 'bogusOpt'; close names: sosOptions")
    assert main(["solve", str(tiny), "--solver", "cbc", "--solver-options", "ratioGap=0.5"]) == 0


@pytest.mark.parametrize("option", ["output_flag=true", "log_to_console=on"])
def test_the_solver_log_asked_for_goes_to_stderr_and_json_stays_json(
    tiny: Path, capfd: pytest.CaptureFixture[str], option: str
) -> None:
    import json

    assert main(["solve", str(tiny), "--json", "--solver-options", option]) == 0
    out, err = capfd.readouterr()
    assert json.loads(out)["objective"] == pytest.approx(TINY_OPTIMUM)
    assert "Coefficient ranges" in err  # HiGHS's own log, line by line
    assert "Coefficient ranges" not in out


@pytest.mark.parametrize(("solver", "option"), [
    ("highs", "primal_feasibility_tolerance=0.01"), ("highs", "dual_feasibility_tolerance=1e10"),
    ("highs", "ipm_optimality_tolerance=1"), ("highs", "kkt_tolerance=0.5"), ("highs", "optimality_tolerance=0.5"),
    ("highs", "primal_residual_tolerance=0.01"), ("cbc", "primalTolerance=0.5"), ("cbc", "dualT=1e3"),
])
def test_a_tolerance_loose_enough_to_pass_a_wrong_plan_off_as_optimal_is_refused(
    tiny: Path, capsys: pytest.CaptureFixture[str], solver: str, option: str
) -> None:
    assert main(["solve", str(tiny), "--solver", solver, "--solver-options", option]) == 2
    key, value = option.split("=")
    assert (f"solver option {key}={value}: a tolerance above 0.001 lets the solver call a plan optimal that breaks "
            "limits or is far from the best; use at most 0.001, or leave the solver's default") in capsys.readouterr().err
    # At the limit, it is the solver's to use.
    assert solve(load_config(tiny), solver=solver, solver_options={key: "1e-3"}).objective == pytest.approx(
        TINY_OPTIMUM, rel=1e-3)


def test_a_plan_the_solver_returns_breaking_its_limits_is_not_passed_off_as_optimal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from optimiser.solve import highs

    # Past the refusal of loose tolerances (as an older check, or a solver's own fault, might let through):
    # HiGHS told that a row may be missed by 1e10 returns a plan far outside them and calls it optimal.
    monkeypatch.setattr(highs, "LOOSEST_TOLERANCE", float("inf"))
    zhejiang = load_config(Path(__file__).resolve().parents[2] / "configs" / "zhejiang.yaml")
    result = solve(zhejiang, solver_options={"primal_feasibility_tolerance": 1e10})
    assert result.status.value == "not_solved"
    (note,) = [n for n in result.summary["notes"] if "breaks" in n]
    assert note.startswith("the solver returned a plan that breaks ")
    assert "so it is not shown as a plan: options that loosen the solver's tolerances (solver options) can do this" in note
    assert "status: not_solved\nnote: the solver returned a plan" in str(result)
