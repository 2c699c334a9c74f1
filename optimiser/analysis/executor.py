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

import math
import multiprocessing
import os
import sys
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
        (``forkserver``; ``spawn`` where that is not available). In a script,
        call it under ``if __name__ == "__main__":``. Ignored when
        ``executor`` is given.
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
        context = _process_context()
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            return _run_on(pool, fn, items, bar, workers=workers)
    finally:
        bar.close()


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


def _chunks(items: list[T], workers: int) -> list[list[T]]:
    """Split ``items`` into consecutive batches, a few per worker."""
    count = max(1, min(len(items), workers * CHUNKS_PER_WORKER))
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


def _run_on(executor: Any, fn: Callable[[T], R], items: list[T], bar: Any, workers: int | None = None) -> list[R]:
    chunks = _chunks(items, workers or _worker_count(executor))
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
