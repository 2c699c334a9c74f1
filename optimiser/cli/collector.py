"""Python's cycle collector while the command line starts and ends.

Loading numpy, pandas, PuLP and HiGHS makes hundreds of thousands of objects
that live as long as the process, and almost no garbage cycles. The
collector's passes over them while they load, and its last full pass when
the process ends, free nothing and cost a large share of a short command's
time. So the command line pauses the collector while it starts
(:func:`paused`); a command resumes it once its libraries are loaded
(:func:`resume`), which sets what start-up made aside (:func:`gc.freeze`), so
the work after is collected as usual and a long analysis holds no more
memory than before. The program (``optimiser``, ``python -m optimiser``)
leaves it set aside when it exits: the last pass goes over the command's own
objects (whose finalizers run as before), not the libraries'.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

_state = {"paused": False}


@contextlib.contextmanager
def paused(program: bool = False) -> Iterator[None]:
    """The collector off until :func:`resume` (or the block ends); on afterwards if it was on before.

    What :func:`resume` set aside is put back in the collector's sight at the
    end, for whatever runs after in this process; unless this is the
    ``program``, which is about to exit: its last collection then passes over
    the objects the command made, not the libraries' too.
    """
    if not gc.isenabled():  # someone else's choice: left alone
        yield
        return
    gc.disable()
    _state["paused"] = True
    try:
        yield
    finally:
        if _state["paused"]:
            _state["paused"] = False
            gc.enable()
        elif not program:
            gc.unfreeze()


def resume() -> None:
    """The libraries are loaded: set what start-up made aside and collect as usual from here on."""
    if _state["paused"]:
        _state["paused"] = False
        gc.freeze()
        gc.enable()
