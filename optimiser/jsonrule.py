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
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return _float(value)
    if type(value).__name__ in ("NAType", "NaTType"):  # pandas.NA, pandas.NaT (a datetime subclass)
        return None
    if isinstance(value, Mapping):
        return {_key(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return [jsonable(v) for v in sorted(value, key=str)]
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    kind = type(value).__name__
    if kind == "Timestamp":
        return value.isoformat()
    if kind == "DataFrame":
        return [jsonable(row) for row in value.to_dict(orient="records")]
    if hasattr(value, "tolist") and callable(value.tolist):  # numpy arrays and scalars, pandas Series
        return jsonable(value.tolist())
    if hasattr(value, "item") and callable(value.item):
        return jsonable(value.item())
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", errors="replace")
    return str(value)


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
