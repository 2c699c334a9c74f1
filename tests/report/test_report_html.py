"""The HTML report, loaded in a real headless Chromium (Debian's /usr/bin/chromium)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from optimiser.compare import compare, plans_from_args
from optimiser.report.html import html_report, write_html
from optimiser.sensitivity import sensitivity

from .test_report_xlsx import EVIL_INSTITUTION, EVIL_SCENARIO, FUNDING_STATEMENT, evil_config, tiny_result

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
CHARTS = ("spend-by-lever", "funding-by-source", "compound-output", "single-skill-output")
SCRIPT_NAME = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium for the whole module (starting it is the slow part)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Loaded:
    """A report open in a page, with everything the page asked for or said."""

    page: Any
    url: str
    requests: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture
def open_report(browser: Any) -> Iterator[Callable[[Path], Loaded]]:
    pages: list[Any] = []

    def load(path: Path) -> Loaded:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        pages.append(page)
        loaded = Loaded(page, path.resolve().as_uri())
        page.on("request", lambda request: loaded.requests.append(request.url))
        page.on("console", lambda message: loaded.console.append((message.type, message.text)))
        page.on("pageerror", lambda error: loaded.errors.append(str(error)))
        page.on("dialog", lambda dialog: (loaded.dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(loaded.url, wait_until="load")
        return loaded

    yield load
    for page in pages:
        page.close()


def row_cells(page: Any, table: str, header: str) -> list[str]:
    """The cell texts of the row of ``table`` whose header cell reads ``header``."""
    return page.eval_on_selector_all(
        f"{table} tr",
        """(rows, header) => {
            const row = rows.find(r => r.querySelector('th') && r.querySelector('th').textContent === header);
            return row ? Array.from(row.querySelectorAll('td')).map(c => c.textContent) : null;
        }""",
        header,
    )


@pytest.mark.slow
def test_report_loads_cleanly_with_every_chart_drawn(
    tmp_path: Path, zhejiang: Path, open_report: Callable[[Path], Loaded]
) -> None:
    comparison = compare(plans_from_args([zhejiang], ["base", "austerity"]))
    result = comparison.results[0][1]
    loaded = open_report(write_html(tmp_path / "report.html", result, sensitivity(result), comparison))
    assert loaded.errors == []
    assert [m for m in loaded.console if m[0] in ("error", "warning")] == []
    assert loaded.requests == [loaded.url]  # the file itself and nothing else
    charts = loaded.page.query_selector_all("[data-chart]")
    assert [c.get_attribute("data-chart") for c in charts] == list(CHARTS)
    for chart in charts:
        box = chart.query_selector("svg").bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 50, chart.get_attribute("data-chart")
    assert loaded.page.locator("script").count() == 0
    assert loaded.page.locator("link, img, iframe, object, embed").count() == 0


def test_summary_and_bottleneck_map_show_hand_derived_numbers(
    tmp_path: Path, open_report: Callable[[Path], Loaded]
) -> None:
    # Tiny config: 24,000 yuan buys 2 lecturers and 8 compound graduates, 3,000
    # yuan each; 92 students stay single-skill; practice is the only "no" that binds.
    result = tiny_result(tmp_path)
    loaded = open_report(write_html(tmp_path / "tiny.html", result, sensitivity(result)))
    page = loaded.page
    assert row_cells(page, "table.figures", "total cost") == ["24,000", "yuan"]
    assert row_cells(page, "table.figures", "average cost per compound graduate (total cost / every compound graduate)") == ["3,000", "yuan"]
    assert row_cells(page, "table.figures", "compound graduates over the horizon") == ["8.0", "graduates"]
    assert row_cells(page, "table.figures", "compound share of all graduates") == ["8.0%", "share"]
    cell = page.query_selector("table.map tr:nth-child(2) td")
    assert cell.get_attribute("class") == "b1"
    assert [t.text_content() for t in cell.query_selector_all(".tag")] == ["practice"]
    assert cell.get_attribute("title").startswith("no practical experience")
    # Up to 300,000 yuan (all 100 students trained) each yuan buys 1/3,000 graduate.
    first = page.locator("table.ranking tr:nth-child(2) td:first-child").text_content()
    assert first.startswith(FUNDING_STATEMENT) and "valid from 0 to 300,000 yuan" in first
    assert page.locator("#summary .million li").first.text_content() == first


def test_comparison_says_which_plan_is_better_and_by_how_much(
    tmp_path: Path, zhejiang_exact: Path, open_report: Callable[[Path], Loaded]
) -> None:
    # Both plans spend all the money they may (less a few hundred yuan the
    # tie-break leaves): 6 + 4 + 2 M yuan a year for six years is 72 M in
    # base; austerity halves government funding to 3 M a year: 54 M, -25%.
    comparison = compare(plans_from_args([zhejiang_exact], ["base", "austerity"]))
    loaded = open_report(write_html(tmp_path / "report.html", comparison.results[0][1], comparison=comparison))
    page = loaded.page
    columns = page.eval_on_selector_all("table.compare tr:first-child th", "cells => cells.map(c => c.textContent)")
    assert columns == ["measure", "unit", "base", "austerity", "change: austerity", "change %: austerity"]
    unit, base, austerity, change, percent = row_cells(page, "table.compare", "total cost (yuan)")
    assert unit == "yuan" and percent == "-31.2%"
    yuan = [float(text.replace(",", "")) for text in (base, austerity, change)]
    assert yuan == [pytest.approx(96e6, abs=1e3), pytest.approx(66e6, abs=1e3), pytest.approx(-30e6, abs=1e3)]
    assert row_cells(page, "table.compare", "input: funding.government.per_year")[:3] == [
        "config value", "10,000,000", "5,000,000",
    ]
    verdict = page.locator("#comparison .verdict").text_content()
    assert "Best plan by the objective: base" in verdict
    assert "austerity: " in verdict and "fewer weighted compound graduates than base" in verdict
    assert "30.00 M yuan cheaper" in verdict


def test_names_from_configs_are_escaped(
    tmp_path: Path, copy_config: Callable[[str], Path], open_report: Callable[[Path], Loaded]
) -> None:
    path = evil_config(copy_config)
    comparison = compare(plans_from_args([path], [EVIL_SCENARIO, "base"]))
    result = comparison.results[0][1]
    text = html_report(result, comparison=comparison)
    assert SCRIPT_NAME not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    loaded = open_report(write_html(tmp_path / "evil.html", result, comparison=comparison))
    page = loaded.page
    assert loaded.dialogs == [] and loaded.errors == []
    assert page.locator("script").count() == 0
    assert loaded.requests == [loaded.url]
    institutions = page.eval_on_selector_all("table.map tr th:first-child", "cells => cells.map(c => c.textContent)")
    assert institutions[1:] == [EVIL_INSTITUTION, SCRIPT_NAME, "Research universities"]
    assert "scenario +evil" in page.locator("header .meta").text_content()
    legend = page.locator('[data-chart="spend-by-lever"] svg').text_content()
    assert "@lecturers" in legend and "$secondments$" in legend


def test_a_plan_without_optimum_shows_why_and_no_charts(
    tmp_path: Path, open_report: Callable[[Path], Loaded]
) -> None:
    # A floor of 20 lecturers costs 240,000 yuan; the college has 24,000.
    result = tiny_result(tmp_path, levers__enterprise_lecturers__min_per_year=20)
    loaded = open_report(write_html(tmp_path / "none.html", result))
    page = loaded.page
    assert page.locator("[data-chart]").count() == 0
    assert "This plan has no optimum (infeasible)" in page.locator("#summary").text_content()
    assert page.locator("#summary .nomin li").count() == len(result.diagnosis) > 0
    assert loaded.errors == [] and loaded.requests == [loaded.url]


def test_charts_draw_on_the_axes_given_and_svgs_share_no_ids(tmp_path: Path) -> None:
    import re

    from matplotlib.figure import Figure

    from optimiser.report.charts import plot_output_by_tier, plot_spend_by_lever, svg_of

    # Tiny config: 24,000 yuan on lecturers in 2025; 92 single-skill graduates.
    result = tiny_result(tmp_path)
    ax = Figure().subplots()
    assert plot_spend_by_lever(result, ax=ax) is ax
    assert [bar.get_height() for bar in ax.patches] == [pytest.approx(0.024)]
    assert ax.get_ylabel() == "spend (million yuan)"
    single = plot_output_by_tier(result, kind="single_skill")
    assert [bar.get_height() for bar in single.patches] == [pytest.approx(92.0)]
    with pytest.raises(ValueError, match="kind must be 'compound' or 'single_skill', got 'both'"):
        plot_output_by_tier(result, kind="both")
    first, second = svg_of(ax, prefix="one"), svg_of(single, prefix="two")
    ids = [set(re.findall(r'\bid="([^"]+)"', svg)) for svg in (first, second)]
    assert ids[0] and ids[1] and not ids[0] & ids[1]
    assert first.startswith("<svg") and "<?xml" not in first


def test_an_all_zero_chart_says_so_instead_of_empty_axes() -> None:
    # Zhejiang with money enough, bases usable at once and recruits without a regional
    # limit: every enrolled student is fully trained (the first optimum, no tie-break or
    # smoothing, which may give up 1e-7 of the output).
    from optimiser import load_config, solve
    from optimiser.report.charts import plot_output_by_tier

    from ..conftest import CONFIGS

    config = load_config(CONFIGS / "zhejiang.yaml").with_changes({
        "levers.training_bases.delay": 0, "funding.government.per_year": 1e9,
        "levers.recruitment.region_max_per_year": 1000, "objective.tie_break": False, "objective.smooth": False,
    })
    result = solve(config)
    assert result.outputs["single_skill"].abs().max() < 1e-6
    ax = plot_output_by_tier(result, kind="single_skill")
    assert [t.get_text() for t in ax.texts] == ["none: every enrolled student is fully trained"]
    assert not ax.patches
