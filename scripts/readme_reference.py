"""Write what is generated from optimiser/config/schema.py: the README's config reference tables
and the JSON Schema shipped in the package (optimiser/config/config.schema.json).

    .venv/bin/python scripts/readme_reference.py          # rewrite both
    .venv/bin/python scripts/readme_reference.py --check  # exit 1 when either is stale

tests/config/test_schema.py fails while either differs from what this writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from optimiser.config.schema import schema_path, schema_text, with_reference

README = Path(__file__).resolve().parent.parent / "README.md"


def main(argv: list[str]) -> int:
    files = {README: with_reference(README.read_text(encoding="utf-8")), schema_path(): schema_text()}
    if "--check" in argv:
        stale = [path for path, fresh in files.items() if not path.exists() or path.read_text(encoding="utf-8") != fresh]
        for path in stale:
            print(f"{path} is stale: run python scripts/readme_reference.py", file=sys.stderr)
        return 1 if stale else 0
    for path, fresh in files.items():
        path.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
