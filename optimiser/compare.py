"""Compare plans side by side: scenarios of one config, several configs, or both.

:func:`compare` solves each ``(label, Config)`` pair and lays the results out
one column per plan, in the order given: status, objective, the output given
up for steadiness, the plan's weighted output, the baseline and what the plan
adds over it, total cost, the money spent for steadiness, the costs per
graduate, compound and single-skill graduates by tier, spend by lever and by
source, and which "no" binds where. The output rows reconcile: in
``max_output`` mode objective − output given up = weighted output, and
weighted output − baseline = added output. :attr:`Comparison.deltas`
holds every number less the first plan's, and :attr:`Comparison.inputs` the
config inputs that differ between the plans. A plan without an optimum stays
in the table with its status and diagnosis; it never stops the comparison.

>>> from optimiser.compare import compare, plans_from_args
>>> comparison = compare(plans_from_args(["configs/zhejiang.yaml"], ["base", "austerity"]))
>>> list(comparison.table.columns)
['base', 'austerity']
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .api import solve
from .config import Config, load_config
from .config.load import as_config
from .errors import ConfigError, Problem
from .i18n import N_, _
from .i18n.words import BINDS, BOTTLENECK_COLUMNS, BOTTLENECK_WORDS
from .results import Result
from .views import show

TEXT_KEYS = ("status", "mode", "bottleneck.", "diagnosis")
"""Row keys (or key prefixes) that hold text rather than numbers."""


@dataclass
class Comparison:
    """Plans side by side; the result of :func:`compare`.

    ``table`` has one column per plan (in the order given) and one row per
    measure, labelled in planner words; ``keys`` gives each row's machine
    key (``total_cost``, ``spend_by_lever.secondments``, ...) and ``units``
    its unit. ``deltas`` holds the numeric rows less the first plan's;
    ``inputs`` the config key paths whose values differ between plans.
    """

    results: list[tuple[str, Result]]
    table: pd.DataFrame
    deltas: pd.DataFrame
    inputs: pd.DataFrame
    keys: list[str] = field(default_factory=list)
    units: dict[str, str] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.results]

    def row(self, key: str) -> pd.Series:
        """The row of ``table`` with machine key ``key`` (e.g. ``"total_cost"``)."""
        return self.table.iloc[self.keys.index(key)]

    def delta(self, key: str) -> pd.Series:
        """The row of ``deltas`` with machine key ``key``."""
        return self.deltas.loc[self.table.index[self.keys.index(key)]]

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``compare --json``: plans in order, then the inputs that differ."""
        return show(self, "dict")

    def __str__(self) -> str:
        return show(self, "text")


def plans_from_args(
    config_paths: Sequence[str | Path], scenarios: str | Sequence[str] | None = None
) -> list[tuple[str, Config]]:
    """The ``(label, Config)`` pairs that ``optimiser compare`` arguments name.

    One config with scenarios gives one plan per scenario, labelled by the
    scenario (``base`` means no overrides); several configs give one plan
    per file, labelled by the file name; several configs with scenarios
    give every scenario of every file, labelled ``file:scenario``. Every
    problem (an invalid config, an unknown scenario) is collected into one
    :class:`~optimiser.ConfigError`.

    >>> [name for name, _ in plans_from_args(["configs/zhejiang.yaml"], "base,austerity")]
    ['base', 'austerity']
    """
    names = _scenario_list(scenarios)
    files = _file_labels([Path(p) for p in config_paths])
    items: list[tuple[str, Config]] = []
    problems: list[Problem] = []
    for path, file_label in files:
        try:
            config = load_config(path)
        except ConfigError as err:
            problems.extend(err.problems)
            continue
        if not names:
            items.append((file_label, config))
            continue
        for scenario in names:
            try:
                variant = config.scenario(scenario)
            except ConfigError as err:
                problems.extend(err.problems)
                continue
            items.append((scenario if len(files) == 1 else f"{file_label}:{scenario}", variant))
    if problems:
        raise ConfigError(problems)
    return items


def _scenario_list(scenarios: str | Sequence[str] | None) -> list[str]:
    if scenarios is None:
        return []
    parts = scenarios.split(",") if isinstance(scenarios, str) else list(scenarios)
    names: list[str] = []
    for part in parts:
        name = str(part).strip()
        if name and name not in names:
            names.append(name)
    return names


def _file_labels(paths: list[Path]) -> list[tuple[Path, str]]:
    """Label each file by its stem, or by its path where stems clash."""
    stems = [p.stem for p in paths]
    labels = [stem if stems.count(stem) == 1 else str(p) for p, stem in zip(paths, stems)]
    return list(zip(paths, unique_labels(labels)))


def unique_labels(labels: Iterable[str]) -> list[str]:
    """The labels with repeats numbered (``a``, ``a #2``), so table columns stay distinct."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} #{seen[label]}")
    return out


def compare(
    items: Sequence[tuple[str, Config | str | Path]],
    solver: str = "highs",
    integer: bool | None = None,
    *,
    by_year: bool = False,
    time_limit: float | None = None,
) -> Comparison:
    """Solve every ``(label, config)`` pair and lay the results side by side.

    Each config is a :class:`~optimiser.Config` or the path of a YAML config.
    ``integer=True`` makes every lever whole units in every plan; ``None``
    keeps each config's own setting. ``by_year`` adds compound and
    single-skill graduates by tier and year to the table. Infeasible plans
    stay in the table with their status and diagnosis.

    >>> from optimiser import load_config
    >>> cfg = load_config("configs/zhejiang.yaml")
    >>> comparison = compare([("base", cfg), ("austerity", cfg.scenario("austerity"))])
    >>> comparison.row("status").tolist()
    ['optimal', 'optimal']
    """
    items = _checked_items(items)
    labels = unique_labels(str(label) for label, _ in items)
    results = [
        (label, solve(config, solver=solver, integer=integer, time_limit=time_limit))
        for label, (_, config) in zip(labels, items)
    ]
    return comparison_of(results, [config for _, config in items], by_year=by_year)


def _checked_items(items: Any) -> list[tuple[str, Config]]:
    """``items`` as ``(label, Config)`` pairs, each config loaded if given as a path; a TypeError naming the
    item that is not such a pair, a ValueError for none at all."""
    example = '[("base", config), ("austerity", config.scenario("austerity"))]'
    if isinstance(items, (str, bytes, Config, Mapping)) or not isinstance(items, Iterable):
        raise TypeError(_("compare takes a list of (label, config) pairs, e.g. {example}; got {kind}").format(
            example=example, kind=type(items).__name__))
    pairs = list(items)
    if not pairs:
        raise ValueError(_("compare needs at least one (label, config) pair, e.g. {example}").format(example=example))
    checked = []
    for index, item in enumerate(pairs):
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise TypeError(_("compare: item {index} is {kind}, not a (label, config) pair; pass a list such as "
                              "{example}").format(index=index, kind=type(item).__name__, example=example))
        label, config = item
        checked.append((label, as_config(config, argument=f"items[{index}][1]", function="compare")))
    return checked


def comparison_of(results: list[tuple[str, Result]], configs: Sequence[Config], by_year: bool = False) -> Comparison:
    """Build the :class:`Comparison` tables of results already solved."""
    rows = _rows(results, by_year)
    keys = [key for key, _, _, _ in rows]
    labels = [label for _, label, _, _ in rows]
    names = [name for name, _ in results]
    table = pd.DataFrame(
        [values for _, _, _, values in rows], index=pd.Index(labels, name="measure"), columns=names, dtype=object
    )
    units = {key: unit for key, _, unit, _ in rows}
    numeric = [i for i, key in enumerate(keys) if is_numeric_key(key)]
    numbers = table.iloc[numeric].apply(pd.to_numeric, errors="coerce").astype(float)
    deltas = numbers.sub(numbers.iloc[:, 0], axis=0)
    for position, key in zip(numbers.index, [keys[i] for i in numeric]):
        noise = NO_CHANGE.get(units.get(key, ""), 1e-9)
        row = deltas.loc[position]
        deltas.loc[position] = row.where(~(row.abs() < noise), 0.0)
    inputs = inputs_that_differ(names, configs)
    return Comparison(results, table, deltas, inputs, keys, units)


NO_CHANGE = {"yuan": 0.5, "graduates": 1e-6, "weighted graduates": 1e-6}
"""A change smaller than this, in each unit, is solver tie-break noise: it is shown (and stored) as no change."""


def is_numeric_key(key: str) -> bool:
    return not any(key == t or (t.endswith(".") and key.startswith(t)) for t in TEXT_KEYS)


# -- rows of the table --------------------------------------------------------

Row = tuple[str, str, str, list[Any]]
"""(key, label in planner words, unit, one value per plan)."""


def _rows(results: list[tuple[str, Result]], by_year: bool) -> list[Row]:
    res = [r for _, r in results]
    return [
        ("status", N_("status"), "", [r.status.value for r in res]),
        ("mode", N_("objective mode"), "", [r.summary.get("mode") for r in res]),
        *_objective_row(res),
        *_headline_rows(res),
        *_output_rows(res, by_year),
        *_spend_rows(res),
        *_bottleneck_rows(res),
        ("diagnosis", N_("diagnosis"), "", ["; ".join(d.message for d in r.diagnosis) for r in res]),
    ]


OBJECTIVE_ROWS: dict[str, tuple[str, str]] = {
    "min_cost": (N_("objective: total cost, minimised (yuan)"), "yuan"),
    "max_output": (N_("objective: weighted compound graduates, maximised (the optimum, before steadiness)"),
                   "weighted graduates"),
}
"""The objective row's label and unit when every plan has the same objective mode."""


def _objective_row(res: list[Result]) -> list[Row]:
    """The objective, when every plan has the same objective mode; no row otherwise.

    Plans that minimise cost and plans that maximise output have objectives in different units:
    they are compared by their weighted output and their total cost, each in its own row.
    """
    modes = {str(r.summary.get("mode")) for r in res}
    if len(modes) == 1 and (mode := modes.pop()) in OBJECTIVE_ROWS:
        label, unit = OBJECTIVE_ROWS[mode]
        return [("objective", label, unit, [_solved(r, r.objective) for r in res])]
    return []


HEADLINE_ROWS = (
    ("output_given_up", N_("weighted graduates given up for steadiness"), "weighted graduates"),
    ("weighted_output", N_("weighted compound graduates of the plan"), "weighted graduates"),
    ("baseline_output", N_("do-nothing baseline (weighted graduates)"), "weighted graduates"),
    ("added_output", N_("weighted graduates added over the baseline"), "weighted graduates"),
    ("total_cost", N_("total cost (yuan)"), "yuan"),
    ("steadiness_cost", N_("money spent for steadiness (yuan)"), "yuan"),
    ("cost_per_compound_graduate", N_("average cost per compound graduate (yuan)"), "yuan"),
    ("compound_graduates", N_("compound graduates, all tiers"), "graduates"),
    ("cost_per_added_graduate", N_("cost per added weighted graduate (yuan)"), "yuan"),
    ("commitments_after_horizon", N_("committed after the horizon (yuan)"), "yuan"),
)
"""The summary figures each plan shows after its objective, each a key of ``Result.summary``: the output the
plan delivers (the optimum less what it gives up for steadiness) and adds over doing nothing, its total cost
and the part of it spent for steadiness (empty where not computed: no share of output to give up, a
``min_cost`` plan, or a whole-unit plan), the two costs per graduate, each labelled, and what it commits
past the horizon."""


def _headline_rows(res: list[Result]) -> list[Row]:
    return [(key, label, unit, [_solved(r, r.summary.get(key)) for r in res]) for key, label, unit in HEADLINE_ROWS]


def _output_rows(res: list[Result], by_year: bool) -> list[Row]:
    """Compound, then single-skill, graduates by tier (and by tier and year when ``by_year``)."""
    tiers = _union(list(r.compound_output()) for r in res if r.ok)
    rows: list[Row] = []
    for key, words in OUTPUT_WORDS.items():
        by_tier = [getattr(r, key)() for r in res]
        rows += _tier_rows(res, by_tier, key, words, tiers)
        if by_year:
            rows += _tier_year_rows(res, by_tier, key, words, tiers)
    return rows


OUTPUT_WORDS = {"compound_output": N_("compound graduates"), "single_skill_output": N_("single-skill graduates")}
"""What the output rows count, by the head of their key (``compound_output.<tier>[.<year>]``)."""
TIER_ROW = N_("{words}: {tier}")
TIER_YEAR_ROW = N_("{words}: {tier} {year}")
SPEND_WORDS = {"spend_by_lever": N_("spend on {name} (yuan)"), "spend_by_source": N_("spend from {name} (yuan)")}
"""The label of a spending row, by the head of its key (``spend_by_lever.<lever>``, ``spend_by_source.<source>``)."""


def measure_label(key: str, label: str) -> str:
    """The label of the row ``key`` (``label`` as the table and CSV name it, in English) in the current language."""
    head, _dot, rest = key.partition(".")
    if head in OUTPUT_WORDS and rest:
        tier, _dot, year = rest.partition(".")
        return _(TIER_YEAR_ROW if year else TIER_ROW).format(words=_(OUTPUT_WORDS[head]), tier=tier, year=year)
    if head in SPEND_WORDS and rest:
        return _(SPEND_WORDS[head]).format(name=rest)
    if head == "bottleneck" and rest in BOTTLENECK_WORDS:
        return _(BINDS).format(words=_(BOTTLENECK_WORDS[rest]))
    return _(label)


def _tier_rows(res: list[Result], by_tier: list[Any], key: str, words: str, tiers: list[str]) -> list[Row]:
    """One row per tier of any plan; blank (NaN) for a plan whose config has no such tier."""
    return [
        (f"{key}.{tier}", TIER_ROW.format(words=words, tier=tier), "graduates",
         [_solved(r, sum(o.get(tier, {}).values()) if tier in r.config.tiers else None)
          for r, o in zip(res, by_tier)])
        for tier in tiers
    ]


def _tier_year_rows(res: list[Result], by_tier: list[Any], key: str, words: str, tiers: list[str]) -> list[Row]:
    """One row per tier and year of any plan; blank (NaN) for a plan whose horizon leaves the year out or whose
    config has no such tier."""
    years = sorted({year for o in by_tier for tier_years in o.values() for year in tier_years})
    return [
        (f"{key}.{tier}.{year}", TIER_YEAR_ROW.format(words=words, tier=tier, year=year), "graduates",
         [_solved(r, o.get(tier, {}).get(year, 0.0)
                  if year in r.config.horizon.range and tier in r.config.tiers else None)
          for r, o in zip(res, by_tier)])
        for tier in tiers
        for year in years
    ]


def _spend_rows(res: list[Result]) -> list[Row]:
    rows: list[Row] = []
    for key, words in SPEND_WORDS.items():
        spends = [getattr(r, key)() for r in res]
        rows += [
            (f"{key}.{name}", words.format(name=name), "yuan", [_solved(r, s.get(name, 0.0)) for r, s in zip(res, spends)])
            for name in _union(list(s) for s in spends)
        ]
    return rows


def _bottleneck_rows(res: list[Result]) -> list[Row]:
    summaries = [bottleneck_summary(r) for r in res]
    return [
        (f"bottleneck.{kind}", BINDS.format(words=words), "", [s[kind] for s in summaries])
        for kind, words in BOTTLENECK_WORDS.items()
    ]


def _solved(result: Result, value: Any) -> float:
    """A number of a solved plan; NaN for a plan without an optimum."""
    if not result.ok or value is None:
        return math.nan
    return float(value)


def _union(lists: Iterable[list[str]]) -> list[str]:
    out: list[str] = []
    for names in lists:
        out.extend(name for name in names if name not in out)
    return out


def bottleneck_summary(result: Result, local: bool = False) -> dict[str, str]:
    """Where each "no", the training seats and enrolment bind, in planner words.

    Each value lists institutions with the years their constraint binds
    (a positive shadow price), e.g. ``"Higher vocational colleges 2025-2030"``;
    ``"none"`` when it binds nowhere and ``""`` for a plan without an optimum.
    With ``local`` the separators and "none" are in the current language (for
    the workbook and the HTML page; the CSV files and JSON keep the English).
    """
    if not result.ok:
        return {kind: "" for kind in BOTTLENECK_WORDS}
    table = result.bottlenecks
    comma, semicolon, none = (_(", "), _("; "), _("none")) if local else (", ", "; ", "none")
    out = {}
    for kind, column in BOTTLENECK_COLUMNS.items():
        hits = table[table[column].astype(bool)] if not table.empty else table
        parts = []
        for inst in dict.fromkeys(hits["institution"].tolist()):
            years = sorted(int(y) for y in hits.loc[hits["institution"] == inst, "year"])
            parts.append(f"{inst} {year_ranges(years, comma)}")
        out[kind] = semicolon.join(parts) if parts else none
    return out


def year_ranges(years: Sequence[int], separator: str = ", ") -> str:
    """Years as ranges: ``[2025, 2026, 2027, 2030]`` -> ``"2025-2027, 2030"``."""
    spans: list[list[int]] = []
    for year in sorted(years):
        if spans and year == spans[-1][1] + 1:
            spans[-1][1] = year
        else:
            spans.append([year, year])
    return separator.join(f"{a}-{b}" if b > a else str(a) for a, b in spans)


# -- the inputs that differ ----------------------------------------------------

def flatten(raw: Any, prefix: str = "") -> dict[str, Any]:
    """A raw config as ``{dotted.key.path: value}``.

    Institutions (and other named list entries) are addressed by name, as
    ``Config.with_changes`` accepts; a series ``{year: value}`` and plain
    lists stay one value each. The ``scenarios`` section is left out: a
    scenario's changes show as the inputs they change.
    """
    out: dict[str, Any] = {}
    if isinstance(raw, dict) and raw and not _is_series(raw):
        for key, value in raw.items():
            if not prefix and key == "scenarios":
                continue
            out.update(flatten(value, f"{prefix}{key}."))
        return out
    if isinstance(raw, list) and raw and all(isinstance(item, dict) and "name" in item for item in raw):
        for item in raw:
            name = item["name"]
            out.update(flatten({k: v for k, v in item.items() if k != "name"}, f"{prefix}{name}."))
            out[f"{prefix}{name}"] = "present"
        return out
    out[prefix[:-1]] = _leaf(raw)
    return out


def _is_series(value: dict[Any, Any]) -> bool:
    return all(isinstance(k, int) or (isinstance(k, str) and k.isdigit()) for k in value)


def _leaf(value: Any) -> Any:
    if isinstance(value, dict):
        if not value:
            return "{}"
        return ", ".join(f"{k}: {_leaf(v)}" for k, v in sorted(value.items(), key=lambda kv: int(kv[0])))
    if isinstance(value, list):
        return ", ".join(str(_leaf(v)) for v in value)
    return value


def inputs_that_differ(names: Sequence[str], configs: Sequence[Config]) -> pd.DataFrame:
    """Config key paths whose values differ between plans: columns ``key`` and one per plan.

    A key one plan does not set shows as ``None`` for it.
    """
    flat = [flatten(config.raw) for config in configs]
    keys = _union(list(f) for f in flat)
    rows = []
    for key in keys:
        values = [f.get(key) for f in flat]
        if any(not _same(values[0], v) for v in values[1:]):
            rows.append([key, *values])
    return pd.DataFrame(rows, columns=["key", *names], dtype=object)


def _same(a: Any, b: Any) -> bool:
    def number(v: Any) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    if number(a) and number(b):
        return float(a) == float(b)
    return bool(a == b) and type(a) is type(b)
