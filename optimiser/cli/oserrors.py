"""Say in words what an ``OSError`` met while writing output means and what to do.

The commands read their inputs through the config and plan loaders, which
turn a file that cannot be read into a ``ConfigError`` or ``PlanError``; an
``OSError`` reaching the command line is therefore one from writing
``--out``, ``--xlsx`` or ``--html``. The message names the option, the path
the user gave, the path actually in the way when it is another one, and what
to do.
"""

from __future__ import annotations

import argparse
import errno
import os
from pathlib import Path

from ..errors import OutputError

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
    outputs = outputs_of(args)
    raw = err.filename2 if err.errno == errno.EISDIR and err.filename2 else err.filename
    refused = isinstance(err, OutputError)
    if refused and raw is None:
        raw = getattr(err, "path", None)
    path = Path(os.fsdecode(raw)) if raw is not None else None
    found = _option_for(path, outputs)
    if found is not None:
        option, given = found
    elif path is not None:
        option, given = "the output", path
    else:
        # No path and no output option: not a file the command was writing (a
        # worker process or a socket, say), so do not claim it was the output.
        return f"system error: {err.strerror or err}; run again with --debug to see where it happened"
    failed = path or given

    def name(place: Path) -> str:
        return "this path" if place == given else str(place)

    head = f"could not write output: {option} {given}"
    code = err.errno
    if code == errno.EEXIST and given.exists() and not given.is_dir():
        return (f"{head}: this path exists and is a file, but {option} takes a folder to write the result "
                "files into; choose another path or remove the file")
    if code == errno.EISDIR:
        return (f"{head}: {name(failed)} is a folder, but {option} takes a file name here; "
                "give a file path (inside that folder if you like), or choose another path")
    if code in (errno.ENOTDIR, errno.EEXIST):
        blocker = _file_in_the_way(failed) or _file_in_the_way(given)
        if blocker is not None:
            return (f"{head}: {name(blocker)} is a file, so no folder can be made there; "
                    "choose another path or move the file away")
    if code in (errno.EACCES, errno.EPERM):
        return (f"{head}: permission denied on {name(_existing_ancestor(failed))}; choose a folder you can "
                "write to, or ask for write permission there")
    if code == errno.EROFS:
        return (f"{head}: {name(_existing_ancestor(failed))} is on a read-only file system; "
                "choose a folder on a writable disk")
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return (f"{head}: no space left on the disk holding {name(_existing_ancestor(failed))} (or the quota "
                "there is used up); free some space or choose another disk")
    if code == errno.ENAMETOOLONG:
        return f"{head}: the path or one of its names is too long; choose a shorter path"
    if refused:
        # Refused on purpose by the writer (a block device, a socket): its message says what and why.
        return f"{head}: {err}"
    if code == errno.ENOENT:
        return (f"{head}: {name(failed)} cannot be created in {_existing_ancestor(failed)} ({err.strerror}); "
                "choose a path in a folder that can hold new files")
    return f"{head}: {err.strerror or err}; choose another path"
