"""Read YAML safely and remember the line of every key.

Only YAML's standard tags are accepted: a ``!!python/...`` tag is reported as
an error and never constructed. The result is plain Python data plus a table
from key path (a tuple of keys and list indices) to the 1-based line it was
written on, so later checks can point at the line of the value they reject.

Config files come from e-mail and shared drives, so reading is bounded: only
a regular file of at most :data:`MAX_CONFIG_BYTES` is read, data may nest at
most :data:`MAX_DEPTH` levels, and aliases (``*name``) may not expand the data
beyond :func:`node_budget` values. Anything outside these bounds, a control
character or an unreadable number is a :class:`ConfigError` naming the line.

Every input file (a config, an institutions CSV, a plan) is read by
:func:`read_input`; while a command runs inside :func:`inputs_kept`, each one
read is kept, so the writers (:mod:`optimiser.files`) refuse an output that is
the same file as one of them (:func:`overwrites_input`).
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError, Problem
from ..i18n import N_, _
from .checker import dotted

KeyPath = tuple[Any, ...]
LineTable = dict[KeyPath, int]

MAX_CONFIG_BYTES = 8 * 1024 * 1024
"""A config is a few hundred lines; a larger file is refused unread."""

MAX_DEPTH = 50
"""The deepest nesting of mappings and lists a config may use."""

MAX_NODES = 1_000_000
"""The most values (counting each alias use in full) a config may expand to."""


class InputRefused(Exception):
    """An input file that is not read: missing, not a regular file, or too large."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def _megabytes(size: int) -> str:
    return _("{size} MB").format(size=f"{size / (1024 * 1024):.1f}")


def file_kind(mode: int) -> str:
    """What a file of ``mode`` is, in words ("a folder", "a character device", ...)."""
    if stat.S_ISDIR(mode):
        return _("a folder")
    if stat.S_ISCHR(mode):
        return _("a character device")
    if stat.S_ISBLK(mode):
        return _("a block device")
    if stat.S_ISFIFO(mode):
        return _("a pipe")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    return _("not a regular file")


Input = tuple[Path, str, str | None]
"""A file a command reads: its path, what it is (``N_("config file")``) and the argument or option that names it
(``"CONFIG"``, ``"--plan"``), or None for a file named inside another (an institutions CSV)."""

_kept: list[Input] | None = None


@contextlib.contextmanager
def inputs_kept(named: Iterable[Input] = ()) -> Iterator[None]:
    """While it runs, the files ``named`` and every file :func:`read_input` reads are the command's inputs,
    which no output may replace (:func:`overwrites_input`)."""
    global _kept
    before, _kept = _kept, list(named)
    try:
        yield
    finally:
        _kept = before


def same_file(first: Path, second: Path) -> bool:
    """``first`` and ``second`` name one file: the same file on disk (through links, hard links included),
    or, where either does not exist, the same path once links and ``..`` are resolved."""
    try:
        return os.path.samefile(first, second)
    except OSError:
        return os.path.normcase(os.path.realpath(first)) == os.path.normcase(os.path.realpath(second))


def overwrites_input(path: Path) -> str | None:
    """Why ``path`` may not be written while the command runs, when it is one of its inputs; else None."""
    if not _kept:
        return None
    # Where writing it lands: "missing/../plan.csv" is plan.csv to a writer that resolves the path first.
    resolved = os.path.realpath(path)
    if not os.path.isfile(resolved):
        return None
    for source, what, option in _kept:
        if same_file(Path(resolved), source):
            given = f"{source} ({option})" if option else str(source)
            return _("{path} is the same file as the {what} {given}, which this command reads; the output would "
                     "replace it: write the output to another path").format(path=path, what=_(what), given=given)
    return None


def read_input(path: Path, limit: int, what: str) -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes.

    Raises :class:`InputRefused` (with a message saying what to do) for a
    missing file, anything that is not a regular file (a folder, a device
    such as ``/dev/zero``, a pipe) or a file larger than ``limit``; the file
    is never read beyond ``limit`` bytes, even if it grows while being read.
    Inside :func:`inputs_kept`, ``path`` (``what`` it is) is kept as an input.
    """
    if _kept is not None:
        _kept.append((Path(path), what, None))
    try:
        mode = path.stat().st_mode
    except FileNotFoundError as err:
        raise InputRefused(_("file not found; check the path")) from err
    except OSError as err:
        raise InputRefused(_("cannot read the file ({reason})").format(reason=err.strerror or err)) from err
    if not stat.S_ISREG(mode):
        raise InputRefused(_("this is {kind}, not a regular file; give the path of a {what} saved on disk").format(
            kind=file_kind(mode), what=_(what)))
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as err:
        raise InputRefused(_("cannot read the file ({reason})").format(reason=err.strerror or err)) from err
    if len(data) > limit:
        raise InputRefused(
            _("the file is larger than {size}, far more than a {what} needs; check that this is the right file").format(
                size=_megabytes(limit), what=_(what))
        )
    return data


class _Loader(yaml.SafeLoader):
    """SafeLoader whose scalars are built without touching unknown tags, with a nesting limit."""

    def __init__(self, stream: str, name: str) -> None:
        super().__init__(stream)
        self.name = name
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise ConfigError([Problem(path="", message=_deep_message(), file=self.name, line=mark.line + 1)])
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _deep_message() -> str:
    return _(
        "the data nests more than {depth} levels deep (or an alias refers to itself); "
        "a config needs a few levels only: close the brackets or fix the indentation"
    ).format(depth=MAX_DEPTH)


def node_budget(text: str) -> int:
    """The most values a text may expand to: about one per character, plus room for modest aliases."""
    return min(MAX_NODES, 2 * len(text) + 10_000)


class _Builder:
    """Builds plain data from composed nodes, counting every value it builds."""

    def __init__(self, loader: _Loader, name: str, budget: int) -> None:
        self.loader = loader
        self.name = name
        self.budget = budget
        self.remaining = budget
        self.lines: LineTable = {}

    def build(self, node: yaml.Node, path: KeyPath, record: bool = True) -> Any:
        self.remaining -= 1
        if self.remaining < 0:
            raise _problem(
                self.name, node,
                _("the file expands to more than {budget} values (each use of an alias *name counts in full); "
                  "a config needs far fewer: write the repeated part out, or use aliases that do not nest").format(
                    budget=f"{self.budget:,}"),
            )
        if len(path) > MAX_DEPTH:
            raise _problem(self.name, node, _deep_message())
        if record:
            self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
            raise _problem(self.name, node, _tag_message(node.tag))
        if isinstance(node, yaml.MappingNode):
            self.loader.flatten_mapping(node)
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.build(key_node, path + ("<key>",), record=False)
                if isinstance(key, (dict, list)):
                    raise _problem(self.name, key_node, _("a mapping key must be a plain value"))
                if key in result:
                    raise _problem(self.name, key_node, _("key {key!r} is given twice in the same mapping").format(key=key))
                if record:
                    self.lines[path + (key,)] = key_node.start_mark.line + 1
                result[key] = self.build(value_node, path + (key,), record)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (index,), record) for index, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _scalar(self, node: yaml.Node, path: KeyPath) -> Any:
        misread = _yaml11_number(node)
        if misread is not None:
            raise _problem(self.name, node, misread, path)
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as err:
            raise _problem(self.name, node, _tag_message(node.tag)) from err
        except (ValueError, OverflowError, TypeError) as err:
            value = str(node.value)
            shown = value if len(value) <= 40 else _("{start}...{end} ({count} characters)").format(
                start=value[:20], end=value[-10:], count=f"{len(value):,}")
            if "digits" in str(err):
                message = _("the number {shown} has too many digits to read; write a number of plausible size").format(
                    shown=shown)
            else:
                message = _("cannot read the value {shown!r} ({error}); write it as plain text in quotes or as a number").format(
                    shown=shown, error=err)
            raise _problem(self.name, node, message) from err


_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


def _tag_message(tag: str) -> str:
    return _("the tag {tag!r} is not allowed; write plain values (numbers, strings, lists, mappings)").format(tag=tag)


def _problem(name: str, node: yaml.Node, message: str, path: KeyPath = ()) -> ConfigError:
    where = dotted(tuple(part for part in path if part != "<key>"))
    return ConfigError([Problem(path=where, message=message, file=name, line=node.start_mark.line + 1)])


_INT_TAG, _FLOAT_TAG = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_OCTAL = re.compile(r"[-+]?0[0-7]+")


def _yaml11_number(node: yaml.Node) -> str | None:
    """Why a plain number is refused: YAML 1.1 (as PyYAML reads it) takes a leading zero for octal
    (``0100`` is 64) and colons for base 60 (``1:4`` is 64), which no planner means; None if it is fine.

    A leading zero that changes nothing (``007``) is read as written.
    """
    if not isinstance(node, yaml.ScalarNode) or node.style is not None or node.tag not in (_INT_TAG, _FLOAT_TAG):
        return None
    text = node.value.replace("_", "")
    if ":" in text:
        try:
            number = yaml.safe_load(node.value)
        except yaml.YAMLError:
            number = None
        return _("YAML reads {value} as {number}, a base-60 number (as for times of day); write a decimal number "
                 "(a ratio such as 1:4 as 0.25), or put the text in quotes").format(value=node.value, number=number)
    if node.tag == _INT_TAG and _OCTAL.fullmatch(text) and int(text, 8) != int(text, 10):
        return _("YAML reads {value} as {number}, an octal number (a leading zero makes one); write {decimal} "
                 "without the leading zero, or put it in quotes (\"{value}\") if it is a name or a code").format(
            value=node.value, number=int(text, 8), decimal=int(text, 10))
    return None


def _reader_problem(err: yaml.reader.ReaderError, text: str, name: str) -> ConfigError:
    """A character YAML does not accept (a raw control character): say which, where, and the fix."""
    character = err.character if isinstance(err.character, str) else chr(err.character)
    position = err.position if isinstance(err.position, int) and 0 <= err.position <= len(text) else None
    line = text.count("\n", 0, position) + 1 if position is not None else None
    column = position - (text.rfind("\n", 0, position) + 1) + 1 if position is not None else None
    at = _(" at column {column}").format(column=column) if column else ""
    escape = f"\\x{ord(character):02x}" if ord(character) < 0x100 else f"\\u{ord(character):04x}"
    message = _(
        "the file contains the control character {escape} ({code}){at}, which YAML does not allow; "
        "delete it (inside a double-quoted string it may be written as the escape {escape})"
    ).format(escape=escape, code=f"U+{ord(character):04X}", at=at)
    return ConfigError([Problem(path="", message=message, file=name, line=line)])


def _syntax_hint(reason: str, line: int | None) -> str:
    """The usual causes of a YAML syntax error PyYAML words obscurely, with the fix ("" for other errors).

    "mapping values are not allowed here" points at a colon YAML did not
    expect: the line it names, or the line above (a key written ``start:2025``
    runs on into the next line), holds the mistake.
    """
    if "mapping values are not allowed" in reason:
        return _("; check line {line} and the line above it: a key needs a space after its colon (start: 2025, not "
                 "start:2025); a value holding a colon must be in quotes (name: \"Plan: 2025\"); indent with spaces, "
                 "not tabs; and a key must line up with the keys of its section").format(line=line or 1)
    if "'\\t'" in reason:
        return _("; YAML does not allow tabs for indentation: replace the tab on line {line} with spaces").format(
            line=line or 1)
    return ""


def parse_yaml(text: str, name: str) -> tuple[Any, LineTable]:
    """Parse YAML text; return the data and the line of every key path.

    Raises :class:`ConfigError` for a syntax error, a disallowed tag, a
    control character, data nested too deeply or aliases that expand too far,
    naming the line.
    """
    try:
        loader = _Loader(text, name)
    except yaml.reader.ReaderError as err:  # the whole text is checked for control characters first
        raise _reader_problem(err, text, name) from err
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        builder = _Builder(loader, name, node_budget(text))
        return builder.build(node, ()), builder.lines
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        reason = err.problem or str(err)
        message = _("YAML syntax error: {reason}").format(reason=reason) + _syntax_hint(reason, line)
        raise ConfigError([Problem(path="", message=message, file=name, line=line)]) from err
    except yaml.reader.ReaderError as err:
        raise _reader_problem(err, text, name) from err
    except yaml.YAMLError as err:
        raise ConfigError([Problem(path="", message=_("YAML error: {error}").format(error=err), file=name)]) from err
    except RecursionError as err:
        raise ConfigError([Problem(path="", message=_deep_message(), file=name)]) from err
    finally:
        loader.dispose()


def read_yaml(path: Path) -> tuple[Any, LineTable]:
    """Read a YAML file; a missing, unreadable, oversized or non-regular file is a :class:`ConfigError`."""
    try:
        data = read_input(path, MAX_CONFIG_BYTES, N_("config file"))
    except InputRefused as err:
        raise ConfigError([Problem(path="", message=err.message, file=str(path))]) from err
    from ..i18n.inputs import UndecodableInput, decode_input

    try:
        text, _encoding = decode_input(data, N_("config file"))
    except UndecodableInput as err:
        raise ConfigError([Problem(path="", message=err.message, file=str(path), line=err.line)]) from err
    return parse_yaml(text, str(path))
