"""Results of a solve as planner-facing tables.

:class:`Result` holds the status, the objective, the total cost and pandas
DataFrames for the plan, the money by source, the outputs, every
constraint's slack and shadow price, and the "three no" bottlenecks. Shadow
prices use one sign convention for every solver: the change in the reported
objective per unit increase of the constraint's limit (graduates per yuan,
per teacher, ...; yuan per unit in ``min_cost`` mode).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pulp

from .i18n.words import COURSE_NO, ENROLMENT, NO_QUALIFICATION, SEATS
from .model import Model
from .model.formulation import MONEY_SCALE
from .model.rows import breached, settled_by_plan
from .solve.engine import Solution
from .solve.matrix import value_of
from .solve.status import Status
from .views import show

if TYPE_CHECKING:
    from .config.types import Config

PLAN_COLUMNS = ["lever", "kind", "institution", "tier", "year", "units", "cost"]
FUNDING_COLUMNS = ["source", "lever", "year", "amount"]
OUTPUT_COLUMNS = ["institution", "tier", "year", "enrolled", "compound", "single_skill"]
CONSTRAINT_COLUMNS = [
    "name", "kind", "config_path", "institution", "year", "detail", "sense", "limit", "activity",
    "slack", "shadow_price", "binding",
]
TEACHER_COLUMNS = ["institution", "group", "year", "teachers", "baseline"]
COMMITMENT_COLUMNS = ["lever", "kind", "institution", "tier", "year", "units", "due", "due_per_year"]
BOTTLENECK_COLUMNS = [
    "institution", "year", "binding", "knowledge", "practice", "training",
    "knowledge_price", "practice_price", "training_price", "seats_binding", "enrolment_binding", "scarce",
]
TOLERANCE = 1e-7


@dataclass
class Diagnosis:
    """One reason a model has no optimum, in config terms and planner words."""

    config_path: str
    message: str
    institution: str | None = None
    year: int | None = None
    asked: float | None = None
    reachable: float | None = None

    def __str__(self) -> str:
        return self.message


@dataclass
class Result:
    """The outcome of :func:`optimiser.solve`.

    >>> result = solve(load_config("configs/zhejiang.yaml"))  # doctest: +SKIP
    >>> result.status, round(result.objective)  # doctest: +SKIP
    (<Status.OPTIMAL: 'optimal'>, 12345)
    """

    status: Status
    objective: float
    total_cost: float
    plan: pd.DataFrame
    funding: pd.DataFrame
    outputs: pd.DataFrame
    constraints: pd.DataFrame
    bottlenecks: pd.DataFrame
    summary: dict[str, Any]
    diagnosis: list[Diagnosis] = field(default_factory=list)
    teachers: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=TEACHER_COLUMNS))
    """Teachers of every group by institution and year: the plan's and the do-nothing baseline's."""
    commitments: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=COMMITMENT_COLUMNS))
    """What the plan binds after the horizon, by lever, institution and start year (yuan)."""
    config: Config = field(kw_only=True, repr=False)
    """The config the model was built from."""
    model: Model = field(kw_only=True, repr=False, compare=False)
    """The built :class:`~optimiser.model.Model` (for sensitivity analysis and re-solves)."""
    solution: Solution = field(kw_only=True, repr=False, compare=False)
    """The raw :class:`~optimiser.solve.engine.Solution` (solver arrays, back end)."""

    @property
    def ok(self) -> bool:
        """A plan to report: optimal, or a whole-unit plan found before the time limit (``feasible``, with its gap)."""
        return self.status.ok

    def compound_output(self) -> dict[str, dict[int, float]]:
        """Compound graduates by tier and year, summed over institutions."""
        return self._by_tier_year("compound")

    def single_skill_output(self) -> dict[str, dict[int, float]]:
        """Single-skill graduates by tier and year, summed over institutions."""
        return self._by_tier_year("single_skill")

    def _by_tier_year(self, column: str) -> dict[str, dict[int, float]]:
        if self.outputs.empty:
            return {}
        result: dict[str, dict[int, float]] = {}
        for (tier, year), value in self.outputs.groupby(["tier", "year"])[column].sum().items():
            result.setdefault(str(tier), {})[int(year)] = float(value)
        return result

    def spend_by_lever(self) -> dict[str, float]:
        if self.funding.empty:
            return {}
        return {str(k): float(v) for k, v in self.funding.groupby("lever")["amount"].sum().items()}

    def spend_by_source(self) -> dict[str, float]:
        if self.funding.empty:
            return {}
        return {str(k): float(v) for k, v in self.funding.groupby("source")["amount"].sum().items()}

    def binding_constraints(self) -> pd.DataFrame:
        """Constraints that bind in the plan returned (``binding``: priced, no room left), largest price first."""
        table = self.constraints
        if table.empty:
            return table
        live = table[table["binding"]]
        return live.reindex(live["shadow_price"].abs().sort_values(ascending=False).index)

    def to_dict(self) -> dict[str, Any]:
        """The JSON summary object (``--json`` and ``summary.json``)."""
        return show(self, "dict")

    def __str__(self) -> str:
        return show(self, "text")

    def __repr__(self) -> str:
        head = f"<Result {self.status.value}"
        if self.ok:
            per = self.summary.get("cost_per_compound_graduate")
            head += f": objective {self.objective:,.2f}, total cost {self.total_cost:,.0f} yuan"
            if per is not None:
                head += f", {per:,.0f} yuan per compound graduate"
        elif self.diagnosis:
            head += f": {self.diagnosis[0].message}"
        return head + "; print() it for the full summary>"

    def _repr_html_(self) -> str:
        return show(self, "html")




def build_result(model: Model, solution: Solution, summary: dict[str, Any], diagnosis: list[Diagnosis]) -> Result:
    """Read a :class:`Solution` back into planner tables."""
    if not solution.status.ok:
        empty = {
            "plan": pd.DataFrame(columns=PLAN_COLUMNS),
            "funding": pd.DataFrame(columns=FUNDING_COLUMNS),
            "outputs": pd.DataFrame(columns=OUTPUT_COLUMNS),
            "constraints": pd.DataFrame(columns=CONSTRAINT_COLUMNS),
            "bottlenecks": pd.DataFrame(columns=BOTTLENECK_COLUMNS),
        }
        return Result(
            solution.status, float("nan"), float("nan"), summary=summary, diagnosis=diagnosis,
            config=model.config, model=model, solution=solution, **empty,
        )
    x = solution.values
    plan = _plan(model, x)
    funding = _funding(model, x)
    outputs = _outputs(model, x)
    constraints = _constraints(model, solution)
    bottlenecks = _bottlenecks(model, constraints)
    teachers = _teachers(model, x)
    commitments = _commitments(model, x)
    total_cost = float(funding["amount"].sum()) if not funding.empty else 0.0
    compound = float(outputs["compound"].sum()) if not outputs.empty else 0.0
    weighted = value_of(model.output, x, model.column_of)
    baseline = summary.get("baseline_output")
    added = weighted - baseline if baseline is not None else None
    summary.update(
        compound_graduates=compound,
        weighted_output=weighted,
        added_output=added,
        **cost_figures(total_cost, compound, added),
        commitments_after_horizon=float(commitments["due"].sum()) if not commitments.empty else 0.0,
        commitments_per_year_after_horizon=float(commitments["due_per_year"].sum()) if not commitments.empty else 0.0,
        smoothing=solution.smoothing_share,
        smoothing_applied=solution.smoothing_applied,
        output_given_up=solution.output_given_up,
        steadiness_cost=solution.steadiness_cost,
    )
    return Result(
        solution.status, solution.objective, total_cost, plan, funding, outputs, constraints, bottlenecks,
        summary, diagnosis, teachers, commitments, config=model.config, model=model, solution=solution,
    )


ADDED_TOLERANCE = 1e-6
"""Added output at or below this (weighted graduates) is nothing added: no cost per added graduate."""


def cost_figures(total_cost: float, compound: float, added: float | None) -> dict[str, float | None]:
    """A plan's total cost and its two costs per graduate, as the summary holds them.

    The average divides by every compound graduate (``compound``), with or
    without the plan; the cost per added graduate by the weighted output the
    plan adds over the do-nothing baseline (``added``; none when nothing is added).
    """
    return {
        "total_cost": total_cost,
        "cost_per_compound_graduate": (total_cost / compound) if compound > 0 else None,
        "cost_per_added_graduate": (total_cost / added) if added is not None and added > ADDED_TOLERANCE else None,
    }


def _teachers(model: Model, x: np.ndarray) -> pd.DataFrame:
    """N[i,g,t] of the plan beside B[i,g,t], for every group an institution can have."""
    form = model.form
    rows = []
    for inst in model.config.institutions:
        for g in form.groups_present(inst):
            for t in form.years:
                base, terms = form.teachers(inst, g, t)
                rows.append((inst.name, g, t, base + value_of(terms, x, model.column_of), base))
    table = pd.DataFrame(rows, columns=TEACHER_COLUMNS)
    for column in ("teachers", "baseline"):
        table[column] = without_round_off(table[column].to_numpy(dtype=float))
    return table


def _commitments(model: Model, x: np.ndarray) -> pd.DataFrame:
    """Money the plan binds after the horizon (docs/model.md: commitments past the horizon).

    ``due``: subsidy payments for students still studying after the last
    year, and the running cost (hire ``cost``, build ``opex``) of units whose
    finite lifetime runs past it; ``due_per_year``: the opex, every year
    after the horizon, of built units with no lifetime.
    """
    form, cfg, column_of = model.form, model.config, model.column_of
    last = form.years[-1]
    rows: list[tuple[Any, ...]] = []
    for (lever_name, inst, t), var in form.vars.u.items():
        lever = cfg.levers[lever_name]
        units = float(x[column_of[var]])
        if units <= 0 or lever.kind not in ("hire", "build"):
            continue
        running = lever.cost if lever.kind == "hire" else lever.opex
        if not running:
            continue
        first = t + lever.delay
        lifetime = lever.lifetime if lever.lifetime is not None or lever.kind != "hire" else 1
        if lifetime is None:
            rows.append((lever_name, lever.kind, inst, "", t, units, 0.0, units * running))
            continue
        years_after = max(first + lifetime - 1 - max(last, first - 1), 0)
        if years_after:
            rows.append((lever_name, lever.kind, inst, "", t, units, units * running * years_after, 0.0))
    for (lever_name, inst, k, t), var in form.vars.us.items():
        units = float(x[column_of[var]])
        years_after = max(t + cfg.tiers[k].duration - 1 - last, 0)
        if units > 0 and years_after:
            lever = cfg.levers[lever_name]
            rows.append((lever_name, lever.kind, inst, k, t, units, units * lever.cost * years_after, 0.0))
    table = pd.DataFrame(rows, columns=COMMITMENT_COLUMNS)
    for column in ("units", "due", "due_per_year"):
        table[column] = without_round_off(table[column].to_numpy(dtype=float))
    return table[(table["due"] > 0) | (table["due_per_year"] > 0)].reset_index(drop=True)


def _plan(model: Model, x: np.ndarray) -> pd.DataFrame:
    form, cfg, column_of = model.form, model.config, model.column_of
    rows: list[tuple[Any, ...]] = []
    last = form.years[-1]
    actives: dict[tuple[str, int], int] = {}  # the same for every institution
    for (lever_name, inst, t), var in form.vars.u.items():
        lever = cfg.levers[lever_name]
        units = x[column_of[var]]
        active = actives.get((lever_name, t))
        if active is None:
            active = actives[lever_name, t] = sum(1 for year in form.years if lever.active_in(t, year))
        if lever.kind == "build":
            cost = units * (lever.capex + lever.opex * active)
        elif lever.kind == "hire":
            cost = units * (lever.upfront + lever.cost * active)
        else:
            cost = units * lever.cost
        rows.append((lever_name, lever.kind, inst, "", t, units, cost))
    for (lever_name, inst, k, t), var in form.vars.us.items():
        lever = cfg.levers[lever_name]
        paid_years = min(cfg.tiers[k].duration, last - t + 1)
        units = x[column_of[var]]
        rows.append((lever_name, lever.kind, inst, k, t, units, units * lever.cost * paid_years))
    table = pd.DataFrame(rows, columns=PLAN_COLUMNS)
    table["units"] = without_round_off(table["units"].to_numpy(dtype=float))
    # Money as the funding table shows it: less than a thousandth of a yuan (and the cost of units that are
    # round-off) is none.
    cost = without_round_off(table["cost"].to_numpy(dtype=float), 1e-3)
    table["cost"] = np.where(table["units"].to_numpy(dtype=float) == 0.0, 0.0, cost)
    whole = [var.cat == pulp.LpInteger for var in (*form.vars.u.values(), *form.vars.us.values())]
    if whole and all(whole):
        # Every lever in whole units: the table says 3, not 3.0 or 2.9999999.
        table["units"] = np.round(table["units"].to_numpy(dtype=float)).astype(np.int64)
    elif any(whole):
        integer = np.array(whole, dtype=bool)
        units = table["units"].to_numpy(dtype=float)
        table["units"] = np.where(integer, np.round(units), units)
    return table.sort_values(["lever", "institution", "tier", "year"], ignore_index=True)


def _funding(model: Model, x: np.ndarray) -> pd.DataFrame:
    column_of = model.column_of
    rows = [(s, lever, t, x[column_of[var]] / MONEY_SCALE) for (s, lever, t), var in model.form.vars.p.items()]
    table = pd.DataFrame(rows, columns=FUNDING_COLUMNS)
    table["amount"] = without_round_off(table["amount"].to_numpy(dtype=float), 1e-3)
    return table


def _outputs(model: Model, x: np.ndarray) -> pd.DataFrame:
    form, cfg, column_of = model.form, model.config, model.column_of
    rows = []
    for inst in cfg.institutions:
        for k in inst.tiers:
            spec = cfg.tiers[k]
            for t in form.years:
                base, terms = form.enrolled(inst, k, t)
                enrolled = base + value_of(terms, x, column_of)
                trained = x[column_of[form.vars.f[inst.name, k, t]]]
                per_year = spec.completion_rate / spec.duration
                rows.append((inst.name, k, t, enrolled, per_year * trained, per_year * max(enrolled - trained, 0.0)))
    table = pd.DataFrame(rows, columns=OUTPUT_COLUMNS)
    for column in ("enrolled", "compound", "single_skill"):
        table[column] = without_round_off(table[column].to_numpy(dtype=float))
    return table


def _constraints(model: Model, solution: Solution) -> pd.DataFrame:
    infos = model.book.rows
    scale = np.array([info.unit_scale for info in infos])
    activity = solution.activity / scale
    limit = np.array([info.limit for info in infos])
    sense = [info.sense for info in infos]
    slack = np.where(np.array(sense) == ">=", activity - limit, limit - activity)
    slack = np.where(np.array(sense) == "==", 0.0, slack)
    duals = solution.duals if len(solution.duals) == len(infos) else np.full(len(infos), np.nan)
    shadow = duals * scale * model.objective_scale
    table = pd.DataFrame(
        {
            "name": [info.label for info in infos],
            "kind": [info.kind for info in infos],
            "config_path": [info.config_path for info in infos],
            "institution": [info.institution or "" for info in infos],
            "year": pd.array([info.year for info in infos], dtype="Int64"),
            "detail": [info.detail or "" for info in infos],
            "sense": sense,
            "limit": limit + 0.0,  # no -0.0 limits
            "activity": without_round_off(activity),
            "slack": without_round_off(slack),
            "shadow_price": without_round_off(shadow, 1e-9),
        }
    )
    table["binding"] = _binding(model, solution, table, scale)
    return table


def _binding(model: Model, solution: Solution, table: pd.DataFrame, scale: np.ndarray) -> np.ndarray:
    """Which limits bind in the plan returned: a shadow price at the optimum and no room left in the plan.

    The shadow prices stay those of the first solve (docs/model.md, objective
    stages). When the smoothing stage gave output up for a steadier plan, that
    plan may leave room under a limit the optimum used to the full (money
    unspent, places to spare): such a limit does not bind in the plan returned,
    and its price says what it is worth at the optimum only. Room is what
    :func:`~optimiser.model.rows.breached` would call a breach (a yuan, an
    hour, a hundredth of a unit, and a millionth of the limit); less is the
    solver's round-off. Only limits the plan's units and money settle are
    judged so (:func:`~optimiser.model.rows.settled_by_plan`): how teaching
    and seats are spread over a plan is the solver's choice, and a priced
    teaching or seat limit stays binding.
    """
    priced = table["shadow_price"].abs().to_numpy() > TOLERANCE
    if not solution.output_given_up:
        return priced
    kinds = table["kind"].tolist()
    room = breached(kinds, table["slack"].to_numpy(dtype=float) * scale, table["limit"].to_numpy(dtype=float) * scale)
    settled = np.array([settled_by_plan(kind) for kind in kinds], dtype=bool)
    return priced & ~(room & settled)


def _bottlenecks(model: Model, constraints: pd.DataFrame) -> pd.DataFrame:
    """Which "no" binds at each institution and year (a positive shadow price)."""
    rows = []
    # A limit binds where it is priced and the plan returned leaves no room under it (``binding``).
    lookup = {
        (kind, inst, year): price if binding else 0.0
        for kind, inst, year, price, binding in constraints[
            ["kind", "institution", "year", "shadow_price", "binding"]
        ].itertuples(index=False)
        if kind.startswith("no_") or kind == "training_seats"
    }
    enrolment = constraints[(constraints["kind"] == "enrolment") & constraints["binding"]]
    enrolment_binding = set(zip(enrolment["institution"], enrolment["year"]))
    scarce = scarce_resources(model.config, constraints)
    for inst in model.config.institutions:
        for t in model.form.years:
            prices = {q: float(lookup.get((f"no_{q}", inst.name, t), 0.0)) for q in COURSE_NO}
            binding = [COURSE_NO[q] for q, price in prices.items() if abs(price) > TOLERANCE]
            seats = abs(float(lookup.get(("training_seats", inst.name, t), 0.0))) > TOLERANCE
            resource = scarce.get((inst.name, t))
            rows.append(
                (inst.name, t, "; ".join(binding) if binding else "none",
                 abs(prices["knowledge"]) > TOLERANCE, abs(prices["practice"]) > TOLERANCE,
                 abs(prices["training"]) > TOLERANCE,
                 prices["knowledge"], prices["practice"], prices["training"], seats,
                 (inst.name, t) in enrolment_binding, str(resource) if resource else "")
            )
    return pd.DataFrame(rows, columns=BOTTLENECK_COLUMNS)


@dataclass(frozen=True)
class ScarceResource:
    """The one resource behind several "no" that bind at the same price: the hours of ``pools``
    (teacher groups qualified for every one of ``courses``) that ``courses`` share.

    ``str()`` gives the English sentence the Bottlenecks table, its CSV file and JSON keep;
    :meth:`words` gives it in the current language, for the terminal, the workbook and the HTML page.
    """

    pools: tuple[str, ...]
    courses: tuple[str, ...]
    """Course types (``knowledge``, ``practice``, ``training``) that bind together, in that order."""

    def words(self) -> str:
        """The sentence in the current language: ``double_qualified teaching hours: practice and training bind
        together``; in Chinese ``双师型教师的教学课时：实践课和实训课同时受限``."""
        from .i18n import _
        from .i18n.words import COURSE_NAMES, group_name

        names = [_(COURSE_NAMES[course]) for course in self.courses]
        if len(names) == 1:
            courses = names[0]
        elif len(names) == 2:
            courses = _("{first} and {second}").format(first=names[0], second=names[1])
        else:
            courses = _("{first}, {second} and {third}").format(
                first=_(", ").join(names[:-2]), second=names[-2], third=names[-1])
        return _("{pools} teaching hours: {courses} bind together").format(
            pools=_(" or ").join(group_name(pool) for pool in self.pools), courses=courses)

    def __str__(self) -> str:
        from .i18n import language

        with language("en"):
            return self.words()


def scarce_resources(config: Config, constraints: pd.DataFrame) -> dict[tuple[str, int], ScarceResource]:
    """The one scarce resource of every institution and year that has one, from a result's constraints.

    When knowledge, practice and training teaching bind at one shadow price,
    they draw on one pool: the hours of a teacher group qualified for all of
    them whose own hours bind. Naming the group tells a planner what to add.
    """
    if constraints.empty:
        return {}
    prices: dict[tuple[str, int], dict[str, float]] = {}
    hours: dict[tuple[str, int], list[str]] = {}
    for kind, inst, year, detail, price, binding in constraints[
        ["kind", "institution", "year", "detail", "shadow_price", "binding"]
    ].itertuples(index=False):
        if kind.startswith("no_") and kind[3:] in COURSE_NO:
            prices.setdefault((inst, int(year)), {})[kind[3:]] = float(price) if binding else 0.0
        elif kind == "teacher_hours" and binding:
            hours.setdefault((inst, int(year)), []).append(detail)
    found = {}
    for place, by_course in prices.items():
        ordered = {q: by_course.get(q, 0.0) for q in COURSE_NO}
        resource = scarce_resource(config, ordered, hours.get(place, []))
        if resource is not None:
            found[place] = resource
    return found


def scarce_resource(config: Config, prices: dict[str, float], groups_binding: list[str]) -> ScarceResource | None:
    """The one resource behind several "no" that bind at the same price (None if there is none).

    ``prices``: the shadow price of each course type's teaching hours; ``groups_binding``: the teacher
    groups whose own hours bind at the same institution and year.
    """
    binding = [q for q, price in prices.items() if abs(price) > TOLERANCE]
    if len(binding) < 2:
        return None
    reference = prices[binding[0]]
    if any(abs(prices[q] - reference) > 1e-6 * max(abs(reference), 1e-9) for q in binding):
        return None
    pools = [g for g in groups_binding if set(binding) <= config.groups[g].qualified]
    if not pools:
        return None
    return ScarceResource(tuple(pools), tuple(binding))


def lever_relieves(model: Model) -> dict[str, str]:
    """Which "no" (or capacity) each lever relieves, in planner words."""
    cfg = model.config
    relieves = {}
    for lever in cfg.levers.values():
        if lever.kind == "hire" and lever.group:
            courses = sorted(cfg.groups[lever.group].qualified, key=list(COURSE_NO).index)
        elif lever.kind == "convert" and lever.target_group and lever.source_group:
            gained = cfg.groups[lever.target_group].qualified - cfg.groups[lever.source_group].qualified
            courses = sorted(gained, key=list(COURSE_NO).index)
        elif lever.kind == "build":
            relieves[lever.name] = SEATS
            continue
        else:
            relieves[lever.name] = ENROLMENT
            continue
        relieves[lever.name] = "; ".join(COURSE_NO[q] for q in courses) or NO_QUALIFICATION
    return relieves


def without_round_off(values: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """Zero out solver round-off so a table shows 0, not -1e-13."""
    values = np.asarray(values, dtype=float)
    return np.where(np.abs(values) < tol, 0.0, values)
