"""Say in words what an ``OSError`` met while writing output means and what to do, and refuse output paths
that cannot be right before a command runs.

The commands read their inputs through the config and plan loaders, which
turn a file that cannot be read into a ``ConfigError`` or ``PlanError``; an
``OSError`` reaching the command line is therefore one from writing
``--out``, ``--xlsx`` or ``--html``. The message names the option, the path
the user gave, the path actually in the way when it is another one, and what
to do, in the current language.

While a command runs (:func:`outputs_checked`), the files it reads are kept
(:func:`optimiser.config.yamlsource.inputs_kept`): no file it writes may replace
one. Before it starts, an output file that is one of its inputs, one path given
to two output options, and a file name ending in another format's suffix are
refused (:func:`refuse_outputs`), each an :class:`~optimiser.errors.OutputError`.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import OutputError
from ..i18n import N_, _
from .args import OutputFile

# The options that name a place to write, as (attribute, option).
OUTPUT_OPTIONS = (("out", "--out"), ("xlsx", "--xlsx"), ("html", "--html"))


def outputs_of(args: argparse.Namespace | None) -> dict[str, Path]:
    """The output options given on the command line, option -> path."""
    if args is None:
        return {}
    given = {}
    for attribute, option in OUTPUT_OPTIONS:
        value = getattr(args, attribute, None)
        if value is not None:
            given[option] = Path(value)
    return given


INPUT_ARGUMENTS = (("config", N_("config file"), "CONFIG"), ("configs", N_("config file"), "CONFIG"),
                   ("plan", N_("plan file"), "--plan"))
"""The arguments that name files a command reads, as (attribute, what the file is, argument or option)."""


def inputs_of(args: argparse.Namespace | None) -> list[tuple[Path, str, str | None]]:
    """The files the command line names for the command to read: (path, what it is, argument or option)."""
    found: list[tuple[Path, str, str | None]] = []
    for attribute, what, name in INPUT_ARGUMENTS:
        value = getattr(args, attribute, None)
        for path in value if isinstance(value, list) else [] if value is None else [value]:
            found.append((Path(path), what, name))
    return found


@contextlib.contextmanager
def outputs_checked(args: argparse.Namespace, types: dict[str, Any]) -> Iterator[None]:
    """Run the command with its inputs kept from its outputs, once :func:`refuse_outputs` passed its output
    paths (``types``: option -> the type it was parsed with). A command given no output writes nothing to check."""
    outputs = outputs_of(args)
    if not outputs:
        yield
        return
    from ..config.yamlsource import inputs_kept

    with inputs_kept(inputs_of(args)):
        refuse_outputs(outputs, types)
        yield


def _device(path: Path) -> bool:
    """``path`` is a character device or a pipe (written through; two outputs may share ``/dev/null``)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def refuse_outputs(outputs: dict[str, Path], types: dict[str, Any]) -> None:
    """Refuse, before anything is computed or written, an output file that is one of the command's inputs,
    a path given to two output options, and a file whose name ends in another format's suffix (``--out
    sweep.xlsx`` where a CSV file is written). Runs inside :func:`~optimiser.config.yamlsource.inputs_kept`."""
    from ..config.yamlsource import overwrites_input, same_file
    from ..files import refusal

    for option, path in outputs.items():
        clash = overwrites_input(path) if isinstance(types.get(option), OutputFile) else None
        if clash is not None:
            raise refusal(clash, path, option=option)
    given = list(outputs.items())
    for index, (option, path) in enumerate(given):
        for other, earlier in given[:index]:
            if same_file(path, earlier) and not _device(path):
                raise refusal(_("this path is also given to {other}, and each output needs a path of its own: "
                                "choose another path for one of them").format(other=other), path, option=option)
    for option, path in outputs.items():
        kind = types.get(option)
        if not isinstance(kind, OutputFile):
            continue  # a folder
        suffix = kind.wrong_suffix(path)
        if suffix is not None:
            raise refusal(_("the name ends in {suffix}, but {option} writes {format}; give a path ending in "
                            "{wanted}").format(suffix=suffix, option=option, format=_(kind.what),
                                               wanted=kind.suffixes[0]), path, option=option)


def _related(path: Path, target: Path) -> bool:
    """``path`` is ``target``, inside it, one of its folders, or a temporary file written beside it."""
    if path == target or target in path.parents or path in target.parents:
        return True
    return path.parent == target.parent and path.name.startswith(f".{target.name}.")


def _option_for(path: Path | None, outputs: dict[str, Path]) -> tuple[str, Path] | None:
    """The output option ``path`` belongs to; the only one given if none matches (a file written beside it)."""
    if path is None:
        return None
    absolute = Path(os.path.abspath(path))
    for option, target in outputs.items():
        if _related(absolute, Path(os.path.abspath(target))):
            return option, target
    if len(outputs) == 1:
        return next(iter(outputs.items()))
    return None


def _existing_ancestor(path: Path) -> Path:
    """The nearest of ``path`` and its folders that exists (the one whose permissions or disk decide)."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return path


def _file_in_the_way(path: Path) -> Path | None:
    """The nearest of ``path``'s folders that exists but is a file (so nothing can be created under it)."""
    for candidate in path.parents:
        if candidate.exists():
            return None if candidate.is_dir() else candidate
    return None


def explain_os_error(err: OSError, args: argparse.Namespace | None = None) -> str:
    """One line for the user: what could not be written, why, and what to do."""
    path = _failed_path(err)
    outputs = outputs_of(args)
    chosen = getattr(err, "option", None)
    found = (chosen, outputs[chosen]) if chosen in outputs else _option_for(path, outputs)
    if found is not None:
        option, given = found
    elif path is not None:
        option, given = _("the output"), path
    else:
        # No path and no output option: not a file the command was writing (a
        # worker process or a socket, say), so do not claim it was the output.
        return _("system error: {error}; run again with --debug to see where it happened").format(
            error=err.strerror or err)
    return _("could not write output: {option} {path}: {reason}").format(
        option=option, path=given, reason=_reason(err, option, given, path or given))


def _failed_path(err: OSError) -> Path | None:
    """The path the error is about (for a folder where a file was meant, the second one named)."""
    raw = err.filename2 if err.errno == errno.EISDIR and err.filename2 else err.filename
    if isinstance(err, OutputError) and raw is None:
        raw = getattr(err, "path", None)
    if raw is None:
        return None
    path = Path(os.fsdecode(raw))
    if isinstance(err, OutputError):  # refused before writing: the path the user gave
        return path
    from ..files import STAGING_PREFIX  # loaded already: the error comes from writing a file

    # A file in a staging folder (.staging-...) is the file of the same name in the folder above.
    parts = [part for part in path.parts if not part.startswith(STAGING_PREFIX)]
    return Path(*parts) if len(parts) < len(path.parts) and parts else path


def _name(place: Path, given: Path) -> str:
    return _("this path") if place == given else str(place)


_DENIED = N_("permission denied on {place}; choose a folder you can write to, or ask for write permission there")
_NO_SPACE = N_("no space left on the disk holding {place} (or the quota there is used up); "
               "free some space or choose another disk")
_NO_SPACE_FOR = N_("no space left on the disk holding {place} (or the quota there is used up) while writing {file}; "
                   "free some space or choose another disk")
_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
_ANCESTOR_REASONS = {
    errno.EACCES: _DENIED,
    errno.EPERM: _DENIED,
    errno.EROFS: N_("{place} is on a read-only file system; choose a folder on a writable disk"),
    errno.ENOSPC: _NO_SPACE,
    getattr(errno, "EDQUOT", errno.ENOSPC): _NO_SPACE,
}
"""Errors decided by the nearest existing folder of the path (its permissions, its disk), which ``{place}`` names."""


def _reason(err: OSError, option: str, given: Path, failed: Path) -> str:
    """Why ``failed`` (``given`` for ``option``, or a path under it) could not be written, and what to do."""
    code = err.errno
    shape = _shape_reason(code, option, given, failed)
    if shape is not None:
        return shape
    if code in _FULL and failed != given:
        return _(_NO_SPACE_FOR).format(place=_name(_existing_ancestor(failed.parent), given), file=failed)
    if code in _ANCESTOR_REASONS:
        return _(_ANCESTOR_REASONS[code]).format(place=_name(_existing_ancestor(failed), given))
    if code == errno.ENAMETOOLONG:
        return _("the path or one of its names is too long; choose a shorter path")
    if isinstance(err, OutputError):
        # Refused on purpose by the writer (a block device, a socket): its message says what and why.
        return str(err)
    if code == errno.ENOENT:
        return _("{path} cannot be created in {folder} ({error}); choose a path in a folder that can hold new files").format(
            path=_name(failed, given), folder=_existing_ancestor(failed), error=err.strerror)
    if failed != given:  # a file written into the folder given, or beside the file given
        return _("{error} while writing {file}; choose another path").format(error=err.strerror or err, file=failed)
    return _("{error}; choose another path").format(error=err.strerror or err)


def _shape_reason(code: int | None, option: str, given: Path, failed: Path) -> str | None:
    """A file where a folder is needed or the other way round, when that is the cause; else None."""
    if code == errno.EEXIST and given.exists() and not given.is_dir():
        return _("this path exists and is a file, but {option} takes a folder to write the result files into; "
                 "choose another path or remove the file").format(option=option)
    if code == errno.EISDIR:
        return _("{path} is a folder, but {option} takes a file name here; give a file path (inside that folder "
                 "if you like), or choose another path").format(path=_name(failed, given), option=option)
    if code in (errno.ENOTDIR, errno.EEXIST):
        blocker = _file_in_the_way(failed) or _file_in_the_way(given)
        if blocker is not None:
            return _("{path} is a file, so no folder can be made there; choose another path or move the file "
                     "away").format(path=_name(blocker, given))
    return None
