"""A whole-unit plan from the LP optimum, in seconds, whatever the MILP search does.

The steps (docs/model.md, integer plans):

1. Round every integer lever of the LP optimum down when maximising, up when
   minimising cost (a target is then met by more of everything); the other
   way when that fails.
2. Restore the limits rounding broke that involve lever units only (a
   double-qualified share that rounding down misses, a per-year share or
   ceiling that a unit too many exceeds): add or remove whole units, one at a
   time, always the move that reduces the total breach most, preferring the
   units the LP wanted.
3. Re-optimise the continuous decisions (hours, trained students, money) in
   the LP with the integer columns fixed. Should that LP have no solution (a
   target or a funding cap that mixes units with other decisions), move whole
   units one at a time by the reduced costs of the least total breach
   (:func:`elastic_repair`). Failing that, dive: bound fractional units to a
   whole number a batch at a time, nearest first, re-solving between batches.
4. Improve: change units one at a time in the direction the fixed LP's
   reduced cost says pays, the best value per yuan first, keeping a change
   only when every limit still holds and the objective improves (in min_cost
   mode: units dropped while the targets hold). Changes are tried in batches;
   a batch that fails is halved.

The later stages of an integer plan (tie-break, smoothing) use the same moves
from the plan found, with exchanges (:func:`stage_search`).

All LPs are solved with HiGHS on the programme's arrays (:mod:`.matrix`),
warm-started from the basis before. The plan found is handed to the MILP
solver as its starting incumbent.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .matrix import MatrixForm

FEASIBILITY = 1e-6
"""Absolute breach of a row the repair tolerates (the solvers' own feasibility tolerance)."""
EXCHANGE_SOLVES = 12
"""LP solves one exchange's repair may take before the exchange is given up."""
EXCHANGE_TRIES = 20
"""Units whose move is tried as an exchange, the best value per yuan first, before the search ends."""


@dataclass
class Rounded:
    """What the heuristic found: a plan (all columns) or the rows it could not restore."""

    values: np.ndarray | None
    objective: float = float("nan")
    """In solver units (the objective passed in)."""
    lp_objective: float = float("nan")
    seconds: float = 0.0
    seconds_to_first: float = 0.0
    unrestored_rows: list[int] = field(default_factory=list)
    """Rows of lever units alone that whole units could not meet (when ``values`` is None)."""


class FixedLP:
    """The LP relaxation of a programme, whose integer columns can be fixed and freed again."""

    def __init__(self, form: MatrixForm, threads: int | None = None) -> None:
        from .backends import HighsBackend

        relaxed = dataclasses.replace(form, integer=np.zeros(form.n_cols, dtype=bool))
        self.backend = HighsBackend(None, form=relaxed, threads=threads)
        self.session = self.backend.session
        self.form = form
        self.index = np.flatnonzero(form.integer).astype(np.int32)
        self.lower = form.col_lower[self.index]
        self.upper = form.col_upper[self.index]

    def solve(self, costs: np.ndarray, sense: str) -> bool:
        from .status import Status

        return self.session.run(costs, sense) is Status.OPTIMAL

    def fix(self, z: np.ndarray) -> None:
        self.session.set_col_bounds(self.index, z, z)

    def free(self) -> None:
        self.session.set_col_bounds(self.index, self.lower, self.upper)

    def set_time_limit(self, seconds: float) -> None:
        self.session.set_time_limit(max(float(seconds), 0.01))

    def objective(self) -> float:
        return self.session.objective()

    def values(self) -> np.ndarray:
        return self.session.values()

    def reduced_costs(self) -> np.ndarray:
        return self.session.col_duals()


def unit_repair(lp: FixedLP) -> tuple[_Repair, np.ndarray]:
    """The rows of lever units alone (no continuous decision in them), ready for whole-unit moves."""
    form, index = lp.form, lp.index
    lo = np.ceil(np.where(np.isinf(lp.lower), -1e15, lp.lower) - FEASIBILITY)
    hi = np.floor(np.where(np.isinf(lp.upper), 1e15, lp.upper) + FEASIBILITY)
    a_int = form.a[:, index].tocsr()
    only_units = np.diff(form.a.tocsr()[:, np.setdiff1d(np.arange(form.n_cols), index)].indptr) == 0
    only_units &= np.diff(a_int.indptr) > 0
    repair = _Repair(a_int[only_units].tocsc(), form.row_lower[only_units], form.row_upper[only_units], lo, hi)
    return repair, only_units


def whole_unit_plan(
    lp: FixedLP, costs: np.ndarray, sense: str, unit_cost: np.ndarray, deadline: float, enough: float = 0.0,
    hard_deadline: float | None = None,
) -> Rounded:
    """Round the LP optimum held by ``lp`` (already solved) to a whole-unit plan; see the module docstring.

    ``unit_cost`` is the cost of one unit of each column (yuan in solver units,
    zero where none): the improvement tries the best value per yuan first.
    Stops improving at ``deadline`` (``time.perf_counter()``) or once the
    plan is within relative gap ``enough`` of the LP optimum; the first
    whole-unit plan may take until ``hard_deadline`` (the run's limit).
    """
    hard = max(deadline, hard_deadline) if hard_deadline is not None else deadline + 3600.0
    started = time.perf_counter()
    index = lp.index
    x = lp.values()
    lp_objective = lp.objective()
    repair, only_units = unit_repair(lp)
    wanted = x[index]
    z, unrestored = _rounded_start(lp, repair, wanted, costs, sense, hard)
    if z is None and len(unrestored) == ROUNDING_DIRECTIONS:
        # Whole units break a limit on units alone whichever way they are rounded.
        rows = np.flatnonzero(only_units)[unrestored[0]]
        lp.free()
        return Rounded(None, lp_objective=lp_objective, seconds=time.perf_counter() - started,
                       unrestored_rows=[int(r) for r in rows])
    if z is None:
        z = _dived_start(lp, repair, wanted, costs, sense, hard)
        if z is None:
            lp.free()
            return Rounded(None, lp_objective=lp_objective, seconds=time.perf_counter() - started)
    first = time.perf_counter() - started
    per_yuan = np.where(unit_cost[index] > 0, unit_cost[index], 1.0)
    z, best, _ = improve(lp, repair, z, costs, sense, per_yuan, deadline, lp_objective, enough)
    values = lp.values()
    values[index] = z
    lp.free()
    return Rounded(values, objective=best, lp_objective=lp_objective,
                   seconds=time.perf_counter() - started, seconds_to_first=first)


ROUNDING_DIRECTIONS = 2
"""Units are rounded down and up (the likelier way first) before the dive is tried."""


def _rounded_start(
    lp: FixedLP, repair: _Repair, wanted: np.ndarray, costs: np.ndarray, sense: str, hard: float,
) -> tuple[np.ndarray | None, list[list[int]]]:
    """Whole units rounded one way, then the other, repaired until the LP with them fixed has a plan.

    Maximising, units rounded down keep every cap and lose a little output; minimising
    cost, units rounded up go most of the way to every target. Limits that mix units
    with other decisions (a target, a funding cap) and still fail are then repaired by
    whole-unit moves; the dive is the last resort. Returns the units (fixed in ``lp``
    and solved) or None, and the limits on units alone each rounding left broken.
    """
    directions = [np.floor, np.ceil] if sense == "max" else [np.ceil, np.floor]
    unrestored: list[list[int]] = []
    for direction in directions:
        shift = FEASIBILITY if direction is np.floor else -FEASIBILITY
        z, left = repair.restore(np.clip(direction(wanted + shift), repair.lo, repair.hi), wanted)
        if left:
            unrestored.append(left)
            continue
        lp.set_time_limit(max(hard - time.perf_counter(), 0.01))
        lp.fix(z)
        if lp.solve(costs, sense):
            return z, unrestored
        repaired = elastic_repair(lp, repair, z, hard)
        if repaired is not None:
            lp.fix(repaired)
            if lp.solve(costs, sense):
                return repaired, unrestored
        if time.perf_counter() >= hard:
            break
    return None, unrestored


def _dived_start(
    lp: FixedLP, repair: _Repair, wanted: np.ndarray, costs: np.ndarray, sense: str, hard: float,
) -> np.ndarray | None:
    """Whole units by the dive (:func:`_dive`), fixed in ``lp`` and solved; None when it finds no plan."""
    lp.set_time_limit(max(hard - time.perf_counter(), 0.01))
    dived = _dive(lp, costs, sense, wanted, repair.lo, repair.hi, hard)
    if dived is None:
        return None
    lp.fix(dived)
    return dived if lp.solve(costs, sense) else None


def improve(
    lp: FixedLP, repair: _Repair, z: np.ndarray, costs: np.ndarray, sense: str, per_yuan: np.ndarray,
    deadline: float, bound: float | None = None, enough: float = 0.0, exchange: bool = False,
) -> tuple[np.ndarray, float, bool]:
    """Whole-unit moves from ``z`` (fixed in ``lp`` and solved) while the objective improves.

    Each unit moves one up or down as the fixed LP's reduced cost says pays,
    the best value per yuan (``per_yuan``) first; moves are tried in batches,
    a failed batch halved, and kept only when the limits on units alone hold,
    the LP has a plan and the objective improves. Stops at ``deadline``, once
    within relative gap ``enough`` of ``bound``, or when no single move pays.
    With ``exchange``, when no single move pays, a move that pays but leaves
    the LP without a plan is tried with other units moved to repair it
    (:func:`elastic_repair`). Returns the units, their objective, and whether
    the search ran to its end rather than stopping at the deadline.
    """
    index = lp.index
    best = lp.objective()
    better = 1.0 if sense == "max" else -1.0
    tried: set[tuple[int, int]] = set()
    while bound is None or abs(bound - best) > enough * max(abs(best), 1e-9):
        if time.perf_counter() >= deadline:
            return z, best, False
        d = lp.reduced_costs()[index] * better
        step = np.sign(d).astype(int)
        gain = np.abs(d) / per_yuan
        candidates = _ranked_moves(d, step, gain, z, repair, tried)
        if not candidates:
            break
        found = _paying_batch(lp, repair, z, candidates, step, costs, sense, best, deadline, tried)
        if found is not None:
            z, best = found
            continue
        lp.fix(z)
        lp.solve(costs, sense)
        if exchange and time.perf_counter() < deadline:
            swapped = _exchange(lp, repair, z, costs, sense, best, step, gain, deadline)
            if swapped is not None:
                z, best = swapped
                tried.clear()
                continue
        if time.perf_counter() >= deadline:
            return z, best, False
        if not candidates:
            break
    return z, best, True


def _ranked_moves(
    d: np.ndarray, step: np.ndarray, rank: np.ndarray, z: np.ndarray, repair: _Repair, tried: set[tuple[int, int]],
) -> list[int]:
    """Units whose move by ``step`` stays within their bounds and has a reduced cost ``d``, highest ``rank`` first.

    Moves already tried alone (in ``tried``) are left out.
    """
    can = (np.abs(d) > 1e-9) & (z + step >= repair.lo) & (z + step <= repair.hi)
    return [int(j) for j in np.flatnonzero(can)[np.argsort(-rank[can], kind="stable")]
            if (int(j), int(step[j])) not in tried]


def _paying_batch(
    lp: FixedLP, repair: _Repair, z: np.ndarray, candidates: list[int], step: np.ndarray, costs: np.ndarray,
    sense: str, best: float, deadline: float, tried: set[tuple[int, int]],
) -> tuple[np.ndarray, float] | None:
    """The first batch of ``candidates`` moved together that improves the objective: the units and objective.

    Batches start with every candidate and halve when they fail; a single move
    that fails is added to ``tried`` and removed from ``candidates`` (in place).
    """
    better = 1.0 if sense == "max" else -1.0
    batch = len(candidates)
    while batch >= 1 and time.perf_counter() < deadline:
        moves = candidates[:batch]
        trial = z.copy()
        trial[moves] += step[moves]
        if repair.holds(trial):
            lp.fix(trial)
            if lp.solve(costs, sense) and better * (lp.objective() - best) > 1e-9 * max(1.0, abs(best)):
                return trial, lp.objective()
        if batch == 1:
            tried.add((moves[0], int(step[moves[0]])))
            del candidates[0]
            if not candidates:
                break
            continue
        batch //= 2
    return None


def _exchange(
    lp: FixedLP, repair: _Repair, z: np.ndarray, costs: np.ndarray, sense: str, best: float, step: np.ndarray,
    gain: np.ndarray, deadline: float,
) -> tuple[np.ndarray, float] | None:
    """One unit moved the way that pays though the LP then has no plan, and other units moved to repair it.

    Tried in order of value per yuan, for the first :data:`EXCHANGE_TRIES`
    units; the first exchange that improves the objective is returned (the
    LP holds it), None if none does.
    """
    better = 1.0 if sense == "max" else -1.0
    order = np.flatnonzero(step != 0)
    for j in order[np.argsort(-gain[order], kind="stable")][:EXCHANGE_TRIES]:
        if time.perf_counter() >= deadline:
            break
        trial = z.copy()
        trial[j] += step[j]
        if not (repair.lo[j] <= trial[j] <= repair.hi[j]) or not repair.holds(trial):
            continue
        lp.fix(trial)
        if lp.solve(costs, sense):
            continue  # a single move, already tried
        repaired = elastic_repair(lp, repair, trial, deadline, EXCHANGE_SOLVES)
        if repaired is None or np.array_equal(repaired, z):
            continue
        lp.fix(repaired)
        if lp.solve(costs, sense) and better * (lp.objective() - best) > 1e-9 * max(1.0, abs(best)):
            return repaired, lp.objective()
    lp.fix(z)
    lp.solve(costs, sense)
    return None


@dataclass
class StageSearch:
    """What a later stage of an integer plan did: whole-unit moves from the plan found."""

    values: np.ndarray | None
    """The plan (the programme's columns), None when the stage's LP had no plan."""
    before: float = float("nan")
    after: float = float("nan")
    """The stage's objective at the plan found and at the plan returned (solver units)."""
    moved: int = 0
    """Units moved (the sum of the changes)."""
    finished: bool = True
    """False when the time ran out before no single move paid."""


def stage_search(
    lp: FixedLP, x: np.ndarray, costs: np.ndarray, sense: str, rows: list[tuple[np.ndarray, np.ndarray, float, float]],
    extra_columns: int, deadline: float,
) -> StageSearch:
    """A later stage (tie-break, smoothing) of an integer plan as whole-unit moves from the plan ``x``.

    ``rows`` are the stage's rows (column index, coefficient, lower, upper)
    over the programme's columns and ``extra_columns`` non-negative ones
    added after them; ``costs`` covers both. The continuous decisions are
    re-optimised with the units fixed (an LP), then units move one at a time
    as in :func:`improve`; every row holds throughout, so the plan returned
    keeps what the stage's rows protect (the optimum, within the stage's
    tolerance). Rows and columns added are removed again.
    """
    session = lp.session
    n, m = session.n_cols, session.n_rows
    if extra_columns:
        session.add_columns(extra_columns)
    if rows:
        starts = np.cumsum([0] + [len(cols) for cols, _, _, _ in rows[:-1]])
        session.add_rows([lo for _, _, lo, _ in rows], [hi for _, _, _, hi in rows], starts,
                         np.concatenate([cols for cols, _, _, _ in rows]),
                         np.concatenate([vals for _, vals, _, _ in rows]))
    try:
        lp.set_time_limit(max(deadline - time.perf_counter(), 0.01))
        repair, _ = unit_repair(lp)
        z = np.clip(np.round(x[lp.index]), repair.lo, repair.hi)
        lp.fix(z)
        if not lp.solve(costs, sense):
            return StageSearch(None)
        before = lp.objective()
        per_yuan = np.ones(len(lp.index))
        found, after, finished = improve(lp, repair, z, costs, sense, per_yuan, deadline, exchange=True)
        values = lp.values()[:n]
        values[lp.index] = found
        return StageSearch(values, before, after, int(np.abs(found - z).sum()), finished)
    finally:
        session.delete_rows(np.arange(m, session.n_rows))
        session.delete_cols(np.arange(n, session.n_cols))
        lp.free()


def elastic_repair(
    lp: FixedLP, repair: _Repair, z: np.ndarray, deadline: float, max_solves: int | None = None,
) -> np.ndarray | None:
    """Whole-unit moves from ``z`` until the LP with the units fixed has a plan; None if they stall.

    The breach is the least total violation of the programme's rows with the
    units fixed (an LP with a surplus and a shortfall column on every row).
    Its reduced costs say which unit, one more or one fewer, reduces it most;
    moves are tried in batches, the largest reduction first, a failed batch
    halved, and kept only when the limits on units alone still hold and the
    breach falls. Gives up after ``max_solves`` LP solves, if given.
    """
    session = lp.session.copy(time_limit=max(deadline - time.perf_counter(), 0.01))
    n, m = session.n_cols, session.n_rows
    rows = np.arange(m, dtype=np.int32)
    session.raw.addCols(
        2 * m, np.ones(2 * m), np.zeros(2 * m), np.full(2 * m, np.inf), 2 * m,
        np.arange(2 * m, dtype=np.int32), np.concatenate([rows, rows]), np.concatenate([np.ones(m), -np.ones(m)]),
    )
    costs = np.concatenate([np.zeros(n), np.ones(2 * m)])
    index = lp.index
    tolerance = FEASIBILITY

    solves = 0

    def breach(trial: np.ndarray) -> float | None:
        nonlocal solves
        solves += 1
        session.set_col_bounds(index, trial, trial)
        return session.objective() if session.run(costs, "min") is _optimal() else None

    def spent() -> bool:
        return max_solves is not None and solves >= max_solves

    now = breach(z)
    tried: set[tuple[int, int]] = set()
    while now is not None and now > tolerance and time.perf_counter() < deadline:
        if spent():
            return None
        d = session.col_duals()[index]
        step = -np.sign(d).astype(int)
        candidates = _ranked_moves(d, step, np.abs(d), z, repair, tried)
        if not candidates:
            return None
        found = _smaller_breach(z, candidates, step, now, breach, repair, tried, deadline, spent)
        if found is None:
            return None
        z, now = found
    return z if now is not None and now <= tolerance else None


def _smaller_breach(
    z: np.ndarray, candidates: list[int], step: np.ndarray, now: float, breach: Callable[[np.ndarray], float | None],
    repair: _Repair, tried: set[tuple[int, int]], deadline: float, spent: Callable[[], bool],
) -> tuple[np.ndarray, float] | None:
    """The first batch of ``candidates`` moved together that reduces the breach below ``now``: units and breach.

    Batches start at a quarter of the candidates and halve when they fail; a
    single move that fails is added to ``tried``.
    """
    batch = max(1, len(candidates) // 4)
    while candidates and time.perf_counter() < deadline and not spent():
        moves = candidates[:batch]
        trial = z.copy()
        trial[moves] += step[moves]
        after = breach(trial) if repair.holds(trial) else None
        if after is not None and after < now - 1e-9 * max(1.0, now):
            return trial, after
        if batch == 1:
            tried.add((moves[0], int(step[moves[0]])))
            candidates = candidates[1:]
            continue
        batch //= 2
    return None


def _optimal() -> object:
    from .status import Status

    return Status.OPTIMAL


def _dive(
    lp: FixedLP, costs: np.ndarray, sense: str, wanted: np.ndarray, lo: np.ndarray, hi: np.ndarray, deadline: float,
) -> np.ndarray | None:
    """Round fractional units a batch at a time (nearest first) by tightening their bounds, re-solving between batches.

    A unit at 2.3 gets an upper bound of 2, one at 2.7 a lower bound of 3 (the
    other side when the nearest has no plan); the LP then moves every other
    decision to suit, so a target that rounding alone misses is met by more of
    something else. Ends when the LP optimum has whole units.
    """
    bound_lo = np.where(lo < -1e14, -np.inf, lo)
    bound_hi = np.where(hi > 1e14, np.inf, hi)
    x = wanted.copy()
    while time.perf_counter() < deadline:
        fraction = np.abs(x - np.round(x))
        fractional = np.flatnonzero(fraction > FEASIBILITY)
        if not len(fractional):
            return np.clip(np.round(x), lo, hi)
        order = fractional[np.argsort(fraction[fractional], kind="stable")]
        batch = order[: max(1, len(order) // 4)]
        other = False
        while True:
            up = (x[batch] > np.round(x[batch])) != other
            trial_lo, trial_hi = bound_lo.copy(), bound_hi.copy()
            trial_lo[batch] = np.where(up, np.ceil(x[batch]), trial_lo[batch])
            trial_hi[batch] = np.where(up, trial_hi[batch], np.floor(x[batch]))
            lp.session.set_col_bounds(lp.index, trial_lo, trial_hi)
            if lp.solve(costs, sense):
                bound_lo, bound_hi = trial_lo, trial_hi
                x = lp.values()[lp.index]
                break
            if len(batch) == 1:
                if other or time.perf_counter() >= deadline:
                    return None
                other = True
                continue
            batch = batch[: len(batch) // 2]
    return None


class _Repair:
    """Rows of lever units alone: ``lower <= A z <= upper``, restored by whole-unit moves."""

    def __init__(self, a: object, lower: np.ndarray, upper: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
        import scipy.sparse as sp

        self.a = sp.csc_matrix(a)
        self.rows = self.a.tocsr()
        self.lower, self.upper = lower, upper
        self.lo, self.hi = lo, hi

    def breach(self, activity: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        lower = self.lower if rows is None else self.lower[rows]
        upper = self.upper if rows is None else self.upper[rows]
        return np.maximum(lower - activity, 0.0) + np.maximum(activity - upper, 0.0)

    def holds(self, z: np.ndarray) -> bool:
        return bool((self.breach(self.a @ z) <= FEASIBILITY).all())

    def restore(self, z: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, list[int]]:
        """Whole-unit moves until every row holds; returns the plan and the rows still broken."""
        z = z.copy()
        activity = self.a @ z
        for _ in range(10 * len(z) + 100):
            breach = self.breach(activity)
            broken = np.flatnonzero(breach > FEASIBILITY)
            if not len(broken):
                return z, []
            worst = int(broken[np.argmax(breach[broken])])
            up = activity[worst] < self.lower[worst]
            start, end = self.rows.indptr[worst], self.rows.indptr[worst + 1]
            best: tuple[float, float, float, int, int] | None = None
            for j, coef in zip(self.rows.indices[start:end], self.rows.data[start:end], strict=True):
                step = 1 if (coef > 0) == up else -1
                if not self.lo[j] <= z[j] + step <= self.hi[j]:
                    continue
                col = slice(self.a.indptr[j], self.a.indptr[j + 1])
                rows = self.a.indices[col]
                after = self.breach(activity[rows] + step * self.a.data[col], rows)
                change = float(after.sum() - breach[rows].sum())
                # A move that breaks a row which holds now is a last resort: trading one
                # breach for a smaller one elsewhere can leave both unrepairable.
                breaks = bool(((after > FEASIBILITY) & (breach[rows] <= FEASIBILITY)).any())
                # Prefer the units the LP wanted most (or least, when removing).
                preference = -step * (wanted[j] - z[j])
                key = (float(breaks), change, preference, int(j), step)
                if best is None or key < best:
                    best = key
            if best is None or best[1] >= -FEASIBILITY:
                return z, [int(r) for r in broken]
            _, _, _, j, step = best
            z[j] += step
            col = slice(self.a.indptr[j], self.a.indptr[j + 1])
            activity[self.a.indices[col]] += step * self.a.data[col]
        breach = self.breach(activity)
        return z, [int(r) for r in np.flatnonzero(breach > FEASIBILITY)]
