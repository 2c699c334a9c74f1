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
from optimiser.config.schema import schema_texts
from optimiser.i18n import (
    LOCALE_DIR,
    get_language,
    language,
    language_from_environment,
    money,
    set_language,
)
from optimiser.report.text import summary_text

from ..tiny import secondment_config, tiny_config, write_tiny

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "optimiser"
PO = LOCALE_DIR / "zh" / "LC_MESSAGES" / "optimiser.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def catalog():  # type: ignore[no-untyped-def]
    with PO.open("rb") as handle:
        return read_po(handle, locale="zh")


def marked_messages() -> set[str | tuple[str, ...]]:
    """Every message marked in the code (a text, or (singular, plural) of an ngettext) and the config schema's words."""
    found: set[str | tuple[str, ...]] = set(schema_texts())
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
    assert len(marked) > 600
    # The schema's key meanings are in the catalog too: `optimiser init --lang zh` comments with them.
    assert "the first planning year" in marked and po["the first planning year"].string == "规划的第一年"
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


def test_the_language_follows_every_change_of_the_locale_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    # The lookup is kept per raw value of LC_ALL, LC_MESSAGES and LANG: each change is seen at once.
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    assert get_language() == "en"
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert get_language() == "zh"
    monkeypatch.setenv("LC_MESSAGES", "en_GB.UTF-8")
    assert get_language() == "en"
    monkeypatch.setenv("LC_ALL", "zh_TW")
    assert get_language() == "zh"
    monkeypatch.setenv("LC_ALL", "")
    assert get_language() == "en"
    monkeypatch.delenv("LC_MESSAGES")
    assert get_language() == "zh"
    os.environ["LANG"] = "C.UTF-8"  # set directly, as a program may
    assert get_language() == "en"
    set_language("zh")
    assert get_language() == "zh"
    set_language(None)
    assert get_language() == "en"


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
                       "stage_seconds": chinese["stage_seconds"], "warnings": chinese["warnings"]}
    assert list(chinese["stage_seconds"]) == list(english["stage_seconds"])
    assert chinese["status"] == "optimal"
    assert [w.split(": ")[:2] for w in chinese["warnings"]] == [w.split(": ")[:2] for w in english["warnings"]]
    assert "未填写 'double_qualified' 教师人数" in chinese["warnings"][0]
    assert main(["solve", str(config), "--out", str(tmp_path / "zh"), "--lang", "zh"]) == 0
    assert (tmp_path / "zh" / "plan.csv").read_text(encoding="utf-8-sig").splitlines()[0] == \
        "lever,kind,institution,tier,year,units,cost"
    assert main(["solve", str(config), "--lang", "zh"]) == 0
    assert "状态：optimal" in capsys.readouterr().out


@pytest.mark.slow
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


@pytest.mark.slow
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
    for words in ("下一单位的效果（灵敏度排序）", "每年各项措施的支出（万元）。"):
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
    # The verdict compares the output each plan delivers (smooth: 0.01 gives up 1% of the optimum, 31,239.2).
    assert "结论：\n  按目标最优的方案：base（实现 30,926.8 名加权复合型毕业生，9,544.0万元）。" in out
    assert "austerity：比 base 少 831.4 名加权复合型毕业生" in out
    assert "相对于 base 的变化：" in out and "verdict:" not in out


def _problem_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("  - ")]


def test_config_problems_and_warnings_in_chinese_keep_file_line_key_and_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tiny_config(horizon={"start": 2025, "years": "six"})
    config["levers"]["enterprise_lecturers"]["cots"] = 5
    path = write_tiny(tmp_path, config)
    assert main(["validate", str(path), "--lang", "zh"]) == 2
    chinese = capsys.readouterr().err
    assert main(["validate", str(path), "--lang", "en"]) == 2
    english = capsys.readouterr().err
    assert chinese.startswith("配置无效（2 个问题）：\n") and english.startswith("invalid config (2 problems):\n")
    # file:line: key path: stay exactly as in English; only the words after them are Chinese.
    zh_lines, en_lines = _problem_lines(chinese), _problem_lines(english)
    assert [line.split(": ", 2)[:2] for line in zh_lines] == [line.split(": ", 2)[:2] for line in en_lines]
    assert [line.split(": ", 2)[1] for line in zh_lines] == ["horizon.years", "levers.enterprise_lecturers.cots"]
    assert any(line.startswith(f"  - {path}:") and line.endswith(
        "levers.enterprise_lecturers.cots: 未知的键 'cots'；是否想写 'cost'？可用的键：available_from, cost, delay, group, "
        "institutions, integer, kind, lifetime, max_per_year, max_total, min_per_year, region_max_per_year, upfront")
        for line in zh_lines)
    assert any(line.endswith("horizon.years: 应为1 到 100 之间的整数年，实际为 'six'") for line in zh_lines)
    assert "unknown key" not in chinese and "did you mean" not in chinese and "expected" not in chinese
    assert "unknown key 'cots'; did you mean 'cost'?" in english
    # A warning: the institution and group named as written, the words in Chinese.
    assert main(["validate", str(write_tiny(tmp_path, tiny_config(), "ok.yaml")), "--lang", "zh"]) == 0
    warning = capsys.readouterr().err
    assert warning.startswith("警告：") and "institutions[0].teachers: College 未填写 'double_qualified' 教师人数；按 0 处理" \
        "（如确为 0，请写 double_qualified: 0）" in warning
    assert "taken as 0" not in warning


def test_yaml_and_csv_reading_problems_in_chinese(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nhorizon: [1\n", encoding="utf-8")
    with language("zh"), pytest.raises(optimiser.ConfigError) as caught:
        load_config(bad)
    assert f"{bad}:" in str(caught.value) and "YAML 语法错误：" in str(caught.value)
    assert "syntax error" not in str(caught.value)
    with language("zh"), pytest.raises(optimiser.ConfigError) as caught:
        load_config(tmp_path / "missing.yaml")
    assert "找不到文件；请检查路径" in str(caught.value) and "file not found" not in str(caught.value)


def test_plan_file_problems_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_tiny(tmp_path, tiny_config())
    plan = tmp_path / "plan.csv"
    plan.write_text("lever,institution,year,units\nenterprise_lecturers,Colege,2025,1\n"
                    "enterprise_lecturers,College,2031,x\n", encoding="utf-8")
    assert main(["evaluate", str(config), "--plan", str(plan), "--lang", "zh"]) == 2
    err = capsys.readouterr().err
    assert f"{plan}：3 个问题：" in err
    assert f"  - {plan}，第 2 行，institution 列：未知的院校 'Colege'；是否想写 'College'？可用的院校：College" in err
    assert f"  - {plan}，第 3 行，year 列：年份 2031 不在规划期 2025 内；请填写 2025 之间的年份，或删除该行" in err
    assert f"  - {plan}，第 3 行，units 列：'x' 不是数字；请填写数量，如 12、12.5 或 2,088" in err
    assert "unknown institution" not in err and "is not a number" not in err


def test_an_infeasible_diagnosis_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 24,000 yuan buys 2 lecturers of 120 practice hours: 240 hours train 8 students of 30 hours, not 1,000.
    config = write_tiny(tmp_path, tiny_config(objective={"mode": "min_cost", "targets": {"basic": 1000}}))
    assert main(["solve", str(config), "--lang", "zh"]) == 3
    out = capsys.readouterr().out
    assert "原因：\n  - objective.targets.basic 2025年：最多可达到 8 名，要求 1,000 名复合型毕业生" in out
    assert "reachable" not in out
    assert main(["solve", str(config), "--lang", "en"]) == 3
    assert "objective.targets.basic in 2025: at most 8 reachable, asked 1,000 compound graduates" in capsys.readouterr().out


def test_sensitivity_statements_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A lecturer costs 12,000 yuan and trains 4 students (120 / 30 hours): 3,000 yuan per graduate, and the
    # 300,000 yuan the money limit can reach buys 100,000 yuan steps of 33.3 graduates.
    config = write_tiny(tmp_path, tiny_config())
    assert main(["sensitivity", str(config), "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("灵敏度报告：tiny  [情景：base，求解器：highs]")
    # Money in 元 and 万元: the 100,000 yuan step is 10万元, the 276,000 yuan reach 27.60万元.
    assert "1. universities 资金（2025年）每增加 10万元，可多培养 33.3 名复合型毕业生（每名 3,000元），" \
           "在增加不超过 27.60万元的范围内成立（超出后效果递减）；适用范围：0元 至 30" in out
    assert "起约束作用的约束（4 项；影子价格 = 限制每增加一个单位时目标的变化）：" in out
    assert "buys" not in out and "valid from" not in out
    assert main(["sensitivity", str(config), "--lang", "en"]) == 0
    assert "each extra 100,000 yuan of universities funding in 2025 buys 33.3 compound graduates (3,000 yuan each)" \
        in capsys.readouterr().out


FORBIDDEN_IN_SHEET_NAMES = set("[]:*?/\\")


def test_a_chinese_workbook_names_sheets_and_columns_in_chinese_and_reads_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import load_workbook

    config = write_tiny(tmp_path, tiny_config())
    book_path = tmp_path / "报告.xlsx"
    assert main(["report", str(config), "--xlsx", str(book_path), "--lang", "zh"]) == 0
    book = load_workbook(book_path)
    assert book.sheetnames == ["摘要", "行动方案", "资金", "产出", "瓶颈", "教师", "后续支出承诺", "约束", "灵敏度",
                               "灵敏度（决策变量）", "灵敏度排序", "方案比较"]
    assert all(len(name) <= 31 and not FORBIDDEN_IN_SHEET_NAMES & set(name) for name in book.sheetnames)
    assert [cell.value for cell in book["行动方案"][1]] == ["措施", "类型", "院校", "层次", "年份", "启动数量", "成本（元）"]
    assert [cell.value for cell in book["摘要"][1]] == ["栏目", "结论", "值", "单位"]
    assert [cell.value for cell in book["灵敏度"][1]][:3] == ["限制", "配置键路径", "院校"]
    summary = [row for row in book["摘要"].iter_rows(min_row=2, values_only=True)]
    assert ("工作表“行动方案”", "各措施按院校、层次（学费补贴）和年份启动的数量；成本为规划期内的元数", None, None) in summary
    assert any(row[0] == "关键数据" and row[1] == "总成本" and row[3] == "元" for row in summary)
    headers = {cell.value for sheet in book.worksheets for cell in sheet[1]}
    assert not headers & {"lever", "institution", "year", "units", "shadow_price"}
    # The Chinese Plan sheet is a plan evaluate reads: 2 lecturers, 8 compound graduates.
    capsys.readouterr()
    assert main(["evaluate", str(config), "--plan", str(book_path), "--json"]) == 0
    evaluated = json.loads(capsys.readouterr().out)
    assert evaluated["feasible"] is True
    assert round(evaluated["total_cost"]) == 24000


def test_init_comments_the_config_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path / "zh"), "--lang", "zh"]) == 0
    assert main(["init", str(tmp_path / "en"), "--lang", "en"]) == 0
    capsys.readouterr()
    text = (tmp_path / "zh" / "config.yaml").read_text(encoding="utf-8")
    english = (tmp_path / "en" / "config.yaml").read_text(encoding="utf-8")
    for comment in ("# 规划的第一年\n  start:", "# 学制年数（整数，1–20）\n    duration: 3", "# 每班学生数\n    class_size: 45",
                    "#   name                    唯一名称", "# 下面每个键都注明了含义；`optimiser schema` 输出完整说明。"):
        assert comment in text
    assert "# the first planning year\n  start:" in english and "the first planning year" not in text
    # Keys and values stay as written: the two files differ only in comments and the words of names.
    keys = [line.split(":")[0] for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert keys == [line.split(":")[0] for line in english.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert main(["validate", str(tmp_path / "zh" / "config.yaml")]) == 0


def test_a_config_key_in_a_chinese_statement_takes_chinese_brackets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # One secondment a year at most (0.1 of 10 teachers): the allowance binds and the ranking names its key.
    config = write_tiny(tmp_path, secondment_config(secondments={"max_share_per_year": 0.1}))
    assert main(["sensitivity", str(config), "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "每年允许的 secondments（College，2025年）（max_share_per_year）" in out
    assert " (max_share_per_year)" not in out
    assert main(["sensitivity", str(config), "--lang", "en"]) == 0
    assert "secondments allowed per year at College in 2025 (max_share_per_year)" in capsys.readouterr().out
