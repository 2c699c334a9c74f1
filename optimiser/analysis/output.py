"""Analysis tables for files and JSON (by :mod:`optimiser.jsonrule`), text cells stay text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..files import csv_writer, write_atomic
from ..jsonrule import jsonable


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts for JSON, by :func:`optimiser.jsonrule.jsonable` (NaN as null, inf as "unlimited")."""
    return [{str(key): jsonable(value) for key, value in row.items()} for row in frame.to_dict(orient="records")]


def write_csv(path: Path, frame: pd.DataFrame) -> Path:
    """Write ``frame`` to ``path`` atomically (a failure leaves no partial file)."""
    return write_atomic(Path(path), csv_writer(frame))
