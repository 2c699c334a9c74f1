"""run_points: order kept, batches, executors by duck typing, progress, Dask hints."""

from __future__ import annotations

import itertools
import math
import operator
import os
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pytest

from optimiser import SolverError
from optimiser.analysis import executor as executor_module
from optimiser.analysis import executor_from_address, run_points
from optimiser.analysis.executor import _chunks


def test_in_process_keeps_order() -> None:
    assert run_points(abs, [-2, 3, -5]) == [2, 3, 5]
    assert run_points(abs, []) == []


def test_processes_return_results_in_item_order() -> None:
    items = list(range(-20, 20))
    assert run_points(operator.neg, items, jobs=2) == [-i for i in items]


def test_workers_get_batches_so_a_process_handles_many_items(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tiny work stays in this process (test_small_work_stays_in_process); here the pool is forced.
    monkeypatch.setattr(executor_module, "_pool_start", lambda: -1e9)
    pids = run_points(_pid_of, list(range(16)), jobs=2)[executor_module.PROBE_ITEMS:]
    assert len(set(pids)) <= 2 and os.getpid() not in pids
    # Consecutive items run in the same process (one batch), not scattered one by one.
    assert sum(a != b for a, b in itertools.pairwise(pids)) < len(pids) - 1


def _pid_of(_: int) -> int:
    return os.getpid()


def test_chunks_are_consecutive_and_cover_everything() -> None:
    items = list(range(10))
    chunks = _chunks(items, workers=2)
    assert [x for chunk in chunks for x in chunk] == items
    # Up to four batches per worker: ceil(10 / 8) = 2 items each.
    assert chunks == [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]
    assert [len(chunk) for chunk in _chunks(list(range(200)), workers=2)] == [25] * 8
    assert _chunks([1, 2], workers=4) == [[1], [2]]


def test_a_concurrent_futures_executor_is_used() -> None:
    with ThreadPoolExecutor(max_workers=3) as pool:
        assert run_points(math.sqrt, [0, 1, 4, 9, 16], executor=pool) == [0.0, 1.0, 2.0, 3.0, 4.0]


class SubmitOnly:
    """The least an executor needs: submit(fn, *args) -> future."""

    def __init__(self) -> None:
        self.calls = 0

    def submit(self, fn: Any, *args: Any) -> Future[Any]:
        self.calls += 1
        future: Future[Any] = Future()
        future.set_result(fn(*args))
        return future


class ClientLike:
    """A stand-in with the Dask client surface used: map(..., pure=False), gather, nthreads."""

    def __init__(self) -> None:
        self.pure: list[bool] = []

    def nthreads(self) -> dict[str, int]:
        return {"tcp://a": 1, "tcp://b": 1}

    def map(self, fn: Any, *iterables: Any, pure: bool = True) -> list[Future[Any]]:
        self.pure.append(pure)
        futures = []
        for args in zip(*iterables):
            future: Future[Any] = Future()
            future.set_result(fn(*args))
            futures.append(future)
        return futures

    def gather(self, futures: list[Future[Any]]) -> list[Any]:
        return [f.result() for f in futures]


def test_executors_are_recognised_by_their_methods() -> None:
    plain = SubmitOnly()
    assert run_points(str.upper, ["a", "b", "c"], executor=plain) == ["A", "B", "C"]
    assert plain.calls >= 1
    client = ClientLike()
    assert run_points(str.upper, list("abcdefghij"), executor=client) == list("ABCDEFGHIJ")
    assert client.pure == [False]  # identical batches must not be merged as one task
    with pytest.raises(TypeError, match="executor must be a concurrent.futures.Executor or a dask.distributed.Client"):
        run_points(abs, [1], executor=object())


def test_errors_in_fn_reach_the_caller() -> None:
    with pytest.raises(ValueError, match="math domain error"):
        run_points(math.sqrt, [4, -1])


@pytest.mark.parametrize("jobs", [0, -2, 1.5, True])
def test_jobs_must_be_a_positive_whole_number(jobs: Any) -> None:
    with pytest.raises(ValueError, match="jobs must be a positive whole number of processes"):
        run_points(abs, [1], jobs=jobs)


def test_progress_bar_goes_to_stderr(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(executor_module, "PROGRESS_DELAY", 0.0)
    assert run_points(abs, [-1, -2, -3], progress=True, desc="points") == [1, 2, 3]
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "points:" in captured.err and "0/3" in captured.err


def test_missing_dask_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    with pytest.raises(SolverError, match=r"pip install optimiser\[dask\]"):
        executor_from_address("tcp://127.0.0.1:8786")


def test_unreachable_scheduler_is_a_solver_error() -> None:
    with pytest.raises(SolverError, match="could not connect to the Dask scheduler at 'tcp://127.0.0.1:9'"):
        executor_from_address("tcp://127.0.0.1:9", timeout=1)
