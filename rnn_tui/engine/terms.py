"""Terms of a step's equation, computed for showing them: each one a product the step makes.

The trace keeps what a run computed (states, gates, the input projection for all t);
these are the parts of a step's pre-activation that it does not keep, recomputed from
the weights in the same order as the step itself, so a view can show them.
"""

from __future__ import annotations

import numpy as np

from .network import Network


def recurrent_term(network: Network, layer: int, direction: str, s_prev: np.ndarray) -> np.ndarray:
    """The per-step recurrent part of every gate's pre-activation: W_hh s_prev + b_hh.

    layer: 0-based; direction: "forward" or "backward" (each has its own W_hh, b_hh);
    s_prev: (H,) the state the step reads: s_{t-1} going forward, s_{t+1} going backward
    (the backward run reads time from T down to 1), zeros at the edge of the sequence.
    Returns (G*H,), G the gate blocks in PyTorch's order (1 for an RNN, i f g o for an
    LSTM, r z n for a GRU). With the input projection P[t] = x_t W_ihᵀ + b_ih, a vanilla
    RNN's step is s_t = act(P[t] + recurrent_term(...)). An overflow gives inf silently.
    """
    whole = isinstance(layer, (int, np.integer)) and not isinstance(layer, bool)
    if not whole or not 0 <= layer < network.num_layers:
        raise ValueError(f"layer must be in 0..{network.num_layers - 1}, not {layer!r}")
    _w_ih, w_hh, _b_ih, b_hh = network.weights(int(layer), direction)  # checks direction
    s_prev = np.asarray(s_prev)
    if s_prev.shape != (network.hidden_size,):
        raise ValueError(f"s_prev must have shape ({network.hidden_size},), not {s_prev.shape}")
    with np.errstate(over="ignore", invalid="ignore"):  # an overflowed state shows as inf
        return w_hh @ s_prev + b_hh  # (G*H,) the recurrent part of the pre-activations
