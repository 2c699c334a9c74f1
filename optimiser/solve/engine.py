"""Run a built model through a solver: main solve, tie-break, smoothing, duals.

The sequence, whatever the solver:

1. Solve the config's objective (maximise weighted output, or minimise cost);
   its shadow prices are recorded (for an LP) before anything else changes
   (with HiGHS, chosen in a second thread while steps 2 and 3 solve).
   An LP of at least :data:`~optimiser.solve.backends.IPM_COLUMNS` columns
   (when set) is solved here by interior point with crossover, the later
   steps by simplex from the basis it leaves.
2. With ``tie_break``: in ``max_output`` mode the cheapest plan keeping output
   within 1e-7 of the optimum (no money is spent that buys nothing); in
   ``min_cost`` mode the plan with the most weighted output costing at most
   1e-7 of the least cost plus one yuan.
3. With ``smooth`` (a share s, 1e-7 for ``true``): the plan with the least
   priced year-to-year change in what each lever starts, keeping output
   within s of the optimum and cost within 1e-7 plus one yuan of the
   cheapest (``max_output``), or cost within that of the least cost and
   output within s of the plan of step 2 (``min_cost``). It settles which
   of several optimal plans is returned; s > 0 buys a steadier plan and the
   result reports the output given up.
4. For an integer plan, fix the integer decisions and solve the LP again, so
   shadow prices exist; the result says so. Steps 2 and 3 of an integer plan
   start from the plan found and move whole units one at a time while the
   stage's objective improves and its rows hold, for a bounded time
   (:func:`_integer_stages`).

An integer plan (some lever ``integer``) first solves the LP, rounds it to a
whole-unit plan (:mod:`.rounding`) and hands that plan to the MILP solver as
its starting incumbent, so a plan exists whatever the search does. The whole
run shares one time limit (:data:`DEFAULT_MIP_SECONDS` unless given); the
search stops at relative gap ``mip_gap`` (:data:`DEFAULT_MIP_GAP`). The
result carries the LP bound, the search's best bound and the proven gap.

The plan reported is the last one found; the objective and the shadow prices
stay those of step 1 (docs/model.md, objective stages).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..i18n import N_, _, ngettext
from ..model import Model
from ..model.formulation import MONEY_SCALE, Terms, column
from ..model.rows import EXACT_RATE_KINDS
from .backends import Backend, Sense, make_backend
from .duals import MainBasis, canonical_duals
from .matrix import MatrixForm, matrix_form, smoothing_ties, value_of
from .progress import Progress, relative_gap
from .status import Status

if TYPE_CHECKING:  # the whole-unit search is imported by the integer runs that use it
    from .rounding import FixedLP, Rounded, StageSearch


TIE_BREAK_TOLERANCE = 1e-7
MIP_STAGE_SECONDS = 0.5
MIP_STAGE_FACTOR = 0.25
"""Each later stage of an integer plan moves units for at most a quarter of the LP-and-search time (at least
half a second): finding the plan is the run's work, the later stages only settle which plan is returned."""
DEFAULT_MIP_SECONDS = 60.0
"""Time limit of an integer solve when none is given: the whole run (LP, rounding, search, later stages)."""
DEFAULT_MIP_GAP = 1e-3
"""Relative gap an integer search stops at: the plan is proven within 0.1% of the best whole-unit plan."""
ROUNDING_SHARE = 0.25
ROUNDING_FACTOR = 10.0
ROUNDING_MIN_SECONDS = 1.0
"""The rounding heuristic improves its plan for ten times the LP's time (at least a second, at
most a quarter of the time limit), or until it is within half the gap asked for of the LP bound."""


@dataclass
class Solution:
    """Raw numbers of a solve, indexed like the model's columns and rows.

    ``duals`` and ``reduced_costs`` are in solver units, with the sign
    "change in objective per unit increase"; :mod:`optimiser.results` turns
    them into planner units.
    """

    status: Status
    solver: str
    objective: float = float("nan")
    values: np.ndarray = field(default_factory=lambda: np.zeros(0))
    activity: np.ndarray = field(default_factory=lambda: np.zeros(0))
    duals: np.ndarray = field(default_factory=lambda: np.zeros(0))
    reduced_costs: np.ndarray = field(default_factory=lambda: np.zeros(0))
    mip: bool = False
    lp_bound: float | None = None
    tie_break_applied: bool = False
    smoothing_applied: bool = False
    smoothing_share: float | None = None
    output_given_up: float = 0.0
    """Weighted output the smoothing stage gave up for a steadier plan (0 within the tie-break's 1e-7:
    :func:`given_up`)."""
    steadiness_cost: float | None = None
    """Yuan the steadier plan spends above the cheapest plan with its output (``max_output`` with a share to
    give up): 0 when no output was given up or the amount is within the stage's cost cap; None when not
    computed (no share to give up, ``min_cost``, a whole-unit plan that gives output up: its note says so)
    or when that solve failed."""
    notes: list[str] = field(default_factory=list)
    solve_seconds: float = 0.0
    backend: Backend | None = None
    bound: float | None = None
    """Integer plans: the best bound proven on any whole-unit plan (planner units)."""
    gap: float | None = None
    """Integer plans: the proven relative gap, ``|bound − objective| / |objective|``."""
    mip_gap: float | None = None
    time_limit: float | None = None
    lp_seconds: float | None = None
    first_plan_seconds: float | None = None
    """Seconds from the start of the run to the first whole-unit plan (the rounded one)."""
    search_seconds: float | None = None
    """Seconds of the main integer search (after the rounding)."""
    target_seconds: float | None = None
    """Seconds from the start of the run until a plan was proven within ``mip_gap`` (None: not reached)."""
    rounded_objective: float | None = None
    """The objective of the rounded plan handed to the search (planner units)."""
    unit_rows: list[int] = field(default_factory=list)
    """Rows of lever units alone that rule whole units out (no whole-unit plan was found)."""
    stage_seconds: dict[str, float] = field(default_factory=dict)
    """Wall seconds of each stage that ran, in order: ``main`` (for an integer plan the LP, the rounding and
    the search), ``tie_break``, ``smoothing``, ``steadiness_cost`` and ``shadow_prices`` (of an LP, what the
    run still waited for the shadow prices once the later stages were done: they are chosen in a second
    thread meanwhile; of an integer plan, the LP with its units fixed). A stage that did not run (no
    tie-break, no smoothing, no solve for the cost of steadiness) is not listed. The API adds ``baseline``,
    solved after the run and outside its ``solve_seconds``."""
    main_method: str | None = None
    """How step 1 was solved: "simplex", "interior point" (large LPs, see
    :data:`~optimiser.solve.backends.IPM_COLUMNS`), "branch and cut" (integer plans) or the method the
    solver options named."""


@dataclass
class _Run:
    """What the stages of one run share: the model, its back end, the objective solved first and the clock."""

    model: Model
    backend: Backend
    solution: Solution
    primary: Terms
    sense: Sense
    started: float
    time_limit: float | None
    deadline: float | None
    threads: int | None
    reporter: Progress | None
    tie_break_basis: Any = None
    """The basis of the tie-break (main rows and its output floor), for :func:`_steadiness_cost`."""

    @property
    def min_cost(self) -> bool:
        return self.model.mode == "min_cost"

    def finish(self, status: Status | None = None) -> Solution:
        """The solution with its status (when given) and the run's seconds."""
        if status is not None:
            self.solution.status = status
        self.solution.solve_seconds = time.perf_counter() - self.started
        return self.solution


def run(
    model: Model, solver: str = "highs", time_limit: float | None = None, threads: int | None = None,
    mip_gap: float | None = None, progress: bool = False, options: dict[str, Any] | None = None,
) -> Solution:
    """Solve ``model`` as described in the module docstring.

    ``progress`` reports a solve that runs longer than a few seconds on
    stderr: for an integer search its incumbent, bound, gap and time as they
    improve, for an LP the stage running (main solve, tie-break, smoothing,
    cost of steadiness, shadow prices) and the time, every ten seconds. ``options`` go to
    the solver (see :func:`~optimiser.solve.backends.checked_options`).
    """
    job = _begin(model, solver, time_limit, threads, mip_gap, progress, options)
    # An LP's solver says nothing while it runs: a second thread names the stage running (an integer
    # search reports its own progress).
    stop = None
    if job.reporter is not None and not job.solution.mip:
        job.reporter.start_stage(_("main solve"))
        stop = job.reporter.watch()
    try:
        return _stages(job)
    finally:
        if stop is not None:
            stop()


def _stages(job: _Run) -> Solution:
    """The stages of :func:`run` on a loaded back end, in order; the solution as it ends."""
    model = job.model
    rounded: Rounded | None = None
    stage_lp: FixedLP | None = None
    if job.solution.mip:
        status, rounded, stage_lp = _integer_start(job)
        if status is not None:
            return job.finish(status)
    status = _main_solve(job, rounded)
    job.solution.status = status
    if not status.ok:
        return job.finish()
    objective = _main_objective(job)
    clock = _StageClock(job.solution.stage_seconds, job.started)
    clock.done("main")
    if job.solution.mip:
        _integer_stages(job, stage_lp, objective, clock)
        _check_plan(job)
        return job.finish()
    # The canonical shadow prices of this optimum are chosen (in a second thread) while the later stages run.
    duals = _record_duals(job.solution, model, job.backend, job.primary, job.sense, overlap=OVERLAP_DUALS)
    clock.done("tie_break", ran=_tie_break(job, objective))
    clock.done("smoothing", ran=_smoothing(job, objective))
    clock.done("steadiness_cost", ran=_steadiness(job))
    _announce(job, _("shadow prices"))
    duals()
    clock.done("shadow_prices")
    _check_plan(job)
    return job.finish()


PLAN_CHECK = 1e-5
"""How far the plan returned may leave a limit, as a share of the sum of its row's terms in absolute value, or a
bound, as a share of it (at least of one solver unit), before the run refuses it. The solvers keep within 1e-7
on their scaled programme (CBC's plan comes in eight significant digits); only options that loosen their
tolerances (``solver_options``) take a plan this far."""


def _check_plan(job: _Run) -> None:
    """Refuse (``not_solved``, with a note naming the worst breach) a plan the solver returned that breaks its
    limits or bounds by more than :data:`PLAN_CHECK`: it would be read as the optimum."""
    solution = job.solution
    if not solution.status.ok or solution.values is None:
        return
    form = getattr(job.backend, "form", None) or matrix_form(job.model)
    x = np.asarray(solution.values, dtype=float)
    if len(x) != len(form.col_lower):
        return
    activity = form.csc @ x
    with np.errstate(invalid="ignore"):
        rows = np.maximum(form.row_lower - activity, activity - form.row_upper)
        # As a share of the row's terms: a solver's round-off grows with them (and CBC hands its plan over
        # in eight digits).
        rows /= np.maximum(1.0, abs(form.csc) @ np.abs(x))
        cols = np.maximum(form.col_lower - x, x - form.col_upper)
        bound = np.minimum(np.abs(form.col_lower), np.abs(form.col_upper))
        cols /= np.maximum(1.0, np.where(np.isfinite(bound), bound, 1.0))  # a free column: by one unit
    rows, cols = np.nan_to_num(rows, nan=np.inf), np.nan_to_num(cols, nan=np.inf)
    broken_rows, broken_cols = np.flatnonzero(rows > PLAN_CHECK), np.flatnonzero(cols > PLAN_CHECK)
    if not (len(broken_rows) or len(broken_cols)):
        return
    if len(broken_rows) and (not len(broken_cols) or rows[broken_rows].max() >= cols[broken_cols].max()):
        info = job.model.book.rows[int(broken_rows[np.argmax(rows[broken_rows])])]
        worst = " ".join(part for part in (info.label, info.where, f"[{info.config_path}]") if part)
    else:
        worst = form.names[int(broken_cols[np.argmax(cols[broken_cols])])] if form.names else "?"
    solution.status = Status.NOT_SOLVED
    count = len(broken_rows) + len(broken_cols)
    solution.notes.append(ngettext(
        "the solver returned a plan that breaks {count} limit or bound ({worst}), so it is not shown as a plan: "
        "options that loosen the solver's tolerances (solver options) can do this; run without them",
        "the solver returned a plan that breaks {count} limits or bounds (the worst: {worst}), so it is not "
        "shown as a plan: options that loosen the solver's tolerances (solver options) can do this; run "
        "without them", count).format(count=count, worst=worst))


def _announce(job: _Run, stage: str) -> None:
    """An LP's stage starts: named on stderr when ``progress`` is on and the solve has run a few seconds."""
    if job.reporter is not None and not job.solution.mip:
        job.reporter.begin(stage)


class _StageClock:
    """Wall seconds since the last stage ended, stored under each stage's name as it ends.

    A stage that did not run (``ran`` false) is not stored: the moment spent deciding so counts in the next.
    """

    def __init__(self, seconds: dict[str, float], started: float) -> None:
        self.seconds, self.last = seconds, started

    def done(self, stage: str, ran: bool = True) -> None:
        if not ran:
            return
        now = time.perf_counter()
        self.seconds[stage] = now - self.last
        self.last = now


def _begin(
    model: Model, solver: str, time_limit: float | None, threads: int | None, mip_gap: float | None,
    progress: bool, options: dict[str, Any] | None,
) -> _Run:
    """The back end loaded with ``model``, an empty solution and the run's limits (an integer plan's defaults)."""
    started = time.perf_counter()
    mip = model.is_mip
    if mip and time_limit is None:
        time_limit = DEFAULT_MIP_SECONDS
    if mip and mip_gap is None:
        mip_gap = DEFAULT_MIP_GAP
    deadline = started + time_limit if time_limit is not None else None
    backend = make_backend(solver, model, time_limit, threads, options)
    min_cost = model.mode == "min_cost"
    solution = Solution(status=Status.NOT_SOLVED, solver=backend.name, mip=mip, backend=backend)
    if mip:
        solution.mip_gap, solution.time_limit = mip_gap, time_limit
    reporter = Progress(scale=model.objective_scale, started=started) if progress else None
    return _Run(
        model, backend, solution, model.cost if min_cost else model.output, "min" if min_cost else "max",
        started, time_limit, deadline, threads, reporter,
    )


def _integer_start(job: _Run) -> tuple[Status | None, Rounded | None, FixedLP]:
    """An integer plan's start: the LP, rounded to a whole-unit plan the search begins from (:func:`_start_plan`)."""
    job.backend.set_mip(job.solution.mip_gap, job.reporter)
    status, rounded, stage_lp = _start_plan(
        job.backend, job.model, job.solution, job.primary, job.sense, job.started, job.deadline, job.threads,
        job.reporter,
    )
    if status is None:
        job.backend.set_time_limit(_left(job.deadline))
    return status, rounded, stage_lp


def _main_solve(job: _Run, rounded: Rounded | None) -> Status:
    """Step 1, the config's objective; for an integer plan the search, settled against the rounded plan."""
    solution = job.solution
    search_started = time.perf_counter()
    status = job.backend.solve_main(job.primary, job.sense)
    primary_seconds = time.perf_counter() - job.started
    solution.main_method = job.backend.main_method
    if job.backend.main_by_size:
        columns = len(job.backend.column_bounds()[0])
        solution.notes.append(_(
            "the main solve used the interior point method with crossover, faster than simplex for an LP of "
            "{columns} decisions; the later stages continue by simplex from its basis").format(columns=f"{columns:,}"))
    if not solution.mip:
        return status
    solution.search_seconds = time.perf_counter() - search_started
    status = _settle_search(job.backend, job.model, solution, status, rounded, job.primary, job.sense)
    if status is Status.OPTIMAL:
        solution.target_seconds = _target_seconds(solution, primary_seconds)
    return status


def _target_seconds(solution: Solution, primary_seconds: float) -> float | None:
    """When a proven plan was reached: at the rounding, when the rounded plan was already within the gap."""
    if solution.lp_bound is not None and solution.rounded_objective is not None and solution.mip_gap is not None:
        if relative_gap(solution.rounded_objective, solution.lp_bound) <= solution.mip_gap:
            return solution.first_plan_seconds
    return primary_seconds


def _main_objective(job: _Run) -> float:
    """The optimum of step 1 in solver units (also stored, in planner units, on the solution)."""
    solution, scale = job.solution, job.model.objective_scale
    if solution.mip and solution.objective == solution.objective:
        return solution.objective / scale
    objective = job.backend.objective_value()
    solution.objective = objective * scale
    return objective


def _tie_break(job: _Run, objective: float) -> bool:
    """Step 2 of an LP: the cheapest plan at the optimum (most output at the least cost, ``min_cost``).

    Returns whether the stage ran (``objective.tie_break``).
    """
    model, backend, solution = job.model, job.backend, job.solution
    x, activity = backend.values(), backend.row_activity()
    ran = model.config.objective.tie_break
    if ran:
        _announce(job, _("tie-break (the most output at this cost)") if job.min_cost
                  else _("tie-break (the cheapest plan with this output)"))
        if job.min_cost:
            done = _stage(backend, model, solution, N_("most-output tie-break"), [(model.cost, -np.inf, cost_cap(objective))],
                          model.output, "max", job.time_limit)
        else:
            done = _stage(backend, model, solution, N_("cheapest-plan tie-break"),
                          [(model.output, floor_value(objective), np.inf)], model.cost, "min", job.time_limit)
            smooth = model.config.objective.smooth
            if done and smooth is not None and smooth > TIE_BREAK_TOLERANCE:
                job.tie_break_basis = backend.basis()
        if done:
            x, activity = backend.values(), backend.row_activity()
    solution.values, solution.activity = x, activity
    return ran


def _smoothing(job: _Run, objective: float) -> bool:
    """Step 3 of an LP: the steadiest plan within the smoothing share; records the output given up.

    Returns whether the stage ran (``objective.smooth`` set and something for it to settle).
    """
    model, backend, solution = job.model, job.backend, job.solution
    smooth = model.config.objective.smooth
    changes = _changes(model)
    if smooth is None or not (changes or smoothing_ties(model)):
        # (With no year-to-year change to price, one year, the stage still settles ties.)
        return False
    _announce(job, _("smoothing stage (the steadiest plan)"))
    x = solution.values
    output_before = value_of(model.output, x, model.column_of)
    cost_before = value_of(model.cost, x, model.column_of)
    limits = _smoothing_limit_rows(job, objective, output_before, cost_before, smooth)
    if _smooth(backend, model, solution, changes, limits, job.time_limit):
        solution.values = backend.values()
        solution.activity = backend.row_activity()
    solution.smoothing_share = smooth
    reference = output_before if job.min_cost else objective
    solution.output_given_up = given_up(reference, value_of(model.output, solution.values, model.column_of))
    return True


ROW_FEASIBILITY = 1e-6
"""How far (solver units) a solver may leave a row's bound and still call the plan feasible: ten times the
primal feasibility tolerance of HiGHS and CBC (1e-7), for scaling. A stage's tolerance is judged with it."""


def given_up(reference: float, output: float) -> float:
    """Output a steadier plan gives up below ``reference``; none within the tie-break's 1e-7 of it.

    The tie-break itself may return a plan that much below the optimum (:func:`floor_value`, up to the
    solver's :data:`ROW_FEASIBILITY`): a loss no larger is its round-off, not output given up for steadiness.
    """
    loss = reference - output
    return loss if loss > reference - floor_value(reference) + ROW_FEASIBILITY else 0.0


WHOLE_UNIT_STEADINESS_NOTE = N_(
    "the money spent for steadiness is not computed for a whole-unit plan: the least cost of its output in whole "
    "units would take another integer search"
)


def _steadiness(job: _Run) -> bool:
    """After a smoothing stage that may give output up (``max_output``): what its steadiness costs in money.

    Stores :attr:`Solution.steadiness_cost`: none spent when no output was given up (the plan keeps the
    optimum within the tie-break's tolerance and its cost within the stage's cap of the cheapest); for an
    LP the solve of :func:`_steadiness_cost` otherwise; a whole-unit plan that gives output up gets a note
    instead (:data:`WHOLE_UNIT_STEADINESS_NOTE`). Returns whether a solve for it ran.
    """
    solution, smooth = job.solution, job.model.config.objective.smooth
    if not solution.smoothing_applied or job.min_cost or smooth is None or smooth <= TIE_BREAK_TOLERANCE:
        return False
    if not solution.output_given_up:
        solution.steadiness_cost = 0.0
        return False
    if solution.mip:
        solution.notes.append(_(WHOLE_UNIT_STEADINESS_NOTE))
        return False
    _announce(job, _("cost of steadiness (the cheapest plan with the same output)"))
    solution.steadiness_cost = _steadiness_cost(job, solution.values)
    return True


def _steadiness_cost(job: _Run, x: np.ndarray) -> float | None:
    """Yuan the plan ``x`` spends above the cheapest plan with its output (None when that solve fails).

    With a share of output to give up, the smoothing stage keeps the cost cap
    of the full optimum (docs/model.md), so a steadier plan may spend money a
    less steady plan with the same output would save: one more solve, the
    least cost with output at least that of ``x`` (less 1e-7 of it), says how
    much. The plan returned stays ``x``.
    """
    model, backend = job.model, job.backend
    output = value_of(model.output, x, model.column_of)
    cost = value_of(model.cost, x, model.column_of)
    # The tie-break's programme with its output floor lowered to this plan's: dual simplex from the
    # tie-break's basis moves the floor in a few pivots (from the smoothing stage's basis, with its
    # columns, the same solve took three times the stage itself at 100 generated institutions).
    backend.drop_floor()
    backend.add_row(model.output, floor_value(output), np.inf)
    if job.tie_break_basis is not None:
        backend.set_basis(job.tie_break_basis)
    backend.set_time_limit(job.time_limit)
    if backend.solve(model.cost, "min") is not Status.OPTIMAL:
        return None
    least = backend.objective_value()
    # Within the smoothing stage's cost cap of the least cost (1e-7 of it and one yuan) is the stage's round-off.
    return (cost - least) / MONEY_SCALE if cost > cost_cap(least) + ROW_FEASIBILITY else 0.0


def _smoothing_limit_rows(
    job: _Run, objective: float, output_before: float, cost_before: float, smooth: float,
) -> list[tuple[Terms, float, float]]:
    """:func:`smoothing_limits` as rows over the model's terms, the primary objective's first."""
    model = job.model
    primary, other = (model.cost, model.output) if job.min_cost else (model.output, model.cost)
    first, second = smoothing_limits(job.min_cost, objective, output_before, cost_before, smooth)
    return [(primary, *first), (other, *second)]


def _changes(model: Model, form: MatrixForm | None = None) -> list[tuple[Terms, float]]:
    """The plan changes the smoothing stage prices (changes between units fixed in advance cannot be smoothed).

    ``form`` gives the bounds as the config set them (a back end may have fixed the model's integer decisions since).
    """
    if model.config.objective.smooth is None:
        return []
    return [(terms, price) for terms, price in model.form.plan_changes() if any(_free(var, form) for var in terms)]


def _free(var: Any, form: MatrixForm | None) -> bool:
    """Whether a decision may move (its bounds as the config set them, when ``form`` is given)."""
    if form is not None:
        col = form.column_of[var]
        return bool(form.col_lower[col] != form.col_upper[col])
    return bool(var.lowBound != var.upBound)


def _integer_stages(job: _Run, lp: FixedLP | None, objective: float, clock: _StageClock) -> None:
    """Tie-break and smoothing of an integer plan, then the LP with its units fixed for shadow prices.

    Proving an integer plan the cheapest or the steadiest can take far longer
    than finding it. So each later stage starts from the plan found, keeps its
    rows (the optimum within the stage's tolerance) and moves whole units one
    at a time while its own objective improves (:func:`.rounding.stage_search`),
    for at most the time the LP and the search took (at least
    :data:`MIP_STAGE_SECONDS`) and never past the run's limit. The notes say
    what each stage did and whether it stopped early. ``clock`` times each stage that runs.
    """
    solution = job.solution
    x = job.backend.values()
    searched = (solution.lp_seconds or 0.0) + (solution.search_seconds or 0.0)
    allowed = max(MIP_STAGE_SECONDS, MIP_STAGE_FACTOR * searched)
    if lp is None:
        from .rounding import FixedLP

        lp = FixedLP(getattr(job.backend, "form", None) or matrix_form(job.model))
    if job.model.config.objective.tie_break:
        x, ran = _integer_tie_break(job, lp, x, objective, allowed)
        clock.done("tie_break", ran)
    x, ran = _integer_smoothing(job, lp, x, objective, allowed)
    clock.done("smoothing", ran)
    _steadiness(job)
    _fixed_unit_duals(job, lp.form, x)
    clock.done("shadow_prices")


def _dense(terms: Terms, form: MatrixForm) -> tuple[np.ndarray, np.ndarray]:
    """Columns (of ``form``) and coefficients of ``terms`` as arrays."""
    cols = np.fromiter(map(form.column_of.__getitem__, terms), dtype=np.int32, count=len(terms))
    return cols, np.array(list(terms.values()), dtype=float)


def _unit_stage_until(job: _Run, name: str, allowed: float) -> float | None:
    """When a later stage of an integer plan must stop (``time.perf_counter()``); None: skipped, no time left."""
    left = _left(job.deadline)
    if left is not None and left < 0.05:
        job.solution.notes.append(_("the {stage} was skipped: the time limit was spent before it").format(
            stage=_(name)))
        return None
    if job.reporter is not None:
        job.reporter.start_stage(_(name))  # marked with N_ where named
        job.reporter.note(_("whole-unit changes from the plan found"))
    return time.perf_counter() + (allowed if left is None else min(allowed, left))


def _integer_tie_break(
    job: _Run, lp: FixedLP, x: np.ndarray, objective: float, allowed: float,
) -> tuple[np.ndarray, bool]:
    """Step 2 of an integer plan by whole-unit moves from ``x``; returns the plan it ends with and whether it ran."""
    model, solution, form, min_cost = job.model, job.solution, lp.form, job.min_cost
    name = N_("most-output tie-break") if min_cost else N_("cheapest-plan tie-break")
    until = _unit_stage_until(job, name, allowed)
    if until is None:
        return x, False
    if min_cost:
        rows = [(*_dense(model.cost, form), -np.inf, cost_cap(objective))]
        costs, stage_sense = form.costs(model.output), "max"
    else:
        rows = [(*_dense(model.output, form), floor_value(objective), np.inf)]
        costs, stage_sense = form.costs(model.cost), "min"
    from .rounding import stage_search

    found = stage_search(lp, x, costs, stage_sense, rows, 0, until)
    if found.values is None:
        solution.notes.append(_("the {stage} did not solve; the plan is the one found before it").format(
            stage=_(name)))
        return x, True
    solution.tie_break_applied = True
    solution.notes.append(_tie_break_did(_(name), found, min_cost))
    return found.values, True


def _tie_break_did(stage: str, found: StageSearch, min_cost: bool) -> str:
    """What the whole-unit tie-break ``stage`` (its name, translated) did, in a note's words."""
    change = f"{abs(found.after - found.before) * (1.0 if min_cost else 1.0 / MONEY_SCALE):,.2f}"
    if found.moved and min_cost:
        did = _("the {stage} moved {count} whole units from the integer plan found ({change} weighted output "
                "more); the stage's rows keep the optimum").format(stage=stage, count=found.moved, change=change)
    elif found.moved:
        did = _("the {stage} moved {count} whole units from the integer plan found ({change} yuan saved); the "
                "stage's rows keep the optimum").format(stage=stage, count=found.moved, change=change)
    else:
        did = _("the {stage} found no whole-unit change that improves the integer plan found").format(stage=stage)
    if not found.finished:
        did += _("; it stopped at its time limit, a better plan by that measure may exist")
    return did


def _integer_smoothing(
    job: _Run, lp: FixedLP, x: np.ndarray, objective: float, allowed: float,
) -> tuple[np.ndarray, bool]:
    """Step 3 of an integer plan by whole-unit moves from ``x``; returns the plan it ends with and whether it ran."""
    model, solution, form = job.model, job.solution, lp.form
    smooth = model.config.objective.smooth
    changes = _changes(model, form)
    if smooth is None or not changes:
        return x, False
    output_before, cost_before = value_of(model.output, x, model.column_of), value_of(model.cost, x, model.column_of)
    until = _unit_stage_until(job, N_("smoothing stage"), allowed)
    if until is None:
        return x, False
    limits = _smoothing_limit_rows(job, objective, output_before, cost_before, smooth)
    rows, costs = _smoothing_rows(model, form, changes, limits)
    from .rounding import stage_search

    found = stage_search(lp, x, costs, "min", rows, 2 * len(changes), until)
    if found.values is None:
        solution.notes.append(_("the smoothing stage did not solve; the plan is the one found before it"))
    else:
        x = found.values
        solution.smoothing_applied = True
        solution.notes.append(_smoothing_did(found))
    solution.smoothing_share = smooth
    reference = output_before if job.min_cost else objective
    solution.output_given_up = given_up(reference, value_of(model.output, x, model.column_of))
    return x, True


def _smoothing_rows(
    model: Model, form: MatrixForm, changes: list[tuple[Terms, float]], limits: list[tuple[Terms, float, float]],
) -> tuple[list[tuple[np.ndarray, np.ndarray, float, float]], np.ndarray]:
    """The smoothing stage's rows (its limits, then one per priced change) and costs over the columns and
    a rise and a fall column per change."""
    n = len(form.columns)
    rows = [(*_dense(terms, form), lower, upper) for terms, lower, upper in limits]
    price: Terms = {}
    _break_ties(model, price, form)
    costs = np.zeros(n + 2 * len(changes))
    costs[:n] = form.costs(price)
    for k, (terms, cost) in enumerate(changes):
        cols, vals = _dense(terms, form)
        rise, fall = n + k, n + len(changes) + k
        rows.append((np.concatenate([cols, [rise, fall]]).astype(np.int32),
                     np.concatenate([vals, [-1.0, 1.0]]), 0.0, 0.0))
        costs[rise] = costs[fall] = cost * MONEY_SCALE
    return rows, costs


def _smoothing_did(found: StageSearch) -> str:
    """What the whole-unit smoothing stage did, in a note's words."""
    if found.moved:
        did = _("the smoothing stage moved {count} whole units from the integer plan (priced year-to-year change "
                "{before} -> {after} yuan)").format(count=found.moved, before=f"{found.before / MONEY_SCALE:,.0f}",
                                                     after=f"{found.after / MONEY_SCALE:,.0f}")
    else:
        did = _("the smoothing stage found no whole-unit change that makes the integer plan steadier")
    if not found.finished:
        did += _("; it stopped at its time limit, a steadier plan may exist")
    return did


def _fixed_unit_duals(job: _Run, form: MatrixForm, x: np.ndarray) -> None:
    """Step 4: the plan ``x`` with the LP of its integer decisions fixed solved again, for shadow prices."""
    backend, solution = job.backend, job.solution
    # The LP with the integer decisions fixed, for shadow prices: a few tenths
    # of a second even at national scale; it may run a little past the limit.
    left = _left(job.deadline)
    time_limit = job.time_limit
    backend.set_time_limit(max(left, 0.1 * time_limit, 1.0) if left is not None and time_limit else None)
    backend.drop_floor()
    backend.fix_integers(x)
    solution.values, solution.activity = x, form.csc @ x
    if backend.solve(job.primary, job.sense) is Status.OPTIMAL:
        # The canonical choice among degenerate shadow prices takes further solves: not past the limit.
        left = _left(job.deadline)
        _record_duals(solution, job.model, backend, job.primary, job.sense, canonical=left is None or left > 0)
        solution.notes.append(_(
            "integer plan: shadow prices and reduced costs are those of the LP with the integer decisions fixed"))
    _whole(job.model, solution)


def _left(deadline: float | None) -> float | None:
    return None if deadline is None else max(deadline - time.perf_counter(), 0.0)


def _whole(model: Model, solution: Solution) -> None:
    """Integer columns of the plan as exact whole numbers (no 2.9999999)."""
    import pulp

    integer = getattr(solution.backend, "integer", None)
    if integer is None:
        integer = np.array([var.cat == pulp.LpInteger for var in model.columns], dtype=bool)
    if len(solution.values) == len(integer):
        solution.values = np.where(integer, np.round(solution.values), solution.values)


def _start_plan(
    backend: Backend, model: Model, solution: Solution, primary: Terms, sense: Sense, started: float,
    deadline: float | None, threads: int | None, reporter: Progress | None,
) -> tuple[Status | None, Rounded | None, FixedLP]:
    """Solve the LP, round it to a whole-unit plan and hand that to the back end as its start.

    Returns a final status when the run ends here (the LP has no optimum, or
    no whole-unit plan exists), the rounded plan (None if none was found) and
    the LP, which the later stages use again.
    """
    from .rounding import FixedLP, whole_unit_plan

    form = getattr(backend, "form", None) or matrix_form(model)
    lp = FixedLP(form, threads)
    costs = form.costs(primary)
    if deadline is not None:
        lp.set_time_limit(deadline - time.perf_counter())
    status = lp.session.run(costs, sense)
    solution.lp_seconds = time.perf_counter() - started
    if status is not Status.OPTIMAL:
        # No LP optimum: the integer programme has none either.
        return (status if status is not Status.TIME_LIMIT else Status.TIME_LIMIT), None, lp
    solution.lp_bound = lp.objective() * model.objective_scale
    if reporter is not None:
        reporter.start_stage(_("rounding"))
    unit_cost = form.costs(model.cost)
    # Improving the rounded plan is worth a few LP solves, not the search's time.
    budget = max(ROUNDING_MIN_SECONDS, ROUNDING_FACTOR * solution.lp_seconds)
    if deadline is not None:
        budget = min(budget, ROUNDING_SHARE * (deadline - started))
    enough = 0.5 * (solution.mip_gap or 0.0)
    rounded = whole_unit_plan(lp, costs, sense, unit_cost, time.perf_counter() + budget, enough, deadline)
    if rounded.values is None:
        if rounded.unrestored_rows:
            solution.unit_rows = rounded.unrestored_rows
        return None, None, lp
    solution.first_plan_seconds = solution.lp_seconds + rounded.seconds_to_first
    solution.rounded_objective = rounded.objective * model.objective_scale
    if reporter is not None:
        reporter.note(_("rounded plan {plan}, LP bound {bound}").format(
            plan=f"{solution.rounded_objective:,.2f}", bound=f"{solution.lp_bound:,.2f}"))
        reporter.start_stage(_("integer search"))
    backend.set_start(rounded.values)
    return None, rounded, lp


def _settle_search(
    backend: Backend, model: Model, solution: Solution, status: Status, rounded: Rounded | None,
    primary: Terms, sense: Sense,
) -> Status:
    """Status, objective, bound and gap of the integer search; the rounded plan if the search has none better."""
    scale = model.objective_scale
    has_plan = status in (Status.OPTIMAL, Status.FEASIBLE)
    objective = backend.objective_value() if has_plan else float("nan")
    if rounded is not None and rounded.values is not None and _beats(rounded.objective, objective, has_plan, sense):
        # The search ended without a plan as good as the rounded one: report that one.
        if status is Status.INFEASIBLE:
            solution.notes.append(_("the integer search reported no plan; the rounded plan is reported"))
        backend.set_time_limit(None)
        backend.fix_integers(rounded.values)
        if backend.solve(primary, sense) is not Status.OPTIMAL:
            return status
        objective = backend.objective_value()
        status = Status.OPTIMAL if status is Status.OPTIMAL else Status.FEASIBLE
        has_plan = True
        solution.notes.append(_("the plan is the rounded LP plan: the integer search found none better in time"))
    if not has_plan:
        if status is Status.INFEASIBLE and solution.lp_bound is not None:
            solution.notes.append(_("the LP has a plan but no plan in whole units meets every limit"))
        return status
    bound = _search_bound(backend, solution, status, objective, sense, scale)
    solution.objective = objective * scale
    solution.bound = bound * scale
    solution.gap = relative_gap(objective, bound)
    return _proven_status(solution, status)


def _beats(rounded: float, objective: float, has_plan: bool, sense: Sense) -> bool:
    """Whether the rounded plan's objective is better than the search's (or the search has no plan)."""
    better = 1.0 if sense == "max" else -1.0
    return not has_plan or better * (rounded - objective) > 1e-9 * max(1.0, abs(objective))


def _search_bound(
    backend: Backend, solution: Solution, status: Status, objective: float, sense: Sense, scale: float,
) -> float:
    """The tightest bound proven on any whole-unit plan (solver units), never better than the plan itself."""
    better = 1.0 if sense == "max" else -1.0
    bounds = [b for b in (backend.mip_bound() if backend.is_mip() else None,) if b is not None]
    if status is Status.OPTIMAL and not bounds and backend.is_mip():
        # The search ended proven within the gap asked for, without saying its bound (CBC's log,
        # when the search completes): the bound is at most that gap away.
        bounds.append(objective + better * (solution.mip_gap or 0.0) * abs(objective))
    if solution.lp_bound is not None:
        bounds.append(solution.lp_bound / scale)
    # Every bound is valid; the tightest counts (and none is better than the plan itself).
    if not bounds:
        bound = objective
    else:
        bound = min(bounds) if sense == "max" else max(bounds)
    return max(bound, objective) if sense == "max" else min(bound, objective)


def _proven_status(solution: Solution, status: Status) -> Status:
    """OPTIMAL once the gap is within the one asked for; a note when the time limit left it wider."""
    target = solution.mip_gap or 0.0
    assert solution.gap is not None
    if solution.gap <= target * (1.0 + 1e-9) + 1e-12:
        # Proven within the gap asked for, whether or not the search ran to its end.
        status = Status.OPTIMAL
    if status is Status.FEASIBLE:
        solution.notes.append(_(
            "time limit reached with a whole-unit plan proven within {gap} of the best one (target {target}); a "
            "longer --time-limit may close the gap").format(gap=f"{solution.gap:.3%}", target=f"{target:.3%}"))
    return status




def cost_cap(cheapest: float) -> float:
    """The most a later stage may spend: the cheapest cost (solver units) plus 1e-7 of it and one yuan."""
    return cheapest * (1.0 + TIE_BREAK_TOLERANCE) + MONEY_SCALE


def smoothing_limits(
    min_cost: bool, objective: float, output_before: float, cost_before: float, share: float,
) -> tuple[tuple[float, float], tuple[float, float]]:
    """The smoothing stage's limits, (lower, upper) on the primary objective's row and then on the other's.

    ``max_output``: output at least the optimum less ``share``, cost at most
    the cheapest found (plus 1e-7 and one yuan); ``min_cost``: cost at most
    the optimum (plus 1e-7 and one yuan), output at least that of the plan
    found less ``share``. Solver units; the one rule for every session that
    runs the stage.
    """
    if min_cost:
        return (-np.inf, cost_cap(objective)), (floor_value(output_before, share), np.inf)
    return (floor_value(objective, share), np.inf), (-np.inf, cost_cap(cost_before))


def floor_value(output: float, share: float = TIE_BREAK_TOLERANCE) -> float:
    """Output a later stage must keep: all but ``share`` of ``output`` (the tie-break's 1e-7 unless given).

    A share below the tie-break's 1e-7 (``smooth: 0``) keeps that much: the
    cheapest plan itself may lie 1e-7 below the optimum, so a later stage held
    to the optimum exactly would start from a plan outside its own limit and
    the solvers would each return a plan of their own.
    """
    share = max(share, TIE_BREAK_TOLERANCE)
    return output * (1.0 - share) if output > 0 else output


def _stage(
    backend: Backend,
    model: Model,
    solution: Solution,
    name: str,
    limits: list[tuple[Terms, float, float]],
    objective: Terms,
    sense: Sense,
    time_limit: float | None,
) -> bool:
    """A tie-break: optimise ``objective`` within ``limits``; False when it found no plan (keep the one before)."""
    backend.relax_stage_rows()
    for terms, lower, upper in limits:
        backend.add_row(terms, lower, upper)
    backend.set_time_limit(time_limit)
    status = backend.solve(objective, sense)
    if status in (Status.UNBOUNDED, Status.INFEASIBLE, Status.NOT_SOLVED):
        # The plan before meets every limit, so this is numerical trouble in
        # the warm start (seen with budgets of 1e12 yuan): solve again from scratch.
        backend.restart()
        status = backend.solve(objective, sense)
    if status is Status.OPTIMAL:
        solution.tie_break_applied = True
        return True
    if status is Status.FEASIBLE or (status is Status.TIME_LIMIT and backend.has_solution()):
        solution.tie_break_applied = True
        solution.notes.append(_(
            "the {stage} stopped at its time limit: the plan keeps the optimum but a better plan by that measure "
            "may exist").format(stage=_(name)))
        return True
    solution.notes.append(_("the {stage} did not solve; the plan is the one found before it").format(stage=_(name)))
    backend.drop_floor()
    return False


def _smooth(
    backend: Backend,
    model: Model,
    solution: Solution,
    changes: list[tuple[Terms, float]],
    limits: list[tuple[Terms, float, float]],
    time_limit: float | None,
) -> bool:
    """The smoothing stage: the plan with the least priced year-to-year change within ``limits``."""
    x = backend.values()
    backend.relax_stage_rows()
    up = [column(f"change_up_{n}") for n in range(len(changes))]
    down = [column(f"change_down_{n}") for n in range(len(changes))]
    first_up = backend.add_columns([*up, *down])
    first_down = first_up + len(up)
    objective: Terms = {}
    rows: list[tuple[Terms, float, float]] = []
    basic: list[int] = []
    start = [np.zeros(len(changes)), np.zeros(len(changes))]
    for n, ((terms, price), rise, fall) in enumerate(zip(changes, up, down, strict=True)):
        rows.append(({**terms, rise: -1.0, fall: 1.0}, 0.0, 0.0))
        objective[rise] = objective[fall] = price * MONEY_SCALE
        # The plan found so far meets each row with the change on one side.
        change = value_of(terms, x, model.column_of)
        basic.append(first_up + n if change >= 0 else first_down + n)
        start[0][n], start[1][n] = max(change, 0.0), max(-change, 0.0)
        rise.setInitialValue(start[0][n])
        fall.setInitialValue(start[1][n])
    _break_ties(model, objective)
    if backend.is_mip():
        # The integer search starts from the plan found so far, with its changes.
        backend.set_start(np.concatenate([x, *start]))
    first = backend.add_rows(rows)
    backend.add_rows(limits)
    afresh = False
    if len(x) < WARM_SMOOTHING_COLUMNS:
        # A small programme: primal simplex continues from the plan found so far.
        backend.seed_basis(basic, list(range(first, first + len(rows))))
    else:
        # A new objective over new columns: presolve and dual simplex from
        # scratch beat primal simplex continued from the plan found so far
        # (measured: 14 s against 87 s at 300 institutions, 0.05 s against
        # 0.07 s at 10; CPU seconds on benchmarks/generate.py's heterogeneous
        # configs: 10.0 s and 16,021 pivots against 84.9 s and 61,009 at 100,
        # 0.20 s against 0.69 s at 10). The plan found is optimal for cost,
        # not steadiness: the steadiest plan is many degenerate primal pivots
        # away, and dual simplex continued from its basis, without the seeded
        # columns, needs fewer pivots but no presolve (0.32 s against 0.20 s
        # at 10). See WARM_SMOOTHING_COLUMNS for what else was tried; the
        # largest go by interior point (backends.AFRESH_IPM_COLUMNS).
        afresh = True
    backend.set_time_limit(time_limit)
    status = backend.solve_afresh(objective, "min") if afresh else backend.solve(objective, "min")
    if status in (Status.UNBOUNDED, Status.INFEASIBLE, Status.NOT_SOLVED):
        backend.restart()
        status = backend.solve(objective, "min")
    if status is Status.OPTIMAL or status is Status.FEASIBLE or (status is Status.TIME_LIMIT and backend.has_solution()):
        solution.smoothing_applied = True
        if status is not Status.OPTIMAL:
            solution.notes.append(_(
                "the smoothing stage stopped at its time limit: the plan keeps the optimum but a steadier plan may "
                "exist"))
        return True
    solution.notes.append(_("the smoothing stage did not solve; the plan is the one found before it"))
    backend.drop_floor()
    return False


WARM_SMOOTHING_COLUMNS = 1_000
"""Programmes with fewer columns continue the smoothing stage from the plan found so far; larger ones start afresh.

Measured on the stage's programme at 100 heterogeneous institutions
(``benchmarks/generate.py``, 26,290 columns, 25,594 rows; CPU seconds, HiGHS
1.16): from scratch by dual simplex with presolve 10.8 s (16,021 pivots).
Slower, with the same optimum: dual simplex continued from the tie-break's
basis 19.1 s (9,621 pivots); without presolve 24.2 s; scaling strategy 0
25.4 s, 4 15.0 s, 2 10.2 s (the same pivots); no cost perturbation 10.7 s;
``user_bound_scale=-2`` 11.3 s. Restricting the stage to the tie-break's
optimal face does not pay either: fixing every non-basic column with a
reduced cost above 1e-9 (4,654 of 6,713) leaves a programme solved in 2.9 s,
but its optimum is 1.7 times the stage's (492,258 against 286,126): the
stage's limits leave 1e-7 of the output and of the cost plus one yuan, so
columns with a reduced cost below a few tenths may still move several units,
and proving the full stage optimal from that basis took 18.7 s more (primal
simplex, 18,876 pivots). Fixing only reduced costs above 10 (2,772 columns):
9.7 s for the restricted programme, 36.9 s more by dual simplex.

What makes the stage slow is its limits, not its size: on the national
shape of ``benchmarks/v2_overhead.py`` at 100 institutions (the version-1
config, 12,490 plan columns) the main stage takes 8,511 pivots in 0.18 s and
the stage 12,795 in 2.3 s. The stage's programme with the main objective
solves in 0.38 s with its output and cost limits free and in 1.77 s with
them in place: a plan within 1e-7 of the optimum is a thin slice of the
plans, and each pivot near it costs four times as much. Splitting the two
dense limit rows into sums of 100 columns each did not change the time
(2.46 s against 2.38 s), nor did HiGHS's edge weights (Dantzig 4.4 s,
Devex 2.5 s, steepest edge 2.7 s), scaling strategies (0: 3.5 s; 3 and 5:
2.5 s) or price strategy (2.6 s).

Also measured on that programme (its MPS file solved alone in highspy,
wall seconds on a busy 2-core machine; 2.2-2.3 s as written): interior
point 2.7 s with crossover and 2.7 s without (about 100 iterations: the thin
slice slows it too); primal simplex (``simplex_strategy=4``) 2.4 s; no
presolve 6.2 s; parallel dual simplex (``parallel=on, threads=2``) no faster
on 2 cores, and ``simplex_strategy=2`` with two threads 57 s. Tightening
every non-basic column's bound by what its reduced cost in the tie-break
allows within the cost cap (exact: the stage's plans stay the same; 2,297
columns) gave 1.8 s, within the noise; the same for the rows, 2.0 s. Making
the output and cost limits elastic (penalised at 2 to 100 times their duals)
took 3.4-4.2 s, and dropping the tie-settling weights 6.5 s. Together with
the main stage's 0.14 s, this programme sets the floor of a solve with
``smooth`` (``benchmarks/v2_overhead.py`` prints it).
"""



def _break_ties(model: Model, objective: Terms, form: MatrixForm | None = None) -> None:
    """Make the steadiest plan unique, so every solver returns the same one.

    Plans with the same year-to-year change can still differ (the same seats
    built at one institution or another, the same money paid by one source or
    another). Small weights on each unit and on each source's money
    (:func:`~optimiser.solve.matrix.smoothing_ties`) pick one of them.
    Without them the split would be whichever vertex the solver reached.
    """
    for var, weight in smoothing_ties(model, lambda var: _free(var, form)):
        objective[var] = objective.get(var, 0.0) + weight


OVERLAP_DUALS = True
"""Whether an LP solved by HiGHS makes its canonical choice of shadow prices in a second thread while the
tie-break and smoothing stages run (HiGHS lets go of the interpreter while it solves; see :func:`_record_duals`)."""


def _main_basis(backend: Backend, form: MatrixForm, duals: np.ndarray) -> MainBasis | None:
    """The basis HiGHS found the optimum with, for the choice of shadow prices to start from (None without one)."""
    if backend.name != "highs":
        return None
    basis = backend.basis()
    if not basis.valid or len(basis.col_status) != form.n_cols or len(basis.row_status) != form.n_rows:
        return None
    return MainBasis(np.fromiter(map(int, basis.col_status), dtype=np.int8, count=form.n_cols),
                     np.fromiter(map(int, basis.row_status), dtype=np.int8, count=form.n_rows), duals)


def _record_duals(
    solution: Solution, model: Model, backend: Backend, primary: Terms, sense: Sense, canonical: bool = True,
    overlap: bool = False,
) -> Callable[[], None]:
    """Store the duals of the solve just made, made solver-independent (see :mod:`.duals`) if ``canonical``.

    Everything the choice reads (the plan, the row activities, the bounds) is
    taken from ``backend`` now. With ``overlap`` (HiGHS only) the choice runs in
    a second thread and the caller may go on using ``backend``; the returned
    call waits for it and stores the duals, their note in the place it would
    have had. Without, they are stored before this returns (the returned call
    does nothing). Call it in either case.
    """
    point = backend.duals()
    form = getattr(backend, "form", None) or matrix_form(model)
    # Bounds as they are now: integer decisions may have been fixed.
    lower, upper = backend.column_bounds()
    form = dataclasses.replace(form, col_lower=lower, col_upper=upper)
    exact = np.array([info.kind in EXACT_RATE_KINDS and info.institution is None for info in model.book.rows], dtype=bool)
    at = len(solution.notes)

    def store(found: tuple[np.ndarray, np.ndarray] | None) -> None:
        rates = own = point
        if not canonical:
            solution.notes.insert(
                at, _("shadow prices are the solver's own: the time limit left no time for the canonical choice"))
        elif found is None:
            solution.notes.insert(
                at, _("shadow prices are the solver's own: the optimum is degenerate and no canonical choice was "
                      "found"))
        else:
            own, rates = found
        solution.duals = rates
        # Reduced cost of a column = its objective coefficient less the value of
        # the resources it uses, priced at one consistent dual solution.
        solution.reduced_costs = form.costs(primary) - form.csc.T @ own

    if not canonical:
        store(None)
        return lambda: None
    # The choice is the same whichever solver makes it; for an integer plan, which shares a time
    # limit, HiGHS makes it (in process: CBC would need a process per face LP).
    chooser = "highs" if solution.mip else backend.name
    args = (form, form.costs(primary), sense, backend.values(), backend.row_activity(), chooser, exact)
    cbc = getattr(backend, "lp_options", None) if chooser == "cbc" else None
    start = _main_basis(backend, form, point) if chooser == "highs" else None
    if not (overlap and chooser == "highs"):
        store(canonical_duals(*args, cbc_options=cbc, start=start))
        return lambda: None
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="canonical-duals")
    pending = pool.submit(canonical_duals, *args, start=start)
    pool.shutdown(wait=False)
    return lambda: store(pending.result())
