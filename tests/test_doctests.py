"""The examples in the package's docstrings run and print what they show."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import optimiser

from .conftest import ROOT

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(optimiser.__path__, "optimiser.") if not info.name.endswith("__main__")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # examples read configs/ by relative path
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} docstring examples failed in {name}"


def test_examples_exist_on_the_public_entry_points() -> None:
    for name in ("load_config", "solve", "compare", "evaluate", "sensitivity", "sweep", "frontier", "pareto", "monte_carlo"):
        assert ">>>" in (getattr(optimiser, name).__doc__ or ""), name
