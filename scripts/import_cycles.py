"""List the import cycles between the optimiser's own modules.

    .venv/bin/python scripts/import_cycles.py            # strongly connected groups and every cycle
    .venv/bin/python scripts/import_cycles.py --count    # one line: groups, cycles, edges
    .venv/bin/python scripts/import_cycles.py --module-level-only

Every ``import`` and ``from ... import`` in optimiser/ is read with ``ast``: those at
module level and those inside functions and methods alike (an import deferred into a
function still ties the two modules together). ``from .pkg import name`` counts as an
import of ``pkg.name`` when that is a module, else of ``pkg``. Imports under
``if TYPE_CHECKING:`` are left out (they never run). A package's ``__init__`` is the
module named after the package; importing ``a.b.c`` is an edge to ``a.b.c`` only, not to
the packages above it.

An edge is marked ``*`` when the import is inside a function. Exit status 1 when there is
a cycle, so the script can guard a build.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "optimiser"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement that can run, with whether it sits inside a function."""

    def walk(node: ast.AST, in_function: bool) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for other in child.orelse:
                    yield from walk(other, in_function)
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child, in_function
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            yield from walk(child, inside)

    yield from walk(tree, False)


def import_graph(module_level_only: bool = False) -> dict[str, dict[str, bool]]:
    """{module: {imported module: True when only imported inside functions}}."""
    files = {module_name(path): path for path in sorted((ROOT / PACKAGE).rglob("*.py"))}
    graph: dict[str, dict[str, bool]] = {name: {} for name in files}
    for name, path in files.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node, in_function in _imports(tree):
            if module_level_only and in_function:
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                if node.level:
                    base = name.split(".") if is_package else name.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    stem = ".".join(base + ([node.module] if node.module else []))
                else:
                    stem = node.module or ""
                for alias in node.names:
                    child = f"{stem}.{alias.name}"
                    targets.append(child if child in files else stem)
            for target in targets:
                while target and target not in files and "." in target:
                    target = target.rsplit(".", 1)[0]
                if target in files and target != name:
                    # An edge stays "function-level" only if every import of it is inside a function.
                    graph[name][target] = graph[name].get(target, True) and in_function
    return graph


def strongly_connected(graph: dict[str, dict[str, bool]]) -> list[list[str]]:
    """Tarjan's groups of two or more modules that import each other, directly or round about."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    sys.setrecursionlimit(max(10_000, sys.getrecursionlimit()))

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def cycles(graph: dict[str, dict[str, bool]], limit: int) -> list[list[str]]:
    """Elementary cycles, each once, starting at its smallest module (at most ``limit``)."""
    found: list[list[str]] = []
    for group in strongly_connected(graph):
        members = set(group)
        for start in group:
            allowed = {m for m in members if m >= start}
            path = [start]

            def extend(node: str) -> None:
                for target in sorted(graph[node]):
                    if len(found) >= limit:
                        return
                    if target == start:
                        found.append(list(path))
                    elif target in allowed and target not in path:
                        path.append(target)
                        extend(target)
                        path.pop()

            extend(start)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", action="store_true", help="print one summary line only")
    parser.add_argument("--module-level-only", action="store_true", help="leave out imports inside functions")
    parser.add_argument("--limit", type=int, default=10_000, help="stop listing cycles after this many")
    args = parser.parse_args(argv)
    graph = import_graph(args.module_level_only)
    groups = strongly_connected(graph)
    found = cycles(graph, args.limit)
    more = "+" if len(found) >= args.limit else ""
    edges = sum(len(targets) for targets in graph.values())
    summary = f"{len(groups)} groups, {len(found)}{more} cycles among {len(graph)} modules ({edges} import edges)"
    if args.count:
        print(summary)
        return 1 if found else 0
    for group in groups:
        print("group: " + ", ".join(group))
    for cycle in found:
        steps = []
        for here, there in zip(cycle, cycle[1:] + cycle[:1], strict=True):
            steps.append(here + (" -*> " if graph[here][there] else " -> "))
        print("cycle: " + "".join(steps) + cycle[0])
    print(summary)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
