"""One HiGHS session: the only module that talks to ``highspy``.

Every solve of the programme with HiGHS (the engine's stages, the sweep's
re-solves, the frontier, Pareto and robust programmes, the canonical duals,
the sensitivity report's ranging LPs) goes through :class:`Session`: a quiet
``Highs`` object with the calls those need, in the units the rest of the
package uses (``numpy`` arrays, ``inf`` for an unbounded side, :class:`Status`
for an outcome).
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import highspy
import numpy as np

from ..errors import SolverError
from .quiet import quiet_stdout
from .status import Status

if TYPE_CHECKING:
    import scipy.sparse as sp

    from .matrix import Csc, MatrixForm

INF = float(highspy.kHighsInf)
"""HiGHS's infinity: any bound at or beyond it is no bound."""

_STATUS = {
    highspy.HighsModelStatus.kOptimal: Status.OPTIMAL,
    highspy.HighsModelStatus.kInfeasible: Status.INFEASIBLE,
    highspy.HighsModelStatus.kUnbounded: Status.UNBOUNDED,
    highspy.HighsModelStatus.kTimeLimit: Status.TIME_LIMIT,
}
_VERDICTS = (
    highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kUnbounded,
    highspy.HighsModelStatus.kUnboundedOrInfeasible, highspy.HighsModelStatus.kInfeasible,
)
PRIMAL_SIMPLEX = 4
"""``simplex_strategy`` for a basis that stays primal feasible under a new objective or new free rows."""
DUAL_SIMPLEX = 1


def finite(values: Any) -> np.ndarray:
    """Bounds in HiGHS's units: ``±inf`` becomes ``±kHighsInf``."""
    return np.clip(np.asarray(values, dtype=float), -INF, INF)


def unbounded(values: Any) -> np.ndarray:
    """Bounds back in ours: ``±kHighsInf`` and beyond become ``±inf``."""
    values = np.asarray(values, dtype=float)
    return np.where(values <= -INF, -np.inf, np.where(values >= INF, np.inf, values))


def option_names() -> list[str]:
    """Every option name HiGHS knows."""
    return sorted(name for name in dir(highspy.HighsOptions) if not name.startswith("_"))


def check_options(options: dict[str, Any]) -> dict[str, Any]:
    """``options`` as HiGHS takes them: each name known, each value of the option's type.

    Values may be given as text (``"1e-4"``, ``"on"``, ``"true"``), as from a
    command line. Raises :class:`SolverError` naming close option names for an
    unknown one, and the type expected for a value HiGHS would not take.
    """
    if not options:
        return {}
    from ..i18n import _

    names = option_names()
    checked: dict[str, Any] = {}
    with quiet_stdout():
        probe = highspy.Highs()
    probe.setOptionValue("output_flag", False)
    for key, value in options.items():
        if key not in names:
            import difflib

            close = difflib.get_close_matches(key, names, n=5, cutoff=0.5)
            hint = _("; close names: {names}").format(names=", ".join(close)) if close else ""
            raise SolverError(_("HiGHS has no option {key!r}{hint}").format(key=key, hint=hint))
        kind = probe.getOptionType(key)[-1]
        checked[key] = _typed(key, value, kind)
        if _TOLERANCE.fullmatch(key) and checked[key] > LOOSEST_TOLERANCE:
            raise SolverError(loose_tolerance(key, value))
        with quiet_stdout():
            refused = probe.setOptionValue(key, checked[key]) == highspy.HighsStatus.kError
        if refused:
            raise SolverError(_("HiGHS refused option {key}={value!r}: outside the values it takes").format(
                key=key, value=value))
    return checked


LOOSEST_TOLERANCE = 1e-3
"""The loosest feasibility or optimality tolerance a solver option may set (HiGHS's and CBC's defaults are 1e-7):
looser, a solver may call a plan optimal that breaks limits or is far from the best."""
_TOLERANCE = re.compile(r"(.*_)?(feasibility|optimality|residual|kkt)_tolerance")
"""HiGHS's feasibility and optimality tolerances, ``kkt_tolerance`` (which sets them all) included."""


def loose_tolerance(key: str, value: Any) -> str:
    """Why option ``key`` = ``value`` is refused: a tolerance above :data:`LOOSEST_TOLERANCE`."""
    from ..i18n import _

    return _("solver option {key}={value}: a tolerance above {loosest} lets the solver call a plan optimal that "
             "breaks limits or is far from the best; use at most {loosest}, or leave the solver's default").format(
        key=key, value=value, loosest=LOOSEST_TOLERANCE)


def _typed(key: str, value: Any, kind: Any) -> Any:
    """``value`` converted to the type of HiGHS option ``key``."""
    text = str(value).strip()
    try:
        if kind == highspy.HighsOptionType.kBool:
            if isinstance(value, bool):
                return value
            flags = {"true": True, "on": True, "1": True, "false": False, "off": False, "0": False}
            return flags[text.lower()]
        if kind == highspy.HighsOptionType.kInt:
            if isinstance(value, float) and not value.is_integer():
                raise ValueError
            return int(value) if not isinstance(value, str) else int(text)
        if kind == highspy.HighsOptionType.kDouble:
            return float(value) if not isinstance(value, str) else float(text)
    except (KeyError, ValueError) as err:
        from ..i18n import _

        wanted = {highspy.HighsOptionType.kBool: _("true or false"), highspy.HighsOptionType.kInt: _("a whole number"),
                  highspy.HighsOptionType.kDouble: _("a number")}[kind]
        raise SolverError(_("HiGHS option {key} takes {wanted}, not {value!r}").format(
            key=key, wanted=wanted, value=value)) from err
    return text


DUAL_TOLERANCE = 1e-9
"""HiGHS's ``dual_feasibility_tolerance`` in every session (its default is 1e-7).

The smoothing stage settles ties between equally steady plans by weights of a
millionth of a lever's price (:func:`~optimiser.solve.matrix.smoothing_ties`):
per unit moved, a few millionths in the stage's units. At the default, primal
simplex continued from the plan found so far may stop before it has followed
them (seen on ``tests/cases/medium.yaml``: four training bases placed
otherwise than by dual simplex from scratch and by CBC). Measured on the
programmes of 100 generated institutions (``benchmarks/hard.py``, HiGHS
alone, default against 1e-9): the main stage 0.66 s against 0.53 s, the
smoothing stage 4.25 s against 4.48 s and 2.80 s against 2.66 s; at 300
institutions the main stage 4.1 s against 2.7 s (29,924 and 28,569 pivots);
the same optima.
"""


class Session:
    """A quiet HiGHS object holding one linear (or integer) programme.

    ``options`` are HiGHS options set after creation (``presolve``,
    ``simplex_strategy``, ``time_limit``, ``threads``, ...).
    """

    def __init__(self, **options: Any) -> None:
        with quiet_stdout():
            self.raw = highspy.Highs()
        self.raw.setOptionValue("output_flag", False)
        self.raw.setOptionValue("dual_feasibility_tolerance", DUAL_TOLERANCE)
        self._kept: tuple[Any, ...] | None = None
        """What :meth:`still_optimal` reads of the last solve (its basis and point), until the next solve."""
        for name, value in options.items():
            if value is not None:
                self.set_option(name, value)

    # -- options -----------------------------------------------------------
    def set_option(self, name: str, value: Any) -> None:
        if name in ("output_flag", "log_to_console") and value in (True, "true", "on"):
            # Asked for HiGHS's log: it goes to stderr, where a command's progress goes; stdout holds
            # the results alone (``--json`` promises nothing else there).
            self._log_to_stderr()
            return
        if self.raw.setOptionValue(name, value) == highspy.HighsStatus.kError:
            raise SolverError(f"HiGHS refused option {name}={value!r}")

    def _log_to_stderr(self) -> None:
        """HiGHS's log on ``sys.stderr`` (it prints on the process's stdout otherwise)."""
        if not getattr(self, "_logging", False):
            def write(event: Any) -> None:
                with contextlib.suppress(OSError, ValueError):
                    sys.stderr.write(event.message)

            self.raw.cbLogging.subscribe(write)
            self._logging = True
        self.raw.setOptionValue("log_to_console", False)
        self.raw.setOptionValue("output_flag", True)

    def option(self, name: str) -> Any:
        value = self.raw.getOptionValue(name)
        return value[-1] if isinstance(value, tuple) else value  # highspy 1.16 gives (status, value)

    def set_time_limit(self, seconds: float | None) -> None:
        """At most ``seconds`` for the next solves (HiGHS counts its time limit on a clock that adds up every run)."""
        self.set_option("time_limit", float(seconds) + float(self.raw.getRunTime()) if seconds is not None else INF)

    # -- the programme -------------------------------------------------------
    def load(
        self, a: Csc | sp.csc_matrix | tuple[np.ndarray, np.ndarray, np.ndarray], col_lower: Any, col_upper: Any,
        row_lower: Any, row_upper: Any, integer: Any = None, costs: Any = None, what: str = "the model",
    ) -> None:
        """Load ``row_lower <= A x <= row_upper``, ``col_lower <= x <= col_upper`` (the one place a HighsLp is filled).

        ``a`` is a column-wise sparse matrix, or its (starts, index, values)
        arrays; ``integer`` flags integer columns.
        """
        if isinstance(a, tuple):
            starts, index, values = a
        else:
            starts, index, values = a.indptr, a.indices, a.data
        n_cols, n_rows = len(col_lower), len(row_lower)
        lp = highspy.HighsLp()
        lp.num_col_ = n_cols
        lp.num_row_ = n_rows
        lp.col_cost_ = np.zeros(n_cols) if costs is None else np.asarray(costs, dtype=float)
        lp.col_lower_ = finite(col_lower)
        lp.col_upper_ = finite(col_upper)
        lp.row_lower_ = finite(row_lower)
        lp.row_upper_ = finite(row_upper)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.asarray(starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.asarray(index, dtype=np.int32)
        lp.a_matrix_.value_ = np.asarray(values, dtype=float)
        if integer is not None and np.any(integer):
            lp.integrality_ = [
                highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous for flag in integer
            ]
        self._kept = None
        if self.raw.passModel(lp) == highspy.HighsStatus.kError:
            raise SolverError(f"HiGHS rejected {what}")

    def load_form(self, form: MatrixForm, integer: bool = True) -> None:
        """Load a :class:`~optimiser.solve.matrix.MatrixForm` (its integer columns too unless ``integer`` is False)."""
        self.load(form.csc, form.col_lower, form.col_upper, form.row_lower, form.row_upper,
                  form.integer if integer else None)

    def copy(self, **options: Any) -> Session:
        """A new session holding the programme as it stands (bounds, rows and columns added so far)."""
        other = Session(**options)
        other.raw.passModel(self.raw.getLp())
        return other

    @property
    def n_cols(self) -> int:
        return int(self.raw.getNumCol())

    @property
    def n_rows(self) -> int:
        return int(self.raw.getNumRow())

    def arrays(self) -> tuple[sp.csc_matrix, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The programme held now: A, column bounds, row bounds (``inf`` where unbounded)."""
        import scipy.sparse as sp

        lp = self.raw.getLp()
        a = sp.csc_matrix(
            (np.asarray(lp.a_matrix_.value_), np.asarray(lp.a_matrix_.index_), np.asarray(lp.a_matrix_.start_)),
            shape=(lp.num_row_, lp.num_col_),
        )
        return (a, unbounded(lp.col_lower_), unbounded(lp.col_upper_),
                unbounded(lp.row_lower_), unbounded(lp.row_upper_))

    def column_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        lp = self.raw.getLp()
        return unbounded(lp.col_lower_), unbounded(lp.col_upper_)

    def row_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        lp = self.raw.getLp()
        return unbounded(lp.row_lower_), unbounded(lp.row_upper_)

    # -- changes ---------------------------------------------------------------
    def set_costs(self, costs: Any, sense: str | None = None, cols: Any = None) -> None:
        """Objective coefficients (of ``cols``, or of every column in order) and, if given, the sense."""
        costs = np.asarray(costs, dtype=float)
        index = np.arange(len(costs), dtype=np.int32) if cols is None else np.asarray(cols, dtype=np.int32)
        self.raw.changeColsCost(len(index), index, costs)
        if sense is not None:
            self.set_sense(sense)

    def set_sense(self, sense: str) -> None:
        self.raw.changeObjectiveSense(highspy.ObjSense.kMaximize if sense == "max" else highspy.ObjSense.kMinimize)

    def set_col_bounds(self, cols: Any, lower: Any, upper: Any) -> None:
        cols = np.atleast_1d(np.asarray(cols, dtype=np.int32))
        lower = np.broadcast_to(finite(lower), cols.shape).copy()
        upper = np.broadcast_to(finite(upper), cols.shape).copy()
        self.raw.changeColsBounds(len(cols), cols, lower, upper)

    def set_row_bounds(self, rows: Any, lower: Any, upper: Any) -> None:
        rows = np.atleast_1d(np.asarray(rows, dtype=np.int32))
        lower = np.broadcast_to(finite(lower), rows.shape).copy()
        upper = np.broadcast_to(finite(upper), rows.shape).copy()
        self.raw.changeRowsBounds(len(rows), rows, lower, upper)  # type: ignore[attr-defined]

    def set_coefficient(self, row: int, col: int, value: float) -> None:
        self.raw.changeCoeff(row, col, value)

    def set_coefficients(self, rows: Any, cols: Any, values: Any) -> None:
        """Set many matrix entries: ``A[rows[i], cols[i]] = values[i]`` (HiGHS has no bulk call; one loop here)."""
        change = self.raw.changeCoeff
        for row, col, value in zip(np.asarray(rows).tolist(), np.asarray(cols).tolist(),
                                   np.asarray(values, dtype=float).tolist()):
            change(row, col, value)

    def make_continuous(self, cols: Any) -> None:
        cols = np.asarray(cols, dtype=np.int32)
        self.raw.changeColsIntegrality(len(cols), cols, np.array([highspy.HighsVarType.kContinuous] * len(cols)))

    def add_row(self, lower: float, upper: float, coefs: Any, index: Any = None) -> int:
        """Add ``lower <= coefs @ x <= upper`` (``coefs`` dense, or the values at ``index``); returns its index."""
        coefs = np.asarray(coefs, dtype=float)
        if index is None:
            index = np.flatnonzero(coefs)
            coefs = coefs[index]
        index = np.asarray(index, dtype=np.int32)
        row = self.n_rows
        self.raw.addRow(float(finite(lower)), float(finite(upper)), len(index), index, coefs)
        return row

    def add_rows(self, lower: Any, upper: Any, starts: Any, index: Any, values: Any) -> int:
        """Add rows in one call (row-wise sparse arrays); returns the index of the first."""
        first = self.n_rows
        lower = finite(lower)
        if len(lower):
            self.raw.addRows(len(lower), lower, finite(upper), len(index), np.asarray(starts, dtype=np.int32),
                             np.asarray(index, dtype=np.int32), np.asarray(values, dtype=float))
        return first

    def free_rows(self, rows: Any) -> None:
        """Make rows non-binding (kept, so a basis stays valid)."""
        rows = np.asarray(rows, dtype=np.int32)
        if len(rows):
            self.set_row_bounds(rows, -np.inf, np.inf)

    def delete_rows(self, rows: Any) -> None:
        rows = np.asarray(rows, dtype=np.int32)
        if len(rows):
            self.raw.deleteRows(len(rows), rows)

    def delete_cols(self, cols: Any) -> None:
        cols = np.asarray(cols, dtype=np.int32)
        if len(cols):
            self.raw.deleteCols(len(cols), cols)

    def add_columns(self, count: int, lower: float = 0.0, upper: float = np.inf) -> int:
        """Add ``count`` columns with no cost and no rows; returns the index of the first."""
        first = self.n_cols
        self.raw.addVars(count, np.full(count, float(finite(lower))), np.full(count, float(finite(upper))))
        return first

    def add_column(self, cost: float, lower: float, upper: float, rows: Any, values: Any) -> int:
        """Add one column with entries ``values`` in ``rows``; returns its index."""
        first = self.n_cols
        rows = np.asarray(rows, dtype=np.int32)
        self.raw.addCol(float(cost), float(finite(lower)), float(finite(upper)), len(rows), rows,
                        np.asarray(values, dtype=float))
        return first

    # -- bases and starts ------------------------------------------------------------
    def basis(self) -> Any:
        return self.raw.getBasis()

    def set_basis(self, basis: Any) -> None:
        self._kept = None
        self.raw.setBasis(basis)

    def set_basis_status(self, col_status: np.ndarray, row_status: np.ndarray, alien: bool = False) -> None:
        """Start the next solve from the basis of these status codes (0 at the lower bound, 1 basic, 2 at the
        upper bound), one per column and row; ``alien`` when it may not be a basis, for HiGHS to complete one."""
        codes = list(highspy.HighsBasisStatus.__members__.values())
        basis = highspy.HighsBasis()
        basis.col_status = [codes[int(s)] for s in col_status]
        basis.row_status = [codes[int(s)] for s in row_status]
        basis.valid = True
        basis.alien = alien
        self.set_basis(basis)

    def seed_basis(self, basic_cols: Sequence[int], nonbasic_rows: Sequence[int]) -> bool:
        """Make ``basic_cols`` basic and ``nonbasic_rows`` non-basic at their lower bound in the current basis.

        Returns False (and changes nothing) without a valid basis of the programme's present shape.
        """
        basis = self.raw.getBasis()
        if not basis.valid:
            return False
        cols = list(basis.col_status)
        rows = list(basis.row_status)
        if len(cols) != self.n_cols or len(rows) != self.n_rows:
            return False
        for c in basic_cols:
            cols[c] = highspy.HighsBasisStatus.kBasic
        for r in nonbasic_rows:
            rows[r] = highspy.HighsBasisStatus.kLower
        basis.col_status = cols
        basis.row_status = rows
        self.raw.setBasis(basis)
        return True

    def basis_solve(self, rhs: Any) -> np.ndarray:
        """How the columns move when the rows' activities move by ``rhs`` and the last solve's basis is kept.

        ``B^-1 rhs`` on the basic columns, 0 on the others (non-basic columns stay at their bounds).
        """
        _, basic = self.raw.getBasicVariables()  # type: ignore[attr-defined]
        _, solved = self.raw.getBasisSolve(np.asarray(rhs, dtype=float))  # type: ignore[attr-defined]
        basic, solved = np.asarray(basic), np.asarray(solved, dtype=float)
        change = np.zeros(self.n_cols)
        structural = basic >= 0
        change[basic[structural]] = solved[structural]
        return change

    def still_optimal(
        self, costs: np.ndarray, a: Csc | sp.csc_matrix, col_lower: np.ndarray, col_upper: np.ndarray,
        row_lower: np.ndarray, row_upper: np.ndarray,
    ) -> bool:
        """Whether the last solve's basis is optimal for minimising ``costs`` too, so a solve would not pivot.

        ``a`` and the bounds are the programme held (``inf`` where unbounded).
        The duals of the basis for ``costs`` come from the factors HiGHS kept
        (one transposed solve); the basis is optimal when every non-basic
        column and row has a reduced cost of the right sign for the bound it
        sits at, within HiGHS's own dual feasibility tolerance. False whenever
        that cannot be told (no factors, a value off its bounds). The
        programme must be the one last solved, with only its costs changed since.
        """
        if self._kept is None:
            found, basic = self.raw.getBasicVariables()  # type: ignore[attr-defined]
            if found != highspy.HighsStatus.kOk:
                return False
            basic = np.asarray(basic)
            solution = self.raw.getSolution()
            value = np.concatenate([np.asarray(solution.col_value, dtype=float),
                                    np.asarray(solution.row_value, dtype=float)])
            # Where each basic entry sits among the columns, then the rows.
            at = np.where(basic >= 0, basic, self.n_cols - 1 - basic)
            self._kept = (basic, at, value, float(self.option("dual_feasibility_tolerance")))
        basic, at, value, tolerance = self._kept
        on_basis = np.where(basic >= 0, costs[np.maximum(basic, 0)], 0.0)
        found, duals = self.raw.getBasisTransposeSolve(on_basis)  # type: ignore[attr-defined]
        if found != highspy.HighsStatus.kOk:
            return False
        duals = np.asarray(duals, dtype=float)
        # Columns, then rows (whose reduced costs are their duals); a basic entry's is zero by construction.
        # A basis row's duals are mostly zeros: the product reads only the rows they price.
        sparse = getattr(a, "sparse_transpose_times", None)  # a Csc (scipy's matrices have no such product)
        product = sparse(duals) if sparse is not None else a.T @ duals
        reduced = np.concatenate([costs - product, duals])
        reduced[at] = 0.0
        return _dual_feasible(reduced, value, (col_lower, row_lower), (col_upper, row_upper), tolerance)

    def set_start(self, values: Any) -> None:
        """A plan to start from (an integer search's incumbent); set after the objective changes."""
        solution = highspy.HighsSolution()
        solution.col_value = list(np.asarray(values, dtype=float))
        solution.value_valid = True
        self.raw.setSolution(solution)

    def clear(self) -> None:
        """Forget the basis and factors (the next solve starts from scratch)."""
        self._kept = None
        self.raw.clearSolver()

    def on_mip_progress(self, report: Callable[[float, float, float], None]) -> None:
        """Call ``report(incumbent, bound, seconds)`` as an integer search improves."""

        def relay(event: Any) -> None:
            out = event.data_out
            report(out.objective_function_value, out.mip_dual_bound, out.running_time)

        self.raw.cbMipInterrupt.subscribe(relay)
        self.raw.cbMipImprovingSolution.subscribe(relay)

    # -- solving -----------------------------------------------------------------
    def run(self, costs: Any = None, sense: str | None = None, start: Any = None) -> Status:
        """Solve (with these costs and sense if given, from ``start`` if given) and return the status.

        When presolve cannot tell unbounded from infeasible, solve again without it.
        """
        if costs is not None:
            self.set_costs(costs)
        if sense is not None:
            self.set_sense(sense)
        if start is not None:
            self.set_start(start)
        self._kept = None
        self.raw.run()
        status = self.raw.getModelStatus()
        if status == highspy.HighsModelStatus.kUnboundedOrInfeasible and self.option("presolve") != "off":
            presolve = self.option("presolve")
            self.set_option("presolve", "off")
            try:
                self.raw.run()
            finally:
                self.set_option("presolve", presolve)
            status = self.raw.getModelStatus()
        return _STATUS.get(status, Status.NOT_SOLVED)

    def run_interior_point(self, costs: Any = None, sense: str | None = None) -> Status:
        """:meth:`run` once by interior point, with crossover unless ``run_crossover`` is set otherwise.

        Crossover leaves a basis, so later solves continue from it by simplex;
        the ``solver`` and ``run_crossover`` options are restored afterwards.
        """
        saved = {name: self.option(name) for name in ("solver", "run_crossover")}
        self.set_option("solver", "ipm")
        if saved["run_crossover"] == "choose":
            self.set_option("run_crossover", "on")
        try:
            return self.run(costs, sense)
        finally:
            for name, value in saved.items():
                self.set_option(name, value)

    def run_verdict(self) -> Status:
        """Solve; without a verdict (HiGHS's "Unknown", a stalled warm start) once more from scratch by dual simplex.

        "Unbounded or infeasible" counts as unbounded: for programmes known feasible.
        """
        self._kept = None
        self.raw.run()
        status = self.raw.getModelStatus()
        if status not in _VERDICTS:
            strategy = self.option("simplex_strategy")
            self.raw.clearSolver()
            self.set_option("simplex_strategy", DUAL_SIMPLEX)
            try:
                self.raw.run()
            finally:
                self.set_option("simplex_strategy", strategy)
            status = self.raw.getModelStatus()
        if status == highspy.HighsModelStatus.kUnboundedOrInfeasible:
            return Status.UNBOUNDED
        return _STATUS.get(status, Status.NOT_SOLVED)

    def status_text(self) -> str:
        return str(self.raw.modelStatusToString(self.raw.getModelStatus()))

    # -- the solution ------------------------------------------------------------
    def objective(self) -> float:
        return float(self.raw.getInfo().objective_function_value)

    def has_solution(self) -> bool:
        return bool(self.raw.getInfo().primal_solution_status == 2)

    def mip_bound(self) -> float | None:
        bound = float(self.raw.getInfo().mip_dual_bound)
        return bound if np.isfinite(bound) and abs(bound) < INF else None

    def values(self) -> np.ndarray:
        kept = self._kept
        if kept is not None:
            n_cols = self.n_cols
            if len(kept[2]) == n_cols + self.n_rows:
                # Read back already, since the last solve, by still_optimal: HiGHS copies its whole solution
                # (values and duals of every column and row) at each getSolution.
                return kept[2][:n_cols].copy()
        return np.asarray(self.raw.getSolution().col_value, dtype=float)

    def row_values(self) -> np.ndarray:
        return np.asarray(self.raw.getSolution().row_value, dtype=float)

    def row_duals(self) -> np.ndarray:
        return np.asarray(self.raw.getSolution().row_dual, dtype=float)

    def col_duals(self) -> np.ndarray:
        return np.asarray(self.raw.getSolution().col_dual, dtype=float)


def _dual_feasible(
    reduced: np.ndarray, value: np.ndarray, lower: tuple[np.ndarray, np.ndarray], upper: tuple[np.ndarray, np.ndarray],
    tolerance: float,
) -> bool:
    """Entries of a minimisation (columns, then rows): at the lower bound a reduced cost >= 0, at the upper <= 0.

    ``lower`` and ``upper`` are the columns' bounds and the rows'. A reduced
    cost within ``tolerance`` of zero fits anywhere (every basic entry's), and
    any fits an entry fixed (lower = upper); an entry near neither bound, or
    near both of a narrow range, must have a zero one. Only the entries with a
    reduced cost beyond the tolerance are looked at.
    """
    check = np.flatnonzero(np.abs(reduced) > tolerance)
    if not len(check):
        return True
    reduced, value = reduced[check], value[check]
    lower_at, upper_at = np.concatenate(lower)[check], np.concatenate(upper)[check]
    near = tolerance * (1.0 + np.abs(value))
    at_lower = np.abs(value - lower_at) <= near
    at_upper = np.abs(upper_at - value) <= near
    fits = lower_at == upper_at
    fits |= at_lower & ~at_upper & (reduced >= 0.0)
    fits |= at_upper & ~at_lower & (reduced <= 0.0)
    return bool(fits.all())


__all__ = ["INF", "Session", "check_options", "finite", "option_names", "unbounded"]
