"""The example notebooks run, compute what optimiser computes, and stay in step with their scripts."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from optimiser import frontier, load_config, monte_carlo, solve
from optimiser.analysis.tornado import uncertain_inputs

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
NOTEBOOKS = ("01_zhejiang_walkthrough.ipynb", "02_tradeoffs_and_uncertainty.ipynb")


def make_notebooks() -> Any:
    spec = importlib.util.spec_from_file_location("make_notebooks", EXAMPLES / "make_notebooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def kernel_environment(monkeypatch: pytest.MonkeyPatch, out: Path) -> None:
    """The kernel is started as ``python``: make that this interpreter; figures inline; files into ``out``."""
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.delenv("MPLBACKEND", raising=False)
    monkeypatch.setenv("OPTIMISER_EXAMPLES_OUT", str(out))


def run_notebook(name: str) -> nbformat.NotebookNode:
    notebook = nbformat.read(EXAMPLES / name, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(EXAMPLES)}}).execute()
    return notebook


def final_numbers(notebook: nbformat.NotebookNode) -> dict[str, Any]:
    text = "".join(out.get("text", "") for out in notebook.cells[-1].outputs if out.output_type == "stream")
    return json.loads(text.strip().splitlines()[-1])


def images(notebook: nbformat.NotebookNode) -> int:
    return sum("image/png" in out.get("data", {}) for cell in notebook.cells for out in cell.get("outputs", []))


def test_notebooks_are_built_from_the_scripts() -> None:
    module = make_notebooks()
    for script in module.SCRIPTS:
        notebook = module.notebook_path(script)
        assert notebook.read_text(encoding="utf-8") == module.rendered(script), (
            f"{notebook.name} is out of date: run python examples/make_notebooks.py"
        )


def test_notebooks_are_committed_without_outputs() -> None:
    for name in NOTEBOOKS:
        notebook = nbformat.read(EXAMPLES / name, as_version=4)
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        assert code and all(cell.outputs == [] and cell.execution_count is None for cell in code), name


@pytest.mark.slow
def test_walkthrough_notebook(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    kernel_environment(monkeypatch, tmp_path)
    notebook = run_notebook(NOTEBOOKS[0])
    numbers = final_numbers(notebook)
    assert images(notebook) == 3  # allocation and funding, bottlenecks, tornado
    config = load_config(ROOT / "configs" / "zhejiang.yaml")
    result = solve(config)
    assert numbers["objective"] == pytest.approx(result.objective, rel=1e-9)
    assert numbers["total_cost"] == pytest.approx(result.total_cost, rel=1e-6)
    assert numbers["binding_no_count"] == int(result.bottlenecks[["knowledge", "practice", "training"]].to_numpy().sum())
    government = config.funding["government"].per_year.at(2026)
    richer = config.with_changes(
        {"funding.government.per_year": {2025: government, 2026: government + 1e6, 2027: government}}
    )
    gain = solve(richer).objective - result.objective
    assert numbers["next_million_gain"] == pytest.approx(gain, rel=1e-9)
    # The statement's own step stays within its range, so what it says the step buys is exact;
    # a whole million runs past that range and buys at most the quoted rate (the frontier is concave).
    assert numbers["step_gain"] == pytest.approx(numbers["step_effect"], rel=1e-6)
    assert 0 < numbers["next_million_gain"] <= numbers["next_million_rate"] * (1 + 1e-9)
    assert numbers["tornado_inputs"] == len(uncertain_inputs(config))
    assert {p.name for p in tmp_path.iterdir()} == {
        "01_allocation_and_funding.png", "01_bottlenecks.png", "01_tornado.png",
    }


@pytest.mark.slow
def test_tradeoffs_notebook(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    kernel_environment(monkeypatch, tmp_path)
    notebook = run_notebook(NOTEBOOKS[1])
    numbers = final_numbers(notebook)
    config = load_config(ROOT / "configs" / "zhejiang.yaml")
    front = frontier(config, over="total_budget")
    assert numbers["frontier_breakpoints"] == len(front.breakpoints)
    # The frontier ends at the config's own optimum, where every source's yearly cap binds.
    assert numbers["frontier_top"] == pytest.approx(solve(config).objective, rel=1e-7)
    assert numbers["frontier_caps"] == [f"funding.{source}.per_year" for source in config.funding]
    assert numbers["senior_points"] == 1
    uncertain = load_config(ROOT / "configs" / "zhejiang_uncertain.yaml")
    best = solve(uncertain)
    assert numbers["optimum"] == pytest.approx(best.objective, rel=1e-9)
    robust = monte_carlo(uncertain, draws=50, seed=0, plan=best)
    assert numbers["draws"] == 50
    assert numbers["median_fixed"] == pytest.approx(robust.percentiles.loc["objective", "p50"], rel=1e-12)
    assert numbers["first_draw_objective"] == pytest.approx(robust.draws["objective"].iloc[0], rel=1e-12)
    assert numbers["median_reoptimised"] == pytest.approx(
        monte_carlo(uncertain, draws=50, seed=0).percentiles.loc["objective", "p50"], rel=1e-12
    )
    assert images(notebook) == 3  # frontier, pareto, fan
    assert sorted(p.name for p in tmp_path.iterdir()) == ["02_fan.png", "02_frontier.png", "02_pareto.png"]


@pytest.mark.slow
@pytest.mark.parametrize("script", ["01_zhejiang_walkthrough.py", "02_tradeoffs_and_uncertainty.py"])
def test_scripts_run_from_the_repository_root(script: str, tmp_path: Path) -> None:
    env = {**os.environ, "OPTIMISER_EXAMPLES_OUT": str(tmp_path), "OPTIMISER_EXAMPLES_DRAWS": "8", "MPLBACKEND": "Agg"}
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / script)], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    numbers = json.loads(done.stdout.strip().splitlines()[-1])
    assert numbers["objective" if script.startswith("01") else "optimum"] > 30000
    assert len(list(tmp_path.glob("*.png"))) == 3
