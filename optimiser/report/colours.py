"""One colour per lever, funding source and tier, the same in every chart.

A name's colour follows from its place in the config (levers, funding
sources and tiers in the order the config lists them), never from which
names a chart happens to show. So ``secondments`` is drawn in one colour in
the frontier, the spending bars and the HTML report, even when one chart
shows only some of the levers.

>>> lever_colours(["enterprise_lecturers", "secondments"])["secondments"]
'#e07b39'
>>> lever_colours(["enterprise_lecturers", "secondments"]) == lever_colours(["enterprise_lecturers", "secondments"])
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

LEVER_PALETTE = (
    "#1b6ca8", "#e07b39", "#3c9d5d", "#b5443b", "#7d5ba6", "#8c6d46", "#d17fb0", "#17a2b8", "#bcbd22", "#4f5d75",
)
"""Levers, in the config's order (a config with more levers than colours starts again)."""

SOURCE_PALETTE = ("#2f4b7c", "#f2a541", "#5e9c76", "#a05195", "#d45087", "#7a8b99")
"""Funding sources, in the config's order: other hues than the levers', so the two are not confused."""

TIER_PALETTE = ("#3a7ca5", "#d1495b", "#edae49", "#66a182", "#8d6a9f", "#00798c")
"""Tiers, in the config's order."""

PLAIN = ("#33475b", "#c8553d", "#588b8b", "#8e6c8a")
"""Lines and bars that stand for no lever, source or tier (a median, a trade-off curve, a tornado's two ends)."""

NEUTRAL = "#6f6f6f"
"""Anything that is none of the config's names (e.g. a frontier piece past saturation)."""


def colour_map(names: Iterable[str], palette: Sequence[str]) -> dict[str, str]:
    """``{name: colour}`` by each name's place in ``names`` (all of the config's names, in its order)."""
    return {str(name): palette[index % len(palette)] for index, name in enumerate(dict.fromkeys(names))}


def lever_colours(levers: Iterable[str]) -> dict[str, str]:
    """The colour of each lever; pass every lever of the config (``config.levers``), in its order."""
    return colour_map(levers, LEVER_PALETTE)


def source_colours(sources: Iterable[str]) -> dict[str, str]:
    """The colour of each funding source; pass every source of the config (``config.funding``)."""
    return colour_map(sources, SOURCE_PALETTE)


def tier_colours(tiers: Iterable[str]) -> dict[str, str]:
    """The colour of each tier; pass every tier of the config (``config.tiers``)."""
    return colour_map(tiers, TIER_PALETTE)


_OF_CONFIG = {"lever": ("levers", "funding", lever_colours), "source": ("funding", "funding", source_colours),
              "tier": ("tiers", "outputs", tier_colours)}


def colours_of(result: Any, what: str) -> dict[str, str]:
    """The colour of each ``lever``, ``source`` or ``tier`` of a result's config.

    A result without its config (read back from files) falls back to the
    names in the order its tables list them.
    """
    key, table, colours = _OF_CONFIG[what]
    config = getattr(result, "config", None)
    if config is not None:
        return colours(getattr(config, key))
    frame = getattr(result, table)
    return colours(str(name) for name in frame[what]) if what in frame.columns else {}
