"""Shared fixtures: paths to the shipped configs and the known-answer cases."""

from __future__ import annotations

import importlib.util
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "configs"
CASES = ROOT / "tests" / "cases"
SOLVERS = ("highs", "cbc")


def benchmark_generator() -> ModuleType:
    """``benchmarks/generate.py``, the generator of national-scale configs (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    return generate


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests expect English unless they choose a language: the locale of the machine does not decide."""
    import optimiser.i18n

    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setattr(optimiser.i18n, "_chosen", None)


@pytest.fixture(params=SOLVERS)
def solver(request: pytest.FixtureRequest) -> str:
    """Each test that takes ``solver`` runs once per solver."""
    return str(request.param)


@pytest.fixture
def zhejiang() -> Path:
    return CONFIGS / "zhejiang.yaml"


@pytest.fixture
def zhejiang_exact(tmp_path: Path) -> Path:
    """configs/zhejiang.yaml returning the exact optimum (smooth: true), not the steadier plan
    its smooth: 0.01 trades 1% of output for: every plan then spends all the money it may."""
    text = (CONFIGS / "zhejiang.yaml").read_text(encoding="utf-8")
    assert "\n  smooth: 0.01 " in text
    path = tmp_path / "zhejiang_exact.yaml"
    path.write_text(text.replace("\n  smooth: 0.01 ", "\n  smooth: true ", 1), encoding="utf-8")
    return path


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write YAML text (dedented) to a file in a temporary folder and return its path."""

    def write(text: str, name: str = "plan.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


@pytest.fixture
def copy_config(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a shipped config (and its CSV files) into a temporary folder."""

    def copy(name: str) -> Path:
        for item in CONFIGS.iterdir():
            shutil.copy(item, tmp_path / item.name)
        return tmp_path / name

    return copy
