"""Screenshots of the app at fixed sizes, compared with committed SVGs (pytest-textual-snapshot).

Regenerate after an intended change with `pytest tests/app/test_snapshots.py --snapshot-update`
and look at the new SVGs (the report `snapshot_report.html` shows any difference)."""

from __future__ import annotations

from rnn_tui.ui import make_app


def test_intent_after_two_steps_120x40(snap_compare):
    """Default scenario, t = 3: the token strip on "is", s_3 and x_3 with their numbers,
    o still waiting for the last step, the untrained badge."""
    assert snap_compare(make_app(), press=["right", "right"], terminal_size=(120, 40))


def test_intent_last_step_shows_the_prediction_120x40(snap_compare):
    """Default scenario at t = T: the single many-to-one output and its prediction."""
    assert snap_compare(make_app(), press=["end"], terminal_size=(120, 40))


def test_bidirectional_backward_80x24(snap_compare):
    """After d: the backward direction, its strip running from the end of the sentence."""
    assert snap_compare(make_app("bidirectional"), press=["d"], terminal_size=(80, 24))


def test_bidirectional_both_80x24(snap_compare):
    """d twice: forward and backward side by side and the merged state, all on 80×24."""
    assert snap_compare(
        make_app("bidirectional"), press=["d", "d", "right"], terminal_size=(80, 24)
    )


def test_lstm_gates_80x24(snap_compare):
    """An LSTM: the gates panel (i, f, g, o, c) at a small size."""
    assert snap_compare(make_app("lstm-gates"), press=["right"], terminal_size=(80, 24))
