"""Screenshots of the app at fixed sizes, compared with committed SVGs (pytest-textual-snapshot).

Each main view in a dark and a light theme at 120×40, and at 80×24; every view at once
at 160×48. The scenarios are copies in tests/app/data (seeded weights), so a change to
a built-in scenario does not move these pictures.

Regenerate after an intended change with `pytest tests/app/test_snapshots.py --snapshot-update`
and look at the new SVGs (the report `snapshot_report.html` shows any difference)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnn_tui.ui import make_app

DATA = Path(__file__).parent / "data"
DARK, LIGHT = "textual-dark", "textual-light"


def app(name: str):
    return make_app(DATA / f"snap-{name}.toml")


def themed(theme: str):
    async def run_before(pilot) -> None:
        pilot.app.theme = theme
        await pilot.pause()

    return run_before


# (scenario, keys) of each main view: what it is best at showing
VIEWS = {
    # both directions side by side and their merge
    "step": ("bidirectional", ["d", "d", "right"]),
    # an LSTM unit's gates and how they combine, every number checked
    "numbers": ("lstm-gates", ["right", "right", "right_square_bracket", "2"]),
    # three stacked layers, the middle one selected
    "layers": ("deep", ["right", "right", "up", "3"]),
    # the backward direction filling from the end
    "history": ("bidirectional", ["d", "home", "right", "right", "4"]),
    # W per gate block, the vectorised projection beside the per-step product
    "weights": ("gru-gates", ["right", "right", "5"]),
}


@pytest.mark.parametrize("theme", [DARK, LIGHT])
@pytest.mark.parametrize("view", list(VIEWS))
def test_view_120x40(snap_compare, view, theme):
    scenario, keys = VIEWS[view]
    assert snap_compare(
        app(scenario), press=keys, terminal_size=(120, 40), run_before=themed(theme)
    )


@pytest.mark.parametrize("view", list(VIEWS))
def test_view_80x24(snap_compare, view):
    scenario, keys = VIEWS[view]
    assert snap_compare(app(scenario), press=keys, terminal_size=(80, 24), run_before=themed(DARK))


def test_every_view_at_once_160x48(snap_compare):
    """A wide screen: the step panels, all layers and the history on the left, the
    numbers and the weights on the right."""
    assert snap_compare(
        app("bidirectional"), press=["d", "d", "right", "up"], terminal_size=(160, 48)
    )


def test_intent_after_two_steps_120x40(snap_compare):
    """t = 3: the token strip on "is" with the influence strip under it, s_3 and x_3
    with their numbers, o still waiting for the last step, the untrained badge."""
    assert snap_compare(app("intent"), press=["right", "right"], terminal_size=(120, 40))


def test_intent_last_step_shows_the_prediction_120x40(snap_compare):
    """t = T: the single many-to-one output, the o_t before it computed for display, the
    prediction with the right answer, the bars."""
    assert snap_compare(app("intent"), press=["end"], terminal_size=(120, 40))


def test_bidirectional_backward_80x24(snap_compare):
    """After d: the backward direction, its strip running from the end of the sentence."""
    assert snap_compare(app("bidirectional"), press=["d"], terminal_size=(80, 24))


def test_lstm_gates_80x24(snap_compare):
    """An LSTM: the gates panel (i, f, g, o, c) at a small size."""
    assert snap_compare(app("lstm-gates"), press=["right"], terminal_size=(80, 24))


def test_help_80x24(snap_compare):
    """The help screen over the app."""
    assert snap_compare(app("intent"), press=["question_mark"], terminal_size=(80, 24))
