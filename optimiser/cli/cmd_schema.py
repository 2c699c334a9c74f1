"""``optimiser schema``: print the JSON Schema of a config file, or where the package keeps it.

The package ships the schema as ``optimiser/config/config.schema.json``;
``optimiser schema --path`` prints that file's location. Name it (or a copy
written with ``optimiser schema > optimiser.schema.json``) in a
``# yaml-language-server: $schema=...`` line at the top of a config:
editors using yaml-language-server then complete and check its keys while
it is typed.
"""

from __future__ import annotations

import argparse
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
    parser.add_argument("--path", action="store_true",
                        help="print where the package keeps its copy of the schema instead of the schema")
    parser.set_defaults(run=run_schema)


def run_schema(args: argparse.Namespace) -> int:
    from ..config.schema import schema_path, schema_text

    if args.path:
        print(schema_path())
    else:
        print(schema_text(), end="")
    return EXIT_OK
