"""Build the example notebooks from the example scripts, so the two never drift apart.

Each script is split into cells at ``# %%`` lines; ``# %% [markdown]`` cells
hold markdown written as comment lines. Notebooks are written without
outputs, with stable cell ids.

    python examples/make_notebooks.py          # rewrite the notebooks
    python examples/make_notebooks.py --check  # exit 1 if a notebook is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

HERE = Path(__file__).resolve().parent
SCRIPTS = ("01_zhejiang_walkthrough.py", "02_tradeoffs_and_uncertainty.py")
MARKER = "# %%"
MARKDOWN = "# %% [markdown]"


def cells_of(text: str) -> list[tuple[str, str]]:
    """``(kind, source)`` for each cell of a percent-format script."""
    cells: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith(MARKER):
            cells.append(("markdown" if line.strip() == MARKDOWN else "code", []))
        elif cells:
            cells[-1][1].append(line)
    result = []
    for kind, lines in cells:
        if kind == "markdown":
            lines = [line[2:] if line.startswith("# ") else line.lstrip("#") for line in lines]
        source = "\n".join(lines).strip("\n")
        if source:
            result.append((kind, source))
    return result


def notebook_from_script(path: Path) -> NotebookNode:
    """The notebook of one example script (no outputs)."""
    notebook = nbformat.v4.new_notebook()
    for index, (kind, source) in enumerate(cells_of(path.read_text(encoding="utf-8"))):
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        cell = make(source)
        cell["id"] = f"cell-{index:02d}"
        notebook.cells.append(cell)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


def notebook_path(script: str) -> Path:
    return HERE / script.replace(".py", ".ipynb")


def rendered(script: str) -> str:
    return nbformat.writes(notebook_from_script(HERE / script)) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only check that the notebooks are up to date")
    args = parser.parse_args(argv)
    stale = []
    for script in SCRIPTS:
        target = notebook_path(script)
        text = rendered(script)
        if args.check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(target.name)
        else:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(HERE.parent)}")
    if stale:
        print(f"out of date: {', '.join(stale)}; run python examples/make_notebooks.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
