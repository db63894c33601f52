"""ui.collector_paused: the imports of start-up with the garbage collector paused, then
frozen; a block that raises is not frozen, and the collector runs again either way."""

from __future__ import annotations

import gc

import pytest

from rnn_tui.ui import collector_paused


def test_what_the_block_loaded_is_frozen_and_the_collector_runs_again():
    assert gc.isenabled()
    before = gc.get_freeze_count()
    with collector_paused():
        assert not gc.isenabled()
        kept = [[i] for i in range(1000)]  # objects that live on, as a module's
    assert gc.isenabled()
    assert gc.get_freeze_count() >= before + len(kept)


def test_a_block_that_raises_is_not_frozen():
    before = gc.get_freeze_count()
    with pytest.raises(ValueError), collector_paused():
        garbage = [[i] for i in range(1000)]
        raise ValueError(len(garbage))
    assert gc.isenabled()
    assert gc.get_freeze_count() == before


def test_inside_a_paused_block_it_leaves_the_collector_alone():
    before = gc.get_freeze_count()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled() and gc.get_freeze_count() == before
    finally:
        gc.enable()
