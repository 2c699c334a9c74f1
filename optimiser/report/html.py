"""The self-contained HTML report a budget officer passes upward.

One file, no script, no external style sheet, font or image: the charts are
inline SVG drawn by matplotlib, the bottleneck map is an HTML table coloured
by CSS, and a Content-Security-Policy forbids the page to load anything from
anywhere. Every name taken from a config (institutions, scenarios, levers,
sources, tiers) is HTML-escaped.

>>> from optimiser import load_config, solve
>>> from optimiser.report.html import html_report
>>> page = html_report(solve(load_config("configs/zhejiang.yaml")))
>>> page.startswith("<!DOCTYPE html>")
True
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..i18n import N_, _, clauses, colon, get_language, language, money_unit, series
from ..i18n.words import COURSE_NO, course_name, unit_words
from .files import write_atomic
from .findings import bottleneck_lines, comparison_frame, key_figures, next_million_lines, plan_verdict

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..results import Result

RANKING_SHOWN = 15
"""Ranked sensitivity rows shown before the rest fold into a details element."""

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

STYLE = """
:root { --ink: #1d2a36; --muted: #5b6b7a; --line: #d5dde5; --head: #eef3f7; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", sans-serif;
       color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 1.5rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; border-bottom: 2px solid var(--line); padding-bottom: .2rem; }
.meta { color: var(--muted); margin: 0 0 1rem; }
.verdict { background: #f3f8ee; border-left: 4px solid #3a9d5d; padding: .6rem 1rem; }
.nomin { background: #fbeeee; border-left: 4px solid #c23b4e; padding: .6rem 1rem; }
.million { background: #eef4fb; border-left: 4px solid #1f5f8b; padding: .6rem 1rem; }
ul.findings { margin: .3rem 0; padding-left: 1.2rem; }
table { border-collapse: collapse; margin: .4rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; vertical-align: top; }
th { background: var(--head); text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 1rem; }
figure { margin: 0; border: 1px solid var(--line); padding: .5rem; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: .85rem; }
table.map td { text-align: center; min-width: 6.5rem; }
.b0 { background: #e8f5e9; } .b1 { background: #fff4cc; } .b2 { background: #ffd8a8; } .b3 { background: #f8b4b4; }
.tag { display: inline-block; border-radius: 3px; padding: 0 .3rem; margin: 1px; font-size: .8rem;
       background: rgba(255,255,255,.7); border: 1px solid rgba(0,0,0,.15); }
.legend span { display: inline-block; padding: .1rem .5rem; margin-right: .4rem; border: 1px solid var(--line); }
tr.input th, tr.input td { background: #fafaf2; }
.wide { overflow-x: auto; }
table.compare td { max-width: 22rem; }
details { margin: .4rem 0 1rem; }
footer { color: var(--muted); font-size: .8rem; margin-top: 2rem; }
.print-only { display: none; }
@media print {
  @page { margin: 12mm; }
  body { max-width: none; padding: 0; font-size: 9pt; line-height: 1.3; }
  h1, h2 { break-after: avoid; page-break-after: avoid; }
  .charts { display: block; }
  figure { break-inside: avoid; page-break-inside: avoid; margin: 0 0 4mm; }
  figure svg { max-height: 110mm; width: auto; max-width: 100%; margin: 0 auto; }
  table { font-size: 7.5pt; break-inside: auto; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  td.n { white-space: normal; }
  table.map td { min-width: 0; }
  .wide { overflow: visible; }
  .screen-only { display: none; }
  .print-only { display: block; }
  details::details-content { content-visibility: visible; display: block; }
  details > summary { list-style: none; font-weight: 600; }
}
"""
PRINT_PLANS = 3
"""Plans per printed comparison table: a wide comparison prints as tables of this many plan columns each."""

def esc(value: Any) -> str:
    """A config name or any other text, safe inside HTML text and attributes."""
    return html.escape("" if value is None else str(value), quote=True)


def write_html(path: str | Path, result: Result, sensitivity: Any = None, comparison: Any = None,
               lang: str | None = None) -> Path:
    """Write the HTML report for ``result`` to ``path`` atomically and return the path.

    >>> write_html("report.html", result, sensitivity(result), comparison)  # doctest: +SKIP
    PosixPath('report.html')
    """
    page = html_report(result, sensitivity, comparison, lang=lang)

    def write(temp: Path) -> None:
        temp.write_text(page, encoding="utf-8")

    return write_atomic(Path(path), write)


def html_report(result: Result, sensitivity: Any = None, comparison: Any = None, lang: str | None = None) -> str:
    """The whole report as one HTML document (a string), its words in ``lang`` (None: the current language)."""
    with language(lang):
        return _html_report(result, sensitivity, comparison)


def _html_report(result: Result, sensitivity: Any = None, comparison: Any = None) -> str:
    s = result.summary
    title = f"{s.get('name')}{colon()}{s.get('scenario')}"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if get_language() == "zh" else "en"}"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>",
        f"<style>{STYLE}</style></head><body>",
        _header(result),
        _summary(result, sensitivity, comparison),
    ]
    if result.ok:
        parts.append(_charts(result))
        parts.append(_bottleneck_map(result))
    parts.append(_ranking(result, sensitivity))
    parts.append(_comparison(comparison))
    parts.append(_footer(result))
    parts.append("</body></html>")
    return "\n".join(p for p in parts if p) + "\n"


# ----------------------------------------------------------------- pieces


def _header(result: Result) -> str:
    s = result.summary
    config = result.config
    years = ""
    if config is not None:
        h = config.horizon
        span = f"{h.start}-{h.start + h.years - 1}" if h.years > 1 else f"{h.start}"
        years = _(", {years}").format(years=span)
    words = {"scenario": _("scenario"), "status": _("status"), "solver": _("solver")}
    return (
        f"<header><h1>{esc(s.get('name'))}</h1>"
        f'<p class="meta">{esc(words["scenario"])} <b>{esc(s.get("scenario"))}</b>{esc(years)} · {esc(s.get("mode"))} · '
        f"{esc(words['status'])} <b>{esc(result.status.value)}</b> · {esc(words['solver'])} {esc(s.get('solver'))}</p></header>"
    )


def _list(items: Iterable[str], css: str) -> str:
    lines = [f"<li>{esc(item)}</li>" for item in items]
    return f'<div class="{css}"><ul class="findings">{"".join(lines)}</ul></div>' if lines else ""


def _summary(result: Result, sensitivity: Any, comparison: Any) -> str:
    title = _("Summary")
    out = [f'<section id="summary"><h2>{esc(title)}</h2>']
    results = list(getattr(comparison, "results", []) or [])
    out.append(_list(plan_verdict(results), "verdict"))
    if not result.ok:
        status = result.status.value
        why = [d.message for d in result.diagnosis] or [_("the solver found no optimum ({status})").format(status=status)]
        no_optimum = _("This plan has no optimum ({status}). What to change:").format(status=status)
        out.append(f"<p><b>{esc(no_optimum)}</b></p>")
        out.append(_list(why, "nomin"))
    million = next_million_lines(sensitivity)
    if million:
        bold, rest = _("What the next unit buys"), _(" (ranked, see below for all):")
        out.append(f"<p><b>{esc(bold)}</b>{esc(rest)}</p>")
        out.append(_list(million, "million"))
    rows = []
    for item, value, unit in key_figures(result):
        number = esc(_number(value, unit))
        rows.append(f'<tr><th>{esc(item)}</th><td class="n">{number}</td><td>{esc(unit_words(unit))}</td></tr>')
    out.append(f'<table class="figures">{"".join(rows)}</table>')
    notes = list(result.summary.get("notes", []))
    if sensitivity is not None and getattr(sensitivity, "note", None):
        notes.append(sensitivity.note)
    notes += [_("warning: {text}").format(text=w) for w in result.summary.get("warnings", [])]
    if notes:
        out.append(_list(notes, "notes"))
    out.append("</section>")
    return "\n".join(o for o in out if o)


def _number(value: Any, unit: str = "") -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value)
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, float) and math.isinf(value):
        return _("unlimited") if value > 0 else "-" + _("unlimited")
    if unit == "share":
        return f"{value:.1%}"
    if unit == "yuan":
        return f"{value:,.0f}"
    if unit in ("graduates", "weighted graduates"):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,d}"
    return f"{value:,.1f}" if abs(value) >= 100 else f"{value:,.4g}"


def _chart(name: str, caption: str, draw: Callable[[Axes | None], Axes]) -> str:
    from .charts import svg_of

    ax = draw(None)
    return f'<figure data-chart="{esc(name)}">{svg_of(ax, prefix=name)}<figcaption>{esc(caption)}</figcaption></figure>'


def _charts(result: Result) -> str:
    from .charts import plot_funding_by_source, plot_output_by_tier, plot_spend_by_lever

    unit = money_unit()[1]
    spend = _chart("spend-by-lever", _("Money spent on each lever per year ({unit}).").format(unit=unit),
                   lambda ax: plot_spend_by_lever(result, ax))
    funding = _chart("funding-by-source", _("Money paid by each funding source per year ({unit}).").format(unit=unit),
                     lambda ax: plot_funding_by_source(result, ax))
    compound = _chart("compound-output", _("Compound graduates (fully trained) per year, by tier."),
                      lambda ax: plot_output_by_tier(result, ax, "compound"))
    single = _chart("single-skill-output", _("Single-skill graduates (enrolled but not fully trained) per year, by tier."),
                    lambda ax: plot_output_by_tier(result, ax, "single_skill"))
    spending, graduates = _("Spending and funding"), _("Graduates")
    return (
        f'<section id="spending"><h2>{esc(spending)}</h2>'
        f'<div class="charts">{spend}{funding}</div>{_pivot_details(result.funding, "lever", "amount", "yuan")}'
        f'{_pivot_details(result.funding, "source", "amount", "yuan")}</section>'
        f'<section id="output"><h2>{esc(graduates)}</h2>'
        f'<div class="charts">{compound}{single}</div>'
        f'{_pivot_details(result.outputs, "tier", "compound", "graduates")}'
        f'{_pivot_details(result.outputs, "tier", "single_skill", "graduates")}</section>'
    )


PIVOT_CAPTIONS = {
    ("lever", "amount"): N_("Table: amount by lever and year (yuan)"),
    ("source", "amount"): N_("Table: amount by source and year (yuan)"),
    ("tier", "compound"): N_("Table: compound by tier and year (graduates)"),
    ("tier", "single_skill"): N_("Table: single-skill by tier and year (graduates)"),
}
"""The caption of each table of numbers behind a chart, keyed by (row, value)."""
PIVOT_ROWS = {"lever": N_("lever"), "source": N_("source"), "tier": N_("tier")}
"""The heading of the rows of a table behind a chart, by what they are."""


def _pivot_details(frame: pd.DataFrame, by: str, value: str, unit: str) -> str:
    """The numbers behind a chart, folded away under the chart."""
    if frame.empty:
        return ""
    table = frame.pivot_table(index=by, columns="year", values=value, aggfunc="sum", fill_value=0.0)
    head = "".join(f"<th>{esc(y)}</th>" for y in table.columns)
    body = "".join(
        f"<tr><th>{esc(name)}</th>"
        + "".join(f'<td class="n">{esc(_number(float(v), unit))}</td>' for v in row)
        + "</tr>"
        for name, row in zip(table.index, table.to_numpy())
    )
    caption = _(PIVOT_CAPTIONS[by, value])
    rows = _(PIVOT_ROWS[by])
    return (
        f"<details><summary>{esc(caption)}</summary>"
        f"<table><tr><th>{esc(rows)}</th>{head}</tr>{body}</table></details>"
    )


def _bottleneck_map(result: Result) -> str:
    table = result.bottlenecks
    if table.empty:
        return ""
    years = sorted(int(y) for y in table["year"].unique())
    head = "".join(f"<th>{y}</th>" for y in years)
    rows = []
    for institution, group in table.groupby("institution", sort=False):
        by_year = {int(r.year): r for r in group.itertuples(index=False)}
        cells = "".join(_bottleneck_cell(by_year.get(year)) for year in years)
        rows.append(f"<tr><th>{esc(institution)}</th>{cells}</tr>")
    legend = "".join(f'<span class="b{n}">{esc(_(words))}</span>' for n, words in enumerate(LEGEND))
    words = clauses(f"{course_name(q)}{colon()}{_(w)}" for q, w in COURSE_NO.items())
    title = _("Bottleneck map")
    institution = _("institution")
    about = _("Which of the \"three no\" limits output at each institution and year ({words}). A binding \"no\" has "
              "a positive shadow price: more qualified teaching hours of that kind would raise output.").format(words=words)
    return (
        f'<section id="bottlenecks"><h2>{esc(title)}</h2>'
        f"<p>{esc(about)}</p>"
        f'<p class="legend">{legend}</p><table class="map"><tr><th>{esc(institution)}</th>{head}</tr>'
        f"{''.join(rows)}</table>"
        f"{_list(bottleneck_lines(result), 'notes')}</section>"
    )


LEGEND = (N_("none binds"), N_("one binds"), N_("two bind"), N_("all three bind"))
"""The shades of the bottleneck map, by how many "no"s bind."""

OTHER_LIMITS = (("seats_binding", N_("seats full")), ("enrolment_binding", N_("all enrolled trained")))
"""Limits besides the three "no"s that the map notes under a cell: (bottleneck column, words)."""


def _bottleneck_cell(row: Any) -> str:
    """One institution and year of the map: the "no"s that bind, shaded by how many, and the other limits."""
    if row is None:
        return "<td></td>"
    binding = [q for q in COURSE_NO if bool(getattr(row, q))]
    tags = "".join(f'<span class="tag">{esc(course_name(q))}</span>' for q in binding) or esc(_(LEGEND[0]))
    extra = [_(words) for column, words in OTHER_LIMITS if bool(getattr(row, column))]
    hint = clauses([_(COURSE_NO[q]) for q in binding] + extra) or _("no \"no\" binds")
    more = f'<br><small>{esc(series(extra))}</small>' if extra else ""
    return f'<td class="b{len(binding)}" title="{esc(hint)}">{tags}{more}</td>'


RANKING_COLUMNS = (
    ("statement", N_("what one more unit buys (or costs), and the range of the limit where that holds")),
    ("config_path", N_("config key")),
    ("institution", N_("institution")),
    ("year", N_("year")),
)
"""The ranking columns the page shows; value per unit and range bounds are in the statement (and the workbook)."""


def _ranking(result: Result, sensitivity: Any) -> str:
    title = _("What the next unit buys (sensitivity ranking)")
    head = f'<section id="sensitivity"><h2>{esc(title)}</h2>'
    if sensitivity is None:
        why = (_("No sensitivity ranking: no sensitivity report was made for this plan.") if result.ok else
               _("No sensitivity ranking: the plan has no optimum."))
        return head + f"<p>{esc(why)}</p></section>"
    ranking = sensitivity.ranking
    note = f"<p>{esc(sensitivity.note)}</p>" if getattr(sensitivity, "note", None) else ""
    if ranking.empty:
        nothing = _("No limit binds: one more unit of any limit buys nothing.")
        return head + note + f"<p>{esc(nothing)}</p></section>"
    columns = [(key, _(words)) for key, words in RANKING_COLUMNS if key in ranking.columns]
    header = "<tr>" + "".join(f"<th>{esc(words)}</th>" for _key, words in columns) + "</tr>"

    def rows(frame: pd.DataFrame) -> str:
        out = []
        for record in frame.to_dict("records"):
            cells = []
            for key, _words in columns:
                value = record.get(key)
                text = "" if _missing(value) else str(int(value)) if key == "year" else str(value)
                cells.append(f"<td>{esc(text)}</td>")
            out.append("<tr>" + "".join(cells) + "</tr>")
        return "".join(out)

    shown = f'<table class="ranking">{header}{rows(ranking.head(RANKING_SHOWN))}</table>'
    rest = ranking.iloc[RANKING_SHOWN:]
    more_limits = _("{count} more limits").format(count=len(rest))
    more = (
        f'<details><summary>{esc(more_limits)}</summary>'
        f'<table class="ranking">{header}{rows(rest)}</table></details>'
        if len(rest) else ""
    )
    return head + note + shown + more + "</section>"


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _comparison(comparison: Any) -> str:
    if comparison is None:
        return ""
    frame, units = comparison_frame(comparison)
    plans = len(comparison.table.columns)
    header = "<tr>" + "".join(f"<th>{esc(column_header(str(c)))}</th>" for c in frame.columns) + "</tr>"
    body = []
    for n, values in enumerate(frame.itertuples(index=False)):
        cells = [f"<th>{esc(values[0])}</th>", f"<td>{esc(values[1])}</td>"]
        for j, value in enumerate(values[2:], start=2):
            cells.append(_cell(value, "share" if j >= 2 + plans + (plans - 1) else units[n]))
        css = ' class="input"' if units[n] == "config value" else ""
        body.append(f"<tr{css}>{''.join(cells)}</tr>")
    verdict = _list(plan_verdict(list(getattr(comparison, "results", []) or [])), "verdict")
    first = esc(comparison.table.columns[0]) if plans else ""
    title = _("Comparison of plans")
    # Translators: {plan} is the first plan's name, in bold.
    intro = esc(_("Config inputs that differ come first; changes are against {plan}.")).format(plan=f"<b>{first}</b>")
    return (
        f'<section id="comparison"><h2>{esc(title)}</h2>' + verdict
        + f"<p>{intro}</p>"
        + f'<div class="wide screen-only"><table class="compare">{header}{"".join(body)}</table></div>'
        + _printed_comparison(frame, units, plans) + "</section>"
    )


def _printed_comparison(frame: pd.DataFrame, units: list[str], plans: int) -> str:
    """The comparison split for paper: the plans' values, then their changes, then the changes in per cent,
    each in tables of at most :data:`PRINT_PLANS` columns beside the measure and its unit, so that every plan
    and every change column is printed on A4 in either orientation."""
    columns = list(frame.columns)
    values = list(range(2, 2 + plans))
    changes = list(range(2 + plans, 2 + plans + (plans - 1)))
    shares = list(range(2 + plans + (plans - 1), len(columns)))
    tables = []
    for group, share in ((values, False), (changes, False), (shares, True)):
        for start in range(0, len(group), PRINT_PLANS):
            chunk = group[start:start + PRINT_PLANS]
            head = "<tr>" + "".join(f"<th>{esc(column_header(str(columns[j])))}</th>" for j in (0, 1, *chunk)) + "</tr>"
            body = []
            for n, record in enumerate(frame.itertuples(index=False)):
                cells = [record[j] for j in chunk]
                if all(_missing(c) for c in cells):
                    continue
                row = [f"<th>{esc(record[0])}</th>", f"<td>{esc(record[1])}</td>"]
                row += [_cell(c, "share" if share else units[n]) for c in cells]
                body.append(f"<tr>{''.join(row)}</tr>")
            if body:
                tables.append(f'<table class="printed"><thead>{head}</thead>{"".join(body)}</table>')
    return f'<div class="print-only">{"".join(tables)}</div>'



def column_header(column: str) -> str:
    """A comparison column's heading: its name, or in Chinese what it holds, as the workbook heads it."""
    from .xlsx import header

    return header(column)


def _cell(value: Any, unit: str) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<td class="n">{esc(_number(value, unit))}</td>'
    return f"<td>{'' if _missing(value) else esc(value)}</td>"


def _footer(result: Result) -> str:
    s = result.summary
    words = _("optimiser {version} · config hash {hash} · shadow prices: change in the objective per unit increase "
              "of a limit").format(version=s.get("version"), hash=s.get("config_hash"))
    return f"<footer>{esc(words)}</footer>"
