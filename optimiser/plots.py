"""Matplotlib charts of plans, frontiers, trade-offs and uncertainty.

Imported only when used (``import optimiser`` does not load matplotlib).
Every function draws on the Axes it is given, or on a new
:class:`matplotlib.figure.Figure` (not registered with pyplot) when
``ax`` is None, and returns the Axes. Nothing here calls ``show()`` or
changes matplotlib's global settings. Axis labels carry units (yuan,
graduates, graduates per year).

Titles, labels and legends are in the language chosen
(:func:`optimiser.set_language`), money in million yuan in English and in
万元 in Chinese. Every text a chart draws is given a Chinese font as its
last fallback where one is installed (:func:`chinese_font`), so Chinese
words and names of institutions, levers or sources show in either language.

>>> import matplotlib.pyplot as plt                      # doctest: +SKIP
>>> from optimiser import load_config, solve, plots      # doctest: +SKIP
>>> fig, ax = plt.subplots()                             # doctest: +SKIP
>>> plots.plot_allocation(solve(load_config("configs/zhejiang.yaml")), ax=ax)  # doctest: +SKIP
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Text

from .i18n import N_, _, chinese
from .i18n.words import COURSE_NO
from .report.colours import NEUTRAL, PLAIN, colours_of, lever_colours

PALETTE = PLAIN
"""Colours of lines that are no lever, source or tier (a median, a trade-off curve): none of theirs."""

CHINESE_FAMILIES = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei", "Heiti SC", "Noto Serif CJK SC", "Source Han Serif SC",
    "Droid Sans Fallback", "AR PL UMing CN",
)
"""Font families with the Simplified Chinese characters, the first installed used (sans-serif ones first)."""

_CHINESE_FILE_HINTS = ("cjk", "sourcehan", "wqy", "msyh", "simhei", "pingfang", "droidsansfallback", "uming")


@functools.cache
def chinese_font() -> str | None:
    """The first of :data:`CHINESE_FAMILIES` matplotlib can use, or None when none is installed.

    Matplotlib lists the fonts it found when its font cache was made; a font
    installed since is looked for once in the system's font folders and added.
    """
    from matplotlib import font_manager

    def known() -> str | None:
        names = {font.name for font in font_manager.fontManager.ttflist}
        return next((family for family in CHINESE_FAMILIES if family in names), None)

    found = known()
    if found is None:
        for path in font_manager.findSystemFonts():
            if any(hint in Path(path).name.lower() for hint in _CHINESE_FILE_HINTS):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):  # a file FreeType cannot read: look at the next
                    continue
        found = known()
    return found


def _with_fonts(*axes: Axes) -> None:
    """Give every text on ``axes`` (titles, labels, legends, tick labels, notes) :func:`chinese_font` as its last fallback.

    Each text keeps its own fonts first, so English reads as before. Texts
    keep the fonts they were made with, and the Axes given may have been made
    before the chart: so the fallback is added to each text afterwards. Ticks
    matplotlib adds when it draws copy the fonts of the first. Without a
    Chinese font installed nothing changes.
    """
    family = chinese_font()
    if family is None:
        return
    for each in axes:
        for text in each.findobj(Text):
            own = list(text.get_fontfamily())
            if family not in own:
                text.set_fontfamily([*own, family])


def _axes(ax: Axes | None, size: tuple[float, float] = (7.0, 4.2)) -> Axes:
    """``ax``, or the Axes of a new stand-alone Figure."""
    if ax is not None:
        return ax
    return Figure(figsize=size, layout="constrained").add_subplot()


def _check_input(
    function: str, value: Any, made_by: str, attributes: tuple[str, ...] = (), columns: tuple[str, ...] = ()
) -> None:
    """Refuse ``value`` unless it is what ``made_by`` names: an object with every one of ``attributes``, or a
    table with every one of ``columns`` (either may be empty: not taken). The TypeError names ``function``,
    what it takes and what it got, so a wrong argument never fails deep inside matplotlib or pandas."""
    if isinstance(value, pd.DataFrame):
        missing = [c for c in columns if c not in value.columns]
        if columns and not missing:
            return
        got = _("a table lacking the columns {columns}").format(columns=", ".join(missing or columns)) if columns \
            else _("a table")
    else:
        if attributes and all(hasattr(value, name) for name in attributes):
            return
        got = type(value).__name__
    raise TypeError(_("{function} takes {made_by}, got {got}").format(function=function, made_by=made_by, got=got))


def _check_result(function: str, result: Any) -> None:
    """Refuse anything but a :class:`~optimiser.Result` with a plan: an infeasible or unbounded one has none to plot."""
    _check_input(function, result, _("the Result that solve(config) returns"),
                 attributes=("funding", "bottlenecks", "status"))
    if not getattr(result, "ok", True):
        raise ValueError(_("{function}: the result is {status} and has no plan to plot; result.diagnosis says which "
                           "limits to relax").format(function=function, status=result.status.value))


def _objective_label(mode: str) -> str:
    return _("total cost (yuan)") if mode == "min_cost" else _("weighted compound graduates")


# -- the budget frontier --------------------------------------------------------

def plot_frontier(frontier: Any, ax: Axes | None = None) -> Axes:
    """The exact budget frontier: one line per segment, coloured by the lever bought at the margin.

    Parameters
    ----------
    frontier
        A :class:`~optimiser.analysis.Frontier` (anything with ``breakpoints``
        with columns budget, objective and ``segments`` with budget_from,
        budget_to, objective_from, objective_to, marginal_output_per_yuan,
        marginal_levers).
    ax
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        One line per segment, the breakpoints as dots, a legend of the
        leading marginal lever of each segment.

    Examples
    --------
    >>> from optimiser.analysis import frontier          # doctest: +SKIP
    >>> plot_frontier(frontier(load_config("configs/zhejiang.yaml")))  # doctest: +SKIP
    """
    _check_input("plot_frontier", frontier, _("the Frontier that frontier(config) returns"),
                 attributes=("segments", "breakpoints"))
    ax = _axes(ax)
    segments = frontier.segments
    points = frontier.breakpoints
    leads = [_lead(levers) for levers in segments["marginal_levers"]]
    # The breakpoint table lists every lever of the config, in its order: the colours of every other chart.
    colours = lever_colours(str(c).removeprefix("spend_") for c in points.columns if str(c).startswith("spend_"))
    scale, unit = _money_scale(float(points["budget"].max()) if len(points) else 0.0)
    for seg, lead in zip(segments.to_dict(orient="records"), leads):
        ax.plot([seg["budget_from"] / scale, seg["budget_to"] / scale], [seg["objective_from"], seg["objective_to"]],
                color=colours.get(lead, NEUTRAL), linewidth=2.2, solid_capstyle="round")
    dots = ax.scatter(points["budget"] / scale, points["objective"], s=14, color="black", zorder=3, label=_("breakpoint"))
    shown = [lever for lever in colours if lever in leads] + [lead for lead in dict.fromkeys(leads) if lead not in colours]
    handles: list[Any] = [Patch(color=colours.get(lead, NEUTRAL), label=_(lead) if lead == SATURATED else lead)
                          for lead in shown]
    handles.append(dots)
    ax.legend(handles=handles, title=_("bought at the margin"), fontsize="small", title_fontsize="small",
              loc="lower right")
    over = getattr(frontier, "over", "budget")
    ax.set_xlabel(_("{budget} ({unit}{span})").format(budget=over, unit=unit, span=_per(frontier)))
    ax.set_ylabel(_("optimal weighted compound graduates"))
    ax.set_title(_("Budget frontier: optimum and the lever bought on each segment"))
    ax.grid(alpha=0.3)
    _with_fonts(ax)
    return ax


SATURATED = N_("nothing (saturated)")


def _lead(levers: Any) -> str:
    text = str(levers or "").strip()
    return text.split(",")[0].strip() if text else SATURATED


def _per(frontier: Any) -> str:
    """What one unit of the frontier's budget spans, after a comma: ``, a year``, ``, over the horizon`` or none."""
    unit = str(getattr(frontier, "unit", ""))
    span = {"yuan a year": _("a year"), "yuan over the horizon": _("over the horizon")}.get(unit)
    return _(", {span}").format(span=span) if span else ""


def _money_scale(largest: float) -> tuple[float, str]:
    """The unit an axis counts money in for sums up to ``largest`` yuan: (yuan per unit, its name).

    English counts in million or thousand yuan, Chinese in 万元, each only where the sums reach it.
    """
    if chinese():
        return (1e4, _("ten thousand yuan")) if largest >= 1e4 else (1.0, _("yuan"))
    if largest >= 1e6:
        return 1e6, _("million yuan")
    if largest >= 1e3:
        return 1e3, _("thousand yuan")
    return 1.0, _("yuan")


# -- plans ------------------------------------------------------------------------

def plot_allocation(result: Any, ax: Axes | None = None) -> Axes:
    """Spending by lever and year, stacked (from ``result.funding``, summed over sources).

    Examples
    --------
    >>> plot_allocation(solve(load_config("configs/zhejiang.yaml")))  # doctest: +SKIP
    """
    _check_result("plot_allocation", result)
    colours = colours_of(result, "lever")
    ax = _stacked(result.funding, "lever", ax, _("Spending by lever"), colours)[0]
    _with_fonts(ax)
    return ax


def plot_funding(result: Any, ax: Axes | None = None) -> Axes:
    """Money by funding source and year, stacked, with the yearly money available as a dashed line.

    Examples
    --------
    >>> plot_funding(solve(load_config("configs/zhejiang.yaml")))  # doctest: +SKIP
    """
    _check_result("plot_funding", result)
    config = getattr(result, "config", None)
    ax, scale = _stacked(result.funding, "source", ax, _("Funding by source"), colours_of(result, "source"))
    if config is not None and config.funding:
        years = list(config.years)
        available = [sum(src.per_year.at(t) for src in config.funding.values()) / scale for t in years]
        ax.step(years, available, where="mid", color="black", linestyle="--", linewidth=1.2, label=_("available"))
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    _with_fonts(ax)
    return ax


def _stacked(
    funding: pd.DataFrame, by: str, ax: Axes | None, title: str, colours: dict[str, str]
) -> tuple[Axes, float]:
    """Bars of ``amount`` by year stacked by ``by`` (in the order of ``colours``); returns the Axes and the money unit."""
    ax = _axes(ax)
    table = funding.pivot_table(index="year", columns=by, values="amount", aggfunc="sum", fill_value=0.0)
    table = table.reindex(columns=[name for name in colours if name in table.columns])
    scale, unit = _money_scale(float(table.to_numpy().sum(axis=1).max()) if table.size else 0.0)
    bottom = np.zeros(len(table))
    years = [int(y) for y in table.index]
    for name in table.columns:
        values = table[name].to_numpy(dtype=float) / scale
        ax.bar(years, values, bottom=bottom, color=colours[name], label=name, width=0.7)
        bottom += values
    ax.set_xticks(years)
    ax.set_xlabel(_("year"))
    ax.set_ylabel(_("{unit} per year").format(unit=unit))
    ax.set_title(title)
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax, scale


# -- where the "three no" bind ------------------------------------------------------

def plot_bottlenecks(result: Any, ax: Axes | None = None) -> Axes:
    """Which "no" binds where: a row per institution and course type, a column per year.

    Colour is the shadow price of the teaching-hours constraint (weighted
    compound graduates one more hour of qualified teaching would give);
    binding cells are marked.

    Examples
    --------
    >>> plot_bottlenecks(solve(load_config("configs/zhejiang.yaml")))  # doctest: +SKIP
    """
    _check_result("plot_bottlenecks", result)
    ax = _axes(ax, (7.5, 0.45 * 3 * max(1, result.bottlenecks["institution"].nunique()) + 1.5))
    table = result.bottlenecks
    institutions = list(dict.fromkeys(table["institution"]))
    years = sorted(int(y) for y in table["year"].unique())
    labels, prices, binds = [], [], []
    for inst in institutions:
        rows = table[table["institution"] == inst].set_index("year")
        for course, words in COURSE_NO.items():
            labels.append(f"{inst}: {_(words)}")
            prices.append([abs(float(rows.loc[t, f"{course}_price"])) if t in rows.index else 0.0 for t in years])
            binds.append([bool(rows.loc[t, course]) if t in rows.index else False for t in years])
    grid = np.array(prices, dtype=float).reshape(len(labels), len(years))
    image = ax.imshow(grid, cmap="Oranges", aspect="auto", vmin=0.0, vmax=max(float(grid.max()), 1e-12))
    for r, row in enumerate(binds):
        for c, bound in enumerate(row):
            if bound:
                ax.text(c, r, _("binds"), ha="center", va="center", fontsize="x-small")
    ax.set_xticks(range(len(years)), [str(y) for y in years])
    ax.set_yticks(range(len(labels)), labels, fontsize="small")
    ax.set_xlabel(_("year"))
    ax.set_title(_('Where the "three no" bind'))
    bar = ax.figure.colorbar(image, ax=ax)
    bar.set_label(_("shadow price (weighted graduates per hour of teaching)"))
    _with_fonts(ax, bar.ax)
    return ax


# -- sensitivities --------------------------------------------------------------------

def plot_tornado(source: Any, ax: Axes | None = None, n: int = 10, **options: Any) -> Axes:
    """The ``n`` inputs whose range moves the optimum most, each re-solved at both ends.

    Parameters
    ----------
    source
        A :class:`~optimiser.analysis.tornado.Tornado`, or a
        :class:`~optimiser.Config` or :class:`~optimiser.Result` whose
        config is analysed here with :func:`~optimiser.analysis.tornado.tornado`
        (``options`` go to it: ``inputs``, ``change``, ``solver``, ``jobs``).
    ax
        Where to draw; a new figure when None.
    n
        How many inputs, the largest swing first.

    Each bar is the optimum at one end of the input's range less the optimum
    as written: two solves, no shadow price projected past where it holds.
    An end without an optimum has no bar but its status written beside the
    axis (``Tornado.table`` holds its diagnosis).

    Examples
    --------
    >>> plot_tornado(tornado(load_config("configs/zhejiang.yaml")), n=8)  # doctest: +SKIP
    """
    from .analysis.tornado import Tornado, tornado
    from .config.types import Config
    from .report.analysis_text import value_text
    from .solve.status import Status

    if isinstance(source, Config):
        source = tornado(source, **options)
    elif isinstance(getattr(source, "config", None), Config):
        source = tornado(source.config, **options)
    if not isinstance(source, Tornado):
        _check_input("plot_tornado", source, _("the Tornado that tornado(config) returns, a Config or a Result"))
    table = source.table.head(n)
    ax = _axes(ax, (8.0, 0.45 * max(len(table), 1) + 1.5))
    positions = np.arange(len(table))[::-1]
    high = np.nan_to_num(table["high_change"].to_numpy(dtype=float))
    low = np.nan_to_num(table["low_change"].to_numpy(dtype=float))
    ax.barh(positions, high, color=PALETTE[0], label=_("input at the high end"))
    ax.barh(positions, low, color=PALETTE[1], label=_("input at the low end"))
    ax.axvline(0.0, color="black", linewidth=0.8)
    ends = {"low": _("low end: {status}"), "high": _("high end: {status}")}
    for y, row in zip(positions, table.to_dict(orient="records")):
        failed = [ends[end].format(status=row[f"{end}_status"]) for end in ("low", "high")
                  if not Status(row[f"{end}_status"]).ok]
        if failed:
            ax.annotate("; ".join(failed), (0.0, y), xytext=(4, 0), textcoords="offset points", va="center",
                        fontsize="x-small", color=PALETTE[1])
    labels = [_("{input} ({low} to {high})").format(input=row["input"], low=value_text(row["low_value"]),
                                                   high=value_text(row["high_value"]))
              for row in table.to_dict(orient="records")]
    ax.set_yticks(positions, labels, fontsize="small")
    ax.set_xlabel(_("change in the optimum, {measure}").format(measure=_objective_label(source.mode)))
    ax.set_title(_("Largest effects of uncertain inputs, each re-solved at both ends (±{change} unless given)").format(
        change=f"{source.change:.0%}"))
    ax.legend(fontsize="small", loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    _with_fonts(ax)
    return ax


# -- uncertainty and trade-offs ---------------------------------------------------------

def plot_fan(mc_result: Any, ax: Axes | None = None) -> Axes:
    """Monte Carlo fan chart of compound output per year: p5-p95 and p25-p75 bands, the median line.

    ``mc_result`` is a :class:`~optimiser.analysis.montecarlo.MonteCarloResult`
    (or a table indexed by year with columns p5, p25, p50, p75, p95, like its ``fan()``).
    With a fixed plan the title says in how many of the worlds the plan is
    over budget (:meth:`~optimiser.analysis.montecarlo.MonteCarloResult.over_budget`):
    the bands show what the plan delivers, not whether it can be paid for.

    Examples
    --------
    >>> plot_fan(monte_carlo(load_config("configs/zhejiang_uncertain.yaml"), draws=200))  # doctest: +SKIP
    """
    _check_input("plot_fan", mc_result, _("the MonteCarloResult that monte_carlo(config) returns, or its fan() table"),
                 attributes=("fan",), columns=("p5", "p25", "p50", "p75", "p95"))
    ax = _axes(ax)
    fan = mc_result.fan() if hasattr(mc_result, "fan") else mc_result
    years = [int(y) for y in fan.index]
    ax.fill_between(years, fan["p5"], fan["p95"], color=PALETTE[0], alpha=0.18, linewidth=0, label="5-95%")
    ax.fill_between(years, fan["p25"], fan["p75"], color=PALETTE[0], alpha=0.38, linewidth=0, label="25-75%")
    ax.plot(years, fan["p50"], color=PALETTE[0], linewidth=2.0, marker="o", markersize=3, label=_("median"))
    ax.set_xticks(years)
    ax.set_xlabel(_("year"))
    ax.set_ylabel(_("compound graduates per year"))
    what = _("fixed plan") if getattr(mc_result, "fixed_plan", False) else _("re-optimised plan")
    draws = len(mc_result.draws) if hasattr(mc_result, "draws") else None
    title = (_("Compound output under uncertainty ({plan}, {draws} draws)").format(plan=what, draws=f"{draws:,}")
             if draws else _("Compound output under uncertainty ({plan})").format(plan=what))
    over, judged = mc_result.over_budget() if hasattr(mc_result, "over_budget") else (0, 0)
    if judged:
        title += "\n" + _("over budget in {over} of {judged} worlds ({share})").format(
            over=f"{over:,}", judged=f"{judged:,}", share=f"{over / judged:.0%}")
    ax.set_title(title)
    ax.legend(fontsize="small", loc="lower right")
    ax.grid(alpha=0.3)
    _with_fonts(ax)
    return ax


def plot_pareto(frame: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """The tier trade-off frontier of :func:`optimiser.analysis.pareto`.

    ``frame`` has columns x_tier, y_tier, x_output, y_output (and status;
    rows that are not optimal are left out).

    Examples
    --------
    >>> plot_pareto(pareto(load_config("configs/zhejiang.yaml"), x="basic", y="professional"))  # doctest: +SKIP
    """
    _check_input("plot_pareto", frame, _("the table that pareto(config) returns"),
                 columns=("x_tier", "y_tier", "x_output", "y_output"))
    ax = _axes(ax)
    rows = frame[frame["status"].astype(str) == "optimal"] if "status" in frame.columns else frame
    rows = rows.sort_values("x_output", kind="stable")
    x_tier = str(frame["x_tier"].iloc[0]) if len(frame) else "x"
    y_tier = str(frame["y_tier"].iloc[0]) if len(frame) else "y"
    ax.plot(rows["x_output"], rows["y_output"], color=PALETTE[3], marker="o", markersize=4, linewidth=1.8)
    ax.set_xlabel(_("{tier} compound graduates (over the horizon)").format(tier=x_tier))
    ax.set_ylabel(_("{tier} compound graduates (over the horizon)").format(tier=y_tier))
    ax.set_title(_("Trade-off: {x} against {y} under the same budget").format(x=x_tier, y=y_tier))
    ax.grid(alpha=0.3)
    _with_fonts(ax)
    return ax


__all__ = [
    "plot_allocation", "plot_bottlenecks", "plot_fan", "plot_frontier", "plot_funding", "plot_pareto", "plot_tornado",
]


def plot_alternatives(room: Any, ax: Axes | None = None) -> Axes:
    """The range of each lever at each institution among near-optimal plans (:func:`optimiser.alternatives`).

    A bar from the least to the most each can be given, a dot at the optimal
    plan; forced ranges dark, choices light, unused ones left out.
    """
    _check_input("plot_alternatives", room, _("the Alternatives that alternatives(config) returns"),
                 attributes=("ranges", "summary"))
    table = room.ranges[(room.ranges["institution"] != "all") & (room.ranges["verdict"] != "unused")]
    table = table.iloc[::-1]
    ax = _axes(ax, (7.5, max(2.5, 0.38 * len(table) + 1.2)))
    yuan = room.summary.get("measure", "yuan") == "yuan"
    factor, unit = _money_scale(float(table["high"].max()) if len(table) else 1.0) if yuan else (1.0, _("units"))
    config = getattr(room, "config", None)
    colours = lever_colours(config.levers if config is not None else dict.fromkeys(room.ranges["lever"]))
    labels = [f"{row.lever} @ {row.institution}" for row in table.itertuples()]
    for y, row in enumerate(table.itertuples()):
        colour = colours[row.lever]
        alpha = 0.9 if row.verdict == "forced" else 0.35
        ax.barh(y, (row.high - row.low) / factor, left=row.low / factor, color=colour, alpha=alpha, height=0.6)
        ax.plot(row.optimal / factor, y, "o", color="black", markersize=4)
    ax.set_yticks(range(len(table)))
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_xlabel(_("given over the horizon ({unit})").format(unit=unit) if yuan else _("units started over the horizon"))
    within = room.summary.get("within", 0.0) * 100
    ax.set_title(_("Room within {within}% of the optimum: dark = forced, light = a choice, dot = optimal plan").format(
        within=f"{within:g}"))
    _with_fonts(ax)
    return ax


def plot_convergence(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """The robust objective as the draws grow (:func:`optimiser.analysis.robust.robust_convergence`).

    In ``min_cost`` mode (``table.attrs["mode"]``) the objective is a cost:
    yuan on the axis, beside the costliest world of the sample.
    """
    _check_input("plot_convergence", table, _("the table that robust_convergence(config) returns"),
                 columns=("draws", "objective"))
    ax = _axes(ax)
    min_cost = table.attrs.get("mode") == "min_cost"
    worst, unit = ("worst_cost", _("yuan")) if min_cost else ("worst_output", _("weighted graduates"))
    ax.plot(table["draws"], table["objective"], "o-", color=PALETTE[0], label=_("robust objective"))
    if worst in table:
        label = _("costliest world in the sample") if min_cost else _("worst world in the sample")
        ax.plot(table["draws"], table[worst], "s--", color=PALETTE[3], label=label)
    ax.set_xscale("log")
    ax.set_xlabel(_("drawn worlds (N)"))
    ax.set_ylabel(unit)
    ax.set_title(_("Robust plan: when is N enough?"))
    ax.legend(loc="best", fontsize=8)
    _with_fonts(ax)
    return ax
