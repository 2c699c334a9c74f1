"""Silence what solver libraries print on the process's own stdout."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

STDOUT_FD = 1


@contextlib.contextmanager
def quiet_stdout() -> Iterator[None]:
    """Send file descriptor 1 to /dev/null while the block runs.

    HiGHS prints its banner from C++ when a solver object is created, below
    Python's ``sys.stdout``: ``--json`` promises nothing but JSON on stdout,
    and a notebook kernel forwards descriptor 1 into cell output. The
    descriptor itself is redirected, whatever ``sys.stdout`` is.
    """
    try:
        saved = os.dup(STDOUT_FD)
    except OSError:  # no descriptor 1 at all: nothing can be printed there
        yield
        return
    with contextlib.suppress(Exception):
        sys.stdout.flush()
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), STDOUT_FD)
            yield
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
        os.dup2(saved, STDOUT_FD)
        os.close(saved)
