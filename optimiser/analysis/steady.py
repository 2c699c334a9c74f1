"""The smoothing stage of many plans solved one after another in one session.

:func:`optimiser.solve` ends with the smoothing stage (``objective.smooth``):
the steadiest plan within the limits of :func:`~optimiser.solve.engine.smoothing_limits`.
The frontier and Pareto analyses find many plans in one HiGHS session, the
cheapest plan at each budget or level. :class:`SteadyStage` then adds the
stage's rows and columns (:func:`~optimiser.solve.matrix.smoothing_block`)
to that session once and solves the stage for each plan in turn: the first
from its cheapest plan, as :func:`optimiser.solve` starts it, each later one
from the steadiest plan before, changing only limits.
"""

from __future__ import annotations

import numpy as np

from ..solve.backends import afresh_by_interior_point
from ..solve.highs import DUAL_SIMPLEX, PRIMAL_SIMPLEX
from ..solve.status import Status
from .fast import WarmEngine


def smoothing_share(lean: WarmEngine) -> float | None:
    """The share of output the smoothing stage of ``lean``'s config may give up; ``None`` when it runs none."""
    return lean.form.smooth if lean.form.smooths else None


class SteadyStage:
    """The smoothing stage of ``lean``'s programme, added to its session until :meth:`close`.

    ``share`` is the config's smoothing share (``None``: the config runs no
    smoothing stage, and nothing is added). ``start`` is the first plan to
    smooth, the cheapest plan the session's basis holds now. The stage is
    then solved with :meth:`steadiest`, for each plan in turn, after the
    caller has set the output floors it keeps.
    """

    def __init__(self, lean: WarmEngine, start: np.ndarray) -> None:
        self.lean = lean
        form = lean.form
        self.share = smoothing_share(lean)
        session = lean.session
        self.n_cols = lean.n_cols
        self.first_row = session.n_rows
        self.first_col = session.n_cols
        self.cap_row = -1
        self.first = True
        self.afresh = False
        if self.share is None:
            return
        first, self.cap_row, costs = lean.add_smoothing(form, lean.cost)
        session.set_costs(costs, "min")
        # The first plan continues from ``start`` (primal simplex) where solve would; else from scratch.
        self.first = lean.start_smoothing(form, start, first)
        # A very large programme's first plan from scratch goes by interior point, as solve's does.
        self.afresh = not self.first and afresh_by_interior_point(session.n_cols)

    def steadiest(self, cost_limit: tuple[float, float]) -> np.ndarray | None:
        """The least priced year-to-year change with total cost within ``cost_limit`` (solver units).

        The floors on output are the caller's (rows it set before). The first
        plan starts from ``start`` (primal simplex), as :func:`optimiser.solve`
        does; each later one from the steadiest plan before (dual simplex),
        which is optimal for the same objective at other limits (measured on
        the 119 breakpoints of ``configs/zhejiang.yaml``'s government-money
        frontier: about 8 times faster than primal simplex from each cheapest
        plan). Where several plans are exactly as steady (same priced change,
        same tie-settling weight), which one is returned depends on that
        path, as between HiGHS and CBC. Solves again from scratch if a start
        fails; ``None`` when no plan was found (the caller keeps the one before).
        """
        session = self.lean.session
        session.set_row_bounds(self.cap_row, *cost_limit)
        session.set_option("simplex_strategy", PRIMAL_SIMPLEX if self.first else DUAL_SIMPLEX)
        self.first = False
        try:
            status = session.run_interior_point() if self.afresh else session.run()
            self.afresh = False
            if status in (Status.UNBOUNDED, Status.INFEASIBLE, Status.NOT_SOLVED):
                session.clear()
                session.set_option("simplex_strategy", DUAL_SIMPLEX)
                status = session.run()
        finally:
            session.set_option("simplex_strategy", DUAL_SIMPLEX)
        return session.values()[: self.n_cols] if status is Status.OPTIMAL else None

    def close(self) -> None:
        """Remove the stage's rows and columns: the session holds the programme as before."""
        if self.share is None:
            return
        session = self.lean.session
        session.delete_rows(np.arange(self.first_row, session.n_rows))
        session.delete_cols(np.arange(self.first_col, session.n_cols))
