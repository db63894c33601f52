"""The weights view's captions name the state each direction really reads: s_{t-1}
going forward, s_{t+1} going backward (with W', b', P' and ←s), checked against the
trace and the parameters, not against a copy of the sentence."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_tui.present.panes import projection_content, weights_content
from rnn_tui.present.position import View
from rnn_tui.present.view import Stage
from rnn_tui.render.notation import sub
from rnn_tui.scenario import load_scenario

ACTS = {"tanh": np.tanh, "relu": lambda v: np.maximum(v, 0.0)}


@pytest.fixture(scope="module")
def stage() -> Stage:
    return Stage(load_scenario("bidirectional"))


def neighbour(t: int, direction: str) -> int:
    """The step whose state the run in `direction` reads at t (1-based)."""
    return t - 1 if direction == "forward" else t + 1


@pytest.mark.parametrize("direction", ["forward", "backward", "both"])
def test_each_w_hh_is_said_to_read_its_own_neighbour(stage, direction):
    content = weights_content(stage, View(t=2, layer=1, direction=direction))
    shown = ("forward", "backward") if direction == "both" else (direction,)
    hh = [m.name for _, matrices in content.groups for m in matrices if "_hh" in m.name
          and not m.name.startswith("b")]  # fmt: skip
    assert len(hh) == len(shown)
    arrows = {"forward": "→sₜ₋₁", "backward": "←sₜ₊₁"}
    for name, run in zip(hh, shown, strict=True):
        mark = "'" if run == "backward" else ""
        assert name == f"W{mark}_hh = W{mark}ʰʰ (reads {arrows[run]})"
    # what changes as you step: x_t and the state each direction shown reads
    reads = " and ".join(arrows[run] for run in shown)
    assert f"only xₜ and {reads} do." in content.notes[0]


def test_the_backward_projection_names_w_prime_and_the_next_state_and_adds_up(stage):
    net = stage.network
    assert net.cell == "rnn"
    act = ACTS[net.nonlinearity]
    w_ih, w_hh, b_ih, b_hh = (net.params[f"{n}_l0_reverse"] for n in
                              ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))  # fmt: skip
    backward = stage.trace.layers[0].backward
    x = stage.trace.layers[0].input
    T = stage.steps
    for t in range(1, T + 1):
        content = projection_content(stage, View(t=t, layer=1, direction="backward"))
        prev = neighbour(t, "backward")
        s_prev = backward.h[prev - 1] if prev <= T else np.zeros(stage.hidden)
        expected_name = f"W'_hh ←s{sub(prev)} + b'_hh" + (
            "" if prev <= T else f", ←s{sub(prev)} = 0"
        )
        assert content.recurrent_name == expected_name
        assert f"←s{sub(t)} = act(P'[{t}] + W'_hh ←s{sub(prev)} + b'_hh)" in content.notes[0]
        # the numbers shown are the trace's: P'[t] + W'_hh s_{t+1} + b'_hh gives ←s_t
        np.testing.assert_allclose(content.recurrent, w_hh @ s_prev + b_hh, atol=1e-12)
        np.testing.assert_allclose(content.projection[t - 1], w_ih @ x[t - 1] + b_ih, atol=1e-12)
        np.testing.assert_allclose(act(content.projection[t - 1] + content.recurrent),
                                   backward.h[t - 1], atol=1e-12)  # fmt: skip


def test_the_forward_projection_reads_the_previous_state(stage):
    content = projection_content(stage, View(t=3, layer=1, direction="forward"))
    assert content.recurrent_name == f"W_hh →s{sub(2)} + b_hh"
    assert content.mark == ""


@pytest.mark.parametrize(
    ("name", "gates"), [("lstm-gates", "i, f, g, oᵍ = act("), ("gru-gates", "r, z = σ(")]
)
def test_a_gated_cells_projection_note_does_not_call_the_sum_its_state(name, gates):
    """s_t of LSTM is o ⊙ tanh(c_t) and GRU's n sees r ⊙ the recurrent part: the note
    gives the gates the sum P[t] + W_hh s + b_hh, not s_t itself."""
    stage = Stage(load_scenario(name))
    note = projection_content(stage, View(t=2, layer=1, direction="forward")).notes[0]
    assert gates in note and f"s{sub(2)} = act(" not in note
