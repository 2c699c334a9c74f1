"""Write result files whole or not at all.

Nothing visible is ever partial: each file is written under a staging name
in the target's folder and renamed into place when complete; the files of one
write go into place together, and a failure while they do puts the old ones
back. Staging entries are named after the writing process, so the next write
removes those a killed run left behind. Output paths are checked first, all of
them before any file is written (:func:`output_target`): a link is followed, a
character device is written through, a folder or other special file is
refused, never replaced, and so is a file the running command reads or a file
given twice. An error while writing names the file asked for, never a staging
name.

This module holds no result type and shows none, so data and analysis modules write their
tables with it as :mod:`optimiser.report` does (:func:`optimiser.report.files.result_files`
names the files of a solved plan).
"""

from __future__ import annotations

import contextlib
import csv
import errno
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import socket
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from .config.yamlsource import file_kind, overwrites_input, same_file
from .errors import OutputError
from .i18n import _
from .jsonrule import jsonable

Writer = Callable[[Path], None]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# What may come before a formula's first character and still leave it a
# formula in some spreadsheet program: spaces, control characters, quotes.
_LEADING = re.compile("^[\\s'\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]*")


def formula_like(text: str) -> bool:
    """``text`` could be read as a formula: it starts with ``= + - @`` after any spaces, control characters or quotes.

    >>> formula_like("=2+2"), formula_like("\\r=2+2"), formula_like(" @SUM(A1)"), formula_like("College")
    (True, True, True, False)
    """
    rest = text[_LEADING.match(text).end():]  # type: ignore[union-attr]
    return rest.startswith(("=", "+", "-", "@")) or (text != rest and text.startswith(FORMULA_START))


def neutralise(value: Any) -> Any:
    """Keep a name from being read as a formula by spreadsheet software: prefix ``'`` where it could be one.

    :func:`unguard` takes the prefix off again, so a file the tool writes reads back as the names it holds.
    """
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return value


def unguard(text: str) -> str:
    """A cell as written by :func:`neutralise`, back to the value it held."""
    if text.startswith("'") and formula_like(text[1:]):
        return text[1:]
    return text


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot start a spreadsheet formula."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    return out


def _csv_cell(text: str) -> str:
    if any(mark in text for mark in (",", '"', "\r", "\n")):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_text(frame: pd.DataFrame) -> str:
    """``frame.to_csv(index=False)``, but a cell holding a carriage return is quoted too.

    pandas writes with the csv module, which quotes a cell holding the
    separator, a quote or a character of its line ending (``\\n``) but not a
    bare ``\\r``; a name with one would end the row early for every reader.
    Values are formatted by pandas (all cells quoted), read back and written
    again with every cell holding ``,``, ``"``, CR or LF quoted.
    """
    formatted = frame.to_csv(index=False, quoting=csv.QUOTE_ALL, lineterminator="\n")
    lines = []
    for row in csv.reader(io.StringIO(formatted, newline="")):
        lines.append('""' if row == [""] else ",".join(_csv_cell(cell) for cell in row))
    return "".join(line + "\n" for line in lines)


CSV_ENCODINGS = ("utf-8-sig", "utf-8")
"""How CSV files are written: UTF-8 with a byte-order mark (the default: Excel then reads Chinese names
right when the file is opened by a double click), or plain UTF-8 for tools that do not want the mark."""

_csv_encoding = CSV_ENCODINGS[0]


def set_csv_encoding(encoding: str) -> str:
    """Write CSV files in ``encoding`` (one of :data:`CSV_ENCODINGS`; ``"utf-8-bom"`` means ``"utf-8-sig"``)
    from now on; return the encoding used before."""
    global _csv_encoding
    chosen = "utf-8-sig" if encoding.lower() in ("utf-8-bom", "utf-8-sig", "utf8-sig") else encoding.lower()
    if chosen == "utf8":
        chosen = "utf-8"
    if chosen not in CSV_ENCODINGS:
        raise ValueError(f"CSV encoding {encoding!r} is not offered; use one of: {', '.join(CSV_ENCODINGS)}")
    before, _csv_encoding = _csv_encoding, chosen
    return before


def write_csv(frame: pd.DataFrame, path: Path, encoding: str | None = None) -> None:
    """Write ``frame`` to ``path`` as CSV by :func:`csv_text`, in UTF-8 with a byte-order mark unless
    ``encoding`` (or :func:`set_csv_encoding`) says ``"utf-8"``."""
    with open(path, "w", encoding=encoding or _csv_encoding, newline="") as handle:
        handle.write(csv_text(frame))


STAGING_PREFIX = ".staging-"
"""Files and folders being written are named so; a later write removes those a killed run left."""

STALE_AFTER = 3600.0
"""Seconds after which a staging entry of another machine (or an older version) counts as abandoned."""

_STAGING_NAME = re.compile(r"^\.staging-(\d+)-([0-9a-f]{8})-")


def _host_tag() -> str:
    return hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]


def _staging_prefix() -> str:
    """``.staging-<pid>-<host>-``: whose staging entry it is, so a later run can tell when it is abandoned."""
    return f"{STAGING_PREFIX}{os.getpid()}-{_host_tag()}-"


def _pid_alive(pid: int) -> bool:
    if os.name != "posix":
        return True  # cannot tell without side effects; the age rule applies
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, under another user
    return True


def _abandoned(entry: os.DirEntry[str], now: float) -> bool:
    match = _STAGING_NAME.match(entry.name)
    if match and match[2] == _host_tag():
        pid = int(match[1])
        if pid == os.getpid() or _pid_alive(pid):
            return False
        return True
    try:
        age = now - entry.stat(follow_symlinks=False).st_mtime
    except OSError:
        return False
    return age > STALE_AFTER


def clean_stale_staging(directory: Path) -> list[Path]:
    """Remove the staging files and folders in ``directory`` that no running write owns.

    A write that is killed (``kill -9``, a power cut) cannot clean up after
    itself; its staging entry is removed by the next write into the same
    folder: at once if the process that made it (on this machine) is gone,
    else once it is older than :data:`STALE_AFTER` seconds and was made by
    another machine. Entries of running processes are never touched.
    """
    removed: list[Path] = []
    now = time.time()
    try:
        entries = [e for e in os.scandir(directory) if e.name.startswith(STAGING_PREFIX)]
    except OSError:
        return removed
    for entry in entries:
        if not _abandoned(entry, now):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed


def refusal(message: str, path: Path, code: int | None = None, option: str | None = None) -> OutputError:
    """An :class:`OutputError` that says which path it refuses (``path``), where one fits its ``errno``, and
    the command-line ``option`` the path was given to when known.

    The command line uses them to name the option the path was given to;
    ``str()`` of the error stays ``message``.
    """
    err = OutputError(message)
    err.path = path  # type: ignore[attr-defined]
    if code is not None:
        err.errno = code
    if option is not None:
        err.option = option  # type: ignore[attr-defined]
    return err


def output_target(path: Path) -> tuple[Path, bool]:
    """Where writing ``path`` goes, and whether it is written through rather than replaced.

    - a regular file, or nothing yet: replaced atomically (returns the path, ``False``);
    - a symbolic link: the file it points to is written, the link is kept
      (returns the resolved path);
    - a character device or a pipe (``/dev/null``, ``/dev/stdout``): written
      through, the device node itself is never replaced (returns ``True``);
    - anything else (a folder, a block device, a socket), a file the running
      command reads (:func:`~optimiser.config.yamlsource.inputs_kept`), or a
      link to a file in a folder that does not exist: refused with an
      :class:`~optimiser.errors.OutputError`.
    """
    if open_descriptor(path) is not None:
        return Path(path), True  # the command's own stdout or stderr, wherever it goes
    target = Path(os.path.realpath(path))
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        if os.path.islink(path) and not target.parent.is_dir():
            raise refusal(_("{path} is a link to {target}, whose folder {folder} does not exist; create that folder, "
                             "remove the link, or choose another path").format(
                path=path, target=target, folder=target.parent), path) from None
        return target, False
    if stat.S_ISREG(mode):
        clash = overwrites_input(path)
        if clash is not None:
            raise refusal(clash, path)
        return target, False
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return target, True
    shown = _("{path} (which points to {target})").format(path=path, target=target) \
        if target != Path(os.path.abspath(path)) else str(path)
    raise refusal(_("{path} is {kind}, not a regular file; it is never replaced. Give the path of a file to "
                     "write").format(path=shown, kind=file_kind(mode)),
                   path, errno.EISDIR if stat.S_ISDIR(mode) else None)


def _targets(paths: Sequence[Path]) -> list[tuple[Path, bool]]:
    """:func:`output_target` of each of ``paths``, every one checked before any is written; two that are one
    file (a device written through excepted) are refused, as the second would replace the first."""
    found = [output_target(path) for path in paths]
    for index, (target, through) in enumerate(found):
        for earlier, (other, other_through) in enumerate(found[:index]):
            if not (through or other_through) and same_file(target, other):
                raise refusal(_("{path} and {other} are the same file, and each output needs a file of its own; "
                                 "choose another path for one of them").format(path=paths[index], other=paths[earlier]),
                               paths[index])
    return found


def _about(err: OSError, shown: Path) -> OSError:
    """``err`` said of ``shown``, the file the caller asked for, when it names no file or a staging one.

    A write that fails (a full disk) names no file, and one that fails in a staging folder names a path the
    user never gave; the command line says which output failed and why from the file an error names.
    """
    if isinstance(err, OutputError) or (err.filename is not None and STAGING_PREFIX not in os.fsdecode(err.filename)):
        return err
    return OSError(err.errno, err.strerror or str(err), os.fspath(shown))


def _stage(writer: Writer, staged: Path, shown: Path) -> None:
    """Write the file meant for ``shown`` to its staging name ``staged``."""
    try:
        writer(staged)
    except OSError as err:
        raise _about(err, shown) from err


_DESCRIPTOR = re.compile(r"/(?:dev/fd|proc/self/fd)/(\d+)")


def open_descriptor(path: Path | str) -> int | None:
    """The descriptor ``path`` names (``/dev/stdout`` 1, ``/dev/stderr`` 2, ``/dev/fd/N`` and
    ``/proc/self/fd/N`` N) when it is open in this process; else None.

    Such a path is written through that descriptor: opened again by name it would start at the
    beginning of a file the shell redirected it to (``>> log.txt``), and replaced it would be gone.
    """
    text = os.path.normpath(str(path))
    match = _DESCRIPTOR.fullmatch(text)
    number = {"/dev/stdout": 1, "/dev/stderr": 2}.get(text, int(match[1]) if match else None)
    if number is None:
        return None
    try:
        os.fstat(number)
    except OSError:
        return None
    return number


def _write_through(staged: Path, device: Path) -> None:
    """Copy a finished file to a character device or pipe, opened without creating or truncating anything;
    to an open descriptor of this process (:func:`open_descriptor`) through that descriptor."""
    number = open_descriptor(device)
    if number is not None:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        with open(staged, "rb") as source, os.fdopen(number, "wb", closefd=False) as sink:
            shutil.copyfileobj(source, sink)
        return
    handle = os.open(device, os.O_WRONLY)
    try:
        mode = os.fstat(handle).st_mode
        if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
            raise refusal(_("{path} changed while it was being written; write again").format(path=device), device)
        with open(staged, "rb") as source, os.fdopen(handle, "wb", closefd=False) as sink:
            shutil.copyfileobj(source, sink)
    finally:
        os.close(handle)


def _install(staged: Path, target: Path) -> None:
    """Move a finished regular file into place in one step (a copy first if it is on another file system)."""
    try:
        os.replace(staged, target)
        return
    except OSError as err:
        if err.errno != errno.EXDEV:
            raise
    handle, temp = tempfile.mkstemp(prefix=_staging_prefix(), suffix=target.suffix, dir=target.parent)
    os.close(handle)
    try:
        shutil.copyfile(staged, temp)
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _set_aside(target: Path) -> Path | None:
    """A second name beside ``target`` for the file there (a hard link, or a copy where the file system has
    none), so it can be put back; None when there is no file yet."""
    if not os.path.isfile(target):
        return None
    aside = target.parent / f"{_staging_prefix()}{secrets.token_hex(4)}-{target.name}"
    try:
        os.link(target, aside)
    except OSError:
        try:
            shutil.copy2(target, aside)
        except BaseException:
            with contextlib.suppress(OSError):
                aside.unlink(missing_ok=True)  # a partial copy (a full disk): nothing to keep
            raise
    return aside


def _put_back(replaced: list[tuple[Path, Path | None]]) -> None:
    """Undo the moves into place so far: each old file back under its name, each new one removed."""
    for target, old in reversed(replaced):
        with contextlib.suppress(OSError):
            if old is None:
                target.unlink(missing_ok=True)
            else:
                os.replace(old, target)
                old.unlink(missing_ok=True)  # still there when the file was not replaced: a rename onto a hard
                # link of the same file does nothing


def _install_all(staged: Sequence[tuple[Path, Path, bool, Path]]) -> None:
    """Put finished files in place: ``(staged file, target, written through, path asked for)`` each.

    The regular files are moved first, each file they replace kept aside until all are in; then devices
    and pipes are written through. A failure or an interruption part-way puts every replaced file back and
    removes every new one, so the targets hold all the old files or all the new ones (what went to a
    device cannot be taken back, so devices come last).
    """
    replaced: list[tuple[Path, Path | None]] = []
    try:
        for source, target, through, shown in staged:
            if through:
                continue
            try:
                replaced.append((target, _set_aside(target)))
                _install(source, target)
            except OSError as err:
                raise _about(err, shown) from err
        for source, target, through, shown in staged:
            if through:
                try:
                    _write_through(source, target)
                except OSError as err:
                    raise _about(err, shown) from err
    except BaseException:
        _put_back(replaced)
        raise
    for _target, old in replaced:
        if old is not None:
            with contextlib.suppress(OSError):
                old.unlink()


def output_folder(directory: Path | str) -> tuple[Path, list[Path]]:
    """``directory``, made if missing, as a folder for output files; refused when it is a file or a device.

    Also the folders it made, deepest first: :func:`remove_made` takes them away again when nothing could be
    written into them.
    """
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        mode = directory.stat().st_mode
        kind = _("a file") if stat.S_ISREG(mode) else _("a device") if stat.S_ISCHR(mode) else file_kind(mode)
        raise refusal(_("{path} is {kind}, not a folder; give the path of a folder for the output files").format(
            path=directory, kind=kind), directory, errno.EEXIST)
    made = []
    missing = directory
    while not missing.exists() and not missing.is_symlink() and missing != missing.parent:
        made.append(missing)
        missing = missing.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        remove_made(made)
        raise _about(err, directory) from err
    return directory, made


def remove_made(folders: Sequence[Path]) -> None:
    """Remove the folders :func:`output_folder` made (deepest first) that are still empty."""
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()


def write_all(directory: Path, files: dict[str, Writer]) -> list[Path]:
    """Write every file into ``directory``, all or none.

    Every target is checked first (see :func:`output_target` for links,
    devices and inputs among them); then all files are written into a staging
    folder next to the target, so a failure part-way leaves no half-written
    file and no earlier result overwritten by a partial one; then they are
    moved into place together (:func:`_install_all`): a failure while they
    are moved puts the earlier files back, so the folder never mixes two
    runs. Staging folders that killed runs left behind are removed first.
    """
    directory, made = output_folder(directory)
    try:
        shown = [directory / name for name in files]
        targets = _targets(shown)
        clean_stale_staging(directory)
        try:
            staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(), dir=directory))
        except OSError as err:
            raise _about(err, directory) from err
        try:
            for (name, writer), path in zip(files.items(), shown):
                _stage(writer, staging / name, path)
            _install_all([(staging / name, target, through, path)
                          for name, (target, through), path in zip(files, targets, shown)])
            return shown
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        remove_made(made)  # a folder made for this run holds nothing of it
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_each(files: Sequence[tuple[Path, Writer]]) -> list[Path]:
    """Write files to paths of their own (not one folder: :func:`write_all`), each atomically, and none
    unless every one can be: every target is checked first (:func:`output_target`; two that are one file
    are refused), each file is written to a temporary name beside its target, and only when all are
    finished are they moved into place together (:func:`_install_all`; a device is written through last).
    A failure part-way leaves every target as it was."""
    shown = [Path(path) for path, _writer in files]
    targets = _targets(shown)
    private: Path | None = None  # where files for devices are staged
    staged: list[Path] = []
    try:
        for (_path, writer), (target, through), path in zip(files, targets, shown):
            try:
                if through:
                    private = private or Path(tempfile.mkdtemp(prefix=_staging_prefix()))
                    temp = private / f"{len(staged)}{target.suffix}"
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    clean_stale_staging(target.parent)
                    handle, name = tempfile.mkstemp(prefix=_staging_prefix(), suffix=target.suffix, dir=target.parent)
                    os.close(handle)
                    temp = Path(name)
            except OSError as err:
                raise _about(err, path) from err
            staged.append(temp)
            _stage(writer, temp, path)
            if not through:
                os.chmod(temp, 0o666 & ~_umask())
        _install_all([(temp, target, through, path) for temp, (target, through), path in zip(staged, targets, shown)])
    finally:
        for temp in staged:
            temp.unlink(missing_ok=True)
        if private is not None:
            shutil.rmtree(private, ignore_errors=True)
    return shown


def write_atomic(path: Path, writer: Writer) -> Path:
    """Write one file atomically (to a temporary name, then renamed): :func:`write_each` of one file.

    The file gets the permissions a plainly created file would (the
    temporary file starts private, readable by its owner only). A symbolic
    link is followed (the file it points to is replaced, the link kept); a
    character device such as ``/dev/null`` is written through, never
    replaced; a folder or other special file, or a file the running command
    reads, is refused (see :func:`output_target`).
    """
    return write_each([(path, writer)])[0]


def csv_writer(frame: pd.DataFrame) -> Writer:
    return lambda path: write_csv(safe_frame(frame), path)


def json_writer(data: Any) -> Writer:
    def write(path: Path) -> None:
        path.write_text(json.dumps(jsonable(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8")

    return write


def workbook_writer(book: Any) -> Writer:
    """Save an openpyxl workbook: into memory first, then to the file in one write.

    openpyxl leaves its zip archive open when a write fails (a full disk), and
    closing it later fails again with a traceback printed from a destructor;
    in memory nothing can fail that way, and a failure writing the bytes is
    an ordinary error naming the file.
    """
    def write(path: Path) -> None:
        buffer = io.BytesIO()
        book.save(buffer)
        path.write_bytes(buffer.getvalue())

    return write


def yaml_writer(data: Any) -> Writer:
    def write(path: Path) -> None:
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")

    return write
