"""Build the sensitivity report of a solved plan."""

from __future__ import annotations

from os import PathLike
from pathlib import Path

import numpy as np

from ..config.types import Config
from ..errors import SolverError
from ..i18n import N_, _
from ..results import Result
from .canonical import canonical_lp
from .ranging import DualFace, rank_columns, rank_rows
from .ranking import ranking_table
from .report import SensitivityReport
from .tables import constraint_table, decision_columns, variable_table

MILP_NOTE = N_(
    "integer plan: the report is for the LP with the integer decisions fixed at the plan's whole units; "
    "its shadow prices and ranges hold while those units stay as they are."
)
SAME_PRICE = 1e-6
"""Relative difference under which the report's shadow price and the solver's are the same."""


def sensitivity(
    source: Result | Config | str | Path,
    solver: str = "highs",
    scenario: str | None = None,
    *,
    integer: bool | None = None,
) -> SensitivityReport:
    """The sensitivity report of an optimal plan.

    ``source`` is a :class:`~optimiser.Result` of :func:`optimiser.solve`
    (then ``solver``, ``scenario`` and ``integer`` are ignored), or a config
    (a :class:`~optimiser.Config` or a path), which is solved first with
    ``solver``, ``scenario`` and ``integer``.

    Shadow prices, reduced costs and ranges are derived from one canonical
    optimum of the primary LP (see :mod:`optimiser.sensitivity.canonical`),
    so HiGHS and CBC give the same report; final values are the solver's, or the canonical optimal plan's
    when the plan returned is a steadier one that gave output up (``smooth`` a share).
    Raises :class:`~optimiser.SolverError` when the plan is not optimal.

    >>> from optimiser import load_config, solve
    >>> from optimiser.sensitivity import sensitivity
    >>> report = sensitivity(solve(load_config("tests/cases/small.yaml")))
    >>> sorted(report.to_dict())
    ['constraints', 'note', 'ranking', 'variables']
    """
    result = _result(source, solver, scenario, integer)
    if not result.ok:
        reasons = "".join(f"\n  - {d.message}" for d in result.diagnosis)
        raise SolverError(
            f"a sensitivity report needs an optimal plan, but the solve ended {result.status.value}{reasons}"
        )
    model, solution = result.model, result.solution
    lp = canonical_lp(model, solution.values)
    face = DualFace(lp)
    rows = rank_rows(lp, face)
    columns = decision_columns(model)
    cols = rank_columns(lp, face, np.array([c[0] for c in columns], dtype=int))
    # A steadier plan that gave output up is not an optimum: its final values beside the optimum's reduced costs
    # and prices would contradict them, so the report's final values are the canonical optimal plan's.
    steadier = not lp.mip and float(result.summary.get("output_given_up") or 0.0) > 0.0
    constraints = constraint_table(model, lp, rows, lp.activity if steadier else solution.activity)
    variables = variable_table(model, lp, columns, cols, lp.plan if steadier else solution.values)
    ranking = ranking_table(model, lp, rows, constraints["shadow_price"].to_numpy(dtype=float))
    notes = _notes(result, lp.mip, constraints["shadow_price"].to_numpy(dtype=float), lp.plan, columns)
    return SensitivityReport(
        constraints=constraints, variables=variables, ranking=ranking, note=" ".join(notes),
        objective=result.objective, mode=model.mode, solver=str(result.summary.get("solver", solver)),
        scenario=str(result.summary.get("scenario", "base")), name=model.config.name, notes=notes,
        kinds=tuple(info.kind for info in model.book.rows),
    )


def _result(source: Result | Config | str | Path, solver: str, scenario: str | None, integer: bool | None) -> Result:
    if isinstance(source, Result):
        return source
    from ..api import solve
    from ..config.load import as_config

    if not isinstance(source, (Config, str, PathLike)):
        raise TypeError(_("sensitivity takes the Result that solve(config) returns, a Config or the path of a config "
                          "file (str or Path), got {kind}").format(kind=type(source).__name__))
    config = as_config(source, argument="source", function="sensitivity")
    config = config.scenario(scenario) if scenario else config
    return solve(config, solver=solver, integer=integer)


def _notes(
    result: Result, mip: bool, prices: np.ndarray, plan: np.ndarray, columns: list[tuple[int, str, str, str, int, str]]
) -> list[str]:
    notes = [_(MILP_NOTE) if mip else ""]
    solver = result.summary.get("solver") or _("the solver")
    own = result.constraints["shadow_price"].to_numpy(dtype=float)
    differ = int(np.sum(np.abs(prices - own) > SAME_PRICE * np.maximum(1e-9, np.abs(own)) + 1e-12))
    if differ:
        notes.append(
            _("The LP is degenerate at {count} limit(s): several shadow prices are valid there, and the solve's "
              "constraints table quotes one optimal dual solution; this report quotes, for every limit, the rate "
              "for raising it. Both are the same whatever the solver.").format(count=differ)
        )
    pinned = int(np.isnan(prices).sum())
    if pinned:
        notes.append(
            _("{count} limit(s) cannot move either way while the fixed decisions stay as they are; "
              "they have no shadow price (left empty).").format(count=pinned)
        )
    levers = np.array([c[0] for c in columns if c[1]], dtype=int)
    if len(levers):
        gap = float(np.max(np.abs(plan[levers] - result.solution.values[levers])))
        share = result.summary.get("smoothing")
        # The solve counts no output given up within the tie-break's 1e-7 of the optimum (its round-off).
        given_up = float(result.summary.get("output_given_up") or 0.0)
        if gap > 1e-6 * max(1.0, float(np.max(np.abs(plan[levers])))) and share and share > 1e-6 and given_up > 0:
            # The plan returned is not an optimum: the smoothing stage gave output up for steadiness.
            notes.append(
                _("Final values, reduced costs and objective-coefficient ranges are those of the canonical optimal "
                  "plan. The plan returned by {solver} is the steadier one (smooth: {share}): it gives up {given} "
                  "weighted graduates and differs from the optimal plan by up to {gap} lever units; solve's tables "
                  "hold its values.").format(solver=solver, share=f"{share:g}", given=f"{given_up:,.2f}",
                                             gap=f"{gap:.3g}")
            )
        elif gap > 1e-6 * max(1.0, float(np.max(np.abs(plan[levers])))):
            notes.append(
                _("Reduced costs and objective-coefficient ranges refer to the canonical optimal plan, which the "
                  "{solver} plan matches to within {gap} lever units (its tie-break tolerance or another optimal "
                  "plan).").format(solver=solver, gap=f"{gap:.3g}")
            )
    return [n for n in notes if n]
