"""What a command writes never costs the user work: no output replaces one of the command's inputs or another
output, a folder of results is replaced whole or not at all, a full disk is named with the file and the fix,
and an output file's name ends in the suffix of the format written."""

from __future__ import annotations

import errno
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from optimiser import files
from optimiser.cli import main
from optimiser.cli.args import OutputFile
from optimiser.config.yamlsource import inputs_kept
from optimiser.errors import OutputError

from ..tiny import tiny_config, write_tiny

ROOT = Path(__file__).resolve().parents[2]
SWEEP = ["--param", "funding.universities.per_year=12000,24000", "--no-progress"]


def tiny(**changes: Any) -> dict[str, Any]:
    """The tiny config, with nothing to warn about."""
    return tiny_config(institutions__0__teachers={"academic": 10, "double_qualified": 0}, **changes)


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry of ``folder`` (staging ones too): a file's bytes, a link's target."""
    return {entry.name: os.readlink(entry) if entry.is_symlink() else entry.read_bytes()
            for entry in sorted(folder.iterdir())}


def uncertain(tmp_path: Path) -> Path:
    raw = tiny()
    raw["uncertainty"] = {"levers.enterprise_lecturers.cost": {"dist": "uniform", "low": 10000, "high": 16000}}
    return write_tiny(tmp_path, raw, "uncertain.yaml")


def hand_made_plan(path: Path) -> Path:
    frame = pd.DataFrame([{"lever": "enterprise_lecturers", "institution": "College", "tier": "", "year": 2025,
                           "units": 1}])
    if path.suffix == ".xlsx":
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, index=False)
    return path


def failing(after: int, error: BaseException) -> Callable[..., None]:
    """:func:`optimiser.files._install` that moves ``after`` files into place, then raises ``error``."""
    install = files._install
    calls = []

    def install_some(staged: Path, target: Path) -> None:
        calls.append(target)
        if len(calls) > after:
            raise error
        install(staged, target)

    return install_some


# -- an output never replaces an input ---------------------------------------------------------------------

INPUT_CASES = {
    "sweep": (["sweep", "{config}", *SWEEP, "--out", "{config}"], "--out", "config", "CONFIG"),
    "frontier": (["frontier", "{config}", "--out", "{config}"], "--out", "config", "CONFIG"),
    "pareto": (["pareto", "{config}", "--x", "basic", "--y", "basic", "--out", "{config}"], "--out", "config", "CONFIG"),
    "tornado": (["tornado", "{config}", "--out", "{config}"], "--out", "config", "CONFIG"),
    "alternatives": (["alternatives", "{config}", "--out", "{config}"], "--out", "config", "CONFIG"),
    "compare": (["compare", "{config}", "--xlsx", "{config}"], "--xlsx", "config", "CONFIG"),
    "montecarlo": (["montecarlo", "{uncertain}", "--plan", "{plan}", "--draws", "2", "--out", "{plan}"],
                   "--out", "plan", "--plan"),
    "report": (["report", "{config}", "--plan", "{book}", "--xlsx", "{book}"], "--xlsx", "book", "--plan"),
}


@pytest.mark.parametrize("case", sorted(INPUT_CASES))
def test_an_output_that_is_an_input_is_refused_before_anything_runs(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = {"config": write_tiny(tmp_path, tiny()), "uncertain": uncertain(tmp_path),
             "plan": hand_made_plan(tmp_path / "mine.csv"), "book": hand_made_plan(tmp_path / "mine.xlsx")}
    argv, option, name, argument = INPUT_CASES[case]
    before = snapshot(tmp_path)
    assert main([part.format(**paths) for part in argv]) == 4
    path = paths[name]
    what = "config file" if argument == "CONFIG" else "plan file"
    assert capsys.readouterr().err == (
        f"could not write output: {option} {path}: {path} is the same file as the {what} {path} ({argument}), "
        "which this command reads; the output would replace it: write the output to another path\n")
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("link", ["symbolic", "hard"])
def test_a_link_to_an_input_is_the_input(link: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_tiny(tmp_path, tiny())
    other = tmp_path / "table.csv"
    other.symlink_to(config) if link == "symbolic" else os.link(config, other)
    text = config.read_text()
    assert main(["sweep", str(config), *SWEEP, "--out", str(other)]) == 4
    assert capsys.readouterr().err.startswith(
        f"could not write output: --out {other}: {other} is the same file as the config file {config} (CONFIG), ")
    assert config.read_text() == text and other.is_symlink() == (link == "symbolic")


def test_the_plan_in_an_out_folder_is_not_replaced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # `evaluate --plan out/plan.csv --out out`: the plan was edited by hand in the folder of an earlier run.
    config = write_tiny(tmp_path, tiny())
    out = tmp_path / "out"
    assert main(["solve", str(config), "--out", str(out)]) == 0
    hand_made_plan(out / "plan.csv")
    before = snapshot(out)
    capsys.readouterr()
    assert main(["evaluate", str(config), "--plan", str(out / "plan.csv"), "--out", str(out)]) == 4
    plan = out / "plan.csv"
    assert capsys.readouterr().err == (
        f"could not write output: --out {out}: {plan} is the same file as the plan file {plan} (--plan), which this "
        "command reads; the output would replace it: write the output to another path\n")
    assert snapshot(out) == before


def test_a_file_the_config_names_is_an_input_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    institutions = tmp_path / "inst.csv"
    institutions.write_text("name,tiers,teachers.academic,teachers.double_qualified,intake.basic\nCollege,basic,10,0,100\n",
                            encoding="utf-8")
    config = write_tiny(tmp_path, tiny(institutions={"file": "inst.csv"}))
    before = snapshot(tmp_path)
    assert main(["frontier", str(config), "--out", str(institutions)]) == 4
    assert capsys.readouterr().err.startswith(
        f"could not write output: --out {institutions}: {institutions} is the same file as the institutions CSV "
        f"{institutions.resolve()}, which this command reads; ")
    assert snapshot(tmp_path) == before  # and the segments file beside it is not written either


def test_a_program_may_write_any_file_outside_a_command(tmp_path: Path) -> None:
    # The inputs are kept only while a command runs: the library writes where it is told.
    config = write_tiny(tmp_path, tiny())
    files.write_atomic(config, lambda path: path.write_text("replaced"))
    assert config.read_text() == "replaced"
    with inputs_kept([(config, "config file", None)]), pytest.raises(OutputError, match="is the same file as"):
        files.write_all(tmp_path, {"a.csv": lambda path: path.write_text("new"), config.name: lambda path: None})
    assert config.read_text() == "replaced" and not (tmp_path / "a.csv").exists()


# -- one path, one output -------------------------------------------------------------------------------------

def test_one_path_for_two_outputs_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = str(write_tiny(tmp_path, tiny()))
    same = tmp_path / "same.out"
    assert main(["report", config, "--html", str(same), "--xlsx", str(same)]) == 4
    assert capsys.readouterr().err == (
        f"could not write output: --html {same}: this path is also given to --xlsx, and each output needs a path of "
        "its own: choose another path for one of them\n")
    assert not same.exists()
    book = tmp_path / "book.xlsx"
    book.symlink_to(tmp_path / "page.html")  # not there yet: where each would be written decides
    assert main(["report", config, "--html", str(tmp_path / "page.html"), "--xlsx", str(book)]) == 4
    assert "this path is also given to --xlsx" in capsys.readouterr().err
    assert main(["compare", config, "--out", str(same), "--xlsx", str(same)]) == 4
    assert f"--xlsx {same}: this path is also given to --out" in capsys.readouterr().err
    assert snapshot(tmp_path).keys() == {"tiny.yaml", "book.xlsx"}


def test_two_outputs_may_both_go_to_dev_null(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = str(write_tiny(tmp_path, tiny()))
    assert main(["report", config, "--html", os.devnull, "--xlsx", os.devnull]) == 0
    assert capsys.readouterr().out.count(f"wrote {os.devnull}") == 2


def test_files_written_together_that_are_one_file_are_refused(tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    second.symlink_to(first)
    with pytest.raises(OutputError, match=f"{second} and {first} are the same file"):
        files.write_each([(first, lambda path: path.write_text("a")), (second, lambda path: path.write_text("b"))])
    assert not first.exists()


# -- a folder holds one whole run ---------------------------------------------------------------------------

def two_runs(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A config, a second config with another budget, and the folder of the first one's results."""
    first = write_tiny(tmp_path, tiny())
    second = write_tiny(tmp_path, tiny(funding__universities__per_year=12000), "poorer.yaml")
    out = tmp_path / "out"
    assert main(["solve", str(first), "--out", str(out)]) == 0
    return first, second, out


def test_a_link_into_a_missing_folder_is_refused_before_any_file_is_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _first, second, out = two_runs(tmp_path)
    nowhere = tmp_path / "nonexist" / "dir" / "t.csv"
    (out / "teachers.csv").unlink()
    (out / "teachers.csv").symlink_to(nowhere)
    before = snapshot(out)
    capsys.readouterr()
    assert main(["solve", str(second), "--out", str(out)]) == 4
    assert capsys.readouterr().err == (
        f"could not write output: --out {out}: {out / 'teachers.csv'} is a link to {nowhere}, whose folder "
        f"{nowhere.parent} does not exist; create that folder, remove the link, or choose another path\n")
    assert snapshot(out) == before and not (tmp_path / "nonexist").exists()


def test_a_failure_while_the_files_go_into_place_puts_the_old_ones_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _first, second, out = two_runs(tmp_path)
    (out / "plan.csv").unlink()  # the second run adds it, and takes it away again when it fails
    before = snapshot(out)
    capsys.readouterr()
    monkeypatch.setattr(files, "_install", failing(4, OSError(errno.EIO, "Input/output error")))
    assert main(["solve", str(second), "--out", str(out)]) == 4
    assert capsys.readouterr().err == (
        f"could not write output: --out {out}: Input/output error while writing {out / 'constraints.csv'}; "
        "choose another path\n")
    assert snapshot(out) == before


def test_an_interruption_while_the_files_go_into_place_puts_the_old_ones_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    files.write_all(out, {"a.csv": lambda path: path.write_text("old a"), "b.csv": lambda path: path.write_text("old b")})
    monkeypatch.setattr(files, "_install", failing(1, KeyboardInterrupt()))
    new: dict[str, files.Writer] = {name: lambda path: path.write_text("new") for name in ("a.csv", "b.csv", "c.csv")}
    with pytest.raises(KeyboardInterrupt):
        files.write_all(out, new)
    assert snapshot(out) == {"a.csv": b"old a", "b.csv": b"old b"}


def test_files_of_their_own_go_into_place_together_or_not_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "table.csv", tmp_path / "beside.csv"
    first.write_text("old")
    monkeypatch.setattr(files, "_install", failing(1, OSError(errno.EIO, "Input/output error")))
    with pytest.raises(OSError, match="Input/output error") as raised:
        files.write_each([(first, lambda path: path.write_text("new")), (second, lambda path: path.write_text("new"))])
    assert raised.value.filename == str(second)  # the file asked for, not a staging name
    assert snapshot(tmp_path) == {"table.csv": b"old"}


# -- a full disk ----------------------------------------------------------------------------------------------

@pytest.mark.skipif(sys.platform != "linux", reason="/dev/full is Linux's always-full device")
def test_a_full_disk_names_the_file_and_the_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    full = tmp_path / "full.csv"
    full.symlink_to("/dev/full")  # frontier writes full.segments.csv beside it, on a disk with room
    config = write_tiny(tmp_path, tiny())
    assert main(["frontier", str(config), "--out", str(full)]) == 4
    assert capsys.readouterr().err == (
        f"could not write output: --out {full}: no space left on the disk holding this path (or the quota there is "
        "used up); free some space or choose another disk\n")
    assert snapshot(tmp_path).keys() == {"full.csv", "tiny.yaml"}  # the segments file went again


def test_a_full_disk_in_an_out_folder_names_the_file_and_keeps_the_old_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _first, second, out = two_runs(tmp_path)
    before = snapshot(out)
    capsys.readouterr()
    write_csv = files.write_csv

    def fill_up(frame: pd.DataFrame, path: Path, encoding: str | None = None) -> None:
        if path.name == "teachers.csv":
            raise OSError(errno.ENOSPC, "No space left on device")  # as a write says it: no file named
        write_csv(frame, path, encoding)

    monkeypatch.setattr(files, "write_csv", fill_up)
    assert main(["solve", str(second), "--out", str(out)]) == 4
    assert capsys.readouterr().err == (
        f"could not write output: --out {out}: no space left on the disk holding this path (or the quota there is "
        f"used up) while writing {out / 'teachers.csv'}; free some space or choose another disk\n")
    assert snapshot(out) == before


def test_compare_writes_its_folder_and_its_workbook_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from optimiser.report import compare_files

    config = write_tiny(tmp_path, tiny())
    out, book = tmp_path / "out", tmp_path / "book.xlsx"
    assert main(["compare", str(config), "--out", str(out)]) == 0
    before = snapshot(out)
    assert before.keys() == {"comparison.csv", "deltas.csv", "inputs.csv"}
    # A second run whose figures differ, and whose workbook cannot be written.
    other = write_tiny(tmp_path, tiny(name="another tiny plan"), name="other.yaml")

    def no_room(book: Any) -> Callable[[Path], None]:
        def write(path: Path) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")
        return write

    monkeypatch.setattr(compare_files, "workbook_writer", no_room)
    capsys.readouterr()
    assert main(["compare", str(other), "--out", str(out), "--xlsx", str(book)]) == 4
    assert "could not write output: --xlsx" in capsys.readouterr().err
    assert snapshot(out) == before  # the folder still holds the first run, whole
    assert not book.exists()
    monkeypatch.undo()
    assert main(["compare", str(other), "--out", str(out), "--xlsx", str(book)]) == 0
    assert snapshot(out) != before and book.exists()


def test_a_folder_made_for_outputs_that_could_not_be_written_is_taken_away(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_tiny(tmp_path, tiny())
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    new = tmp_path / "new" / "run"
    assert main(["compare", str(config), "--out", str(new), "--xlsx", str(tmp_path / "afile" / "b.xlsx")]) == 4
    assert "could not write output" in capsys.readouterr().err
    assert not (tmp_path / "new").exists()  # neither the folder nor the one made above it
    write_csv = files.write_csv

    def fill_up(frame: pd.DataFrame, path: Path, encoding: str | None = None) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files, "write_csv", fill_up)
    assert main(["solve", str(config), "--out", str(new)]) == 4
    assert not (tmp_path / "new").exists()
    (tmp_path / "kept").mkdir()
    assert main(["solve", str(config), "--out", str(tmp_path / "kept")]) == 4
    assert (tmp_path / "kept").is_dir()  # a folder that was there before stays
    monkeypatch.setattr(files, "write_csv", write_csv)
    assert main(["solve", str(config), "--out", str(new)]) == 0 and (new / "plan.csv").is_file()


def test_a_workbook_that_cannot_be_written_leaves_no_traceback(tmp_path: Path) -> None:
    # Past the file size limit each write fails, as on a full disk; openpyxl must not be left to close its
    # half-written archive later (that prints a traceback from a destructor).
    config = write_tiny(tmp_path, tiny())
    book = tmp_path / "book.xlsx"

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))

    done = subprocess.run([sys.executable, "-m", "optimiser", "compare", str(config), "--xlsx", str(book)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120, preexec_fn=limited,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert done.returncode == 4
    assert done.stderr == f"could not write output: --xlsx {book}: File too large; choose another path\n"
    assert snapshot(tmp_path).keys() == {"tiny.yaml"}


# -- the name says the format -----------------------------------------------------------------------------

SUFFIX_CASES = {
    "sweep": (["sweep", "{config}", *SWEEP, "--out", "{dir}/t.xlsx"], "--out", ".xlsx", "a CSV file", ".csv"),
    "montecarlo": (["montecarlo", "{uncertain}", "--out", "{dir}/t.xlsx"], "--out", ".xlsx", "a CSV file", ".csv"),
    "frontier": (["frontier", "{config}", "--out", "{dir}/t.XLS"], "--out", ".XLS", "a CSV file", ".csv"),
    "pareto": (["pareto", "{config}", "--out", "{dir}/t.html"], "--out", ".html", "a CSV file", ".csv"),
    "tornado": (["tornado", "{config}", "--out", "{dir}/t.json"], "--out", ".json", "a CSV file", ".csv"),
    "alternatives": (["alternatives", "{config}", "--out", "{dir}/t.ods"], "--out", ".ods", "a CSV file", ".csv"),
    "robust": (["robust", "{uncertain}", "--out", "{dir}/t.xlsx"], "--out", ".xlsx", "a CSV file", ".csv"),
    "report --html": (["report", "{config}", "--html", "{dir}/t.xlsx"], "--html", ".xlsx", "an HTML page", ".html"),
    "report --xlsx": (["report", "{config}", "--xlsx", "{dir}/t.html"], "--xlsx", ".html", "an Excel workbook", ".xlsx"),
    "compare --xlsx": (["compare", "{config}", "--xlsx", "{dir}/t.csv"], "--xlsx", ".csv", "an Excel workbook", ".xlsx"),
}


@pytest.mark.parametrize("case", sorted(SUFFIX_CASES))
def test_a_name_ending_in_another_formats_suffix_is_refused(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = {"config": write_tiny(tmp_path, tiny()), "uncertain": uncertain(tmp_path), "dir": tmp_path}
    argv, option, suffix, kind, wanted = SUFFIX_CASES[case]
    given = [part.format(**paths) for part in argv]
    assert main(given) == 4
    path = given[given.index(option) + 1]
    assert capsys.readouterr().err == (
        f"could not write output: {option} {path}: the name ends in {suffix}, but {option} writes {kind}; "
        f"give a path ending in {wanted}\n")
    assert snapshot(tmp_path).keys() == {"tiny.yaml", "uncertain.yaml"}


def test_a_name_in_the_formats_suffix_or_none_is_written(tmp_path: Path) -> None:
    config = str(write_tiny(tmp_path, tiny()))
    assert main(["sweep", config, *SWEEP, "--out", str(tmp_path / "T.CSV")]) == 0
    assert main(["report", config, "--html", str(tmp_path / "page.htm"), "--xlsx", str(tmp_path / "book")]) == 0
    assert {"T.CSV", "page.htm", "book"} <= set(snapshot(tmp_path))


FOLDER_OUTPUTS = {"solve", "evaluate", "compare", "sensitivity"}


def test_every_output_file_option_says_its_format() -> None:
    # --out is a folder for the commands that write several files, and one file of one format elsewhere;
    # --xlsx and --html are always a file: each is parsed as an OutputFile, so its name is checked.
    from optimiser.cli.main import build_parser

    [sub] = [action for action in build_parser()._actions if action.dest == "command"]
    seen: dict[str, Any] = {}
    for name, parser in sub.choices.items():  # type: ignore[attr-defined]
        for action in parser._actions:
            if action.dest in ("out", "xlsx", "html"):
                seen[f"{name} --{action.dest}"] = action.type
    folders = {key for key, kind in seen.items() if not isinstance(kind, OutputFile)}
    assert folders == {f"{name} --out" for name in FOLDER_OUTPUTS}
    assert len(seen) > len(folders) + 8


# -- review: paths that reach an input or a redirect another way ------------------------------------------------

def test_an_input_reached_through_a_missing_folder_and_dot_dot_is_refused_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_tiny(tmp_path, tiny())
    plan = hand_made_plan(tmp_path / "mine.csv")
    before = plan.read_bytes()
    # "missing/../mine.csv" names no file for the kernel, but a writer that resolves the path lands on mine.csv.
    sneaky = tmp_path / "missing" / ".." / "mine.csv"
    code = main(["montecarlo", str(uncertain(tmp_path)), "--plan", str(plan), "--draws", "2", "--out", str(sneaky),
                 "--no-progress"])
    assert code == 4
    assert "is the same file as the plan file" in capsys.readouterr().err
    assert plan.read_bytes() == before
    with inputs_kept([(config, "config file", "CONFIG")]), pytest.raises(OutputError, match="same file as the config"):
        files.write_each([(tmp_path / "nowhere" / ".." / config.name, files.json_writer({}))])


def test_stdout_redirected_to_a_file_is_written_through_not_replaced(tmp_path: Path) -> None:
    config = write_tiny(tmp_path, tiny())
    log = tmp_path / "log.txt"
    log.write_text("EARLIER\n", encoding="utf-8")
    script = ("import sys; from optimiser.cli import main; "
              f"sys.exit(main(['sweep', {str(config)!r}, *{SWEEP!r}, '--out', '/dev/stdout']))")
    with open(log, "a", encoding="utf-8") as appended:
        done = subprocess.run([sys.executable, "-c", script], stdout=appended, stderr=subprocess.PIPE, text=True,
                              check=False)
    assert done.returncode == 0, done.stderr
    text = log.read_text(encoding="utf-8")
    assert text.startswith("EARLIER\n")  # the shell's ">>": kept, and the table after it
    assert "funding.universities.per_year" in text and text.count("12000") >= 1
    assert files.open_descriptor("/dev/stdout") == 1 and files.open_descriptor("/dev/fd/2") == 2
    assert files.open_descriptor("/dev/fd/987") is None and files.open_descriptor(tmp_path / "x.csv") is None


def test_a_copy_set_aside_that_fails_part_way_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "a.csv"
    target.write_text("old", encoding="utf-8")

    def no_link(*args: Any) -> None:
        raise OSError(errno.EPERM, "no hard links here")

    def partial_copy(source: Path, aside: Path) -> None:
        Path(aside).write_text("PART", encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "link", no_link)
    monkeypatch.setattr(files.shutil, "copy2", partial_copy)
    with pytest.raises(OSError):
        files._set_aside(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]
    assert target.read_text(encoding="utf-8") == "old"
