"""The decision variables and derived quantities of the planning programme.

Names follow MODEL.md: ``u`` lever units, ``a`` teaching hours, ``f`` fully
trained student-years, ``p`` money by funding source. Derived quantities
(teachers ``N``, hours ``H``, enrolment ``n``, seat hours, lever cost) are
linear expressions kept as ``(constant, {variable: coefficient})``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pulp

from ..config.types import COURSES, Config, Institution, Lever

MONEY_SCALE = 1e-3
"""Money enters the solver in thousands of yuan, so yuan in the hundreds of
millions sit within a few orders of magnitude of hours and shares."""

Terms = dict[pulp.LpVariable, float]


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

    def __init__(self, config: Config, integer: bool | None = None) -> None:
        self.config = config
        self.years = list(config.years)
        self.start = config.horizon.start
        self.vars = Variables()
        self.integer_override = integer
        self._counter = 0
        self._teachers: dict[tuple[str, str, int], tuple[float, Terms]] = {}
        self._make_variables()

    # -- variables -----------------------------------------------------
    def _var(self, prefix: str, integer: bool = False) -> pulp.LpVariable:
        self._counter += 1
        cat = pulp.LpInteger if integer else pulp.LpContinuous
        return pulp.LpVariable(f"{prefix}{self._counter}", lowBound=0, cat=cat)

    def lever_is_integer(self, lever: Lever) -> bool:
        return lever.integer if self.integer_override is None else self.integer_override

    def lever_years(self, lever: Lever) -> list[int]:
        return [t for t in self.years if lever.available_from is None or t >= lever.available_from]

    def _make_variables(self) -> None:
        cfg, v = self.config, self.vars
        for inst in cfg.institutions:
            for lever in cfg.levers.values():
                if not lever.applies_to(inst.name):
                    continue
                integer = self.lever_is_integer(lever)
                for t in self.lever_years(lever):
                    if lever.kind == "subsidise":
                        for k in lever.tiers:
                            if k in inst.tiers:
                                v.us[lever.name, inst.name, k, t] = self._var("us", integer)
                    else:
                        v.u[lever.name, inst.name, t] = self._var("u", integer)
            present = self.groups_present(inst)
            for t in self.years:
                for k in inst.tiers:
                    v.f[inst.name, k, t] = self._var("f")
                for g in present:
                    for q in COURSES:
                        if q in cfg.groups[g].qualified:
                            v.a[inst.name, g, q, t] = self._var("a")
        for source in cfg.funding.values():
            for lever_name in source.funds:
                for t in self.years:
                    v.p[source.name, lever_name, t] = self._var("p")

    def groups_present(self, inst: Institution) -> list[str]:
        """Teacher groups that can have members at ``inst`` in some year."""
        present = {g for g, count in inst.teachers.items() if count > 0}
        for lever in self.config.levers.values():
            if lever.applies_to(inst.name):
                if lever.kind == "hire" and lever.group:
                    present.add(lever.group)
                if lever.kind == "convert" and lever.target_group:
                    present.add(lever.target_group)
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

    def teachers(self, inst: Institution, group: str, year: int) -> tuple[float, Terms]:
        """N[i,g,t]: baseline teachers plus conversions in, minus conversions out, plus hires.

        Several constraints use the same counts; they are built once (callers
        must not modify the returned terms).
        """
        key = (inst.name, group, year)
        if key not in self._teachers:
            self._teachers[key] = self._count_teachers(inst, group, year)
        return self._teachers[key]

    def _count_teachers(self, inst: Institution, group: str, year: int) -> tuple[float, Terms]:
        terms: Terms = {}
        for lever in self.config.levers.values():
            if not lever.applies_to(inst.name):
                continue
            if lever.kind == "convert":
                if lever.target_group == group:
                    add_terms(terms, self.active_units(lever, inst.name, year))
                if lever.source_group == group:
                    add_terms(terms, self.active_units(lever, inst.name, year), -1.0)
            elif lever.kind == "hire" and lever.group == group:
                add_terms(terms, self.units(lever, inst.name, year))
        return inst.teachers.get(group, 0.0), terms

    def teacher_hours(self, inst: Institution, group: str, year: int) -> tuple[float, Terms]:
        """H[i,g,t]: hours of the group, less the hours lost by teachers away on secondment."""
        hours = self.config.groups[group].hours
        base, terms = self.teachers(inst, group, year)
        result = add_terms({}, terms, hours)
        for lever in self.config.levers.values():
            if lever.kind == "convert" and lever.target_group == group and lever.applies_to(inst.name):
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
        for lever in builds:
            if lever.applies_to(inst.name):
                add_terms(terms, self.active_units(lever, inst.name, year), lever.seat_hours * lever.seats_per_unit)
        return default * inst.training_seats, terms

    def lever_cost(self, lever: Lever, inst: str, year: int) -> Terms:
        """Yuan spent on ``lever`` at ``inst`` in ``year`` (all cohorts for subsidies)."""
        terms: Terms = {}
        if lever.kind in ("hire", "convert"):
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

    def spend_by_lever_year(self) -> dict[tuple[str, int], Terms]:
        """Σ_i cost[l,i,t] for every lever and year, in yuan."""
        spend: dict[tuple[str, int], Terms] = defaultdict(dict)
        for lever in self.config.levers.values():
            for inst in self.config.institutions:
                if lever.applies_to(inst.name):
                    for t in self.years:
                        add_terms(spend[lever.name, t], self.lever_cost(lever, inst.name, t))
        return spend
