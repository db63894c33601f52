"""Screenshots of the tutorial's lessons as the app shows them, in English and Chinese:
the memory view comparing the trained RNN, LSTM and GRU at t = 50 (section 5), the
many-to-one outputs and the colour-mixing bar at the end of a reading (section 4), and
the unrolled loop under the step panels (section 3).

The memory-fade files are copies in tests/app/data/memory (the three siblings side by
side, as they ship), so a change to the built-ins does not move these pictures.
Regenerate after an intended change with
`pytest tests/app/test_snapshots_lesson.py --snapshot-update` and look at the new SVGs."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnn_tui.i18n import set_language
from rnn_tui.ui import make_app

DATA = Path(__file__).parent / "data"


@pytest.fixture(params=["en", "zh"])
def language(request):
    set_language(request.param)
    try:
        yield request.param
    finally:
        set_language("en")


def settled(*keys: str):
    """Press the keys, then wait for the background measures (memory, influence)."""

    async def run_before(pilot) -> None:
        for key in keys:
            await pilot.press(key)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


def test_memory_view_compares_rnn_lstm_gru_at_t_50(snap_compare, language):
    """Section 5: x₁ swapped A ↔ B, the three trained models' memory curves side by side;
    the RNN's state at t = 50 no longer changes, the LSTM's and GRU's do."""
    app = make_app(DATA / "memory" / "memory-fade.toml")
    assert snap_compare(app, run_before=settled("6", "end"), terminal_size=(120, 40))


def test_many_to_one_outputs_and_colour_mixing_at_the_end(snap_compare, language):
    """Section 4: at t = T the o_t computed for display beside the one the model uses,
    the prediction with the right answer, and each word's share of it (Σ)."""
    app = make_app(DATA / "memory" / "memory-fade-lstm.toml")
    assert snap_compare(app, run_before=settled("end"), terminal_size=(120, 40))


def test_the_loop_unrolled_under_the_step_panels(snap_compare, language):
    """Section 3: the folded cell and its loop beside the chain, W forward and W'
    backward, the current step marked."""
    app = make_app(DATA / "snap-bidirectional.toml")
    assert snap_compare(app, run_before=settled("d", "d", "right"), terminal_size=(120, 48))
