"""The decision variables and derived quantities of the planning programme.

Names follow docs/model.md: ``u`` lever units, ``a`` teaching hours, ``f`` fully
trained student-years, ``p`` money by funding source. Derived quantities
(teachers ``N``, hours ``H``, enrolment ``n``, seat hours, lever cost) are
linear expressions kept as ``(constant, {variable: coefficient})``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from inspect import signature

import numpy as np
import pulp

from ..config.types import COURSES, Config, Institution, Lever

MONEY_SCALE = 1e-3
"""Money enters the solver in thousands of yuan, so yuan in the hundreds of
millions sit within a few orders of magnitude of hours and shares."""

Terms = dict[pulp.LpVariable, float]

_QUIET = {"_skip_v4_deprecation": True} if "_skip_v4_deprecation" in signature(pulp.LpVariable).parameters else {}
"""PuLP 3.x warns, on every variable made, that PuLP 4 will make them another way (a filtered warning still
costs its look-up: a tenth of a build); the keyword that skips it, where this PuLP has it."""


def column(name: str, low: float | None = 0.0, up: float | None = None, cat: str = pulp.LpContinuous) -> pulp.LpVariable:
    """A new column of a programme: every variable of the package is made here."""
    return pulp.LpVariable(name, lowBound=low, upBound=up, cat=cat, **_QUIET)


def add_terms(into: Terms, terms: Terms, factor: float = 1.0) -> Terms:
    for var, coef in terms.items():
        into[var] = into.get(var, 0.0) + factor * coef
    return into


@dataclass
class Variables:
    u: dict[tuple[str, str, int], pulp.LpVariable] = field(default_factory=dict)
    us: dict[tuple[str, str, str, int], pulp.LpVariable] = field(default_factory=dict)
    a: dict[tuple[str, str, str, int], pulp.LpVariable] = field(default_factory=dict)
    f: dict[tuple[str, str, int], pulp.LpVariable] = field(default_factory=dict)
    p: dict[tuple[str, str, int], pulp.LpVariable] = field(default_factory=dict)


class Formulation:
    """Variables and derived expressions for one config (no constraints yet)."""

    def __init__(self, config: Config, integer: bool | None = None, levers: bool = True) -> None:
        self.config = config
        self.with_levers = levers
        """False for the do-nothing baseline: no lever units and no money."""
        self.years = list(config.years)
        self.start = config.horizon.start
        self.vars = Variables()
        self.integer_override = integer
        self._counter = 0
        self._teachers: dict[tuple[str, str, int], tuple[float, Terms]] = {}
        self._powers: list[np.ndarray] = []
        self._effects: dict[tuple[str, int, str, int], float] = {}
        self._levers_at: dict[str, list[Lever]] = {}
        self._group_index = {g: n for n, g in enumerate(config.groups)}
        self._step = np.zeros((0, 0))
        self._make_variables()

    # -- variables -----------------------------------------------------
    def _var(self, prefix: str, integer: bool = False) -> pulp.LpVariable:
        self._counter += 1
        cat = pulp.LpInteger if integer else pulp.LpContinuous
        return column(f"{prefix}{self._counter}", cat=cat)

    def lever_is_integer(self, lever: Lever) -> bool:
        return lever.integer if self.integer_override is None else self.integer_override

    def lever_years(self, lever: Lever) -> list[int]:
        return [t for t in self.years if lever.available_from is None or t >= lever.available_from]

    def levers_at(self, inst: str) -> list[Lever]:
        """The levers that apply to institution ``inst``, in config order."""
        found = self._levers_at.get(inst)
        if found is None:
            found = self._levers_at[inst] = [lever for lever in self.config.levers.values() if lever.applies_to(inst)]
        return found

    def _make_variables(self) -> None:
        """Every variable, in a fixed order (which numbers their names): per institution its levers' units,
        then its trained students and teaching hours; then the funding paid to each lever."""
        for inst in self.config.institutions:
            if self.with_levers:
                self._make_lever_variables(inst)
            self._make_teaching_variables(inst)
        if self.with_levers:
            self._make_funding_variables()

    def _make_lever_variables(self, inst: Institution) -> None:
        """Units of each lever that applies to ``inst``, per year it is available (subsidies per tier offered)."""
        v = self.vars
        for lever in self.levers_at(inst.name):
            integer = self.lever_is_integer(lever)
            for t in self.lever_years(lever):
                if lever.kind == "subsidise":
                    for k in lever.tiers:
                        if k in inst.tiers:
                            v.us[lever.name, inst.name, k, t] = self._var("us", integer)
                else:
                    v.u[lever.name, inst.name, t] = self._var("u", integer)

    def _make_teaching_variables(self, inst: Institution) -> None:
        """Trained students per tier and teaching hours per group and course type it is qualified for, per year."""
        cfg, v = self.config, self.vars
        present = self.groups_present(inst)
        for t in self.years:
            for k in inst.tiers:
                v.f[inst.name, k, t] = self._var("f")
            for g in present:
                for q in COURSES:
                    if q in cfg.groups[g].qualified:
                        v.a[inst.name, g, q, t] = self._var("a")

    def _make_funding_variables(self) -> None:
        """Money each funding source pays to each lever it funds, per year."""
        for source in self.config.funding.values():
            for lever_name in source.funds:
                for t in self.years:
                    self.vars.p[source.name, lever_name, t] = self._var("p")

    def groups_present(self, inst: Institution) -> list[str]:
        """Teacher groups that can have members at ``inst`` in some year.

        Those it starts with, those its levers hire or convert into, and the
        groups that replace their leavers.
        """
        present = {g for g, count in inst.teachers.items() if count > 0}
        for lever in self.levers_at(inst.name):
            if lever.kind == "hire" and lever.group:
                present.add(lever.group)
            if lever.kind == "convert" and lever.target_group:
                present.add(lever.target_group)
        queue = list(present)
        while queue:
            spec = self.config.groups[queue.pop()]
            if spec.attrition > 0 and spec.replacement is not None and spec.replacement not in present:
                present.add(spec.replacement)
                queue.append(spec.replacement)
        return [g for g in self.config.groups if g in present]

    # -- derived quantities ---------------------------------------------
    def units(self, lever: Lever, inst: str, year: int) -> Terms:
        """Units of ``lever`` started at ``inst`` in ``year`` (subsidy places summed over tiers)."""
        v = self.vars
        if lever.kind == "subsidise":
            return {v.us[key]: 1.0 for k in lever.tiers if (key := (lever.name, inst, k, year)) in v.us}
        var = v.u.get((lever.name, inst, year))
        return {var: 1.0} if var is not None else {}

    def active_units(self, lever: Lever, inst: str, year: int) -> Terms:
        """Σ_{τ∈W_l(year)} u[l,i,τ]: units started earlier that still count."""
        terms: Terms = {}
        for built in self.years:
            if built > year:
                break
            if lever.active_in(built, year):
                add_terms(terms, self.units(lever, inst, built))
        return terms

    def turnover(self, years: int) -> np.ndarray:
        """P_k = M^k: where a teacher of each group (row) stands after ``years`` years of turnover.

        ``M[g,g] = 1 - attrition_g`` and ``M[g, replaced_by_g] += attrition_g``;
        a group replaced by itself keeps its size, ``replaced_by: none`` loses its leavers.
        Rows and columns follow the order of ``config.groups``.
        """
        if not self._powers:
            groups = list(self.config.groups)
            index = {g: n for n, g in enumerate(groups)}
            step = np.eye(len(groups))
            for g, spec in self.config.groups.items():
                step[index[g], index[g]] -= spec.attrition
                if spec.replacement is not None:
                    step[index[g], index[spec.replacement]] += spec.attrition
            self._step = step
            self._powers.append(np.eye(len(groups)))
        while len(self._powers) <= years:
            self._powers.append(self._powers[-1] @ self._step)
        return self._powers[years]

    def group_index(self, group: str) -> int:
        return self._group_index[group]

    def baseline_teachers(self, inst: Institution, group: str, year: int) -> float:
        """B[i,g,t] = N0[i,·] · P_{t-start}[·,g]: the teachers with no plan, after turnover."""
        start = np.array([inst.teachers.get(g, 0.0) for g in self.config.groups])
        return float(start @ self.turnover(year - self.start)[:, self._group_index[group]])

    def conversion_effect(self, lever: Lever, started: int, group: str, year: int) -> float:
        """The coefficient of u[l,i,started] in N[i,group,year] for a convert lever (C_l in docs/model.md).

        The teacher leaves the ``from`` pool in her first active year, with the
        leavers and replacements she would have caused there; she serves in
        ``to`` without turnover while converted and rejoins ``from`` when the
        lifetime ends.
        """
        first = started + lever.delay
        if year < first:
            return 0.0
        key = (lever.name, started, group, year)
        effect = self._effects.get(key)
        if effect is None:
            # The same for every institution: worked out once per lever, start, group and year.
            effect = self._effects[key] = self._conversion_effect(lever, first, group, year)
        return effect

    def _conversion_effect(self, lever: Lever, first: int, group: str, year: int) -> float:
        assert lever.source_group is not None and lever.target_group is not None
        column = self.group_index(group)
        source = self.group_index(lever.source_group)
        effect = -float(self.turnover(year - first)[source, column])
        back = None if lever.lifetime is None else first + lever.lifetime
        if back is None or year < back:
            effect += 1.0 if group == lever.target_group else 0.0
        else:
            effect += float(self.turnover(year - back)[source, column])
        return effect

    def teachers(self, inst: Institution, group: str, year: int) -> tuple[float, Terms]:
        """N[i,g,t]: baseline teachers after turnover, plus conversions, plus active hires.

        Several constraints use the same counts; they are built once (callers
        must not modify the returned terms).
        """
        key = (inst.name, group, year)
        if key not in self._teachers:
            self._teachers[key] = self._count_teachers(inst, group, year)
        return self._teachers[key]

    def _count_teachers(self, inst: Institution, group: str, year: int) -> tuple[float, Terms]:
        terms: Terms = {}
        for lever in self.levers_at(inst.name):
            if lever.kind == "convert" and (self.has_turnover or group in (lever.source_group, lever.target_group)):
                units = self.vars.u
                for started in self.years:
                    if started > year:
                        break
                    effect = self.conversion_effect(lever, started, group, year)
                    if abs(effect) > 1e-15 and (var := units.get((lever.name, inst.name, started))) is not None:
                        terms[var] = terms.get(var, 0.0) + effect
            elif lever.kind == "hire" and lever.group == group:
                add_terms(terms, self.active_units(lever, inst.name, year))
        return self.baseline_teachers(inst, group, year), terms

    @property
    def has_turnover(self) -> bool:
        return any(spec.attrition > 0 for spec in self.config.groups.values())

    def teacher_hours(self, inst: Institution, group: str, year: int) -> tuple[float, Terms]:
        """H[i,g,t]: hours of the group, less the hours of teachers away on a conversion started in ``year``.

        A conversion with no delay takes its teacher into the ``to`` group at
        once, so her away hours come off that group; with a delay she is still
        in the ``from`` group in her start year.
        """
        hours = self.config.groups[group].hours
        base, terms = self.teachers(inst, group, year)
        result = add_terms({}, terms, hours)
        for lever in self.levers_at(inst.name):
            if lever.kind != "convert" or not lever.away:
                continue
            home = lever.target_group if lever.delay == 0 else lever.source_group
            if home == group:
                add_terms(result, self.units(lever, inst.name, year), -lever.away * hours)
        return hours * base, result

    def intake_terms(self, inst: Institution, tier: str, year: int) -> Terms:
        """Extra intake e[i,k,t] - E0 induced by subsidised places."""
        terms: Terms = {}
        for lever in self.config.levers.values():
            if lever.kind == "subsidise" and tier in lever.tiers:
                var = self.vars.us.get((lever.name, inst.name, tier, year))
                if var is not None:
                    terms[var] = terms.get(var, 0.0) + lever.induced_intake
        return terms

    def enrolled(self, inst: Institution, tier: str, year: int) -> tuple[float, Terms]:
        """n[i,k,t]: the cohorts of the last ``duration`` years."""
        duration = self.config.tiers[tier].duration
        base = inst.intake.get(tier, 0.0) * duration
        terms: Terms = {}
        for age in range(duration):
            add_terms(terms, self.intake_terms(inst, tier, year - age))
        return base, terms

    def seat_hours(self, inst: Institution, year: int) -> tuple[float, Terms]:
        """Training-seat hours: baseline seats plus active built units."""
        builds = [lever for lever in self.config.levers.values() if lever.kind == "build"]
        default = builds[0].seat_hours if builds else 1200.0
        terms: Terms = {}
        for lever in self.levers_at(inst.name):
            if lever.kind == "build":
                add_terms(terms, self.active_units(lever, inst.name, year), lever.seat_hours * lever.seats_per_unit)
        return default * inst.training_seats, terms

    def lever_cost(self, lever: Lever, inst: str, year: int) -> Terms:
        """Yuan spent on ``lever`` at ``inst`` in ``year`` (all cohorts for subsidies)."""
        terms: Terms = {}
        if lever.kind == "hire":
            add_terms(terms, self.active_units(lever, inst, year), lever.cost)
            add_terms(terms, self.units(lever, inst, year), lever.upfront)
        elif lever.kind == "convert":
            add_terms(terms, self.units(lever, inst, year), lever.cost)
        elif lever.kind == "build":
            add_terms(terms, self.units(lever, inst, year), lever.capex)
            add_terms(terms, self.active_units(lever, inst, year), lever.opex)
        else:
            for k in lever.tiers:
                for age in range(self.config.tiers[k].duration):
                    var = self.vars.us.get((lever.name, inst, k, year - age))
                    if var is not None:
                        terms[var] = terms.get(var, 0.0) + lever.cost
        return terms

    def output_terms(self, inst: Institution, tier: str, year: int) -> Terms:
        """o[i,k,t] = completion · f / duration: compound graduates."""
        spec = self.config.tiers[tier]
        return {self.vars.f[inst.name, tier, year]: spec.completion_rate / spec.duration}

    def plan_changes(self) -> list[tuple[Terms, float]]:
        """Year-to-year changes in what each lever starts at each institution (and tier), with their price.

        Each item is ``(u[l,i,(k),t] - u[l,i,(k),t-1], c_l)`` for t after the
        first year, ``c_l`` the lever's ``cost`` (``capex`` for build levers) in
        yuan; a year before ``available_from`` counts as zero units.
        """
        changes: list[tuple[Terms, float]] = []
        v = self.vars
        for (lever_name, inst, t), var in v.u.items():
            previous = v.u.get((lever_name, inst, t - 1))
            if t > self.start:
                lever = self.config.levers[lever_name]
                terms: Terms = {var: 1.0}
                if previous is not None:
                    terms[previous] = -1.0
                changes.append((terms, lever.capex if lever.kind == "build" else lever.cost))
        for (lever_name, inst, k, t), var in v.us.items():
            previous = v.us.get((lever_name, inst, k, t - 1))
            if t > self.start:
                terms = {var: 1.0}
                if previous is not None:
                    terms[previous] = -1.0
                changes.append((terms, self.config.levers[lever_name].cost))
        return changes

    def spend_by_lever_year(self) -> dict[tuple[str, int], Terms]:
        """Σ_i cost[l,i,t] for every lever and year, in yuan."""
        spend: dict[tuple[str, int], Terms] = defaultdict(dict)
        for lever in self.config.levers.values():
            for inst in self.config.institutions:
                if lever.applies_to(inst.name):
                    for t in self.years:
                        add_terms(spend[lever.name, t], self.lever_cost(lever, inst.name, t))
        return spend
