"""Output to a reader that has gone away (``optimiser solve ... | head -2``).

When the reader of a pipe exits early, writing to the pipe raises
``BrokenPipeError``. A command line tool should then stop writing quietly:
no error message and no traceback. The command's own outcome still decides
the exit code, so ``solve`` of an infeasible model still exits 3, and an
optimum 0, whoever reads (or stops reading) its output.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any, TextIO, cast

from ..report.inert import inert_lines


class ReaderGoneGuard:
    """Stands in for ``sys.stdout`` or ``sys.stderr``; once the reader has gone, drops further output."""

    def __init__(self, stream: TextIO, redraws: bool = False) -> None:
        self.stream = stream
        self.reader_gone = False
        self.redraws = redraws

    def write(self, text: str) -> int:
        if not self.reader_gone:
            if self.redraws and text.startswith("\r"):
                shown = "\r" + inert_lines(text[1:])
            else:
                shown = inert_lines(text)
            try:
                self._write(shown)
                return len(text)
            except BrokenPipeError:
                self._drop_further_output()
        return len(text)

    def _write(self, text: str) -> None:
        """Write ``text``; a character the console's encoding lacks (a GBK console and an emoji in a name)
        is written as ``?`` rather than stopping the command."""
        try:
            self.stream.write(text)
        except UnicodeEncodeError:
            encoding = getattr(self.stream, "encoding", None) or "ascii"
            self.stream.write(text.encode(encoding, errors="replace").decode(encoding))

    def flush(self) -> None:
        if not self.reader_gone:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self._drop_further_output()

    def _drop_further_output(self) -> None:
        # The stream may still hold what it could not write; point its file
        # descriptor at the null device so the interpreter's last flush at
        # exit succeeds instead of printing "Exception ignored ...".
        self.reader_gone = True
        with contextlib.suppress(OSError, ValueError, AttributeError):
            null = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(null, self.stream.fileno())
            finally:
                os.close(null)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


@contextlib.contextmanager
def reader_gone_guard() -> Iterator[tuple[ReaderGoneGuard, ReaderGoneGuard]]:
    """Guard ``sys.stdout`` and ``sys.stderr`` for the duration; flush both before leaving."""
    stdout, stderr = sys.stdout, sys.stderr
    guards = ReaderGoneGuard(stdout), ReaderGoneGuard(stderr, redraws=True)
    sys.stdout, sys.stderr = cast(TextIO, guards[0]), cast(TextIO, guards[1])
    try:
        yield guards
    finally:
        for guard in guards:
            guard.flush()
        sys.stdout, sys.stderr = stdout, stderr
