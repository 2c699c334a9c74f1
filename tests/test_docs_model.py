"""docs/model.md documents every constraint kind the code builds, and only those.

Each row the model adds carries a ``kind`` (the ``kind`` column of a result's
``constraints`` table). The "Constraints" section of docs/model.md has one
heading per kind, the kind in backquotes. The kinds the code can build are
read from the source (the first argument of every ``book.add(...)`` call in
optimiser/model/constraints.py), since no single config exercises them all;
the kinds that configs actually build must be among them.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

from optimiser import ConfigError, load_config
from optimiser.config.types import COURSES
from optimiser.model import build_model

from .conftest import CASES, CONFIGS, ROOT

DOC = ROOT / "docs" / "model.md"
CONSTRAINTS_SOURCE = ROOT / "optimiser" / "model" / "constraints.py"
CONFIG_PATHS = sorted(CONFIGS.glob("*.yaml"))
CASE_PATHS = sorted(CASES.glob("*.yaml"))

FSTRING_NAMES = {"q": COURSES}
"""Names an f-string kind may use, with the values they take (``f"no_{q}"`` over the course types)."""


def kind_from_node(node: ast.expr, where: str) -> set[str]:
    """The kinds one first argument of ``book.add`` can take."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.JoinedStr):
        kinds = {""}
        for part in node.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                kinds = {kind + part.value for kind in kinds}
            elif isinstance(part, ast.FormattedValue) and isinstance(part.value, ast.Name) and part.value.id in FSTRING_NAMES:
                kinds = {kind + value for kind in kinds for value in FSTRING_NAMES[part.value.id]}
            else:
                raise AssertionError(f"{where}: cannot expand the f-string kind {ast.unparse(node)}; teach this test its values")
        return kinds
    raise AssertionError(f"{where}: the kind {ast.unparse(node)} is not a string literal; teach this test its values")


@cache
def source_kinds() -> frozenset[str]:
    """Every kind passed as the first argument of ``book.add(`` in constraints.py."""
    tree = ast.parse(CONSTRAINTS_SOURCE.read_text(encoding="utf-8"))
    kinds: set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "add"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "book"
        ):
            assert node.args, f"constraints.py:{node.lineno}: book.add without a kind"
            kinds |= kind_from_node(node.args[0], f"constraints.py:{node.lineno}")
    return frozenset(kinds)


def documented_kinds(text: str) -> set[str]:
    """Backquoted names in the headings of the "## Constraints" section."""
    match = re.search(r"^## Constraints[ \t]*$(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, 'docs/model.md has no "## Constraints" section'
    headings = re.findall(r"^#{3,6} (.*)$", match.group(1), re.MULTILINE)
    return {name for heading in headings for name in re.findall(r"`([^`]+)`", heading)}


def built_kinds(path: Path) -> set[str]:
    config = load_config(path)
    kinds = {info.kind for info in build_model(config).book.rows}
    return kinds | {info.kind for info in build_model(config, baseline=True).book.rows}


def loads(path: Path) -> bool:
    try:
        load_config(path)
    except ConfigError:
        return False
    return True


def test_source_has_the_kinds_of_every_constraint_function() -> None:
    kinds = source_kinds()
    # One per constraint of the model, and the three "no" expanded from f"no_{q}".
    assert {"no_knowledge", "no_practice", "no_training", "enrolment", "funding_cap"} <= kinds
    assert not any("{" in kind for kind in kinds)


@pytest.mark.parametrize("path", CONFIG_PATHS, ids=lambda p: p.name)
def test_every_kind_a_shipped_config_builds_is_documented(path: Path) -> None:
    # Every shipped config must load: a failure here is a broken config, not a skip.
    kinds = built_kinds(path)
    assert kinds, path.name
    assert kinds <= source_kinds(), f"kinds built but not found in constraints.py: {sorted(kinds - source_kinds())}"
    documented = documented_kinds(DOC.read_text(encoding="utf-8"))
    assert kinds <= documented, f"{path.name}: kinds not documented in docs/model.md: {sorted(kinds - documented)}"


@pytest.mark.parametrize("path", CASE_PATHS, ids=lambda p: p.name)
def test_every_kind_a_test_case_builds_is_documented(path: Path) -> None:
    assert loads(path), f"{path.name} no longer loads"
    kinds = built_kinds(path)
    assert kinds <= source_kinds(), f"kinds built but not found in constraints.py: {sorted(kinds - source_kinds())}"
    documented = documented_kinds(DOC.read_text(encoding="utf-8"))
    assert kinds <= documented, f"{path.name}: kinds not documented in docs/model.md: {sorted(kinds - documented)}"


def test_every_kind_the_code_can_build_is_documented() -> None:
    documented = documented_kinds(DOC.read_text(encoding="utf-8"))
    missing = source_kinds() - documented
    assert not missing, f"constraint kinds with no heading in docs/model.md: {sorted(missing)}"


def test_every_documented_kind_is_one_the_code_builds() -> None:
    documented = documented_kinds(DOC.read_text(encoding="utf-8"))
    unknown = documented - source_kinds()
    assert not unknown, f"docs/model.md has constraint headings for kinds the code never builds: {sorted(unknown)}"


def test_both_directions_can_fail() -> None:
    text = DOC.read_text(encoding="utf-8")
    without = text.replace("### `teacher_hours`", "### teaching hours")
    assert "teacher_hours" in source_kinds() - documented_kinds(without)
    extra = text.replace("## Constraints\n", "## Constraints\n\n### `no_budget` — not a kind\n", 1)
    assert "no_budget" in documented_kinds(extra) - source_kinds()


def test_model_doc_points_only_inside_the_repository() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert not re.search(r"(?<![\w.`])/[a-z]+/", text), "docs/model.md names an absolute path"
    for name in re.findall(r"[\w./-]+\.md\b", text):
        assert (DOC.parent / name).exists() or (ROOT / name).exists(), f"docs/model.md names a file not in the repository: {name}"
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
        assert not re.match(r"[a-z]+://", target), target
        assert (DOC.parent / target).exists(), f"docs/model.md links to a missing file: {target}"
