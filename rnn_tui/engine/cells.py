"""The three recurrent cells, one timestep at a time, in PyTorch's conventions.

These are the reference equations: `Network.step` runs them one timestep at a time,
and compact.py a GRU's over blocks of steps at once (fused.py, and compact.py for an
LSTM, compute the same recurrence in a fused form: one tanh for the four gates). The
input projection ``W_ih x_t + b_ih`` is computed outside and passed in as ``xp``; the
cell adds the recurrent part.
Vectors may carry leading batch axes: (B, H) works wherever (H,) does.
Gate rows are stacked as PyTorch stacks them: LSTM i, f, g, o; GRU r, z, n.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NONLINEARITIES = ("tanh", "relu", "sigmoid")


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function, elementwise; any shape. exp overflow gives exactly 0."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-x))


def relu(x: np.ndarray) -> np.ndarray:
    """max(x, 0), elementwise; any shape."""
    return np.maximum(x, 0)


ACTIVATIONS = {"tanh": np.tanh, "relu": relu, "sigmoid": sigmoid}


@dataclass(frozen=True)
class CellSpec:
    """What distinguishes one cell type: its gate blocks and whether it keeps c."""

    name: str
    gate_names: tuple[str, ...]  # names of the stacked row blocks of weight_ih
    has_cell_state: bool

    @property
    def blocks(self) -> int:
        """How many H-row blocks weight_ih and weight_hh stack (1, 4 or 3)."""
        return max(1, len(self.gate_names))


RNN = CellSpec("rnn", (), False)
LSTM = CellSpec("lstm", ("i", "f", "g", "o"), True)
GRU = CellSpec("gru", ("r", "z", "n"), False)
CELLS = {spec.name: spec for spec in (RNN, LSTM, GRU)}


def rnn_step(
    xp: np.ndarray, h: np.ndarray, w_hh_t: np.ndarray, b_hh: np.ndarray, act
) -> np.ndarray:
    """One Elman step. xp: (H,) input projection; h: (H,) previous state;
    w_hh_t: (H, H) transposed recurrent weights; b_hh: (H,). Returns h_t: (H,)."""
    return act(xp + h @ w_hh_t + b_hh)  # s_t = act(W_ih x_t + b_ih + W_hh s_{t-1} + b_hh)


def lstm_step(
    xp: np.ndarray, h: np.ndarray, c: np.ndarray, w_hh_t: np.ndarray, b_hh: np.ndarray
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, ...]]:
    """One LSTM step. xp: (4H,); h, c: (H,); w_hh_t: (H, 4H); b_hh: (4H,).
    Returns (h_t, c_t, (i, f, g, o)), each (H,)."""
    z = xp + h @ w_hh_t + b_hh  # all four pre-activations, stacked i f g o
    i, f, g, o = np.split(z, 4, axis=-1)
    i = sigmoid(i)  # input gate
    f = sigmoid(f)  # forget gate
    g = np.tanh(g)  # candidate cell
    o = sigmoid(o)  # output gate
    c = f * c + i * g  # new cell state: keep part of the old, write part of the new
    h = o * np.tanh(c)  # new hidden state
    return h, c, (i, f, g, o)


def gru_step(
    xp: np.ndarray, h: np.ndarray, w_hh_t: np.ndarray, b_hh: np.ndarray
) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """One GRU step. xp: (3H,); h: (H,); w_hh_t: (H, 3H); b_hh: (3H,).
    Returns (h_t, (r, z, n)), each (H,)."""
    hp = h @ w_hh_t + b_hh  # recurrent projection, stacked r z n
    x_r, x_z, x_n = np.split(xp, 3, axis=-1)
    h_r, h_z, h_n = np.split(hp, 3, axis=-1)
    r = sigmoid(x_r + h_r)  # reset gate
    z = sigmoid(x_z + h_z)  # update gate
    n = np.tanh(x_n + r * h_n)  # candidate state; r scales only the recurrent part
    h = (1.0 - z) * n + z * h  # blend of candidate and previous state
    return h, (r, z, n)
