"""Evaluate a hand-made plan: what it delivers, what it costs, what it breaks.

With every lever's units fixed to the plan, two linear programmes are solved:

1. **Least violation.** Every limit the plan could break gets a penalised
   slack (:data:`~optimiser.model.rows.PLAN_BREACH_KINDS`: policies, targets,
   funding, lever limits, intake caps, the teachers a secondment draws on,
   money no source may pay); minimising the total weighted slack
   (:func:`~optimiser.model.rows.breach_weights`) gives the smallest
   violations the plan forces. Teaching, training and money stay free, so
   the plan is judged at its best.
2. **Best output.** With the total breach held at that least amount,
   maximise the weighted compound output: "the best output this plan can
   deliver".

The same two solves (:func:`~optimiser.solve.backends.least_breach_then_best_output`)
judge a plan in each world of a fixed-plan Monte Carlo, and the status
(``optimal``, ``over_budget``, ``violates``) comes from the same rule
(:func:`~optimiser.model.rows.judge_breaches`).

Each violation is reported in planner words with its amount ("government
funding in 2026 exceeded by 1,240,000 yuan"), and the plan is set beside the
optimum of the same config: the gap in output and in cost.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from .api import config_hash, solve
from .config.load import as_config
from .config.types import Config
from .errors import SolverError
from .i18n import N_, _, where
from .model import Model, PlanKey, build_model
from .model.rows import (
    PLAN_BREACH_KINDS,
    ROW_KINDS,
    Breaches,
    RowInfo,
    breached,
    judge_breaches,
    row_label,
)
from .planfile import checked_plan
from .results import Result, build_result, cost_figures, without_round_off
from .solve.backends import (
    SOLVERS,
    Backend,
    elastic_vectors,
    least_breach_then_best_output,
    make_backend,
    settle_ties,
)
from .solve.engine import Solution
from .solve.matrix import value_of
from .solve.status import Status
from .views import show

VIOLATION_COLUMNS = [
    "constraint", "kind", "config_path", "institution", "year", "amount", "unit", "limit", "value", "message",
]
WHOLE_TOLERANCE = 1e-6

PlanInput: TypeAlias = pd.DataFrame | str | Path | Mapping[PlanKey, float] | Result


@dataclass
class Evaluation:
    """The outcome of :func:`evaluate`.

    ``objective`` is the best weighted compound output the plan can deliver
    (``max_output``) or its total cost (``min_cost``); ``violations`` lists
    every limit it breaks, with the amount in planner units. The plan is
    compared with the optimiser's plan for the same config (what
    :func:`optimiser.solve` returns): ``optimum_output`` and
    ``optimum_total_cost`` are that plan's weighted output and cost, which
    with ``smooth`` a share is the optimum (``optimum_objective``, the first
    solve) less the output given up for a steadier plan. ``gap_objective`` is
    how far the plan falls short of the optimiser's plan in objective units
    (weighted graduates fewer, or yuan spent above it; negative when the plan
    does better, as one that breaks limits can), ``gap_cost`` its total cost
    less the optimiser's plan's. ``status`` is what a fixed-plan Monte Carlo
    would call this world (``optimal``, ``over_budget`` or ``violates``;
    whole units and ``available_from`` are judged apart, in ``violations``),
    ``overspend`` the yuan beyond what funding sources or the total budget
    allow. ``total_cost`` includes money no source may pay; so does ``funding``
    (the money each source pays for each lever and year), as rows whose source
    is :data:`UNFUNDED`, and with it every spend table: by lever, by source and
    by year each sums to ``total_cost``.
    """

    feasible: bool
    objective: float
    total_cost: float
    plan: pd.DataFrame
    funding: pd.DataFrame
    outputs: pd.DataFrame
    violations: pd.DataFrame
    optimum_objective: float
    optimum_total_cost: float
    gap_objective: float
    gap_cost: float
    mode: str = "max_output"
    weighted_output: float = math.nan
    optimum_output: float = math.nan
    """Weighted output of the optimiser's plan (the optimum less any output given up for steadiness)."""
    result: Result | None = field(default=None, repr=False)
    """The fixed-plan solve as a :class:`~optimiser.Result` (constraints, bottlenecks)."""
    optimum: Result | None = field(default=None, repr=False)
    """The optimum of the same config, for the gap."""
    source: str = "plan"
    status: str = "optimal"
    overspend: float = 0.0

    def spend_by_lever(self) -> dict[str, float]:
        """Yuan spent on each lever, money no source may pay included: the values sum to ``total_cost``."""
        return _sums(self.funding, "lever")

    def spend_by_source(self) -> dict[str, float]:
        """Yuan each source pays, and last, under :data:`UNFUNDED`, what no source may pay: the values sum to
        ``total_cost``."""
        sums = _sums(self.funding, "source")
        return {**{k: v for k, v in sums.items() if k != UNFUNDED}, **{k: v for k, v in sums.items() if k == UNFUNDED}}

    def spend_by_year(self) -> dict[int, float]:
        return {int(k): v for k, v in _sums(self.funding, "year").items()}

    def compound_output(self) -> dict[str, dict[int, float]]:
        """Compound graduates by tier and year, summed over institutions."""
        return self.result.compound_output() if self.result is not None else {}

    def single_skill_output(self) -> dict[str, dict[int, float]]:
        return self.result.single_skill_output() if self.result is not None else {}

    @property
    def cost_per_compound_graduate(self) -> float | None:
        graduates = float(self.outputs["compound"].sum()) if not self.outputs.empty else 0.0
        return self.total_cost / graduates if graduates > 0 else None

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``evaluate --json``."""
        return show(self, "dict")

    def __str__(self) -> str:
        return show(self, "text")


def evaluate(
    config: Config | str | Path,
    plan: PlanInput,
    solver: str = "highs",
    *,
    optimum: Result | None = None,
) -> Evaluation:
    """Evaluate a plan with every lever's units fixed.

    ``config`` is a :class:`~optimiser.Config` or the path of a YAML config.
    ``plan`` is a DataFrame with columns lever, institution, tier, year,
    units (tier empty except for subsidies), the path of such a CSV or XLSX
    file, ``{(lever, institution, tier, year): units}`` or a solved
    :class:`~optimiser.Result` (its plan); rows left out mean zero. A plan
    that does not fit the config raises :class:`~optimiser.PlanError`.
    ``optimum`` may pass an already solved :func:`optimiser.solve` result of
    ``config`` to skip solving it again; a result of another config (another
    file, scenario or change), or one that ``solve(config, plan=...)``
    returned (a given plan, not the optimum), raises :class:`ValueError`,
    anything but a Result :class:`TypeError`.

    >>> from optimiser import load_config, solve
    >>> config = load_config("configs/zhejiang.yaml")
    >>> best = solve(config)
    >>> evaluation = evaluate(config, best.plan, optimum=best)
    >>> evaluation.feasible, abs(evaluation.gap_objective) <= 1e-6 * best.objective
    (True, True)
    """
    config = as_config(config, function="evaluate")
    if solver not in SOLVERS:
        raise SolverError(f"unknown solver {solver!r}; choose one of: {', '.join(SOLVERS)}")
    if optimum is not None:
        _check_optimum(optimum, config)
    units, source = checked_plan(plan, config)
    model = plan_model(config, units)
    status, backend = solve_plan(model, solver)
    if status is not Status.OPTIMAL:
        raise SolverError(f"the plan could not be evaluated: the elastic solve ended {status.value}")
    duals = backend.duals()
    x, activity = backend.values(), backend.row_activity()
    if settle_money(model, backend):
        x, activity = backend.values(), backend.row_activity()
    if optimum is None:
        optimum = solve(config, solver=solver)
    # The do-nothing baseline is the config's, whatever the plan: the optimum's serves.
    result = _result(model, solver, x, activity, duals, optimum.summary.get("baseline_output"))
    breaches = judge_plan(model, x)
    violations = _violations(model, x, units)
    opt_objective = optimum.objective if optimum.ok else math.nan
    opt_cost = optimum.total_cost if optimum.ok else math.nan
    opt_output = float(optimum.summary.get("weighted_output", math.nan)) if optimum.ok else math.nan
    min_cost = config.objective.mode == "min_cost"
    funding = with_unfunded(result.funding, model, x)
    unfunded = _sums(funding, "source").get(UNFUNDED, 0.0)
    total_cost = result.total_cost + unfunded
    if unfunded:
        # Money no source may pay is spent all the same: every cost figure counts it.
        summary = result.summary
        summary.update(cost_figures(total_cost, summary["compound_graduates"], summary["added_output"]))
        result.total_cost = total_cost
    objective = total_cost if min_cost else result.objective
    # Gaps without the solver's round-off (a thousandth of a yuan, 1e-9 of a graduate), as the tables show.
    gap = (objective - opt_cost) if min_cost else (opt_output - objective)
    return Evaluation(
        feasible=violations.empty,
        objective=objective,
        total_cost=total_cost,
        plan=result.plan,
        funding=funding,
        outputs=result.outputs,
        violations=violations,
        optimum_objective=opt_objective,
        optimum_total_cost=opt_cost,
        gap_objective=float(without_round_off(np.array(gap), 1e-3 if min_cost else 1e-9)),
        gap_cost=float(without_round_off(np.array(total_cost - opt_cost), 1e-3)),
        mode=config.objective.mode,
        weighted_output=value_of(model.output, x, model.column_of),
        optimum_output=opt_output,
        result=result,
        optimum=optimum,
        source=source,
        status=breaches.status,
        overspend=breaches.overspend,
    )


UNFUNDED = N_("no funding source may pay")
"""The source of money no funding source may pay, in :attr:`Evaluation.funding` and the spend tables."""


def with_unfunded(funding: pd.DataFrame, model: Model, x: np.ndarray) -> pd.DataFrame:
    """``funding`` (source, lever, year, amount in yuan) with the money no source may pay for a lever in a year
    (the slack of its ``funding_balance`` row) as rows of source :data:`UNFUNDED`: those the violations list,
    by the one rule of :func:`~optimiser.model.rows.breached` (less than a yuan is the solver's round-off)."""
    rows = [
        (UNFUNDED, info.detail, info.year, float(x[model.column_of[slack]]) / info.unit_scale)
        for info, slack, _weight in model.book.slacks
        if info.kind == "funding_balance"
        and breached([info.kind], [x[model.column_of[slack]]], [info.limit * info.unit_scale])[0]
    ]
    if not rows:
        return funding
    unfunded = pd.DataFrame(rows, columns=["source", "lever", "year", "amount"])
    return pd.concat([funding, unfunded.astype(funding.dtypes.to_dict())], ignore_index=True)


def _check_optimum(optimum: Any, config: Config) -> None:
    """Refuse an ``optimum`` that is not a Result, or is the result of a config other than ``config``."""
    if not isinstance(optimum, Result):
        raise TypeError(_("evaluate: optimum must be the Result that solve(config) returns for the same config, "
                          "got {kind}; pass optimum=solve(config) or leave it out").format(kind=type(optimum).__name__))
    if optimum.summary.get("fixed_plan"):
        raise ValueError(_("evaluate: optimum is a plan solve(config, plan=...) was given, not the best plan of the "
                           "config, so the gap to it would not be the gap to the optimum; pass optimum=solve(config) "
                           "without a plan, or leave it out"))
    if optimum.summary.get("config_hash") != config_hash(config):
        raise ValueError(_("evaluate: optimum was solved from another config, {theirs}, than the one evaluated, "
                           "{ours}, so its figures cannot be set beside this plan's; pass "
                           "optimum=solve(config) for the config evaluated, or leave optimum out").format(
            theirs=_other_label(optimum.config, config), ours=_config_label(config)))


def _other_label(other: Config, config: Config) -> str:
    """``other`` in a message beside ``config``: its label, or, when that is the same, that its values differ."""
    label = _config_label(other)
    if label != _config_label(config):
        return label
    return _("{config} with other values (a scenario, with_changes or an edit of the file since it was solved)").format(
        config=label)


def _config_label(config: Config) -> str:
    """A config in a message: its name, scenario and file, e.g. ``small (scenario austerity, cases/small.yaml)``."""
    parts = [_("scenario {name}").format(name=config.scenario_name)] if config.scenario_name else []
    if config.source:
        parts.append(str(config.source))
    return f"{config.name!r} ({', '.join(parts)})" if parts else repr(config.name)


# -- the two solves -------------------------------------------------------------------



def plan_model(config: Config, units: dict[PlanKey, float]) -> Model:
    """The elastic programme of a fixed plan: every limit of :data:`PLAN_BREACH_KINDS` gets a slack."""
    return build_model(config, integer=False, elastic=True, plan=units, elastic_kinds=PLAN_BREACH_KINDS)


def solve_plan(model: Model, solver: str) -> tuple[Status, Backend]:
    """Least breach, then best output (:func:`least_breach_then_best_output`) of :func:`plan_model`."""
    backend = make_backend(solver, model)
    weights, output = elastic_vectors(model)
    status, _ = least_breach_then_best_output(backend, weights, output)
    return status, backend


def settle_money(model: Model, backend: Backend) -> bool:
    """Which source pays for what, settled as :func:`optimiser.solve` settles it (after :func:`solve_plan`).

    The least breach and the best output leave the split of the money between
    sources open wherever several sources may pay; when the config smooths
    (``solve`` then settles its own split so), one more solve holds the
    weighted breach and the output where they are and minimises the smoothing
    stage's weights (:func:`~optimiser.solve.matrix.smoothing_ties`: the
    sources listed first pay first). So the plan ``solve`` returned,
    evaluated, shows the split ``solve`` showed, whichever solver runs.
    Returns whether it solved; if not, the caller keeps the values before.
    """
    if model.config.objective.smooth is None:
        return False
    weights, output = elastic_vectors(model)
    return settle_ties(backend, model, weights, output)


def judge_plan(model: Model, x: np.ndarray) -> Breaches:
    """The plan's status, breached kinds and overspend (:func:`judge_breaches`) from a solution ``x``."""
    slacks = model.book.slacks
    return judge_breaches(
        [(info.kind, info.institution, info.year, info.detail) for info, _, _ in slacks],
        [x[model.column_of[slack]] for _, slack, _ in slacks],
        [info.limit * info.unit_scale for info, _, _ in slacks],
        {info.kind for info in model.book.violated},
    )


def _result(
    model: Model, solver: str, x: np.ndarray, activity: np.ndarray, duals: np.ndarray, baseline: float | None,
) -> Result:
    """The fixed-plan solve as a Result; row activity without the slack, shadow prices in graduates.

    ``baseline`` is the config's do-nothing output (weighted graduates), for the output the plan adds.
    """
    activity = np.array(activity, dtype=float)
    index = {info.id: r for r, info in enumerate(model.book.rows)}
    for info, slack, _weight in model.book.slacks:
        r = index.get(info.id)
        if r is not None:
            coef = dict(model.book.constraints[r].items()).get(slack, 0.0)
            activity[r] -= coef * x[model.column_of[slack]]
    cfg = model.config
    output = value_of(model.output, x, model.column_of)
    cost = value_of(model.cost, x, model.column_of) / 1e-3
    objective = cost if cfg.objective.mode == "min_cost" else output
    solution = Solution(
        status=Status.OPTIMAL, solver=solver, objective=objective, values=x, activity=activity,
        duals=np.asarray(duals, dtype=float) / model.objective_scale,
    )
    summary: dict[str, Any] = {
        "name": cfg.name, "scenario": cfg.scenario_name or "base", "mode": cfg.objective.mode,
        "status": Status.OPTIMAL.value, "objective": objective, "solver": solver, "mip": False,
        "notes": [
            "lever units fixed to the evaluated plan; shadow prices are weighted graduates per unit of each limit"
        ],
        "warnings": list(cfg.warnings),
        "baseline_output": baseline,
    }
    return build_result(model, solution, summary, [])


# -- violations in planner words -----------------------------------------------------------

def _violations(model: Model, x: np.ndarray, plan: dict[PlanKey, float]) -> pd.DataFrame:
    amounts: dict[str, float] = {}
    infos: dict[str, RowInfo] = {}
    for info, slack, _weight in model.book.slacks:
        amounts[info.id] = amounts.get(info.id, 0.0) + max(float(x[model.column_of[slack]]), 0.0)
        infos[info.id] = info
    found: list[dict[str, Any]] = []
    for info in model.book.violated:
        rhs = info.limit * info.unit_scale
        found.append(describe(info, abs(rhs) / info.unit_scale, model, x))
    seconded = set()
    for row_id, amount in amounts.items():
        info = infos[row_id]
        if not breached([info.kind], [amount], [info.limit * info.unit_scale])[0]:
            continue
        if info.kind == "conversion_stock":
            seconded.add((info.institution, info.year, info.detail))
        found.append(describe(info, amount / info.unit_scale, model, x))
    kept = []
    for v in found:
        group = v.pop("_group", None)
        # Negative teaching hours follow from over-seconding, reported already.
        if v["kind"] == "teacher_hours" and (v["institution"], v["year"], group) in seconded:
            continue
        kept.append(v)
    kept.extend(_fractional_units(model.config, plan))
    kept.extend(_too_early(model.config, plan))
    return pd.DataFrame(kept, columns=VIOLATION_COLUMNS)


def _too_early(config: Config, plan: dict[PlanKey, float]) -> list[dict[str, Any]]:
    """Units planned before their lever's ``available_from`` (the plan cannot use them)."""
    found = []
    for (lever_name, inst, tier, year), units in sorted(plan.items(), key=lambda kv: tuple(map(str, kv[0]))):
        start = config.levers[lever_name].available_from
        if start is not None and year < start and units > 0:
            found.append({
                "constraint": f"{lever_name} not yet available", "kind": "available_from",
                "config_path": f"levers.{lever_name}.available_from", "institution": inst, "year": year,
                "amount": units, "unit": "units", "limit": 0.0, "value": units,
                "message": _("levers.{lever}.available_from {where}: {units} units planned before the lever is "
                             "available ({start}); they are left out of the evaluation").format(
                    lever=lever_name, where=_plan_row(inst, tier, year), units=f"{units:g}", start=start),
            })
    return found


def _plan_row(institution: str, tier: str | None, year: int) -> str:
    """Where a plan row applies: "at College (basic) in 2026", in the current language."""
    return where(f"{institution} ({tier})" if tier else institution, year)


def _fmt(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def _at(info: RowInfo) -> str:
    return f" {info.where}" if info.where else ""


def units_word(model: Model, lever_name: str | None) -> str:
    """What one unit of a lever is called in the ``unit`` column ("secondments", "training_bases units")."""
    lever = model.config.levers.get(lever_name or "")
    if lever is None:
        return "units"
    return {"build": f"{lever.name} units", "subsidise": f"{lever.name} places"}.get(lever.kind, lever.name)


QUANTITIES = {"build": N_("{amount} {lever} units"), "subsidise": N_("{amount} {lever} places"), "": N_("{amount} {lever}")}
"""An amount of a lever's units in messages, by the lever's kind ("": any other kind)."""


def _quantity(model: Model, lever_name: str | None, amount: float) -> str:
    """``3 training_bases units``: an amount of a lever's units in messages, in the current language."""
    lever = model.config.levers.get(lever_name or "")
    if lever is None:
        return _("{amount} units").format(amount=_fmt(amount))
    return _(QUANTITIES.get(lever.kind, QUANTITIES[""])).format(amount=_fmt(amount), lever=lever.name)


def describe(info: RowInfo, amount: float, model: Model, x: np.ndarray) -> dict[str, Any]:
    """One broken limit as a row of the violations table, with its message in planner words.

    The message follows the kind's ``describe`` key in :data:`~optimiser.model.rows.ROW_KINDS`; a kind
    with none (``generic``) reads "{config key}: {label} broken by {amount} (limit {limit})". The message
    is in the current language; the other columns stay as the CSV and JSON name them.
    """
    head = f"{info.config_path}{_at(info)}"
    label = row_label(info)
    limit = info.limit
    kind = info.kind
    how = ROW_KINDS[kind].describe
    unit = ""
    value = limit + amount
    if how == "money":
        unit = "yuan"
        message = _("{label}{at} exceeded by {amount} yuan (limit {limit} yuan)").format(
            label=label, at=_at(info), amount=f"{amount:,.0f}", limit=f"{limit:,.0f}")
    elif how == "unfunded":
        unit, value = "yuan", amount
        message = _("{lever}{at}: {amount} yuan that no funding source may pay; add {lever} to some source's funds"
                    ).format(lever=info.detail, at=_at(info), amount=f"{amount:,.0f}")
    elif how == "lever_max":
        unit = units_word(model, info.detail)
        message = _("{head} exceeded by {quantity} (limit {limit})").format(
            head=head, quantity=_quantity(model, info.detail, amount), limit=_fmt(limit))
    elif how == "lever_min":
        unit, value = units_word(model, info.detail), limit - amount
        message = _("{head}: {quantity} planned, {limit} asked (short by {amount})").format(
            head=head, quantity=_quantity(model, info.detail, value), limit=_fmt(limit), amount=_fmt(amount))
    elif how == "intake":
        unit = "students"
        message = _("{head} exceeded by {amount} students: subsidised places induce {value} extra {tier} students, "
                    "the room is {limit}").format(head=head, amount=_fmt(amount), value=_fmt(value),
                                                  tier=info.detail, limit=_fmt(limit))
    elif how == "conversion_stock":
        unit = f"{info.detail} teachers"
        message = _("{head}: {value} {group} teachers converted while {limit} exist ({amount} too many)").format(
            head=head, value=_fmt(value), group=info.detail, limit=_fmt(limit), amount=_fmt(amount))
    elif how == "double_qualified":
        unit = "share"
        asked = float(info.detail or 0.0)
        reached = _share(model, info, x, practice=True)
        limit, value = asked, reached
        teachers = amount
        amount = asked - reached
        shown = _shares(reached, asked)
        message = _("{head}: {reached} reached, {asked} asked ({teachers} more double-qualified teachers needed)"
                    ).format(head=head, reached=shown[0], asked=shown[1], teachers=_fmt(teachers))
    elif how == "external":
        unit = "ratio"
        allowed = float(info.detail or 0.0)
        reached = _share(model, info, x, practice=False)
        limit, value = allowed, reached
        teachers = amount
        amount = reached - allowed
        shown = _shares(reached, allowed)
        message = _("{head}: {reached} reached, {allowed} allowed ({teachers} external teachers too many)").format(
            head=head, reached=shown[0], allowed=shown[1], teachers=_fmt(teachers))
    elif how == "target":
        unit, value = "graduates", limit - amount
        message = _("{head}: {value} compound graduates reached, {limit} asked (short by {amount})").format(
            head=head, value=_fmt(value), limit=_fmt(limit), amount=_fmt(amount))
    elif how == "demand":
        unit = "graduates"
        message = _("{head}: {value} compound graduates, demand {limit} (exceeded by {amount})").format(
            head=head, value=_fmt(value), limit=_fmt(limit), amount=_fmt(amount))
    elif how == "cohort":
        unit, (limit, value, amount, message) = "subsidised places", _cohort(info, model, x)
    elif how == "teacher_hours":
        unit = "hours"
        base, terms = model.form.teacher_hours(_institution(model, info), info.detail or "", _year(model, info))
        limit = base + value_of(terms, x, model.column_of)
        value = limit + amount
        message = _("{label}{at} short by {amount} hours").format(label=label, at=_at(info), amount=_fmt(amount))
    elif how == "generic":
        message = _("{head}: {label} broken by {amount} (limit {limit})").format(
            head=head, label=label, amount=_fmt(amount), limit=_fmt(limit))
    else:
        raise ValueError(f"row kind {kind}: no message for its describe key {how!r}")
    return {
        "constraint": info.label, "kind": kind, "config_path": info.config_path,
        "institution": info.institution, "year": info.year, "amount": amount, "unit": unit,
        "limit": limit, "value": value, "message": message, "_group": info.detail,
    }


def _cohort(info: RowInfo, model: Model, x: np.ndarray) -> tuple[float, float, float, str]:
    """Subsidised places beyond their cohort, in the plan's numbers: (cohort, places, too many, message).

    The row is Σ (1 - induced) · places <= intake (docs/model.md, ``cohort_places``); to a planner it says
    the places planned fit in the cohort, the intake and the students the places induce.
    """
    terms = model.form.intake_terms(_institution(model, info), info.detail or "", _year(model, info))
    places = sum(float(x[model.column_of[var]]) for var in terms)
    induced = value_of(terms, x, model.column_of)
    intake = info.limit
    cohort = intake + induced
    values = {"places": _fmt(places), "tier": info.detail, "cohort": _fmt(cohort),
              "intake": _fmt(intake), "induced": _fmt(induced), "excess": _fmt(places - cohort)}
    head = f"{info.config_path}{_at(info)}"
    if induced > 0:
        text = _("{head}: {places} subsidised {tier} places, but the cohort is {cohort} (intake {intake} + "
                 "{induced} induced by the subsidy): {excess} too many").format(head=head, **values)
    else:
        text = _("{head}: {places} subsidised {tier} places, but the cohort is {cohort} (the intake; the "
                 "subsidy induces no students): {excess} too many").format(head=head, **values)
    return cohort, places, places - cohort, text


def _institution(model: Model, info: RowInfo) -> Any:
    return next(i for i in model.config.institutions if i.name == info.institution)


def _year(model: Model, info: RowInfo) -> int:
    return info.year if info.year is not None else model.config.horizon.start


def _shares(reached: float, limit: float) -> tuple[str, str]:
    """Two shares with two decimals, or more where two would show them equal."""
    for digits in (2, 3, 4):
        a, b = f"{reached:.{digits}f}", f"{limit:.{digits}f}"
        if a != b:
            return a, b
    return f"{reached:.6f}", f"{limit:.6f}"


def _share(model: Model, info: RowInfo, x: np.ndarray, practice: bool) -> float:
    """Double-qualified share (``practice``) or external ratio at the row's institution and year."""
    cfg = model.config
    inst, year = _institution(model, info), _year(model, info)
    in_house = qualified = external = 0.0
    for g, spec in cfg.groups.items():
        base, terms = model.form.teachers(inst, g, year)
        count = base + value_of(terms, x, model.column_of)
        if spec.external:
            external += count
        else:
            in_house += count
            qualified += count if spec.practice_qualified else 0.0
    if in_house <= 0:
        return math.nan
    return qualified / in_house if practice else external / in_house


def _fractional_units(config: Config, plan: dict[PlanKey, float]) -> list[dict[str, Any]]:
    """Units of an ``integer: true`` lever that are not whole numbers."""
    found = []
    for (lever_name, inst, tier, year), units in sorted(plan.items(), key=lambda kv: tuple(map(str, kv[0]))):
        lever = config.levers[lever_name]
        if lever.integer and abs(units - round(units)) > WHOLE_TOLERANCE:
            found.append({
                "constraint": f"whole units of {lever_name}", "kind": "integer",
                "config_path": f"levers.{lever_name}.integer", "institution": inst, "year": year,
                "amount": abs(units - round(units)), "unit": "units", "limit": float(round(units)), "value": units,
                "message": _("levers.{lever}.integer {where}: {units} is not a whole number").format(
                    lever=lever_name, where=_plan_row(inst, tier, year), units=f"{units:g}"),
            })
    return found


# -- small helpers ------------------------------------------------------------------------------

def _sums(frame: pd.DataFrame, column: str) -> dict[Any, float]:
    if frame.empty:
        return {}
    return {k: float(v) for k, v in frame.groupby(column)["amount"].sum().items()}
