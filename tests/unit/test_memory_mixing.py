"""render/mixing.py: each word's share of the prediction (tutorial section 4), measured
by replacing it; shares checked against runs of the network done here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rendered import mono, raw
from rich.cells import cell_len
from rich.console import Console

from rnn_tui.engine import softmax
from rnn_tui.render.mixing import COLOURS, MixingBar, segment_widths
from rnn_tui.scenario import load_scenario
from rnn_tui.scenario.memory import replaced_each

ROOT = Path(__file__).resolve().parents[2]
SWAP = {"step": 1, "swap": {"A": "B", "B": "A"}}


def independent_shares(scenario, label: int) -> np.ndarray:
    """The drop in p(label) at the output when each input is replaced by the probe's
    baseline: T + 1 runs of Network.trace, one sequence each."""
    from rnn_tui.scenario.memory import probe

    baselines = probe(scenario).baselines
    given = softmax(np.asarray(scenario.network.trace(scenario.inputs).outputs, float))[-1]
    out = []
    for k in range(len(scenario.inputs)):
        inputs = np.array(scenario.inputs, copy=True)
        inputs[k] = baselines[k]
        altered = softmax(np.asarray(scenario.network.trace(inputs).outputs, float))[-1]
        out.append(given[label] - altered[label])
    return np.array(out)


def test_the_widths_add_up_and_negatives_count_nothing():
    assert segment_widths([0.5, -0.2, 0.25, 0.25, float("nan")], 8) == [4, 0, 2, 2, 0]
    assert sum(segment_widths([0.3, 0.3, 0.3], 10)) == 10
    assert segment_widths([1e-9, 2e-9], 3) == [1, 2]  # normalised: the scale is the caption's
    assert segment_widths([-1.0, 0.0], 5) == [0, 0]


def test_the_shares_are_the_drops_when_each_word_is_replaced():
    scenario = load_scenario(ROOT / "scenarios" / "memory-fade-lstm.toml")
    if not scenario.memory:
        scenario.memory = dict(SWAP)
    _probe, replaced = replaced_each(scenario)
    label = int(np.argmax(replaced.final))
    shares = replaced.shares(label)
    np.testing.assert_allclose(shares, independent_shares(scenario, label), atol=1e-5)
    bar = MixingBar(scenario.tokens, shares, label="Σ", mono=True)
    first, numbers = mono(bar, 60).splitlines()[:2]
    # x₁ (A) holds p(A) up almost alone: its segment is nearly the whole bar, named
    width = 60 - 2
    cells = segment_widths(list(independent_shares(scenario, label)), width)
    assert cells[0] >= width - 2
    assert first.startswith("Σ ") and " A " in first
    assert numbers.split()[:3] == ["x₁", "A", f"{shares[0]:.2f}"]


def test_each_word_gets_its_own_colour_and_its_name_when_it_fits():
    console = Console(width=30, color_system="truecolor", force_terminal=True, _environ={})
    bar = MixingBar(["what", "time", "is"], [0.2, 0.6, 0.2])
    segments = [s for s in console.render(bar) if s.style is not None and s.style.bgcolor]
    assert [s.style.bgcolor.triplet.hex for s in segments] == list(COLOURS[:3])
    assert [s.text.strip() for s in segments] == ["what", "time", "is"]
    assert [cell_len(s.text) for s in segments] == [6, 18, 6]


def test_without_colour_shades_and_names_tell_the_words_apart():
    text = mono(MixingBar(["what", "time", "is"], [0.2, 0.6, 0.2], caption="share"), 32)
    # 7, 19 and 6 cells (6.4, 19.2, 6.4 by largest remainder); the numbers that fit;
    # the caption on a line of its own where it does not fit after them
    assert text.splitlines() == [
        " what █▓▓▓▓▓▓ time ▓▓▓▓▓▓▓▒ is ▒",
        "x₂ time 0.60  x₁ what 0.20",
        "share",
    ]
    wide = mono(MixingBar(["what", "time", "is"], [0.2, 0.6, 0.2], caption="share"), 60)
    assert wide.splitlines()[1] == "x₂ time 0.60  x₁ what 0.20  x₃ is 0.20   share"


def test_no_positive_share_draws_no_mixture():
    text = mono(MixingBar(["a", "b"], [-0.1, 0.0], caption="nothing holds it up"), 20)
    assert text.splitlines() == ["·" * 20, "nothing holds it up"]


@pytest.mark.parametrize("width", [10, 33, 80, 118])
def test_the_bar_fills_its_width(width):
    words = [f"w{i}" for i in range(50)]
    shares = np.linspace(-0.1, 1.0, 50)
    for line in raw(MixingBar(words, shares, label="Σ", caption="c"), width):
        assert cell_len(line) <= width
    assert cell_len(mono(MixingBar(words, shares, label="Σ"), width).splitlines()[0]) == width
