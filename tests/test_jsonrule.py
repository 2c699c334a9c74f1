"""One JSON rule for every result: missing numbers null, unbounded ones "unlimited"."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import enum
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from optimiser.jsonrule import UNLIMITED, dumps, jsonable
from optimiser.report.files import json_writer
from optimiser.report.inert import json_text

PACKAGE = Path(__file__).resolve().parent.parent / "optimiser"


class Colour(enum.Enum):
    RED = "red"


@dataclasses.dataclass
class Point:
    x: float
    when: dt.date


def test_numbers_missing_and_unbounded():
    assert jsonable(math.inf) == UNLIMITED == "unlimited"
    assert jsonable(-math.inf) == "-unlimited"
    assert jsonable(math.nan) is None and jsonable(pd.NA) is None and jsonable(pd.NaT) is None
    assert jsonable(np.float64(math.inf)) == "unlimited" and jsonable(np.float32(np.nan)) is None
    value = jsonable(np.int64(7))
    assert value == 7 and type(value) is int
    assert type(jsonable(np.float64(1.5))) is float and jsonable(np.bool_(True)) is True


def test_containers_dates_paths_dataclasses():
    data = {
        2025: np.array([1.0, np.inf, np.nan]),
        "when": dt.datetime(2025, 1, 2, 3, 4),
        "path": Path("out") / "plan.csv",
        "colour": Colour.RED,
        "point": Point(np.float64(2.0), dt.date(2026, 5, 1)),
        "set": {"b", "a"},
        "frame": pd.DataFrame({"a": [1, 2], "b": [math.inf, None]}),
        "series": pd.Series([np.int64(3)]),
    }
    assert jsonable(data) == {
        "2025": [1.0, "unlimited", None],
        "when": "2025-01-02T03:04:00",
        "path": str(Path("out") / "plan.csv"),
        "colour": "red",
        "point": {"x": 2.0, "when": "2026-05-01"},
        "set": ["a", "b"],
        "frame": [{"a": 1, "b": "unlimited"}, {"a": 2, "b": None}],
        "series": [3],
    }


def test_every_writer_follows_the_rule(tmp_path):
    data = {"cap": math.inf, "price": np.float64("nan"), "n": np.int32(2)}
    expected = {"cap": "unlimited", "price": None, "n": 2}
    assert json.loads(dumps(data)) == expected
    assert json.loads(json_text(data)) == expected
    json_writer(data)(tmp_path / "summary.json")
    text = (tmp_path / "summary.json").read_text(encoding="utf-8")
    assert json.loads(text) == expected and "Infinity" not in text and "NaN" not in text


def test_no_other_json_cleaning_helper():
    """Only optimiser.jsonrule decides how a value becomes JSON: no ``default=`` fallbacks, no private cleaners.

    (api.py's config hash dumps the raw config only to hash it; that text is never written out.)
    """
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("dumps", "dump"):
                if any(k.arg == "default" for k in node.keywords) and path.name != "api.py":
                    offenders.append(f"{path.name}:{node.lineno} json.dumps(default=...)")
            if isinstance(node, ast.FunctionDef) and node.name in ("_num", "_plain", "clean", "_json", "to_jsonable"):
                body = ast.unparse(node)
                if "isfinite" in body or "isinf" in body or "isnan" in body or ".item()" in body:
                    offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}")
    assert offenders == []


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_dumps_never_writes_non_json_numbers(value):
    assert json.loads(dumps([value])) in (["unlimited"], ["-unlimited"], [None])
