"""The optional ``uncertainty:`` section: a distribution on numeric config values.

Each entry maps a dotted key path of the config (as in
:meth:`Config.with_changes <optimiser.config.types.Config.with_changes>`)
to a distribution::

    uncertainty:
      levers.tuition_subsidies.induced_intake: {dist: triangular, low: 0.15, mode: 0.3, high: 0.5}
      levers.training_bases.capex: {dist: uniform, low: 16000, high: 26000}
      tiers.basic.completion_rate: {dist: normal, mean: 0.9, sd: 0.03, low: 0.8, high: 0.97}
      levers.secondments.cost: {dist: lognormal, median: 30000, sigma: 0.2, high: 60000}

Distributions and their keys:

``uniform``     ``low < high``.
``triangular``  ``low <= mode <= high``, ``low < high``.
``normal``      ``mean``, ``sd > 0`` and the bounds ``low <= mean <= high`` it is
                truncated to (required: a config value is never unbounded).
``lognormal``   ``sigma > 0`` (the standard deviation of the log) and either
                ``median`` (the value's median, ``exp`` of the log's mean) or
                ``mean`` (the value's own mean, so the log's mean is
                ``ln(mean) - sigma**2 / 2``); optional truncation ``low``/``high``.

The section is validated with the rest of the config: the key path must
exist and hold a number, and every value the distribution can take must be
one the config accepts there (a share stays within 0..1, a count whole).
Samples are drawn by inverse transform, one uniform number per draw and key,
so the values of one key do not depend on the keys listed after it.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .types import Config

from ..errors import ConfigError, Problem
from ..i18n import N_, _
from .checker import Checker, KeyPath, choices, show
from .schema import DISTRIBUTIONS

FIXED_SECTIONS = ("name", "horizon", "scenarios", "uncertainty")
"""Top-level sections whose values shape the plan itself and cannot be drawn."""

EXAMPLE = "{dist: triangular, low: 0.15, mode: 0.3, high: 0.5}"
TAIL = 1e-6
"""Quantiles used to probe the reach of distributions without an upper bound."""
INTERIOR = 0.3141592653589793
"""An inner quantile used to probe that drawn (fractional) values are accepted."""

_STANDARD = NormalDist()


@dataclass(frozen=True)
class Uncertain:
    """One uncertain config value: its key path and its distribution.

    Examples
    --------
    >>> spec = Uncertain("levers.tuition_subsidies.induced_intake", "triangular",
    ...                  {"low": 0.15, "mode": 0.3, "high": 0.5})
    >>> spec.quantile(np.array([0.0, 3 / 7, 1.0])).round(4).tolist()  # F(mode) = 0.15 / 0.35 = 3/7
    [0.15, 0.3, 0.5]
    """

    path: str
    dist: str
    params: Mapping[str, float] = field(default_factory=dict)

    @property
    def bounds(self) -> tuple[float, float]:
        """The lowest and highest value a draw can take (``inf`` when unbounded)."""
        p = self.params
        if self.dist == "lognormal":
            return p.get("low", 0.0), p.get("high", math.inf)
        return p["low"], p["high"]

    def quantile(self, u: np.ndarray) -> np.ndarray:
        """The inverse distribution function at ``u`` in [0, 1] (truncation applied)."""
        u = np.asarray(u, dtype=float)
        p = self.params
        if self.dist == "uniform":
            return p["low"] + u * (p["high"] - p["low"])
        if self.dist == "triangular":
            low, mode, high = p["low"], p["mode"], p["high"]
            width = high - low
            split = (mode - low) / width
            left = low + np.sqrt(u * width * (mode - low))
            right = high - np.sqrt((1.0 - u) * width * (high - mode))
            return np.where(u < split, left, right)
        if self.dist == "normal":
            mean, sd = p["mean"], p["sd"]
            z = _truncated_standard_normal(u, (p["low"] - mean) / sd, (p["high"] - mean) / sd)
            return np.clip(mean + sd * z, p["low"], p["high"])
        mu, sigma = self.log_mean, p["sigma"]
        low, high = self.bounds
        a = (math.log(low) - mu) / sigma if low > 0 else -math.inf
        b = (math.log(high) - mu) / sigma if math.isfinite(high) else math.inf
        # A wide distribution can draw past a float's range: that draw is inf, which the check of the
        # drawn values names with the fix; numpy's own warning would only say "overflow" first.
        with np.errstate(over="ignore"):
            return np.clip(np.exp(mu + sigma * _truncated_standard_normal(u, a, b)), low, high)

    @property
    def log_mean(self) -> float:
        """Lognormal only: the mean of the log of the value."""
        p = self.params
        if "median" in p:
            return math.log(p["median"])
        return math.log(p["mean"]) - p["sigma"] ** 2 / 2.0

    def describe(self) -> str:
        """``triangular(low=0.15, mode=0.3, high=0.5)``."""
        keys = DISTRIBUTIONS[self.dist][0] + DISTRIBUTIONS[self.dist][1]
        inner = ", ".join(f"{key}={self.params[key]:g}" for key in keys if key in self.params)
        return f"{self.dist}({inner})"


def _phi(z: float) -> float:
    """Standard normal distribution function, accurate in the lower tail."""
    if z == -math.inf:
        return 0.0
    if z == math.inf:
        return 1.0
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def _truncated_standard_normal(u: np.ndarray, a: float, b: float) -> np.ndarray:
    """Quantiles of the standard normal truncated to [a, b] (inverse transform)."""
    if a > 0:  # both bounds in the upper tail: mirror into the lower one, where cdf values are precise
        return -_truncated_standard_normal(1.0 - u, -b, -a)
    low, high = _phi(a), _phi(b)
    probabilities = np.clip(low + np.asarray(u, dtype=float) * (high - low), 1e-300, 1.0 - 1e-16)
    z = np.array([_STANDARD.inv_cdf(float(q)) for q in probabilities.ravel()]).reshape(probabilities.shape)
    return np.clip(z, a, b)


def _mass(spec: Uncertain) -> float:
    """Probability the untruncated distribution puts inside the bounds."""
    p = spec.params
    if spec.dist == "normal":
        return _phi((p["high"] - p["mean"]) / p["sd"]) - _phi((p["low"] - p["mean"]) / p["sd"])
    if spec.dist == "lognormal":
        low, high = spec.bounds
        a = (math.log(low) - spec.log_mean) / p["sigma"] if low > 0 else -math.inf
        b = (math.log(high) - spec.log_mean) / p["sigma"] if math.isfinite(high) else math.inf
        if a > 0:
            return _phi(-a) - _phi(-b)
        return _phi(b) - _phi(a)
    return 1.0


# -- validation ------------------------------------------------------------

def check_uncertainty(value: Any, raw: Any, check: Checker) -> list[Uncertain]:
    """Validate the ``uncertainty:`` section of ``raw``; record problems in ``check``.

    Returns the entries that passed. Called by the config validator, so a
    config with a bad section fails to load like any other bad config.
    """
    path: KeyPath = ("uncertainty",)
    if value is None:
        return []
    if not isinstance(value, dict):
        check.error(path, _("expected a mapping of dotted key paths to distributions, e.g. "
                            "levers.tuition_subsidies.induced_intake: {example}").format(example=EXAMPLE))
        return []
    specs = [spec for key, item in value.items() if (spec := _entry(key, item, raw, check)) is not None]
    if specs:
        _check_reach(specs, raw, check)
    return specs


def _entry(key: Any, item: Any, raw: Any, check: Checker) -> Uncertain | None:
    path: KeyPath = ("uncertainty", key)
    dist = _distribution(key, item, raw, check, path)
    if dist is None:
        return None
    before = len(check.problems)
    params = _parameters(item, dist, path, check)
    if len(check.problems) > before:
        return None
    if not _consistent(dist, params, path, check):
        return None
    return Uncertain(key, dist, params)


def _distribution(key: Any, item: Any, raw: Any, check: Checker, path: KeyPath) -> str | None:
    """The distribution an entry names, once its key points at a number; None (with a problem) otherwise."""
    if not isinstance(key, str) or not key.strip():
        check.error(path, _("a key must be a dotted key path such as levers.secondments.cost, got {key!r}").format(key=key))
        return None
    if not _points_at_number(key, raw, check, path):
        return None
    if not isinstance(item, dict):
        check.error(path, _("expected a distribution such as {example}, got {value}").format(
            example=EXAMPLE, value=show(item)))
        return None
    dist = item.get("dist")
    if "dist" not in item:
        check.error(path, _("missing required key 'dist' (one of: {names})").format(names=", ".join(DISTRIBUTIONS)))
        return None
    if dist not in DISTRIBUTIONS:
        check.error(path + ("dist",), _("unknown distribution {dist!r}; {fix}").format(
            dist=dist, fix=choices(dist, DISTRIBUTIONS, N_("distribution"))))
        return None
    return str(dist)


def _parameters(item: dict[str, Any], dist: str, path: KeyPath, check: Checker) -> dict[str, float]:
    """The parameters of a ``dist`` entry that are valid numbers (spreads, and a lognormal's centre, positive)."""
    required, optional = DISTRIBUTIONS[dist]
    data = check.mapping(item, path, ("dist",) + required + optional, required)
    params: dict[str, float] = {}
    for name, number in (data or {}).items():
        if name == "dist" or name not in required + optional:
            continue
        # Spreads are positive; so is every parameter of a lognormal but its bounds.
        positive = name in ("sd", "sigma") or (dist == "lognormal" and name in ("median", "mean"))
        what = N_("a positive number") if positive else N_("a number")
        checked = check.number(number, path + (name,), what=what, low=0.0 if positive else None, low_open=positive)
        if checked is not None:
            params[name] = checked
    return params


def _points_at_number(key: str, raw: Any, check: Checker, path: KeyPath) -> bool:
    from .load import get_path

    top = key.split(".")[0]
    if top in FIXED_SECTIONS:
        check.error(path, _("{top!r} values cannot be uncertain; choose a numeric value such as "
                            "levers.secondments.cost").format(top=top))
        return False
    try:
        current = get_path(raw, key)
    except KeyError as err:
        check.error(path, _("{error} (the key path must exist in this config)").format(error=err.args[0]))
        return False
    if isinstance(current, dict) and current and all(isinstance(k, int) for k in current):
        first = min(current)
        check.error(path, _("{key} is a series {{year: value}}; give one year's value, e.g. {key}.{first}").format(
            key=key, first=first))
        return False
    if isinstance(current, bool) or not isinstance(current, (int, float)):
        check.error(path, _("{key} holds {value}, not a number; only numeric values can be uncertain").format(
            key=key, value=show(current)))
        return False
    return True


def _consistent(dist: str, p: dict[str, float], path: KeyPath, check: Checker) -> bool:
    if "low" in p and "high" in p and not p["low"] < p["high"]:
        check.error(path + ("high",), _("high ({high}) must be above low ({low})").format(
            high=f"{p['high']:g}", low=f"{p['low']:g}"))
        return False
    if dist == "triangular" and not p["low"] <= p["mode"] <= p["high"]:
        check.error(path + ("mode",), _("mode ({mode}) must lie between low ({low}) and high ({high})").format(
            mode=f"{p['mode']:g}", low=f"{p['low']:g}", high=f"{p['high']:g}"))
        return False
    if dist == "normal" and not p["low"] <= p["mean"] <= p["high"]:
        check.error(path + ("mean",), _("mean ({mean}) must lie between low ({low}) and high ({high}), the bounds the "
                                        "normal is truncated to").format(
            mean=f"{p['mean']:g}", low=f"{p['low']:g}", high=f"{p['high']:g}"))
        return False
    if dist == "lognormal":
        if ("median" in p) == ("mean" in p):
            check.error(path, _("give exactly one of 'median' or 'mean' (of the value, not of its log) with 'sigma'"))
            return False
        if p.get("low", 0.0) < 0:
            check.error(path + ("low",), _("a lognormal value is positive; low must be at least 0, got {low}").format(
                low=f"{p['low']:g}"))
            return False
    spec = Uncertain(str(path[-1]), dist, p)
    if _mass(spec) < 1e-6:
        check.error(path, _("low/high keep almost none of the {dist} distribution ({mass} of it); widen them or move "
                            "the centre inside").format(dist=dist, mass=f"{_mass(spec):.1e}"))
        return False
    return True


def _check_reach(specs: Sequence[Uncertain], raw: Any, check: Checker) -> None:
    """Every value a distribution can take must be one the config accepts at its key."""
    from .load import set_path
    from .validate import build_config

    base = {key: copy.deepcopy(item) for key, item in raw.items() if key not in ("uncertainty", "scenarios")}
    try:
        build_config(base, {}, None, check_scenarios=False)
    except ConfigError:
        return  # the config has its own problems, reported where they are
    for spec in specs:
        for position, value in enumerate(probe_values(spec)):
            probe = copy.deepcopy(base)
            set_path(probe, spec.path, value)
            try:
                build_config(probe, {}, None, check_scenarios=False)
            except ConfigError as err:
                inner = position == 2  # the ends passed: only fractional values are refused
                check.error(("uncertainty", spec.path), _reach_message(spec, value, err.problems[0], inner))
                break


def probe_values(spec: Uncertain) -> list[float]:
    """The lowest, highest and one fractional inner value a draw can take; from 0 up, also a value just
    above 0 (keys that take 0 may still refuse small values, such as a price below one fen)."""
    low, high = spec.bounds
    if spec.dist == "lognormal":
        low = max(low, float(spec.quantile(np.array([TAIL]))[0]))
        high = min(high, float(spec.quantile(np.array([1.0 - TAIL]))[0]))
    values = [low, high, float(spec.quantile(np.array([INTERIOR]))[0])]
    if low <= 0.0 < high:
        values.append(min(high, JUST_ABOVE_ZERO))
    return values


JUST_ABOVE_ZERO = 1e-6
"""A draw a distribution from 0 up can take: the smallest positive values some keys refuse (a price below
0.01 yuan, a weight below 0.001) are probed with it."""


def _reach_message(spec: Uncertain, value: float, problem: Problem, inner: bool) -> str:
    where = "" if problem.path == spec.path else f" ({problem.path})"
    fix = (_("draws are fractional, so a value that must be whole cannot be uncertain") if inner
           else _("narrow the distribution to the values allowed"))
    return _("{spec} can draw {value}, which the config does not accept here{where}: {problem}; {fix}").format(
        spec=spec.describe(), value=f"{value:g}", where=where, problem=problem.message, fix=fix)


# -- use -------------------------------------------------------------------

def no_uncertainty_section(source: Any = None) -> ConfigError:
    """The error of an analysis of uncertainty (Monte Carlo, a robust plan) asked of a config, read from the file
    ``source``, that has no ``uncertainty:`` section: it says how to add one."""
    message = _("this config has no uncertainty: section; add one, e.g. {example}").format(
        example="levers.secondments.cost: {dist: uniform, low: 25000, high: 40000}")
    return ConfigError([Problem("uncertainty", message, str(source) if source else None, None)])


def parse_uncertainty(config: Any) -> tuple[Uncertain, ...]:
    """The distributions of ``config``'s ``uncertainty:`` section (empty when it has none).

    Examples
    --------
    >>> from optimiser import load_config
    >>> specs = parse_uncertainty(load_config("configs/zhejiang_uncertain.yaml"))
    >>> specs[0].path
    'levers.tuition_subsidies.induced_intake'
    """
    section = config.raw.get("uncertainty") if isinstance(config.raw, dict) else None
    if not section:
        return ()
    from .load import locations_of

    file = str(config.source) if config.source else None
    check = Checker(file, locations_of(config))
    specs = check_uncertainty(section, config.raw, check)
    if check.problems:
        raise ConfigError(check.problems)
    return tuple(specs)


def draw_values(specs: Sequence[Uncertain], draws: int, seed: int | None = 0) -> np.ndarray:
    """``draws`` x ``len(specs)`` values, key ``j`` in column ``j``.

    All numbers come from one ``numpy.random.default_rng(seed)``: the same
    seed gives the same values wherever they are later evaluated.

    Examples
    --------
    >>> spec = Uncertain("levers.secondments.cost", "uniform", {"low": 20000.0, "high": 40000.0})
    >>> values = draw_values([spec], draws=3, seed=1)
    >>> values.shape, bool(((values >= 20000) & (values <= 40000)).all())
    ((3, 1), True)
    """
    from ..scalars import whole_number

    draws = whole_number(draws, "draws", 1)
    rng = np.random.default_rng(seed)
    uniforms = rng.random((len(specs), draws))
    values = np.empty((draws, len(specs)))
    for column, spec in enumerate(specs):
        values[:, column] = spec.quantile(uniforms[column])
    return values


def without_uncertainty(config: Config) -> Config:
    """``config`` with its ``uncertainty:`` section removed (the values as written).

    Drawn worlds are built from this config with ``with_changes``, so each one
    is validated without probing the distributions again.
    """
    if not isinstance(config.raw, dict) or "uncertainty" not in config.raw:
        return config
    from .load import locations_of
    from .validate import build_config

    raw = {key: item for key, item in config.raw.items() if key != "uncertainty"}
    return build_config(raw, locations_of(config), str(config.source) if config.source else None,
                        scenario_name=config.scenario_name, check_scenarios=False)


__all__ = ["DISTRIBUTIONS", "Uncertain", "check_uncertainty", "draw_values", "parse_uncertainty", "without_uncertainty"]
