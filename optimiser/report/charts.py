"""Charts of a result, drawn with matplotlib on an Axes the caller may pass.

Every ``plot_*`` function takes ``ax=None``, draws on it (or on a new
:class:`matplotlib.figure.Figure` when none is given) and returns the Axes;
none of them touches pyplot's global state. :func:`svg_of` turns an Axes'
figure into an SVG string for the self-contained HTML report.

>>> from optimiser.report.charts import plot_spend_by_lever, svg_of
>>> ax = plot_spend_by_lever(result)  # doctest: +SKIP
>>> svg_of(ax).startswith("<svg")  # doctest: +SKIP
True
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..i18n import N_, _, money_unit
from .colours import NEUTRAL, colours_of

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..results import Result

FIGURE_SIZE = (6.0, 3.3)
"""Inches; the HTML page scales the SVG to the column width."""


# What an empty chart says (messages, said in the current language).
ZERO = N_("zero in every year")
EVERY_ONE_TRAINED = N_("none: every enrolled student is fully trained")
NO_COMPOUND = N_("no compound graduates")


def _new_axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    from matplotlib.figure import Figure

    figure = Figure(figsize=FIGURE_SIZE, layout="constrained")
    return figure.subplots()


def label(text: Any) -> str:
    """A config name made safe for matplotlib text (a ``$`` would start mathtext)."""
    return str(text).replace("\\", "\\\\").replace("$", r"\$")


def _stacked_bars(
    ax: Axes, table: pd.DataFrame, ylabel: str, title: str, colours: Mapping[str, str], empty: str = ZERO
) -> Axes:
    """Bars per year (the index), one stacked segment per column in its own colour; ``empty`` (a message, said in
    the current language) when there are none. ``ylabel`` and ``title`` are said as they are given."""
    if table.empty or not len(table.columns):
        ax.set_title(title)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.text(0.5, 0.5, _(empty), ha="center", va="center", transform=ax.transAxes, color="#555555")
        return ax
    years = [str(y) for y in table.index]
    bottom = [0.0] * len(years)
    for column in table.columns:
        values = [float(v) for v in table[column]]
        ax.bar(years, values, bottom=bottom, label=label(column), color=colours.get(str(column), NEUTRAL), width=0.7)
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_ylabel(ylabel)
    ax.set_xlabel(_("year"))
    ax.set_title(title)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    if len(table.columns):
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize="small")
    return ax


def _by_year(frame: pd.DataFrame, column: str, value: str, scale: float = 1.0) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame()
    table = frame.pivot_table(index="year", columns=column, values=value, aggfunc="sum", fill_value=0.0)
    table = table.loc[:, (table.abs() > 1e-9).any(axis=0)] if not table.empty else table
    return table.sort_index() * scale


def plot_spend_by_lever(result: Result, ax: Axes | None = None) -> Axes:
    """Stacked bars: money spent on each lever in each year (million yuan; in Chinese 万元)."""
    scale, unit = money_unit()
    table = _by_year(result.funding, "lever", "amount", 1 / scale)
    colours = colours_of(result, "lever")
    return _stacked_bars(_new_axes(ax), table, _("spend ({unit})").format(unit=unit), _("Spend by lever and year"),
                         colours)


def plot_funding_by_source(result: Result, ax: Axes | None = None) -> Axes:
    """Stacked bars: money each funding source pays in each year (million yuan; in Chinese 万元)."""
    scale, unit = money_unit()
    table = _by_year(result.funding, "source", "amount", 1 / scale)
    colours = colours_of(result, "source")
    return _stacked_bars(_new_axes(ax), table, _("funding ({unit})").format(unit=unit),
                         _("Funding by source and year"), colours)


def plot_output_by_tier(result: Result, ax: Axes | None = None, kind: str = "compound") -> Axes:
    """Stacked bars: graduates per year by tier; ``kind`` is ``compound`` or ``single_skill``."""
    if kind not in ("compound", "single_skill"):
        raise ValueError(f"kind must be 'compound' or 'single_skill', got {kind!r}")
    title = _("Compound graduates by tier and year") if kind == "compound" else _("Single-skill graduates by tier and year")
    table = _by_year(result.outputs, "tier", kind)
    empty = EVERY_ONE_TRAINED if kind == "single_skill" else NO_COMPOUND
    colours = colours_of(result, "tier")
    return _stacked_bars(_new_axes(ax), table, _("graduates per year"), title, colours, empty)


_ID = re.compile(r'\bid="([^"]+)"')


def svg_of(ax: Axes, prefix: str = "chart") -> str:
    """The figure holding ``ax`` as an inline ``<svg>`` element.

    Text stays text (the browser draws it with its own fonts, so names in any
    script render), and every ``id`` in the drawing is prefixed with
    ``prefix`` so several charts can share one HTML page.
    """
    import matplotlib

    figure = ax.get_figure(root=True)
    if figure is None:
        raise ValueError("the Axes belongs to no figure")
    buffer = io.StringIO()
    # Matplotlib measures text with its own font, which may lack Chinese glyphs; the SVG keeps the text as
    # text and the browser draws it with a font that has them, so the missing glyphs are no fault to report.
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": prefix}), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font", category=UserWarning)
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    for ident in set(_ID.findall(text)):
        new = f"{prefix}-{ident}"
        text = text.replace(f'id="{ident}"', f'id="{new}"')
        text = text.replace(f"#{ident})", f"#{new})").replace(f'"#{ident}"', f'"#{new}"')
    return text
