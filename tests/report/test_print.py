"""Print-ready: the HTML report printed to A4 PDF (portrait and landscape) by headless Chromium loses no plan,
change column or chart; the workbook has page setup and prints through LibreOffice in at most 40 pages with every
summary line whole. The PDFs are read with poppler's pdftotext."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from optimiser.cli import main
from optimiser.report.xlsx import PER_MILLION, PER_YUAN

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PLANS = ("base", "austerity", "dq_target_2028", "enterprise_push")
MAX_PAGES = 40


def need(tool: str, package: str) -> str:
    found = shutil.which(tool)
    if not found:
        pytest.skip(f"{tool} is not installed (Debian package {package}; scripts/test.sh installs it when run as root)")
    return found


def pdf_text(pdf: Path, *options: str) -> str:
    done = subprocess.run([need("pdftotext", "poppler-utils"), *options, str(pdf), "-"], capture_output=True,
                          text=True, timeout=120, check=True)
    return done.stdout


def flat(text: str) -> str:
    return " ".join(text.split())


def pages(pdf: Path) -> int:
    done = subprocess.run([need("pdfinfo", "poppler-utils"), str(pdf)], capture_output=True, text=True, timeout=60,
                          check=True)
    return int(re.search(r"^Pages:\s+(\d+)", done.stdout, re.M).group(1))  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("print")
    html, xlsx = out / "report.html", out / "report.xlsx"
    assert main(["report", str(ROOT / "configs" / "zhejiang.yaml"), "--scenarios", ",".join(PLANS),
                 "--html", str(html), "--xlsx", str(xlsx), "--lang", "en"]) == 0
    return html, xlsx


@pytest.fixture(scope="module")
def page(report: tuple[Path, Path]) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(report[0].as_uri())
        yield page
        browser.close()


@pytest.mark.parametrize("landscape", [False, True], ids=["portrait", "landscape"])
def test_the_html_report_prints_on_a4_with_every_plan_change_column_and_chart(
    page: Any, report: tuple[Path, Path], tmp_path: Path, landscape: bool
) -> None:
    need("pdftotext", "poppler-utils")
    pdf = tmp_path / "report.pdf"
    captions = page.eval_on_selector_all("figure figcaption", "nodes => nodes.map(n => n.textContent)")
    assert len(captions) == 4
    page.emulate_media(media="print")
    page.pdf(path=str(pdf), format="A4", landscape=landscape, print_background=True)
    text = flat(pdf_text(pdf))
    for name in PLANS:
        assert name in text, name
    for name in PLANS[1:]:
        assert f"change: {name}" in text, f"change: {name}"
        assert f"change %: {name}" in text, f"change %: {name}"
    for caption in captions:
        assert flat(caption) in text, caption
    # Folded tables (the numbers behind the charts) print open.
    assert "Table: amount by lever and year (yuan)" in text
    assert re.search(r"enterprise_lecturers [\d,]+ [\d,]+ [\d,]+", flat(pdf_text(pdf, "-layout")))


def test_charts_are_not_cut_across_pages(page: Any) -> None:
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 700, "height": 1000})  # A4 portrait's printable width at 96 dpi
    figures = page.eval_on_selector_all(
        "figure", "nodes => nodes.map(n => [getComputedStyle(n).breakInside, n.getBoundingClientRect().height])")
    assert len(figures) == 4
    a4_printable = (297 - 24) / 25.4 * 96
    for rule, height in figures:
        assert rule == "avoid" and height < a4_printable
    # On paper the one wide comparison table gives way to tables of a few plans each.
    assert page.eval_on_selector("table.compare", "n => getComputedStyle(n.closest('div')).display") == "none"
    widths = page.eval_on_selector_all("table.printed", "nodes => nodes.map(n => n.getBoundingClientRect().width)")
    assert len(widths) >= 3 and max(widths) <= 700


def test_the_workbook_has_page_setup_and_money_rates(report: tuple[Path, Path]) -> None:
    book = openpyxl.load_workbook(report[1])
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape" and setup.fitToWidth == 1 and setup.fitToHeight == 0, sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert sheet.print_title_rows == "$1:$1", sheet.title
    summary = book["Summary"]
    long_rows = [row for row in range(2, summary.max_row + 1) if len(str(summary.cell(row, 2).value or "")) > 150]
    assert long_rows and all((summary.row_dimensions[row].height or 0) >= 30 for row in long_rows)
    for name in ("Constraints", "Sensitivity"):
        sheet = book[name]
        header = [cell.value for cell in sheet[1]]
        price, rate = header.index("shadow_price") + 1, header.index(PER_MILLION) + 1
        path = header.index("config_path") + 1
        money = [row for row in range(2, sheet.max_row + 1)
                 if str(sheet.cell(row, path).value).startswith("funding.") and sheet.cell(row, price).value]
        assert money, name
        for row in money:
            assert sheet.cell(row, rate).value == pytest.approx(sheet.cell(row, price).value * 1e6)
            assert sheet.cell(row, rate).number_format == "#,##0.00"
            assert sheet.cell(row, price).number_format == PER_YUAN


def test_the_workbook_prints_in_at_most_40_pages_with_whole_summary_lines(
    report: tuple[Path, Path], tmp_path: Path
) -> None:
    soffice = need("soffice", "libreoffice-calc")
    need("pdftotext", "poppler-utils")
    profile = tmp_path / "profile"
    done = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(report[1])], capture_output=True, text=True, timeout=300,
    )
    pdf = tmp_path / "report.pdf"
    assert done.returncode == 0 and pdf.exists(), done.stderr
    assert pages(pdf) <= MAX_PAGES
    # -layout: rows as printed, hyphens at line ends kept (the default joins "(-" + "0.9%" into "(0.9%)").
    # Wrapping a cell only changes white space: compare without it.
    text = "".join(pdf_text(pdf, "-layout").split())
    book = openpyxl.load_workbook(report[1])
    lines = [str(row[1]) for row in book["Summary"].iter_rows(min_row=2, values_only=True) if row[1]]
    assert len(lines) > 20
    at = 0
    for line in lines:
        squeezed = "".join(line.split())
        found = text.find(squeezed, at)
        assert found >= 0, f"not whole, or out of order, in the printed workbook: {line}"
        at = found + len(squeezed)
