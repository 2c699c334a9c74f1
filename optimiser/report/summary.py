"""The JSON summary of a result (``solve --json`` and ``summary.json``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from ..jsonrule import jsonable
from ..model.rows import PLANNER_LIMITS

if TYPE_CHECKING:
    from ..results import Result

TOP_BINDING = 20
"""Binding rows other than planner limits kept in the JSON summary (largest shadow price first)."""


def ordered_binding(result: Result) -> pd.DataFrame:
    """The binding constraints: planner limits first (in :data:`PLANNER_LIMITS` order, then by size of shadow
    price), then the others by size of shadow price."""
    binding = result.binding_constraints()
    if binding.empty:
        return binding
    planner = binding["kind"].isin(PLANNER_LIMITS)
    order = binding["kind"].map(lambda kind: PLANNER_LIMITS.index(kind) if kind in PLANNER_LIMITS else len(PLANNER_LIMITS))
    keyed = binding.assign(_order=order, _size=-binding["shadow_price"].abs(), _planner=~planner)
    return keyed.sort_values(["_planner", "_order", "_size"], kind="stable").drop(columns=["_order", "_size", "_planner"])


def binding_rows(result: Result) -> pd.DataFrame:
    """The binding rows the JSON summary lists: every planner limit, then the :data:`TOP_BINDING` largest others."""
    binding = ordered_binding(result)
    if binding.empty:
        return binding
    planner = binding[binding["kind"].isin(PLANNER_LIMITS)]
    others = binding[~binding["kind"].isin(PLANNER_LIMITS)].head(TOP_BINDING)
    return pd.concat([planner, others])


def teachers_by_group(result: Result) -> dict[str, dict[int, float]]:
    """Teachers of each group in the province by year."""
    if result.teachers.empty:
        return {}
    pivot = result.teachers.pivot_table(index="group", columns="year", values="teachers", aggfunc="sum")
    return {str(group): {int(year): float(value) for year, value in row.items()} for group, row in pivot.iterrows()}


def bottleneck_records(result: Result) -> list[dict[str, Any]]:
    """Which "no" binds at each institution and year, as JSON records."""
    return [
        {"institution": row.institution, "year": int(row.year), "binding": row.binding}
        for row in result.bottlenecks.itertuples(index=False)
    ]


PLAN_FIGURES = (
    "cost_per_compound_graduate", "weighted_output", "baseline_output", "added_output", "cost_per_added_graduate",
    "commitments_after_horizon", "commitments_per_year_after_horizon", "smoothing", "output_given_up",
    "steadiness_cost",
)
"""Summary figures of the plan, in JSON in this order (missing or not finite: null)."""

SOLVE_FIGURES = (
    "lp_bound", "integrality_gap",
    # Whole-unit plans: the proven gap (best bound against the plan) and what whole units cost.
    "bound", "gap", "mip_gap", "integrality_cost", "time_limit", "first_plan_seconds", "seconds",
)
"""Summary figures of the solve, in JSON in this order (missing or not finite: null)."""


def result_dict(result: Result) -> dict[str, Any]:
    summary = result.summary
    binding = binding_rows(result)
    data: dict[str, Any] = {
        "name": summary.get("name"),
        "scenario": summary.get("scenario"),
        "mode": summary.get("mode"),
        "status": result.status.value,
        "objective": jsonable(result.objective),
        "total_cost": jsonable(result.total_cost),
        **{key: jsonable(summary.get(key)) for key in PLAN_FIGURES},
        "teachers": teachers_by_group(result),
        "compound_output": result.compound_output(),
        "single_skill_output": result.single_skill_output(),
        "spend_by_lever": result.spend_by_lever(),
        "spend_by_source": result.spend_by_source(),
        "spend_by_year": {
            int(k): float(v) for k, v in result.funding.groupby("year")["amount"].sum().items()
        } if not result.funding.empty else {},
        "binding_constraints": [
            {
                "name": row.name,
                "kind": row.kind,
                "planner_limit": row.kind in PLANNER_LIMITS,
                "config_path": row.config_path,
                "institution": row.institution or None,
                # Whole-horizon limits (total budget, max_total) have no year.
                "year": None if pd.isna(row.year) else int(row.year),
                "slack": float(row.slack),
                "shadow_price": float(row.shadow_price),
            }
            for row in binding.itertuples(index=False)
        ] if not binding.empty else [],
        "bottlenecks": bottleneck_records(result),
        "diagnosis": [
            {"config_path": d.config_path, "message": d.message, "institution": d.institution, "year": d.year,
             "asked": jsonable(d.asked), "reachable": jsonable(d.reachable)}
            for d in result.diagnosis
        ],
        "solver": summary.get("solver"),
        "mip": summary.get("mip"),
        **{key: jsonable(summary.get(key)) for key in SOLVE_FIGURES},
        "notes": summary.get("notes", []),
        "warnings": summary.get("warnings", []),
        "solve_seconds": summary.get("solve_seconds"),
        "stage_seconds": {stage: float(seconds) for stage, seconds in summary.get("stage_seconds", {}).items()},
        "main_method": summary.get("main_method"),
        "config_hash": summary.get("config_hash"),
        "version": summary.get("version"),
    }
    return data
