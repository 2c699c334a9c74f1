"""Solver back ends: HiGHS (default) and CBC, behind one small interface.

Both take the PuLP problem built by :mod:`optimiser.model`. HiGHS receives it
in one bulk call (column-wise sparse arrays) and keeps its basis between the
main solve and the tie-break, so the second solve starts where the first
ended; CBC is driven through PuLP's own ``PULP_CBC_CMD``.

Whatever the back end, duals are returned as "change in the solver objective
per unit increase of the row's right-hand side" and reduced costs as "change
in the objective per unit increase of the variable"; callers convert units.
"""

from __future__ import annotations

import re
from typing import Any, Literal, Protocol

import numpy as np
import pulp

from ..errors import SolverError
from ..model import Model, collector_paused
from ..model.formulation import Terms
from .highs import DUAL_SIMPLEX, PRIMAL_SIMPLEX, Session, check_options
from .matrix import MatrixForm, dense, matrix_form, smoothing_ties
from .names import SOLVERS as SOLVERS  # re-exported: the solvers offered
from .progress import Progress
from .quiet import quiet_stdout
from .status import Status

Sense = Literal["max", "min"]

IPM_COLUMNS: int | None = None
"""An LP with at least this many columns has its main solve by interior point with crossover; None: never.

HiGHS alone, on main-stage programmes of generated national configs written
out and solved from scratch (``benchmarks/hard.py``, CPU seconds), favoured
interior point only at the largest size: 14,950 columns (100 institutions)
simplex 0.71 s, interior point 2.1 s; 43,170 (300) 4.9 s against 12.4 s;
117,930 (1,000) 141 s against 28.5 s with crossover (simplex with
``parallel=on threads=2`` did not help). Inside the optimiser, with the
programme as it is built now, the main stage at 1,000 institutions (143,530
columns) took simplex 32.7 s and interior point with crossover 95.3 s and
97.8 s (CPU seconds, one machine, same objective). No size measured in the
optimiser favours interior point, so the choice by size is off; a column count
here turns it on once a measurement supports one. Crossover leaves a basis, so
the tie-break, smoothing and shadow-price stages continue from it by simplex.
"""
AFRESH_IPM_COLUMNS: int | None = 50_000
"""An LP stage solved from scratch (:meth:`HighsBackend.solve_afresh`) with at least this many columns goes by interior point.

The smoothing stage of a large programme starts from scratch (see
:data:`~optimiser.solve.engine.WARM_SMOOTHING_COLUMNS`). Measured by HiGHS
alone on that stage's programme written out from generated national configs
(``benchmarks/hard.py``, 2 cores, wall seconds): 26,290 columns (100
institutions) dual simplex 10.8 s, interior point with crossover 11.8 s;
76,974 (300) dual simplex 54.9 s, interior point 41.3 s (33.9 s with
``threads=2``), of which crossover 2.3 s. With ``smooth: true`` (a share of
1e-7) instead of the generated configs' 0.01, the stage at 300 institutions
took 370 s by dual simplex (72,700 pivots) and 85 s by interior point with
crossover.

At 1,000 institutions with ``smooth: true`` (257,128 columns, 253,092 rows
before presolve) interior point does not finish: IPX stops with "no
progress" after 88 iterations (208 s; the first iteration alone 31 s,
then about 2 s each, the relative gap stuck at 2e-2) and HiGHS cleans up
by dual simplex from scratch, 772 s for the stage in all. Tried on that
programme written out, each ending the same way: the tie-settling weights
left out (no progress after 800 s), ``user_bound_scale=-4`` (after 100
iterations), ``user_cost_scale=6``; the output and cost limit rows scaled
down by 1e-4 (HiGHS's own scaling undoes it). Inside the optimiser, primal
simplex continued from the tie-break's plan (as below
:data:`~optimiser.solve.engine.WARM_SMOOTHING_COLUMNS`) took 854 s. At 300
institutions (76,974 columns) IPX converges in 106 iterations (19.4 s);
there, bounding each column by what its reduced costs in the main and
tie-break solves allow within the stage's limits (exact, 14,255 and 14,265
columns) made it 97 s, and ``presolve=off`` 166 s. Left alone: running
dual simplex beside interior point on the second core and keeping the
first to finish would save the 208 s at 1,000 institutions, but it would
hold a second copy of the programme (some 400 MB), and the plan returned
would depend on which method happened to finish first, wherever the stage
has optimal plans equal within the solvers' tolerances.

HiGHS's newer interior point solver, HiPO (``solver=hipo``, in ``highspy-extras``
1.15.1, which ``highspy`` 1.16.0 refuses; measured with both at 1.15.1), was
slower on the stage at 300 institutions: 26 s of interior point that ended
without progress, then 42,400 dual simplex pivots, 58 s in all, against 33 s
for IPX with crossover.

Parallel dual simplex (``simplex_strategy=2``, ``simplex_max_concurrency=2``
on 2 cores) took the same pivots in less time on the stage's programme at
100 institutions (2.80 s against 1.90 s for the national shape of
``benchmarks/v2_overhead.py``, 4.21 s against 2.95 s for the heterogeneous
one) but is not used: HiGHS's authors describe it as less robust than the
serial dual simplex, and it has been reported to stall on large programmes;
a stage that hangs costs a planner more than a third of its time saves.
"""


def afresh_by_interior_point(n_cols: int) -> bool:
    """Whether an LP stage of ``n_cols`` columns solved from scratch goes by interior point (:data:`AFRESH_IPM_COLUMNS`)."""
    return AFRESH_IPM_COLUMNS is not None and n_cols >= AFRESH_IPM_COLUMNS


SIMPLEX = "simplex"
INTERIOR_POINT = "interior point"
BRANCH_AND_CUT = "branch and cut"
_HIGHS_METHODS = {
    "simplex": SIMPLEX, "choose": SIMPLEX, "ipm": INTERIOR_POINT, "ipx": INTERIOR_POINT, "hipo": INTERIOR_POINT,
    "pdlp": "first-order (PDLP)",
}
"""The method each value of HiGHS's ``solver`` option uses for an LP (``choose`` takes simplex)."""


class Backend(Protocol):
    name: str
    main_method: str
    main_by_size: bool

    def solve(self, objective: Terms, sense: Sense) -> Status: ...
    def solve_main(self, objective: Terms, sense: Sense) -> Status: ...
    def solve_afresh(self, objective: Terms, sense: Sense) -> Status: ...
    def solve_costs(self, costs: np.ndarray, sense: Sense) -> Status: ...
    def cap_row(self, coefs: np.ndarray, upper: float) -> None: ...
    def objective_value(self) -> float: ...
    def add_floor(self, terms: Terms, lower: float) -> None: ...
    def add_row(self, terms: Terms, lower: float, upper: float) -> None: ...
    def add_columns(self, variables: list[pulp.LpVariable]) -> int: ...
    def add_rows(self, rows: list[tuple[Terms, float, float]]) -> int: ...
    def seed_basis(self, basic_columns: list[int], nonbasic_rows: list[int]) -> None: ...
    def drop_floor(self) -> None: ...
    def relax_stage_rows(self) -> None: ...
    def fix_integers(self, values: np.ndarray) -> None: ...
    def set_time_limit(self, seconds: float | None) -> None: ...
    def has_solution(self) -> bool: ...
    def column_bounds(self) -> tuple[np.ndarray, np.ndarray]: ...
    def restart(self) -> None: ...
    def basis(self) -> Any: ...
    def set_basis(self, basis: Any) -> None: ...
    def values(self) -> np.ndarray: ...
    def row_activity(self) -> np.ndarray: ...
    def duals(self) -> np.ndarray: ...
    def reduced_costs(self) -> np.ndarray: ...
    def set_mip(self, gap: float | None, progress: Progress | None) -> None: ...
    def set_start(self, values: np.ndarray | None) -> None: ...
    def mip_bound(self) -> float | None: ...
    def is_mip(self) -> bool: ...


def run_highs(session: Session, costs: np.ndarray, sense: str, start: np.ndarray | None = None) -> Status:
    """Set the objective of a loaded session, solve from its current basis, return the status.

    ``start`` is an integer plan to begin from (set after the objective
    changes, which clear any start).
    """
    return session.run(costs, sense, start)


class HighsBackend:
    """HiGHS through a :class:`~optimiser.solve.highs.Session`, loaded in bulk from the model's matrix form."""

    name = "highs"

    def __init__(
        self, model: Model | None, time_limit: float | None = None, threads: int | None = None,
        form: MatrixForm | None = None, options: dict[str, Any] | None = None,
    ) -> None:
        if form is None:
            assert model is not None
            form = matrix_form(model)
        self.n_rows = len(form.row_lower)
        self.session = Session(
            time_limit=float(time_limit) if time_limit is not None else None,
            threads=int(threads) if threads is not None else None, **(options or {}),
        )
        self.form = form
        self.integer = form.integer
        self.session.load_form(form)
        self.columns = self.form.columns
        self.n_cols = form.n_cols
        self._column_of = form.column_of
        """The column of each variable: the form's, and the stage columns' while they exist."""
        self._extra_rows = 0
        self._extra_cols = 0
        self._start: np.ndarray | None = None
        self._progress: Progress | None = None
        self._subscribed = False
        self._options = dict(options or {})
        self.main_method = SIMPLEX
        """The method of the last :meth:`solve_main`."""
        self.main_by_size = False
        """Whether :meth:`solve_main` chose interior point by the size of the programme (no ``solver`` option)."""

    def solve_main(self, objective: Terms, sense: Sense) -> Status:
        """The main solve: an LP of at least :data:`IPM_COLUMNS` columns (if set) by interior point with crossover.

        Other LPs, and every later solve, use simplex; a ``solver`` option
        given by the user decides instead, and a MILP is searched by branch
        and cut. Should interior point end without a verdict, the solve is
        repeated by simplex from scratch. :attr:`main_method` says which
        method found the result.
        """
        chosen = self._options.get("solver")
        self.main_by_size = False
        if self.is_mip():
            self.main_method = BRANCH_AND_CUT
        elif chosen is not None:
            self.main_method = _HIGHS_METHODS.get(str(chosen), str(chosen))
        else:
            self.main_by_size = IPM_COLUMNS is not None and self.n_cols + self._extra_cols >= IPM_COLUMNS
            self.main_method = INTERIOR_POINT if self.main_by_size else SIMPLEX
        if not self.main_by_size:
            return self.solve(objective, sense)
        return self._solve_interior_point(objective, sense)

    def _solve_interior_point(self, objective: Terms, sense: Sense) -> Status:
        """One solve by interior point with crossover (unless the user turned it off); then simplex again."""
        status = self._interior_point(objective, sense)
        if status is Status.NOT_SOLVED:
            self.main_method, self.main_by_size = SIMPLEX, False
            status = self.solve(objective, sense)
        return status

    def _interior_point(self, objective: Terms, sense: Sense) -> Status:
        """One solve by interior point; without a verdict the basis is forgotten, for simplex from scratch."""
        if self._progress is not None:
            self._progress.start_stage()
        costs = dense(objective, self._column_of, self.n_cols + self._extra_cols)
        status = self.session.run_interior_point(costs, sense)
        if status is Status.NOT_SOLVED:
            self.restart()
        return status

    def solve_afresh(self, objective: Terms, sense: Sense) -> Status:
        """Solve from scratch a programme the last basis does not help (the smoothing stage of a large LP).

        Dual simplex with presolve; an LP of at least
        :data:`AFRESH_IPM_COLUMNS` columns (stage columns included) by interior
        point with crossover instead, falling back to dual simplex should it
        end without a verdict. A ``solver`` option given by the user decides
        instead.
        """
        self.restart()
        large = afresh_by_interior_point(self.n_cols + self._extra_cols)
        if large and "solver" not in self._options and not self.is_mip():
            status = self._interior_point(objective, sense)
            if status is not Status.NOT_SOLVED:
                return status
        return self.solve(objective, sense)

    def solve(self, objective: Terms, sense: Sense) -> Status:
        return self.solve_costs(dense(objective, self._column_of, self.n_cols + self._extra_cols), sense)

    def solve_costs(self, costs: np.ndarray, sense: Sense) -> Status:
        """Solve with one cost per column (in column order).

        A MILP that stops at its time limit with a plan is ``FEASIBLE``; one
        that meets the relative gap set by :meth:`set_mip` is ``OPTIMAL``.
        """
        if self._progress is not None:
            self._progress.start_stage()
        status = self.session.run(costs, sense, start=self._start)
        if status is Status.TIME_LIMIT and self.has_solution() and self.is_mip():
            return Status.FEASIBLE
        return status

    def is_mip(self) -> bool:
        """Whether the programme loaded still has integer columns (not fixed by :meth:`fix_integers`)."""
        return bool(self.integer.any()) and not getattr(self, "_fixed", False)

    def set_mip(self, gap: float | None, progress: Progress | None) -> None:
        """Stop a MILP search at relative ``gap``; report its incumbent and bound to ``progress``."""
        if gap is not None:
            self.session.set_option("mip_rel_gap", float(gap))
        self._progress = progress
        if progress is not None and not self._subscribed:
            self._subscribed = True
            self.session.on_mip_progress(progress.update)

    def set_start(self, values: np.ndarray | None) -> None:
        """A plan for the next MILP solve to start from (every column of the model)."""
        self._start = None if values is None else np.asarray(values, dtype=float)

    def mip_bound(self) -> float | None:
        """The last MILP search's best bound (solver units), or None."""
        return self.session.mip_bound()

    def cap_row(self, coefs: np.ndarray, upper: float) -> None:
        """Add the row ``coefs @ x <= upper`` (kept out of activities and duals)."""
        self.session.add_row(-np.inf, upper, coefs)

    def objective_value(self) -> float:
        return self.session.objective()

    def add_floor(self, terms: Terms, lower: float) -> None:
        self.add_row(terms, lower, np.inf)

    def add_row(self, terms: Terms, lower: float, upper: float) -> None:
        """Add a stage row ``lower <= terms <= upper`` (kept until :meth:`drop_floor`)."""
        self.add_rows([(terms, lower, upper)])

    def add_rows(self, rows: list[tuple[Terms, float, float]]) -> int:
        """Add stage rows ``lower <= terms <= upper`` in one call; returns the index of the first."""
        first = self.n_rows + self._extra_rows
        if not rows:
            return first
        starts = np.zeros(len(rows), dtype=np.int32)
        index: list[int] = []
        value: list[float] = []
        for n, (terms, _, _) in enumerate(rows):
            starts[n] = len(index)
            index.extend(map(self._column_of.__getitem__, terms))
            value.extend(terms.values())
        if self.integer.any() and self._start is None:
            self._start = self.values()
        self.session.add_rows([lo for _, lo, _ in rows], [hi for _, _, hi in rows], starts, index, value)
        self._extra_rows += len(rows)
        # The optimal basis stays primal feasible under the new objective and
        # the stage rows, so primal simplex continues from it; dual simplex
        # would start far away (measured: 2.4 s against 55 s at 1,000
        # institutions).
        self.session.set_option("simplex_strategy", PRIMAL_SIMPLEX)
        return first

    def seed_basis(self, basic_columns: list[int], nonbasic_rows: list[int]) -> None:
        """Make a primal feasible basis for new stage rows: the given columns basic, those rows at their bound.

        Primal simplex then continues from the plan already found instead of
        searching for a feasible point again.
        """
        self.session.seed_basis(basic_columns, nonbasic_rows)

    def add_columns(self, variables: list[pulp.LpVariable]) -> int:
        """Add non-negative stage columns (zero cost, no rows yet), in order; returns the column of the first."""
        first = self.n_cols + self._extra_cols
        count = len(variables)
        self._column_of = {**self._column_of, **dict(zip(variables, range(first, first + count), strict=True))}
        self.session.add_columns(count)
        self._extra_cols += count
        if self._start is not None:
            self._start = np.concatenate([self._start, np.zeros(count)])
        return first

    def relax_stage_rows(self) -> None:
        """Free every stage row added so far (kept, so the basis stays valid for the next stage)."""
        self.session.free_rows(np.arange(self.n_rows, self.n_rows + self._extra_rows))

    def drop_floor(self) -> None:
        """Remove every stage row and column added since the model was loaded."""
        self.session.delete_rows(np.arange(self.n_rows, self.n_rows + self._extra_rows))
        self.session.delete_cols(np.arange(self.n_cols, self.n_cols + self._extra_cols))
        self._extra_rows = self._extra_cols = 0
        self._column_of = self.form.column_of
        self._start = None
        self.session.set_option("simplex_strategy", DUAL_SIMPLEX)

    def set_time_limit(self, seconds: float | None) -> None:
        self.session.set_time_limit(seconds)

    def has_solution(self) -> bool:
        return self.session.has_solution()

    def restart(self) -> None:
        """Forget the basis and use the default (dual) simplex for the next solve."""
        self.session.clear()
        self.session.set_option("simplex_strategy", DUAL_SIMPLEX)

    def basis(self) -> Any:
        """The basis of the last solve, to start a later solve of a programme of the same shape from."""
        return self.session.basis()

    def set_basis(self, basis: Any) -> None:
        """Start the next solve (by dual simplex) from ``basis``, kept by :meth:`basis` at the same shape."""
        self.session.set_basis(basis)
        self.session.set_option("simplex_strategy", DUAL_SIMPLEX)

    def column_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        return self.session.column_bounds()

    def fix_integers(self, values: np.ndarray) -> None:
        """Fix the integer columns at ``values`` (rounded) and make them continuous."""
        idx = np.flatnonzero(self.integer)
        if len(idx) == 0:
            return
        x = np.round(np.asarray(values)[idx])
        self.session.set_col_bounds(idx, x, x)
        self.session.make_continuous(idx)
        self._fixed = True
        self._start = None

    def values(self) -> np.ndarray:
        """Values of the model's columns (stage columns left out)."""
        return self.session.values()[: self.n_cols]

    def stage_values(self) -> np.ndarray:
        """Values of every column, stage columns included."""
        return self.session.values()

    def row_activity(self) -> np.ndarray:
        return self.session.row_values()[: self.n_rows]

    def duals(self) -> np.ndarray:
        return self.session.row_duals()[: self.n_rows]

    def reduced_costs(self) -> np.ndarray:
        return self.session.col_duals()[: self.n_cols]


def cbc_status(code: int) -> Status:
    """PuLP's status code of a CBC run as a :class:`Status`: the one mapping for every CBC solve."""
    return {
        pulp.LpStatusOptimal: Status.OPTIMAL,
        pulp.LpStatusInfeasible: Status.INFEASIBLE,
        pulp.LpStatusUnbounded: Status.UNBOUNDED,
    }.get(code, Status.NOT_SOLVED)


CBC_LP_TOLERANCES = {"dualTolerance": "1e-9"}
"""CBC's dual feasibility tolerance for a linear programme (its default is 1e-7); an expert's option of the same name wins.

Each later stage is bounded by what the stage before found (the smoothing
stage's output floor and cost cap), so CBC's looser defaults made its plans
differ from HiGHS's where the stage trades a little output or cost for a
steadier plan: on ``configs/institutions_csv.yaml`` with ``smooth: true`` its
tie-break found a plan 43 yuan dearer than HiGHS's, and the smoothing stage
moved up to 32 units by the room that gave; with 1e-9, the plans agree
within 0.03 units (``tests/solve/test_same_plan.py``). A primal tolerance of
1e-9 as well made CBC call the elastic programmes of drawn worlds
infeasible, so that one stays at CBC's default.
"""


def cbc_options(options: dict[str, Any] | None, lp: bool = False) -> list[str]:
    """``--solver-options`` as CBC reads them (``-key value``; :func:`checked_options` has checked their form).

    With ``lp``, :data:`CBC_LP_TOLERANCES` first, unless the expert set them.
    """
    given = dict(options or {})
    defaults = {key: value for key, value in CBC_LP_TOLERANCES.items() if key not in given} if lp else {}
    return [f"{key} {value}" for key, value in {**defaults, **given}.items()]


def run_cbc_lp(problem: pulp.LpProblem, options: list[str] | None = None) -> Status:
    """Solve a linear programme held by PuLP with CBC (no integers, no time limit): the plain LP run
    the shadow-price stage's face programmes share with :class:`CbcBackend`."""
    solver = pulp.PULP_CBC_CMD(msg=False, mip=False, options=list(options or []))
    try:
        with quiet_stdout():
            code = int(problem.solve(solver))
    except pulp.PulpSolverError as err:
        raise SolverError(f"CBC failed: {err}") from err
    return cbc_status(code)


class CbcBackend:
    """COIN-OR CBC, the solver bundled with PuLP, run through ``PULP_CBC_CMD``."""

    name = "cbc"

    def __init__(
        self, model: Model, time_limit: float | None = None, threads: int | None = None,
        options: dict[str, Any] | None = None,
    ) -> None:
        self.problem = model.problem
        self.options = cbc_options(options)
        self.lp_options = cbc_options(options, lp=True)
        self.columns = model.columns
        self.constraints = model.book.constraints
        self.time_limit = time_limit
        self.threads = threads
        self._stage_rows: list[str] = []
        self._stage_columns: list[pulp.LpVariable] = []
        self._relaxed = False
        self._objective = 0.0
        self._gap: float | None = None
        self._progress: Progress | None = None
        self._start: np.ndarray | None = None
        self._bound: float | None = None
        self._sense: Sense = "max"
        self.main_method = SIMPLEX
        self.main_by_size = False
        solver = pulp.PULP_CBC_CMD(msg=False)
        if not solver.available():
            raise SolverError("CBC is not available: PuLP's bundled CBC binary is missing; reinstall pulp")

    def is_mip(self) -> bool:
        return not self._relaxed and any(var.cat == pulp.LpInteger for var in self.columns)

    def solve(self, objective: Terms, sense: Sense) -> Status:
        self.problem.sense = pulp.LpMaximize if sense == "max" else pulp.LpMinimize
        self.problem.setObjective(pulp.LpAffineExpression(objective))
        self._sense = sense
        mip = self.is_mip()
        if mip and self._start is not None:
            self._set_initial_values(self._start)
        code = self._run_cbc(sense, mip)
        self._objective = float(pulp.value(self.problem.objective) or 0.0)
        return self._status(code, mip)

    def solve_afresh(self, objective: Terms, sense: Sense) -> Status:
        """CBC keeps no basis between runs: every solve starts afresh."""
        return self.solve(objective, sense)

    def solve_main(self, objective: Terms, sense: Sense) -> Status:
        """The main solve: CBC's simplex for an LP, its branch and cut for a MILP."""
        self.main_method = BRANCH_AND_CUT if self.is_mip() else SIMPLEX
        return self.solve(objective, sense)

    def _set_initial_values(self, start: np.ndarray) -> None:
        """Hand ``start`` to PuLP as the columns' initial values (integers rounded, within bounds)."""
        for var, value in zip(self.columns, start, strict=False):
            initial = round(float(value)) if var.cat == pulp.LpInteger else float(value)
            # Round-off below a bound (-2e-12 under 0) would make PuLP refuse the start.
            if var.lowBound is not None:
                initial = max(initial, var.lowBound)
            if var.upBound is not None:
                initial = min(initial, var.upBound)
            var.setInitialValue(initial)

    def _run_cbc(self, sense: Sense, mip: bool) -> int:
        """Run CBC on the problem as it stands; PuLP's status code (a MILP's bound read from CBC's log)."""
        import tempfile

        warm = mip and (bool(self._stage_rows) or self._start is not None)
        self._bound = None
        with tempfile.TemporaryDirectory(prefix="optimiser-cbc-") as folder:
            log = f"{folder}/cbc.log"
            # timeMode elapsed: CBC counts wall time, not the CPU time of all its threads.
            solver = pulp.PULP_CBC_CMD(
                msg=False, timeLimit=self.time_limit, threads=self.threads, mip=not self._relaxed, warmStart=warm,
                gapRel=self._gap if mip else None, logPath=log if mip else None, timeMode="elapsed",
                options=self.options if mip else self.lp_options,
            )
            watcher = _CbcLogWatcher(log, self._progress, sense) if mip and self._progress is not None else None
            try:
                with quiet_stdout():
                    if watcher is not None:
                        watcher.start()
                    code = int(self.problem.solve(solver))
            except pulp.PulpSolverError as err:
                raise SolverError(f"CBC failed: {err}") from err
            finally:
                if watcher is not None:
                    watcher.stop()
            if mip:
                self._bound = _cbc_bound(log, sense)
        return code

    def _status(self, code: int, mip: bool) -> Status:
        """PuLP's status code as a :class:`Status` (a MILP stopped with a plan is ``FEASIBLE``)."""
        if code == pulp.LpStatusOptimal and self.problem.sol_status == pulp.LpSolutionIntegerFeasible:
            return Status.FEASIBLE
        if code == pulp.LpStatusNotSolved and mip and self.time_limit is not None:
            return Status.TIME_LIMIT
        return cbc_status(code)

    def set_mip(self, gap: float | None, progress: Progress | None) -> None:
        self._gap = gap
        self._progress = progress

    def set_start(self, values: np.ndarray | None) -> None:
        self._start = None if values is None else np.asarray(values, dtype=float)

    def mip_bound(self) -> float | None:
        return self._bound

    def solve_costs(self, costs: np.ndarray, sense: Sense) -> Status:
        """Solve with one cost per column (in column order)."""
        return self.solve({var: float(c) for var, c in zip(self.columns, costs) if c != 0.0}, sense)

    def cap_row(self, coefs: np.ndarray, upper: float) -> None:
        """Add the row ``coefs @ x <= upper`` (kept out of activities and duals)."""
        terms = {var: float(c) for var, c in zip(self.columns, coefs) if c != 0.0}
        name = f"elastic_cap_{sum(1 for key in self.problem.constraints if key.startswith('elastic_cap'))}"
        cap = pulp.LpConstraint(pulp.LpAffineExpression(terms), pulp.LpConstraintLE, name, upper)
        self.problem.addConstraint(cap, name)

    def objective_value(self) -> float:
        return self._objective

    def add_floor(self, terms: Terms, lower: float) -> None:
        self.add_row(terms, lower, np.inf)

    def add_row(self, terms: Terms, lower: float, upper: float) -> None:
        """Add a stage row ``lower <= terms <= upper`` (kept until :meth:`drop_floor`)."""
        for bound, sense in ((lower, pulp.LpConstraintGE), (upper, pulp.LpConstraintLE)):
            if np.isinf(bound):
                continue
            name = f"stage_{len(self._stage_rows)}"
            self.problem.addConstraint(pulp.LpConstraint(pulp.LpAffineExpression(terms), sense, name, bound), name)
            self._stage_rows.append(name)

    def add_rows(self, rows: list[tuple[Terms, float, float]]) -> int:
        first = len(self._stage_rows)
        for terms, lower, upper in rows:
            self.add_row(terms, lower, upper)
        return first

    def seed_basis(self, basic_columns: list[int], nonbasic_rows: list[int]) -> None:
        """CBC starts each solve afresh."""

    def add_columns(self, variables: list[pulp.LpVariable]) -> int:
        """Stage columns enter the problem with the rows that use them; returns the column of the first."""
        first = len(self.columns) + len(self._stage_columns)
        self._stage_columns.extend(variables)
        return first

    def relax_stage_rows(self) -> None:
        self.drop_floor()

    def basis(self) -> Any:
        """None: CBC solves every programme from scratch."""
        return None

    def set_basis(self, basis: Any) -> None:
        """Nothing: CBC solves every programme from scratch."""

    def drop_floor(self) -> None:
        for name in self._stage_rows:
            del self.problem.constraints[name]
        if self._stage_columns:
            # PuLP keeps every variable it has seen; stage columns would stay in the files CBC reads.
            gone = {var.hash for var in self._stage_columns}
            self.problem._variables = [var for var in self.problem._variables if var.hash not in gone]
            for key in gone:
                self.problem._variable_ids.pop(key, None)
        self._stage_rows = []
        self._stage_columns = []

    def stage_values(self) -> np.ndarray:
        return np.array([var.varValue or 0.0 for var in (*self.columns, *self._stage_columns)], dtype=float)

    def set_time_limit(self, seconds: float | None) -> None:
        self.time_limit = seconds

    def has_solution(self) -> bool:
        return all(var.varValue is not None for var in self.columns[:1])

    def restart(self) -> None:
        """Each CBC solve starts afresh already."""

    def column_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        lower = np.array([v.lowBound if v.lowBound is not None else -np.inf for v in self.columns], dtype=float)
        upper = np.array([v.upBound if v.upBound is not None else np.inf for v in self.columns], dtype=float)
        return lower, upper

    def fix_integers(self, values: np.ndarray) -> None:
        """Fix the integer columns at ``values`` (rounded) and make them continuous."""
        for index, var in enumerate(self.columns):
            if var.cat == pulp.LpInteger:
                value = round(float(values[index]))
                var.lowBound = var.upBound = value
        self._relaxed = True
        self._start = None

    def values(self) -> np.ndarray:
        return np.array([var.varValue or 0.0 for var in self.columns], dtype=float)

    def row_activity(self) -> np.ndarray:
        return np.array([con.value() for con in self.constraints], dtype=float) - np.array(
            [con.constant for con in self.constraints]
        )

    def duals(self) -> np.ndarray:
        return np.array([con.pi or 0.0 for con in self.constraints], dtype=float)

    def reduced_costs(self) -> np.ndarray:
        return np.array([var.dj or 0.0 for var in self.columns], dtype=float)


def _cbc_bound(log: str, sense: Sense) -> float | None:
    """The best bound CBC proved, read from its log (its final summary, or its last progress line)."""
    import re

    try:
        with open(log, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return None
    found = re.findall(r"^(?:Lower|Upper) bound:\s+(\S+)", text, flags=re.MULTILINE)
    if found:
        try:
            return float(found[-1])
        except ValueError:
            return None
    progress = re.findall(r"best possible (\S+)", text)
    if progress:
        value = float(progress[-1])
        # CBC minimises: a maximised objective appears negated in its progress lines.
        return -value if sense == "max" else value
    return None


class _CbcLogWatcher:
    """Read CBC's log while it runs and pass its incumbent, bound and time to a :class:`Progress`."""

    def __init__(self, log: str, progress: Progress, sense: Sense) -> None:
        import threading

        self.log, self.progress, self.sense = log, progress, sense
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.progress.start_stage()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2.0)

    def _run(self) -> None:
        import re

        pattern = re.compile(r"(\S+) best solution, best possible (\S+) \(([\d.]+) seconds\)")
        sign = -1.0 if self.sense == "max" else 1.0
        while not self._stop.wait(1.0):
            try:
                with open(self.log, encoding="utf-8", errors="replace") as handle:
                    found = pattern.findall(handle.read())
            except OSError:
                continue
            if found:
                incumbent, bound, seconds = found[-1]
                try:
                    self.progress.update(sign * float(incumbent), sign * float(bound), float(seconds))
                except ValueError:
                    continue
            else:
                self.progress.update(float("nan"), float("nan"), None)


class ElasticLP(Protocol):
    """What the two-stage elastic solve needs of a loaded programme (a back end, or the array solver)."""

    def solve_costs(self, costs: np.ndarray, sense: Sense) -> Status: ...
    def cap_row(self, coefs: np.ndarray, upper: float) -> None: ...
    def values(self) -> np.ndarray: ...


HOLD_TOLERANCE = 1e-7
"""The second stage may breach this share more (weighted) than the least: solver round-off (CBC's
solutions come back with eight significant digits). Breach amounts are therefore exact to about this
share; which way the second stage settles them within it depends on the solver."""


def elastic_vectors(model: Model) -> tuple[np.ndarray, np.ndarray]:
    """Breach weights and weighted compound output of an elastic model, one number per column."""
    column_of = model.column_of
    n = len(model.columns)
    weights = np.zeros(n)
    for _, slack, weight in model.book.slacks:
        weights[column_of[slack]] += weight
    return weights, dense(model.output, column_of, n)


def least_breach_then_best_output(lp: ElasticLP, weights: np.ndarray, output: np.ndarray) -> tuple[Status, float]:
    """The one elastic solve: least weighted breach, then the best output with the breach held there.

    ``weights`` are the penalties per column (zero except on slack columns,
    see :func:`optimiser.model.rows.breach_weights`), ``output`` the weighted
    compound output per column. Stage one minimises ``weights @ x``; stage
    two adds ``weights @ x <= least`` and maximises ``output @ x``, so of all
    the ways to break as little as possible it takes the one that delivers
    most. Returns the status of the last solve and the least breach; where
    output is unbounded at the least breach (a config with no optimum), the
    least-breach solve is repeated and its solution returned.
    """
    status = lp.solve_costs(weights, "min")
    if status is not Status.OPTIMAL:
        return status, float("nan")
    least = max(float(weights @ lp.values()), 0.0)
    lp.cap_row(weights, least * (1.0 + HOLD_TOLERANCE) + 1e-9)
    status = lp.solve_costs(output, "max")
    if status is Status.UNBOUNDED:
        # Output grows without limit at the least breach (a config with no optimum); keep the least breach.
        return lp.solve_costs(weights, "min"), least
    return status, least


def settle_ties(lp: ElasticLP, model: Model, weights: np.ndarray, output: np.ndarray) -> bool:
    """After :func:`least_breach_then_best_output`, settle what it leaves open as the smoothing stage settles it.

    The least breach and the best output leave open which source pays where several may, and which of
    equally good plans is taken; one more solve holds the weighted breach and the output where they are and
    minimises the smoothing stage's tie weights (:func:`~optimiser.solve.matrix.smoothing_ties`: the sources
    listed first pay first), so every solver returns the same. Returns whether it solved; if not, the
    caller keeps the values before.
    """
    ties = smoothing_ties(model)
    if not ties:
        return False
    x = lp.values()
    costs = np.zeros(len(x))
    for var, weight in ties:
        costs[model.column_of[var]] += weight
    # The breach is held where it is (with any room, money would move to the money no source may pay to
    # save a weight on money); the output within 1e-7 of it, as CBC's optimum may overshoot by round-off
    # (the weights reward output, so it stays where it is).
    breach = float(weights @ x)
    lp.cap_row(weights, breach + 1e-9 * max(1.0, abs(breach)))
    best = float(output @ x)
    lp.cap_row(-output, -(best - 1e-7 * max(1.0, abs(best))))
    return lp.solve_costs(costs, "min") is Status.OPTIMAL


_CBC_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_CBC_VALUE = re.compile(r"[A-Za-z0-9._+-]+")


def checked_options(solver: str, options: dict[str, Any] | None) -> dict[str, Any]:
    """Solver options as the solver takes them, or :class:`SolverError` saying what is wrong.

    HiGHS's are checked against its own option names and types; CBC's are
    command-line words (``ratioGap=0.01`` becomes ``-ratioGap 0.01``), checked
    against the parameters the CBC program lists (:mod:`.cbc_params`).
    """
    if not options:
        return {}
    if solver == "highs":
        return check_options(options)
    from ..i18n import _

    for key, value in options.items():
        if not _CBC_WORD.fullmatch(str(key)):
            raise SolverError(_("CBC option {key!r}: a name is letters and digits, e.g. ratioGap").format(key=key))
        if not _CBC_VALUE.fullmatch(str(value)):
            raise SolverError(_("CBC option {key}={value!r}: a value is one word or number, e.g. 0.01 or on").format(
                key=key, value=value))
    from .cbc_params import check_cbc_options

    return check_cbc_options(options)


def make_backend(
    name: str, model: Model, time_limit: float | None = None, threads: int | None = None,
    options: dict[str, Any] | None = None,
) -> Backend:
    with collector_paused():  # a programme's arrays and names, read into the solver
        if name == "highs":
            return HighsBackend(model, time_limit, threads, options=options)
        if name == "cbc":
            return CbcBackend(model, time_limit, threads, options=options)
    raise SolverError(f"unknown solver {name!r}; choose one of: {', '.join(SOLVERS)}")

