"""Rows of the linear programme and what each one means to a planner.

Every constraint is added through :meth:`RowBook.add`, which records its
planner-facing description (:class:`RowInfo`): a name in planner words, the
config key that sets its limit, the institution and year. Results and
diagnoses read these to speak in config terms rather than solver terms.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import pulp

Sense = Literal["<=", ">=", "=="]
_PULP_SENSE = {"<=": pulp.LpConstraintLE, ">=": pulp.LpConstraintGE, "==": pulp.LpConstraintEQ}

ELASTIC_KINDS = frozenset(
    {
        "double_qualified_share", "external_ratio", "target", "funding_cap", "total_budget",
        "min_per_year", "max_per_year", "region_max_per_year", "max_total", "conversion_share",
        "demand", "intake_cap",
    }
)
"""Limits a planner sets and may relax; infeasibility is explained in terms of these."""


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
        """Where the limit applies, for messages: "at College in 2026" ("" if province-wide, whole horizon)."""
        parts = []
        if self.institution:
            parts.append(f"at {self.institution}")
        if self.year is not None:
            parts.append(f"in {self.year}")
        return " ".join(parts)


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
        """Row kinds that get slack when ``elastic`` (default :data:`ELASTIC_KINDS`)."""
        self.slacks: list[tuple[RowInfo, pulp.LpVariable, float]] = []

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
        """Add ``terms sense rhs`` (``rhs`` in solver units) and describe it."""
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
            # Relative relaxation: one unit of penalty per 100% of the limit.
            weight = 1.0 / max(abs(rhs), 1.0)
            if sense == "==":
                # An equality may need to move either way: one slack each.
                for suffix, coef in (("up", 1.0), ("down", -1.0)):
                    slack = pulp.LpVariable(f"slack_{info.id}_{suffix}", lowBound=0)
                    terms[slack] = coef
                    self.slacks.append((info, slack, weight))
            else:
                slack = pulp.LpVariable(f"slack_{info.id}", lowBound=0)
                terms[slack] = -1.0 if sense == "<=" else 1.0
                self.slacks.append((info, slack, weight))
        if not terms:
            # A limit no decision can move: either always met or never.
            ok = (rhs >= -1e-9) if sense == "<=" else (rhs <= 1e-9) if sense == ">=" else abs(rhs) <= 1e-9
            if not ok:
                info.static = True
                self.violated.append(info)
            return None
        constraint = pulp.LpConstraint(pulp.LpAffineExpression(terms), _PULP_SENSE[sense], info.id, rhs)
        self.problem.addConstraint(constraint, info.id)
        self.rows.append(info)
        self.constraints.append(constraint)
        return info
