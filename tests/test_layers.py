"""Results hold data; optimiser.report shows them; the planner's words live in one module."""

from __future__ import annotations

import ast
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "optimiser"


def _import_cycles():
    spec = importlib.util.spec_from_file_location("import_cycles", ROOT / "scripts" / "import_cycles.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


DATA_MODULES = ("optimiser.results", "optimiser.compare", "optimiser.evaluate", "optimiser.api",
                "optimiser.sensitivity.report", "optimiser.sensitivity.build", "optimiser.files")
DATA_PACKAGES = ("optimiser.model", "optimiser.solve", "optimiser.config", "optimiser.analysis")


def test_results_never_import_presentation():
    """Not at module level and not inside a function: their text, HTML and JSON come from optimiser.views."""
    graph = _import_cycles().import_graph()
    data = [m for m in graph if m in DATA_MODULES or m.startswith(DATA_PACKAGES)]
    assert len(data) > 20
    assert {"optimiser.analysis.output", "optimiser.analysis.frontier", "optimiser.analysis.montecarlo"} <= set(data)
    offenders = {m: sorted(t for t in graph[m] if t.startswith("optimiser.report")) for m in data}
    assert {m: t for m, t in offenders.items() if t} == {}


def test_only_the_config_group_still_imports_itself_round_about():
    """results, comparisons, evaluations, reports, the package, the command line, the words (optimiser.i18n)
    and the errors are free of import cycles; only config validation, which applies scenarios and draws
    uncertain values and validates the result again, still does."""
    tool = _import_cycles()
    groups = tool.strongly_connected(tool.import_graph())
    for group in groups:
        assert all(m.startswith("optimiser.config.") for m in group), group


def test_views_show_every_result():
    from optimiser import compare, evaluate, load_config, sensitivity, solve

    small_config = load_config(ROOT / "tests" / "cases" / "small.yaml")
    from optimiser.views import VIEWS, renderer

    result = solve(small_config)
    assert small_config.name in str(result) and "<" in result._repr_html_()
    assert json.loads(json.dumps(result.to_dict()))["status"] == "optimal"
    report = sensitivity(result)
    assert "Sensitivity report" in str(report) and set(report.to_dict()) == {"constraints", "variables", "ranking", "note"}
    comparison = compare([("a", small_config), ("b", small_config)])
    assert [p["name"] for p in comparison.to_dict()["plans"]] == ["a", "b"] and "a" in str(comparison)
    evaluation = evaluate(small_config, result.plan)
    assert evaluation.to_dict()["feasible"] is True and str(evaluation)
    for (kind, form), target in VIEWS.items():  # every entry names a function that exists
        module, _, function = target.partition(":")
        assert callable(getattr(importlib.import_module(module), function)), (kind, form)
    with pytest.raises(LookupError, match="no 'markdown' view of Result"):
        renderer(type(result), "markdown")


def test_the_three_no_are_worded_once():
    from optimiser.i18n import _, language
    from optimiser.i18n.words import COURSE_NO

    places = [p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")
              if "no systematic knowledge" in p.read_text(encoding="utf-8")]
    assert places == ["i18n/words.py"]
    with language("zh"):
        assert all(_(words) != words for words in COURSE_NO.values())


def test_only_the_highs_backend_imports_highspy():
    """The solver library is one module's business: every other module asks optimiser.solve for a solve."""

    def imports_highspy(path: Path) -> bool:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "highspy" for a in node.names):
                return True
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "highspy":
                return True
        return False

    assert sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py") if imports_highspy(p)) == [
        "solve/highs.py"]
