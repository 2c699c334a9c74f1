"""Analysis tables for files and JSON (by :mod:`optimiser.jsonrule`), text cells stay text."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..files import csv_writer, write_each
from ..jsonrule import jsonable


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts for JSON, by :func:`optimiser.jsonrule.jsonable` (NaN as null, inf as "unlimited")."""
    return [{str(key): jsonable(value) for key, value in row.items()} for row in frame.to_dict(orient="records")]


def write_csv(path: Path, frame: pd.DataFrame) -> Path:
    """Write ``frame`` to ``path`` atomically (a failure leaves no partial file)."""
    return write_csvs([(path, frame)])[0]


def write_csvs(tables: Sequence[tuple[Path, pd.DataFrame]]) -> list[Path]:
    """Write each frame to its path, all or none (:func:`optimiser.files.write_each`): a table and the one
    written beside it never come from two runs."""
    return write_each([(Path(path), csv_writer(frame)) for path, frame in tables])
