"""``optimiser schema``: print the JSON Schema of a config file.

Write it to a file (``optimiser schema > optimiser.schema.json``) and put
``# yaml-language-server: $schema=optimiser.schema.json`` as the first line
of a config: editors using yaml-language-server then complete and check its
keys while it is typed.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from .exits import EXIT_OK


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "schema",
        help="print the JSON Schema of a config file (for editor completion and checks)",
        description="Print the config's JSON Schema (draft 2020-12). Save it with "
        "`optimiser schema > optimiser.schema.json` and start a config with the line "
        "`# yaml-language-server: $schema=optimiser.schema.json` (the path is relative to the config).",
    )
    parser.set_defaults(run=run_schema)


def run_schema(args: argparse.Namespace) -> int:
    from ..config.schema import json_schema

    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return EXIT_OK
