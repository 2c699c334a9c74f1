"""Silence what solver libraries print on the process's own stdout."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def quiet_stdout() -> Iterator[None]:
    """Send file descriptor 1 to /dev/null while the block runs.

    HiGHS prints its banner from C++ when a solver object is created, below
    Python's ``sys.stdout``; ``--json`` promises nothing but JSON on stdout.
    """
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, ValueError, OSError):
        # stdout is not a real file (a notebook, a captured stream): C-level
        # output cannot reach it anyway.
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), fd)
            yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, fd)
        os.close(saved)
