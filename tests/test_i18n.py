"""Simplified Chinese beside English: the gettext catalog is complete and keeps every placeholder, the language
follows --lang, set_language() and the locale, machine-readable output stays English, a GBK console never fails,
and a Chinese HTML report renders in headless Chromium with a CJK font."""

from __future__ import annotations

import ast
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import optimiser
from optimiser import load_config, solve
from optimiser.cli import main
from optimiser.i18n import LOCALE_DIR, get_language, language, language_from_environment, money, set_language
from optimiser.report.text import summary_text

from .tiny import tiny_config, write_tiny

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "optimiser"
PO = LOCALE_DIR / "zh" / "LC_MESSAGES" / "optimiser.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def catalog():  # type: ignore[no-untyped-def]
    with PO.open("rb") as handle:
        return read_po(handle, locale="zh")


def marked_messages() -> set[str | tuple[str, ...]]:
    """Every message marked in the code: a text, or (singular, plural) of an ngettext."""
    found: set[str | tuple[str, ...]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def texts(marked: set[str | tuple[str, ...]]) -> set[str]:
    return {part for message in marked for part in ([message] if isinstance(message, str) else message)}


def test_every_marked_message_has_a_chinese_translation_that_keeps_its_placeholders() -> None:
    po = catalog()
    marked = marked_messages()
    assert len(marked) > 100
    def key(message: str | tuple[str, ...]) -> str:
        return message if isinstance(message, str) else message[0]

    missing = sorted(str(m) for m in marked if key(m) not in po or not all(
        [po[key(m)].string] if isinstance(po[key(m)].string, str) else po[key(m)].string))
    assert not missing, f"no Chinese translation (run scripts/translations.py, then translate): {missing}"
    for message in marked:
        translation = po[key(message)].string
        forms = [translation] if isinstance(translation, str) else list(translation)
        for original in [message] if isinstance(message, str) else message:
            for form in forms:
                assert sorted(PLACEHOLDER.findall(original)) == sorted(PLACEHOLDER.findall(form)), (original, form)


def test_no_marked_message_escapes_extraction() -> None:
    # A message written _("...") where the extractor cannot see it (inside an f-string) would stay English.
    marked = marked_messages()
    literal = re.compile(r"""\b_\(\s*("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')\s*\)""")
    seen = []
    for path in PACKAGE.rglob("*.py"):
        for match in literal.finditer(path.read_text(encoding="utf-8")):
            message = ast.literal_eval(match.group(1))
            seen.append(message)
            assert message in texts(marked), f"{path.relative_to(ROOT)}: {message!r} is not extracted into the catalog"
    assert len(seen) > 50


def test_the_shipped_mo_is_compiled_from_the_po() -> None:
    def plain(value):  # type: ignore[no-untyped-def]
        return tuple(value) if isinstance(value, (list, tuple)) else value

    po = {plain(m.id): plain(m.string) for m in catalog() if m.id}
    with MO.open("rb") as handle:
        mo = {plain(m.id): plain(m.string) for m in read_mo(handle) if m.id}
    assert len(po) > 100
    assert mo == po


def test_the_language_follows_the_choice_then_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    assert language_from_environment({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert language_from_environment({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"
    assert language_from_environment({}) == "en"
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert get_language() == "zh"
    set_language("en")
    assert get_language() == "en"
    optimiser.set_language(None)
    assert optimiser.get_language() == "zh"
    with pytest.raises(ValueError, match="language 'fr' is not offered; use one of: en, zh"):
        set_language("fr")
    with language("en"):
        assert money(95_999_808) == "95,999,808 yuan"
    with language("zh"):
        assert (money(95_999_808), money(125_000_000), money(3_225)) == ("9,600.0万元", "1.25亿元", "3,225元")


@pytest.fixture(scope="module")
def zhejiang():  # type: ignore[no-untyped-def]
    return solve(load_config(ROOT / "configs" / "zhejiang.yaml"))


def test_the_terminal_summary_in_chinese(zhejiang) -> None:  # type: ignore[no-untyped-def]
    text = summary_text(zhejiang, lang="zh")
    english = summary_text(zhejiang, lang="en")
    for heading in ("行动清单（每年启动的数量，取整显示；成本单位：元）：", "各措施分年支出（元）：",
                    "复合型毕业生（按层次和年份）：", "瓶颈：各院校各年份受哪一个“无”约束", "总成本：9,544.0万元"):
        assert heading in text
    assert "聘用 165 名企业兼职教师" in text and "hire 165 enterprise lecturers" in english
    assert "what to do" not in text and "total cost:" not in text
    # The numbers in tables are the same yuan in both languages.
    assert english.split("spend by lever and year (yuan):")[1].splitlines()[1:7] == \
        text.split("各措施分年支出（元）：")[1].splitlines()[1:7]


def test_machine_readable_output_stays_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_tiny(tmp_path, tiny_config())
    assert main(["solve", str(config), "--json", "--lang", "zh"]) == 0
    chinese = json.loads(capsys.readouterr().out)
    assert main(["solve", str(config), "--json", "--lang", "en"]) == 0
    english = json.loads(capsys.readouterr().out)
    # Keys, status words and numbers stay English; the messages people read (warnings) follow the language.
    assert chinese == {**english, "seconds": chinese["seconds"], "solve_seconds": chinese["solve_seconds"],
                       "warnings": chinese["warnings"]}
    assert chinese["status"] == "optimal"
    assert [w.split(": ")[:2] for w in chinese["warnings"]] == [w.split(": ")[:2] for w in english["warnings"]]
    assert "未填写 'double_qualified' 教师人数" in chinese["warnings"][0]
    assert main(["solve", str(config), "--out", str(tmp_path / "zh"), "--lang", "zh"]) == 0
    assert (tmp_path / "zh" / "plan.csv").read_text(encoding="utf-8-sig").splitlines()[0] == \
        "lever,kind,institution,tier,year,units,cost"
    assert main(["solve", str(config), "--lang", "zh"]) == 0
    assert "状态：optimal" in capsys.readouterr().out


def test_a_gbk_console_never_fails_on_a_character_it_cannot_encode(tmp_path: Path) -> None:
    config = tiny_config(institutions=[{"name": "杭州学院🎓", "teachers": {"academic": 10}, "intake": {"basic": 100}}])
    path = write_tiny(tmp_path, config)
    for lang in ("zh", "en"):
        done = subprocess.run(
            [sys.executable, "-m", "optimiser", "solve", str(path), "--lang", lang], capture_output=True, timeout=120,
            env={**os.environ, "PYTHONIOENCODING": "gbk"},
        )
        assert done.returncode == 0, done.stderr.decode("gbk", "replace")
        out = done.stdout.decode("gbk")
        assert "杭州学院?" in out
    assert "状态：optimal" not in out and "status: optimal" in out


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def test_a_chinese_html_report_renders_with_a_cjk_font(tmp_path: Path) -> None:
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout \
        if shutil.which("fc-list") else ""
    if "CJK" not in fonts:
        pytest.skip("no CJK font installed (Debian package fonts-noto-cjk; scripts/test.sh installs it as root)")
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)")
    html = tmp_path / "报告.html"
    assert main(["report", str(ROOT / "configs" / "zhejiang.yaml"), "--html", str(html), "--lang", "zh"]) == 0
    from PIL import Image
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.goto(html.as_uri())
        assert page.eval_on_selector("html", "n => n.lang") == "zh-CN"
        text = page.inner_text("body")
        headings = page.eval_on_selector_all("h2", "nodes => nodes.map(n => n.textContent)")
        heading = page.screenshot(clip=page.eval_on_selector(
            "#summary h2", "n => { const r = n.getBoundingClientRect(); return {x: r.x, y: r.y, width: r.width, "
            "height: r.height}; }"))
        shot = page.screenshot(full_page=False)
        browser.close()
    assert headings[:4] == ["摘要", "支出与资金", "毕业生", "瓶颈分布图"]
    for words in ("下一单位的效果（灵敏度排序）", "每年各项措施的支出（百万元）。"):
        assert words in text
    image = Image.open(io.BytesIO(shot)).convert("L")
    assert len(set(image.tobytes())) > 16, "the page screenshot is blank"
    # The heading "摘要" is drawn in ink: dark pixels, not an empty box.
    title = Image.open(io.BytesIO(heading)).convert("L")
    assert sum(1 for value in title.tobytes() if value < 128) > 40


def test_compare_and_the_report_findings_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", str(ROOT / "configs" / "zhejiang.yaml"), "--scenarios", "base,austerity",
                 "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2 个方案的比较（变化均相对于 base）")
    assert "结论：\n  按目标最优的方案：base（31,239.2 加权复合型毕业生（最大化），9,544.0万元）。" in out
    assert "austerity：比 base 少 839.8 名加权复合型毕业生" in out
    assert "相对于 base 的变化：" in out and "verdict:" not in out
