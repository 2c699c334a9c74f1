"""Explain why a model has no optimum.

Infeasible: re-solve with penalised slack on every limit a planner sets
(policies, targets, funding, lever limits, demand, intake caps), minimising
the total weighted relaxation (:func:`~optimiser.model.rows.breach_weights`),
then the best output at that least relaxation: the same elastic solve that
judges a fixed plan (:func:`~optimiser.solve.backends.least_breach_then_best_output`).
Each limit that had to move is reported with how far, in config terms; a move smaller
than a planner could act on (:func:`~optimiser.model.rows.breached`: under a yuan, a
hundredth of a teacher, place or graduate) is round-off and left out. When other limits
had to move, a second elastic solve relaxes money alone (funding per source and year, the
total budget) and reports the least money that makes a plan possible with every other
limit kept, or that money alone cannot. Unbounded: re-solve with every decision boxed and
name the ones that run to the box.
"""

from __future__ import annotations

import numpy as np

from .config.types import Config
from .i18n import _
from .i18n import where as place
from .model import Model, build_model
from .model.rows import MONEY_LIMITS, RowInfo, breached, row_label
from .results import Diagnosis
from .solve.backends import Sense, elastic_vectors, least_breach_then_best_output, make_backend, settle_ties
from .solve.matrix import value_of
from .solve.status import Status

UNBOUNDED_BOX = 1e9


def _fmt(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def explain_row(info: RowInfo, relaxed_by: float, model: Model, x: np.ndarray | None) -> Diagnosis:
    """One relaxed limit, in planner words."""
    asked = info.limit
    reachable = asked - relaxed_by if info.sense == ">=" else asked + relaxed_by
    head = f"{info.config_path} {place(info.institution, info.year)}".strip()
    if info.kind == "double_qualified_share":
        share = float(info.detail or 0)
        reachable_share = _reachable_share(info, model, x) if x is not None else None
        text = (_("{head}: reachable {reachable}, asked {asked}").format(head=head, reachable=f"{reachable_share:.2f}",
                                                                          asked=f"{share:g}")
                if reachable_share is not None
                else _("{head}: asked {asked}, not reachable").format(head=head, asked=f"{share:g}"))
        return Diagnosis(info.config_path, text, info.institution, info.year, share, reachable_share)
    if info.kind == "target":
        text = _("{head}: at most {reachable} reachable, asked {asked} compound graduates").format(
            head=head, reachable=_fmt(reachable), asked=_fmt(asked))
    elif info.kind in MONEY_LIMITS:
        text = _("{head}: {more} yuan more needed (limit {limit} yuan, needed {needed})").format(
            head=head, more=_fmt(relaxed_by), limit=_fmt(asked), needed=_fmt(reachable))
    elif info.kind == "min_per_year":
        text = _("{head}: at most {reachable} reachable, asked {asked} {lever} units").format(
            head=head, reachable=_fmt(reachable), asked=_fmt(asked), lever=info.detail or "")
    elif info.kind == "external_ratio":
        text = _("{head}: external teachers exceed the ratio {ratio} by {excess} teachers; raise the ratio or hire fewer").format(
            head=head, ratio=info.detail, excess=_fmt(relaxed_by))
    else:
        text = _("{head}: {label} must move from {asked} to {reachable}").format(
            head=head, label=row_label(info), asked=_fmt(asked), reachable=_fmt(reachable))
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
        count = base + value_of(terms, x, model.column_of)
        total += count
        if spec.practice_qualified:
            practice += count
    return practice / total if total > 0 else None


def diagnose_infeasible(config: Config, solver: str, static: list[RowInfo]) -> list[Diagnosis]:
    """The smallest relative relaxation of planner limits that makes the plan feasible, then, when it moves
    other limits than money, the least money that does it alone (:func:`money_alone`)."""
    model = build_model(config, integer=False, elastic=True)
    found: list[Diagnosis] = []
    for info in model.book.violated:
        message = _("{where}: {label} cannot be met by any plan").format(
            where=f"{info.config_path} {place(info.institution, info.year)}".strip(),
                                                                          label=info.label)
        found.append(Diagnosis(info.config_path, message, info.institution, info.year))
    backend = make_backend(solver, model)
    weights, output = elastic_vectors(model)
    status, _value = least_breach_then_best_output(backend, weights, output)
    if status is not Status.OPTIMAL:
        found.append(Diagnosis("", _("the model stays infeasible even with every policy, target, funding and lever limit "
                                     "relaxed; check teacher counts, intake and tier hours")))
        return found
    moved = _relaxed(model, backend.values())
    if not moved and not found:
        # Short by less than a planner could act on (a budget a fraction of a yuan too small, read off a
        # table rounded to the yuan): still the limits to move, with their amounts.
        moved = _relaxed(model, backend.values(), least=SMALLEST_SHORTFALL)
    found.extend(moved)
    if not found:
        found.append(Diagnosis("", _("infeasible, but no single planner limit explains it (solver tolerance); "
                                     "check the config's numbers")))
    elif not model.book.violated and any(d.config_path not in _money_paths(model) for d in moved):
        found.extend(money_alone(config, solver))
    return found


SMALLEST_SHORTFALL = 1e-6
"""Solver units a limit must move by to be named when nothing moves by as much as a planner could act on
(a thousandth of a yuan, a millionth of an hour or a unit): below it, the solver's tolerance."""


def _relaxed(model: Model, x: np.ndarray, least: float | None = None) -> list[Diagnosis]:
    """Every limit the elastic solution ``x`` of ``model`` moves by as much as a planner could act on
    (:func:`~optimiser.model.rows.breached`), or with ``least`` by more than that many solver units."""
    slacks = model.book.slacks
    amounts = [float(x[model.column_of[slack]]) for _, slack, _ in slacks]
    if least is not None:
        flags = np.asarray(amounts) > least
    else:
        flags = breached([info.kind for info, _, _ in slacks], amounts,
                         [info.limit * info.unit_scale for info, _, _ in slacks])
    return [explain_row(info, amount / info.unit_scale, model, x)
            for (info, _, _), amount, flag in zip(slacks, amounts, flags) if flag]


def _money_paths(model: Model) -> set[str]:
    return {info.config_path for info in model.book.rows if info.kind in MONEY_LIMITS}


def money_alone(config: Config, solver: str) -> list[Diagnosis]:
    """The least money, by source and year, that makes a plan possible with every other limit kept.

    The elastic solve of :func:`diagnose_infeasible` with slack on the money limits only (funding per
    source and year, the total budget), weighted one per yuan: the fewest yuan in all, then the best
    output with them. Returns a line with the total and one line per limit that moves, or a line saying
    that money alone cannot make a plan possible; nothing when the config has no money limit.
    """
    model = build_model(config, integer=False, elastic=True, elastic_kinds=MONEY_LIMITS)
    if not model.book.slacks:
        return []
    backend = make_backend(solver, model)
    weights, output = elastic_vectors(model)
    weights = (weights > 0).astype(float)
    status, _value = least_breach_then_best_output(backend, weights, output)
    if status is not Status.OPTIMAL:
        return [Diagnosis("", _("more money alone does not make a plan possible: the limits above must move"))]
    settle_ties(backend, model, weights, output)
    lines = _relaxed(model, backend.values())
    if not lines:
        return []
    sources = [d for d in lines if d.config_path != "total_budget"] or lines
    total = sum((d.reachable or 0.0) - (d.asked or 0.0) for d in sources)
    head = Diagnosis("", _("or, with every other limit kept, {total} yuan more in all makes a plan possible").format(
        total=_fmt(total)))
    return [head, *lines]


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
        return [Diagnosis("", _("unbounded, and boxing every decision did not isolate it"))]
    x = backend.values()
    found: dict[str, Diagnosis] = {}
    for key, var in [*v.u.items(), *v.us.items()]:
        lever, inst = str(key[0]), str(key[1])
        if x[model.column_of[var]] > UNBOUNDED_BOX * 0.5 and f"levers.{lever}" not in found:
            found[f"levers.{lever}"] = Diagnosis(
                f"levers.{lever}",
                _("levers.{lever}: units at {institution} grow without limit; give the lever a cost, a max_per_year or "
                  "max_total, or set max_intake for the tiers it feeds").format(lever=lever, institution=inst),
                inst,
            )
    for (inst, tier, _t), var in v.f.items():
        if x[model.column_of[var]] > UNBOUNDED_BOX * 0.5 and f"tiers.{tier}" not in found:
            found[f"tiers.{tier}"] = Diagnosis(
                f"institutions.{inst}.max_intake.{tier}",
                _("compound output of {tier} at {institution} grows without limit; set max_intake.{tier} or a demand "
                  "for the tier").format(tier=tier, institution=inst),
                inst,
            )
    return list(found.values()) or [Diagnosis("", _("unbounded: a decision grows without limit"))]
