"""Write the README's config reference tables from optimiser/config/schema.py.

    .venv/bin/python scripts/readme_reference.py          # rewrite README.md between the markers
    .venv/bin/python scripts/readme_reference.py --check  # exit 1 when README.md is stale

tests/config/test_schema.py fails while the README differs from what this writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from optimiser.config.schema import with_reference

README = Path(__file__).resolve().parent.parent / "README.md"


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    fresh = with_reference(text)
    if "--check" in argv:
        if fresh != text:
            print(f"{README} is stale: run python scripts/readme_reference.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
