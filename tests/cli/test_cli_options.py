"""The command line's shared options, --version, output to a reader that has gone away, output paths in the way."""

from __future__ import annotations

import argparse
import ast
import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

import optimiser
from optimiser.cli import main
from optimiser.cli.main import build_parser
from optimiser.cli.options import SHARED, add_options

from ..conftest import CASES
from ..tiny import tiny_config, write_tiny

CLI = Path(optimiser.__file__).parent / "cli"


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def test_the_core_commands_parse_as_with_every_command() -> None:
    # solve and validate are parsed without the other commands' modules: the same options, help and defaults
    full, core = subcommands(), build_parser(core_only=True)
    [sub] = [a for a in core._actions if isinstance(a, argparse._SubParsersAction)]
    assert sorted(sub.choices) == ["solve", "validate"] and len(full) > 2
    for name in ("solve", "validate"):
        assert sub.choices[name].format_help() == full[name].format_help()
        assert vars(sub.choices[name].parse_args(["c.yaml"])) == vars(full[name].parse_args(["c.yaml"]))
    assert core.format_usage() == build_parser().format_usage()


def test_only_a_core_command_is_parsed_without_the_others() -> None:
    from optimiser.cli.main import _core_only

    assert _core_only(["solve", "c.yaml"]) and _core_only(["--debug", "validate", "c.yaml", "--help"])
    for argv in (["sweep", "c.yaml"], ["--help", "solve"], ["--deb", "solve"], ["--version"], ["solv"], []):
        assert not _core_only(argv), argv


def declared_flags() -> list[tuple[str, str]]:
    """(file, flag) for every ``add_argument("--flag", ...)`` written in optimiser/cli/."""
    found = []
    for path in sorted(CLI.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "add_argument":
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value.startswith("--"):
                        found.append((path.name, arg.value))
    return found


def test_each_shared_option_is_declared_once_in_the_source() -> None:
    # The shared options come from options.SHARED only; no command spells one out itself.
    flags = [flag for _, flag in declared_flags()]
    assert not sorted({f"--{name}" for name in SHARED} & set(flags))
    # And every flag that two commands take is a shared one (or --version, the top level's own).
    repeated = {flag for flag in flags if flags.count(flag) > 1}
    assert not repeated, f"declared more than once: {sorted(repeated)}"


def test_shared_options_have_one_help_text_unless_the_command_says_what_it_writes() -> None:
    # --out, --xlsx, --plan ... say what they mean for each command (their help is None in
    # SHARED), three commands add a word to --integer, --time-limit or --solver, and
    # solve's --no-progress turns off lines, not a bar; every other shared option reads
    # the same in every command that takes it.
    per_command = {name for name, keywords in SHARED.items() if keywords["help"] is None}
    per_command |= {"integer", "time-limit", "solver", "no-progress"}
    texts: dict[str, set[str]] = {}
    for parser in [build_parser(), *subcommands().values()]:
        for action in parser._actions:
            for flag in action.option_strings:
                name = flag.removeprefix("--")
                if name in SHARED:
                    texts.setdefault(name, set()).add(str(action.help))
    assert set(texts) == set(SHARED)
    for name, seen in texts.items():
        if name not in per_command:
            assert seen == {SHARED[name]["help"]}, name
    bars = {name: str(action.help) for name, parser in subcommands().items() for action in parser._actions
            if "--no-progress" in action.option_strings}
    assert {name for name, text in bars.items() if text != SHARED["no-progress"]["help"]} == {"solve"}
    assert "names the stage" in bars["solve"]


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("solve", ["--scenario", "--solver", "--integer", "--time-limit", "--out", "--json", "--debug", "--mip-gap",
                   "--solver-options", "--no-progress", "--lang", "--csv-encoding"]),
        ("validate", ["--scenario", "--debug", "--lang"]),
        ("compare", ["--scenarios", "--solver", "--integer", "--time-limit", "--by-year", "--out", "--xlsx",
                     "--json", "--debug", "--lang", "--csv-encoding"]),
        ("evaluate", ["--plan", "--scenario", "--solver", "--out", "--json", "--debug", "--lang", "--csv-encoding"]),
        ("frontier", ["--over", "--scenario", "--upto", "--out", "--json", "--debug", "--lang", "--csv-encoding"]),
        ("montecarlo", ["--draws", "--seed", "--plan", "--scenario", "--jobs", "--scheduler", "--solver", "--out",
                        "--json", "--no-progress", "--debug", "--lang", "--csv-encoding"]),
        ("pareto", ["--x", "--y", "--points", "--hold-others", "--scenario", "--out", "--json", "--debug", "--lang", "--csv-encoding"]),
        ("report", ["--scenarios", "--solver", "--integer", "--plan", "--html", "--xlsx", "--debug", "--lang"]),
        ("sensitivity", ["--scenario", "--solver", "--integer", "--json", "--out", "--debug", "--lang", "--csv-encoding"]),
        ("sweep", ["--param", "--scenario", "--jobs", "--scheduler", "--solver", "--out", "--json", "--no-progress",
                   "--debug", "--lang", "--csv-encoding"]),
        ("tornado", ["--change", "--input", "--scenario", "--jobs", "--solver", "--out", "--json", "--no-progress",
                     "--debug", "--lang", "--csv-encoding"]),
    ],
)
def test_each_command_keeps_its_options_in_order(command: str, options: list[str]) -> None:
    # --lang (every command) and --csv-encoding (every command that writes CSV files) come last.
    parser = subcommands()[command]
    flags = [a.option_strings[0] for a in parser._actions if a.option_strings and a.option_strings[0] != "-h"]
    assert flags == options


def test_shared_options_keep_their_types_and_defaults() -> None:
    args = build_parser().parse_args(["solve", "c.yaml", "--time-limit", "2.5", "--out", "o", "--solver", "cbc"])
    assert (args.time_limit, args.out, args.solver, args.json, args.debug) == (2.5, Path("o"), "cbc", False, False)
    args = build_parser().parse_args(["sweep", "c.yaml", "--param", "total_budget=1,2", "--jobs", "3"])
    assert (args.jobs, args.solver, args.no_progress, args.scheduler) == (3, "highs", False, None)


def test_out_metavar_says_folder_or_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "--help"]) == 0
    assert "--out DIR " in capsys.readouterr().out
    assert main(["montecarlo", "--help"]) == 0
    assert "--out FILE.csv " in capsys.readouterr().out


def test_add_options_refuses_an_unknown_option_or_a_missing_help_text() -> None:
    parser = argparse.ArgumentParser()
    with pytest.raises(ValueError, match="not a shared option of this command: colour"):
        add_options(parser, "colour")
    with pytest.raises(ValueError, match="not a shared option of this command: json"):
        add_options(parser, "debug", help_for={"json": "x"})
    with pytest.raises(ValueError, match="--out needs a help text"):
        add_options(parser, "out")


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"optimiser {optimiser.__version__}\n"


def test_version_from_the_installed_command() -> None:
    done = subprocess.run([sys.executable, "-m", "optimiser", "--version"], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"optimiser {optimiser.__version__}\n", "")


# A reader that has gone away: `optimiser solve ... | head -2`.


def run_into_closed_pipe(*args: str, stderr_too: bool = False) -> tuple[int, str]:
    """Run the command line with its stdout on a pipe whose only reader has already exited.

    The reader (a real process) exits before the command starts, so every write to
    the pipe fails with EPIPE, whatever the timing. Returns the exit code and stderr.
    """
    read_end, write_end = os.pipe()
    reader = subprocess.Popen([sys.executable, "-c", "pass"], stdin=read_end)
    os.close(read_end)
    assert reader.wait(timeout=60) == 0
    try:
        done = subprocess.run(
            [sys.executable, "-m", "optimiser", *args], stdout=write_end,
            stderr=write_end if stderr_too else subprocess.PIPE, timeout=120,
        )
    finally:
        os.close(write_end)
    return done.returncode, (done.stderr or b"").decode()


def test_output_into_a_closed_pipe_stops_quietly_with_exit_0() -> None:
    code, err = run_into_closed_pipe("solve", str(CASES / "small.yaml"))
    assert (code, err) == (0, "")


@pytest.mark.slow
def test_json_into_a_closed_pipe_stops_quietly_with_exit_0() -> None:
    code, err = run_into_closed_pipe("solve", str(CASES / "small.yaml"), "--json")
    assert (code, err) == (0, "")


@pytest.mark.slow
def test_a_closed_pipe_keeps_the_commands_own_exit_code(tmp_path: Path) -> None:
    # An infeasible model still exits 3 though nobody reads the diagnosis.
    path = write_tiny(tmp_path, tiny_config(policies={"min_double_qualified_share": 0.35}))
    assert run_into_closed_pipe("solve", str(path)) == (3, "")


@pytest.mark.slow
def test_an_error_message_into_a_closed_pipe_keeps_exit_2(tmp_path: Path) -> None:
    # `optimiser solve bad.yaml 2>&1 | true`: the message cannot be shown; the code still says why.
    path = write_tiny(tmp_path, tiny_config(total_budget=-1))
    assert run_into_closed_pipe("solve", str(path), stderr_too=True) == (2, "")


@pytest.mark.slow
def test_an_open_pipe_gets_the_whole_output() -> None:
    done = subprocess.run([sys.executable, "-m", "optimiser", "solve", str(CASES / "small.yaml")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[:2] == ["known-answer case: small  [scenario: base, solver: highs]", "status: optimal"]
    assert "bottlenecks: which" in done.stdout  # the end of the summary came through too


# An output path the command cannot write: say which option, which path, why, and what to do.


def test_out_onto_an_existing_file_says_out_takes_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    taken = tmp_path / "result.txt"
    taken.write_text("keep me")
    assert main(["solve", str(CASES / "small.yaml"), "--out", str(taken)]) == 4
    assert capsys.readouterr().err == (
        f"could not write output: --out {taken}: this path exists and is a file, but --out takes a folder to "
        "write the result files into; choose another path or remove the file\n"
    )
    assert taken.read_text() == "keep me"


def test_out_under_a_file_names_the_file_in_the_way(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    taken = tmp_path / "taken"
    taken.write_text("a file where a folder should go")
    assert main(["solve", str(CASES / "small.yaml"), "--out", str(taken / "sub" / "deeper")]) == 4
    assert capsys.readouterr().err == (
        f"could not write output: --out {taken / 'sub' / 'deeper'}: {taken} is a file, so no folder can be made "
        "there; choose another path or move the file away\n"
    )


def test_a_file_option_onto_a_folder_says_it_takes_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "frontier"
    folder.mkdir()
    config = tiny_config(institutions__0__teachers={"academic": 10, "double_qualified": 0})  # nothing to warn about
    assert main(["frontier", str(write_tiny(tmp_path, config)), "--out", str(folder)]) == 4
    assert capsys.readouterr().err == (
        f"could not write output: --out {folder}: this path is a folder, but --out takes a file name here; "
        "give a file path (inside that folder if you like), or choose another path\n"
    )


def test_the_message_names_the_option_that_failed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # compare writes --out (a folder, fine here) and --xlsx (a file, but a folder is in the way).
    folder = tmp_path / "book.xlsx"
    folder.mkdir()
    args = ["compare", str(CASES / "small.yaml"), "--out", str(tmp_path / "csv"), "--xlsx", str(folder)]
    assert main(args) == 4
    err = capsys.readouterr().err
    assert err.startswith(f"could not write output: --xlsx {folder}: this path is a folder, but --xlsx takes a file")


def namespace(**paths: str) -> argparse.Namespace:
    return argparse.Namespace(**{name: Path(value) for name, value in paths.items()})


@pytest.mark.parametrize(
    ("code", "strerror", "says"),
    [
        (errno.EACCES, "Permission denied", "permission denied on {parent}; choose a folder you can write to, "
                                             "or ask for write permission there"),
        (errno.EPERM, "Operation not permitted", "permission denied on {parent}; choose a folder you can write to"),
        (errno.EROFS, "Read-only file system", "{parent} is on a read-only file system; choose a folder on a "
                                               "writable disk"),
        (errno.ENOSPC, "No space left on device", "no space left on the disk holding {parent} (or the quota there "
                                                  "is used up); free some space or choose another disk"),
        (errno.ENAMETOOLONG, "File name too long", "the path or one of its names is too long; choose a shorter path"),
    ],
)
def test_each_os_error_says_where_and_what_to_do(tmp_path: Path, code: int, strerror: str, says: str) -> None:
    # The errors root cannot provoke for real (the suite may run as root): the
    # message for each, as raised by mkdir of --out inside an existing folder.
    from optimiser.cli.oserrors import explain_os_error

    out = tmp_path / "results"
    message = explain_os_error(OSError(code, strerror, str(out)), namespace(out=str(out)))
    assert message.startswith(f"could not write output: --out {out}: ")
    assert says.format(parent=tmp_path) in message
    assert "Errno" not in message


def test_a_staging_file_inside_out_is_reported_as_out(tmp_path: Path) -> None:
    from optimiser.cli.oserrors import explain_os_error

    out = tmp_path / "results"
    staging = out / ".staging-x1y2" / "plan.csv"
    args = namespace(out=str(out), xlsx=str(tmp_path / "book.xlsx"))
    message = explain_os_error(OSError(errno.ENOSPC, "No space left on device", str(staging)), args)
    assert message.startswith(f"could not write output: --out {out}: no space left on the disk holding {tmp_path}")


def test_an_os_error_without_a_path_or_output_option_is_not_called_output(tmp_path: Path) -> None:
    from optimiser.cli.oserrors import explain_os_error

    message = explain_os_error(OSError(errno.EIO, "Input/output error"), namespace(out=str(tmp_path / "out")))
    assert message == "system error: Input/output error; run again with --debug to see where it happened"


def test_a_permission_error_from_a_real_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the command line prints when the file system refuses the final move into place.
    def refuse(source: str, target: str) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", source, None, target)

    monkeypatch.setattr(os, "replace", refuse)
    out = tmp_path / "result"
    out.mkdir()
    assert main(["solve", str(CASES / "small.yaml"), "--out", str(out)]) == 4
    assert capsys.readouterr().err == (
        f"could not write output: --out {out}: permission denied on this path; choose a folder you can write "
        "to, or ask for write permission there\n"
    )
    # A folder the run made is taken away again, so the folder holding it is where permission is wanted.
    new = tmp_path / "new"
    assert main(["solve", str(CASES / "small.yaml"), "--out", str(new)]) == 4
    assert capsys.readouterr().err == (
        f"could not write output: --out {new}: permission denied on {tmp_path}; choose a folder you can write "
        "to, or ask for write permission there\n"
    )
    assert not new.exists() and out.is_dir()


FOLDER_OUTPUTS = {
    "solve": [],
    "evaluate": ["--plan", "{plan}"],
    "compare": ["--scenarios", "base"],
    "sensitivity": [],
}


@pytest.mark.parametrize("command", sorted(FOLDER_OUTPUTS))
def test_the_help_of_out_names_exactly_the_files_written(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import re

    from optimiser.cli.main import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices[command]  # type: ignore[attr-defined]
    help_text = next(a.help for a in sub._actions if a.dest == "out")
    named = re.findall(r"[\w.]+\.(?:csv|json|yaml)", help_text)
    config = str(CASES / "small.yaml")
    plan = ""
    if command == "evaluate":
        assert main(["solve", config, "--out", str(tmp_path / "solved")]) == 0
        plan = str(tmp_path / "solved" / "plan.csv")
    out = tmp_path / "out"
    argv = [command, config, *[plan if a == "{plan}" else a for a in FOLDER_OUTPUTS[command]], "--out", str(out)]
    assert main(argv) == 0
    capsys.readouterr()
    assert sorted(named) == sorted(p.name for p in out.iterdir()), help_text
