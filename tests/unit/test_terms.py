"""engine.terms: the per-step recurrent part, checked against what the run computed."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_tui.engine import Network
from rnn_tui.engine.terms import recurrent_term

ACTS = {
    "tanh": np.tanh,
    "relu": lambda v: np.maximum(v, 0.0),
    "sigmoid": lambda v: 1.0 / (1.0 + np.exp(-v)),
}
T = 6


def previous_state(h: np.ndarray, t: int, direction: str) -> np.ndarray:
    """The state step t (1-based) reads: s_{t-1} forward, s_{t+1} backward, 0 at the edge."""
    prev = t - 1 if direction == "forward" else t + 1
    return h[prev - 1] if 1 <= prev <= h.shape[0] else np.zeros(h.shape[1])


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu", "sigmoid"])
def test_a_vanilla_rnn_step_is_its_projection_plus_the_recurrent_term(nonlinearity):
    """s_t = act(x_t W_ihᵀ + b_ih + W_hh s_prev + b_hh) at every step, layer and
    direction; the backward run reads s_{t+1}."""
    net = Network("rnn", input_size=3, hidden_size=4, num_layers=2, bidirectional=True,
                  nonlinearity=nonlinearity, seed=3)  # fmt: skip
    trace = net.trace(np.random.default_rng(0).normal(size=(T, 3)))
    act = ACTS[nonlinearity]
    for k, layer in enumerate(trace.layers):
        for direction in ("forward", "backward"):
            run = layer.forward if direction == "forward" else layer.backward
            assert run is not None
            w_ih, _w_hh, b_ih, _b_hh = net.weights(k, direction)
            for t in range(1, T + 1):
                term = recurrent_term(net, k, direction, previous_state(run.h, t, direction))
                assert term.shape == (4,)
                s_t = act(layer.input[t - 1] @ w_ih.T + b_ih + term)
                np.testing.assert_allclose(s_t, run.h[t - 1], rtol=0, atol=1e-12)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_gated_cells_read_one_block_per_gate(cell):
    """(G*H,) in PyTorch's gate order: σ of the first block plus the input projection is
    the first gate (LSTM i, GRU r) of the trace."""
    net = Network(cell, input_size=2, hidden_size=3, bidirectional=True, seed=1)
    trace = net.trace(np.random.default_rng(1).normal(size=(T, 2)))
    run = trace.layers[0].backward
    assert run is not None and run.projection is not None
    first = net.spec.gate_names[0]
    for t in range(1, T + 1):
        term = recurrent_term(net, 0, "backward", previous_state(run.h, t, "backward"))
        assert term.shape == (len(net.spec.gate_names) * 3,)
        gate = 1.0 / (1.0 + np.exp(-(run.projection[t - 1, :3] + term[:3])))
        np.testing.assert_allclose(gate, run.gates[first][t - 1], rtol=0, atol=1e-12)


def test_bad_arguments_are_refused_up_front():
    net = Network("rnn", input_size=2, hidden_size=3)
    with pytest.raises(ValueError, match="layer must be in 0..0"):
        recurrent_term(net, 1, "forward", np.zeros(3))
    with pytest.raises(ValueError, match="direction"):
        recurrent_term(net, 0, "backward", np.zeros(3))  # a one-way network
    with pytest.raises(ValueError, match=r"s_prev must have shape \(3,\)"):
        recurrent_term(net, 0, "forward", np.zeros(4))


def test_an_overflowed_state_gives_inf_silently():
    net = Network("rnn", input_size=1, hidden_size=2, nonlinearity="relu", seed=0)
    with np.errstate(all="raise"):
        term = recurrent_term(net, 0, "forward", np.array([np.inf, 1.0]))
    assert not np.all(np.isfinite(term))
