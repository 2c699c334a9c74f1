"""Assemble the PuLP problem for a config: variables, constraints, objective."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

import pulp

from ..config.types import Config
from . import constraints
from .formulation import MONEY_SCALE, Formulation, Terms, add_terms
from .rows import RowBook


@dataclass
class Model:
    """A built programme and the bookkeeping needed to read its solution.

    ``output`` is the weighted, discounted compound output (the max_output
    objective, in graduates); ``cost`` the total cost in thousands of yuan.
    :attr:`columns` puts the variables in the order of the solver's columns
    and :attr:`column_of` gives each variable's column.
    """

    config: Config
    problem: pulp.LpProblem
    form: Formulation
    book: RowBook
    output: Terms
    cost: Terms

    @property
    def mode(self) -> str:
        return self.config.objective.mode

    @property
    def objective_scale(self) -> float:
        """Planner units of the objective per solver unit (yuan per thousand yuan in min_cost)."""
        return 1.0 / MONEY_SCALE if self.mode == "min_cost" else 1.0

    @cached_property
    def columns(self) -> list[pulp.LpVariable]:
        """Every variable in column order: lever units, subsidy places, teaching hours, trained students,
        funding, then the breach slacks."""
        v = self.form.vars
        return [*v.u.values(), *v.us.values(), *v.a.values(), *v.f.values(), *v.p.values(),
                *(slack for _, slack, _ in self.book.slacks)]

    @cached_property
    def column_of(self) -> dict[pulp.LpVariable, int]:
        """The column of each variable (its place in :attr:`columns`)."""
        return dict(zip(self.columns, range(len(self.columns)), strict=True))

    @property
    def is_mip(self) -> bool:
        return any(var.cat == pulp.LpInteger for var in (*self.form.vars.u.values(), *self.form.vars.us.values()))


def weighted_output(form: Formulation) -> Terms:
    """Σ_t (1+r)^-(t-start) Σ_{i,k} weight_k · o[i,k,t]."""
    cfg = form.config
    total: Terms = {}
    for inst in cfg.institutions:
        for k in inst.tiers:
            weight = cfg.tiers[k].weight
            for t in form.years:
                add_terms(total, form.output_terms(inst, k, t), weight * cfg.discount(t))
    return total


PlanKey = tuple[str, str, str, int]
"""(lever, institution, tier, year); tier is "" for levers other than subsidies."""


def fix_plan(form: Formulation, plan: dict[PlanKey, float]) -> None:
    """Fix lever units to a given plan; keys not given are fixed at zero."""
    for (lever, inst, t), var in form.vars.u.items():
        var.lowBound = var.upBound = float(plan.get((lever, inst, "", t), 0.0))
    for (lever, inst, k, t), var in form.vars.us.items():
        var.lowBound = var.upBound = float(plan.get((lever, inst, k, t), 0.0))


def build_model(
    config: Config,
    *,
    integer: bool | None = None,
    elastic: bool = False,
    plan: dict[PlanKey, float] | None = None,
    elastic_kinds: Iterable[str] | None = None,
    baseline: bool = False,
) -> Model:
    """Build the linear programme of docs/model.md for ``config``.

    ``integer`` overrides every lever's ``integer`` setting when given.
    ``elastic`` adds penalised slack to policy, target, funding and lever
    limits (used to explain infeasibility); its objective is the total
    weighted breach (:func:`~optimiser.model.rows.breach_weights`). ``plan``
    fixes every lever's units (those not listed at zero), leaving teaching,
    training and money to the solver. ``elastic_kinds`` chooses which row
    kinds get slack when ``elastic`` (default
    :data:`~optimiser.model.rows.ELASTIC_KINDS`; a fixed plan uses
    :data:`~optimiser.model.rows.PLAN_BREACH_KINDS`). ``baseline``
    builds the do-nothing programme: no lever units, no money, only the
    constraints that still apply (:data:`~optimiser.model.constraints.BASELINE`),
    maximising output.
    """
    with collector_paused():
        return _build(config, integer, elastic, plan, elastic_kinds, baseline)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a programme is built or read, as it was before afterwards.

    A build makes hundreds of thousands of long-lived objects (columns, rows,
    their terms) and no garbage cycles; each full collection walks every one
    of them, which made the build grow faster than the programme. At 1,000
    generated institutions (``benchmarks/generate.py``): the build 7.0 s
    against 5.1 s without the collector (1.7 s against 1.45 s at 300), its
    matrix form 1.8 s against 1.0 s, loading it into HiGHS 1.8 s against
    1.05 s. Refcounting still frees everything short-lived at once.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _build(
    config: Config,
    integer: bool | None,
    elastic: bool,
    plan: dict[PlanKey, float] | None,
    elastic_kinds: Iterable[str] | None,
    baseline: bool,
) -> Model:
    if baseline:
        problem = pulp.LpProblem("baseline", pulp.LpMaximize)
        form = Formulation(config, integer=False, levers=False)
        book = RowBook(problem)
        for add in constraints.BASELINE:
            add(form, book)
        output = weighted_output(form)
        problem.setObjective(pulp.LpAffineExpression(output))
        return Model(config, problem, form, book, output, {})
    sense = pulp.LpMinimize if (config.objective.mode == "min_cost" or elastic) else pulp.LpMaximize
    problem = pulp.LpProblem("plan", sense)
    form = Formulation(config, integer=integer)
    if plan is not None:
        fix_plan(form, plan)
    book = RowBook(problem, elastic=elastic, elastic_kinds=elastic_kinds)
    for add in constraints.ALL:
        if add is constraints.targets and config.objective.mode != "min_cost":
            continue
        add(form, book)
    cost = constraints.funding(form, book)
    book.settle_slacks()
    output = weighted_output(form)
    if elastic:
        problem.setObjective(pulp.LpAffineExpression({slack: weight for _, slack, weight in book.slacks}))
    elif config.objective.mode == "min_cost":
        problem.setObjective(pulp.LpAffineExpression(cost))
    else:
        problem.setObjective(pulp.LpAffineExpression(output))
    return Model(config, problem, form, book, output, cost)
