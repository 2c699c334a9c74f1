"""Parse arguments, dispatch to a command, turn errors into exit codes.

Exit codes:
  0  success (an optimal plan, a valid config, a feasible evaluated plan)
  2  invalid config, plan file or command-line arguments
  3  the model is infeasible or unbounded (a diagnosis is printed),
     or an evaluated plan violates a constraint
  4  a solver failed or an output file could not be written
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
import warnings
from collections.abc import Iterator, Sequence
from typing import Any, NoReturn, cast

from ..errors import ConfigError, PlanError, PlanNote, SolverError
from .exits import EXIT_FAILED, EXIT_INVALID, EXIT_NO_OPTIMUM, EXIT_OK

__all__ = ["EXIT_FAILED", "EXIT_INVALID", "EXIT_NO_OPTIMUM", "EXIT_OK", "build_parser", "main"]


def build_parser(core_only: bool = False) -> argparse.ArgumentParser:
    """The parser of every command; with ``core_only``, of ``solve`` and ``validate`` only (see :func:`_core_only`)."""
    from ..version import __version__
    from . import commands
    from .options import add_options

    parser = Parser(
        prog="optimiser",
        description="Educator workforce planning optimiser: allocate a budget across enterprise lecturers, "
        "secondments, training bases and tuition subsidies to maximise compound talent output.",
        epilog="Exit codes: 0 ok, 2 invalid input, 3 infeasible/unbounded or plan violates limits, 4 solver or output failure.",
    )
    parser.add_argument("--version", action="version", version=f"optimiser {__version__}")
    # --lang before the command (``optimiser --lang zh report ...``) is kept apart from the command's own --lang,
    # whose default would otherwise overwrite it; _run takes it when the command's is not given.
    add_options(parser, "debug", "lang", lang={"dest": "lang_before_command"})
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    commands.register(sub, core_only)
    for command in sub.choices.values():
        writes_files = any("--out" in action.option_strings for action in command._actions)
        add_options(command, "lang", *(["csv-encoding"] if writes_files else []))
    return parser


class Parser(argparse.ArgumentParser):
    """An argument parser (each command's too) that takes each option as written and words a usage error in the
    language chosen on the command line.

    An option is taken only by its whole name (``--scenario`` is not short for ``--scenarios``), and an option
    that holds one value is refused when given twice, rather than the last one silently winning.

    A usage error follows ``--lang``: what is wrong with an option's value, as its type says it, a missing
    argument, a choice not offered, and the frame around them.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)
        # Registered here, every command's parser and its argument groups store a value once.
        self.register("action", None, _StoreOnce)
        self.register("action", "store", _StoreOnce)

    def parse_args(self, args: Any = None, namespace: Any = None) -> Any:  # type: ignore[override]
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            self._unrecognized(parsed, extras)
        return parsed

    def _unrecognized(self, parsed: argparse.Namespace, extras: list[str]) -> NoReturn:
        """Refuse ``extras`` in the words of the command they were given to, with the option meant if one is close."""
        import difflib

        from ..i18n import _

        command = self._command_parser(getattr(parsed, "command", None)) or self
        message = _("unrecognized arguments: {arguments}").format(arguments=" ".join(extras))
        options = {name.lstrip("-"): name for action in command._actions for name in action.option_strings}
        for token in extras:
            written = token.partition("=")[0].lstrip("-")
            if not token.startswith("-") or not written:
                continue
            close = [name for name in options if name.startswith(written)] or difflib.get_close_matches(written, options, n=1)
            if close:
                message += _("; did you mean {option}?").format(option=_(" or ").join(options[name] for name in close))
                break
        command.error(message)

    def _command_parser(self, name: str | None) -> argparse.ArgumentParser | None:
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction) and name in action.choices:
                return cast(argparse.ArgumentParser, action.choices[name])
        return None

    def parse_known_args(self, *args: Any, **kwargs: Any) -> Any:
        namespace, rest = super().parse_known_args(*args, **kwargs)
        if hasattr(namespace, _GIVEN):
            delattr(namespace, _GIVEN)
        return namespace, rest

    def error(self, message: str) -> NoReturn:
        from ..i18n import _

        option, colon, problem = message.partition(": ")
        if colon and option.startswith("argument ") and " " not in option[len("argument "):]:
            message = _("argument {option}: {problem}").format(
                option=option[len("argument "):], problem=_argparse_words(problem))
        else:
            message = _argparse_words(message)
        self.print_usage(sys.stderr)
        self.exit(EXIT_INVALID, _("{program}: error: {problem}").format(program=self.prog, problem=message) + "\n")


def _argparse_words(message: str) -> str:
    """argparse's own words for a missing argument or a choice not offered, in the language chosen."""
    from ..i18n import _

    required = "the following arguments are required: "
    if message.startswith(required):
        return _("the following arguments are required: {arguments}").format(arguments=message[len(required):])
    choice = re.fullmatch(r"invalid choice: (.*) \(choose from (.*)\)", message)
    if choice:
        return _("invalid choice: {value} (choose from {choices})").format(value=choice[1], choices=choice[2])
    return message


_GIVEN = "_options_given"
"""The attribute of the namespace being parsed that holds the options given so far (removed once parsed)."""


class _StoreOnce(argparse._StoreAction):
    """An option that holds one value: given a second time, it is a usage error."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        from ..i18n import _

        given = vars(namespace).setdefault(_GIVEN, {})
        if self.dest in given:
            raise argparse.ArgumentError(self, _("given twice ({first}, then {second}); give it once").format(
                first=given[self.dest], second=values))
        given[self.dest] = values
        super().__call__(parser, namespace, values, option_string)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Output to a reader that has gone away (``optimiser solve ... | head``)
    stops quietly: the exit code stays the command's own.
    """
    from . import collector
    from .streams import reader_gone_guard

    with collector.paused(program=argv is None), reader_gone_guard():
        return _run(list(sys.argv[1:] if argv is None else argv))


def _run(argv: list[str]) -> int:
    from ..i18n import _, language
    from ..report.inert import inert_lines
    from . import collector
    from .oserrors import explain_os_error, outputs_checked

    debug = "--debug" in argv
    parser = build_parser(_core_only(argv))
    args: argparse.Namespace | None = None
    try:
        with language(_language_asked(argv)):  # a bad option's value is told in the language asked for
            args = parser.parse_args(argv)
        if getattr(args, "lang", None) is None:
            args.lang = getattr(args, "lang_before_command", None)
        if not getattr(args, "resumes_collector", False):
            collector.resume()  # the command loads its libraries with the collector on (solve resumes it itself)
        with language(getattr(args, "lang", None)), _csv_encoding(args), _plan_notes(args), \
                outputs_checked(args, _option_types(parser, args)):
            return int(args.run(args))
    except SystemExit as exit_:  # argparse: --help or --version (0) or a usage error (2)
        return int(exit_.code or 0)
    except ConfigError as err:
        if debug:
            raise
        print(_config_message(err), file=sys.stderr)
        return EXIT_INVALID
    except PlanError as err:
        if debug:
            raise
        with language(getattr(args, "lang", None)):
            print(_("invalid plan: {problem}").format(problem=inert_lines(err)), file=sys.stderr)
        return EXIT_INVALID
    except SolverError as err:
        if debug:
            raise
        with language(getattr(args, "lang", None)):
            print(_("solver error: {problem}").format(problem=inert_lines(err)), file=sys.stderr)
        return EXIT_FAILED
    except OSError as err:
        if debug:
            raise
        with language(getattr(args, "lang", None)):
            print(explain_os_error(err, args), file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        with language(getattr(args, "lang", None)):
            print(_("interrupted"), file=sys.stderr)
        return 130


def _option_types(parser: argparse.ArgumentParser, args: argparse.Namespace) -> dict[str, Any]:
    """Each option of the command run, with the type its value was parsed with (which format an output file has)."""
    command = parser._command_parser(getattr(args, "command", None)) if isinstance(parser, Parser) else None
    return {option: action.type for action in (command._actions if command else [])
            for option in action.option_strings}


def _language_asked(argv: list[str]) -> str | None:
    """The language ``--lang`` asks for in ``argv`` (``--lang zh`` or ``--lang=zh``), before it is parsed; else None."""
    from ..i18n import LANGUAGES

    for index, token in enumerate(argv):
        value = argv[index + 1] if token == "--lang" and index + 1 < len(argv) else \
            token[len("--lang="):] if token.startswith("--lang=") else None
        if value in LANGUAGES:
            return value
    return None


def _core_only(argv: list[str]) -> bool:
    """Whether ``argv`` runs ``solve`` or ``validate``: its parser needs none of the other commands' modules.

    Only ``--debug`` and ``--lang LANG`` (or ``--lang=LANG``) may come before the command; anything else
    (``--help``, a mistyped command) is parsed with every command, as its message lists them.
    """
    from .commands import CORE_COMMANDS

    tokens = iter(argv)
    for token in tokens:
        if token == "--lang":
            next(tokens, None)
        elif token != "--debug" and not token.startswith("--lang="):
            return token in CORE_COMMANDS
    return False


@contextlib.contextmanager
def _csv_encoding(args: argparse.Namespace) -> Iterator[None]:
    if not hasattr(args, "csv_encoding"):  # a command that writes no files (validate, schema)
        yield
        return
    chosen = getattr(args, "csv_encoding", None) or "utf-8-sig"
    if chosen == "utf-8-sig" and "optimiser.report.files" not in sys.modules:
        # The default, and the file writers not loaded yet: they start with it, if the command loads them at all.
        yield
        return
    from ..report.files import set_csv_encoding

    before = set_csv_encoding(chosen)
    try:
        yield
    finally:
        set_csv_encoding(before)


@contextlib.contextmanager
def _plan_notes(args: argparse.Namespace) -> Iterator[None]:
    """What a plan file read says of itself (a total row left out, the sheet read): notes on stderr, or with
    ``--json`` kept for the JSON object's ``"plan_notes"`` (:func:`~optimiser.cli.configs.with_warnings`)."""
    from ..i18n import _
    from ..report.inert import inert
    from .configs import PLAN_NOTES

    kept: list[str] | None = [] if getattr(args, "json", False) else None
    token = PLAN_NOTES.set(kept)
    with warnings.catch_warnings():
        warnings.simplefilter("always", PlanNote)
        shown = warnings.showwarning

        def show(message: Warning | str, category: type[Warning], *rest: Any, **keywords: Any) -> None:
            if not issubclass(category, PlanNote):
                shown(message, category, *rest, **keywords)
            elif kept is not None:
                kept.append(str(message))
            else:
                print(_("note: {text}").format(text=inert(str(message))), file=sys.stderr)

        warnings.showwarning = show
        try:
            yield
        except BaseException:
            # The command failed: no JSON object will carry the notes, so they go where its error goes.
            for text in dict.fromkeys(kept or ()):
                print(_("note: {text}").format(text=inert(text)), file=sys.stderr)
            raise
        finally:
            PLAN_NOTES.reset(token)


def _config_message(err: ConfigError) -> str:
    """The message of ``err`` with each problem on one line: names in it cannot break lines or take effect."""
    from ..report.inert import inert

    text = str(err)
    for problem in err.problems:
        shown = str(problem)
        text = text.replace(shown, inert(shown), 1)
    return text
