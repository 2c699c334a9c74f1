"""The one rule by which every result becomes JSON.

Every ``to_dict()``, every ``--json`` object and every ``summary.json`` passes
its values through :func:`jsonable`, so a program reading any of them meets the
same conventions:

- a number is a JSON number; numpy and pandas scalars become Python ones;
- a missing number (``None``, NaN, ``pandas.NA``, ``NaT``) is ``null``;
- an unbounded number (``±inf``: an unlimited sensitivity range, a cost per extra
  graduate when no money buys more) is the string ``"unlimited"`` or ``"-unlimited"``,
  never ``Infinity`` (which is not JSON) and never ``null`` (which means missing);
- dates and times are ISO 8601 strings, paths are strings, enumerations their value;
- dataclasses become objects, tuples and sets become arrays (sets sorted), numpy
  arrays and pandas Series arrays, a DataFrame an array of row objects;
- mapping keys are strings.

Anything else is written as its ``str()``. The module imports nothing outside the
standard library, so data modules and writers can share it.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
import json
import math
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

UNLIMITED = "unlimited"
"""How ``+inf`` is written; ``-inf`` is ``"-" + UNLIMITED``."""


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON data (dict, list, str, int, float, bool, None), by the rule above."""
    for convert in (_scalar, _container, _described, _array_like):
        plain = convert(value)
        if plain is not _UNHANDLED:
            return plain
    return str(value)


_UNHANDLED = object()
"""What a converter below returns for a value it does not handle."""


def _scalar(value: Any) -> Any:
    """None, text, booleans, whole numbers, floats and pandas' missing values."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return _float(value)
    if type(value).__name__ in ("NAType", "NaTType"):  # pandas.NA, pandas.NaT (a datetime subclass)
        return None
    return _UNHANDLED


def _container(value: Any) -> Any:
    """Mappings, sequences and sets, converted item by item (sets in sorted order)."""
    if isinstance(value, Mapping):
        return {_key(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return [jsonable(v) for v in sorted(value, key=str)]
    return _UNHANDLED


def _described(value: Any) -> Any:
    """Enums by value, paths as text, dates and times in ISO form, dataclasses field by field."""
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)) or type(value).__name__ == "Timestamp":
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return _UNHANDLED


def _array_like(value: Any) -> Any:
    """pandas frames as records, numpy arrays and scalars and pandas series as lists or numbers, bytes as text."""
    if type(value).__name__ == "DataFrame":
        return [jsonable(row) for row in value.to_dict(orient="records")]
    if hasattr(value, "tolist") and callable(value.tolist):
        return jsonable(value.tolist())
    if hasattr(value, "item") and callable(value.item):
        return jsonable(value.item())
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", errors="replace")
    return _UNHANDLED


def _float(value: float) -> float | str | None:
    if math.isnan(value):
        return None
    if math.isinf(value):
        return UNLIMITED if value > 0 else "-" + UNLIMITED
    return float(value)


def _key(key: Any) -> str:
    plain = jsonable(key)
    return plain if isinstance(plain, str) else json.dumps(plain)


def dumps(data: Any, **keywords: Any) -> str:
    """``json.dumps`` of ``jsonable(data)``; NaN or infinity left over would be an error, not ``NaN`` text."""
    keywords.setdefault("ensure_ascii", False)
    return json.dumps(jsonable(data), allow_nan=False, **keywords)
