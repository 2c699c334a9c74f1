"""Untrusted input: bad configs, plan files and output paths give a message and an exit code.

Never a traceback, a memory blow-up, or a damaged or half-written file.
"""

from __future__ import annotations

import io
import os
import pathlib
import random
import shutil
import stat
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from optimiser import ConfigError, PlanError, load_config
from optimiser.cli import main
from optimiser.config import load as load_module
from optimiser.config import yamlsource
from optimiser.errors import OutputError, Problem
from optimiser.planfile import read_plan
from optimiser.report import files

from ..conftest import CONFIGS, ROOT
from ..tiny import tiny_config, write_tiny

TINY_PLAN = "lever,institution,tier,year,units\nenterprise_lecturers,College,,2025,1\nenterprise_lecturers,College,,2026,2\n"


def tiny(tmp_path: Path, **changes: Any) -> Path:
    config = tiny_config(horizon={"start": 2025, "years": 2}, **changes)
    return write_tiny(tmp_path, config)


def config_error(path: Path, scenario: str | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(path, scenario=scenario)
    return str(caught.value)


@pytest.fixture
def no_device_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail (instead of filling memory) if anything opens /dev/zero for reading."""
    real_open = pathlib.Path.open

    def guarded(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if str(self) == "/dev/zero" and "r" in mode:
            raise AssertionError("/dev/zero was opened for reading")
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", guarded)


@pytest.fixture
def devices_never_replaced(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail (instead of replacing it) if anything renames a file onto a character device."""
    real_replace = os.replace

    def guarded(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if os.path.exists(dst) and stat.S_ISCHR(os.stat(dst).st_mode):
            raise AssertionError(f"os.replace onto the device {dst}")
        real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", guarded)
    yield
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


# -- reading YAML ------------------------------------------------------------


@pytest.mark.parametrize("char", ["\x07", "\x1b", "\x0b", "\x7f"])
def test_a_control_character_is_named_with_its_line(tmp_path: Path, char: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(f"name: tiny\nhorizon: {{start: 2025, years: 1}}\ncourses: a{char}b\n", encoding="utf-8")
    message = config_error(path)
    assert f"{path}:3: the file contains the control character \\x{ord(char):02x}" in message
    assert "delete it" in message


def test_a_control_character_exits_2_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("name: a\x07b\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    assert f"{path}:1: the file contains the control character \\x07" in capsys.readouterr().err


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("name: tiny\nx: " + "[" * 500 + "]" * 500 + "\n", encoding="utf-8")
    assert f"{path}:2: the data nests more than {yamlsource.MAX_DEPTH} levels deep" in config_error(path)


def test_a_self_referring_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "self.yaml"
    path.write_text("name: tiny\nx: &a [*a]\n", encoding="utf-8")
    assert "nests more than" in config_error(path)


def test_an_integer_with_thousands_of_digits_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("name: tiny\ntotal_budget: " + "9" * 5000 + "\n", encoding="utf-8")
    message = config_error(path)
    assert f"{path}:2: the number 9999" in message and "too many digits" in message


def test_an_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdef", "bcdefg", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.perf_counter()
    message = config_error(path)
    assert time.perf_counter() - started < 5
    assert "each use of an alias *name counts in full" in message


def test_modest_aliases_still_work(tmp_path: Path) -> None:
    text = write_tiny(tmp_path, tiny_config()).read_text(encoding="utf-8")
    text = text.replace("hours: 300", "hours: &h 300", 1).replace("hours: 120", "hours: *h")
    path = tmp_path / "alias.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_config(path).raw["teacher_groups"]["enterprise_lecturer"]["hours"] == 300


def test_a_device_as_config_is_refused_unread(no_device_reads: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert "/dev/zero: this is a character device, not a regular file" in config_error(Path("/dev/zero"))
    assert main(["solve", "/dev/zero"]) == 2
    assert "character device" in capsys.readouterr().err


def test_a_device_as_institutions_file_is_refused_unread(tmp_path: Path, no_device_reads: None) -> None:
    path = tiny(tmp_path, institutions={"file": "/dev/zero"})
    message = config_error(path)
    assert "institutions.file: /dev/zero: this is a character device, not a regular file" in message


def test_oversized_files_are_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tiny(tmp_path)
    monkeypatch.setattr(yamlsource, "MAX_CONFIG_BYTES", 100)
    assert "the file is larger than 0.0 MB" in config_error(path)
    monkeypatch.undo()
    (tmp_path / "inst.csv").write_text("name,teachers.academic,intake.basic\nCollege,10,100\n", encoding="utf-8")
    path = tiny(tmp_path, institutions={"file": "inst.csv"})
    assert load_config(path).institutions[0].name == "College"
    monkeypatch.setattr(load_module, "MAX_CSV_BYTES", 20)
    assert "institutions.file: " in config_error(path) and "larger than" in config_error(path)


def test_a_folder_or_pipe_as_config_is_refused(tmp_path: Path) -> None:
    assert f"{tmp_path}: this is a folder, not a regular file" in config_error(tmp_path)
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    assert "this is a pipe, not a regular file" in config_error(pipe)


def test_a_junk_institutions_csv_stops_after_100_problems(tmp_path: Path) -> None:
    rng = random.Random(9)
    rows = ["name,tiers,teachers.academic,intake.basic,max_intake.basic,training_seats"]
    for index in range(3000):
        rows.append(",".join([f"n{index}", "basic"] + [rng.choice(["x", "-", "a;b", "?"]) for _ in range(4)]))
    (tmp_path / "junk.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    path = tiny(tmp_path, institutions={"file": "junk.csv"})
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert len(caught.value.problems) == load_module.JUNK_LIMIT
    assert message.endswith("... and more cells that are not numbers; checking stopped here. Fix these first (is this the right file?)")
    assert message.count("\n") == load_module.JUNK_LIMIT


def test_an_empty_institutions_csv_says_it_is_empty(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    path = tiny(tmp_path, institutions={"file": "empty.csv"})
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).endswith(f"{tmp_path / 'empty.csv'}:1: the file is empty: its first row must name the "
                                      "columns, one of them 'name' (`optimiser init` writes a template)")


def test_a_huge_number_in_the_institutions_csv_reads_as_in_yaml(tmp_path: Path) -> None:
    (tmp_path / "huge.csv").write_text("name,tiers,teachers.academic,intake.basic\nCollege,basic,1e300,100\n",
                                       encoding="utf-8")
    path = tiny(tmp_path, institutions={"file": "huge.csv"})
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert "got 1e+300, which is beyond any plan (more than 1e15); check the units" in str(caught.value)
    assert "0000000000" not in str(caught.value)


def test_a_config_error_lists_at_most_100_problems() -> None:
    error = ConfigError([Problem(f"k{i}", "wrong") for i in range(500)])
    assert len(error.problems) == 500
    text = str(error)
    assert text.startswith("invalid config (500 problems):")
    assert text.count("\n  - ") == 100 and text.endswith("... and 400 more; fix these first")


@pytest.mark.parametrize(
    ("path", "stop", "value"),
    [("horizon.start.x.y", "horizon.start", "2025"), ("name.x.y", "name", "'tiny'"), ("institutions.\u00b2", None, None)],
)
def test_a_scenario_path_through_a_single_value(tmp_path: Path, path: str, stop: str | None, value: str | None) -> None:
    config = tiny(tmp_path, scenarios={"odd": {"set": {path: 1}}})
    message = config_error(config)
    assert f"scenarios.odd.set.{path}: " in message
    if stop:
        assert f"{stop} is a single value ({value}), not a section with keys, so the path stops being a mapping there" in message


# -- plan files ----------------------------------------------------------------


def test_huge_units_are_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tiny(tmp_path)
    plan = tmp_path / "plan.csv"
    plan.write_text("lever,institution,tier,year,units\nenterprise_lecturers,College,,2025,1e20\n", encoding="utf-8")
    assert main(["evaluate", str(config), "--plan", str(plan)]) == 2
    err = capsys.readouterr().err
    assert "row 2, column units: 1e20 units is implausibly large" in err


def test_a_junk_plan_stops_after_100_problems(tmp_path: Path) -> None:
    config = load_config(tiny(tmp_path))
    plan = tmp_path / "plan.csv"
    plan.write_text("lever,institution,tier,year,units\n" + "nope,nowhere,,1,x\n" * 5000, encoding="utf-8")
    with pytest.raises(PlanError, match=r"100\+ problems") as caught:
        read_plan(plan, config)
    assert "checking stopped; fix these first" in str(caught.value)
    assert str(caught.value).count("\n") < 30
    wide = tmp_path / "wide.csv"
    wide.write_text("lever,institution,tier,year,units\n" + "a,b,,2025,1,extra\n" * 5000, encoding="utf-8")
    with pytest.raises(PlanError, match="checking stopped after 100 problems") as caught:
        read_plan(wide, config)
    assert str(caught.value).count("\n") == 100


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04 this is not a zip at all", "this is not an Excel workbook"),
        (None, "this zip archive holds no Excel workbook"),
        ("broken", "cannot read the workbook"),
    ],
)
def test_damaged_workbooks_are_plan_errors(tmp_path: Path, content: bytes | str | None, message: str) -> None:
    config = load_config(tiny(tmp_path))
    path = tmp_path / "plan.xlsx"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("hello.txt", "hi")
            if content == "broken":
                archive.writestr("xl/workbook.xml", "<not xml")
    with pytest.raises(PlanError, match=message):
        read_plan(path, config)


def test_a_device_as_plan_is_refused_unread(tmp_path: Path) -> None:
    config = load_config(tiny(tmp_path))
    link = tmp_path / "plan.csv"
    link.symlink_to("/dev/zero")
    with pytest.raises(PlanError, match="this is a character device, not a regular file"):
        read_plan(link, config)


# -- writing -----------------------------------------------------------------


def write_commands(config: Path, target: Path) -> list[list[str]]:
    return [
        ["sweep", str(config), "--param", "funding.universities.per_year=1000,2000", "--out", str(target), "--no-progress"],
        ["frontier", str(config), "--over", "funding.universities.per_year", "--out", str(target)],
        ["report", str(config), "--html", str(target)],
        ["compare", str(config), "--scenarios", "base,rich", "--xlsx", str(target)],
    ]


def rich(tmp_path: Path) -> Path:
    return tiny(tmp_path, scenarios={"rich": {"set": {"funding.universities.per_year": 48000}}})


@pytest.mark.parametrize("index", range(4), ids=["sweep", "frontier", "report", "compare"])
def test_dev_null_is_written_through_never_replaced(
    tmp_path: Path, devices_never_replaced: None, index: int, capsys: pytest.CaptureFixture[str]
) -> None:
    # frontier also writes <out>.segments.csv next to --out: give it a link to
    # /dev/null in a temporary folder, so nothing is created next to /dev/null.
    target = Path("/dev/null")
    if index == 1:
        target = tmp_path / "null.csv"
        target.symlink_to("/dev/null")
    assert main(write_commands(rich(tmp_path), target)[index]) == 0
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert f"wrote {target}" in capsys.readouterr().out
    if index == 1:
        assert target.is_symlink()


@pytest.mark.parametrize("index", range(4), ids=["sweep", "frontier", "report", "compare"])
def test_a_symlink_is_kept_and_its_target_written(tmp_path: Path, index: int) -> None:
    real = tmp_path / "real" / "result.out"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "link.out"
    link.symlink_to(real)
    assert main(write_commands(rich(tmp_path), link)[index]) == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() != b"old" and real.stat().st_size > 0


def test_a_folder_is_refused_as_an_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "taken"
    folder.mkdir()
    assert main(write_commands(rich(tmp_path), folder)[0]) == 4
    err = capsys.readouterr().err
    assert f"could not write output: --out {folder}: this path is a folder, but --out takes a file name here" in err
    assert folder.is_dir() and not list(folder.iterdir())


def test_write_all_refuses_a_device_as_its_folder() -> None:
    with pytest.raises(OutputError, match="is a device, not a folder"):
        files.write_all(Path("/dev/null"), {"a.txt": lambda p: p.write_text("x")})
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_abandoned_staging_entries_are_removed_by_the_next_write(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    tag = files._host_tag()
    dead = out / f".staging-{dead_pid()}-{tag}-abc"
    dead.mkdir()
    (dead / "plan.csv").write_text("half a fi")
    alive = out / f".staging-{os.getppid()}-{tag}-def"
    alive.mkdir()
    old_foreign = out / ".staging-old"
    old_foreign.mkdir()
    hours_ago = time.time() - 2 * files.STALE_AFTER
    os.utime(old_foreign, (hours_ago, hours_ago))
    fresh_foreign = out / ".staging-0-ffffffff-x"
    fresh_foreign.write_text("another machine, now")
    files.write_all(out, {"a.txt": lambda p: p.write_text("whole")})
    assert sorted(p.name for p in out.iterdir()) == sorted(["a.txt", alive.name, fresh_foreign.name])
    # write_atomic cleans its folder too
    stale_file = out / f".staging-{dead_pid()}-{tag}-x.csv"
    stale_file.write_text("partial")
    files.write_atomic(out / "b.txt", lambda p: p.write_text("whole"))
    assert not stale_file.exists() and (out / "b.txt").read_text() == "whole"


@pytest.mark.slow
def test_a_killed_write_leaves_nothing_visible_and_the_next_write_cleans_up(tmp_path: Path) -> None:
    out = tmp_path / "out"
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from optimiser.report.files import write_all\n"
        "def slow(path):\n"
        "    path.write_text('half')\n"
        "    time.sleep(60)\n"
        "write_all(Path(sys.argv[1]), {'a.csv': slow})\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script, str(out)], cwd=ROOT)
    try:
        deadline = time.time() + 30
        while time.time() < deadline and not (out.exists() and list(out.glob(".staging-*/a.csv"))):
            time.sleep(0.05)
        assert list(out.glob(".staging-*/a.csv")), "the child never started writing"
    finally:
        child.kill()
        child.wait()
    assert not (out / "a.csv").exists()
    files.write_all(out, {"b.csv": lambda p: p.write_text("whole")})
    assert [p.name for p in out.iterdir()] == ["b.csv"]


# -- fuzzing -----------------------------------------------------------------

TOKENS = [
    "[", "]", "{", "}", ":", "- ", "&a ", "*a", "*nope", "!!python/object:os.system ", "!!set ", "'", '"', "\t",
    "\x00", "\x07", "\x1b", "\ufeff", "9" * 5000, "1e999", "-1", ".nan", "~", "<<: *a", "\n  ", "..", "0x", "2025.x",
]


def mutate(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 4)):
        lines = text.split("\n")
        choice = rng.randrange(7)
        at = rng.randrange(len(text) + 1)
        if choice == 0:
            text = text[:at] + rng.choice(TOKENS) + text[at:]
        elif choice == 1:
            text = text[:at] + text[at + rng.randint(1, 40):]
        elif choice == 2 and len(lines) > 1:
            i = rng.randrange(len(lines))
            lines.insert(rng.randrange(len(lines)), lines[i])
            text = "\n".join(lines)
        elif choice == 3 and len(lines) > 1:
            del lines[rng.randrange(len(lines))]
            text = "\n".join(lines)
        elif choice == 4:
            text = text[:at]
        elif choice == 5 and text:
            text = text[:at] + chr(rng.randrange(1, 0x250)) + text[at + 1:]
        else:
            i = rng.randrange(len(lines))
            lines[i] = " " * rng.randint(0, 6) + lines[i].lstrip()
            text = "\n".join(lines)
    return text


@pytest.mark.slow
def test_fuzzed_configs_only_raise_config_errors(tmp_path: Path) -> None:
    rng = random.Random(20240909)
    for item in CONFIGS.iterdir():
        shutil.copy(item, tmp_path / item.name)
    sources = {p.name: p.read_text(encoding="utf-8") for p in sorted(CONFIGS.glob("*.yaml"))}
    sources["institutions.csv"] = (CONFIGS / "institutions.csv").read_text(encoding="utf-8")
    started = time.perf_counter()
    outcomes = {"ok": 0, "error": 0}
    for round_ in range(150):
        name = rng.choice(sorted(sources))
        mutated = mutate(sources[name], rng)
        if name == "institutions.csv":
            (tmp_path / "fuzzed.csv").write_text(mutated, encoding="utf-8")
            config_text = sources["institutions_csv.yaml"].replace("file: institutions.csv", "file: fuzzed.csv")
        else:
            config_text = mutated
        path = tmp_path / f"fuzz{round_ % 4}.yaml"
        path.write_text(config_text, encoding="utf-8", errors="surrogatepass")
        try:
            load_config(path)
            outcomes["ok"] += 1
        except ConfigError as err:
            assert err.problems and all(isinstance(p, Problem) for p in err.problems)
            outcomes["error"] += 1
    assert outcomes["error"] > 60  # the mutations do break configs
    # About 10 s; a blow-up (alias bombs, huge files) takes many minutes and gigabytes.
    assert time.perf_counter() - started < 300


def plan_sources(tmp_path: Path) -> Callable[[random.Random, int], Path]:
    frame = pd.read_csv(io.StringIO(TINY_PLAN), dtype=str, keep_default_na=False)
    book = tmp_path / "base.xlsx"
    frame.to_excel(book, sheet_name="Plan", index=False)
    xlsx = book.read_bytes()

    def make(rng: random.Random, round_: int) -> Path:
        if rng.random() < 0.3:
            data = bytearray(xlsx)
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            if rng.random() < 0.3:
                data = data[: rng.randrange(len(data))]
            path = tmp_path / f"fuzz{round_ % 4}.xlsx"
            path.write_bytes(bytes(data))
            return path
        path = tmp_path / f"fuzz{round_ % 4}.csv"
        path.write_text(mutate(TINY_PLAN, rng), encoding="utf-8", errors="surrogatepass")
        return path

    return make


def test_fuzzed_plans_only_raise_plan_errors(tmp_path: Path) -> None:
    rng = random.Random(99)
    config = load_config(tiny(tmp_path))
    make = plan_sources(tmp_path)
    started = time.perf_counter()
    errors = 0
    for round_ in range(250):
        path = make(rng, round_)
        try:
            read_plan(path, config)
        except PlanError as err:
            assert str(err)
            errors += 1
    assert errors > 100
    # About 10 s; a blow-up (alias bombs, huge files) takes many minutes and gigabytes.
    assert time.perf_counter() - started < 300
