"""Analysis tables for files and JSON: NaN becomes null, text cells stay text."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from ..report.files import csv_writer, write_atomic


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts for JSON: numpy scalars as Python numbers, NaN and inf as None."""
    rows = []
    for row in frame.to_dict(orient="records"):
        rows.append({str(key): _plain(value) for key, value in row.items()})
    return rows


def _plain(value: Any) -> Any:
    item = getattr(value, "item", None)
    if callable(item) and not isinstance(value, str):
        value = item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_csv(path: Path, frame: pd.DataFrame) -> Path:
    """Write ``frame`` to ``path`` atomically (a failure leaves no partial file)."""
    return write_atomic(Path(path), csv_writer(frame))
