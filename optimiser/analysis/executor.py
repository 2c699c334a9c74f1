"""Run one function over many points, in this process, in local processes or on a Dask cluster.

Every analysis that solves many variants of one config (sweeps, Monte Carlo
draws) goes through :func:`run_points`. It returns the results in the order of
the items whatever runs them, so an analysis gives the same table with
``jobs=1``, ``jobs=4`` or a cluster.

Points are sent in batches (chunks): each worker process handles a run of
consecutive items, so a per-process cache kept by ``fn`` (a built model, say)
is reused across the batch instead of being rebuilt for every point.
"""

from __future__ import annotations

import ast
import math
import multiprocessing
import os
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from ..errors import SolverError

T = TypeVar("T")
R = TypeVar("R")

#: Batches per worker: a few, so a slow batch does not leave the others idle
#: while each batch is still long enough to reuse a worker's cache.
CHUNKS_PER_WORKER = 4

#: Seconds before a progress bar appears: quick runs print nothing.
PROGRESS_DELAY = 0.5

#: Modules the process server imports once, so each worker starts without re-importing them.
PRELOAD = ("optimiser.analysis.sweep",)

#: Seconds to start a pool when its server process is not running yet (import of the package in it),
#: and when it is; measured on a 2-core machine (2.5 s and 0.2 s) and rounded up.
POOL_START_COLD = 3.0
POOL_START_WARM = 0.5

#: Items timed in this process before deciding whether worker processes pay for themselves.
PROBE_ITEMS = 2

DASK_HINT = "install the optional Dask support with: pip install optimiser[dask]"


def run_points(
    fn: Callable[[T], R],
    items: Sequence[T],
    *,
    jobs: int | None = None,
    executor: Any = None,
    progress: bool = False,
    desc: str = "",
) -> list[R]:
    """Apply ``fn`` to every item and return the results in the order of ``items``.

    Parameters
    ----------
    fn
        The work for one item. With ``jobs > 1`` or an ``executor`` it runs in
        another process, so it must be a module-level function (picklable) and
        its items and results must pickle too.
    items
        The points, e.g. dicts of config changes.
    jobs
        ``None`` or ``1`` runs in this process (no pool). ``n > 1`` starts a
        :class:`~concurrent.futures.ProcessPoolExecutor` of ``n`` processes,
        forked from a clean server process that has the package imported
        (``forkserver``; ``spawn`` where that is not available), but only when
        that is expected to be quicker: the first items run here, timed, and
        small work stays in this process (see :func:`_adaptive`). Called at
        the top level of a script without ``if __name__ == "__main__":``
        (workers would run the script again) it runs in this process with a
        warning that says what to add. Ignored when ``executor`` is given.
    executor
        A :class:`concurrent.futures.Executor` (anything with ``submit``) or a
        ``dask.distributed.Client`` (anything with ``map`` and ``gather``); the
        items are spread over it in batches. The caller owns it: it is not shut down.
    progress
        Show a tqdm progress bar on stderr (from :data:`PROGRESS_DELAY`
        seconds on, so quick runs stay silent).
    desc
        Label of the progress bar.

    Returns
    -------
    list
        ``[fn(item) for item in items]``, computed wherever the work ran.

    Raises
    ------
    ValueError
        If ``jobs`` is not a positive integer.

    Examples
    --------
    >>> from optimiser.analysis.executor import run_points
    >>> run_points(abs, [-2, 3, -5])
    [2, 3, 5]
    """
    items = list(items)
    if jobs is not None and (not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1):
        raise ValueError(f"jobs must be a positive whole number of processes, got {jobs!r}")
    bar = _progress_bar(len(items), progress, desc)
    try:
        if not items:
            return []
        if executor is not None:
            return _run_on(executor, fn, items, bar)
        if jobs is None or jobs == 1 or len(items) == 1:
            results = []
            for item in items:
                results.append(fn(item))
                bar.update(1)
            return results
        workers = min(jobs, len(items))
        script = _unguarded_script()
        if script is not None:
            warnings.warn(
                f"jobs={jobs} was asked for at the top level of {script} without `if __name__ == \"__main__\":`; "
                "each worker process would run the script again, so this runs in one process. Put the call under "
                "`if __name__ == \"__main__\":` to use several processes.",
                RuntimeWarning, stacklevel=2,
            )
            return _in_process(fn, items, bar)
        return _adaptive(fn, items, bar, workers)
    finally:
        bar.close()


def _in_process(fn: Callable[[T], R], items: Sequence[T], bar: Any) -> list[R]:
    results = []
    for item in items:
        results.append(fn(item))
        bar.update(1)
    return results


def _adaptive(fn: Callable[[T], R], items: list[T], bar: Any, workers: int) -> list[R]:
    """Run the first items here, timed; start workers for the rest only if that is expected to be quicker.

    Serial time for the rest is ``r · t`` (``t`` the time of an item after the
    first, ``r`` the items left); with ``w`` workers it is the pool's start
    (:data:`POOL_START_COLD` or :data:`POOL_START_WARM`) plus each worker's
    own first item (its caches warm, ``t0 - t``) plus ``r · t / w``. Workers
    start only when that is below 80% of the serial time, so ``jobs > 1`` is
    not slower than ``jobs=1`` on small work. Results are the same either way.
    """
    results: list[R] = []
    times: list[float] = []
    position = 0
    while position < len(items) and position < PROBE_ITEMS:
        started = time.perf_counter()
        results.append(fn(items[position]))
        times.append(time.perf_counter() - started)
        bar.update(1)
        position += 1
    rest = items[position:]
    if not rest:
        return results
    steady = times[-1] if len(times) > 1 else times[0]
    warm_up = max(times[0] - steady, 0.0)
    serial = len(rest) * steady
    parallel = _pool_start() + warm_up + serial / workers
    if parallel >= 0.8 * serial:
        return results + _in_process(fn, rest, bar)
    context = _process_context()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return results + _run_on(pool, fn, rest, bar, workers=workers, per_worker=2)


def _pool_start() -> float:
    """Expected seconds to start worker processes: less when the forkserver already runs."""
    try:
        from multiprocessing import forkserver

        running = getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None) is not None
    except ImportError:  # pragma: no cover - platforms without forkserver
        running = False
    return POOL_START_WARM if running else POOL_START_COLD


def _unguarded_script() -> str | None:
    """The script's path when this call runs from its top level outside ``if __name__ == "__main__":``.

    Worker processes import the main script again; such a call would then
    start workers of its own while they are still starting (a RuntimeError
    about the bootstrapping phase, and a BrokenProcessPool here).
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if not path or not os.path.isfile(path) or not str(path).endswith(".py"):
        return None
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "<module>" and frame.f_globals.get("__name__") == "__main__":
            return None if _guarded(path, frame.f_lineno) else str(path)
        frame = frame.f_back  # type: ignore[assignment]
    return None


def _guarded(path: str, line: int) -> bool:
    """Whether ``line`` of the script lies inside a top-level ``if __name__ == "__main__":`` block."""
    try:
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read())
    except (OSError, SyntaxError, ValueError):
        return True  # cannot tell: do not second-guess the caller
    for node in tree.body:
        if isinstance(node, ast.If) and "__name__" in ast.unparse(node.test) and "__main__" in ast.unparse(node.test):
            if node.lineno <= line <= (node.end_lineno or node.lineno):
                return True
    return False


def _process_context() -> multiprocessing.context.BaseContext:
    """How worker processes start: from a clean pre-loaded server where possible, else spawned.

    Never a plain fork of this process: it may hold a solver's thread pool,
    which a forked child would inherit without its threads.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(PRELOAD))
        return context
    return multiprocessing.get_context("spawn")


def executor_from_address(address: str, timeout: float = 10.0) -> Any:
    """Connect to a running Dask scheduler and return its ``dask.distributed.Client``.

    Parameters
    ----------
    address
        The scheduler address, e.g. ``"tcp://10.0.0.5:8786"``.
    timeout
        Seconds to wait for the scheduler before giving up.

    Raises
    ------
    SolverError
        If Dask is not installed (the message says how to install it) or the
        scheduler cannot be reached.

    Examples
    --------
    >>> client = executor_from_address("tcp://127.0.0.1:8786")  # doctest: +SKIP
    >>> sweep(config, {"total_budget": budgets}, executor=client)  # doctest: +SKIP
    """
    try:
        from dask.distributed import Client
    except ImportError as err:
        raise SolverError(f"running on a Dask scheduler ({address}) needs dask.distributed; {DASK_HINT}") from err
    try:
        return Client(address, timeout=timeout)
    except (OSError, TimeoutError) as err:
        raise SolverError(
            f"could not connect to the Dask scheduler at {address!r} within {timeout:g} s: {err}; "
            "check the address (e.g. tcp://host:8786) and that the scheduler is running"
        ) from err


def _run_chunk(fn: Callable[[T], R], chunk: Sequence[T]) -> list[R]:
    """The unit of work a worker receives: one batch of consecutive items."""
    return [fn(item) for item in chunk]


def _chunks(items: list[T], workers: int, per_worker: int = CHUNKS_PER_WORKER) -> list[list[T]]:
    """Split ``items`` into consecutive batches, ``per_worker`` per worker."""
    count = max(1, min(len(items), workers * per_worker))
    size = math.ceil(len(items) / count)
    return [items[start:start + size] for start in range(0, len(items), size)]


def _is_dask_client(executor: Any) -> bool:
    return callable(getattr(executor, "map", None)) and callable(getattr(executor, "gather", None))


def _worker_count(executor: Any) -> int:
    """How many tasks the executor can run at once (a guess when it does not say)."""
    nthreads = getattr(executor, "nthreads", None)
    if callable(nthreads):  # dask.distributed.Client: {worker address: threads}
        try:
            return max(1, sum(nthreads().values()))
        except (OSError, TimeoutError, ValueError, TypeError, AttributeError):  # a client that cannot answer
            return os.cpu_count() or 1
    workers = getattr(executor, "_max_workers", None)
    return workers if isinstance(workers, int) and workers > 0 else (os.cpu_count() or 1)


def _run_on(
    executor: Any, fn: Callable[[T], R], items: list[T], bar: Any, workers: int | None = None,
    per_worker: int = CHUNKS_PER_WORKER,
) -> list[R]:
    chunks = _chunks(items, workers or _worker_count(executor), per_worker)
    if _is_dask_client(executor):
        futures = executor.map(_run_chunk, [fn] * len(chunks), chunks, pure=False)
    elif callable(getattr(executor, "submit", None)):
        futures = [executor.submit(_run_chunk, fn, chunk) for chunk in chunks]
    else:
        raise TypeError(
            f"executor must be a concurrent.futures.Executor or a dask.distributed.Client, "
            f"got {type(executor).__name__}"
        )
    results: list[R] = []
    for future, chunk in zip(futures, chunks):
        results.extend(future.result())
        bar.update(len(chunk))
    return results


def _progress_bar(total: int, show: bool, desc: str) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=desc or None, disable=not show, file=sys.stderr, leave=False, delay=PROGRESS_DELAY)


__all__ = ["executor_from_address", "run_points"]
