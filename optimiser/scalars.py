"""Numbers passed to the Python API: numpy scalars as Python ones, counts and seconds checked.

Every entry point takes a numpy integer, float or bool wherever it takes a
Python one (``np.int64(3)`` points, ``np.float64(1e6)`` yuan in a change,
``np.bool_(False)`` for a switch): :func:`plain` turns them into Python
numbers at the boundary, so the checks and the config further in see only
``int``, ``float`` and ``bool``.
"""

from __future__ import annotations

import math
import sys
from typing import Any

from .i18n import _


def plain(value: Any) -> Any:
    """``value`` with numpy scalars as Python numbers, inside dicts, lists and tuples too.

    >>> import numpy as np
    >>> plain({"a": np.int64(3), "b": [np.float64(0.5), np.bool_(True)]})
    {'a': 3, 'b': [0.5, True]}
    """
    numpy = sys.modules.get("numpy")  # not imported yet: no value can be a numpy scalar
    if numpy is None:
        return value
    if isinstance(value, numpy.generic) and isinstance(value, (numpy.number, numpy.bool_)):
        return value.item()
    if isinstance(value, dict):
        return {plain(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, tuple):
        return tuple(plain(item) for item in value)
    return value


def whole_number(value: Any, argument: str, minimum: int) -> int:
    """``value`` as an ``int`` of at least ``minimum`` (numpy integers too); a ValueError naming ``argument`` else.

    >>> whole_number(3, "draws", 1)
    3
    """
    value = plain(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(_("{argument} must be a whole number of at least {minimum}, got {value!r}").format(
            argument=argument, minimum=minimum, value=value))
    return value


def seed_number(seed: Any) -> int | None:
    """A random seed: ``None`` or a whole number from 0 up (numpy integers too); a ValueError naming it else."""
    seed = plain(seed)
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise ValueError(_("seed must be a whole number from 0 up, or None for a fresh seed each run; got {seed!r}").format(
            seed=seed))
    return seed


def time_limit_seconds(time_limit: Any) -> float | None:
    """A time limit: ``None`` or a positive number of seconds (numpy numbers too); a ValueError naming it else."""
    time_limit = plain(time_limit)
    if time_limit is None:
        return None
    if (isinstance(time_limit, bool) or not isinstance(time_limit, (int, float))
            or not math.isfinite(time_limit) or time_limit <= 0):
        raise ValueError(_("time_limit must be a positive number of seconds, or None for the default; "
                           "got {time_limit!r}").format(time_limit=time_limit))
    return float(time_limit)


def share_below_one(value: Any, argument: str) -> float | None:
    """A relative gap or share: ``None`` or a number from 0 up to (not including) 1 (numpy numbers too); a
    ValueError naming ``argument`` else.

    >>> share_below_one(0.001, "mip_gap")
    0.001
    """
    value = plain(value)
    if value is None:
        return None
    if (isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
            or not 0.0 <= value < 1.0):
        raise ValueError(_("{argument} must be a share from 0 up to (not including) 1, e.g. 0.001, or None for "
                           "the default; got {value!r}").format(argument=argument, value=value))
    return float(value)


def option_mapping(options: Any, argument: str) -> dict[str, Any] | None:
    """Solver options: ``None`` or a dict {name: value} (numpy values as Python ones); a TypeError naming
    ``argument`` else."""
    if options is None:
        return None
    if not isinstance(options, dict):
        raise TypeError(_("{argument} takes a dict {{option name: value}}, e.g. {{\"presolve\": \"off\"}}; got "
                          "{kind}").format(argument=argument, kind=type(options).__name__))
    return plain(options)  # type: ignore[no-any-return]
