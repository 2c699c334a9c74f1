"""Explain why a model has no optimum.

Infeasible: re-solve with penalised slack on every limit a planner sets
(policies, targets, funding, lever limits, demand, intake caps), minimising
the total weighted relaxation (:func:`~optimiser.model.rows.breach_weights`),
then the best output at that least relaxation: the same elastic solve that
judges a fixed plan (:func:`~optimiser.solve.backends.least_breach_then_best_output`).
Each limit that had to move is reported with how far, in config terms. Unbounded: re-solve with every decision boxed and
name the ones that run to the box.
"""

from __future__ import annotations

import numpy as np

from .config.types import Config
from .model import Model, build_model
from .model.rows import BREACH_TOLERANCE, RowInfo
from .results import Diagnosis
from .solve.backends import Sense, elastic_vectors, least_breach_then_best_output, make_backend
from .solve.status import Status

UNBOUNDED_BOX = 1e9


def _fmt(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def explain_row(info: RowInfo, relaxed_by: float, model: Model, x: np.ndarray | None) -> Diagnosis:
    """One relaxed limit, in planner words."""
    where = info.where
    asked = info.limit
    reachable = asked - relaxed_by if info.sense == ">=" else asked + relaxed_by
    head = f"{info.config_path} {where}".strip()
    if info.kind == "double_qualified_share":
        share = float(info.detail or 0)
        reachable_share = _reachable_share(info, model, x) if x is not None else None
        text = f"{head}: reachable {reachable_share:.2f}, asked {share:g}" if reachable_share is not None else f"{head}: asked {share:g}, not reachable"
        return Diagnosis(info.config_path, text, info.institution, info.year, share, reachable_share)
    if info.kind == "target":
        text = f"{head}: at most {_fmt(reachable)} reachable, asked {_fmt(asked)} compound graduates"
    elif info.kind in ("funding_cap", "total_budget"):
        text = f"{head}: {_fmt(relaxed_by)} yuan more needed (limit {_fmt(asked)} yuan, needed {_fmt(reachable)})"
    elif info.kind == "min_per_year":
        text = f"{head}: at most {_fmt(reachable)} reachable, asked {_fmt(asked)} {info.detail or ''} units".rstrip()
    elif info.kind == "external_ratio":
        text = f"{head}: external teachers exceed the ratio {info.detail} by {_fmt(relaxed_by)} teachers; raise the ratio or hire fewer"
    else:
        text = f"{head}: {info.label} must move from {_fmt(asked)} to {_fmt(reachable)}"
    return Diagnosis(info.config_path, text, info.institution, info.year, asked, reachable)


def _reachable_share(info: RowInfo, model: Model, x: np.ndarray) -> float | None:
    cfg = model.config
    inst = next((i for i in cfg.institutions if i.name == info.institution), None)
    if inst is None or info.year is None:
        return None
    practice = total = 0.0
    for g, spec in cfg.groups.items():
        if spec.external:
            continue
        base, terms = model.form.teachers(inst, g, info.year)
        count = base + sum(coef * x[var.col] for var, coef in terms.items())
        total += count
        if spec.practice_qualified:
            practice += count
    return practice / total if total > 0 else None


def diagnose_infeasible(config: Config, solver: str, static: list[RowInfo]) -> list[Diagnosis]:
    """The smallest relative relaxation of planner limits that makes the plan feasible."""
    model = build_model(config, integer=False, elastic=True)
    found: list[Diagnosis] = []
    for info in model.book.violated:
        found.append(Diagnosis(info.config_path, f"{info.config_path} {info.where}: {info.label} cannot be met by any plan", info.institution, info.year))
    backend = make_backend(solver, model)
    weights, output = elastic_vectors(model)
    status, _ = least_breach_then_best_output(backend, weights, output)
    if status is not Status.OPTIMAL:
        found.append(Diagnosis("", "the model stays infeasible even with every policy, target, funding and lever limit relaxed; check teacher counts, intake and tier hours"))
        return found
    x = backend.values()
    for info, slack, _weight in model.book.slacks:
        amount = float(x[slack.col])
        if amount > BREACH_TOLERANCE * max(1.0, abs(info.limit * info.unit_scale)):
            found.append(explain_row(info, amount / info.unit_scale, model, x))
    if not found:
        found.append(Diagnosis("", "infeasible, but no single planner limit explains it (solver tolerance); check the config's numbers"))
    return found


def diagnose_unbounded(config: Config, solver: str) -> list[Diagnosis]:
    """Name the decisions that grow without limit."""
    model = build_model(config, integer=False)
    v = model.form.vars
    for var in [*v.u.values(), *v.us.values(), *v.f.values(), *v.a.values(), *v.p.values()]:
        var.upBound = UNBOUNDED_BOX
    backend = make_backend(solver, model)
    sense: Sense = "min" if model.mode == "min_cost" else "max"
    primary = model.cost if model.mode == "min_cost" else model.output
    if backend.solve(primary, sense) is not Status.OPTIMAL:
        return [Diagnosis("", "unbounded, and boxing every decision did not isolate it")]
    x = backend.values()
    found: dict[str, Diagnosis] = {}
    for key, var in [*v.u.items(), *v.us.items()]:
        lever, inst = str(key[0]), str(key[1])
        if x[var.col] > UNBOUNDED_BOX * 0.5 and f"levers.{lever}" not in found:
            found[f"levers.{lever}"] = Diagnosis(
                f"levers.{lever}",
                f"levers.{lever}: units at {inst} grow without limit; give the lever a cost, a max_per_year or max_total, "
                f"or set max_intake for the tiers it feeds",
                inst,
            )
    for (inst, tier, _t), var in v.f.items():
        if x[var.col] > UNBOUNDED_BOX * 0.5 and f"tiers.{tier}" not in found:
            found[f"tiers.{tier}"] = Diagnosis(
                f"institutions.{inst}.max_intake.{tier}",
                f"compound output of {tier} at {inst} grows without limit; set max_intake.{tier} or a demand for the tier",
                inst,
            )
    return list(found.values()) or [Diagnosis("", "unbounded: a decision grows without limit")]
