"""Hand-made plans beside the optimised ones in a report.

A committee's plan (a CSV or XLSX file with the columns of ``plan.csv``) is
evaluated with :func:`optimiser.evaluate.evaluate` against the main plan's
config and added to the comparison as one more column. Its status reads
``hand-made: keeps every limit`` or ``hand-made: breaks N limits``, and the
limits it breaks, in planner words, fill its diagnosis row; the verdict
never calls a plan that breaks a limit the best.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..compare import Comparison, comparison_of, unique_labels
from ..config.types import Config
from ..i18n import _, ngettext
from ..results import Diagnosis, Result

VIOLATIONS_KEY = "violations"
"""The ``Result.summary`` key that lists, in planner words, the limits a hand-made plan breaks."""


def evaluated_plan(config: Config, path: str | Path, solver: str = "highs", optimum: Result | None = None) -> Result:
    """The plan in ``path`` evaluated against ``config``, as a :class:`~optimiser.Result`.

    Its ``summary["violations"]`` lists the limits it breaks (empty when it
    keeps them all), and its ``diagnosis`` holds the same, with config paths.
    Raises :class:`~optimiser.PlanError` when the file does not fit the config.

    >>> result = evaluated_plan(load_config("configs/zhejiang.yaml"), "committee.csv")  # doctest: +SKIP
    >>> result.summary["violations"]  # doctest: +SKIP
    ['government funding in 2026 exceeded by 1,240,000 yuan']
    """
    from ..evaluate import evaluate

    evaluation = evaluate(config, path, solver, optimum=optimum)
    result = evaluation.result
    if result is None:
        raise ValueError(f"{path}: the evaluation gave no result")
    messages = [str(m) for m in evaluation.violations["message"]] if not evaluation.violations.empty else []
    result.summary[VIOLATIONS_KEY] = messages
    result.summary["scenario"] = f"hand-made plan {Path(path).name} ({result.summary.get('scenario')})"
    result.diagnosis = [
        Diagnosis(str(row.config_path), str(row.message), _text(row.institution), _year(row.year))
        for row in evaluation.violations.itertuples(index=False)
    ]
    return result


def with_hand_made_plans(
    comparison: Comparison,
    config: Config,
    paths: Sequence[str | Path],
    solver: str = "highs",
    optimum: Result | None = None,
) -> Comparison:
    """``comparison`` with each plan file in ``paths`` evaluated against ``config`` and added as a column.

    Each column is named by its file name without the extension (numbered
    when names repeat). ``optimum``, the solved ``config``, saves solving it
    again for the gap each evaluation reports.

    >>> config = load_config("configs/zhejiang.yaml")  # doctest: +SKIP
    >>> comparison = compare([("base", config), ("austerity", config.scenario("austerity"))])  # doctest: +SKIP
    >>> with_hand_made_plans(comparison, config, ["committee.csv"]).names  # doctest: +SKIP
    ['base', 'austerity', 'committee']
    """
    if not paths:
        return comparison
    added = [(Path(p).stem, evaluated_plan(config, p, solver, optimum)) for p in paths]
    names = unique_labels([name for name, _ in comparison.results] + [name for name, _ in added])
    results = list(comparison.results) + [(name, r) for name, (_, r) in zip(names[len(comparison.results):], added)]
    configs = [r.config for _, r in results]
    combined = comparison_of(results, configs)
    status = combined.keys.index("status") if "status" in combined.keys else None
    if status is not None:
        for name, result in results[len(comparison.results):]:
            combined.table.iloc[status, combined.table.columns.get_loc(name)] = hand_made_status(result)
    return combined


def hand_made_status(result: Result) -> str:
    """``hand-made: keeps every limit`` or ``hand-made: breaks N limits``, in the report's language."""
    broken = len(violations(result))
    if not broken:
        return _("hand-made: keeps every limit")
    return ngettext("hand-made: breaks {count} limit", "hand-made: breaks {count} limits", broken).format(count=broken)


def violations(result: Result) -> list[str]:
    """The limits a hand-made plan breaks (empty for a solved plan)."""
    return list(result.summary.get(VIOLATIONS_KEY) or [])


def is_hand_made(result: Result) -> bool:
    return VIOLATIONS_KEY in result.summary


def _text(value: Any) -> str | None:
    return None if value is None or pd.isna(value) or value == "" else str(value)


def _year(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)
