"""Rows of the linear programme and what each one means to a planner.

Every constraint is added through :meth:`RowBook.add`, which records its
planner-facing description (:class:`RowInfo`): a name in planner words, the
config key that sets its limit, the institution and year. Results and
diagnoses read these to speak in config terms rather than solver terms.

Each kind of row is declared once, in :data:`ROW_KINDS`: whether a plan may break it, whether it is
money, whether planners see it as their limit, how the sensitivity ranking steps it, the unit of its
shadow price and how ``evaluate`` words a breach. The sets below and the tables of the reports, the
ranking and ``evaluate`` are read from it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pulp

from ..i18n import N_, _, where
from ..i18n.words import COURSE_NO, PRICE_WORDS, course_name, group_name
from .formulation import MONEY_SCALE, column

Sense = Literal["<=", ">=", "=="]
_PULP_SENSE = {"<=": pulp.LpConstraintLE, ">=": pulp.LpConstraintGE, "==": pulp.LpConstraintEQ}

@dataclass(frozen=True)
class RowKind:
    """What one kind of row is to the planner, the breach rules and the reports: the one declaration of a kind.

    ``elastic``: a limit the planner sets and a plan may break (it gets a slack in an elastic solve, and
    infeasibility is explained in its terms); ``fixed_plan_breach``: only a fixed plan may break it
    (evaluation, fixed-plan Monte Carlo). ``money_limit``: a limit in money whose shadow price is what the
    next yuan buys; ``in_yuan``: a breach of it is money overspent. ``planner_limit``: reports list every
    binding one first, in the order of :data:`ROW_KINDS`. ``group`` and ``step``: its rank group in the
    sensitivity ranking (lower first) and the key of its step there (``None``: not ranked). ``price_unit``:
    the key in :data:`~optimiser.i18n.words.PRICE_WORDS` of its shadow price's unit (``""``: "per unit").
    ``describe``: how ``evaluate`` words a breach of it (a key of :func:`optimiser.evaluate.describe`).
    ``label``: the name of one of its rows as a planner reads it (a message; ``{detail}`` is the row's
    detail, ``{no}`` the "no" a course type's hours stand for), see :func:`row_label`. ``baseline``: the
    do-nothing baseline keeps it. ``exact_rate``: a limit a planner sets (or the money no source may pay)
    whose province-wide rows get the exact rate for an increase even at a degenerate optimum.
    ``least_breach``: the smallest breach of it a planner could act on, in its planner unit (a yuan of money,
    an hour of teaching, a hundredth of a teacher, place, student, graduate or lever unit); a smaller one is
    solver round-off and is not reported (:func:`breached`).
    """

    name: str
    label: str
    elastic: bool = False
    fixed_plan_breach: bool = False
    money_limit: bool = False
    in_yuan: bool = False
    planner_limit: bool = False
    group: int | None = None
    step: str | None = None
    price_unit: str = ""
    describe: str = "generic"
    baseline: bool = False
    exact_rate: bool = False
    least_breach: float = 0.01

    def __post_init__(self) -> None:
        if (self.group is None) != (self.step is None):
            raise ValueError(f"row kind {self.name}: a ranked kind needs both a group and a step")
        if self.least_breach <= 0:
            raise ValueError(f"row kind {self.name}: least_breach must be positive")
        if self.price_unit and self.price_unit not in PRICE_WORDS:
            raise ValueError(f"row kind {self.name}: no price unit {self.price_unit!r} in PRICE_WORDS")


def _limit(name: str, label: str, group: int, step: str, **more: Any) -> RowKind:
    """A limit a planner sets and a plan may break, listed among the planner's limits and ranked."""
    return RowKind(name, label, elastic=True, planner_limit=True, group=group, step=step, exact_rate=True, **more)


ROW_KINDS: dict[str, RowKind] = {kind.name: kind for kind in (
    # The planner's limits, in the order reports list them when binding.
    _limit("funding_cap", N_("{detail} funding"), 0, "funding", money_limit=True, in_yuan=True,
           price_unit="million_yuan", describe="money", least_breach=1.0),
    _limit("total_budget", N_("total budget over the horizon"), 0, "budget", money_limit=True, in_yuan=True,
           price_unit="million_yuan", describe="money", least_breach=1.0),
    _limit("target", N_("target for {detail} graduates"), 1, "target", price_unit="graduate", describe="target"),
    _limit("demand", N_("demand for {detail} graduates"), 1, "demand", price_unit="graduate", describe="demand",
           baseline=True),
    _limit("double_qualified_share", N_("double-qualified teachers (policy floor)"), 2, "share",
           price_unit="teacher", describe="double_qualified"),
    _limit("external_ratio", N_("external teachers (policy ceiling)"), 2, "share", price_unit="teacher",
           describe="external"),
    _limit("min_per_year", N_("minimum {detail} per year"), 3, "min_per_year", describe="lever_min"),
    _limit("max_per_year", N_("maximum {detail} per year"), 3, "max_per_year", describe="lever_max"),
    # Its units are teachers seconded or retrained (a convert lever's unit is a teacher).
    _limit("conversion_share", N_("{detail} per year (share of in-house teachers)"), 3, "conversion_share",
           price_unit="teacher", describe="lever_max"),
    _limit("region_max_per_year", N_("regional maximum of {detail} per year"), 3, "region_max",
           describe="lever_max"),
    _limit("max_total", N_("total {detail} over the horizon"), 3, "max_total", describe="lever_max"),
    _limit("intake_cap", N_("room for extra {detail} intake"), 4, "intake_cap", price_unit="student",
           describe="intake", baseline=True),
    RowKind("cohort_places", N_("subsidised {detail} places within the cohort"), elastic=True, baseline=True,
            exact_rate=True, describe="cohort"),
    # Money no funding source may pay: only a fixed plan may leave some.
    RowKind("funding_balance", N_("money for {detail}"), fixed_plan_breach=True, in_yuan=True, describe="unfunded",
            exact_rate=True, least_breach=1.0),
    # The capacities of the province.
    RowKind("enrolment", N_("students enrolled in {detail}"), group=4, step="enrolment", price_unit="student",
            baseline=True),
    *(RowKind(f"no_{course}", N_("{detail} teaching hours ({no})"), price_unit="teaching_hour", baseline=True)
      for course in COURSE_NO),
    RowKind("teacher_hours", N_("teaching hours of {detail} teachers"), fixed_plan_breach=True, group=4,
            step="teacher_hours", price_unit="teaching_hour", describe="teacher_hours", baseline=True,
            least_breach=1.0),
    RowKind("training_seats", N_("training-seat hours"), group=4, step="training_seats", price_unit="seat_hour",
            baseline=True),
    RowKind("conversion_stock", N_("{detail} teachers available to convert"), fixed_plan_breach=True, group=4,
            step="convertible", price_unit="teacher", describe="conversion_stock"),
)}
"""Every kind of row the model builds (the ``kind`` of :meth:`RowBook.add`), declared once; the tables
below, the reports' order of limits, the sensitivity ranking and ``evaluate``'s messages read it."""

ELASTIC_KINDS = frozenset(kind.name for kind in ROW_KINDS.values() if kind.elastic)
"""Limits a planner sets and may relax; infeasibility is explained in terms of these."""

EXACT_RATE_KINDS = frozenset(kind.name for kind in ROW_KINDS.values() if kind.exact_rate)
"""Limits a planner sets and the money no source may pay. Those that apply province-wide (funding, the total
budget, targets, demand, regional lever limits; one row per year at most) get the exact rate for an increase
even at a degenerate optimum."""

BASELINE_KINDS = frozenset(kind.name for kind in ROW_KINDS.values() if kind.baseline)
"""The row kinds the do-nothing baseline's constraints add (:data:`optimiser.model.constraints.BASELINE`)."""

PLAN_BREACH_KINDS = ELASTIC_KINDS | {kind.name for kind in ROW_KINDS.values() if kind.fixed_plan_breach}
"""Limits a fixed plan may break (evaluation, fixed-plan Monte Carlo): the planner's limits, the
teachers a secondment draws on, the hours a group has left (only as far as over-seconding forces,
see :func:`slack_bounds`) and the money no funding source may pay."""

MONEY_LIMITS = frozenset(kind.name for kind in ROW_KINDS.values() if kind.money_limit)
"""The planner's limits in money: a funding source's cap and the total budget (their shadow price is
what the next yuan buys)."""

MONEY_KINDS = frozenset(kind.name for kind in ROW_KINDS.values() if kind.in_yuan)
"""Breaches of these are overspending, in yuan: the money limits and the money no source may pay."""

PLANNER_LIMITS = tuple(kind.name for kind in ROW_KINDS.values() if kind.planner_limit)
"""Limits a planner sets (funding, total budget, policies, targets, demand, lever limits): reports list every
binding one, first and in this order."""

UNSETTLED_KINDS = frozenset({"target", "demand", "teacher_hours", "training_seats"})
"""Row kinds whose activity the plan's units and money do not settle, besides each "no" (``no_*``): graduates,
and which teachers and seats teach whom. Two solvers may spread teaching differently over the same plan, so
a slack in these rows is no sign of room the plan leaves (:func:`settled_by_plan`)."""


def settled_by_plan(kind: str) -> bool:
    """Whether a row's activity follows from the plan's units and money alone (see :data:`UNSETTLED_KINDS`)."""
    return kind not in UNSETTLED_KINDS and not kind.startswith("no_")


PRICE_UNITS: dict[str, str] = {
    kind.name: PRICE_WORDS[kind.price_unit] for kind in ROW_KINDS.values() if kind.price_unit
}
"""The unit a binding limit's shadow price is quoted in (a message to translate), keyed by row kind; others
take :data:`~optimiser.i18n.words.PER_UNIT`."""

UNFUNDED_WEIGHT = 2.0
"""Penalty per thousand yuan no funding source may pay: dearer than breaching any source's cap or
the total budget (at most 1 per thousand yuan), so such money is the last resort."""

BREACH_TOLERANCE = 1e-6
"""A slack counts as a breach above this share of its limit (at least of one solver unit), and only from the
kind's ``least_breach`` up (:func:`breached`)."""


def breached(kinds: Sequence[str], amounts: Any, limits: Any) -> np.ndarray:
    """Which slacks are a breach a planner could act on: the one rule of the diagnosis, ``evaluate`` and Monte Carlo.

    ``amounts`` and ``limits`` are in solver units (money in thousands of yuan). A slack is a breach when it is
    above :data:`BREACH_TOLERANCE` of its limit (or of one solver unit) and at least its kind's
    ``least_breach`` (:class:`RowKind`: a yuan, an hour, a hundredth of a teacher, place or graduate); below
    that it is the solver's round-off, which no planner could act on.
    """
    amounts = np.asarray(amounts, dtype=float)
    limits = np.asarray(limits, dtype=float)
    least = np.array([_LEAST_BREACH[k] for k in kinds], dtype=float)
    return (amounts > BREACH_TOLERANCE * np.maximum(1.0, np.abs(limits))) & (amounts >= least - 1e-12)


_LEAST_BREACH = {name: kind.least_breach * (MONEY_SCALE if kind.in_yuan else 1.0) for name, kind in ROW_KINDS.items()}
"""Each kind's ``least_breach`` in solver units (money in thousands of yuan), for :func:`breached`."""


def breach_weights(kinds: Sequence[str], limits: Any) -> np.ndarray:
    """Penalty per solver unit of breach of each limit: the one weight rule of every elastic solve.

    A breach costs its share of the limit (one unit of penalty per 100% of
    ``|limit|``, limits below one counted as one), so limits of different
    units compare; money no source may pay costs :data:`UNFUNDED_WEIGHT`.
    ``limits`` are right-hand sides in solver units (money in thousands of yuan).
    """
    limits = np.abs(np.asarray(limits, dtype=float))
    unfunded = np.array([kind == "funding_balance" for kind in kinds], dtype=bool)
    return np.where(unfunded, UNFUNDED_WEIGHT, 1.0 / np.maximum(limits, 1.0))


def slack_bounds(kinds: Sequence[str], limits: Any, fixed_activity: Any) -> np.ndarray:
    """Upper bound of each slack: infinite, except where a breach may only be as large as the plan forces.

    A group's teaching hours (``teacher_hours``: hours taught <= hours it
    has) may go below zero only as far as seconding more teachers than the
    group has forces; ``fixed_activity`` is the row's activity from fixed
    columns (the plan's units), so the slack covers exactly that shortfall
    and never buys phantom teaching hours.
    """
    limits = np.asarray(limits, dtype=float)
    forced = np.maximum(0.0, np.asarray(fixed_activity, dtype=float) - limits)
    hours = np.array([kind == "teacher_hours" for kind in kinds], dtype=bool)
    return np.where(hours, forced, np.inf)


SLACK_SIGN = {"<=": -1.0, ">=": 1.0, "==": 1.0}
"""Coefficient of a row's slack: it lowers a ``<=`` row's left side and raises the others'. An
equality (money paid == a lever's cost) gets one slack: the money no source pays."""


@dataclass(frozen=True)
class Breaches:
    """What the slacks of an elastic solve say.

    ``status`` is ``optimal`` (no breach), ``over_budget`` (only money
    breached) or ``violates``; ``kinds`` the kinds of limit breached;
    ``overspend`` the yuan the plan spends beyond what its sources or the
    total budget allow; ``unfunded`` the yuan no source may pay.
    """

    status: str
    kinds: tuple[str, ...]
    overspend: float
    unfunded: float


def judge_breaches(
    rows: Sequence[tuple[Any, ...]],
    amounts: Any,
    limits: Any,
    static_kinds: Iterable[str] = (),
) -> Breaches:
    """Decide a fixed plan's status from its breach amounts: the one rule for evaluate and Monte Carlo.

    ``rows`` are the elastic rows as ``(kind, institution, year, detail, ...)``,
    ``amounts`` their slack values and ``limits`` their right-hand sides (solver
    units); ``static_kinds`` kinds of limits no decision can meet. Negative
    teaching hours of a group that follow from seconding more of its teachers
    than it has are not a breach of their own.
    """
    amounts = np.maximum(np.asarray(amounts, dtype=float), 0.0)
    row_kinds = [row[0] for row in rows]
    flags = breached(row_kinds, amounts, limits).tolist()
    hit = [row for row, flag in zip(rows, flags) if flag]
    seconded = {tuple(row[1:4]) for row in hit if row[0] == "conversion_stock"}
    kinds = set(static_kinds) | {
        row[0] for row in hit if not (row[0] == "teacher_hours" and tuple(row[1:4]) in seconded)
    }
    sums: dict[str, Any] = {}
    for kind, amount in zip(row_kinds, amounts.tolist()):
        if kind in MONEY_KINDS:
            sums[kind] = sums.get(kind, 0) + amount

    def total(kind: str) -> float:
        return float(sums.get(kind, 0)) / MONEY_SCALE

    unfunded = total("funding_balance")
    overspend = max(total("funding_cap") + unfunded, total("total_budget")) if kinds & MONEY_KINDS else 0.0
    if not kinds:
        status = "optimal"
    elif kinds <= MONEY_KINDS:
        status = "over_budget"
    else:
        status = "violates"
    return Breaches(status, tuple(sorted(kinds)), overspend, unfunded)


def kind_label(kind: str, detail: Any = None) -> str:
    """The name of a row of kind ``kind`` with ``detail`` (a tier, course type, teacher group, lever or funding
    source; ``None``, ``""`` or a missing value when it has none) in the current language.

    In English it is the row's own ``label`` (:class:`RowInfo`), as the CSV and JSON name it; in Chinese the
    kind's label with the detail put in. Text renders names through it; tables and keys keep ``label``.
    """
    detail = detail if isinstance(detail, str) else ""
    no = _(COURSE_NO[detail]) if detail in COURSE_NO else ""
    return _(ROW_KINDS[kind].label).format(detail=_detail_words(kind, detail), no=no)


GROUP_DETAIL_KINDS = frozenset({"teacher_hours", "conversion_stock"})
"""Row kinds whose detail is a teacher group."""


def _detail_words(kind: str, detail: str) -> str:
    """A course type or teacher group in a row's name, in the current language (English: the key itself)."""
    if kind.startswith("no_"):
        return course_name(detail)
    return group_name(detail) if kind in GROUP_DETAIL_KINDS else detail


def row_label(info: RowInfo) -> str:
    """:func:`kind_label` of the row ``info``."""
    return kind_label(info.kind, info.detail)


@dataclass
class RowInfo:
    """A constraint as a planner reads it.

    ``limit`` is the right-hand side in planner units (yuan, teachers,
    graduates, hours); ``unit_scale`` converts a solver dual into a shadow
    price per planner unit (money rows are held in thousands of yuan).
    """

    id: str
    kind: str
    label: str
    config_path: str
    sense: Sense
    limit: float
    unit_scale: float = 1.0
    institution: str | None = None
    year: int | None = None
    detail: str | None = None
    static: bool = False

    @property
    def where(self) -> str:
        """Where the limit applies, for messages: "at College in 2026" ("" if province-wide, whole horizon),
        in the current language (:func:`optimiser.i18n.where`)."""
        return where(self.institution, self.year)


class RowBook:
    """Adds rows to a PuLP problem and keeps their :class:`RowInfo`."""

    def __init__(
        self, problem: pulp.LpProblem, elastic: bool = False, elastic_kinds: Iterable[str] | None = None
    ) -> None:
        self.problem = problem
        self.rows: list[RowInfo] = []
        self.constraints: list[pulp.LpConstraint] = []
        self.violated: list[RowInfo] = []
        self.elastic = elastic
        self.elastic_kinds = ELASTIC_KINDS if elastic_kinds is None else frozenset(elastic_kinds)
        """Row kinds that get slack when ``elastic`` (default :data:`ELASTIC_KINDS`): one slack column
        per row, signed by :data:`SLACK_SIGN`, weighted by :func:`breach_weights` and bounded by
        :func:`slack_bounds`."""
        self.slacks: list[tuple[RowInfo, pulp.LpVariable, float]] = []
        self._unsettled: list[tuple[float, float]] = []
        """The right-hand side and fixed activity of each slack's row not yet weighed (see :meth:`settle_slacks`)."""

    def settle_slacks(self) -> None:
        """Give the slacks added since the last call their weights and upper bounds, all at once.

        :func:`breach_weights` and :func:`slack_bounds` over every new slack
        together: the same numbers as one call per row, in a fraction of the
        time (a call per row cost a quarter of an elastic model's build).
        """
        if not self._unsettled:
            return
        first = len(self.slacks) - len(self._unsettled)
        limits, fixed = np.array(self._unsettled, dtype=float).T
        kinds = [info.kind for info, _, _ in self.slacks[first:]]
        weights, bounds = breach_weights(kinds, limits), slack_bounds(kinds, limits, fixed)
        for n, (weight, bound) in enumerate(zip(weights.tolist(), bounds.tolist())):
            info, slack, _ = self.slacks[first + n]
            if math.isfinite(bound):
                slack.upBound = bound
            self.slacks[first + n] = (info, slack, weight)
        self._unsettled.clear()

    def add(
        self,
        kind: str,
        terms: dict[pulp.LpVariable, float],
        sense: Sense,
        rhs: float,
        *,
        label: str,
        config_path: str,
        institution: str | None = None,
        year: int | None = None,
        detail: str | None = None,
        unit_scale: float = 1.0,
    ) -> RowInfo | None:
        """Add ``terms sense rhs`` (``rhs`` in solver units) and describe it; ``kind`` is one of :data:`ROW_KINDS`."""
        if kind not in ROW_KINDS:
            raise ValueError(f"row kind {kind!r} is not declared in ROW_KINDS (optimiser/model/rows.py)")
        info = RowInfo(
            id=f"r{len(self.rows) + len(self.violated)}",
            kind=kind,
            label=label,
            config_path=config_path,
            sense=sense,
            limit=rhs / unit_scale,
            unit_scale=unit_scale,
            institution=institution,
            year=year,
            detail=detail,
        )
        terms = {var: coef for var, coef in terms.items() if coef != 0.0}
        if self.elastic and kind in self.elastic_kinds:
            self._add_slack(info, terms, rhs)
        if not terms:
            # A limit no decision can move: either always met or never.
            if not _always_met(sense, rhs):
                info.static = True
                self.violated.append(info)
            return None
        constraint = pulp.LpConstraint(pulp.LpAffineExpression(terms), _PULP_SENSE[sense], info.id, rhs)
        self.problem.addConstraint(constraint, info.id)
        self.rows.append(info)
        self.constraints.append(constraint)
        return info

    def _add_slack(self, info: RowInfo, terms: dict[pulp.LpVariable, float], rhs: float) -> None:
        """Give the row ``info`` (its ``terms``, amended in place; ``rhs`` in solver units) a slack column
        that lets it be breached."""
        kind, sense = info.kind, info.sense
        fixed = sum(
            coef * var.lowBound for var, coef in terms.items()
            if var.lowBound is not None and var.lowBound == var.upBound
        )
        slack = column(f"slack_{info.id}")
        terms[slack] = SLACK_SIGN[sense]
        self.slacks.append((info, slack, math.nan))  # weighed and bounded by settle_slacks
        self._unsettled.append((rhs, fixed))
        if kind == "total_budget":
            # Money no source may pay is still spent: it counts against the total budget.
            for other, unfunded, _ in self.slacks:
                if other.kind == "funding_balance":
                    terms[unfunded] = 1.0


def _always_met(sense: Sense, rhs: float) -> bool:
    """Whether ``0 sense rhs`` holds (to round-off): a row with no terms left is then no limit at all."""
    if sense == "<=":
        return rhs >= -1e-9
    if sense == ">=":
        return rhs <= 1e-9
    return abs(rhs) <= 1e-9
