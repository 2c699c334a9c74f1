"""Plots: each draws what its table says on the Axes given, with units, and leaves global state alone."""

from __future__ import annotations

import io
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from optimiser import load_config, plots, solve
from optimiser.analysis import frontier, pareto, tornado
from optimiser.analysis.montecarlo import monte_carlo
from optimiser.i18n import _, language
from optimiser.report import charts

from ..tiny import tiny_config, write_tiny

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def inputs() -> dict[str, Any]:
    config = load_config(ROOT / "configs" / "zhejiang_uncertain.yaml")
    result = solve(config)
    return {
        "config": config,
        "result": result,
        "frontier": frontier(config),
        "pareto": pareto(config, x="basic", y="professional", points=6),
        "mc": monte_carlo(config, draws=30, seed=1, plan=result),
        "tornado": tornado(config, inputs=["levers.secondments.cost", "tiers.basic.completion_rate"]),
    }


@pytest.fixture
def ax() -> Iterator[Axes]:
    fig, axes = plt.subplots()
    yield axes
    plt.close(fig)


def test_importing_the_package_does_not_load_matplotlib() -> None:
    code = (
        "import sys, optimiser, optimiser.analysis, optimiser.analysis.montecarlo, optimiser.cli.main; "
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.slow
def test_allocation_stacks_every_lever_in_every_year(inputs: dict[str, Any], ax: Axes) -> None:
    result = inputs["result"]
    assert plots.plot_allocation(result, ax=ax) is ax
    bars = [patch for container in ax.containers for patch in container]
    assert len(ax.containers) == 6 and len(bars) == 6 * 6  # levers x years
    # Each year's stack reaches the year's spending (bars in million yuan).
    tops = {}
    for patch in bars:
        year = round(patch.get_x() + patch.get_width() / 2)
        tops[year] = max(tops.get(year, 0.0), patch.get_y() + patch.get_height())
    spend = result.funding.groupby("year")["amount"].sum() / 1e6
    for year, total in spend.items():
        assert tops[int(year)] == pytest.approx(total, rel=1e-9)
    assert ax.get_ylabel() == "million yuan per year"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(inputs["config"].levers)


def test_funding_by_source_with_the_money_available(inputs: dict[str, Any], ax: Axes) -> None:
    plots.plot_funding(inputs["result"], ax=ax)
    assert sum(len(c) for c in ax.containers) == 3 * 6  # sources x years
    available = ax.get_lines()[0]
    # 10 M government + 4 M universities + 2 M enterprises a year.
    assert np.allclose(available.get_ydata(), 16.0)
    assert "yuan" in ax.get_ylabel()


def test_bottleneck_map_marks_every_binding_no(inputs: dict[str, Any], ax: Axes) -> None:
    result = inputs["result"]
    plots.plot_bottlenecks(result, ax=ax)
    image = ax.get_images()[0]
    assert image.get_array().shape == (3 * 3, 6)  # (institution, course) x year
    binding = int(result.bottlenecks[["knowledge", "practice", "training"]].to_numpy().sum())
    assert sum(text.get_text() == "binds" for text in ax.texts) == binding > 0
    assert ax.get_yticklabels()[1].get_text() == "Higher vocational colleges: no practical experience"
    colorbar = ax.figure.axes[-1]
    assert "weighted graduates per hour of teaching" in colorbar.get_ylabel()


def test_fan_draws_the_monte_carlo_percentiles(inputs: dict[str, Any], ax: Axes) -> None:
    mc = inputs["mc"]
    plots.plot_fan(mc, ax=ax)
    assert sum(isinstance(c, PolyCollection) for c in ax.collections) == 2
    median = ax.get_lines()[0]
    assert list(median.get_xdata()) == list(range(2025, 2031))
    assert np.allclose(median.get_ydata(), mc.percentiles.loc[[f"compound_{y}" for y in range(2025, 2031)], "p50"])
    assert ax.get_ylabel() == "compound graduates per year"
    assert "30 draws" in ax.get_title()


def test_fan_of_a_fixed_plan_says_how_often_it_is_over_budget(tmp_path: Path, ax: Axes) -> None:
    # Two lecturers are paid from 24,000 yuan a year: over budget exactly when one costs more than 12,000.
    cost = "levers.enterprise_lecturers.cost"
    raw = tiny_config(uncertainty={cost: {"dist": "uniform", "low": 10000, "high": 16000}})
    config = load_config(write_tiny(tmp_path, raw))
    mc = monte_carlo(config, draws=40, seed=3, plan={("enterprise_lecturers", "College", "", 2025): 2})
    over = int((mc.draws[cost] > 12000).sum())
    assert 0 < over < 40
    plots.plot_fan(mc, ax=ax)
    assert f"over budget in {over} of 40 worlds ({over / 40:.0%})" in ax.get_title()
    assert f"over budget in {over:,} of 40 worlds" in str(mc)
    plots.plot_fan(monte_carlo(config, draws=5, seed=3), ax=ax)  # re-optimised: every world is within budget
    assert "over budget" not in ax.get_title()


def test_pareto_line_follows_the_table(inputs: dict[str, Any], ax: Axes) -> None:
    table = inputs["pareto"]
    plots.plot_pareto(table, ax=ax)
    line = ax.get_lines()[0]
    optimal = table[table["status"] == "optimal"].sort_values("x_output")
    assert np.allclose(line.get_xdata(), optimal["x_output"]) and np.allclose(line.get_ydata(), optimal["y_output"])
    assert ax.get_xlabel() == "basic compound graduates (over the horizon)"
    assert "professional" in ax.get_ylabel()


def test_frontier_one_line_per_segment(inputs: dict[str, Any], ax: Axes) -> None:
    front = inputs["frontier"]
    plots.plot_frontier(front, ax=ax)
    assert len(ax.get_lines()) == len(front.segments)
    dots = ax.collections[0].get_offsets()
    assert np.allclose(dots[:, 0], front.breakpoints["budget"] / 1e6)
    assert np.allclose(dots[:, 1], front.breakpoints["objective"])
    assert ax.get_xlabel() == "total_budget (million yuan, over the horizon)"
    legend = {t.get_text() for t in ax.get_legend().get_texts()}
    leads = {str(levers).split(",")[0] for levers in front.segments["marginal_levers"] if levers}
    assert leads <= legend and "breakpoint" in legend


def _bar_colours(ax: Axes) -> dict[str, str]:
    return {str(c.get_label()): to_hex(c.patches[0].get_facecolor()) for c in ax.containers}


def test_each_lever_and_source_has_one_colour_in_every_chart(inputs: dict[str, Any]) -> None:
    config, result = inputs["config"], inputs["result"]
    allocation = _bar_colours(plots.plot_allocation(result))
    assert list(allocation) == list(config.levers) and len(set(allocation.values())) == len(config.levers)
    assert _bar_colours(charts.plot_spend_by_lever(result)) == allocation
    # The frontier colours each segment by the lever bought at its margin: the same colours.
    front = inputs["frontier"]
    lines = plots.plot_frontier(front).get_lines()
    leads = [str(levers).split(",")[0] for levers in front.segments["marginal_levers"]]
    assert {lead for lead in leads if lead} >= {"secondments", "training_bases"}
    for line, lead in zip(lines, leads):
        if lead:
            assert to_hex(line.get_color()) == allocation[lead], lead
    sources = _bar_colours(plots.plot_funding(result))
    assert list(sources) == list(config.funding)
    assert _bar_colours(charts.plot_funding_by_source(result)) == sources
    # A plan that uses only some levers and sources keeps each one's colour.
    poor = solve(config.with_changes({"funding.government.per_year": 0, "funding.universities.per_year": 0}))
    some = _bar_colours(charts.plot_spend_by_lever(poor))
    assert 0 < len(some) < len(config.levers) and some == {lever: allocation[lever] for lever in some}
    paid = _bar_colours(charts.plot_funding_by_source(poor))
    assert list(paid) == ["enterprises"] and paid["enterprises"] == sources["enterprises"]


PLOTTERS: list[tuple[str, Callable[[dict[str, Any]], Any]]] = [
    ("plot_frontier", lambda i: i["frontier"]),
    ("plot_allocation", lambda i: i["result"]),
    ("plot_funding", lambda i: i["result"]),
    ("plot_bottlenecks", lambda i: i["result"]),
    ("plot_tornado", lambda i: i["tornado"]),
    ("plot_fan", lambda i: i["mc"]),
    ("plot_pareto", lambda i: i["pareto"]),
]


@pytest.mark.parametrize(("name", "argument"), PLOTTERS, ids=[name for name, _ in PLOTTERS])
def test_no_global_state_touched(inputs: dict[str, Any], name: str, argument: Callable[[dict[str, Any]], Any]) -> None:
    before_rc = dict(matplotlib.rcParams)
    before_figures = plt.get_fignums()
    own = plt.figure()
    try:
        given = own.add_subplot()
        assert getattr(plots, name)(argument(inputs), ax=given) is given
        assert plt.get_fignums() == before_figures + [own.number]  # nothing new beside the figure we made
    finally:
        plt.close(own)
    made = getattr(plots, name)(argument(inputs))  # no ax: a stand-alone Figure, unknown to pyplot
    assert isinstance(made, Axes) and isinstance(made.figure, Figure)
    assert plt.get_fignums() == before_figures
    assert dict(matplotlib.rcParams) == before_rc
    labels = made.get_xlabel() + made.get_ylabel() + "".join(a.get_ylabel() for a in made.figure.axes)
    assert any(unit in labels for unit in ("yuan", "graduates")), labels


def test_charts_speak_the_language_chosen(inputs: dict[str, Any], ax: Axes) -> None:
    result = inputs["result"]
    with language("zh"):
        plots.plot_funding(result, ax=ax)
        assert ax.get_title() == "各资金来源支付"
        assert ax.get_ylabel() == "万元/年"
        assert "可用资金" in [t.get_text() for t in ax.get_legend().get_texts()]
        # 10 M + 4 M + 2 M yuan a year is 1,600 万元.
        assert np.allclose(ax.get_lines()[0].get_ydata(), 1600.0)
        ax.clear()
        plots.plot_bottlenecks(result, ax=ax)
        assert ax.get_title() == "“三无”在何处起约束作用"
        assert any(text.get_text() == "约束" for text in ax.texts)
        assert ax.get_yticklabels()[1].get_text() == "Higher vocational colleges: " + _("no practical experience")
        assert _("no practical experience") != "no practical experience"
        fan = plots.plot_fan(inputs["mc"])
        assert "30 次抽样" in fan.get_title() and fan.get_ylabel() == "每年复合型毕业生"
        front = plots.plot_frontier(inputs["frontier"])
        assert front.get_xlabel() == "total_budget（万元，规划期合计）"
    # The language set back: English again.
    again = plots.plot_funding(result)
    assert again.get_title() == "Funding by source" and again.get_ylabel() == "million yuan per year"


def _draw_without_missing_glyphs(figure: Figure) -> None:
    """Print ``figure`` to a PNG, failing on any character its fonts lack."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r"Glyph \d+ .* missing from font")
        figure.savefig(io.BytesIO(), format="png")


def test_chinese_words_and_names_are_drawn_in_a_chinese_font(inputs: dict[str, Any]) -> None:
    family = plots.chinese_font()
    if family is None:
        pytest.skip("no Chinese font installed (Debian package fonts-noto-cjk; scripts/test.sh installs it as root)")
    # An Axes made before the chart, with matplotlib's fonts: the chart still gives its texts the Chinese font.
    figure = Figure()
    ax = figure.add_subplot()
    mine = ax.text(0.0, 0.0, "mine", fontfamily="serif")
    with language("zh"):
        plots.plot_bottlenecks(inputs["result"], ax=ax)
    assert ax.title.get_fontfamily()[-1] == family
    assert mine.get_fontfamily() == ["serif", family]  # a text's own font stays first
    _draw_without_missing_glyphs(figure)
    # In English, names written in Chinese (a tier here) show too.
    table = pd.DataFrame({"x_tier": ["基础"] * 2, "y_tier": ["专业"] * 2, "x_output": [0.0, 5.0],
                          "y_output": [4.0, 0.0], "status": ["optimal"] * 2})
    english = plots.plot_pareto(table)
    assert english.get_xlabel() == "基础 compound graduates (over the horizon)"
    _draw_without_missing_glyphs(english.figure)
    # Without the Chinese font the same text misses its glyphs: the check above can fail.
    english.xaxis.label.set_fontfamily(["DejaVu Sans"])
    with pytest.raises(UserWarning, match="missing from font"):
        _draw_without_missing_glyphs(english.figure)
