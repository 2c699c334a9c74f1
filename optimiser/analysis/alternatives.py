"""The room around the optimum: what each lever must get, what is a choice, and plans that differ.

:func:`alternatives` finds the optimal plan (the cheapest with the most
output: :func:`optimiser.solve`'s plan before its smoothing stage, which
returns the steadiest such plan, or with ``smooth`` a share a steadier plan
inside the room below), then looks at every plan
**within** a share of its output at no more cost (in ``min_cost`` mode: every
plan meeting the targets within that share of the least cost):

- for each lever, and for each lever at each institution, the least and the
  most it can be given, in yuan over the horizon (or in units started): a
  narrow range is **forced**, a wide one a **choice**;
- ``plans`` alternative plans that differ as much as a linear programme can
  make them (modelling to generate alternatives, as SPORES does): each new
  plan minimises its weighted use of the levers and institutions the plans
  found so far relied on, each weighted by how much of its range they used.

Every bound is one solve of the same HiGHS instance in which only the
objective changes, so each starts from the basis the one before ended with.
"""

from __future__ import annotations

import numbers
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..config.load import as_config
from ..config.types import Config
from ..errors import SolverError
from ..model import build_model
from ..model.formulation import MONEY_SCALE, Terms, add_terms
from ..solve.engine import TIE_BREAK_TOLERANCE
from ..solve.matrix import dense, matrix_form
from ..views import show

MEASURES = ("yuan", "units")

FORCED_SHARE = 0.1
"""A range narrower than this share of its top is ``forced``."""

UNUSED = 1.0
"""Yuan (or 1e-6 units) at or below which a lever counts as unused, at least (see :func:`_cut_offs`)."""

TOLERANCE_YUAN = 1.0
"""Yuan the plans looked at may cost above the optimal plan for the solver's rounding (in ``max_output`` mode
also ``TIE_BREAK_TOLERANCE`` of its cost): every lever can be given this much in plans that need none of it."""


Item = tuple[str, str, str, np.ndarray]
"""(lever, institution or ``all``, lever kind, coefficient of each column): one thing whose range is found."""


@dataclass
class Alternatives:
    """Ranges of each lever (and lever at each institution) among near-optimal plans, and differing plans.

    Attributes
    ----------
    ranges
        One row per lever (``institution`` is ``"all"``) and per lever at an
        institution: ``low``, ``high`` (yuan over the horizon, or units),
        ``optimal`` (in the optimal plan), ``width`` and ``verdict``:
        ``unused`` (never given more than the cut-off), ``forced`` (given more
        than the cut-off in every plan, and a range narrower than
        ``forced_share`` of its top plus the cut-off) or ``choice``. The
        cut-off (``summary["cut_off"]``, per lever) is twice what the cost
        tolerance alone lets a lever be given (the 1 yuan, in ``max_output``
        mode plus 1e-7 of the least cost, by which a plan may exceed the
        optimum's cost), at least 1 yuan (or 1e-6 units); a lever's rows at
        each institution share its cut-off and are ``unused`` when the lever
        is.
    plans
        One row per lever at an institution, one column per plan: ``optimal``
        and ``alternative 1`` ... (yuan, or units).
    plan_summary
        Per plan: ``output`` (weighted graduates), ``total_cost`` (yuan) and
        ``distance`` (half the sum of absolute differences from the optimal
        plan, in the measure, as a share of the optimal plan's total).
    summary
        Settings, the optimum, the slack and timings.
    """

    ranges: pd.DataFrame
    plans: pd.DataFrame
    plan_summary: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)
    config: Config | None = field(default=None, repr=False)
    """The config looked at (its levers give the plot's colours)."""

    def forced(self, institutions: bool = True) -> pd.DataFrame:
        """The rows whose range is narrow (what every near-optimal plan must do).

        ``institutions=False`` keeps the rows of whole levers (institution ``all``) only.
        """
        return self._verdict("forced", institutions)

    def choices(self, institutions: bool = True) -> pd.DataFrame:
        """The rows whose range is wide (where the planner may choose); ``institutions`` as in :meth:`forced`."""
        return self._verdict("choice", institutions)

    def verdicts(self) -> dict[str, str]:
        """``{lever: verdict}`` of each whole lever: ``forced``, ``choice`` or ``unused``."""
        levers = self.ranges[self.ranges["institution"] == "all"]
        return dict(zip(levers["lever"], levers["verdict"]))

    def _verdict(self, verdict: str, institutions: bool) -> pd.DataFrame:
        rows = self.ranges["verdict"] == verdict
        if not institutions:
            rows &= self.ranges["institution"] == "all"
        return self.ranges[rows]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (``optimiser alternatives --json``), by :mod:`optimiser.report.analysis_text`."""
        return show(self, "dict")

    def __str__(self) -> str:
        return show(self, "text")


def alternatives(
    config: Config | str | Path,
    within: float = 0.01,
    plans: int = 4,
    measure: str = "yuan",
    forced_share: float = FORCED_SHARE,
) -> Alternatives:
    """Ranges of every lever among plans within ``within`` of the optimum, and ``plans`` differing plans.

    Parameters
    ----------
    config
        The config, or the path of its YAML file (its ``uncertainty:`` section, if any, is ignored: the values
        as written).
        Levers marked ``integer`` are relaxed to fractional units (the ranges are
        those of the linear programme; ``summary["relaxed"]`` says so).
    within
        The share of the optimal output that may be given up (``0.01``: 1%);
        in ``min_cost`` mode, the share of extra cost allowed.
    plans
        How many alternative plans to generate (0: none).
    measure
        ``"yuan"`` (money over the horizon) or ``"units"`` (units started).
    forced_share
        A range narrower than this share of its top is ``forced``, in [0, 1]
        (a lever that may be given nothing is never forced).

    Raises
    ------
    SolverError
        If the config has no optimal plan.
    ValueError
        For ``within`` outside [0, 1), a negative ``plans``, an unknown ``measure``
        or ``forced_share`` outside [0, 1].

    Examples
    --------
    >>> from optimiser import load_config
    >>> room = alternatives(load_config("configs/zhejiang.yaml"), within=0.01, plans=1)
    >>> sorted(set(room.ranges["verdict"])) <= ["choice", "forced", "unused"]
    True
    """
    started = time.perf_counter()
    config = as_config(config, function="alternatives")
    plans = _checked_arguments(within, plans, measure, forced_share)
    from ..config.uncertainty import without_uncertainty
    from ..solve.backends import HighsBackend

    config = without_uncertainty(config)
    model = build_model(config, integer=False)
    form = matrix_form(model)
    backend = HighsBackend(None, form=form)
    n = form.n_cols
    output = form.costs(model.output)
    cost = form.costs(model.cost)
    items, per_yuan = _items(model, measure)
    if config.objective.mode == "min_cost":
        objective, best, slack = _hold_near_least_cost(backend, cost, n, within)
    else:
        objective, best, slack = _hold_near_most_output(backend, output, cost, n, within)
    first = time.perf_counter()
    scale = MONEY_SCALE if measure == "yuan" else 1.0
    ranges, solves = _ranges(backend, n, items, best, scale)
    cut_off = _cut_offs(ranges, per_yuan, slack, measure)
    ranges["verdict"] = _verdicts(ranges, cut_off, forced_share)
    ranged = time.perf_counter()
    table, summary_rows = _generate(backend, n, items, ranges, best, output, cost, plans, scale)
    solves += len(summary_rows) - 1
    summary = {
        "name": config.name, "scenario": config.scenario_name or "base", "mode": config.objective.mode,
        "objective": objective, "within": float(within), "measure": measure, "plans": plans,
        "forced_share": forced_share, "cut_off": {lever: float(c) for lever, c in zip(ranges["lever"], cut_off)},
        "relaxed": any(lever.integer for lever in config.levers.values()),
        # What solve returns instead of the plan shown as optimal (objective.smooth; None: no smoothing).
        "smooth": config.objective.smooth,
        "solves": solves, "first_seconds": first - started,
        "range_seconds": ranged - first, "plan_seconds": time.perf_counter() - ranged,
        "seconds": time.perf_counter() - started,
    }
    return Alternatives(ranges.drop(columns="kind"), table, pd.DataFrame(summary_rows).set_index("plan"), summary,
                        config)


def _checked_arguments(within: float, plans: int, measure: str, forced_share: float = FORCED_SHARE) -> int:
    """``plans`` as an ``int`` (numpy integers too), once every argument is checked."""
    from ..i18n import _

    if not (isinstance(within, numbers.Real) and not isinstance(within, bool) and 0.0 <= float(within) < 1.0):
        raise ValueError(_("within is a share of the optimum in [0, 1), e.g. 0.01 for 1%; got {value!r}").format(
            value=within))
    if isinstance(plans, numbers.Integral) and not isinstance(plans, bool):
        plans = int(plans)
    if not isinstance(plans, int) or isinstance(plans, bool) or plans < 0:
        raise ValueError(_("plans must be a whole number from 0 up, got {value!r}").format(value=plans))
    if measure not in MEASURES:
        raise ValueError(_("unknown measure {measure!r}; choose one of: {choices}").format(
            measure=measure, choices=", ".join(MEASURES)))
    if not (isinstance(forced_share, numbers.Real) and not isinstance(forced_share, bool)
            and 0.0 <= float(forced_share) <= 1.0):
        raise ValueError(_("forced_share is a share of a range's top in [0, 1], e.g. 0.1 for 10%; got {value!r}")
                         .format(value=forced_share))
    return plans


def _hold_near_least_cost(
    backend: Any, cost: np.ndarray, n: int, within: float
) -> tuple[float, np.ndarray, float]:
    """Solve for the least cost, then allow up to ``within`` more; returns the objective (yuan), the plan and
    the yuan allowed for the solver's rounding alone."""
    status = backend.solve_costs(cost, "min")
    _check(status.value)
    best_cost = backend.objective_value()
    best = backend.values()[:n]
    backend.cap_row(cost, best_cost * (1.0 + within) + TOLERANCE_YUAN * MONEY_SCALE)
    return best_cost / MONEY_SCALE, best, TOLERANCE_YUAN


def _hold_near_most_output(
    backend: Any, output: np.ndarray, cost: np.ndarray, n: int, within: float
) -> tuple[float, np.ndarray, float]:
    """Solve for the most output and the least cost of it, then allow up to ``within`` less output at no more
    cost; returns the optimum, the cheapest optimal plan and the yuan allowed for the solver's rounding."""
    inf = float("inf")
    status = backend.solve_costs(output, "max")
    _check(status.value)
    optimum = backend.objective_value()
    floor_row = backend.n_rows
    backend.cap_row(-output, -(optimum - TIE_BREAK_TOLERANCE * abs(optimum)))
    status = backend.solve_costs(cost, "min")
    _check(status.value)
    best_cost = backend.objective_value()
    best = backend.values()[:n]
    # Never tighter than the tie-break's floor: at within=0 the optimum itself, as the solver reached it.
    slack = max(float(within), TIE_BREAK_TOLERANCE)
    backend.session.set_row_bounds(floor_row, -inf, -(optimum - slack * abs(optimum)))
    backend.cap_row(cost, best_cost * (1.0 + TIE_BREAK_TOLERANCE) + TOLERANCE_YUAN * MONEY_SCALE)
    return optimum, best, abs(best_cost) / MONEY_SCALE * TIE_BREAK_TOLERANCE + TOLERANCE_YUAN


def _ranges(
    backend: Any, n: int, items: list[Item], best: np.ndarray, scale: float
) -> tuple[pd.DataFrame, int]:
    """The least and most of each item among the plans allowed, and its use in the best plan; and the solves made.

    Items with the same coefficients (a lever at its only institution and in all) share their two solves.
    """
    records = []
    solves = 0
    seen: dict[int, list[float]] = {}
    for lever, inst, kind, coefs in items:
        bounds = seen.get(id(coefs), [])
        for sense in ("min", "max") if not bounds else ():
            status = backend.solve_costs(coefs * scale, sense)
            solves += 1
            _check(status.value)
            bounds.append(float(coefs @ backend.values()[:n]))
        seen[id(coefs)] = bounds
        low, high = min(bounds), max(bounds)
        at_best = float(coefs @ best)
        records.append((lever, inst, kind, max(low, 0.0), max(high, 0.0), max(at_best, 0.0)))
    ranges = pd.DataFrame(records, columns=["lever", "institution", "kind", "low", "high", "optimal"])
    ranges["width"] = ranges["high"] - ranges["low"]
    return ranges, solves


def _cut_offs(ranges: pd.DataFrame, per_yuan: np.ndarray, slack: float, measure: str) -> np.ndarray:
    """Per row, the amount at or below which its lever counts as given nothing: twice the most the ``slack``
    yuan of cost tolerance buys of it (so rounding on that most cannot cross it), at least ``UNUSED`` yuan
    (1e-6 units); the largest of a lever's rows for each of them, so that its rows are judged alike."""
    floor = UNUSED if measure == "yuan" else 1e-6
    reach = 2.0 * slack * np.where(np.isfinite(per_yuan), per_yuan, 0.0)
    own = pd.Series(np.maximum(reach, floor), index=ranges.index)
    return own.groupby(ranges["lever"]).transform("max").to_numpy()


def _verdicts(ranges: pd.DataFrame, cut_off: np.ndarray, forced_share: float) -> np.ndarray:
    """``unused`` when the most is within the cut-off (every row of a lever whose total is), ``forced`` when
    even the least is above it and the range is narrower than ``forced_share`` of the top plus the cut-off,
    else ``choice``."""
    low, high, width = (ranges[column].to_numpy() for column in ("low", "high", "width"))
    unused = high <= cut_off
    lever_unused = dict(zip(ranges["lever"][ranges["institution"] == "all"], unused[ranges["institution"] == "all"]))
    unused |= ranges["lever"].map(lever_unused).fillna(False).to_numpy(dtype=bool)
    forced = (low > cut_off) & (width <= forced_share * high + cut_off)
    return np.where(unused, "unused", np.where(forced, "forced", "choice"))


def _check(status: str) -> None:
    if status != "optimal":
        from ..i18n import _

        raise SolverError(_("no optimal plan to look around ({status}); `optimiser solve` explains why").format(
            status=status))


def _items(model: Any, measure: str) -> tuple[list[Item], np.ndarray]:
    """Each lever in all (institution ``all``), then at each institution: its coefficients per column; and per
    item the most of it one yuan of the lever's cost buys (1 in yuan; ``inf`` where units cost nothing)."""
    form = model.form
    cfg = model.config
    column_of = model.column_of
    n = len(column_of)
    per_inst: dict[tuple[str, str], Terms] = {}
    buys: dict[tuple[str, str], float] = {}
    for lever in cfg.levers.values():
        for inst in cfg.institutions:
            if not lever.applies_to(inst.name):
                continue
            terms: Terms = {}
            yuan: Terms = {}
            for t in form.years:
                add_terms(yuan, form.lever_cost(lever, inst.name, t))
                if measure != "yuan":
                    add_terms(terms, form.units(lever, inst.name, t))
            if measure == "yuan":
                terms = yuan
            if terms:
                per_inst[lever.name, inst.name] = terms
                buys[lever.name, inst.name] = _most_per_yuan(dense(terms, column_of, n), dense(yuan, column_of, n))
    items: list[Item] = []
    per_yuan: list[float] = []
    for lever in cfg.levers.values():
        parts = [(inst, terms) for (name, inst), terms in per_inst.items() if name == lever.name]
        if not parts:
            continue
        total = np.zeros(n)
        for _, terms in parts:
            total += dense(terms, column_of, n)
        items.append((lever.name, "all", lever.kind, total))
        per_yuan.append(max(buys[lever.name, inst] for inst, _ in parts))
        if len(parts) > 1:
            items.extend((lever.name, inst, lever.kind, dense(terms, column_of, n)) for inst, terms in parts)
            per_yuan.extend(buys[lever.name, inst] for inst, _ in parts)
        else:
            items.append((lever.name, parts[0][0], lever.kind, total))
            per_yuan.append(per_yuan[-1])
    return items, np.array(per_yuan, dtype=float)


def _most_per_yuan(amount: np.ndarray, yuan: np.ndarray) -> float:
    """The most of ``amount`` one yuan buys over the columns that carry any (``inf`` if one costs nothing)."""
    carried = amount > 0
    if not carried.any():
        return 0.0
    if (yuan[carried] <= 0).any():
        return float("inf")
    return float((amount[carried] / yuan[carried]).max())


def _use(detail: list[tuple[int, Item]], x: np.ndarray) -> np.ndarray:
    return np.array([max(float(item[3] @ x), 0.0) for _, item in detail])


def _generate(
    backend: Any, n: int, items: list[Item], ranges: pd.DataFrame, best: np.ndarray,
    output: np.ndarray, cost: np.ndarray, count: int, scale: float,
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """SPORES-style plans: each minimises its use of what the plans before relied on, weighted by share of range."""
    detail = [(k, item) for k, item in enumerate(items) if item[1] != "all"]
    highs_of = ranges["high"].to_numpy()
    found = [best]
    weights = np.zeros(len(detail))
    for _ in range(count):
        _weigh_use(weights, detail, highs_of, found[-1])
        if not weights.any():
            break
        plan, weights = _new_plan(backend, n, detail, weights, highs_of, found, scale)
        if plan is None:
            break
        found.append(plan)
    return _plan_tables(detail, found, output, cost)


def _weigh_use(weights: np.ndarray, detail: list[tuple[int, Item]], highs_of: np.ndarray, last: np.ndarray) -> None:
    """Add to each item's weight its use in the ``last`` plan, as a share of the top of its range."""
    for position, (k, item) in enumerate(detail):
        top = highs_of[k]
        if top > 0:
            weights[position] += max(float(item[3] @ last), 0.0) / top


def _new_plan(
    backend: Any, n: int, detail: list[tuple[int, Item]], weights: np.ndarray, highs_of: np.ndarray,
    found: list[np.ndarray], scale: float,
) -> tuple[np.ndarray | None, np.ndarray]:
    """A plan that uses the items differently from every plan found, and the weights that led to it;
    ``None`` when the solve fails or four tries find only plans found before."""
    for _ in range(4):  # a plan found before: lean harder on what it uses, and try again
        objective = np.zeros(n)
        for weight, (_, item) in zip(weights, detail):
            objective += weight * item[3] * scale
        if backend.solve_costs(objective, "min").value != "optimal":
            break
        x = backend.values()[:n]
        use = _use(detail, x)
        if not any(np.allclose(use, _use(detail, y), rtol=1e-4, atol=1.0) for y in found):
            return x, weights
        weights = weights + (use > 1e-6 * np.maximum(highs_of[[k for k, _ in detail]], 1.0)) * weights.max()
    return None, weights


def _plan_tables(
    detail: list[tuple[int, Item]], found: list[np.ndarray], output: np.ndarray, cost: np.ndarray
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Each plan's use of each item, and per plan its output, cost and distance from the optimal plan."""
    names = ["optimal"] + [f"alternative {k}" for k in range(1, len(found))]
    index = pd.MultiIndex.from_tuples([(item[0], item[1]) for _, item in detail], names=["lever", "institution"])
    table = pd.DataFrame({name: _use(detail, x) for name, x in zip(names, found)}, index=index)
    base_total = float(table["optimal"].sum()) or 1.0
    summary = [
        {"plan": name, "output": float(output @ x), "total_cost": float(cost @ x) / MONEY_SCALE,
         "distance": 0.5 * float((table[name] - table["optimal"]).abs().sum()) / base_total}
        for name, x in zip(names, found)
    ]
    return table, summary


__all__ = ["Alternatives", "MEASURES", "alternatives"]
