"""ui.workers.OneBlasThread: numpy's BLAS on one thread while any background trace
runs, and back to what it was once the last has ended, however the traces overlap
(threadpoolctl's limit is the whole process's)."""

from __future__ import annotations

from threadpoolctl import threadpool_info, threadpool_limits

from rnn_tui.ui.workers import OneBlasThread


def blas_threads() -> set[int]:
    return {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}


def test_overlapping_traces_give_the_threads_back_once_the_last_ends():
    with threadpool_limits(limits=2, user_api="blas"):  # the process's own, here 2
        assert blas_threads() == {2}
        one = OneBlasThread()
        first, second = one.held(), one.held()
        first.__enter__()
        assert blas_threads() == {1}
        second.__enter__()  # a new trace before the old one has ended
        first.__exit__(None, None, None)
        assert blas_threads() == {1}  # the new one still runs
        second.__exit__(None, None, None)
        assert blas_threads() == {2}
