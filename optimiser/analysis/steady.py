"""The smoothing stage kept loaded beside a warm engine's programme, for searches that solve many plans in one session.

:func:`optimiser.solve` ends with the smoothing stage (``objective.smooth``):
the steadiest plan within the limits of :func:`~optimiser.solve.engine.smoothing_limits`.
The frontier and Pareto analyses solve many plans in one HiGHS session, one
after the other, each from the last. :class:`SteadyStage` adds the stage's
rows and columns (:func:`~optimiser.solve.matrix.smoothing_block`) to that
session once: at no cost the change columns take whatever the plan's
year-to-year change is, so the earlier stages of every plan solve as before,
warm; the smoothing stage of each plan is then only a new objective and new
limits on rows already loaded.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..solve.highs import DUAL_SIMPLEX, PRIMAL_SIMPLEX
from ..solve.matrix import smoothing_block
from ..solve.status import Status
from .fast import WarmEngine


class SteadyStage:
    """The smoothing stage of ``lean``'s programme, added to its session until :meth:`close`.

    ``share`` is the config's smoothing share (``None``: the config runs no
    smoothing stage, and nothing is added). Earlier stages run with
    :meth:`run`; the stage itself with :meth:`steadiest`, after the caller
    has set the output floors it keeps.
    """

    def __init__(self, lean: WarmEngine) -> None:
        self.lean = lean
        form = lean.form
        changes = form.changes
        self.share = form.smooth if changes is not None and changes.shape[0] else None
        session = lean.session
        self.n_cols = lean.n_cols
        self.first_row = session.n_rows
        self.first_col = session.n_cols
        self.cap_row = -1
        self.costs = np.zeros(0)
        self._basis: Any = None
        self._in_stage = False
        self._solved = False
        if self.share is None:
            return
        assert changes is not None
        m = changes.shape[0]
        rows, self.costs = smoothing_block(form, session.n_cols)
        session.add_columns(2 * m)
        session.add_rows(np.zeros(m), np.zeros(m), rows.indptr[:-1], rows.indices, rows.data)
        # The cost the plan may not exceed (the tie-break's cheapest, plus its tolerance): free until the stage.
        self.cap_row = session.add_row(-math.inf, math.inf, lean.cost)
        self._zero = np.zeros(2 * m)
        self._extra = np.arange(self.first_col, self.first_col + 2 * m, dtype=np.int32)

    def run(self, costs: np.ndarray, sense: str) -> Status:
        """An earlier stage: optimise ``costs`` (over the programme's columns; the change columns cost nothing)."""
        self._leave()
        return self.lean.run(costs, sense)

    def values(self) -> np.ndarray:
        """The plan of the last solve, over the programme's columns."""
        return self.lean.session.values()[: self.n_cols]

    def steadiest(self, cost_limit: tuple[float, float]) -> np.ndarray | None:
        """The least priced year-to-year change with total cost within ``cost_limit`` (solver units).

        The floors on output are the caller's (rows it set before). The first
        plan starts from the plan of the last solve, which meets every limit
        (primal simplex), as :func:`optimiser.solve` does; each later one from
        the steadiest plan before (dual simplex), which is optimal for the
        same objective at other limits. Where several plans are exactly as
        steady (same priced change, same tie-settling weight), which one is
        returned depends on that path, as between HiGHS and CBC. Solves again
        from scratch if a start fails; ``None`` when no plan was found (the
        caller keeps the one before). The stage's objective and cost limit
        stay until the next :meth:`run`, so stages solved one after another
        change only limits.
        """
        session = self.lean.session
        session.set_row_bounds(self.cap_row, *cost_limit)
        if not self._in_stage:
            self._in_stage = True
            session.set_costs(self.costs, "min")
            if self._basis is not None:
                # Measured on the 119 breakpoints of configs/zhejiang.yaml's government-money
                # frontier: about 8 times faster than primal simplex from each cheapest plan.
                session.set_basis(self._basis)
            else:
                session.set_option("simplex_strategy", PRIMAL_SIMPLEX)
        try:
            status = session.run()
            if status in (Status.UNBOUNDED, Status.INFEASIBLE, Status.NOT_SOLVED):
                session.clear()
                session.set_option("simplex_strategy", DUAL_SIMPLEX)
                status = session.run()
        finally:
            session.set_option("simplex_strategy", DUAL_SIMPLEX)
        self._solved = status is Status.OPTIMAL
        return self.values() if self._solved else None

    def _leave(self) -> None:
        """Back to the earlier stages: the cost row free, the change columns at no cost."""
        if self._in_stage:
            self._in_stage = False
            session = self.lean.session
            self._basis = session.basis() if self._solved else None
            session.set_row_bounds(self.cap_row, -math.inf, math.inf)
            session.set_costs(self._zero, cols=self._extra)

    def close(self) -> None:
        """Remove the stage's rows and columns: the session holds the programme as before."""
        if self.share is None:
            return
        self._leave()
        session = self.lean.session
        session.delete_rows(np.arange(self.first_row, session.n_rows))
        session.delete_cols(np.arange(self.first_col, session.n_cols))
