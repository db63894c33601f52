"""Full garbage collections wait for a moment without keys (ui/collector.py), and
CPython's own thresholds come back when the app ends."""

from __future__ import annotations

import gc

from rnn_tui.ui import collector
from rnn_tui.ui.collector import IdleCollector


def owe_full_collections(count: int) -> None:
    """Make CPython count `count` generation-1 collections since the last full one."""
    gc.collect(2)
    for _ in range(count):
        gc.collect(1)


def test_a_full_collection_waits_for_a_quiet_moment_and_the_thresholds_return(monkeypatch):
    before = gc.get_threshold()
    idle = IdleCollector()
    idle.start()
    try:
        assert gc.get_threshold()[:2] == before[:2] and gc.get_threshold()[2] >= 10**6
        clock = [100.0]
        monkeypatch.setattr(collector.time, "monotonic", lambda: clock[0])
        owe_full_collections(collector.OWED)
        idle.key()  # a key just now: not yet
        idle.check()
        assert gc.get_count()[2] == collector.OWED
        clock[0] += collector.QUIET_SECONDS  # quiet since: now
        idle.check()
        assert gc.get_count()[2] == 0
        owe_full_collections(collector.OVERDUE)
        idle.key()  # keys all the time, but long overdue: now anyway
        idle.check()
        assert gc.get_count()[2] == 0
    finally:
        idle.stop()
    assert gc.get_threshold() == before
    idle.check()  # stopped: does nothing (and does not fail)
