"""The constraints of the programme, one function each, named as in docs/model.md.

:data:`BASELINE` lists those that apply to the do-nothing baseline (every
lever unit at zero): the teaching constraints 1–4, the intake limits 6 and
demand 10.

Each function adds its rows through a :class:`~optimiser.model.rows.RowBook`
with the planner-facing description of the limit.
"""

from __future__ import annotations

from ..config.types import COURSES, Config, Institution, Lever
from ..i18n.words import COURSE_NO
from .formulation import MONEY_SCALE, Formulation, Terms, add_terms
from .rows import RowBook


def inst_path(inst: Institution, key: str) -> str:
    return f"institutions.{inst.name}.{key}"


def policy(config: Config, inst: Institution, key: str, year: int) -> tuple[float | None, str]:
    """An institution's own policy value if it sets one, else the global one, with its key path."""
    own = getattr(inst.policies, key)
    if own is not None:
        return own.at(year), inst_path(inst, f"policies.{key}")
    series = getattr(config.policies, key)
    return (series.at(year) if series is not None else None), f"policies.{key}"


def trained_within_enrolled(m: Formulation, book: RowBook) -> None:
    """1. f[i,k,t] <= n[i,k,t]."""
    for inst in m.config.institutions:
        for k in inst.tiers:
            for t in m.years:
                base, terms = m.enrolled(inst, k, t)
                row = add_terms({m.vars.f[inst.name, k, t]: 1.0}, terms, -1.0)
                book.add(
                    "enrolment", row, "<=", base,
                    label=f"students enrolled in {k}", config_path=inst_path(inst, f"intake.{k}"),
                    institution=inst.name, year=t, detail=k,
                )


def three_no(m: Formulation, book: RowBook) -> None:
    """2. For each course type q: hours needed <= hours taught by qualified teachers."""
    cfg = m.config
    for inst in cfg.institutions:
        present = m.groups_present(inst)
        for q in COURSES:
            for t in m.years:
                row: Terms = {}
                for k in inst.tiers:
                    row[m.vars.f[inst.name, k, t]] = cfg.tiers[k].hours[q] / cfg.courses[q]
                for g in present:
                    var = m.vars.a.get((inst.name, g, q, t))
                    if var is not None:
                        row[var] = -1.0
                book.add(
                    f"no_{q}", row, "<=", 0.0,
                    label=f"{q} teaching hours ({COURSE_NO[q]})", config_path=f"courses.{q}.class_size",
                    institution=inst.name, year=t, detail=q,
                )


def teacher_hours(m: Formulation, book: RowBook) -> None:
    """3. Hours a group teaches across course types <= the hours it has."""
    for inst in m.config.institutions:
        for g in m.groups_present(inst):
            for t in m.years:
                base, terms = m.teacher_hours(inst, g, t)
                row: Terms = {
                    var: 1.0 for q in COURSES if (var := m.vars.a.get((inst.name, g, q, t))) is not None
                }
                add_terms(row, terms, -1.0)
                book.add(
                    "teacher_hours", row, "<=", base,
                    label=f"teaching hours of {g} teachers", config_path=inst_path(inst, f"teachers.{g}"),
                    institution=inst.name, year=t, detail=g,
                )


def training_seats(m: Formulation, book: RowBook) -> None:
    """4. Student training hours <= seat hours of baseline and built seats."""
    cfg = m.config
    for inst in cfg.institutions:
        for t in m.years:
            row: Terms = {m.vars.f[inst.name, k, t]: cfg.tiers[k].hours["training"] for k in inst.tiers}
            base, terms = m.seat_hours(inst, t)
            add_terms(row, terms, -1.0)
            book.add(
                "training_seats", row, "<=", base,
                label="training-seat hours", config_path=inst_path(inst, "training_seats"),
                institution=inst.name, year=t,
            )


def conversion_stock(m: Formulation, book: RowBook) -> None:
    """5. N[i,from,t] >= 0: one cannot second more teachers than a group has."""
    cfg = m.config
    sources = sorted({lv.source_group for lv in cfg.levers.values() if lv.kind == "convert" and lv.source_group})
    for inst in cfg.institutions:
        for g in sources:
            for t in m.years:
                base, terms = m.teachers(inst, g, t)
                book.add(
                    "conversion_stock", add_terms({}, terms, -1.0), "<=", base,
                    label=f"{g} teachers available to convert", config_path=inst_path(inst, f"teachers.{g}"),
                    institution=inst.name, year=t, detail=g,
                )


def intake_cap(m: Formulation, book: RowBook) -> None:
    """6. e[i,k,t] <= max_intake[i,k]."""
    for inst in m.config.institutions:
        for k, cap in inst.max_intake.items():
            for t in m.years:
                terms = m.intake_terms(inst, k, t)
                if terms:
                    book.add(
                        "intake_cap", terms, "<=", cap - inst.intake.get(k, 0.0),
                        label=f"room for extra {k} intake", config_path=inst_path(inst, f"max_intake.{k}"),
                        institution=inst.name, year=t, detail=k,
                    )


def cohort_places(m: Formulation, book: RowBook) -> None:
    """6 (v2). Subsidised places within their cohort: Σ_l u[l,i,k,t] <= e[i,k,t].

    Written as Σ_l (1 - induced_l) · u[l,i,k,t] <= E0[i,k]: a place is a
    student of the cohort, and the places bring ``induced_intake`` students each.
    """
    cfg = m.config
    for inst in cfg.institutions:
        for k in inst.tiers:
            for t in m.years:
                row: Terms = {}
                for lever in cfg.levers.values():
                    if lever.kind == "subsidise" and k in lever.tiers:
                        var = m.vars.us.get((lever.name, inst.name, k, t))
                        if var is not None:
                            row[var] = row.get(var, 0.0) + 1.0 - lever.induced_intake
                if row:
                    book.add(
                        "cohort_places", row, "<=", inst.intake.get(k, 0.0),
                        label=f"subsidised {k} places within the cohort", config_path=inst_path(inst, f"intake.{k}"),
                        institution=inst.name, year=t, detail=k,
                    )


def lever_limits(m: Formulation, book: RowBook) -> None:
    """7. Per-institution, regional and whole-horizon limits on lever units."""
    cfg = m.config
    in_house = [g for g, spec in cfg.groups.items() if not spec.external]
    for lever in cfg.levers.values():
        insts = [inst for inst in cfg.institutions if lever.applies_to(inst.name)]
        years = m.lever_years(lever)
        for inst in insts:
            for t in years:
                _yearly_unit_limits(m, book, lever, inst, t, in_house)
        if lever.region_max_per_year is not None:
            _regional_limits(m, book, lever, insts, years)
        if lever.max_total is not None:
            _total_limit(m, book, lever, insts, years)


def _yearly_unit_limits(m: Formulation, book: RowBook, lever: Lever, inst: Institution, t: int, in_house: list[str]) -> None:
    """A lever's minimum, maximum and (conversion) share of in-house teachers at one institution in one year."""
    path = f"levers.{lever.name}"
    units = m.units(lever, inst.name, t)
    if lever.min_per_year is not None:
        book.add(
            "min_per_year", units, ">=", lever.min_per_year.at(t),
            label=f"minimum {lever.name} per year", config_path=f"{path}.min_per_year",
            institution=inst.name, year=t, detail=lever.name,
        )
    if lever.max_per_year is not None:
        book.add(
            "max_per_year", units, "<=", lever.max_per_year.at(t),
            label=f"maximum {lever.name} per year", config_path=f"{path}.max_per_year",
            institution=inst.name, year=t, detail=lever.name,
        )
    if lever.kind == "convert" and lever.max_share_per_year is not None:
        staff = sum(inst.teachers.get(g, 0.0) for g in in_house)
        book.add(
            "conversion_share", units, "<=", lever.max_share_per_year * staff,
            label=f"{lever.name} per year (share of in-house teachers)",
            config_path=f"{path}.max_share_per_year", institution=inst.name, year=t, detail=lever.name,
        )


def _regional_limits(m: Formulation, book: RowBook, lever: Lever, insts: list[Institution], years: list[int]) -> None:
    """A lever's units summed over the institutions it applies to, each year, at most its regional maximum."""
    assert lever.region_max_per_year is not None
    for t in years:
        row: Terms = {}
        for inst in insts:
            add_terms(row, m.units(lever, inst.name, t))
        book.add(
            "region_max_per_year", row, "<=", lever.region_max_per_year.at(t),
            label=f"regional maximum of {lever.name} per year", config_path=f"levers.{lever.name}.region_max_per_year",
            year=t, detail=lever.name,
        )


def _total_limit(m: Formulation, book: RowBook, lever: Lever, insts: list[Institution], years: list[int]) -> None:
    """A lever's units summed over institutions and years at most its total for the horizon."""
    assert lever.max_total is not None
    row: Terms = {}
    for inst in insts:
        for t in years:
            add_terms(row, m.units(lever, inst.name, t))
    book.add(
        "max_total", row, "<=", lever.max_total,
        label=f"total {lever.name} over the horizon", config_path=f"levers.{lever.name}.max_total", detail=lever.name,
    )


def double_qualified_share(m: Formulation, book: RowBook) -> None:
    """8. Practice-qualified in-house teachers >= share · all in-house teachers."""
    cfg = m.config
    in_house = [g for g, spec in cfg.groups.items() if not spec.external]
    for inst in cfg.institutions:
        for t in m.years:
            share, path = policy(cfg, inst, "min_double_qualified_share", t)
            if not share:
                continue
            const = 0.0
            row: Terms = {}
            for g in in_house:
                base, terms = m.teachers(inst, g, t)
                weight = (1.0 if cfg.groups[g].practice_qualified else 0.0) - share
                const += weight * base
                add_terms(row, terms, weight)
            book.add(
                "double_qualified_share", row, ">=", -const,
                label="double-qualified teachers (policy floor)", config_path=path,
                institution=inst.name, year=t, detail=f"{share:g}",
            )


def external_ratio(m: Formulation, book: RowBook) -> None:
    """9. External teachers <= ratio · in-house teachers."""
    cfg = m.config
    external = [g for g, spec in cfg.groups.items() if spec.external]
    if not external:
        return
    for inst in cfg.institutions:
        for t in m.years:
            ratio, path = policy(cfg, inst, "max_external_ratio", t)
            if ratio is None:
                continue
            const = 0.0
            row: Terms = {}
            for g, spec in cfg.groups.items():
                base, terms = m.teachers(inst, g, t)
                weight = 1.0 if spec.external else -ratio
                const += weight * base
                add_terms(row, terms, weight)
            book.add(
                "external_ratio", row, "<=", -const,
                label="external teachers (policy ceiling)", config_path=path,
                institution=inst.name, year=t, detail=f"{ratio:g}",
            )


def demand(m: Formulation, book: RowBook) -> None:
    """10. Compound output of a tier <= its demand."""
    cfg = m.config
    for k, tier in cfg.tiers.items():
        if tier.demand is None:
            continue
        for t in m.years:
            row: Terms = {}
            for inst in cfg.institutions:
                if k in inst.tiers:
                    add_terms(row, m.output_terms(inst, k, t))
            book.add(
                "demand", row, "<=", tier.demand.at(t),
                label=f"demand for {k} graduates", config_path=f"tiers.{k}.demand", year=t, detail=k,
            )


def targets(m: Formulation, book: RowBook) -> None:
    """min_cost mode: compound output of a tier >= its target."""
    cfg = m.config
    for k, series in cfg.objective.targets.items():
        for t in m.years:
            row: Terms = {}
            for inst in cfg.institutions:
                if k in inst.tiers:
                    add_terms(row, m.output_terms(inst, k, t))
            book.add(
                "target", row, ">=", series.at(t),
                label=f"target for {k} graduates", config_path=f"objective.targets.{k}", year=t, detail=k,
            )


def funding(m: Formulation, book: RowBook) -> Terms:
    """11. Money by source pays each lever's cost; sources and the total budget cap it.

    Returns the total cost expression (thousands of yuan): all money paid,
    which the balance rows make equal to the cost of every lever.
    """
    cfg = m.config
    spend = m.spend_by_lever_year()
    total: Terms = {var: 1.0 for var in m.vars.p.values()}
    for lever in cfg.levers.values():
        for t in m.years:
            row: Terms = {
                var: 1.0 for s in cfg.funding if (var := m.vars.p.get((s, lever.name, t))) is not None
            }
            add_terms(row, spend[lever.name, t], -MONEY_SCALE)
            book.add(
                "funding_balance", row, "==", 0.0,
                label=f"money for {lever.name}", config_path=f"levers.{lever.name}",
                year=t, detail=lever.name, unit_scale=MONEY_SCALE,
            )
    for source in cfg.funding.values():
        for t in m.years:
            row = {var: 1.0 for lever in source.funds if (var := m.vars.p.get((source.name, lever, t))) is not None}
            book.add(
                "funding_cap", row, "<=", source.per_year.at(t) * MONEY_SCALE,
                label=f"{source.name} funding", config_path=f"funding.{source.name}.per_year",
                year=t, detail=source.name, unit_scale=MONEY_SCALE,
            )
    if cfg.total_budget is not None:
        book.add(
            "total_budget", dict(total), "<=", cfg.total_budget * MONEY_SCALE,
            label="total budget over the horizon", config_path="total_budget", unit_scale=MONEY_SCALE,
        )
    return total


ALL = (
    trained_within_enrolled, three_no, teacher_hours, training_seats, conversion_stock,
    intake_cap, cohort_places, lever_limits, double_qualified_share, external_ratio, demand, targets,
)

BASELINE = (trained_within_enrolled, three_no, teacher_hours, training_seats, intake_cap, cohort_places, demand)
"""Constraints of the do-nothing baseline (docs/model.md: constraints 1–4, 6 and 10)."""
